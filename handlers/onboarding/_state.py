"""Onboarding's state: its section, repository, and the ports of the features it works with."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.audience import CONSENT, Consent
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Setup
from handlers.ledger import LEDGER, Ledger
from handlers.models import Member, Reply
from handlers.onboarding import _codes as codes
from handlers.onboarding._ports import ONBOARDING, OnboardingRepository
from handlers.onboarding._settings import OnboardingConfig
from handlers.ports import InviteMaker
from handlers.registry import Registry


@dataclass(frozen=True)
class Onboarding:
    repo: OnboardingRepository
    settings: OnboardingConfig
    ledger: Ledger
    consent: Consent
    invites: InviteMaker | None
    """Personal invite links, where a running platform makes them (Discord)."""
    whatsapp_number: str | None
    """The WhatsApp sender referral links point at, when WhatsApp is set up."""
    commands: Registry
    """Every command: a reply that looks like one is not taken for an introduction."""

    def known_segments(self) -> set[str]:
        return {a.segment for q in self.settings.questions for a in q.choices if a.segment is not None}

    async def segments_of(self, member_id: int) -> set[str]:
        return {a.segment for a in await self.repo.answers(member_id) if a.segment is not None}

    async def referral_code(self, ctx: Context, member: Member) -> str:
        """The Referrals port (handlers.referrals): the member's code, made on first use."""
        return await codes.code_of(ctx, self.repo, member)

    def referral_link(self, code: str) -> str | None:
        return codes.whatsapp_link(self.whatsapp_number, code)

    def notify(self, ctx: Context, member: Member, text: str, kind: MessageKind = MessageKind.NOTICE) -> None:
        """A message the member did not ask for (the delivery policy sends it only where it may go)."""
        ctx.send_to_member(member, Reply(text), kind)


def build(setup: Setup) -> Onboarding:
    platforms = setup.platforms
    return Onboarding(
        setup.repository(ONBOARDING),
        setup.section(OnboardingConfig),
        setup.need(LEDGER),
        setup.need(CONSENT),
        platforms.invites,
        platforms.whatsapp_number,
        setup.commands,
    )
