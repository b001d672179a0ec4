"""Challenges through the core: submissions, review credited once, the end and its winners."""

from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.features import community_config
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger

COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"moderators": ["console:mod"]},
}
CALL = '"Best mug photo" | Show us your mug in use | 3d | points 20 | bonus 50 | winners 2'


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(COMMUNITY)


async def join(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


async def ledger(store: Store, handle: str) -> list[tuple[int, str]]:
    rows = await store.db.fetch_all(
        "SELECT l.delta, l.source FROM ledger l JOIN members m ON m.id = l.member_id WHERE m.handle = ?"
        " ORDER BY l.id",
        (handle,),
    )
    return [(row[0], row[1]) for row in rows]


async def test_an_approval_credits_once_and_the_member_hears_either_way(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    assert (
        "Challenge #1 is posted in #announcements"
        in (await say(core, "console:mod", f"CHALLENGE NEW {CALL}")).text
    )
    assert (
        "the moderators will review it" in (await say(core, "console:alice", "SUBMIT 1 Mug at sunrise")).text
    )
    assert "You have made your 1 submission" in (await say(core, "console:alice", "SUBMIT 1 again")).text
    await say(core, "console:bob", "SUBMIT 1 Coffee")
    assert messenger.posts_in("moderators")[-1] == "New submission #2 to challenge #1: see REVIEW."
    queue = await say(core, "console:mod", "REVIEW")
    assert "#1 (challenge #1) by @alice: “Mug at sunrise”" in queue.text
    assert [c.command for c in queue.choices] == [
        "REVIEW APPROVE 1",
        "REVIEW REJECT 1",
        "REVIEW APPROVE 2",
        "REVIEW REJECT 2",
    ]
    assert [c.ask for c in queue.choices] == [None, "reason", None, "reason"]  # a reject asks why first
    for _ in range(3):  # a double click, a retry, a second moderator: credited once
        await say(core, "console:mod", "REVIEW APPROVE 1")
    assert await ledger(store, "alice") == [(20, "challenge:1:submission:1")]
    notices = [m.reply.text for m in messenger.sent if m.kind is MessageKind.NOTICE]
    assert notices == ["Your submission #1 to challenge #1 is accepted! You earned 20 credits."]
    assert "Say why" in (await say(core, "console:mod", "REVIEW REJECT 2")).text
    await say(core, "console:mod", "REVIEW REJECT 2 Please show the mug itself")
    notices = [m.reply.text for m in messenger.sent if m.kind is MessageKind.NOTICE]
    assert notices[-1] == "Your submission #2 to challenge #1 was not accepted: Please show the mug itself"
    assert "refused (Please show the mug itself)" in (await say(core, "console:bob", "CHALLENGE 1")).text
    assert "No submission is waiting" in (await say(core, "console:mod", "REVIEW")).text


async def test_a_review_of_no_submission_number_says_what_was_typed(core: Core) -> None:
    await join(core, "alice")
    await say(core, "console:mod", f"CHALLENGE NEW {CALL}")
    await say(core, "console:alice", "SUBMIT 1 Mug at sunrise")
    typed = await say(core, "console:mod", "REVIEW APPROVE -134840")
    assert typed.text == "“-134840” is not a submission number: see the queue with REVIEW."
    missing = await say(core, "console:mod", "REVIEW APPROVE 9")
    assert missing.text == "There is no submission #9: see the queue with REVIEW."


async def test_winners_are_named_once_after_the_end_with_their_bonus(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    await say(core, "console:mod", f"CHALLENGE NEW {CALL}")
    await say(core, "console:alice", "SUBMIT 1 Mug at sunrise")
    assert "has not ended yet" in (await say(core, "console:mod", "CHALLENGE WINNERS 1 @alice")).text
    clock.advance(days=3, seconds=-1)
    await core.run_due_jobs()
    assert "takes no more" not in (await say(core, "console:bob", "SUBMIT 1 Just in time")).text
    clock.advance(seconds=1)
    await core.run_due_jobs()
    assert messenger.posts_in("moderators")[-1].startswith(
        "Challenge #1 (Best mug photo) has ended (2 submissions"
    )
    assert "takes no more submissions" in (await say(core, "console:bob", "SUBMIT 1 late")).text
    assert "has 2 winners" in (await say(core, "console:mod", "CHALLENGE WINNERS 1 @alice @bob @mod")).text
    await say(core, "console:mod", "CHALLENGE WINNERS 1 @alice @bob")
    assert "announced already" in (await say(core, "console:mod", "CHALLENGE WINNERS 1 @bob")).text
    posts = [p for p in messenger.posts_in("announcements") if p.startswith("🏆")]
    assert posts == ["🏆 Challenge #1 (Best mug photo): the winners are @alice and @bob! (+50 credits each)"]
    assert await ledger(store, "bob") == [(50, "challenge:1:winner:2")]


async def test_auto_review_and_most_approved_winners_at_the_end(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    config = community_config({**COMMUNITY, "challenges": {"winners": "most_approved", "bonus": 5}})
    core = make_core(store, clock, messenger, config)
    await core.start()
    await join(core, "alice", "bob")
    await say(core, "console:mod", 'CHALLENGE NEW "Photos" | Any photo | 1d | review auto | per member 2')
    assert "You earned 10 credits" in (await say(core, "console:alice", "SUBMIT 1 one")).text
    await say(core, "console:alice", "SUBMIT 1 two")
    await say(core, "console:bob", "SUBMIT 1 one")
    clock.advance(days=1)
    await core.run_due_jobs()
    assert (
        messenger.posts_in("announcements")[-1]
        == "🏆 Challenge #1 (Photos): the winner is @alice! (+5 credits)"
    )
    posted = len(messenger.posts_in("announcements"))
    clock.advance(days=1)
    assert await core.run_due_jobs() == 1  # the nightly health roll-up only: the challenge ended once
    assert len(messenger.posts_in("announcements")) == posted


async def test_blind_review_hides_who_submitted(core: Core) -> None:
    await join(core, "alice")
    await say(core, "console:mod", 'CHALLENGE NEW "Stories" | Tell us your story | blind')
    await say(core, "console:alice", "SUBMIT 1 It started with a mug")
    queue = await say(core, "console:mod", "REVIEW")
    assert "by a member (blind review)" in queue.text and "@alice" not in queue.text


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ('"Best mug photo"', "Give a title and what to do"),
        ('"Best mug photo" | Show us | forever', "“forever” is not a setting"),
        ('"Best mug photo" | Show us | 100d', "at most 92 days away"),
        ('"' + "t" * 101 + '" | Show us', "at most 100 characters"),
    ],
)
async def test_bad_challenges_are_refused_and_nothing_is_stored(
    core: Core, store: Store, text: str, refusal: str
) -> None:
    assert refusal in (await say(core, "console:mod", f"CHALLENGE NEW {text}")).text
    row = await store.db.fetch_one("SELECT count(*) FROM challenges")
    assert row is not None and row[0] == 0


async def test_pending_members_cannot_submit(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    core = make_core(
        store, clock, messenger, community_config({**COMMUNITY, "onboarding": {"rules": ["Be kind."]}})
    )
    await core.start()
    await say(core, "console:mod", f"CHALLENGE NEW {CALL}")
    await say(core, "console:newbie", "JOIN")
    assert "AGREE" in (await say(core, "console:newbie", "SUBMIT 1 hello")).text


async def test_a_submission_keeps_its_attachments_and_refuses_one_that_was_not_kept(
    core: Core, store: Store
) -> None:
    from dataclasses import replace

    from handlers.events import DirectMessage
    from handlers.models import Attachment, Identity

    await join(core, "alice")
    await say(core, "console:mod", f"CHALLENGE NEW {CALL}")
    photo = Attachment("https://cdn.example/x.png", "image/png", 5000, stored="ab12.png")
    message = DirectMessage(Identity("console", "alice"), "SUBMIT 1 Mug at sunrise", attachments=(photo,))
    [reply] = await core.handle_direct(message)
    assert "is in" in reply.text
    rows = await store.db.fetch_all("SELECT media_key, content_type, size FROM challenge_media")
    assert [tuple(r) for r in rows] == [("ab12.png", "image/png", 5000)]
    assert "(+1 file)" in (await say(core, "console:mod", "REVIEW")).text
    await join(core, "bob")
    big = replace(photo, stored=None, refused="size")
    [refused] = await core.handle_direct(
        DirectMessage(Identity("console", "bob"), "SUBMIT 1 Big one", attachments=(big,))
    )
    assert refused.text == "That file is too large: at most 10 MB."
    row = await store.db.fetch_one("SELECT count(*) FROM challenge_submissions WHERE member_id = 2")
    assert row is not None and row[0] == 0


RECURRING = {
    **COMMUNITY,
    "challenges": {
        "recurring": [
            {
                "key": "weekly",
                "title": "Mug of the week",
                "description": "Your mug this week",
                "cron": "0 9 * * MON",
                "duration": "6d",
            }
        ]
    },
}


async def opened(messenger: RecordingMessenger) -> list[str]:
    return [p for p in messenger.posts_in("announcements") if p.startswith("🎯 Challenge")]


async def test_a_recurring_challenge_opens_on_its_schedule_once_each_time(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    # The fake clock starts on Monday 2 March 2026, 09:00 UTC (10:00 in Paris): next is 9 March, 09:00 Paris.
    core = make_core(store, clock, messenger, community_config(RECURRING))
    await core.start()
    await core.start()  # a restart schedules nothing twice
    clock.advance(days=6, hours=22, minutes=59)  # Monday 9 March 07:59 UTC = 08:59 in Paris
    await core.run_due_jobs()
    assert await opened(messenger) == []
    clock.advance(minutes=1)
    await core.run_due_jobs()
    [post] = await opened(messenger)
    assert post.startswith("🎯 Challenge #1: Mug of the week\nYour mug this week\nUntil Sun 15 Mar at 09:00")
    clock.advance(days=7)
    await core.run_due_jobs()
    assert len(await opened(messenger)) == 2


async def test_after_weeks_down_only_the_latest_occurrence_opens(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    core = make_core(store, clock, messenger, community_config(RECURRING))
    await core.start()
    clock.advance(days=22)  # down through three Mondays (9, 16, 23 March): back on Tuesday 24 March
    restarted = make_core(store, clock, messenger, community_config(RECURRING))
    await restarted.start()
    await restarted.run_due_jobs()
    [post] = await opened(messenger)
    # The one of 23 March (the older two are not opened late); it ends at 09:00 though the clocks moved
    # forward on 29 March.
    assert "Until Sun 29 Mar at 09:00 (Europe/Paris)" in post


async def test_a_cron_that_is_not_one_stops_the_start_with_its_key_path(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    bad = {
        **RECURRING,
        "challenges": {"recurring": [{**RECURRING["challenges"]["recurring"][0], "cron": "0 9 * * FUNDAY"}]},
    }  # type: ignore[index]
    core = make_core(store, clock, messenger, community_config(bad))
    with pytest.raises(
        ValueError, match=r"challenges.recurring\[0\].cron: '0 9 \* \* FUNDAY' is not a crontab"
    ):
        await core.start()
