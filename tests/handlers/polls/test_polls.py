"""Polls through the core: creating, voting, results, the deadline and who may see what."""

from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.models import Choice, Identity
from handlers.stamps import plain
from storage.store import Store
from tests.conftest import make_core, say
from tests.engines import Raw
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.polls.conftest import members, new_poll

FLAVOURS = '"Next flavour?" | Mango | Yuzu | Cherry | 2d'


async def count(store: Store, table: str) -> int:
    row = await store.db.fetch_one(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_a_poll_is_posted_with_its_options_as_choices(
    core: Core, messenger: RecordingMessenger
) -> None:
    number = await new_poll(core, FLAVOURS)
    post = next(m for m in messenger.sent if m.channel == "announcements")
    assert post.reply.text.startswith(f"📊 Poll #{number}: Next flavour?")
    assert "Closes Wed 4 Mar at 10:00 (Europe/Paris)." in plain(post.reply.text)
    assert post.reply.choices == (
        Choice("Mango", f"VOTE {number} 1"),
        Choice("Yuzu", f"VOTE {number} 2"),
        Choice("Cherry", f"VOTE {number} 3"),
    )
    assert post.kind is MessageKind.ANNOUNCEMENT


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ('"Q?" | Mango', "A poll needs 2 to 10 options; you gave 1."),
        ('"Q?" | ' + " | ".join(f"o{n}" for n in range(11)), "you gave 11"),
        ('"Q?" | Mango | mango', "“mango” is given twice"),
        ('"' + "q" * 301 + '" | a | b', "at most 300 characters"),
        ('"Q?" | ' + "x" * 56 + " | b", "an option can be at most 55 characters"),
        ('"Q?" | a | b | 2026-03-01 10:00', "That deadline has passed"),
        ('"Q?" | a | b | 33d', "at most 32 days"),
        ('"Q?" | a | b | 1d | 2d', "Give one deadline only"),
        ('"Q?" | a | b | multiple 3', "“multiple 3” does not fit 2 options"),
        ('"Q?" | a | b | level Legend', "There is no level “Legend”: use New or Regular."),
        ('"Q?" | a | b | segment vip', "There is no segment “vip”: use fans or makers."),
        ("", "Give a question and at least two options"),
    ],
)
async def test_bad_polls_are_refused_with_one_clear_line_and_nothing_stored(
    core: Core, store: Store, text: str, refusal: str
) -> None:
    reply = await say(core, "console:mod", f"POLL NEW {text}".strip())
    assert refusal in reply.text
    assert await count(store, "polls") == 0
    assert await count(store, "jobs WHERE kind = 'poll_close'") == 0


async def test_one_ballot_per_member_that_they_can_change(core: Core, store: Store) -> None:
    await members(core, "alice", "bob")
    number = await new_poll(core, FLAVOURS)
    assert (await say(core, "console:alice", f"VOTE {number} 2")).text.startswith(
        f"Your vote in poll #{number}: Yuzu."
    )
    changed = await say(core, "console:alice", f"VOTE {number} cherry")  # the option's words work too
    assert changed.text.startswith(f"Your vote in poll #{number} is now: Cherry.")
    await say(core, "console:bob", f"VOTE {number} 3")
    shown = await say(core, "console:alice", f"POLL {number}")
    assert "(2 votes)" in shown.text and "3. Cherry ██████████ 100% (2 votes)" in shown.text
    assert "your vote: Cherry" in shown.text
    assert await count(store, "poll_ballots") == 2 and await count(store, "poll_picks") == 2


async def test_a_number_answers_the_options_offered_by_polls(core: Core) -> None:
    await members(core, "alice")
    number = await new_poll(core, FLAVOURS)
    listing = await say(core, "console:alice", "POLLS")
    assert f"#{number} Next flavour?" in listing.text and "you have not voted yet" in listing.text
    assert (await say(core, "console:alice", "1")).text.startswith(f"Your vote in poll #{number}: Mango.")
    assert "your vote: Mango" in (await say(core, "console:alice", "POLLS")).text


async def test_votes_that_cannot_count_are_refused_with_the_reason(core: Core, clock: FakeClock) -> None:
    await members(core, "alice")
    number = await new_poll(core, FLAVOURS)
    assert (
        "not one of its options: give a number from 1 to 3"
        in (await say(core, "console:alice", f"VOTE {number} 4")).text
    )
    assert "There is no poll #99" in (await say(core, "console:alice", "VOTE 99 1")).text
    assert "takes 1 option per member" in (await say(core, "console:alice", f"VOTE {number} 1 2")).text
    assert (
        "<option> is missing. Usage: VOTE <poll> <option>"
        in (await say(core, "console:alice", f"VOTE {number}")).text
    )
    clock.advance(days=2)  # the deadline has passed: refused even before the close job ran
    assert (
        f"Poll #{number} is closed: no more votes"
        in (await say(core, "console:alice", f"VOTE {number} 1")).text
    )


