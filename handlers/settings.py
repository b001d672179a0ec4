"""The community rules the core reads, as pydantic models.

They live in the core because they are domain policy; `config/` only loads and validates the TOML
file that fills them.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from handlers.models import Identity, Role
from handlers.onboarding.settings import OnboardingConfig
from handlers.points.rules import LevelsConfig, PointsRules, ShopConfig
from handlers.section import Section


class CommunityInfo(Section):
    name: str = Field(default="Our community", min_length=1, max_length=100)
    slug: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    """Scopes every row in the database; never change it once the bot has run."""
    timezone: str = "UTC"
    welcome: str = Field(
        default="Welcome to {community}, {name}! Send HELP to see what you can do.",
        min_length=1,
        max_length=1500,
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone: use an IANA name like Europe/Paris") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class RolesConfig(Section):
    """Who moderates and administers, by platform identity."""

    admins: list[str] = Field(default_factory=list)
    moderators: list[str] = Field(default_factory=list)

    @field_validator("admins", "moderators")
    @classmethod
    def _identities(cls, values: list[str]) -> list[str]:
        for value in values:
            Identity.parse(value)  # raises ValueError with the right form
        return values

    def role_of(self, identity: Identity) -> Role:
        text = str(identity)
        if text in self.admins:
            return Role.ADMIN
        if text in self.moderators:
            return Role.MODERATOR
        return Role.MEMBER


class ChannelsConfig(Section):
    """Channel keys the core posts to; each adapter maps a key to one of its channels."""

    announcements: str = Field(default="announcements", pattern=r"^[a-z0-9_-]{1,40}$")
    welcome: str = Field(default="welcome", pattern=r"^[a-z0-9_-]{1,40}$")
    moderators: str = Field(default="moderators", pattern=r"^[a-z0-9_-]{1,40}$")
    """Where moderators are told about work for them (shop redemptions to fulfil...)."""
    introductions: str = Field(default="introductions", pattern=r"^[a-z0-9_-]{1,40}$")
    """Where members' introductions (their own and of newcomers) are posted."""


class CommunityConfig(Section):
    """The whole `community.toml`; each feature adds its section here."""

    community: CommunityInfo = Field(default_factory=CommunityInfo)
    roles: RolesConfig = Field(default_factory=RolesConfig)
    channels: ChannelsConfig = Field(default_factory=ChannelsConfig)
    points: PointsRules = Field(default_factory=PointsRules)
    levels: LevelsConfig = Field(default_factory=LevelsConfig)
    shop: ShopConfig = Field(default_factory=ShopConfig)
    onboarding: OnboardingConfig = Field(default_factory=OnboardingConfig)
