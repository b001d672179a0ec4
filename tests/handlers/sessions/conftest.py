from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.features import community_config
from handlers.settings import CommunityConfig
from tests.conftest import say
from tests.fakes import RecordingMessenger

SESSIONS_COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"admins": ["console:root"], "moderators": ["console:mod"]},
    "levels": {"tiers": [{"name": "New", "threshold": 0}, {"name": "Regular", "threshold": 10}]},
    "sessions": {"channel": "events"},
}
# The fake clock starts on Monday 2 March 2026, 10:00 in Paris (09:00 UTC).
SESSION = '"Ask the founder" 2026-03-05 18:00 1h | https://meet.example/abc | 2 | code BLOOM'


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(SESSIONS_COMMUNITY)


async def join(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


async def new_session(core: Core, text: str = SESSION) -> int:
    reply = await say(core, "console:mod", f"SESSION NEW {text}")
    assert reply.text.startswith("Session #"), reply.text
    return int(reply.text.split("#")[1].split()[0])


def reminders(messenger: RecordingMessenger) -> list[str]:
    """Reminders to members (not channel posts), as `who: text`."""
    return [
        f"{m.to.user_id}: {m.reply.text}"
        for m in messenger.sent
        if m.to is not None and m.reply.text.startswith("⏰ Reminder")
    ]
