"""What the challenges feature refuses, with the values it reports; the wording is in the `challenges`
catalogs."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator

NEW_USAGE = 'CHALLENGE NEW "Best mug photo" | Show us your mug in use | 7d | points 20'


@dataclass(eq=False)
class BadChallenge(UsageError):
    def text(self, t: Translator) -> str:
        return t("challenges.bad_new", usage=NEW_USAGE)


@dataclass(eq=False)
class UnknownSetting(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("challenges.unknown_setting", given=shorten(self.given), usage=NEW_USAGE)


@dataclass(eq=False)
class TooLong(UsageError):
    what: str
    """`title`, `description` or `submission`."""
    limit: int

    def text(self, t: Translator) -> str:
        if self.what == "title":
            return t("challenges.title_too_long", count=self.limit)
        if self.what == "description":
            return t("challenges.description_too_long", count=self.limit)
        return t("challenges.submission_too_long", count=self.limit)


@dataclass(eq=False)
class BadNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("challenges.bad_number", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchChallenge(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("challenges.no_such_challenge", number=str(self.number))


@dataclass(eq=False)
class BadSubmissionNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("challenges.bad_submission_number", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchSubmission(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("challenges.no_such_submission", number=str(self.number))


@dataclass(eq=False)
class ChallengeOver(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("challenges.over", number=str(self.number))


@dataclass(eq=False)
class SubmissionLimit(Conflict):
    number: int
    limit: int

    def text(self, t: Translator) -> str:
        return t("challenges.limit", count=self.limit, number=str(self.number))


@dataclass(eq=False)
class AlreadyReviewed(Conflict):
    number: int
    state: str

    def text(self, t: Translator) -> str:
        if self.state == "approved":
            return t("challenges.already_approved", number=str(self.number))
        return t("challenges.already_rejected", number=str(self.number))


@dataclass(eq=False)
class ReasonRequired(UsageError):
    number: int

    def text(self, t: Translator) -> str:
        return t("challenges.reason_required", number=str(self.number))


@dataclass(eq=False)
class PendingSubmitter(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("challenges.pending_submitter")


@dataclass(eq=False)
class NotEndedYet(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("challenges.not_ended", number=str(self.number))


@dataclass(eq=False)
class WinnersAnnounced(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("challenges.winners_done", number=str(self.number))


@dataclass(eq=False)
class TooManyWinners(UsageError):
    most: int

    def text(self, t: Translator) -> str:
        return t("challenges.too_many_winners", count=self.most)


@dataclass(eq=False)
class AttachmentRefused(UsageError):
    why: str
    """`type`, `size`, `count` or `unreachable` (models.Attachment.refused)."""
    max_mb: int
    per_message: int
    types: tuple[str, ...]

    def text(self, t: Translator) -> str:
        if self.why == "type":
            return t("challenges.media_type", types=t.either(self.types))
        if self.why == "size":
            return t("challenges.media_size", count=self.max_mb)
        if self.why == "count":
            return t("challenges.media_count", count=self.per_message)
        return t("challenges.media_unreachable")
