"""Slash commands generated from the command registry: no per-command glue.

Mapping (documented in the README): `POINTS` -> `/points`; `SHOP ADD` -> `/shop add`; a name that is both
a command and the start of others (`SHOP` and `SHOP ADD`) keeps its bare form as `/shop view`. Options
come from the arguments: a member -> a user picker, an integer -> an integer with its bounds, a choice ->
a fixed list, a word or text -> a string. Staff commands say so in their description; the core checks
permission on every call, so a member who runs one is refused whatever Discord shows.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import discord
from discord import app_commands

from handlers.models import Role
from handlers.registry import MAX_INTEGER, Arg, ArgKind, Command

log = logging.getLogger(__name__)

Runner = Callable[[discord.Interaction[Any], Command, dict[str, Any]], Awaitable[None]]
SlashItem = app_commands.Command[Any, ..., Any] | app_commands.Group

MAX_TOP_LEVEL = 100
MAX_CHILDREN = 25
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_DESCRIPTION = 100
MAX_WORD = 100
MAX_TEXT = 4000  # the core's own limit on a message
BARE_NAMES = ("view", "show", "main")
"""The subcommand name for a command that is also a group prefix, first one not taken."""
OVERFLOW_GROUP = "more"
_NAME = re.compile(r"^[a-z0-9_-]{1,32}$")
_STAFF = {Role.MODERATOR: "[moderators] ", Role.ADMIN: "[admins] "}


def shorten(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(command: Command) -> str:
    return shorten(_STAFF.get(command.permission, "") + command.help)


@dataclass
class Node:
    """A name in the slash tree: a command, a group of nodes, or both (the bare command then gets a name)."""

    name: str
    command: Command | None = None
    children: dict[str, Node] = field(default_factory=dict)


def plan(commands: Iterable[Command]) -> dict[str, Node]:
    """Top-level names -> nodes, within Discord's limits; what cannot fit is logged and left out."""
    top: dict[str, Node] = {}
    for command in commands:
        words = [w.lower() for w in command.words]
        if len(words) > 3 or not all(_NAME.match(w) for w in words):
            log.error("%s cannot be a slash command (at most 3 words of 1-32 characters)", command.name)
            continue
        if len(command.args) > MAX_OPTIONS:
            log.error("%s has more than %d arguments: not a slash command", command.name, MAX_OPTIONS)
            continue
        level = top
        node: Node | None = None
        for word in words:
            node = level.setdefault(word, Node(word))
            level = node.children
        assert node is not None
        node.command = command
    for node in top.values():
        _settle(node, depth=1)
    return _fit_top_level(top)


def _settle(node: Node, depth: int) -> None:
    """Give a bare command that is also a group its own subcommand; drop what is nested too deep."""
    if not node.children:
        return
    if depth == 3:
        log.error("%s is nested too deep for Discord: left out", " ".join(node.children))
        node.children.clear()
        return
    if node.command is not None:
        bare = next(name for name in BARE_NAMES if name not in node.children)
        node.children[bare] = Node(bare, node.command)
        node.command = None
    for child in node.children.values():
        _settle(child, depth + 1)
    if len(node.children) > MAX_CHILDREN:
        dropped = sorted(node.children)[MAX_CHILDREN:]
        log.error("/%s has more than %d subcommands: left out %s", node.name, MAX_CHILDREN, dropped)
        node.children = {k: node.children[k] for k in sorted(node.children)[:MAX_CHILDREN]}


def _fit_top_level(top: dict[str, Node]) -> dict[str, Node]:
    """Past 100 top-level commands, the last single commands move into `/more …` groups of 25."""
    if len(top) <= MAX_TOP_LEVEL:
        return top
    leaves = [name for name in sorted(top) if not top[name].children]
    moved = 0
    while len(top) - moved + -(-moved // MAX_CHILDREN) > MAX_TOP_LEVEL and moved < len(leaves):
        moved += 1
    moving = leaves[len(leaves) - moved :]
    kept = {name: node for name, node in top.items() if name not in moving}
    for n in range(0, len(moving), MAX_CHILDREN):
        name = OVERFLOW_GROUP if n == 0 else f"{OVERFLOW_GROUP}{n // MAX_CHILDREN + 1}"
        kept[name] = Node(name, children={m: top[m] for m in moving[n : n + MAX_CHILDREN]})
    if len(kept) > MAX_TOP_LEVEL:
        dropped = sorted(kept)[MAX_TOP_LEVEL:]
        log.error("more than %d top-level slash commands: left out %s", MAX_TOP_LEVEL, dropped)
        kept = {k: kept[k] for k in sorted(kept)[:MAX_TOP_LEVEL]}
    return kept


def build(commands: Iterable[Command], run: Runner) -> list[SlashItem]:
    return [_item(node, run) for _, node in sorted(plan(commands).items())]


def _item(node: Node, run: Runner) -> SlashItem:
    """A command, or a group whose children are attached with add_command (which sets their parent)."""
    if node.command is not None:
        return app_commands.Command(
            name=node.name,
            description=describe(node.command),
            callback=_callback(node.command, run),
            extras={"command": node.command.name, "permission": node.command.permission},
        )
    group = app_commands.Group(
        name=node.name, description=shorten(f"{node.name}: {', '.join(sorted(node.children))}")
    )
    for _, child in sorted(node.children.items()):
        group.add_command(_item(child, run))
    return group


def _callback(command: Command, run: Runner) -> Any:
    # Any: discord.py reads the options from the signature set below, which no static type can say.
    """A callback whose signature discord.py reads as the options (names, types, defaults)."""

    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await run(interaction, command, values)

    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for arg in command.args:
        parameters.append(
            inspect.Parameter(
                arg.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=option_type(arg),
                default=inspect.Parameter.empty if arg.required else None,
            )
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    # Named for tracebacks; __qualname__ == __name__ so discord.py does not take it for a method.
    callback.__name__ = callback.__qualname__ = "slash_" + "_".join(command.words).lower()
    app_commands.describe(**{arg.name: shorten(arg.help) for arg in command.args})(callback)
    renames = {arg.name: arg.name.lower()[:32] for arg in command.args if arg.name != arg.name.lower()}
    if renames:
        app_commands.rename(**renames)(callback)
    return callback


def option_type(arg: Arg) -> Any:
    """The Python annotation discord.py turns into the option's Discord type and limits."""
    if arg.kind is ArgKind.MEMBER:
        return discord.User
    if arg.kind is ArgKind.INTEGER:
        low = arg.min if arg.min is not None else -MAX_INTEGER
        high = arg.max if arg.max is not None else MAX_INTEGER
        return app_commands.Range[int, low, high]
    if arg.kind is ArgKind.CHOICE and 0 < len(arg.choices) <= MAX_CHOICES:
        return Literal[tuple(arg.choices)]
    if arg.kind is ArgKind.TEXT:
        return app_commands.Range[str, 1, MAX_TEXT]
    return app_commands.Range[str, 1, MAX_WORD]


def install(
    tree: app_commands.CommandTree[Any],
    commands: Iterable[Command],
    guild: discord.abc.Snowflake,
    run: Runner,
) -> list[SlashItem]:
    """Replace the guild's commands in the tree with the registry's (synced separately)."""
    tree.clear_commands(guild=guild)
    items = build(commands, run)
    for item in items:
        tree.add_command(item, guild=guild)
    return items
