"""Every command of the registry, typed on the console by each kind of asker: whoever the command's
declared permission leaves out is refused with that refusal and nothing is written; everyone else gets past
the check (an answer that may still be "no such poll", but never a permission refusal or an apology)."""

from __future__ import annotations

from itertools import count

import pytest

from handlers.core import Core
from handlers.events import DirectMessage
from handlers.features import community_config
from handlers.models import Identity, MemberStatus
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import say
from tests.permissions._matrix import (
    COMMUNITY,
    EN,
    RULES,
    SORRY,
    Asker,
    changed,
    commands_of,
    refusal,
    refusals,
    snapshot,
    text_form,
)

STAFF = {Asker.MODERATOR: "console:mod", Asker.ADMIN: "console:root"}
TARGET = "@bob"
_fresh = count(1)


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(
        {
            "community": {"name": COMMUNITY, "timezone": "Europe/Paris"},
            "roles": {"admins": [STAFF[Asker.ADMIN]], "moderators": [STAFF[Asker.MODERATOR]]},
            "onboarding": RULES,
        }
    )


async def member(core: Core, who: str) -> None:
    await say(core, who, "JOIN")
    await say(core, who, "AGREE")


async def asker_of(core: Core, kind: Asker) -> str:
    """An asker of this kind. Outsiders and newcomers are new each time (JOIN or AGREE would change what
    they are); staff are the configured identities, members already."""
    if kind in STAFF:
        return STAFF[kind]
    who = f"console:{kind.value}{next(_fresh)}"
    if kind is Asker.PENDING:
        await say(core, who, "JOIN")
        found = await core.services.members.by_identity(Identity.parse(who))
        assert found is not None and found.status is MemberStatus.PENDING
    elif kind is Asker.MEMBER:
        await member(core, who)
    return who


@pytest.mark.parametrize("kind", list(Asker), ids=lambda kind: kind.value)
async def test_each_command_refuses_exactly_whom_its_permission_leaves_out_and_writes_nothing(
    core: Core, store: Store, kind: Asker
) -> None:
    await member(core, "console:bob")
    for who in STAFF.values():
        await member(core, who)
    wrong: list[str] = []
    for command in commands_of(core):
        who = await asker_of(core, kind)
        await core.settle()
        before = await snapshot(store)
        replies = await core.handle_direct(DirectMessage(Identity.parse(who), text_form(command, TARGET)))
        await core.settle()
        texts = [reply.text for reply in replies]
        expected = refusal(command, kind)
        if expected is not None:
            if texts != [expected.text(EN)]:
                wrong.append(f"{command.name}: not refused as expected: {texts}")
            if written := changed(before, await snapshot(store)):
                wrong.append(f"{command.name}: the refusal wrote to {written}")
        elif SORRY in texts or refusals(command) & set(texts):
            wrong.append(f"{command.name}: refused or failed: {texts}")
    assert wrong == []


@pytest.mark.parametrize("kind", list(Asker), ids=lambda kind: kind.value)
async def test_a_refused_command_typed_with_wrong_arguments_gets_the_refusal_not_its_usage(
    core: Core, store: Store, kind: Asker
) -> None:
    """Regression: arguments were checked before permission, so a member who typed `AWARD` alone was taught
    AWARD's usage, and a newcomer who typed `VOTE` alone was not told to accept the rules first."""
    await member(core, "console:bob")
    for who in STAFF.values():
        await member(core, who)
    wrong: list[str] = []
    for command in commands_of(core):
        expected = refusal(command, kind)
        if expected is None:
            continue
        who = await asker_of(core, kind)
        for text in (command.name, f"{command.name} {'@ 0 ' * 30}"):  # too few arguments, too many
            [reply] = await core.handle_direct(DirectMessage(Identity.parse(who), text))
            if reply.text != expected.text(EN):
                wrong.append(f"{text[:40]!r}: {reply.text[:80]!r}")
    assert wrong == [], "\n".join(wrong)
