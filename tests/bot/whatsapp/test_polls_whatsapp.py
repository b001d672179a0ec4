"""Polls on WhatsApp, through the real webhook with signed requests and the fake Twilio API.

A moderator (the harness's configured WhatsApp moderator) opens a poll with `| whatsapp`; every WhatsApp
member who may receive it gets it with numbered options, and a reply with just a number votes.
"""

from __future__ import annotations

from handlers.models import Identity
from tests.bot.whatsapp.conftest import ANA, WhatsAppHarness

MOD = "whatsapp:+15550009999"
"""`[roles] moderators` in the harness's community."""
BEA = "whatsapp:+15550002222"
FLAVOURS = '"Next flavour?" | Mango | Yuzu | Cherry | 2d'
CLOSES = "Wed 4 Mar at 10:00 (Europe/Paris)"
"""Two days after the FakeClock's start (2026-03-02 09:00 UTC), in the community's time zone."""
POST = (
    "📊 Poll #1: Next flavour?\n"
    f"Closes {CLOSES}. Anonymous: nobody, moderators included, sees who voted what.\n"
    "One choice: VOTE 1 <option number>.\n"
    "1. Mango\n"
    "2. Yuzu\n"
    "3. Cherry"
)


async def joined(wa: WhatsAppHarness, *senders: str) -> None:
    for sender in senders:
        assert await wa.say("JOIN", sender=sender) == 200
    await wa.flush()


async def ballots(wa: WhatsAppHarness, poll: int) -> dict[str, list[int]]:
    """WhatsApp number -> their picks (1-based), straight from the tables that keep them."""
    rows = await wa.store.db.fetch_all(
        "SELECT b.member_id, p.position FROM poll_ballots b"
        " LEFT JOIN poll_picks p ON p.poll_id = b.poll_id AND p.member_id = b.member_id"
        " WHERE b.poll_id = ? ORDER BY b.member_id, p.position",
        (poll,),
    )
    numbers = {}
    for number in (ANA, BEA, MOD):
        member = await wa.core.services.members.by_identity(Identity.parse(number))
        if member is not None:
            numbers[member.id] = number
    found: dict[str, list[int]] = {}
    for member_id, position in rows:
        picks = found.setdefault(numbers[member_id], [])
        if position is not None:
            picks.append(position + 1)
    return found


async def open_poll(wa: WhatsAppHarness, text: str = FLAVOURS + " | whatsapp") -> str:
    """The moderator's signed `POLL NEW`; the answer they were sent."""
    assert await wa.say(f"POLL NEW {text}", sender=MOD) == 200
    await wa.flush()
    [answer] = wa.bodies(MOD)
    return answer


async def test_an_announced_poll_reaches_whatsapp_members_and_a_number_votes_once(
    wa: WhatsAppHarness,
) -> None:
    await joined(wa, ANA)
    wa.fake.accepted.clear()

    answer = await open_poll(wa)
    assert answer == (
        f"Poll #1 is open until {CLOSES}, posted in #announcements.\n"
        "It is being sent to the members on WhatsApp who opted in."
    )
    assert wa.bodies(ANA) == [POST]
    assert wa.fake.refused == []
    [poll_row] = [r for r in await wa.rows() if r["recipient"] == ANA and r["kind"] == "poll"]
    assert (poll_row["kind"], poll_row["mode"], poll_row["state"]) == ("poll", "text", "sent")
    # The channel post went to the platform that posts to channels (the console here), not to WhatsApp.
    [post] = wa.console.posts_in("announcements")
    assert post.startswith("📊 Poll #1: Next flavour?")

    vote = wa.form("2")
    assert (await wa.post("/twilio/whatsapp", vote))[0] == 200
    assert await wa.flush() == 1
    [confirmation] = wa.bodies(ANA)[1:]
    assert confirmation.startswith(f"Your vote in poll #1: Yuzu. You can change it until {CLOSES}.")
    assert "2. Yuzu ██████████ 100% (1 vote)" in confirmation
    assert await ballots(wa, 1) == {ANA: [2]}

    sent = len(wa.fake.accepted)
    assert (await wa.post("/twilio/whatsapp", vote))[0] == 200  # Twilio retries the same MessageSid
    assert await wa.flush() == 0
    assert len(wa.fake.accepted) == sent  # no second answer
    assert await ballots(wa, 1) == {ANA: [2]}
    changed = await wa.store.db.fetch_one("SELECT voted_at = changed_at FROM poll_ballots WHERE poll_id = 1")
    assert changed is not None and changed[0] == 1  # not even touched again

    assert await wa.say("3") == 200  # a new message, a new number: the choices were answered
    await wa.flush()
    assert wa.bodies(ANA)[-1] == "There is nothing to choose right now. Send HELP to see what I can do."
    assert await ballots(wa, 1) == {ANA: [2]}
    assert await wa.say("VOTE 1 3") == 200  # by name, the vote can still change
    await wa.flush()
    assert wa.bodies(ANA)[-1].startswith("Your vote in poll #1 is now: Cherry.")
    assert await ballots(wa, 1) == {ANA: [3]}


