from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from handlers.bridge import PostRemover
from handlers.core import Core
from handlers.features import community_config
from handlers.platforms import Platforms
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger

CIRCLES_COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"admins": ["console:root"], "moderators": ["console:mod"]},
    "circle": {"rate_limit": 3, "rate_seconds": 60, "catch_up": 2, "notice_hours": 24},
    "circles": [
        {"name": "runners", "size": 4, "channel": "runners"},
        {"name": "walkers", "size": 2},
    ],
}


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(CIRCLES_COMMUNITY)


class RecordingRemover(PostRemover):
    def __init__(self) -> None:
        self.removed: list[tuple[str, str | None, str | None]] = []

    async def remove_post(self, channel: str, board: str | None, ref: str | None) -> None:
        self.removed.append((channel, board, ref))


@pytest.fixture
def remover() -> RecordingRemover:
    return RecordingRemover()


@pytest.fixture
async def core(
    store: Store,
    clock: FakeClock,
    messenger: RecordingMessenger,
    community: CommunityConfig,
    remover: RecordingRemover,
) -> AsyncIterator[Core]:
    built = make_core(store, clock, messenger, community, Platforms(remover=remover))
    await built.start()
    yield built
    await built.settle()


async def members(core: Core, *names: str) -> None:
    """Members who joined and accepted the rules (console identities play WhatsApp's direct chat)."""
    for name in names:
        await say(core, f"console:{name}", "JOIN")


async def in_circle(core: Core, circle: str, *names: str) -> None:
    await members(core, *names)
    for name in names:
        reply = await say(core, f"console:{name}", f"CIRCLE JOIN {circle}")
        assert reply.text.startswith(f"Welcome to {circle}"), reply.text


async def write(core: Core, who: str, text: str, message_id: str | None = None) -> list[str]:
    """`who` writes a plain message to the bot: the replies to them (none when it was passed on)."""
    from handlers.events import DirectMessage
    from handlers.models import Identity

    identity = Identity.parse(f"console:{who}")
    replies = await core.handle_direct(
        DirectMessage(identity, text, event_id=message_id, display_name=identity.user_id)
    )
    await core.settle()
    return [r.text for r in replies]
