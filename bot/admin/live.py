"""What the running bot has of the community file.

Every setting a save from the dashboard writes applies at once: `handlers.install.reconfigure` builds the
features again from the new file between units of work, as a start would, and the composition root hands
the platforms their new sections (bot/app.py, `Application.apply_community`). Only the slug, which scopes
every row in the database, is never edited (community_file.FIXED). Discord's slash command descriptions
are synced with Discord at start: new wording for them shows from the next start."""

from __future__ import annotations

from typing import Any

from handlers.settings import CommunityConfig


def _flat(value: Any, prefix: str, into: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(inner, f"{prefix}.{key}" if prefix else str(key), into)
    else:
        into[prefix] = value


def waiting(running: CommunityConfig, new: CommunityConfig) -> list[str]:
    """The key paths whose value in `new` (the file, edited by hand since the bot took it) the running bot
    does not have yet: they apply at the next save from the dashboard or the next start."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flat(running.model_dump(mode="json"), "", before)
    _flat(new.model_dump(mode="json"), "", after)
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
