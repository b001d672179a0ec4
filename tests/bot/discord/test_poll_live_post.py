"""Live posts on Discord: a poll's results and an unlock's progress, edited in place at a bounded rate."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from config.community import CommunityFile
from storage.store import Store
from tests.bot.discord.conftest import World, build_world, message_payload
from tests.conftest import say
from tests.fakes import FakeClock

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

INTERVAL = 0.2


async def live_world(store: Store, clock: FakeClock) -> tuple[World, list[tuple[int, int, dict[str, Any]]]]:
    community = CommunityFile.model_validate(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "roles": {"moderators": ["console:mod"]},
            "polls": {"live_update_seconds": INTERVAL},
            "unlocks": {"live_update_seconds": INTERVAL},
        }
    )
    world = await build_world(store, clock, community)
    edits: list[tuple[int, int, dict[str, Any]]] = []

    async def edit_message(channel_id: int, message_id: int, *, params: Any) -> Any:
        edits.append((channel_id, message_id, dict(params.payload or {})))
        return {**message_payload(world, params.payload or {}), "id": str(message_id)}

    world.bot.http.edit_message = edit_message  # type: ignore[method-assign,assignment]
    return world, edits


def text_of(payload: dict[str, Any]) -> str:
    """What a message shows: its content, or its embed's title and description (lists become embeds)."""
    if payload.get("content"):
        return str(payload["content"])
    [embed] = payload["embeds"]
    return f"{embed['title']}\n{embed['description']}"


async def until(condition: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_votes_edit_the_poll_post_in_place_at_a_bounded_rate(store: Store, clock: FakeClock) -> None:
    world, edits = await live_world(store, clock)
    await say(world.core, "console:mod", 'POLL NEW "Next flavour?" | Mango | Yuzu | Cherry | 2d')
    [post] = world.posts_in(world.announcements)
    row = await store.db.fetch_one("SELECT location FROM live_posts WHERE board = 'poll:1'")
    assert row is not None
    channel_id, message_id = (int(part) for part in row[0].split(":"))
    assert channel_id == world.announcements.id
    voters = [f"console:m{n}" for n in range(30)]
    for voter in voters:
        await say(world.core, voter, "JOIN")
    began = time.monotonic()
    for n, voter in enumerate(voters):
        await say(world.core, voter, f"VOTE 1 {n % 3 + 1}")
    spent = time.monotonic() - began
    await until(lambda: bool(edits) and "(30 votes)" in text_of(edits[-1][2]))
    assert {(c, m) for c, m, _ in edits} == {(channel_id, message_id)}  # the one post, never a new one
    assert len(world.posts_in(world.announcements)) == 1
    assert len(edits) <= spent / INTERVAL + 2  # bounded, however fast the votes came
    assert len(edits) < len(voters)
    latest = edits[-1][2]
    assert "1. Mango ███░░░░░░░ 33% (10 votes)" in text_of(latest)
    assert [b["custom_id"] for b in latest["components"][0]["components"]] == [
        "cb:choice:VOTE 1 1",
        "cb:choice:VOTE 1 2",
        "cb:choice:VOTE 1 3",
    ]
    assert text_of(post.payload).startswith("📊 Poll #1: Next flavour?")


async def test_the_close_leaves_the_final_results_without_buttons(store: Store, clock: FakeClock) -> None:
    world, edits = await live_world(store, clock)
    await say(world.core, "console:mod", 'POLL NEW "Next flavour?" | Mango | Yuzu | 1h')
    await say(world.core, "console:alice", "JOIN")
    await say(world.core, "console:alice", "VOTE 1 2")
    clock.advance(hours=1)
    await world.core.run_due_jobs()
    await until(lambda: bool(edits) and text_of(edits[-1][2]).startswith("🏁 Poll #1 is closed"))
    assert edits[-1][2]["components"] == []
    assert "Yuzu wins with 1 vote of 1 (100%)." in text_of(edits[-1][2])
    finals = [p for p in world.posts_in(world.announcements) if text_of(p.payload).startswith("🏁")]
    assert len(finals) == 1  # the results post too, once


async def test_an_unlock_post_has_a_pledge_button_and_shows_its_progress(
    store: Store, clock: FakeClock
) -> None:
    world, edits = await live_world(store, clock)
    await say(world.core, "console:mod", 'UNLOCK NEW "Free shipping" 2 2d | Use FREESHIP')
    [post] = world.posts_in(world.announcements)
    [button] = post.payload["components"][0]["components"]
    assert (button["custom_id"], button["label"]) == ("cb:choice:PLEDGE 1", "I'm in")
    for name in ("alice", "bob"):
        await say(world.core, f"console:{name}", "JOIN")
        await say(world.core, f"console:{name}", "PLEDGE 1")
    await until(lambda: bool(edits) and "2/2 pledged" in text_of(edits[-1][2]))
    assert "✅ Unlocked!" in text_of(edits[-1][2])
    assert len(world.posts_in(world.announcements)) == 2  # the post and "is unlocked", no new progress post
    clock.advance(days=2)
    await world.core.run_due_jobs()
    await until(lambda: edits[-1][2]["components"] == [])  # past the deadline: no more button
