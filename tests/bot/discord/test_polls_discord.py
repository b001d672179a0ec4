"""Polls on Discord: a moderator's POLL NEW is posted with its options as components; a click votes.

Everything goes through discord.py's own parsing: the moderator's `/poll new` and the members' clicks are
raw INTERACTION_CREATE payloads (conftest `feed`), the post is what the bot sent to the mapped channel, and
the votes are read back from the database the ballots are kept in.
"""

from __future__ import annotations

from typing import Any

import pytest

from handlers.events import DirectMessage
from tests.bot.discord.conftest import (
    Sent,
    WebhookCall,
    World,
    click_payload,
    feed,
    message_payload,
    slash_payload,
)
from tests.bot.discord.test_interactions import answers, ident, join
from tests.fakes import FakeClock

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FLAVOURS = '"Next flavour?" | Mango | Yuzu | Cherry | 2d'
DAYS = '"Which day for the meetup?" | Mon | Tue | Wed | Thu | Fri | Sat | Sun | 1d'
CLOSES = "Wed 4 Mar at 10:00 (Europe/Paris) · <t:1772614800:F>"
"""As Discord shows it: the written moment, then a Discord timestamp each reader sees in their own zone."""
"""Two days after the FakeClock's start (2026-03-02 09:00 UTC), in the community's time zone."""


async def new_poll(world: World, webhook: list[WebhookCall], text: str) -> Sent:
    """`/poll new` by the moderator (Discord role); the post the bot made in #announcements for it."""
    before = len(world.posts_in(world.announcements))
    await feed(world, slash_payload(world, world.members["mod"], "poll new", {"text": text}))
    [defer, edit] = answers(webhook)
    assert defer == ("defer", False, "")
    assert edit[0] == "edit" and edit[2].startswith("Poll #"), edit
    webhook.clear()
    posts = world.posts_in(world.announcements)
    assert len(posts) == before + 1, [p.payload for p in posts]
    return posts[-1]


def components(post: Sent) -> list[dict[str, Any]]:
    [row] = post.payload["components"]
    assert row["type"] == 1  # an action row
    return row["components"]


async def click(
    world: World, name: str, post: Sent, custom_id: str, values: list[str] | None = None
) -> list[tuple[str, bool, str]]:
    """`name` clicks a component of the poll post, in the channel it was posted in; the answers they got."""
    message = message_payload(world, post.payload)
    payload = click_payload(world, world.members[name], message, custom_id, values)
    channel = str(world.announcements.id)
    payload["channel"] = {"id": channel, "type": 0, "guild_id": str(world.guild.id)}
    payload["channel_id"] = channel
    payload["message"]["channel_id"] = channel
    before = len(world.calls)
    await feed(world, payload)
    return answers(world.calls[before:])


async def ballots(world: World, poll: int) -> dict[str, list[int]]:
    """Member name -> their picks (1-based), straight from the tables that keep them."""
    names = {}
    for name in world.members:
        member = await world.core.services.members.by_identity(ident(world, name))
        if member is not None:
            names[member.id] = name
    rows = await world.store.db.fetch_all(
        "SELECT b.member_id, p.position FROM poll_ballots b"
        " LEFT JOIN poll_picks p ON p.poll_id = b.poll_id AND p.member_id = b.member_id"
        " WHERE b.poll_id = ? ORDER BY b.member_id, p.position",
        (poll,),
    )
    found: dict[str, list[int]] = {}
    for member_id, position in rows:
        picks = found.setdefault(names[member_id], [])
        if position is not None:
            picks.append(position + 1)
    return found


async def direct(world: World, name: str, text: str) -> str:
    """`name` writes `text` to the bot (as a DM would); the text of the single reply."""
    member = world.members[name]
    [reply] = await world.core.handle_direct(
        DirectMessage(ident(world, name), text, display_name=name, platform_role=world.bot.role_of(member))
    )
    return reply.text


async def test_a_moderators_poll_is_posted_in_the_mapped_channel_with_one_button_per_option(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "alice", "mod")
    await feed(world, slash_payload(world, world.members["mod"], "poll new", {"text": FLAVOURS}))
    assert answers(webhook) == [
        ("defer", False, ""),
        ("edit", False, f"Poll #1 is open until {CLOSES}, posted in #announcements."),
    ]
    [post] = world.posts_in(world.announcements)
    assert world.posts_in(world.general) == []  # the channel key `announcements`, mapped by id
    title, closes, how = post.content.splitlines()
    assert title == "📊 Poll #1: Next flavour?"
    assert closes.startswith(f"Closes {CLOSES}.")
    assert how == "One choice: VOTE 1 <option number>."
    assert post.payload["allowed_mentions"] == {"parse": []}
    buttons = components(post)
    assert [(b["type"], b["label"], b["custom_id"]) for b in buttons] == [
        (2, "Mango", "cb:choice:VOTE 1 1"),
        (2, "Yuzu", "cb:choice:VOTE 1 2"),
        (2, "Cherry", "cb:choice:VOTE 1 3"),
    ]
    assert await ballots(world, 1) == {}


async def test_a_member_cannot_open_a_poll(world: World, webhook: list[WebhookCall]) -> None:
    await join(world, "alice")
    await feed(world, slash_payload(world, world.members["alice"], "poll new", {"text": FLAVOURS}))
    assert answers(webhook)[-1] == ("followup", True, "POLL NEW is for moderators only.")
    assert world.posts_in(world.announcements) == []
    row = await world.store.db.fetch_one("SELECT count(*) FROM polls")
    assert row is not None and row[0] == 0


