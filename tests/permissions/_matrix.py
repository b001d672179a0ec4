"""What the permissions matrix shares between adapters: the five kinds of asker, typical arguments for any
command, who must be refused it (from the command's declared permission, never a hand-kept list) and a
snapshot of every table to show that a refusal wrote nothing."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from bot.formats import TEXTS
from handlers.core import Core
from handlers.errors import MembersOnly, PermissionDenied, StaffOnly
from handlers.models import Role
from handlers.onboarding._errors import RulesFirst
from handlers.onboarding._flow import ALLOWED_WHILE_PENDING
from handlers.registry import Arg, ArgKind, Command
from storage.store import Store
from tests.engines import tables

EN = TEXTS.translator("en")
SORRY = EN("core.sorry")
COMMUNITY = "Test Club"
RULES = {"rules": ["Be kind."]}
"""With rules, JOIN leaves a newcomer pending until AGREE: the pending member exists."""


class Asker(Enum):
    OUTSIDER = "outsider"
    """Never joined."""
    PENDING = "pending"
    """Joined, rules not accepted."""
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


def refusal(command: Command, asker: Asker) -> PermissionDenied | None:
    """The error `asker` must get for `command`, by its declared permission; None: it is theirs to run."""
    role = {
        Asker.OUTSIDER: Role.EVERYONE,
        Asker.PENDING: Role.MEMBER,
        Asker.MEMBER: Role.MEMBER,
        Asker.MODERATOR: Role.MODERATOR,
        Asker.ADMIN: Role.ADMIN,
    }[asker]
    if asker is Asker.PENDING and command.permission is Role.MEMBER:
        if command.name not in ALLOWED_WHILE_PENDING:
            return RulesFirst(COMMUNITY, command.name, command.localized)
        return None
    if command.permission <= role:
        return None
    if command.permission is Role.MEMBER:
        return MembersOnly(command.name)
    return StaffOnly(command.name, command.permission)


def refusals(command: Command) -> set[str]:
    """Every permission refusal `command` can get, as read: an allowed run must get none of them."""
    found = {MembersOnly(command.name), RulesFirst(COMMUNITY, command.name, command.localized)}
    found |= {StaffOnly(command.name, role) for role in (Role.MODERATOR, Role.ADMIN)}
    return {error.text(EN) for error in found}


def typical(arg: Arg, target: str) -> str | int:
    """A value of the argument's kind that parses: permission is checked once the arguments did."""
    if arg.kind is ArgKind.MEMBER:
        return target
    if arg.kind is ArgKind.INTEGER:
        return arg.min if arg.min is not None and arg.min > 1 else 1
    if arg.kind is ArgKind.CHOICE:
        return arg.choices[0]
    if arg.kind is ArgKind.TEXT:
        return "something to say"
    return "x1"


def typical_values(command: Command, target: str) -> dict[str, str | int]:
    return {arg.name: typical(arg, target) for arg in command.args}


def text_form(command: Command, target: str) -> str:
    """`AWARD @bob 1 something to say`: the command as typed, with every argument given."""
    return " ".join([command.name, *(str(v) for v in typical_values(command, target).values())])


def commands_of(core: Core) -> list[Command]:
    """Every command of the built registry: a new one is in the matrix without anyone listing it."""
    found = core.registry.all()
    assert found, "the registry is empty"
    return found


async def snapshot(store: Store, leave_out: frozenset[str] = frozenset()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but `leave_out`), in a stable order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in await tables(store):
        if table in leave_out:
            continue
        rows = await store.db.fetch_all(f'SELECT * FROM "{table}"')
        found[table] = sorted((tuple(row) for row in rows), key=repr)
    return found


def changed(before: Mapping[str, list[Any]], after: Mapping[str, list[Any]]) -> list[str]:
    """The tables whose rows differ."""
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
