"""Domain errors: each holds the values it reports; its text is made from them in `text(t)`, in the
reader's language (`t` is their Translator; the wording is in the catalogs, by key).

An error is an expected refusal: nothing was written, and the person who caused it reads `text(t)` (the
core turns every DomainError into a private reply, in one place). The four bases say what kind of refusal
it is; features define their own errors beside their commands (`_errors.py`), tests assert on the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from handlers.i18n import Translator
from handlers.models import Role


class DomainError(Exception):
    """An expected refusal. Subclasses are dataclasses whose fields are what the text reports."""

    def text(self, t: Translator) -> str:
        raise NotImplementedError(type(self).__name__)

    def __str__(self) -> str:
        return f"{type(self).__name__}{vars(self)}"


class UsageError(DomainError):
    """The command or its arguments were not understood."""


class PermissionDenied(DomainError):
    """The asker may not do this."""


class NotFound(DomainError):
    """A member, item or entry named by the asker does not exist."""


class Conflict(DomainError):
    """The request contradicts the current state (already done, no stock, over budget...)."""


def shorten(text: str, limit: int = 30) -> str:
    """What the person typed, cut to fit in one line of an answer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- asking and choosing --------------------------------------------------------------------------


@dataclass(eq=False)
class EmptyMessage(UsageError):
    def text(self, t: Translator) -> str:
        return t("core.empty_message")


@dataclass(eq=False)
class MessageTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("core.message_too_long", count=self.limit)


@dataclass(eq=False)
class NothingToChoose(UsageError):
    def text(self, t: Translator) -> str:
        return t("core.nothing_to_choose")


@dataclass(eq=False)
class ChoiceOutOfRange(UsageError):
    count: int

    def text(self, t: Translator) -> str:
        return t("core.choice_out_of_range", count=self.count)


@dataclass(eq=False)
class UnknownCommand(UsageError):
    word: str
    suggestions: Sequence[str] = ()

    def text(self, t: Translator) -> str:
        shown = shorten(self.word)
        if not self.suggestions:
            return t("core.unknown_command", word=shown)
        return t("core.unknown_command_suggest", word=shown, suggestions=t.either(self.suggestions))


# -- who may -------------------------------------------------------------------------------------


@dataclass(eq=False)
class MembersOnly(PermissionDenied):
    command: str

    def text(self, t: Translator) -> str:
        return t("core.members_only", command=self.command)


@dataclass(eq=False)
class StaffOnly(PermissionDenied):
    command: str
    role: Role

    def text(self, t: Translator) -> str:
        key = "core.admins_only" if self.role >= Role.ADMIN else "core.moderators_only"
        return t(key, command=self.command)


@dataclass(eq=False)
class NotAMember(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("core.not_a_member")


@dataclass(eq=False)
class UnknownMember(NotFound):
    named: str
    """As the asker wrote it (`@bob`, `+14155550123`)."""

    def text(self, t: Translator) -> str:
        return t("core.unknown_member", named=shorten(self.named))


# -- arguments -----------------------------------------------------------------------------------


class Usage(Protocol):
    """What an argument error shows the asker: the command's usage line in their language."""

    def usage(self, t: Translator) -> str: ...

    def label(self, arg_name: str, t: Translator) -> str: ...

    def placeholder_of(self, arg_name: str, t: Translator) -> str: ...


@dataclass(eq=False)
class ArgumentError(UsageError):
    """An argument did not fit its declaration; `command` gives the usage line."""

    command: Usage

    def problem(self, t: Translator) -> str:
        raise NotImplementedError(type(self).__name__)

    def text(self, t: Translator) -> str:
        return t("core.argument_error", problem=self.problem(t), usage=self.command.usage(t))


@dataclass(eq=False)
class MissingArgument(ArgumentError):
    arg: str

    def problem(self, t: Translator) -> str:
        return t("core.argument_missing", placeholder=self.command.placeholder_of(self.arg, t))


@dataclass(eq=False)
class NotAWholeNumber(ArgumentError):
    name: str
    given: str

    def problem(self, t: Translator) -> str:
        return t(
            "core.argument_not_a_number", name=self.command.label(self.name, t), given=shorten(self.given)
        )


@dataclass(eq=False)
class NumberOutOfRange(ArgumentError):
    name: str
    low: int
    high: int

    def problem(self, t: Translator) -> str:
        return t(
            "core.argument_out_of_range", name=self.command.label(self.name, t), low=self.low, high=self.high
        )


@dataclass(eq=False)
class NotOneOf(ArgumentError):
    name: str
    choices: Sequence[str]

    def problem(self, t: Translator) -> str:
        return t(
            "core.argument_not_one_of", name=self.command.label(self.name, t), choices=t.either(self.choices)
        )


@dataclass(eq=False)
class NotAMemberName(ArgumentError):
    given: str

    def problem(self, t: Translator) -> str:
        return t("core.argument_not_a_member", given=shorten(self.given))


@dataclass(eq=False)
class UnexpectedWords(ArgumentError):
    extra: str

    def problem(self, t: Translator) -> str:
        return t("core.argument_unexpected", given=shorten(self.extra))
