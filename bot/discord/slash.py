"""Slash commands generated from the command registry: no per-command glue.

Mapping (documented in the README): `POINTS` -> `/points`; `SHOP ADD` -> `/shop add`; a name that is both
a command and the start of others (`SHOP` and `SHOP ADD`) keeps its bare form as `/shop view`. Options
come from the arguments: a member -> a user picker, an integer -> an integer with its bounds, a choice ->
a fixed list, a word or text -> a string. Staff commands say so in their description; the core checks
permission on every call, so a member who runs one is refused whatever Discord shows.

Names and descriptions are localized: each is a `locale_str` whose extras carry its French and Italian
forms (the commands' localized keywords, `/aide`, `/classement`, and the catalogs' texts), and
`CatalogTranslator`, discord.py's `app_commands.Translator`, hands them to Discord when the tree syncs, so
a French client shows `/aide` and French descriptions. The English forms are the defaults.
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

from handlers.i18n import DEFAULT_LANGUAGE, LANGUAGES, Catalogs, UnknownText, language_of
from handlers.models import Role
from handlers.registry import MAX_INTEGER, Arg, ArgKind, Command

log = logging.getLogger(__name__)

Runner = Callable[[discord.Interaction[Any], Command, dict[str, Any]], Awaitable[None]]
SlashItem = app_commands.Command[Any, ..., Any] | app_commands.Group

MAX_TOP_LEVEL = 100
MAX_CHILDREN = 25
MAX_OPTIONS = 25
MAX_CHOICES = 25
FILE_OPTION = "file"
"""The option of a command that takes a file (Command.files)."""
MAX_DESCRIPTION = 100
MAX_WORD = 100
MAX_TEXT = 4000  # the core's own limit on a message
BARE_NAMES = ("view", "show", "main")
"""The subcommand name for a command that is also a group prefix, first one not taken."""
OVERFLOW_GROUP = "more"
_NAME = re.compile(r"^[a-z0-9_-]{1,32}$")
_STAFF = {Role.MODERATOR: "bot.slash_for_moderators", Role.ADMIN: "bot.slash_for_admins"}
OTHER_LANGUAGES = tuple(language for language in LANGUAGES if language != DEFAULT_LANGUAGE)


def shorten(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(command: Command, texts: Catalogs, language: str = DEFAULT_LANGUAGE) -> str:
    t = texts.translator(language)
    what = t(command.help)
    staff = _STAFF.get(command.permission)
    return shorten(t(staff, text=what) if staff else what)


def localized(default: str, forms: dict[str, str]) -> app_commands.locale_str:
    """`default` for Discord, with its forms in the other languages for `CatalogTranslator`."""
    return app_commands.locale_str(default, forms={k: v for k, v in forms.items() if v and v != default})


def slash_name(word: str) -> str | None:
    """A keyword or label as a slash name (`CLASSEMENT` -> `classement`), or None if Discord refuses it."""
    name = "-".join(word.lower().split())[:32]
    return name if _LOCALIZED_NAME.match(name) else None


_LOCALIZED_NAME = re.compile(r"^[-_\w]{1,32}$")


class CatalogTranslator(app_commands.Translator):
    """Hands Discord the French and Italian forms carried by each `locale_str` (see `localized`)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext[Any, Any],
    ) -> str | None:
        language = language_of(locale.value)
        if language is None or language == DEFAULT_LANGUAGE:
            return None
        forms: dict[str, str] = string.extras.get("forms", {})
        return forms.get(language)


@dataclass
class Node:
    """A name in the slash tree: a command, a group of nodes, or both (the bare command then gets a name)."""

    name: str
    command: Command | None = None
    children: dict[str, Node] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    """The name in other languages, from the commands' localized keywords (`classement`)."""


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
        for depth, word in enumerate(words):
            node = level.setdefault(word, Node(word))
            for language, name in command.localized.items():
                parts = name.split()
                if len(parts) == len(words) and (local := slash_name(parts[depth])) is not None:
                    node.names.setdefault(language, local)
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


