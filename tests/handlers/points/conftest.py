from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.features import community_config
from handlers.settings import CommunityConfig
from tests.conftest import say

POINTS_COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"admins": ["console:root"], "moderators": ["console:mod"]},
    "points": {
        "activity": {
            "points": 2,
            "min_length": 5,
            "cooldown_seconds": 60,
            "daily_cap": 6,
            "excluded_channels": ["announcements"],
        },
        "kudos": {"points": 5, "daily_budget": 3},
        "max_award": 500,
    },
    "levels": {
        "announce": "channel",
        "channel": "announcements",
        "tiers": [
            {"name": "New", "threshold": 0},
            {"name": "Regular", "threshold": 10, "role": "111"},
            {"name": "Star", "threshold": 100, "role": "222"},
        ],
    },
    "shop": {
        "items": [
            {"key": "mug", "name": "Community mug", "cost": 10, "stock": 1},
            {
                "key": "discount",
                "name": "10% off",
                "cost": 5,
                "fulfilment": "codes",
                "codes": ["CODE-A", "CODE-B"],
                "per_member_limit": 1,
            },
            {"key": "call", "name": "30 min with the founder", "cost": 8},
        ]
    },
}


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(POINTS_COMMUNITY)


async def members(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


async def give(core: Core, name: str, points: int, reason: str = "test") -> None:
    reply = await say(core, "console:mod", f"AWARD @{name} {points} {reason}")
    assert reply.text.startswith("Awarded"), reply.text
