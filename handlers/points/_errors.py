"""What the points feature refuses, with the values it reports; the wording is in the `points` catalogs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.i18n import Translator
from handlers.ledger import Kind
from handlers.points._format import amount


@dataclass(eq=False)
class KudosForAGroup(Conflict):
    """`@everyone++`, `thanks @here`, `@bot++`."""

    def text(self, t: Translator) -> str:
        return t("points.kudos_for_a_group")


@dataclass(eq=False)
class KudosToStranger(Conflict):
    named: str

    def text(self, t: Translator) -> str:
        return t("points.kudos_to_stranger", named=shorten(self.named))


@dataclass(eq=False)
class KudosToSelf(Conflict):
    def text(self, t: Translator) -> str:
        return t("points.kudos_to_self")


@dataclass(eq=False)
class KudosToAPending(Conflict):
    handle: str

    def text(self, t: Translator) -> str:
        return t("points.kudos_to_a_pending", handle=self.handle)


@dataclass(eq=False)
class KudosBudgetSpent(Conflict):
    budget: int
    now: datetime
    resets_at: datetime
    """The next local midnight."""
    missed: str | None = None
    """Who got no kudos because of it (a mention in chat); None for the KUDOS command."""

    def text(self, t: Translator) -> str:
        resets = t.duration((self.resets_at - self.now).total_seconds())
        if self.missed:
            return t("points.kudos_budget_spent_missed", count=self.budget, resets=resets, missed=self.missed)
        return t("points.kudos_budget_spent", count=self.budget, resets=resets)


@dataclass(eq=False)
class KudosSwitchedOff(Conflict):
    def text(self, t: Translator) -> str:
        return t("points.kudos_switched_off")


@dataclass(eq=False)
class KudosBeforeJoining(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("points.kudos_before_joining")


@dataclass(eq=False)
class KudosWhilePending(PermissionDenied):
    """Chat kudos from someone who has not accepted the rules: they count for nothing."""

    def text(self, t: Translator) -> str:
        return t("points.kudos_while_pending")


@dataclass(eq=False)
class OthersHistory(PermissionDenied):
    def text(self, t: Translator) -> str:
        return t("points.others_history")


@dataclass(eq=False)
class AwardTooBig(UsageError):
    most: int
    currency: str | None
    """The community's own word for points; None: the catalogs' (`points.credits`)."""

    def text(self, t: Translator) -> str:
        return t("points.award_too_big", credits=amount(t, self.most, self.currency))


@dataclass(eq=False)
class NotYetAMember(Conflict):
    """Points go to members only: `handle` has joined but not accepted the rules."""

    handle: str

    def text(self, t: Translator) -> str:
        return t("points.not_yet_a_member", handle=self.handle)


@dataclass(eq=False)
class AwardedAlready(Conflict):
    def text(self, t: Translator) -> str:
        return t("points.awarded_already")


@dataclass(eq=False)
class NotAnEntryNumber(UsageError):
    given: str

    def text(self, t: Translator) -> str:
        return t("points.not_an_entry_number", given=shorten(self.given, 20))


@dataclass(eq=False)
class NoSuchEntry(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("points.no_such_entry", entry=str(self.number))


@dataclass(eq=False)
class NotRevocable(Conflict):
    entry_id: int
    kind: Kind

    def text(self, t: Translator) -> str:
        if self.kind is Kind.REVOKE:
            return t("points.not_revocable_correction", entry=str(self.entry_id))
        return t("points.not_revocable_redemption", entry=str(self.entry_id))


@dataclass(eq=False)
class RevokedAlready(Conflict):
    entry_id: int
    by: int | None = None
    """The correcting entry, when known."""

    def text(self, t: Translator) -> str:
        if self.by is None:
            return t("points.revoked_already", entry=str(self.entry_id))
        return t("points.revoked_already_by", entry=str(self.entry_id), by=str(self.by))