async def test_a_multiple_choice_poll_takes_up_to_its_picks_and_buttons_toggle(core: Core) -> None:
    await members(core, "alice")
    number = await new_poll(core, '"Which days?" | Mon | Tue | Wed | multiple 2')
    post = await say(core, "console:alice", f"POLL {number}")
    assert post.choices[0] == Choice("Mon", f"VOTE {number} +1")
    assert "Your vote in poll" in (await say(core, "console:alice", f"VOTE {number} +1")).text
    assert "is now: Mon, Wed" in (await say(core, "console:alice", f"VOTE {number} +3")).text
    assert "at most 2 options per member" in (await say(core, "console:alice", f"VOTE {number} +2")).text
    assert "is now: Wed" in (await say(core, "console:alice", f"VOTE {number} +1")).text
    assert "You took back your vote" in (await say(core, "console:alice", f"VOTE {number} +3")).text
    assert "is now" not in (await say(core, "console:alice", f"VOTE {number} 1 2")).text


async def test_the_poll_closes_once_at_its_deadline_and_never_before(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await members(core, "alice", "bob")
    number = await new_poll(core, FLAVOURS)
    await say(core, "console:alice", f"VOTE {number} 1")
    await say(core, "console:bob", f"VOTE {number} 1")
    clock.advance(days=2, seconds=-1)
    await core.run_due_jobs()
    assert "Poll #1 is closed" not in " ".join(messenger.posts_in("announcements"))
    clock.advance(seconds=1)
    assert await core.run_due_jobs() == 1
    clock.advance(minutes=5)
    assert await core.run_due_jobs() == 0
    finals = [p for p in messenger.posts_in("announcements") if p.startswith("🏁")]
    assert finals == [
        f"🏁 Poll #{number} is closed: Next flavour?\nMango wins with 2 votes of 2 (100%).\n"
        "1. Mango ██████████ 100% (2 votes)\n2. Yuzu ░░░░░░░░░░ 0% (0 votes)\n"
        "3. Cherry ░░░░░░░░░░ 0% (0 votes)"
    ]


async def test_a_poll_due_while_the_bot_was_down_closes_once_on_start_marked_late(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, core: Core, community
) -> None:
    await members(core, "alice")
    number = await new_poll(core, FLAVOURS)
    await say(core, "console:alice", f"VOTE {number} 2")
    clock.advance(days=3)  # down through the deadline
    for _ in range(2):  # two restarts: the results are posted once
        restarted = make_core(store, clock, messenger, community)
        await restarted.start()
        await restarted.run_due_jobs()
    finals = [p for p in messenger.posts_in("announcements") if p.startswith("🏁")]
    assert len(finals) == 1
    assert (
        "Closed late: the bot was not running at the deadline, Wed 4 Mar at 10:00 (Europe/Paris)."
        in finals[0]
    )


async def test_a_job_woken_before_the_deadline_closes_nothing(
    core: Core, store: Store, clock: FakeClock
) -> None:
    number = await new_poll(core, FLAVOURS)
    # A timer that fires early (a clock stepped back, a job made due by hand): the poll stays open.
    await Raw(store).execute("UPDATE jobs SET run_at = '2026-03-02T09:00:00.000000Z' WHERE kind LIKE 'poll%'")
    await core.run_due_jobs()
    assert "Yuzu" in (await say(core, "console:mod", f"POLL {number}")).text
    assert "One choice" in (await say(core, "console:mod", f"POLL {number}")).text
    clock.advance(days=2)
    assert await core.run_due_jobs() == 2  # the job made for the real deadline (and the nightly roll-up)
    assert "is closed" in (await say(core, "console:mod", f"POLL {number}")).text


async def test_anonymous_polls_never_tie_a_member_to_an_option(core: Core) -> None:
    await members(core, "alice")
    anonymous = await new_poll(core, FLAVOURS)
    named = await new_poll(core, '"Tasting day?" | Sat | Sun | named')
    await say(core, "console:alice", f"VOTE {anonymous} 1")
    await say(core, "console:alice", f"VOTE {named} 2")
    assert "@alice" not in (await say(core, "console:mod", f"POLL {anonymous}")).text
    assert "@alice" not in (await say(core, "console:root", f"POLL {anonymous}")).text
    shown = await say(core, "console:mod", f"POLL {named}")
    assert "Who voted what (moderators only):\nSun: @alice" in shown.text
    assert "@alice" not in (await say(core, "console:alice", f"POLL {named}")).text  # members see counts


async def test_hidden_results_wait_for_the_close(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await members(core, "alice")
    number = await new_poll(core, FLAVOURS + " | hidden | named")
    voted = await say(core, "console:alice", f"VOTE {number} 1")
    assert "%" not in voted.text
    assert "%" not in (await say(core, "console:mod", f"POLL {number}")).text
    assert "@alice" not in (await say(core, "console:mod", f"POLL {number}")).text
    clock.advance(days=2)
    await core.run_due_jobs()
    assert "1. Mango ██████████ 100% (1 vote)" in messenger.posts_in("announcements")[-1]


async def test_voting_points_are_credited_once_per_poll(core: Core) -> None:
    await members(core, "alice")
    number = await new_poll(core, FLAVOURS + " | points 5")
    assert "+5 credits for voting." in (await say(core, "console:alice", f"VOTE {number} 1")).text
    assert "for voting" not in (await say(core, "console:alice", f"VOTE {number} 2")).text
    await say(core, "console:alice", f"VOTE {number} +2")
    assert "5 credits" in (await say(core, "console:alice", "POINTS")).text


async def test_a_level_audience_refuses_members_below_it(core: Core) -> None:
    await members(core, "alice", "bob")
    await say(core, "console:mod", "AWARD @bob 10 tasting host")
    number = await new_poll(core, FLAVOURS + " | level Regular")
    assert (
        "for members at level Regular and above"
        in (await say(core, "console:alice", f"VOTE {number} 1")).text
    )
    assert "Your vote" in (await say(core, "console:bob", f"VOTE {number} 1")).text


async def test_moderators_extend_close_early_and_cancel(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    first = await new_poll(core, FLAVOURS)
    second = await new_poll(core, FLAVOURS)
    assert "now closes Thu 5 Mar at 10:00" in (await say(core, "console:mod", f"POLL EXTEND {first} 1d")).text
    assert "after the current deadline" in (await say(core, "console:mod", f"POLL EXTEND {first} soon")).text
    clock.advance(days=2)
    # the first's old job does nothing; the second closes; the nightly health roll-up runs
    assert await core.run_due_jobs() == 3
    assert "One choice" in (await say(core, "console:mod", f"POLL {first}")).text
    assert "is closed; its results are posted" in (await say(core, "console:mod", f"POLL CLOSE {first}")).text
    assert "is closed: no more votes" in (await say(core, "console:mod", f"POLL CLOSE {first}")).text
    clock.advance(days=2)
    await core.run_due_jobs()
    third = await new_poll(core, FLAVOURS)
    assert "is cancelled" in (await say(core, "console:mod", f"POLL CANCEL {third}")).text
    clock.advance(days=3)
    await core.run_due_jobs()
    finals = [p for p in messenger.posts_in("announcements") if p.startswith("🏁")]
    assert [f.split(":")[0] for f in finals] == [
        f"🏁 Poll #{second} is closed",
        f"🏁 Poll #{first} is closed",
    ]
    await members(core, "alice")
    assert "was cancelled" in (await say(core, "console:alice", f"VOTE {third} 1")).text


async def test_the_database_itself_allows_one_ballot_and_no_vote_on_a_closed_poll(
    core: Core, store: Store
) -> None:
    await members(core, "alice")
    number = await new_poll(core, FLAVOURS)
    await say(core, "console:alice", f"VOTE {number} 1")
    raw = Raw(store)
    member = await raw.value("SELECT id FROM members WHERE handle = 'alice'")
    assert await raw.refused("INSERT INTO poll_ballots VALUES (?, ?, 'x', 'x')", (number, member)) == "UNIQUE"
    assert "more picks than the poll allows" in await raw.refused(
        "INSERT INTO poll_picks VALUES (?, ?, 1)", (number, member)
    )
    await raw.execute("UPDATE polls SET state = 'closed' WHERE id = ?", (number,))
    await raw.execute("DELETE FROM poll_picks")  # no pick left: only the rule "open polls only" is broken
    assert "poll is not open" in await raw.refused(
        "INSERT INTO poll_picks VALUES (?, ?, 2)", (number, member)
    )


async def test_linked_identities_count_once(core: Core, store: Store) -> None:
    await members(core, "alice")
    await say(core, "whatsapp:+33600000001", "JOIN")
    number = await new_poll(core, FLAVOURS)
    await say(core, "console:alice", f"VOTE {number} 1")
    await say(core, "whatsapp:+33600000001", f"VOTE {number} 2")
    members_repo = core.services.members
    alice = await members_repo.by_handle("alice")
    phone = await members_repo.by_identity(Identity.parse("whatsapp:+33600000001"))
    assert alice is not None and phone is not None
    async with core.services.transactions.transaction():  # what LINK does once both sides confirmed
        await members_repo.merge(phone.id, alice.id, core.services.clock.now())
    assert await count(store, "poll_ballots") == 1
    shown = await say(core, "console:alice", f"POLL {number}")
    assert "(1 vote)" in shown.text and "your vote: Mango" in shown.text


async def test_an_announced_poll_goes_to_whatsapp_members_within_the_delivery_policy(
    core: Core, messenger: RecordingMessenger
) -> None:
    await say(core, "whatsapp:+33600000001", "JOIN")
    await say(core, "whatsapp:+33600000002", "JOIN")
    await say(core, "whatsapp:+33600000002", "STOP")
    await members(core, "alice")
    reply = await say(core, "console:mod", f"POLL NEW {FLAVOURS} | whatsapp")
    assert "It is being sent to the members on WhatsApp who opted in." in reply.text
    polls = [m for m in messenger.sent if m.kind is MessageKind.POLL]
    assert [str(m.to) for m in polls] == ["whatsapp:+33600000001"]  # STOP: withheld
    # A reply with the number works once the WhatsApp messenger sent it as text (tests/bot/whatsapp).
    assert (await say(core, "whatsapp:+33600000001", "VOTE 1 3")).text.startswith(
        "Your vote in poll #1: Cherry."
    )


async def test_pending_members_cannot_vote(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    from handlers.features import community_config
    from tests.handlers.polls.conftest import POLLS_COMMUNITY

    strict = community_config({**POLLS_COMMUNITY, "onboarding": {"rules": ["Be kind."]}})
    core = make_core(store, clock, messenger, strict)
    await core.start()
    number = await new_poll(core, FLAVOURS)
    await say(core, "console:newbie", "JOIN")
    refused = await say(core, "console:newbie", f"VOTE {number} 1")
    assert "AGREE" in refused.text and await count(store, "poll_ballots") == 0


async def test_the_counts_kept_by_the_database_equal_a_recount(core: Core, store: Store) -> None:
    names = [f"m{n}" for n in range(6)]
    await members(core, *names)
    number = await new_poll(core, '"Days?" | Mon | Tue | Wed | multiple')
    moves = ["1", "+2", "2 3", "+3", "1 2 3", "+1", "3"]
    for step, move in enumerate(moves * 2):
        await say(core, f"console:{names[step % len(names)]}", f"VOTE {number} {move}")
    kept = await store.db.fetch_all(
        "SELECT position, votes FROM poll_options WHERE poll_id = ? ORDER BY position", (number,)
    )
    recount = await store.db.fetch_all(
        "SELECT o.position, count(k.member_id) FROM poll_options o LEFT JOIN poll_picks k"
        " ON k.poll_id = o.poll_id AND k.position = o.position WHERE o.poll_id = ? GROUP BY o.position"
        " ORDER BY o.position",
        (number,),
    )
    assert [tuple(r) for r in kept] == [tuple(r) for r in recount]
    voters = await store.db.fetch_one("SELECT voters FROM polls WHERE id = ?", (number,))
    assert voters is not None and voters[0] == await count(store, "poll_ballots")


async def test_an_announcement_to_many_goes_a_page_at_a_time_each_member_once(
    core: Core, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.polls import _announce

    monkeypatch.setattr(_announce, "PAGE", 2)
    phones = [f"whatsapp:+3360000000{n}" for n in range(5)]
    for phone in phones:
        await say(core, phone, "JOIN")
    await say(core, "console:mod", f"POLL NEW {FLAVOURS} | whatsapp")

    def polls_to() -> list[str]:
        return [str(m.to) for m in messenger.sent if m.kind is MessageKind.POLL]

    assert polls_to() == phones[:2]  # the first page with the poll itself, the others in jobs
    assert await core.run_due_jobs() == 2
    assert sorted(polls_to()) == phones
    await core.run_due_jobs()
    assert len(polls_to()) == 5


async def test_a_poll_closed_before_its_fan_out_finished_sends_its_opening_no_further(
    core: Core, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.polls import _announce

    monkeypatch.setattr(_announce, "PAGE", 2)
    for n in range(5):
        await say(core, f"whatsapp:+3360000000{n}", "JOIN")
    await say(core, "console:mod", f"POLL NEW {FLAVOURS} | whatsapp")
    await say(core, "console:mod", "POLL CLOSE 1")  # its results go to the first page of members at once
    await core.run_due_jobs()
    sent = [m for m in messenger.sent if m.kind is MessageKind.POLL]
    openings = [m for m in sent if m.reply.text.startswith("📊 Poll #1")]
    results = [m for m in sent if m.reply.text.startswith("🏁 Poll #1")]
    assert len(openings) == 2 and len(results) == 5
