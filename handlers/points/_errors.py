"""What the points feature refuses, with the values it reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError, shorten
from handlers.ledger import Kind
from handlers.points import _calendar as calendar


@dataclass(eq=False)
class KudosForAGroup(Conflict):
    """`@everyone++`, `thanks @here`, `@bot++`."""

    def text(self) -> str:
        return "Kudos are for members, not for bots or whole groups (but thank you!)."


@dataclass(eq=False)
class KudosToStranger(Conflict):
    named: str

    def text(self) -> str:
        return f"I don't know {shorten(self.named)} here, so no kudos were given."


@dataclass(eq=False)
class KudosToSelf(Conflict):
    def text(self) -> str:
        return "You can't give kudos to yourself."


@dataclass(eq=False)
class KudosToAPending(Conflict):
    handle: str

    def text(self) -> str:
        return f"@{self.handle} hasn't finished joining yet, so no kudos were given."


@dataclass(eq=False)
class KudosBudgetSpent(Conflict):
    budget: int
    now: datetime
    resets_at: datetime
    """The next local midnight."""
    missed: str | None = None
    """Who got no kudos because of it (a mention in chat); None for the KUDOS command."""

    def text(self) -> str:
        resets = calendar.until(self.now, self.resets_at)
        what = f"{self.missed} got none this time" if self.missed else "none was given"
        return f"You have 0 of {self.budget} kudos left today (resets in {resets}), so {what}."


@dataclass(eq=False)
class KudosSwitchedOff(Conflict):
    def text(self) -> str:
        return "Kudos are switched off in this community."


@dataclass(eq=False)
class KudosBeforeJoining(PermissionDenied):
    def text(self) -> str:
        return "Finish joining first: you can give kudos once you are a member."


@dataclass(eq=False)
class KudosWhilePending(PermissionDenied):
    """Chat kudos from someone who has not accepted the rules: they count for nothing."""

    def text(self) -> str:
        return "You haven't accepted the rules yet, so your kudos don't count: send AGREE first."


@dataclass(eq=False)
class OthersHistory(PermissionDenied):
    def text(self) -> str:
        return "Only moderators can see another member's history. Send HISTORY for yours."


@dataclass(eq=False)
class AwardTooBig(UsageError):
    most: int
    currency: str

    def text(self) -> str:
        return f"At most {self.most} {self.currency} per award. Usage: AWARD @name <points> <reason>"


@dataclass(eq=False)
class NotYetAMember(Conflict):
    """Points go to members only: `handle` has joined but not accepted the rules."""

    handle: str

    def text(self) -> str:
        return f"@{self.handle} hasn't finished joining yet, so nothing was awarded."


@dataclass(eq=False)
class AwardedAlready(Conflict):
    def text(self) -> str:
        return "That award was already recorded."


@dataclass(eq=False)
class NotAnEntryNumber(UsageError):
    given: str

    def text(self) -> str:
        return f"“{shorten(self.given, 20)}” is not an entry number. Usage: REVOKE #123 <reason>"


@dataclass(eq=False)
class NoSuchEntry(NotFound):
    number: int

    def text(self) -> str:
        return f"There is no entry #{self.number}. HISTORY @name shows entry numbers."


@dataclass(eq=False)
class NotRevocable(Conflict):
    entry_id: int
    kind: Kind

    def text(self) -> str:
        why = "it is itself a correction" if self.kind is Kind.REVOKE else "it is a shop redemption"
        return f"Entry #{self.entry_id} can't be revoked: {why}."


@dataclass(eq=False)
class RevokedAlready(Conflict):
    entry_id: int
    by: int | None = None
    """The correcting entry, when known."""

    def text(self) -> str:
        if self.by is None:
            return f"Entry #{self.entry_id} was already revoked."
        return f"Entry #{self.entry_id} was already revoked by #{self.by}."
