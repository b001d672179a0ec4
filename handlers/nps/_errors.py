"""What the NPS feature refuses, with the values it reports (wording: the `nps` catalogs). Each says how
to do it right; nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.deadlines import when
from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator


@dataclass(eq=False)
class BadScore(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("nps.bad_score", given=shorten(self.given))


@dataclass(eq=False)
class NotAsked(Conflict):
    """No question waits for this member (never asked, or their last survey is over and answered)."""

    def text(self, t: Translator) -> str:
        return t("nps.not_asked")


@dataclass(eq=False)
class TooLate(Conflict):
    """Asked, but the answer window closed."""

    closed: datetime
    zone: ZoneInfo

    def text(self, t: Translator) -> str:
        return t("nps.too_late", deadline=when(t, self.closed, self.zone))


@dataclass(eq=False)
class AlreadyAnswered(Conflict):
    score: int

    def text(self, t: Translator) -> str:
        return t("nps.already_answered", score=str(self.score))


@dataclass(eq=False)
class ScoreFirst(Conflict):
    """A reason before any score."""

    def text(self, t: Translator) -> str:
        return t("nps.score_first")


@dataclass(eq=False)
class ReasonSettled(Conflict):
    """The reason was given (or skipped) already."""

    def text(self, t: Translator) -> str:
        return t("nps.reason_settled")


@dataclass(eq=False)
class ReasonTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("nps.reason_too_long", count=self.limit)


@dataclass(eq=False)
class BadFollowUpNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("nps.bad_follow_up", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchFollowUp(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("nps.no_such_follow_up", number=str(self.number))


@dataclass(eq=False)
class FollowUpDone(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("nps.follow_up_done_already", number=str(self.number))


@dataclass(eq=False)
class PendingMember(PermissionDenied):
    """Rules not accepted yet: not in the surveys."""

    def text(self, t: Translator) -> str:
        return t("nps.pending")
