from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.formats import TEXTS
from handlers.core import Core
from handlers.events import ChatMessage, DirectMessage
from handlers.features import FEATURES, community_config
from handlers.install import build_core
from handlers.models import Identity, Reply
from handlers.platforms import Platforms
from handlers.settings import CommunityConfig
from scheduler.cron import CronRecurrence
from storage.store import Store
from tests.fakes import FakeClock, RecordingMessenger
from tests.postgres import database, drop_all, migrated

ROOT = Path(__file__).resolve().parent.parent


ENGINES = ("sqlite", "postgresql")
"""Every test that takes a store runs on both engines (one contract for both)."""


@pytest.fixture(params=ENGINES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        opened = await Store.open(tmp_path / "test.db", "test")
        yield opened
        await opened.close()
        return
    async with migrated() as url:
        opened = await Store.open(url, "test", data_dir=tmp_path)
        yield opened
        await opened.close()


@pytest.fixture(scope="session", autouse=True)
def _drop_postgresql_databases() -> Iterator[None]:
    yield
    drop_all()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "roles": {"admins": ["console:root"], "moderators": ["console:mod"]},
        }
    )


def make_core(
    store: Store,
    clock: FakeClock,
    messenger: RecordingMessenger,
    community: CommunityConfig,
    platforms: Platforms | None = None,
) -> Core:
    return build_core(
        store.services(community, clock),
        messenger,
        FEATURES,
        platforms,
        texts=TEXTS,
        recurrence=CronRecurrence(),
    )


@pytest.fixture
async def core(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, community: CommunityConfig
) -> AsyncIterator[Core]:
    built = make_core(store, clock, messenger, community)
    await built.start()
    yield built
    await built.settle()  # background work (a roll-up a job started) ends before the database closes


async def chat(
    core: Core, who: str, text: str, channel: str = "general", message_id: str | None = None, **extra: object
) -> list[Reply]:
    """`who` posts `text` in a channel; the replies (private ones are for the writer)."""
    import uuid

    identity = Identity.parse(who)
    message = ChatMessage(
        identity,
        text,
        channel,
        event_id=message_id or uuid.uuid4().hex,
        display_name=identity.user_id,
        **extra,
    )  # type: ignore[arg-type]
    replies = await core.handle_chat(message)
    await core.settle()  # chat points are written a moment later; tests read them right away
    return replies


async def say(core: Core, who: str, text: str, message_id: str | None = None) -> Reply:
    """`who` (an identity like console:alice) writes `text` to the bot; the single reply."""
    identity = Identity.parse(who)
    replies = await core.handle_direct(
        DirectMessage(identity, text, event_id=message_id, display_name=identity.user_id)
    )
    assert len(replies) == 1, replies
    return replies[0]


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for this test (tests/postgres.py), dropped after it."""
    async with database() as url:
        yield url
