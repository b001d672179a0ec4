from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.features import community_config
from handlers.settings import CommunityConfig
from tests.conftest import say

POLLS_COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"admins": ["console:root"], "moderators": ["console:mod"]},
    "levels": {"tiers": [{"name": "New", "threshold": 0}, {"name": "Regular", "threshold": 10}]},
    "onboarding": {
        "questions": [
            {
                "key": "why",
                "text": "Why are you here?",
                "choices": [
                    {"key": "maker", "label": "I make things", "segment": "makers"},
                    {"key": "fan", "label": "I love the brand", "segment": "fans"},
                ],
            }
        ]
    },
}


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(POLLS_COMMUNITY)


async def members(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


async def new_poll(core: Core, text: str) -> int:
    reply = await say(core, "console:mod", f"POLL NEW {text}")
    assert reply.text.startswith("Poll #"), reply.text
    return int(reply.text.split("#")[1].split()[0])
