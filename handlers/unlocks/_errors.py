"""What the unlocks feature refuses, with the values it reports; the wording is in the `unlocks` catalogs."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator

NEW_USAGE = 'UNLOCK NEW "Free shipping weekend" 50 3d | Use code FREESHIP at checkout'


@dataclass(eq=False)
class BadUnlock(UsageError):
    def text(self, t: Translator) -> str:
        return t("unlocks.bad_new", usage=NEW_USAGE)


@dataclass(eq=False)
class TitleTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("unlocks.title_too_long", count=self.limit)


@dataclass(eq=False)
class RewardTooLong(UsageError):
    limit: int

    def text(self, t: Translator) -> str:
        return t("unlocks.reward_too_long", count=self.limit)


@dataclass(eq=False)
class BadGoal(UsageError):
    most: int

    def text(self, t: Translator) -> str:
        return t("unlocks.bad_goal", most=self.most)


@dataclass(eq=False)
class BadUnlockNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("unlocks.bad_number", given=shorten(self.given))


@dataclass(eq=False)
class NoSuchUnlock(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("unlocks.no_such_unlock", number=str(self.number))


@dataclass(eq=False)
class NotTakingPledges(Conflict):
    number: int
    state: str

    def text(self, t: Translator) -> str:
        if self.state == "expired":
            return t("unlocks.expired", number=str(self.number))
        if self.state == "cancelled":
            return t("unlocks.cancelled", number=str(self.number))
        return t("unlocks.over", number=str(self.number))


@dataclass(eq=False)
class AlreadyPledged(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("unlocks.already_pledged", number=str(self.number))


@dataclass(eq=False)
class NotPledged(Conflict):
    number: int

    def text(self, t: Translator) -> str:
        return t("unlocks.not_pledged", number=str(self.number))


@dataclass(eq=False)
class AlreadyUnlocked(Conflict):
    """A withdrawal after the unlock: the reward has gone out."""

    number: int

    def text(self, t: Translator) -> str:
        return t("unlocks.withdraw_unlocked", number=str(self.number))


@dataclass(eq=False)
class PendingPledger(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("unlocks.pending_pledger")


@dataclass(eq=False)
class NoCodesWanted(UsageError):
    number: int

    def text(self, t: Translator) -> str:
        return t("unlocks.no_codes_wanted", number=str(self.number))


@dataclass(eq=False)
class TooManyCodes(UsageError):
    most: int

    def text(self, t: Translator) -> str:
        return t("unlocks.too_many_codes", count=self.most)
