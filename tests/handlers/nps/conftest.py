from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.core import Core
from handlers.delivery import Delivery, MessageKind
from handlers.features import community_config
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger

FIRST_SURVEY = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
"""The default quarterly cron's first fire after the FakeClock's start: 1 April at 10:00 in Paris."""


def nps_community(extra: dict[str, Any] | None = None, **nps: Any) -> CommunityConfig:
    """A community whose surveys ask everyone on their first day (unless `spread_days` says otherwise)."""
    return community_config(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "roles": {"moderators": ["console:mod"]},
            "nps": {"spread_days": 1, **nps},
            **(extra or {}),
        }
    )


@pytest.fixture
def community() -> CommunityConfig:
    return nps_community()


async def join(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


async def survey_starts(core: Core, clock: FakeClock, at: datetime = FIRST_SURVEY) -> None:
    clock.set(at)
    await core.run_due_jobs()


def questions(messenger: RecordingMessenger) -> list[Delivery]:
    return [m for m in messenger.sent if m.kind is MessageKind.SURVEY]


def asked(messenger: RecordingMessenger) -> list[str]:
    """Who was sent the question, in order (by identity)."""
    return [str(m.to) for m in questions(messenger)]


async def answers(store: Store) -> list[tuple[int, str, int, str | None]]:
    rows = await store.db.fetch_all(
        "SELECT a.survey_id, m.handle, a.score, a.reason FROM nps_answers a"
        " JOIN members m ON m.id = a.member_id ORDER BY a.survey_id, m.handle"
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]
