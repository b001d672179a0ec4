"""The referrals port: a member's referral code and the link to share it with, for features that invite
members to bring someone (an NPS promoter). Onboarding, which keeps the codes, provides it."""

from __future__ import annotations

from typing import Protocol

from handlers.context import Context
from handlers.key import Key
from handlers.models import Member


class Referrals(Protocol):
    async def referral_code(self, ctx: Context, member: Member) -> str:
        """The member's stable code (`ALICE-7K3Q`), made in this unit of work the first time it is needed."""
        ...

    def referral_link(self, code: str) -> str | None:
        """The WhatsApp link that joins with the code, when WhatsApp is set up; None otherwise."""
        ...


REFERRALS: Key[Referrals] = Key("referrals")
