"""What the polls feature refuses, with the values it reports; the wording is in the `polls` catalogs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator

NEW_USAGE = 'POLL NEW "Question?" | Option 1 | Option 2 | 2d'


@dataclass(eq=False)
class NoQuestion(UsageError):
    def text(self, t: Translator) -> str:
        return t("polls.no_question", usage=NEW_USAGE)


@dataclass(eq=False)
class QuestionTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("polls.question_too_long", count=self.limit)


@dataclass(eq=False)
class OptionCount(UsageError):
    given: int

    def text(self, t: Translator) -> str:
        return t("polls.option_count", count=self.given, usage=NEW_USAGE)


@dataclass(eq=False)
class OptionTooLong(UsageError):
    option: str
    limit: int

    def text(self, t: Translator) -> str:
        return t("polls.option_too_long", count=self.limit, option=shorten(self.option))


@dataclass(eq=False)
class DuplicateOption(UsageError):
    option: str

    def text(self, t: Translator) -> str:
        return t("polls.duplicate_option", option=shorten(self.option))


@dataclass(eq=False)
class TwoDeadlines(UsageError):
    def text(self, t: Translator) -> str:
        return t("polls.two_deadlines")


@dataclass(eq=False)
class TooManyPicks(UsageError):
    """`multiple 5` on a poll of 3 options."""

    picks: int
    options: int

    def text(self, t: Translator) -> str:
        return t("polls.too_many_picks_setting", count=self.options, picks=self.picks)


@dataclass(eq=False)
class UnknownLevel(UsageError):
    level: str
    known: tuple[str, ...]

    def text(self, t: Translator) -> str:
        return t("polls.unknown_level", level=shorten(self.level), known=t.either(self.known))


@dataclass(eq=False)
class UnknownSegment(UsageError):
    segment: str
    known: tuple[str, ...]

    def text(self, t: Translator) -> str:
        if not self.known:
            return t("polls.no_segments")
        return t("polls.unknown_segment", segment=shorten(self.segment), known=t.either(self.known))


@dataclass(eq=False)
class BadPollNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("polls.bad_number", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchPoll(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("polls.no_such_poll", number=str(self.number))


@dataclass(eq=False)
class PollClosed(Conflict):
    number: int
    cancelled: bool = False

    def text(self, t: Translator) -> str:
        if self.cancelled:
            return t("polls.cancelled", number=str(self.number))
        return t("polls.closed", number=str(self.number))


@dataclass(eq=False)
class NoPick(UsageError):
    number: int
    options: int

    def text(self, t: Translator) -> str:
        return t("polls.no_pick", number=str(self.number), count=self.options)


@dataclass(eq=False)
class PickOutOfRange(UsageError):
    given: str
    options: int

    def text(self, t: Translator) -> str:
        return t("polls.pick_out_of_range", given=shorten(self.given), count=self.options)


@dataclass(eq=False)
class TooManyVotes(UsageError):
    """More picks than the poll allows."""

    allowed: int

    def text(self, t: Translator) -> str:
        return t("polls.too_many_votes", count=self.allowed)


@dataclass(eq=False)
class PendingVoter(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("polls.pending_voter")


@dataclass(eq=False)
class BelowLevel(PermissionDenied):
    level: str

    def text(self, t: Translator) -> str:
        return t("polls.below_level", level=self.level)


@dataclass(eq=False)
class OutsideSegment(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("polls.outside_segment")


@dataclass(eq=False)
class BadExtension(UsageError):
    """POLL EXTEND without a later deadline."""

    current: datetime
    """The deadline now, in the community's time zone."""

    def text(self, t: Translator) -> str:
        return t("polls.bad_extension", deadline=self.current)
