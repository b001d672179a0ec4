"""Domain errors: each holds the values it reports; its text is made from them in `text()`.

An error is an expected refusal: nothing was written, and the person who caused it reads `text()` (the
core turns every DomainError into a private reply, in one place). The four bases say what kind of refusal
it is; features define their own errors beside their commands (`_errors.py`), tests assert on the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.models import Role


class DomainError(Exception):
    """An expected refusal. Subclasses are dataclasses whose fields are what the text reports."""

    def text(self) -> str:
        raise NotImplementedError(type(self).__name__)

    def __str__(self) -> str:
        return self.text()


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
    def text(self) -> str:
        return "Send HELP to see what I can do."


@dataclass(eq=False)
class MessageTooLong(UsageError):
    limit: int

    def text(self) -> str:
        return f"That message is too long (at most {self.limit:,} characters)."


@dataclass(eq=False)
class NothingToChoose(UsageError):
    def text(self) -> str:
        return "There is nothing to choose right now. Send HELP to see what I can do."


@dataclass(eq=False)
class ChoiceOutOfRange(UsageError):
    count: int

    def text(self) -> str:
        return f"Answer with a number from 1 to {self.count}."


@dataclass(eq=False)
class UnknownCommand(UsageError):
    word: str
    suggestions: Sequence[str] = ()

    def text(self) -> str:
        shown = shorten(self.word)
        if not self.suggestions:
            return f"I don't know “{shown}”. Send HELP to see what you can do."
        return f"I don't know “{shown}”. Did you mean {' or '.join(self.suggestions)}?"


# -- who may -------------------------------------------------------------------------------------


@dataclass(eq=False)
class MembersOnly(PermissionDenied):
    command: str

    def text(self) -> str:
        return f"{self.command} is for members: send JOIN to join first."


@dataclass(eq=False)
class StaffOnly(PermissionDenied):
    command: str
    role: Role

    def text(self) -> str:
        return f"{self.command} is for {self.role.label}s only."


@dataclass(eq=False)
class NotAMember(PermissionDenied):
    def text(self) -> str:
        return "You are not a member yet: send JOIN to join."


@dataclass(eq=False)
class UnknownMember(NotFound):
    named: str
    """As the asker wrote it (`@bob`, `+14155550123`)."""

    def text(self) -> str:
        return f"I don't know {shorten(self.named)} here: they need to JOIN first."


# -- arguments -----------------------------------------------------------------------------------


@dataclass(eq=False)
class ArgumentError(UsageError):
    """An argument did not fit its declaration; `usage` is the command's usage line."""

    usage: str

    def problem(self) -> str:
        raise NotImplementedError(type(self).__name__)

    def text(self) -> str:
        return f"{self.problem()}. Usage: {self.usage}"


@dataclass(eq=False)
class MissingArgument(ArgumentError):
    placeholder: str

    def problem(self) -> str:
        return f"{self.placeholder} is missing"


@dataclass(eq=False)
class NotAWholeNumber(ArgumentError):
    name: str
    given: str

    def problem(self) -> str:
        return f"{self.name} must be a whole number, not “{shorten(self.given)}”"


@dataclass(eq=False)
class NumberOutOfRange(ArgumentError):
    name: str
    low: int
    high: int

    def problem(self) -> str:
        return f"{self.name} must be between {self.low} and {self.high}"


@dataclass(eq=False)
class NotOneOf(ArgumentError):
    name: str
    choices: Sequence[str]

    def problem(self) -> str:
        return f"{self.name} must be one of {', '.join(self.choices)}"


@dataclass(eq=False)
class NotAMemberName(ArgumentError):
    given: str

    def problem(self) -> str:
        return f"name a member as @name, not “{shorten(self.given)}”"


@dataclass(eq=False)
class UnexpectedWords(ArgumentError):
    extra: str

    def problem(self) -> str:
        return f"unexpected “{shorten(self.extra)}”"