async def test_a_click_votes_for_the_clicker_privately_and_a_second_click_changes_the_vote(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "alice", "bob", "mod")
    post = await new_poll(world, webhook, FLAVOURS)
    yuzu, cherry, mango = (components(post)[n]["custom_id"] for n in (1, 2, 0))

    first = await click(world, "alice", post, yuzu)
    assert first[0] == ("defer", True, "")  # acknowledged ephemerally: the answer is for alice only
    [(kind, _, text)] = first[1:]
    assert kind == "edit"
    assert text.startswith(f"Your vote in poll #1: Yuzu. You can change it until {CLOSES}.")
    assert "2. Yuzu ██████████ 100% (1 vote)" in text
    assert await ballots(world, 1) == {"alice": [2]}

    second = await click(world, "alice", post, cherry)
    assert second[0] == ("defer", True, "")
    assert second[1][2].startswith(f"Your vote in poll #1 is now: Cherry. You can change it until {CLOSES}.")
    assert await ballots(world, 1) == {"alice": [3]}  # still one ballot, the pick replaced
    count = await world.store.db.fetch_one("SELECT count(*) FROM poll_ballots WHERE poll_id = 1")
    assert count is not None and count[0] == 1

    third = await click(world, "bob", post, mango)  # the same post, another clicker: their own ballot
    assert third[1][2].startswith("Your vote in poll #1: Mango.")
    assert await ballots(world, 1) == {"alice": [3], "bob": [1]}
    shown = await direct(world, "alice", "POLL 1")
    assert shown.startswith("📊 Poll #1: Next flavour? (2 votes)")
    assert "1. Mango █████░░░░░ 50% (1 vote)" in shown
    assert "3. Cherry █████░░░░░ 50% (1 vote)" in shown
    assert shown.endswith("your vote: Cherry")
    assert len(world.posts_in(world.announcements)) == 1  # votes are answered privately, never posted


async def test_a_click_by_someone_who_is_not_a_member_is_refused_and_counts_nothing(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "mod")
    post = await new_poll(world, webhook, FLAVOURS)
    refused = await click(world, "bob", post, components(post)[0]["custom_id"])
    # the defer was ephemeral: the refusal is for bob only
    assert refused == [("defer", True, ""), ("edit", False, "VOTE is for members: send JOIN to join first.")]
    assert await ballots(world, 1) == {}


async def test_seven_options_are_a_select_menu_and_choosing_one_votes(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "alice", "mod")
    post = await new_poll(world, webhook, DAYS)
    [select] = components(post)
    assert (select["type"], select["custom_id"]) == (3, "cb:select")
    assert [(o["label"], o["value"]) for o in select["options"]] == [
        (day, f"c:VOTE 1 {n}") for n, day in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], 1)
    ]
    assert (select.get("min_values"), select.get("max_values")) == (1, 1)

    chose = await click(world, "alice", post, "cb:select", values=["c:VOTE 1 5"])
    assert chose[0] == ("defer", True, "")
    assert chose[-1][2].startswith("Your vote in poll #1: Fri.")
    assert await ballots(world, 1) == {"alice": [5]}
    again = await click(world, "alice", post, "cb:select", values=["c:VOTE 1 7"])
    assert again[-1][2].startswith("Your vote in poll #1 is now: Sun.")
    assert await ballots(world, 1) == {"alice": [7]}


async def test_a_multiple_choice_polls_buttons_add_and_take_away_one_option(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "alice", "mod")
    post = await new_poll(world, webhook, '"Toppings?" | Nuts | Fruit | Cream | multiple 2 | 2d')
    ids = [b["custom_id"] for b in components(post)]
    assert ids == ["cb:choice:VOTE 1 +1", "cb:choice:VOTE 1 +2", "cb:choice:VOTE 1 +3"]
    assert post.content.splitlines()[-1] == "Pick up to 2: VOTE 1 1 3."

    await click(world, "alice", post, ids[0])
    both = await click(world, "alice", post, ids[2])
    assert both[-1][2].startswith("Your vote in poll #1 is now: Nuts, Cream.")
    assert await ballots(world, 1) == {"alice": [1, 3]}
    too_many = await click(world, "alice", post, ids[1])
    assert too_many[-1][2] == "This poll takes at most 2 options per member."
    assert await ballots(world, 1) == {"alice": [1, 3]}  # refused: nothing changed
    fewer = await click(world, "alice", post, ids[0])  # Nuts again: taken away
    assert fewer[-1][2].startswith("Your vote in poll #1 is now: Cream.")
    assert await ballots(world, 1) == {"alice": [3]}


async def test_a_click_after_the_deadline_is_refused(
    world: World, webhook: list[WebhookCall], clock: FakeClock
) -> None:
    await join(world, "alice", "mod")
    post = await new_poll(world, webhook, FLAVOURS)
    clock.advance(days=2)  # the deadline, to the second: the job that closes it has not run yet
    late = await click(world, "alice", post, components(post)[0]["custom_id"])
    assert late[-1][2] == "Poll #1 is closed: no more votes. See its results with POLL 1."
    assert await ballots(world, 1) == {}
