"""What the sessions feature refuses, with the values it reports; the wording is in the `sessions`
catalogs."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator

NEW_USAGE = 'SESSION NEW "Ask the founder" 2026-12-10 18:00 1h | https://meet.example/abc | 20'
WHEN_EXAMPLES = "3d, 2026-12-10 18:00"


@dataclass(eq=False)
class BadSession(UsageError):
    def text(self, t: Translator) -> str:
        return t("sessions.bad_new", usage=NEW_USAGE)


@dataclass(eq=False)
class TitleTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("sessions.title_too_long", count=self.limit)


@dataclass(eq=False)
class PlaceTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("sessions.place_too_long", count=self.limit)


@dataclass(eq=False)
class BadStart(UsageError):
    """Neither a duration from now nor a local date and time."""

    given: str

    def text(self, t: Translator) -> str:
        return t("sessions.bad_start", given=shorten(self.given), examples=WHEN_EXAMPLES)


@dataclass(eq=False)
class StartPassed(UsageError):
    def text(self, t: Translator) -> str:
        return t("sessions.start_passed", examples=WHEN_EXAMPLES)


@dataclass(eq=False)
class StartTooFar(UsageError):
    days: int

    def text(self, t: Translator) -> str:
        return t("sessions.start_too_far", count=self.days)


@dataclass(eq=False)
class BadLength(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("sessions.bad_length", given=shorten(self.given))


@dataclass(eq=False)
class BadCapacity(UsageError):
    most: int

    def text(self, t: Translator) -> str:
        return t("sessions.bad_capacity", most=self.most)


@dataclass(eq=False)
class BadOption(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("sessions.bad_option", given=shorten(self.given))


@dataclass(eq=False)
class UnknownLevel(UsageError):
    level: str
    known: tuple[str, ...]

    def text(self, t: Translator) -> str:
        return t("sessions.unknown_level", level=shorten(self.level), known=t.either(self.known))


@dataclass(eq=False)
class BadSessionNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("sessions.bad_number", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchSession(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("sessions.no_such_session", number=str(self.number))


@dataclass(eq=False)
class SessionCancelled(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("sessions.cancelled", number=str(self.number))


@dataclass(eq=False)
class SessionStarted(Conflict):
    """An RSVP, a move or a cancel once the session has begun."""

    number: int

    def text(self, t: Translator) -> str:
        return t("sessions.started", number=str(self.number))


@dataclass(eq=False)
class NotStartedYet(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("sessions.not_started", number=str(self.number))


@dataclass(eq=False)
class AlreadyGoing(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("sessions.already_going", number=str(self.number))


@dataclass(eq=False)
class AlreadyWaiting(Conflict):
    number: int
    position: int

    def text(self, t: Translator) -> str:
        return t("sessions.already_waiting", number=str(self.number), position=self.position)


@dataclass(eq=False)
class NotBooked(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("sessions.not_booked", number=str(self.number))


@dataclass(eq=False)
class BelowLevel(PermissionDenied):
    level: str

    def text(self, t: Translator) -> str:
        return t("sessions.below_level", level=self.level)


@dataclass(eq=False)
class TooFewPoints(PermissionDenied):
    needed: str
    """The amount, as the reader says it (`100 credits`)."""

    def text(self, t: Translator) -> str:
        return t("sessions.too_few_points", needed=self.needed)


@dataclass(eq=False)
class PendingMember(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("sessions.pending_member")


@dataclass(eq=False)
class NoOneNamed(UsageError):
    def text(self, t: Translator) -> str:
        return t("sessions.no_one_named")
