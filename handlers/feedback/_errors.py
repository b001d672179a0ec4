"""What the feedback feature refuses, with the values it reports (wording: the `feedback` catalogs)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.feedback._models import IdeaStatus
from handlers.feedback._render import status_name
from handlers.i18n import Translator


@dataclass(eq=False)
class IdeaTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("feedback.too_long", count=self.limit)


@dataclass(eq=False)
class NoteTooLong(UsageError):
    """IDEA STATUS's note, which the author and every backer read."""

    limit: int

    def text(self, t: Translator) -> str:
        return t("feedback.note_too_long", count=self.limit)


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
class NotBacked(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("feedback.not_backed", number=str(self.number))


@dataclass(eq=False)
class IdeaClosed(Conflict):
    """Shipped or declined: it takes no more backers, and its backers stay as they were."""

    number: int
    status: IdeaStatus
    unbacking: bool = False

    def text(self, t: Translator) -> str:
        if self.unbacking:
            return t("feedback.closed_unback", number=str(self.number))
        if self.status is IdeaStatus.SHIPPED:
            return t("feedback.closed_shipped", number=str(self.number))
        return t("feedback.closed_declined", number=str(self.number))


@dataclass(eq=False)
class SameStatus(Conflict):
    number: int
    status: IdeaStatus

    def text(self, t: Translator) -> str:
        return t("feedback.same_status", number=str(self.number), status=status_name(t, self.status))


@dataclass(eq=False)
class PendingMember(PermissionDenied):
    """Rules not accepted yet: no ideas sent or backed."""

    def text(self, t: Translator) -> str:
        return t("feedback.pending")
