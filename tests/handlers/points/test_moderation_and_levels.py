"""AWARD, REVOKE, reactions, levels with their announcements and roles."""

from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.events import ReactionAdded
from handlers.models import Identity, Role, RoleUpdate
from handlers.platforms import Platforms
from handlers.points._ports import POINTS
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import chat, make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.points.conftest import give, members


async def test_award_tells_the_member_and_is_refused_to_members(
    core: Core, messenger: RecordingMessenger
) -> None:
    await members(core, "alice", "bob")
    reply = await say(core, "console:mod", "AWARD @bob 50 helping newcomers")
    assert reply.text == "Awarded 50 credits to @bob (entry #1): helping newcomers"
    assert "You were awarded 50 credits: helping newcomers" in messenger.texts_to("console:bob")
    assert (await say(core, "console:alice", "AWARD @bob 5 x")).text == "AWARD is for moderators only."


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("AWARD @bob 0 nothing", "points must be between 1 and 1,000,000"),
        ("AWARD @bob -5 negative", "points must be between 1 and 1,000,000"),
        ("AWARD @bob 501 too much", "At most 500 credits per award"),
        ("AWARD @bob 99999999999 huge", "points must be a whole number"),
        ("AWARD @bob ten words", "points must be a whole number"),
        ("AWARD @bob 5", "<reason> is missing"),
        ("AWARD @zed 5 who", "I don't know @zed here"),
        ("REVOKE 999 oops", "There is no entry #999"),
        ("REVOKE abc oops", "is not an entry number"),
    ],
)
async def test_bad_moderation_input_gets_one_line_and_writes_nothing(
    core: Core, store: Store, command: str, expected: str
) -> None:
    await members(core, "bob")
    reply = await say(core, "console:mod", command)
    assert expected in reply.text
    assert "\n" not in reply.text
    assert await store.repository(POINTS).history(1, 10) == []


async def test_revoke_adds_a_correction_once(core: Core, store: Store) -> None:
    await members(core, "bob", "mod")
    await give(core, "bob", 30, "great post")
    reply = await say(core, "console:mod", "REVOKE #1 duplicate award")
    assert reply.text == "Revoked #1 (+30 award for @bob) with #2: duplicate award"
    assert (await store.repository(POINTS).standing(1)).balance == 0
    assert "already revoked by #2" in (await say(core, "console:mod", "REVOKE 1 again")).text
    assert "itself a correction" in (await say(core, "console:mod", "REVOKE 2 undo")).text
    history = (await say(core, "console:mod", "HISTORY @bob")).text
    assert "#2 −30 revoke by @mod: duplicate award" in history
    assert "(revoked by #2)" in history


async def test_the_ledger_is_append_only(core: Core, store: Store) -> None:
    await members(core, "bob")
    await give(core, "bob", 30)
    for statement in ("UPDATE ledger SET delta = 1000", "DELETE FROM ledger"):
        with pytest.raises(Exception, match="append-only"):
            async with store.transaction():
                await store.db.execute(statement)


async def test_level_up_is_announced_and_roles_follow(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await members(core, "bob")
    await give(core, "bob", 12)
    assert messenger.posts_in("announcements") == ["🎉 @bob reached level Regular!"]
    await say(core, "console:mod", "REVOKE 1 mistake")
    assert messenger.posts_in("announcements") == ["🎉 @bob reached level Regular!"]  # no announcement down


async def test_role_updates_reach_the_platform_with_roles(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, community: CommunityConfig
) -> None:
    updates: list[RoleUpdate] = []

    class Roles:
        async def update_role(self, update: RoleUpdate) -> None:
            updates.append(update)

    core = make_core(store, clock, messenger, community, Platforms(roles=Roles()))
    await core.start()
    await members(core, "bob")
    await give(core, "bob", 12)
    await give(core, "bob", 100)
    await say(core, "console:mod", "REVOKE 2 too generous")
    bob = Identity.parse("console:bob")
    assert [(u.role, u.grant) for u in updates if u.to == bob] == [
        ("111", True),
        ("111", False),
        ("222", True),
        ("222", False),
        ("111", True),
    ]


async def test_level_up_from_chat_is_announced_once(core: Core, messenger: RecordingMessenger) -> None:
    await members(core, "alice", "bob")
    await chat(core, "console:alice", "@bob++ @bob++")
    await chat(core, "console:alice", "thanks @bob")
    assert messenger.posts_in("announcements") == ["🎉 @bob reached level Regular!"]


async def test_a_moderator_reaction_awards_once(core: Core, store: Store) -> None:
    await members(core, "alice", "bob")
    bob = Identity.parse("console:bob")
    alice, mod = Identity.parse("console:alice"), Identity.parse("discord:99999")
    await core.reaction_added(ReactionAdded(alice, bob, "⭐", event_id="m1:alice:⭐"))
    assert (await store.repository(POINTS).standing(1 + 1)).balance == 0
    star = ReactionAdded(mod, bob, "⭐", event_id="m1:mod:⭐", platform_role=Role.MODERATOR)
    await core.reaction_added(star)
    await core.reaction_added(star)  # a replayed event
    await core.reaction_added(
        ReactionAdded(mod, bob, "👍", event_id="m1:mod:👍", platform_role=Role.MODERATOR)
    )
    assert (await store.repository(POINTS).standing(2)).balance == 10