async def test_a_member_who_sent_stop_gets_no_poll(wa: WhatsAppHarness) -> None:
    await joined(wa, ANA, BEA)
    assert await wa.say("STOP", sender=BEA) == 200
    await wa.flush()
    wa.fake.accepted.clear()

    answer = await open_poll(wa)
    assert answer.endswith("It is being sent to the members on WhatsApp who opted in.")
    assert wa.bodies(ANA) == [POST]
    assert wa.bodies(BEA) == []
    withheld = [
        (r["recipient"], r["kind"], r["note"]) for r in await wa.deliveries() if r["state"] == "withheld"
    ]
    assert withheld == [(BEA, "poll", "opted out with STOP")]
    assert [r for r in await wa.rows() if r["recipient"] == BEA and r["kind"] == "poll"] == []


async def test_a_poll_that_is_not_announced_is_sent_to_nobody_on_whatsapp(wa: WhatsAppHarness) -> None:
    await joined(wa, ANA)
    wa.fake.accepted.clear()
    answer = await open_poll(wa, FLAVOURS)
    assert answer == f"Poll #1 is open until {CLOSES}, posted in #announcements."
    assert wa.bodies(ANA) == []
    assert [p.splitlines()[0] for p in wa.console.posts_in("announcements")] == ["📊 Poll #1: Next flavour?"]
    assert await wa.say("2") == 200  # nothing was offered to Ana
    await wa.flush()
    assert wa.bodies(ANA) == ["There is nothing to choose right now. Send HELP to see what I can do."]
    assert await ballots(wa, 1) == {}


async def test_a_member_who_sent_stop_cannot_vote_by_number_in_a_poll_never_sent_to_them(
    wa: WhatsAppHarness,
) -> None:
    await joined(wa, ANA, BEA)
    assert await wa.say("STOP", sender=BEA) == 200
    await wa.flush()
    await open_poll(wa)
    assert wa.bodies(BEA)[-1].startswith("Done: Test Club will send you nothing more here")
    assert await wa.say("2", sender=BEA) == 200  # Bea never saw the options: a number means nothing
    await wa.flush()
    assert wa.bodies(BEA)[-1] == "There is nothing to choose right now. Send HELP to see what I can do."
    assert await ballots(wa, 1) == {}


async def test_a_moderator_who_is_a_member_gets_the_poll_and_votes_with_a_number(wa: WhatsAppHarness) -> None:
    await joined(wa, ANA, MOD)
    wa.fake.accepted.clear()
    assert await wa.say(f"POLL NEW {FLAVOURS} | whatsapp", sender=MOD) == 200
    await wa.flush()
    answer, poll = wa.bodies(MOD)
    assert answer.endswith("It is being sent to the members on WhatsApp who opted in.")
    assert poll == POST
    assert await wa.say("3", sender=MOD) == 200
    await wa.flush()
    assert wa.bodies(MOD)[-1].startswith("Your vote in poll #1: Cherry.")
    assert await ballots(wa, 1) == {MOD: [3]}


async def test_a_member_the_poll_could_not_reach_cannot_vote_by_number(wa: WhatsAppHarness) -> None:
    await joined(wa, ANA)
    wa.clock.advance(hours=25)  # Ana's window closed; the harness has no template for kind `poll`
    await open_poll(wa)
    [row] = [r for r in await wa.rows() if r["kind"] == "poll"]
    assert (row["recipient"], row["state"]) == (ANA, "skipped")
    assert not any("Next flavour?" in body for body in wa.bodies(ANA))
    assert await wa.say("2") == 200  # Ana writes again, never having seen the options
    await wa.flush()
    assert wa.bodies(ANA)[-1] == "There is nothing to choose right now. Send HELP to see what I can do."
    assert await ballots(wa, 1) == {}
