"""What the newsletter and the editorial calendar refuse, with the values they report; the wording is in the
`newsletter` catalogs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.errors import Conflict, NotFound, UsageError, shorten
from handlers.i18n import Translator

ANNOUNCE_USAGE = "ANNOUNCE 2026-12-07 09:00 The spring box is out! | whatsapp"


@dataclass(eq=False)
class EmptyText(UsageError):
    usage: str

    def text(self, t: Translator) -> str:
        return t("newsletter.empty_text", usage=self.usage)


@dataclass(eq=False)
class TextTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("newsletter.text_too_long", count=self.limit)


@dataclass(eq=False)
class BadWhen(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("newsletter.bad_when", given=shorten(self.given), usage=ANNOUNCE_USAGE)


@dataclass(eq=False)
class TimePassed(UsageError):
    at: datetime
    """What was asked for, in the asker's zone."""

    def text(self, t: Translator) -> str:
        return t("newsletter.time_passed", at=self.at, zone=str(self.at.tzinfo))


@dataclass(eq=False)
class TooFar(UsageError):
    days: int

    def text(self, t: Translator) -> str:
        return t("newsletter.too_far", count=self.days)


@dataclass(eq=False)
class CronFieldCount(UsageError):
    cron: str
    fields: int

    def text(self, t: Translator) -> str:
        return t("newsletter.cron_fields", cron=shorten(self.cron), count=self.fields)


@dataclass(eq=False)
class BadCronField(UsageError):
    """`position` is 1 to 5 (minute, hour, day of month, month, day of week)."""

    cron: str
    position: int
    value: str

    def text(self, t: Translator) -> str:
        field = t(f"newsletter.cron_field_{self.position}")
        return t(
            "newsletter.cron_bad_field",
            cron=shorten(self.cron),
            position=self.position,
            field=field,
            value=shorten(self.value, 20),
        )


@dataclass(eq=False)
class CronNeverFires(UsageError):
    cron: str

    def text(self, t: Translator) -> str:
        return t("newsletter.cron_never", cron=shorten(self.cron))


@dataclass(eq=False)
class NoRecurrence(Conflict):
    def text(self, t: Translator) -> str:
        return t("newsletter.no_recurrence")


@dataclass(eq=False)
class BadNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("newsletter.bad_number", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchAnnouncement(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("newsletter.no_such_announcement", number=str(self.number))


@dataclass(eq=False)
class AnnouncementOver(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("newsletter.announcement_over", number=str(self.number))


@dataclass(eq=False)
class NoSuchIssue(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("newsletter.no_such_issue", number=str(self.number))


@dataclass(eq=False)
class NoSuchPost(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("newsletter.no_such_post", number=str(self.number))


@dataclass(eq=False)
class PostReviewed(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("newsletter.post_reviewed", number=str(self.number))


@dataclass(eq=False)
class NothingToSend(Conflict):
    def text(self, t: Translator) -> str:
        return t("newsletter.nothing_to_send")
