"""Everything the core is given at start: configuration, clock and repositories."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.onboarding.ports import OnboardingRepository
from handlers.points.ports import PointsRepository, ShopRepository
from handlers.ports import (
    ChoiceRepository,
    Clock,
    ConsentRepository,
    InboxRepository,
    JobRepository,
    LinkRepository,
    MemberRepository,
    Transactions,
)
from handlers.settings import CommunityConfig


@dataclass(frozen=True)
class Services:
    config: CommunityConfig
    clock: Clock
    transactions: Transactions
    members: MemberRepository
    choices: ChoiceRepository
    jobs: JobRepository
    inbox: InboxRepository
    points: PointsRepository
    shop: ShopRepository
    consent: ConsentRepository
    links: LinkRepository
    onboarding: OnboardingRepository
    consent_wording: str
    """What members agree to when they opt in (the community file's [whatsapp] consent_wording)."""
    whatsapp_number: str | None = None
    """The WhatsApp sender (`whatsapp:+E164`) when WhatsApp is set up: referral links point at it."""
