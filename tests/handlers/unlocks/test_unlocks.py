"""Group unlocks through the core: pledges, the goal, rewards and codes, the deadline."""

from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.features import community_config
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import make_core, say
from tests.engines import Raw
from tests.fakes import FakeClock, RecordingMessenger

OFFER = '"Free shipping weekend" 3 2d | Use code FREESHIP at checkout'
COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"moderators": ["console:mod"]},
}


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(COMMUNITY)


async def join(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


async def count(store: Store, sql: str) -> int:
    row = await store.db.fetch_one(f"SELECT count(*) FROM {sql}")
    assert row is not None
    return int(row[0])


def rewards(messenger: RecordingMessenger) -> dict[str, str]:
    return {
        str(m.to or m.reply.text): m.reply.text
        for m in messenger.sent
        if m.kind is MessageKind.NOTICE and "is unlocked! Your reward" in m.reply.text
    }


async def test_the_goal_unlocks_the_reward_for_every_pledger_once(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob", "carol", "dave")
    created = await say(core, "console:mod", f"UNLOCK NEW {OFFER}")
    assert created.text.startswith(
        "Unlock #1 is posted in #announcements: it needs 3 pledges before Wed 4 Mar"
    )
    [post] = messenger.posts_in("announcements")
    assert "░░░░░░░░░░ 0/3 pledged" in post
    assert "1/3 pledged" in (await say(core, "console:alice", "PLEDGE 1")).text
    assert "You already pledged" in (await say(core, "console:alice", "PLEDGE 1")).text
    await say(core, "console:bob", "PLEDGE 1")
    reached = await say(core, "console:carol", "PLEDGE 1")
    assert (
        reached.text
        == "🔓 Unlock #1 (Free shipping weekend) is unlocked! Your reward: Use code FREESHIP at checkout"
    )
    told = [m for m in messenger.sent if m.kind is MessageKind.NOTICE]
    assert len(told) == 2 and all("Use code FREESHIP" in m.reply.text for m in told)  # alice, bob
    assert messenger.posts_in("announcements")[-1].startswith(
        "🎉 Unlock #1 is unlocked: Free shipping weekend!"
    )
    late = await say(core, "console:dave", "PLEDGE 1")  # after the unlock: at once, to dave only
    assert "Your reward: Use code FREESHIP" in late.text
    assert len([m for m in messenger.sent if m.kind is MessageKind.NOTICE]) == 2
    assert "can no longer be taken back" in (await say(core, "console:dave", "UNPLEDGE 1")).text
    assert await count(store, "unlock_pledges") == 4


async def test_a_pledge_can_be_taken_back_before_the_unlock(core: Core, store: Store) -> None:
    await join(core, "alice")
    await say(core, "console:mod", f"UNLOCK NEW {OFFER}")
    await say(core, "console:alice", "PLEDGE 1")
    assert "You took back your pledge" in (await say(core, "console:alice", "UNPLEDGE 1")).text
    assert "You have not pledged" in (await say(core, "console:alice", "UNPLEDGE 1")).text
    assert "1/3 pledged" in (await say(core, "console:alice", "PLEDGE 1")).text
    row = await store.db.fetch_one("SELECT pledges FROM unlocks WHERE id = 1")
    assert row is not None and row[0] == 1


async def test_without_the_goal_by_the_deadline_it_expires_and_pledgers_are_told(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    await say(core, "console:mod", f"UNLOCK NEW {OFFER}")
    await say(core, "console:alice", "PLEDGE 1")
    await say(core, "console:bob", "PLEDGE 1")
    clock.advance(days=2, seconds=-1)
    await core.run_due_jobs()
    assert not any(p.startswith("⌛") for p in messenger.posts_in("announcements"))
    clock.advance(seconds=1)
    assert await core.run_due_jobs() == 1
    notices = [m.reply.text for m in messenger.sent if m.kind is MessageKind.NOTICE]
    assert len(notices) == 2 and all("ended without the 3 pledges it needed" in n for n in notices)
    assert messenger.posts_in("announcements")[-1] == (
        "⌛ Unlock #1 ended: Free shipping weekend. 2 of 3 pledged, so nothing was unlocked."
    )
    assert "takes no more pledges" in (await say(core, "console:alice", "PLEDGE 1")).text
    posted = len(messenger.posts_in("announcements"))
    clock.advance(days=1)
    assert await core.run_due_jobs() == 1  # the nightly health roll-up only: the unlock ended once
    assert len(messenger.posts_in("announcements")) == posted


async def test_each_pledger_gets_a_code_of_their_own_and_late_codes_follow(
    core: Core, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob", "carol")
    await say(core, "console:mod", 'UNLOCK NEW "Tasting kit" 2 1d | Half price | codes')
    assert "1 new code" in (await say(core, "console:mod", "UNLOCK CODES 1 KIT-A KIT-A")).text
    await say(core, "console:alice", "PLEDGE 1")
    reached = await say(core, "console:bob", "PLEDGE 1")
    alice = next(m.reply.text for m in messenger.sent if m.kind is MessageKind.NOTICE)
    assert "Your code: KIT-A" in alice
    assert "Your personal code follows" in reached.text
    added = await say(core, "console:mod", "UNLOCK CODES 1 KIT-B KIT-C")
    assert added.text == "2 new codes for unlock #1; 1 waiting pledgers got theirs."
    assert messenger.sent[-1].reply.text == "Your code for unlock #1 (Tasting kit): KIT-B"
    assert "Your code: KIT-C" in (await say(core, "console:carol", "PLEDGE 1")).text
    assert "Your code: KIT-B" in (await say(core, "console:bob", "UNLOCK 1")).text
    await say(core, "console:mod", f"UNLOCK NEW {OFFER}")
    assert "hands out no codes" in (await say(core, "console:mod", "UNLOCK CODES 2 X")).text


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ('"Free shipping" | Use FREESHIP', "Give a title, how many members must pledge and the reward"),
        ('"Free shipping" 50 3d', "Give a title, how many members must pledge and the reward"),
        ('"Free shipping" 1 3d | x', "must be from 2 to 100,000"),
        ('"Free shipping" 50 200d | x', "at most 90 days away"),
        ('"Free shipping" 50 2026-03-01 10:00 | x', "That deadline has passed"),
        ('"' + "t" * 101 + '" 50 | x', "at most 100 characters"),
    ],
)
async def test_bad_unlocks_are_refused_and_nothing_is_stored(
    core: Core, store: Store, text: str, refusal: str
) -> None:
    assert refusal in (await say(core, "console:mod", f"UNLOCK NEW {text}")).text
    assert await count(store, "unlocks") == 0


async def test_cancelling_tells_the_pledgers_and_takes_no_more(
    core: Core, messenger: RecordingMessenger
) -> None:
    await join(core, "alice")
    await say(core, "console:mod", f"UNLOCK NEW {OFFER}")
    await say(core, "console:alice", "PLEDGE 1")
    assert "is cancelled" in (await say(core, "console:mod", "UNLOCK CANCEL 1")).text
    assert "was cancelled by the moderators" in messenger.sent[-2].reply.text
    assert "was cancelled" in (await say(core, "console:alice", "PLEDGE 1")).text


async def test_the_database_allows_one_pledge_each_and_none_on_an_ended_unlock(
    core: Core, store: Store
) -> None:
    await join(core, "alice")
    await say(core, "console:mod", f"UNLOCK NEW {OFFER}")
    await say(core, "console:alice", "PLEDGE 1")
    raw = Raw(store)
    member = await raw.value("SELECT id FROM members WHERE handle = 'alice'")
    pledge = "INSERT INTO unlock_pledges VALUES (1, ?, 'x')"
    assert await raw.refused(pledge, (member,)) == "UNIQUE"
    await raw.execute("UPDATE unlocks SET state = 'expired'")
    await raw.execute("DELETE FROM unlock_pledges")
    assert "unlock takes no pledges" in await raw.refused(pledge, (member,))


async def test_pending_members_cannot_pledge(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    strict = community_config({**COMMUNITY, "onboarding": {"rules": ["Be kind."]}})
    core = make_core(store, clock, messenger, strict)
    await core.start()
    await say(core, "console:mod", f"UNLOCK NEW {OFFER}")
    await say(core, "console:newbie", "JOIN")
    assert "AGREE" in (await say(core, "console:newbie", "PLEDGE 1")).text
    assert await count(store, "unlock_pledges") == 0
