from __future__ import annotations

from typing import Any

import pytest

from handlers.core import Core
from handlers.features import community_config
from handlers.models import Identity, Member, RoleUpdate
from handlers.platforms import Platforms
from handlers.points._ports import POINTS
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger

ONBOARDING: dict[str, Any] = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris", "slug": "test"},
    "roles": {"moderators": ["console:mod"]},
    "onboarding": {
        "rules": ["Be kind", "No spam"],
        "member_role": "900",
        "intro_points": 10,
        "referral_points": 50,
        "referral_hold_days": 0,
        "referral_clawback_days": 30,
        "questions": [
            {
                "key": "why",
                "text": "What brings you here?",
                "choices": [
                    {"key": "customer", "label": "Customer", "segment": "customers"},
                    {"key": "maker", "label": "Maker", "segment": "makers", "role": "901"},
                ],
            },
            {
                "key": "where",
                "text": "Where do you live?",
                "choices": [{"key": "eu", "label": "Europe"}, {"key": "us", "label": "Americas"}],
            },
        ],
        "nudges": [
            {"after": "1d", "text": "Hi {name}, introduce yourself!", "unless": "introduced"},
            {"after": "7d", "text": "One week at {community}!"},
        ],
    },
}


class RoleMessenger(RecordingMessenger):
    """Records role updates too, as a platform with roles (Discord) applies them."""

    def __init__(self) -> None:
        super().__init__()
        self.roles: list[RoleUpdate] = []

    async def update_role(self, update: RoleUpdate) -> None:
        self.roles.append(update)


@pytest.fixture
def messenger() -> RoleMessenger:
    return RoleMessenger()


@pytest.fixture
async def core(store: Store, clock: FakeClock, messenger: RoleMessenger, community: CommunityConfig) -> Core:
    """The core with a platform that has roles (the messenger records them, as Discord applies them)."""
    built = make_core(store, clock, messenger, community, Platforms(roles=messenger))
    await built.start()
    return built


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(ONBOARDING)


async def member(store: Store, name: str) -> Member:
    found = await store.members.by_identity(Identity.parse(f"console:{name}"))
    assert found is not None
    return found


async def balance(store: Store, name: str) -> int:
    return (await store.repository(POINTS).standing((await member(store, name)).id)).balance


async def onboard(core: Core, name: str, code: str | None = None, intro: bool = True) -> None:
    """JOIN [code], AGREE, answer both questions; introduce oneself unless told not to."""
    who = f"console:{name}"
    joined = await say(core, who, f"JOIN {code}" if code else "JOIN")
    assert "Send AGREE" in joined.text, joined.text
    assert "Question 1 of 2" in (await say(core, who, "AGREE")).text
    assert "Question 2 of 2" in (await say(core, who, "1")).text
    assert "introduce yourself" in (await say(core, who, "2")).text
    if intro:
        reply = await say(core, who, f"INTRO me I am {name} and I love this community")
        assert "posted" in reply.text, reply.text