def build(commands: Iterable[Command], run: Runner, texts: Catalogs) -> list[SlashItem]:
    return [_item(node, run, texts) for _, node in sorted(plan(commands).items())]


def _item(node: Node, run: Runner, texts: Catalogs) -> SlashItem:
    """A command, or a group whose children are attached with add_command (which sets their parent)."""
    if node.name in BARE_NAMES:
        for language in OTHER_LANGUAGES:
            bare = slash_name(texts.translator(language)("bot.slash_" + node.name))
            if bare is not None:
                node.names.setdefault(language, bare)
    name = localized(node.name, node.names)
    if node.command is not None:
        command = node.command
        forms = {language: describe(command, texts, language) for language in OTHER_LANGUAGES}
        return app_commands.Command(
            name=name,
            description=localized(describe(command, texts), forms),
            callback=_callback(command, run, texts),
            extras={"command": command.name, "permission": command.permission},
        )

    def listed(language: str) -> str:
        names = sorted(child.names.get(language, child.name) for child in node.children.values())
        return shorten(f"{node.names.get(language, node.name)}: {', '.join(names)}")

    group = app_commands.Group(
        name=name,
        description=localized(listed(DEFAULT_LANGUAGE), {lang: listed(lang) for lang in OTHER_LANGUAGES}),
    )
    for _, child in sorted(node.children.items()):
        group.add_command(_item(child, run, texts))
    return group


def _callback(command: Command, run: Runner, texts: Catalogs) -> Any:
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
    if command.files:  # a photo for a submission: Discord's file picker, kept like a DM's attachment
        parameters.append(
            inspect.Parameter(
                FILE_OPTION,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=discord.Attachment,
                default=None,
            )
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    # Named for tracebacks; __qualname__ == __name__ so discord.py does not take it for a method.
    callback.__name__ = callback.__qualname__ = "slash_" + "_".join(command.words).lower()
    translators = {language: texts.translator(language) for language in LANGUAGES}

    def described(arg: Arg) -> app_commands.locale_str:
        forms = {language: shorten(translators[language](arg.help)) for language in OTHER_LANGUAGES}
        return localized(shorten(translators[DEFAULT_LANGUAGE](arg.help)), forms)

    def renamed(arg: Arg) -> app_commands.locale_str:
        forms: dict[str, str] = {}
        for language in OTHER_LANGUAGES:
            try:
                label = slash_name(translators[language](arg.label_key(command.domain)))
            except UnknownText:  # a test's command without catalog entries: the English name only
                label = None
            if label is not None:
                forms[language] = label
        return localized(arg.name.lower()[:32], forms)

    descriptions = {arg.name: described(arg) for arg in command.args}
    if command.files:
        forms = {language: translators[language]("bot.slash_file_help") for language in OTHER_LANGUAGES}
        descriptions[FILE_OPTION] = localized(translators[DEFAULT_LANGUAGE]("bot.slash_file_help"), forms)
    app_commands.describe(**descriptions)(callback)
    app_commands.rename(**{arg.name: renamed(arg) for arg in command.args})(callback)
    completing = {arg.name: _completer(arg.suggest) for arg in command.args if arg.suggest is not None}
    if completing:
        app_commands.autocomplete(**completing)(callback)
    return callback


def _completer(suggest: Callable[[str], list[str]]) -> Any:
    """Discord's autocomplete for an argument that offers values (TIMEZONE's zones)."""

    async def complete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=value, value=value) for value in suggest(current)[:MAX_CHOICES]]

    return complete


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
    texts: Catalogs,
) -> list[SlashItem]:
    """Replace the guild's commands in the tree with the registry's (synced separately; the tree's
    translator is a `CatalogTranslator`, set before the sync)."""
    tree.clear_commands(guild=guild)
    items = build(commands, run, texts)
    for item in items:
        tree.add_command(item, guild=guild)
    return items
