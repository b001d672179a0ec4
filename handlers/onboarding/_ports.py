"""What onboarding keeps: progress, answers, codes and invites, referrals and introductions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from handlers.key import Key


@dataclass(frozen=True)
class Progress:
    """Where a member is in onboarding. `asking` is the question waiting for an answer, if any."""

    member_id: int
    agreed_at: datetime | None
    asking: str | None
    answered_at: datetime | None
    """When the questions were done (answered or skipped)."""
    introduced_at: datetime | None


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str | None
    """None: skipped."""
    segment: str | None


class ReferralState(StrEnum):
    WAITING = "waiting"
    """The newcomer has not finished onboarding."""
    HELD = "held"
    """Finished; paid once they have stayed the configured days."""
    CREDITED = "credited"
    REVERSED = "reversed"
    """Paid, then taken back: the newcomer left early."""
    VOID = "void"
    """Never paid: the newcomer left before it was due."""


@dataclass(frozen=True)
class Referral:
    newcomer_id: int
    newcomer_handle: str
    referrer_id: int
    via: str
    """code, invite or introduction."""
    state: ReferralState
    ledger_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Introduction:
    id: int
    introducer_id: int
    invitee: str
    """The identity introduced (`whatsapp:+…`), or `member:<id>` for someone who had already joined."""
    why: str
    newcomer_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Arrivals:
    """A week of arrivals (the newsletter's section): handles, at most a page of each."""

    joined: list[str]
    joined_count: int
    introduced: list[tuple[str, str]]
    """(newcomer, introducer) for the newcomers who arrived introduced by a member."""
    presented: int
    """Members who introduced themselves."""


class OnboardingRepository(Protocol):
    async def progress(self, member_id: int) -> Progress | None: ...
    async def begin(self, member_id: int) -> None:
        """Start tracking a member (nothing changes when they already are tracked)."""
        ...

    async def agree(self, member_id: int, now: datetime) -> bool:
        """Record the acceptance; False when it was already recorded."""
        ...

    async def ask(self, member_id: int, question: str | None, now: datetime) -> None:
        """The question now waiting for an answer; None marks the questions done."""
        ...

    async def introduced(self, member_id: int, now: datetime) -> bool:
        """Mark the member introduced; False when they already were."""
        ...

    async def answers(self, member_id: int) -> list[Answer]: ...
    async def answer(
        self, member_id: int, question: str, answer: str | None, segment: str | None, now: datetime
    ) -> None: ...

    async def code_of(self, member_id: int) -> str | None: ...
    async def add_code(self, member_id: int, code: str, now: datetime) -> bool:
        """False when another member has that code already."""
        ...

    async def member_by_code(self, code: str) -> int | None:
        """The member whose referral code or personal platform invite this is."""
        ...

    async def invite_of(self, member_id: int, platform: str) -> str | None: ...
    async def add_invite(self, member_id: int, platform: str, code: str, now: datetime) -> None: ...

    async def refer(self, newcomer_id: int, referrer_id: int, via: str, now: datetime) -> bool:
        """Attribute a newcomer; False when they already were (one referrer per newcomer, ever)."""
        ...

    async def referral(self, newcomer_id: int) -> Referral | None: ...
    async def set_referral(
        self, newcomer_id: int, state: ReferralState, now: datetime, ledger_id: int | None = None
    ) -> None: ...
    async def referrals_by(self, referrer_id: int, limit: int) -> list[Referral]: ...

    async def introduce(
        self, introducer_id: int, invitee: str, why: str, newcomer_id: int | None, now: datetime
    ) -> Introduction | None:
        """Record an introduction; None when that person was introduced already."""
        ...

    async def introduction_for(self, invitee: str) -> Introduction | None: ...
    async def introduction_of(self, newcomer_id: int) -> Introduction | None: ...
    async def arrived(self, introduction_id: int, newcomer_id: int) -> None:
        """The introduced person joined as `newcomer_id`."""
        ...

    async def waiting_introductions(self, introducer_id: int) -> int:
        """Introductions by this member whose invitee has not joined yet."""
        ...

    async def week(self, since: datetime, until: datetime, limit: int) -> Arrivals:
        """Who joined from `since` to `until`, who introduced whom, who introduced themselves."""
        ...


ONBOARDING: Key[OnboardingRepository] = Key("onboarding")
