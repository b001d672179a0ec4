from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.features import community_config
from handlers.settings import CommunityConfig
from tests.conftest import say

NEWSLETTER_COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"admins": ["console:root"], "moderators": ["console:mod"]},
    "newsletter": {"min_items": 2},
}


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(NEWSLETTER_COMMUNITY)


async def members(core: Core, *who: str) -> None:
    for identity in who:
        await say(core, identity if ":" in identity else f"console:{identity}", "JOIN")
