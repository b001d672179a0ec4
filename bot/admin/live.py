"""Which settings of the community file the running bot takes at once, and which wait for the next start.

The core reads `[roles]` (who moderates), `[texts]` (wording overrides) and `[community] welcome` on every
unit of work, so a new value there is simply the one the next command reads (Discord's slash command
descriptions, synced once at start, take new wording at the next start). Everything else is copied into
the features' states when they are built at start (a poll's channel, the points rules, the newsletter's
cron, the time zone and language many of them format with), and the platforms read their sections once:
changing those in a running process would leave some parts on the old value and some on the new, so they
apply at the next start and the dashboard says which are waiting."""

from __future__ import annotations

from typing import Any

from handlers.settings import CommunityConfig

LIVE = ("roles", "texts", "community.welcome")
"""Key paths (and everything under them) applied without a restart."""


def is_live(key: str) -> bool:
    return any(key == path or key.startswith(path + ".") for path in LIVE)


def merge(running: CommunityConfig, new: CommunityConfig) -> CommunityConfig:
    """The running configuration with the live settings of `new` (both validated)."""
    community = running.community.model_copy(update={"welcome": new.community.welcome})
    return running.model_copy(update={"roles": new.roles, "texts": new.texts, "community": community})


def _flat(value: Any, prefix: str, into: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(inner, f"{prefix}.{key}" if prefix else str(key), into)
    else:
        into[prefix] = value


def waiting(running: CommunityConfig, new: CommunityConfig) -> list[str]:
    """The key paths whose value in `new` the running bot does not have yet."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flat(running.model_dump(mode="json"), "", before)
    _flat(new.model_dump(mode="json"), "", after)
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
