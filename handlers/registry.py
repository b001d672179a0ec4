"""One declaration per command; the text parser, HELP and Discord's slash commands come from it.

Features declare their commands with `handlers.feature.Commands`; the core adds them here at install."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from handlers.errors import (
    ArgumentError,
    MissingArgument,
    NotAMemberName,
    NotAWholeNumber,
    NotOneOf,
    NumberOutOfRange,
    UnexpectedWords,
)
from handlers.i18n import LANGUAGES, Translator
from handlers.models import Identity, Reply, Role

Handler = Callable[..., Awaitable[Reply]]

MAX_INTEGER = 1_000_000


class ArgKind(Enum):
    WORD = "word"
    """One token."""
    TEXT = "text"
    """The rest of the line; only as the last argument."""
    INTEGER = "integer"
    MEMBER = "member"
    """`@handle`, `+E164`, a platform identity or one a person picked; a Member when the handler runs."""
    CHOICE = "choice"
    """One of `choices`, case-insensitive."""


@dataclass(frozen=True)
class Arg:
    name: str
    kind: ArgKind
    help: str
    """The catalog key of what the argument is (`points.arg_points_help`): Discord shows it by the option."""
    required: bool = True
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    label: str | None = None
    """The catalog key of its short name in usage lines (`<points>`); by default `<domain>.arg_<name>`."""
    suggest: Callable[[str], list[str]] | None = None
    """Values to offer for what was typed so far (Discord's autocomplete), when there are too many to list."""
    left: bool = False
    """A MEMBER argument that may name a member who left (FORGET: those who left ask for erasure too)."""

    def label_key(self, domain: str) -> str:
        return self.label or f"{domain}.arg_{self.name}"

    def placeholder(self, t: Translator, domain: str) -> str:
        if self.kind is ArgKind.MEMBER:
            inner = t("core.placeholder_member")
        elif self.kind is ArgKind.CHOICE:
            inner = "|".join(self.choices)
        else:
            inner = t(self.label_key(domain))
        if self.kind is not ArgKind.MEMBER and self.kind is not ArgKind.CHOICE:
            inner = f"<{inner}>" if self.required else inner
        return inner if self.required else f"[{inner}]"


@dataclass(frozen=True)
class MemberRef:
    """A member named in text (`raw`) or picked on a platform (`identity`), not yet looked up."""

    raw: str
    identity: Identity | None = None


@dataclass(frozen=True)
class Command:
    name: str
    """Upper-case keyword(s): `POINTS`, `SHOP ADD`."""
    help: str
    """The catalog key of what it does (`points.cmd_points`); its first part is the feature's domain."""
    handler: Handler
    args: tuple[Arg, ...] = ()
    permission: Role = Role.MEMBER
    private: bool = False
    """Replies are for the asker only (ephemeral on Discord)."""
    aliases: tuple[str, ...] = ()
    localized: Mapping[str, str] = field(default_factory=dict)
    """The keyword in other languages (`{"fr": "CLASSEMENT", "it": "CLASSIFICA"}`): typed text accepts
    them beside the English one, HELP shows the reader's, Discord shows them as localized slash names."""
    files: bool = False
    """It takes files attached to it (a submission's photo): a direct message carries them on every
    platform; Discord's slash command gets a file option for them."""

    @property
    def domain(self) -> str:
        return self.help.partition(".")[0]

    def name_in(self, language: str) -> str:
        return self.localized.get(language, self.name)

    def usage(self, t: Translator) -> str:
        """`AWARD @name <points> <reason>`, in the reader's language."""
        return " ".join([self.name_in(t.language), *(arg.placeholder(t, self.domain) for arg in self.args)])

    def label(self, arg_name: str, t: Translator) -> str:
        """An argument's short name as usage lines show it."""
        for arg in self.args:
            if arg.name == arg_name:
                return t(arg.label_key(self.domain))
        return arg_name

    def placeholder_of(self, arg_name: str, t: Translator) -> str:
        for arg in self.args:
            if arg.name == arg_name:
                return arg.placeholder(t, self.domain)
        return arg_name

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())


@dataclass(frozen=True)
class Parsed:
    command: Command
    values: dict[str, Any]


_NAME = re.compile(r"^[A-Z][A-Z0-9]*( [A-Z][A-Z0-9]*)*$")
_LOCALIZED_NAME = re.compile(r"^[A-ZÀ-ÖØ-Ý][A-ZÀ-ÖØ-Ý0-9]*( [A-ZÀ-ÖØ-Ý][A-ZÀ-ÖØ-Ý0-9]*)*$")
_MEMBER_TOKEN = re.compile(r"^(@[^\s@]{1,64}|\+[0-9]{7,15}|[a-z]+:[^\s]{1,64})$")


def fold(word: str) -> str:
    """A keyword as it is looked up: upper case, accents off (`idée`, `IDÉE` and `IDEE` are one word; the
    catalogs' keywords are written without accents, members often type them with)."""
    upper = word.upper()
    if upper.isascii():
        return upper
    return "".join(c for c in unicodedata.normalize("NFKD", upper) if not unicodedata.combining(c))


def _words(name: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in name.split())


