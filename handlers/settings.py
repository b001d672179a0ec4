"""The community rules the core reads, as pydantic models.

They live in the core because they are domain policy; `config/` only loads and validates the TOML
file that fills them. The kernel's sections are here; each feature declares its own (`_settings.py` in
its package) and `assemble` adds them to one model, so the file is validated as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, create_model, field_validator

from handlers.keys import ChannelKey
from handlers.models import Identity, Role
from handlers.section import Section

M = TypeVar("M", bound=Section)


class CommunityInfo(Section):
    name: str = Field(default="Our community", min_length=1, max_length=100)
    slug: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    """Scopes every row in the database; never change it once the bot has run."""
    timezone: str = "UTC"
    language: Literal["en", "fr", "it"] = "en"
    """What members read unless they choose their own (`LANGUAGE fr`), and what channel posts are in."""
    welcome: str | None = Field(default=None, min_length=1, max_length=1500)
    """The admin's own welcome ({community} and {name} are replaced), shown as written; None: the
    catalogs' welcome, in each member's language."""

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

    announcements: ChannelKey = "announcements"
    welcome: ChannelKey = "welcome"
    moderators: ChannelKey = "moderators"
    """Where moderators are told about work for them (shop redemptions to fulfil...)."""
    introductions: ChannelKey = "introductions"
    """Where members' introductions (their own and of newcomers) are posted."""


class MediaConfig(Section):
    """What members may attach (challenge submissions): the bot keeps its own copy of what it accepts,
    because platform links expire (Discord's after about a day) or need credentials (Twilio's)."""

    types: list[str] = Field(
        default_factory=lambda: ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"],
        min_length=1,
    )
    max_mb: int = Field(default=10, ge=1, le=100)
    """The largest file kept, in megabytes."""
    per_message: int = Field(default=4, ge=1, le=10)

    @field_validator("types")
    @classmethod
    def _types(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", value):
                raise ValueError(f"{value!r} is not a media type: write e.g. image/jpeg")
        return values

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024


class CommunityConfig(Section):
    """The kernel's part of `community.toml`. The model the file is validated with is `assemble`d from
    this and every feature's sections; a feature reads its own with `section(Model)`."""

    community: CommunityInfo = Field(default_factory=CommunityInfo)
    roles: RolesConfig = Field(default_factory=RolesConfig)
    channels: ChannelsConfig = Field(default_factory=ChannelsConfig)
    media: MediaConfig = Field(default_factory=MediaConfig)
    texts: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Wording overrides by language and key: `[texts.fr.points]` `kudos_to_self = "..."` overrides the text
    `points.kudos_to_self` in French; `check-config` checks each against the catalogs (`overrides()`)."""

    sections: ClassVar[dict[type[Section], str]] = {}
    """Which key of the file each added section model is read from."""

    def overrides(self) -> dict[str, dict[str, str | list[str]]]:
        """`texts` with its nested tables flattened into catalog keys (`points.kudos_to_self`)."""
        return {language: dict(_flatten(table, "")) for language, table in self.texts.items()}

    def section(self, model: type[M]) -> M:
        key = type(self).sections.get(model)
        if key is None:
            raise LookupError(f"{model.__name__} is no section of {type(self).__name__}: declare it")
        return cast(M, dict(self)[key])

    def entries(self, model: type[M]) -> list[M]:
        """A section written as an array of tables (`[[circles]]`, ConfigSection.many): its entries, in the
        file's order."""
        key = type(self).sections.get(model)
        if key is None:
            raise LookupError(f"{model.__name__} is no section of {type(self).__name__}: declare it")
        return list(cast(list[M], dict(self)[key]))


@dataclass(frozen=True)
class ConfigSection:
    """A table of the community file (`[points]`) and the model that validates it."""

    key: str
    model: type[Section]
    many: bool = False
    """An array of tables (`[[circles]]`): a list of `model`, empty by default."""


def assemble(
    name: str, base: type[CommunityConfig], sections: Sequence[ConfigSection]
) -> type[CommunityConfig]:
    """`base` with `sections` added, each defaulting to its model's defaults; a key or model used twice,
    or one that shadows the base, is an error."""
    known = dict(base.sections)
    fields: dict[str, Any] = {}
    for section in sections:
        if section.key in base.model_fields or section.key in fields:
            raise ValueError(f"two sections of the community file are called [{section.key}]")
        if section.model in known:
            raise ValueError(f"{section.model.__name__} is declared as two sections")
        if section.many:
            fields[section.key] = (list[section.model], Field(default_factory=list))  # type: ignore[name-defined]
        else:
            fields[section.key] = (section.model, Field(default_factory=section.model))
        known[section.model] = section.key
    model = cast(type[CommunityConfig], create_model(name, __base__=base, **fields))
    model.sections = known
    return model


def _flatten(table: dict[str, Any], prefix: str) -> list[tuple[str, str | list[str]]]:
    found: list[tuple[str, str | list[str]]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            found += _flatten(value, f"{prefix}{key}.")
        else:
            found.append((f"{prefix}{key}", value if isinstance(value, str) else [str(v) for v in value]))
    return found
