"""CIRCLES, CIRCLE JOIN / LEAVE / USE and the moderators' CIRCLE NEW, through the core."""

from __future__ import annotations

import pytest

from handlers.core import Core
from storage.store import Store
from tests.conftest import say
from tests.fakes import RecordingMessenger
from tests.handlers.circles.conftest import in_circle, members, write


async def circle_members(store: Store, name: str) -> int:
    row = await store.db.fetch_one(
        "SELECT count(*) FROM circle_members cm JOIN circles c ON c.id = cm.circle_id WHERE c.name = ?",
        (name,),
    )
    assert row is not None
    return int(row[0])


async def test_the_listing_shows_each_circle_its_fill_its_channel_and_the_askers_current_one(
    core: Core,
) -> None:
    await in_circle(core, "runners", "alice")
    listing = (await say(core, "console:alice", "CIRCLES")).text.splitlines()
    assert listing[0] == "Circles:"
    assert listing[1] == "• runners (1/4) · #runners on Discord · yours, current"
    assert listing[2] == "• walkers (0/2)"
    assert "CIRCLE JOIN" in listing[-1]


async def test_joining_counts_the_member_and_a_second_join_is_refused(core: Core, store: Store) -> None:
    await in_circle(core, "runners", "alice", "bob")
    assert await circle_members(store, "runners") == 2
    again = await say(core, "console:alice", "CIRCLE JOIN runners")
    assert again.text == "You are in runners already."
    assert await circle_members(store, "runners") == 2


async def test_a_full_or_unknown_circle_is_refused_with_one_line_and_nobody_added(
    core: Core, store: Store
) -> None:
    await in_circle(core, "walkers", "alice", "bob")
    await members(core, "carol")
    full = await say(core, "console:carol", "CIRCLE JOIN walkers")
    assert full.text == "walkers is full (2 members): send CIRCLES to pick another one."
    unknown = await say(core, "console:carol", "CIRCLE JOIN swimmers")
    assert unknown.text == "There is no circle called “swimmers”: send CIRCLES to see them."
    assert await circle_members(store, "walkers") == 2
    assert await circle_members(store, "swimmers") == 0


async def test_the_name_is_case_insensitive(core: Core, store: Store) -> None:
    await members(core, "alice")
    assert (await say(core, "console:alice", "CIRCLE JOIN Runners")).text.startswith(
        "Welcome to runners (1/4)"
    )


async def test_use_picks_where_plain_messages_go_and_leave_falls_back_to_the_other_circle(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    await in_circle(core, "walkers", "carol")
    assert (await say(core, "console:alice", "CIRCLE JOIN walkers")).text.startswith("Welcome to walkers")
    # joined last: walkers is current
    await write(core, "alice", "to the walkers")
    assert messenger.texts_to("console:carol")[-1] == "alice #1: to the walkers"
    assert all("to the walkers" not in t for t in messenger.texts_to("console:bob"))
    assert (await say(core, "console:alice", "CIRCLE USE runners")).text == "Your messages now go to runners."
    await write(core, "alice", "to the runners")
    assert messenger.texts_to("console:bob")[-1] == "alice #2: to the runners"
    left = await say(core, "console:alice", "CIRCLE LEAVE")
    assert (
        left.text == "You left runners: its messages no longer come to you. Your messages now go to walkers."
    )
    await write(core, "bob", "alice is gone")
    assert all("alice is gone" not in t for t in messenger.texts_to("console:alice"))


async def test_use_and_leave_of_a_circle_one_is_not_in_are_refused(core: Core) -> None:
    await in_circle(core, "runners", "alice")
    assert (await say(core, "console:alice", "CIRCLE USE walkers")).text.startswith("You are not in walkers")
    assert (await say(core, "console:alice", "CIRCLE LEAVE walkers")).text.startswith(
        "You are not in walkers"
    )
    await say(core, "console:alice", "CIRCLE LEAVE")
    assert (await say(core, "console:alice", "CIRCLE LEAVE")).text.startswith("You are in no circle")


async def test_a_moderator_makes_a_circle_bridged_with_a_size_and_members_join_it(
    core: Core, store: Store
) -> None:
    made = await say(core, "console:mod", "CIRCLE NEW swimmers #pool 3")
    assert made.text == (
        "Circle swimmers is open, for up to 3 members, bridged to #pool:"
        " members join with CIRCLE JOIN swimmers."
    )
    await in_circle(core, "swimmers", "alice", "bob", "carol")
    await members(core, "dave")
    assert "is full (3 members)" in (await say(core, "console:dave", "CIRCLE JOIN swimmers")).text
    listing = (await say(core, "console:alice", "CIRCLES")).text
    assert "• swimmers (3/3) · #pool on Discord" in listing


async def test_a_size_alone_after_the_name_is_a_size(core: Core) -> None:
    made = await say(core, "console:mod", "CIRCLE NEW swimmers 30")
    assert made.text.startswith("Circle swimmers is open, for up to 30 members:")


@pytest.mark.parametrize(
    ("line", "refusal"),
    [
        ("CIRCLE NEW runners", "There is a circle called runners already"),
        ("CIRCLE NEW other #runners", "#runners is bridged to another circle"),
        ("CIRCLE NEW Bad!Name", "cannot be a circle's name"),
        ("CIRCLE NEW swimmers 1", "A circle has 2 to 500 members, not 1."),
        ("CIRCLE NEW swimmers pool!", "is not a channel"),
    ],
)
async def test_bad_circles_are_refused_and_nothing_made(
    core: Core, store: Store, line: str, refusal: str
) -> None:
    before = await store.db.fetch_one("SELECT count(*) FROM circles")
    reply = await say(core, "console:mod", line)
    assert refusal in reply.text, reply.text
    assert await store.db.fetch_one("SELECT count(*) FROM circles") == before


async def test_members_may_not_make_circles(core: Core, store: Store) -> None:
    await members(core, "alice")
    reply = await say(core, "console:alice", "CIRCLE NEW secret")
    assert "moderator" in reply.text.lower(), reply.text
    assert await circle_members(store, "secret") == 0
    assert "secret" not in (await say(core, "console:alice", "CIRCLES")).text


async def test_the_commands_speak_french_and_italian(core: Core) -> None:
    await members(core, "alice", "bruno")
    await say(core, "console:alice", "LANGUAGE fr")
    await say(core, "console:bruno", "LANGUAGE it")
    assert (await say(core, "console:alice", "CERCLE REJOINDRE runners")).text.startswith("Bienvenue")
    assert "runners" in (await say(core, "console:bruno", "CERCHIA ENTRA runners")).text
    assert (await say(core, "console:alice", "CERCLES")).text != (
        await say(core, "console:bruno", "CERCHIE")
    ).text
