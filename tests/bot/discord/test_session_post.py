"""A founder session on Discord: its post has an RSVP button, shows the moment as a Discord timestamp, and
is edited in place as places fill (the live post), then loses its button when cancelled."""

from __future__ import annotations

from typing import Any

import pytest

from config.community import CommunityFile
from storage.store import Store
from tests.bot.discord.conftest import build_world, message_payload
from tests.bot.discord.test_poll_live_post import text_of, until
from tests.conftest import say
from tests.fakes import FakeClock

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_the_session_post_has_an_rsvp_button_and_follows_the_places(
    store: Store, clock: FakeClock
) -> None:
    community = CommunityFile.model_validate(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "roles": {"moderators": ["console:mod"]},
            "sessions": {"live_update_seconds": 0.2},
        }
    )
    world = await build_world(store, clock, community)
    edits: list[dict[str, Any]] = []

    async def edit_message(channel_id: int, message_id: int, *, params: Any) -> Any:
        edits.append(dict(params.payload or {}))
        return {**message_payload(world, params.payload or {}), "id": str(message_id)}

    world.bot.http.edit_message = edit_message  # type: ignore[method-assign,assignment]
    await say(world.core, "console:mod", 'SESSION NEW "Ask the founder" 2026-03-05 18:00 1h | Online | 1')
    [post] = world.posts_in(world.announcements)
    assert "Thu 5 Mar at 18:00 (Europe/Paris) · <t:1772730000:F>" in text_of(post.payload)
    [button] = post.payload["components"][0]["components"]
    assert (button["custom_id"], button["label"]) == ("cb:choice:RSVP 1", "I'll come")
    await say(world.core, "console:alice", "JOIN")
    await say(world.core, "console:alice", "RSVP 1")
    await until(lambda: bool(edits) and "Full: the waitlist is open" in text_of(edits[-1]))
    assert len(world.posts_in(world.announcements)) == 1  # edited in place, never posted again
    await say(world.core, "console:mod", "SESSION CANCEL 1")
    await until(lambda: "is cancelled" in text_of(edits[-1]) and edits[-1]["components"] == [])