@dataclass
class Registry:
    _commands: dict[tuple[str, ...], Command] = field(default_factory=dict)
    _listings: dict[tuple[Role, str], tuple[Translator, str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """HELP's listing per role and language, with the texts it was made with (see `listing`)."""

    def listing(self, role: Role, t: Translator, make: Callable[[list[Command]], str]) -> str:
        """`make` of the commands `role` may use, kept until a command is added or the texts change (a
        new configuration builds new ones): HELP lists the same lines for every member of a role."""
        kept = self._listings.get((role, t.language))
        if kept is not None and kept[0] is t:
            return kept[1]
        made = make(self.available_to(role))
        self._listings[(role, t.language)] = (t, made)
        return made

    def add(self, command: Command) -> Command:
        self._listings.clear()
        if not _NAME.match(command.name):
            raise ValueError(f"command name {command.name!r} must be upper-case words")
        for language, name in command.localized.items():
            if language not in LANGUAGES or not _LOCALIZED_NAME.match(name):
                raise ValueError(
                    f"{command.name}: localized name {language}={name!r} must be upper-case words"
                )
        keys = dict.fromkeys((command.name, *command.aliases, *command.localized.values()))
        for key in keys:
            words = _words(key)
            if words in self._commands:
                raise ValueError(f"command {key!r} is declared twice")
        for key in keys:
            self._commands[_words(key)] = command
        texts = [a for a in command.args if a.kind is ArgKind.TEXT]
        if (texts and command.args[-1] is not texts[0]) or len(texts) > 1:
            raise ValueError(f"{command.name}: a text argument must be the last one")
        seen_optional = False
        for arg in command.args:
            if seen_optional and arg.required:
                raise ValueError(f"{command.name}: required argument after an optional one")
            seen_optional = seen_optional or not arg.required
        return command

    def all(self) -> list[Command]:
        unique = {id(c): c for c in self._commands.values()}
        return sorted(unique.values(), key=lambda c: c.name)

    def get(self, name: str) -> Command | None:
        return self._commands.get(_words(name))

    def available_to(self, role: Role) -> list[Command]:
        return [c for c in self.all() if c.permission <= role]

    def match(self, text: str) -> tuple[Command, list[str]] | None:
        """The command whose name starts the line (the longest one wins) and the remaining tokens."""
        tokens = text.split()
        upper = [fold(t) for t in tokens[:3]]
        for size in range(min(len(tokens), 3), 0, -1):
            command = self._commands.get(tuple(upper[:size]))
            if command is not None:
                return command, tokens[size:]
        return None

    def suggest(self, text: str, role: Role) -> list[Command]:
        first = fold(text.split()[0]) if text.split() else ""
        names: dict[str, Command] = {}
        for command in self.available_to(role):
            for name in (command.name, *command.localized.values()):
                names.setdefault(name.split()[0], command)
        close = difflib.get_close_matches(first, list(names), n=3, cutoff=0.7)
        return list({id(names[n]): names[n] for n in close}.values())

    @staticmethod
    def parses(command: Command, tokens: list[str]) -> bool:
        """Whether these words are right for the command's arguments."""
        try:
            parse_args(command, tokens)
        except ArgumentError:
            return False
        return True

    def parse(self, text: str) -> Parsed | None:
        """Parse a line; None when no command matches. Raises UsageError for wrong arguments."""
        found = self.match(text)
        if found is None:
            return None
        command, tokens = found
        return Parsed(command, parse_args(command, tokens))


def parse_args(command: Command, tokens: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    position = 0
    for arg in command.args:
        if position >= len(tokens):
            if arg.required:
                raise MissingArgument(command, arg.name)
            values[arg.name] = None
            continue
        if arg.kind is ArgKind.TEXT:
            values[arg.name] = " ".join(tokens[position:])
            position = len(tokens)
            continue
        values[arg.name] = _convert(command, arg, tokens[position])
        position += 1
    if position < len(tokens):
        raise UnexpectedWords(command, " ".join(tokens[position:]))
    return values


OptionValue = str | int | Identity
"""A value a platform typed already (a slash-command option): a picked user arrives as an Identity."""


def convert_values(command: Command, given: Mapping[str, OptionValue]) -> dict[str, Any]:
    """Check values that arrived already split by argument (slash-command options) like typed text."""
    values: dict[str, Any] = {}
    for arg in command.args:
        value = given.get(arg.name)
        if isinstance(value, Identity) and arg.kind is ArgKind.MEMBER:
            values[arg.name] = MemberRef(str(value), value)
            continue
        token = None if value is None else str(value)
        if token is None or not token.strip():
            if arg.required:
                raise MissingArgument(command, arg.name)
            values[arg.name] = None
        elif arg.kind is ArgKind.TEXT:
            values[arg.name] = " ".join(token.split())
        else:
            values[arg.name] = _convert(command, arg, token.strip())
    return values


def _convert(command: Command, arg: Arg, token: str) -> Any:
    if arg.kind is ArgKind.WORD:
        return token
    if arg.kind is ArgKind.INTEGER:
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", token):
            raise NotAWholeNumber(command, arg.name, token)
        number = int(token)
        low = arg.min if arg.min is not None else -MAX_INTEGER
        high = arg.max if arg.max is not None else MAX_INTEGER
        if not low <= number <= high:
            raise NumberOutOfRange(command, arg.name, low, high)
        return number
    if arg.kind is ArgKind.CHOICE:
        for choice in arg.choices:
            if token.lower() == choice.lower():
                return choice
        raise NotOneOf(command, arg.name, arg.choices)
    if arg.kind is ArgKind.MEMBER:
        if not _MEMBER_TOKEN.match(token):
            raise NotAMemberName(command, token)
        return MemberRef(token)
    raise AssertionError(arg.kind)
