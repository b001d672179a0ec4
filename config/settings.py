"""Deployment settings from the environment: `COMMUNITYBOT_` prefix, `__` for nesting, `.env` if present."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.problems import ConfigError, reason

PREFIX = "COMMUNITYBOT_"
ADMIN_TOKEN_LENGTH = 16
"""The shortest admin token accepted: a dashboard on the network wants one that cannot be guessed."""


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DiscordSettings(_Group):
    token: SecretStr | None = None
    guild_id: int | None = None


class TwilioSettings(_Group):
    account_sid: str | None = Field(default=None, pattern=r"^AC[0-9a-fA-F]{32}$")
    auth_token: SecretStr | None = None
    whatsapp_from: str | None = Field(default=None, pattern=r"^whatsapp:\+[1-9][0-9]{6,14}$")
    api_base_url: str = Field(default="https://api.twilio.com", pattern=r"^https?://[^\s]+$")
    messages_per_second: float = Field(default=10, gt=0, le=1000)
    """Outbound rate limit of the sender (Twilio queues, then drops, what goes faster)."""
    max_send_attempts: int = Field(default=8, ge=1, le=30)
    """Tries per message on 429/5xx/network errors, with exponential backoff, before it is marked failed."""
    backlog_limit: int = Field(default=2000, ge=1, le=1_000_000)
    """Messages received and not yet handled past which the webhook answers 503 (Twilio keeps the message
    and retries it when the webhook URL asks for retries): the wait stays bounded instead of growing."""

    @property
    def configured(self) -> bool:
        return self.account_sid is not None or self.auth_token is not None

    def missing(self, public_base_url: str | None) -> list[str]:
        """What WhatsApp still needs once a Twilio credential is set: the adapter refuses to start without."""
        if not self.configured:
            return []
        needed = {
            "TWILIO__ACCOUNT_SID": self.account_sid,
            "TWILIO__AUTH_TOKEN": self.auth_token,
            "TWILIO__WHATSAPP_FROM": self.whatsapp_from,
            "PUBLIC_BASE_URL": public_base_url,
        }
        return [
            f"{PREFIX}{name}: is required for WhatsApp" for name, value in needed.items() if value is None
        ]


class WebSettings(_Group):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
    )

    community_file: Path = Path("community.toml")
    database_path: Path = Path("data/communitybot.db")
    """The SQLite file (the embedded default); its folder also holds the bot's own files (media)."""
    database_url: SecretStr | None = None
    """`postgresql://user:password@host:5432/name`: the community on PostgreSQL instead of the SQLite file
    (several bot processes on one community). Secret: it may hold a password, and is never logged."""
    public_base_url: str | None = Field(default=None, pattern=r"^https?://[^\s]+$")
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    log_format: Literal["text", "json"] = "text"
    """`json`: one JSON object a line (time, level, logger, message, exception), for log collectors."""
    console_start: AwareDatetime | None = None
    """The console's clock on a new database (a script that reads the same whatever the hour it runs at:
    days, cooldowns and caps turn over at the community's midnight); by default, now."""
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    twilio: TwilioSettings = Field(default_factory=TwilioSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    admin_token: SecretStr | None = None
    """Signs admins in to the web dashboard under /admin (compared in constant time, never logged); the
    dashboard is not mounted at all while it is unset."""

    @field_validator("admin_token")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < ADMIN_TOKEN_LENGTH:
            raise ValueError(
                f"must be at least {ADMIN_TOKEN_LENGTH} characters (e.g. `openssl rand -hex 24`)"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _postgresql(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a PostgreSQL URL: postgresql://user:password@host:5432/database")
        return value

    @property
    def database(self) -> Path | str:
        """What the store opens: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_path if self.database_url is None else self.database_url.get_secret_value()

    @property
    def database_name(self) -> str:
        """The database as a log line or a message may name it (a URL without its password)."""
        if self.database_url is None:
            return str(self.database_path)
        address = self.database_url.get_secret_value().split("@", 1)[-1]
        return f"PostgreSQL at {address.split('?', 1)[0]}"

    @property
    def data_dir(self) -> Path:
        return self.database_path.parent

    @property
    def has_platform_credentials(self) -> bool:
        return self.discord.token is not None or self.twilio.configured


def _unknown_variables() -> list[str]:
    """`COMMUNITYBOT_*` variables no setting reads: most likely typos."""
    top = {name.upper() for name in Settings.model_fields}
    nested: dict[str, type[BaseModel]] = {
        "DISCORD": DiscordSettings,
        "TWILIO": TwilioSettings,
        "WEB": WebSettings,
    }
    problems = []
    for name in sorted(os.environ):
        if not name.startswith(PREFIX):
            continue
        first, _, rest = name[len(PREFIX) :].partition("__")
        group = nested.get(first)
        known = first in top and (not rest or (group is not None and rest.lower() in group.model_fields))
        if not known:
            problems.append(f"{name}: unknown setting (check the spelling against the README)")
    return problems


def load_settings() -> Settings:
    """Read the environment (and `.env`); raises ConfigError listing every problem."""
    problems = _unknown_variables()
    try:
        settings = Settings()
    except ValidationError as error:
        # Named as the variable to set, never with its value: a value may be a secret.
        problems += [
            PREFIX + "__".join(str(part).upper() for part in item["loc"]) + ": " + reason(item)
            for item in error.errors()
        ]
        raise ConfigError("environment", problems) from None
    problems += settings.twilio.missing(settings.public_base_url)
    if problems:
        raise ConfigError("environment", problems)
    return settings
