from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.features import community_config
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import say
from tests.fakes import RecordingMessenger

FEEDBACK_COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"moderators": ["console:mod"]},
    "feedback": {"planned_points": 5, "shipped_points": 20},
}


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(FEEDBACK_COMMUNITY)


async def join(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


async def send_idea(core: Core, who: str, text: str) -> int:
    """`who` sends an idea; its number."""
    reply = await say(core, f"console:{who}", f"FEEDBACK {text}")
    assert reply.text.startswith("Thank you! Your idea #"), reply.text
    return int(reply.text.split("#")[1].split()[0])


def notices(messenger: RecordingMessenger) -> list[tuple[str, str]]:
    """(to, text) of every notice handed to a platform, in order."""
    return [(str(m.to), m.reply.text) for m in messenger.sent if m.kind is MessageKind.NOTICE]


async def scalar(store: Store, sql: str, *params: object) -> object:
    row = await store.db.fetch_one(sql, params)
    assert row is not None
    return row[0]
