"""What the feedback feature refuses, with the values it reports (wording: the `feedback` catalogs)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator


@dataclass(eq=False)
class IdeaTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("feedback.too_long", count=self.limit)


@dataclass(eq=False)
class BadIdeaNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("feedback.bad_number", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchIdea(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("feedback.no_such_idea", number=str(self.number))


@dataclass(eq=False)
class OwnIdea(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("feedback.own_idea", number=str(self.number))


@dataclass(eq=False)
class AlreadyBacked(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("feedback.already_backed", number=str(self.number))


@dataclass(eq=False)
class IdeaClosed(Conflict):
    number: int
    status: str

    def text(self, t: Translator) -> str:
        if self.status == "shipped":
            return t("feedback.closed_shipped", number=str(self.number))
        return t("feedback.closed_declined", number=str(self.number))


@dataclass(eq=False)
class SameStatus(Conflict):
    number: int
    status: str

    def text(self, t: Translator) -> str:
        return t("feedback.same_status", number=str(self.number), status=self.status)


@dataclass(eq=False)
class PendingAuthor(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("feedback.pending")
