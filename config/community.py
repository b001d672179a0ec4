"""The community file (`community.toml`): read, validated, every problem reported with its key path."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.discord import DiscordCommunity
from config.problems import ConfigError, describe
from config.whatsapp import WhatsAppCommunity
from handlers.features import Community
from handlers.i18n import check_overrides
from handlers.settings import CommunityConfig, ConfigSection, assemble

log = logging.getLogger(__name__)

CommunityFile = assemble(
    "CommunityFile",
    Community,
    [ConfigSection("discord", DiscordCommunity), ConfigSection("whatsapp", WhatsAppCommunity)],
)
"""The core's configuration plus the platform adapters' own sections of the same file: the core is
handed it as its CommunityConfig and never reads the platform sections (adapters read theirs with
`section(DiscordCommunity)`)."""


def load_community(path: Path) -> tuple[CommunityConfig, bool]:
    """The community configuration and whether it came from the file (False: built-in defaults)."""
    if not path.exists():
        return CommunityFile(), False
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [f"not valid TOML: {error}"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), [f"cannot be read: {error}"]) from None
    return validate_community(data, str(path)), True


def validate_community(data: dict[str, Any], source: str) -> CommunityConfig:
    """The file's tables checked as `check-config` and every start check them (the model, then the
    wording overrides against the catalogs); raises ConfigError with every problem's key path."""
    try:
        community = CommunityFile.model_validate(data)
    except ValidationError as error:
        raise ConfigError(source, describe(error)) from None
    wording = check_overrides(community.overrides())  # keys and placeholders, against the catalogs
    if wording:
        raise ConfigError(source, wording)
    return community
