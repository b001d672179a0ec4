"""Product feedback through the core: ideas, backing once, status changes told once to everyone involved."""

from __future__ import annotations

import pytest

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.events import MemberLeft
from handlers.features import community_config
from handlers.models import Choice, Identity
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.feedback.conftest import FEEDBACK_COMMUNITY, join, notices, scalar, send_idea


async def test_an_idea_goes_to_the_moderators_queue_with_its_number_and_triage_buttons(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await join(core, "alice")
    thanks = await say(core, "console:alice", "FEEDBACK Refillable coffee pods, please")
    assert thanks.text == (
        "Thank you! Your idea #1 is with the team; you will hear back when its status changes."
        " Others can back it: BACK 1."
    )
    [queued] = [m for m in messenger.sent if m.channel == "moderators"]
    assert queued.kind is MessageKind.MODERATION
    assert queued.reply.text == "💡 Idea #1 from @alice: “Refillable coffee pods, please”"
    assert queued.reply.choices == (
        Choice("Mark planned", "IDEA STATUS 1 planned"),
        Choice("Mark shipped", "IDEA STATUS 1 shipped"),
        Choice("Mark declined", "IDEA STATUS 1 declined"),
    )
    row = await store.db.fetch_one("SELECT text, status, backers FROM ideas")
    assert row is not None and tuple(row) == ("Refillable coffee pods, please", "new", 0)


async def test_ideas_go_to_the_channel_the_community_file_names(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    config = community_config({**FEEDBACK_COMMUNITY, "feedback": {"channel": "product-team"}})
    core = make_core(store, clock, messenger, config)
    await core.start()
    await join(core, "alice")
    await send_idea(core, "alice", "Pods")
    assert messenger.posts_in("product-team") == ["💡 Idea #1 from @alice: “Pods”"]
    assert messenger.posts_in("moderators") == []


async def test_ideas_lists_open_ideas_most_backed_first_then_the_newest(core: Core) -> None:
    await join(core, "alice", "bob", "carol", "dave")
    pods = await send_idea(core, "alice", "Refillable coffee pods")
    mug = await send_idea(core, "carol", "A smaller espresso mug")
    decaf = await send_idea(core, "dave", "Decaf beans")
    gone = await send_idea(core, "dave", "Free stickers")
    oat = await send_idea(core, "alice", "Oat milk sachets")  # as backed as decaf, and newer
    for who, number in (("bob", mug), ("carol", pods), ("dave", pods), ("bob", gone)):
        await say(core, f"console:{who}", f"BACK {number}")
    await say(core, "console:mod", f"IDEA STATUS {gone} declined")  # closed: no longer listed
    listing = await say(core, "console:bob", "IDEAS")
    assert listing.text.splitlines() == [
        "The most backed ideas:",
        f"#{pods} Refillable coffee pods · 2 backers · new",
        f"#{mug} A smaller espresso mug · 1 backer · new · you back it",
        f"#{oat} Oat milk sachets · 0 backers · new",
        f"#{decaf} Decaf beans · 0 backers · new",
        "Back one with BACK <number> (UNBACK <number> to stop); send yours with FEEDBACK <your idea>.",
    ]
    assert listing.choices == (
        Choice(f"Back #{pods}", f"BACK {pods}"),
        Choice(f"Back #{oat}", f"BACK {oat}"),
        Choice(f"Back #{decaf}", f"BACK {decaf}"),
    )
    mine = await say(core, "console:carol", "IDEAS")
    assert f"#{mug} A smaller espresso mug · 1 backer · new · yours" in mine.text.splitlines()
    assert [c.command for c in mine.choices] == [f"BACK {oat}", f"BACK {decaf}"]  # backs pods; mug is hers
    # A number answers the buttons IDEAS offered.
    assert (await say(core, "console:bob", "1")).text == f"You back idea #{pods}: 3 backers now."


async def test_ideas_with_nothing_open_says_how_to_send_one(core: Core) -> None:
    await join(core, "alice")
    assert (await say(core, "console:alice", "IDEAS")).text == (
        "No idea is open yet: send the first with FEEDBACK <your idea>."
    )


async def test_a_member_backs_an_idea_once_and_never_their_own(core: Core, store: Store) -> None:
    await join(core, "alice", "bob")
    number = await send_idea(core, "alice", "Refillable coffee pods")
    assert (await say(core, "console:alice", f"BACK {number}")).text == (
        f"Idea #{number} is yours: ask others to back it."
    )
    assert (
        await say(core, "console:bob", f"BACK {number}")
    ).text == f"You back idea #{number}: 1 backer now."
    assert (await say(core, "console:bob", f"BACK #{number}")).text == f"You back idea #{number} already."
    assert await scalar(store, "SELECT count(*) FROM idea_backers") == 1
    assert await scalar(store, "SELECT backers FROM ideas WHERE id = ?", number) == 1


async def test_a_backing_is_taken_back_while_the_idea_is_open_and_kept_once_it_closed(
    core: Core, store: Store
) -> None:
    await join(core, "alice", "bob", "carol")
    number = await send_idea(core, "alice", "Refillable coffee pods")
    await say(core, "console:bob", f"BACK {number}")
    await say(core, "console:carol", f"BACK {number}")
    assert (await say(core, "console:bob", f"UNBACK {number}")).text == (
        f"You no longer back idea #{number}: 1 backer now."
    )
    assert (await say(core, "console:bob", f"UNBACK {number}")).text == (
        f"You do not back idea #{number}: nothing to take back."
    )
    await say(core, "console:mod", f"IDEA STATUS {number} shipped")
    assert (await say(core, "console:carol", f"UNBACK {number}")).text == (
        f"Idea #{number} is closed: its backers stay as they were."
    )
    assert (await say(core, "console:bob", f"BACK {number}")).text == (
        f"Idea #{number} has shipped already: nothing to back."
    )
    assert await scalar(store, "SELECT backers FROM ideas WHERE id = ?", number) == 1
    assert await scalar(store, "SELECT count(*) FROM idea_backers") == 1


async def test_a_status_change_tells_the_author_and_every_backer_once_in_their_language(
    core: Core, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob", "carol")
    await say(core, "console:bob", "LANGUAGE fr")
    await say(core, "console:carol", "LANGUAGE it")
    number = await send_idea(core, "alice", "Refillable coffee pods")
    await say(core, "console:bob", f"BACK {number}")
    await say(core, "console:carol", f"BACK {number}")
    changed = await say(core, "console:mod", f"IDEA STATUS {number} planned Coming in spring")
    assert changed.text == f"Idea #{number} is now planned; 3 members told."
    assert notices(messenger) == [
        (
            "console:alice",
            f"Your idea #{number} (“Refillable coffee pods”) is now planned.\n"
            "The team says: Coming in spring\nYou earned 5 credits.",
        ),
        (
            "console:bob",
            f"L’idée n° {number} que tu soutiens (« Refillable coffee pods ») est maintenant prévue.\n"
            "L’équipe dit : Coming in spring",
        ),
        (
            "console:carol",
            f"La proposta n. {number} che sostieni (“Refillable coffee pods”) ora è in programma.\n"
            "Il team dice: Coming in spring",
        ),
    ]
    # The same status again changes nothing and tells nobody.
    again = await say(core, "console:mod", f"IDEA STATUS {number} planned Really")
    assert again.text == f"Idea #{number} is planned already: nobody is told again."
    assert len(notices(messenger)) == 3
    assert "Coming in spring" in (await say(core, "console:bob", f"IDEE {number}")).text


async def test_the_author_is_credited_once_per_idea_and_status(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    number = await send_idea(core, "alice", "Refillable coffee pods")
    for status in ("planned", "shipped", "planned", "new", "shipped"):  # back and forth
        await say(core, "console:mod", f"IDEA STATUS {number} {status}")
    rows = await store.db.fetch_all("SELECT delta, kind, source FROM ledger WHERE delta <> 0 ORDER BY id")
    assert [tuple(r) for r in rows] == [
        (5, "feedback", f"idea:{number}:planned"),
        (20, "feedback", f"idea:{number}:shipped"),
    ]
    earned = [text.splitlines()[-1] for to, text in notices(messenger) if "earned" in text]
    assert earned == ["You earned 5 credits.", "You earned 20 credits."]  # told only when credited
    assert "25 credits" in (await say(core, "console:alice", "POINTS")).text


async def test_declining_credits_nothing(core: Core, store: Store) -> None:
    await join(core, "alice")
    number = await send_idea(core, "alice", "Free stickers")
    await say(core, "console:mod", f"IDEA STATUS {number} declined Not for now")
    assert await scalar(store, "SELECT count(*) FROM ledger WHERE kind = 'feedback'") == 0


async def test_members_who_opted_out_are_not_told(core: Core, messenger: RecordingMessenger) -> None:
    await join(core, "alice", "bob")
    number = await send_idea(core, "alice", "Refillable coffee pods")
    await say(core, "console:bob", f"BACK {number}")
    await say(core, "console:bob", "STOP")
    await say(core, "console:mod", f"IDEA STATUS {number} declined")
    told = [m.to for m in messenger.sent if m.kind is MessageKind.NOTICE]
    assert told == [Identity("console", "alice")]  # the delivery policy kept bob's back


async def test_members_who_left_are_neither_told_nor_credited(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob", "carol")
    number = await send_idea(core, "alice", "Refillable coffee pods")
    await say(core, "console:bob", f"BACK {number}")
    await say(core, "console:carol", f"BACK {number}")
    await core.member_left(MemberLeft(Identity.parse("console:alice")))
    await core.member_left(MemberLeft(Identity.parse("console:bob")))
    reply = await say(core, "console:mod", f"IDEA STATUS {number} shipped")
    assert reply.text == f"Idea #{number} is now shipped; 1 member told."
    assert [to for to, _ in notices(messenger)] == ["console:carol"]
    assert await scalar(store, "SELECT count(*) FROM ledger WHERE kind = 'feedback'") == 0


async def test_idea_shows_the_whole_text_and_the_author_only_to_moderators(core: Core) -> None:
    await join(core, "alice", "bob")
    long = "Refillable coffee pods " + "that fit every machine " * 10
    number = await send_idea(core, "alice", long.strip())
    await say(core, "console:mod", f"IDEA STATUS {number} planned Coming in spring")
    shown = await say(core, "console:bob", f"IDEA {number}")
    lines = shown.text.splitlines()
    assert lines[0].startswith(f"#{number} Refillable coffee pods") and lines[0].endswith(
        "… · 0 backers · planned"
    )
    assert lines[1:] == [long.strip(), "The team says: Coming in spring"]
    assert "@alice" not in shown.text
    assert shown.choices == (Choice(f"Back #{number}", f"BACK {number}"),)
    await say(core, "console:bob", f"BACK {number}")
    assert (await say(core, "console:bob", f"IDEA {number}")).choices == (
        Choice(f"Stop backing #{number}", f"UNBACK {number}"),
    )
    staff = await say(core, "console:mod", f"IDEA {number}")
    assert staff.text.splitlines()[-1] == "Sent by @alice."
    assert [c.command for c in staff.choices] == [
        f"IDEA STATUS {number} new",
        f"IDEA STATUS {number} shipped",
        f"IDEA STATUS {number} declined",
    ]


@pytest.mark.parametrize(
    ("who", "text", "refusal"),
    [
        ("alice", "FEEDBACK " + "x" * 1001, "An idea can be at most 1,000 characters long."),
        ("alice", "FEEDBACK", "<idea> is missing. Usage: FEEDBACK <idea>"),
        ("bob", "BACK 9", "There is no idea #9: see them with IDEAS."),
        ("bob", "BACK pods", "“pods” is not an idea number: see them with IDEAS."),
        ("alice", "BACK 1", "Idea #1 is yours: ask others to back it."),
        ("mod", "IDEA STATUS 1 planned " + "n" * 301, "A note can be at most 300 characters long"),
        ("mod", "IDEA STATUS 1 maybe", "status must be one of new, planned, shipped or declined."),
        ("mod", "IDEA STATUS 1 new", "Idea #1 is new already: nobody is told again."),
        ("bob", "IDEA STATUS 1 planned", "moderators"),
    ],
)
async def test_bad_input_is_refused_in_one_line_and_nothing_is_stored(
    core: Core, store: Store, messenger: RecordingMessenger, who: str, text: str, refusal: str
) -> None:
    await join(core, "alice", "bob")
    await send_idea(core, "alice", "Refillable coffee pods")
    sent = len(messenger.sent)
    reply = await say(core, f"console:{who}", text)
    assert refusal in reply.text and "\n" not in reply.text
    assert await scalar(store, "SELECT count(*) FROM ideas") == 1
    assert await scalar(store, "SELECT count(*) FROM idea_backers") == 0
    row = await store.db.fetch_one("SELECT status, note, changed_at FROM ideas")
    assert row is not None and tuple(row) == ("new", None, None)
    assert await scalar(store, "SELECT count(*) FROM ledger WHERE kind = 'feedback'") == 0
    assert messenger.sent[sent:] == []  # the refusal is the answer; nobody else hears anything


async def test_an_idea_of_exactly_the_limit_is_taken(core: Core, store: Store) -> None:
    await join(core, "alice")
    await send_idea(core, "alice", "y" * 1000)
    assert await scalar(store, "SELECT length(text) FROM ideas") == 1000


async def test_pending_members_can_neither_send_nor_back_ideas(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    strict = community_config({**FEEDBACK_COMMUNITY, "onboarding": {"rules": ["Be kind."]}})
    core = make_core(store, clock, messenger, strict)
    await core.start()
    await say(core, "console:alice", "JOIN")
    await say(core, "console:alice", "AGREE")
    number = await send_idea(core, "alice", "Pods")
    await say(core, "console:newbie", "JOIN")
    for text in ("FEEDBACK Stickers", f"BACK {number}", f"UNBACK {number}"):
        refused = await say(core, "console:newbie", text)
        assert "send AGREE" in refused.text and text.split()[0] in refused.text  # the rules come first
    assert await scalar(store, "SELECT count(*) FROM ideas") == 1
    assert await scalar(store, "SELECT count(*) FROM idea_backers") == 0


async def test_the_commands_answer_to_their_french_and_italian_keywords(core: Core) -> None:
    await join(core, "alice", "bob", "carol")
    await say(core, "console:alice", "LANGUAGE fr")
    await say(core, "console:bob", "LANGUAGE fr")
    await say(core, "console:carol", "LANGUAGE it")
    sent = await say(core, "console:alice", "SUGGERER Des recharges pour les capsules")
    assert sent.text.startswith("Merci ! Ton idée n° 1 est transmise à l’équipe")
    assert (
        await say(core, "console:bob", "soutenir 1")
    ).text == "Tu soutiens l’idée n° 1 : 1 soutien maintenant."
    assert (await say(core, "console:bob", "RENONCER 1")).text.startswith("Tu ne soutiens plus l’idée n° 1")
    assert (await say(core, "console:carol", "SOSTIENI 1")).text == (
        "Ora sostieni la proposta n. 1: 1 sostenitore in tutto."
    )
    assert (await say(core, "console:carol", "PROPOSTE")).text.splitlines()[1] == (
        "n. 1 Des recharges pour les capsules · 1 sostenitore · nuova · la sostieni"
    )
    assert (await say(core, "console:carol", "RITIRA 1")).text.startswith("Non sostieni più la proposta n. 1")
    assert (await say(core, "console:alice", "IDEES")).text.splitlines()[1] == (
        "n° 1 Des recharges pour les capsules · 0 soutien · nouvelle · la tienne"
    )
