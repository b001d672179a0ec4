"""Introductions of newcomers by members, and nudges after joining."""

from __future__ import annotations

from handlers.consent._ports import CONSENT_RECORDS
from handlers.core import Core
from handlers.events import DirectMessage, MemberJoined, MemberLeft
from handlers.models import Identity
from handlers.onboarding._ports import ONBOARDING
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.onboarding.conftest import balance, onboard

PHONE = "+33612345678"


async def test_bad_introductions_get_one_line_and_write_nothing(core: Core, store: Store) -> None:
    await onboard(core, "alice")
    await onboard(core, "bob")
    cases = {
        "INTRO +12 a friend": "“+12” is not a phone number: write it in international form, like +1415",
        "INTRO @nobody a friend": "I don't know @nobody here: name them as @name, or by phone",
        "INTRO @bob a friend": "@bob is already a member: introductions are for newcomers.",
        "INTRO @alice me again": "That's you! To introduce yourself, send INTRO me <your story>.",
        "INTRO console:alice me": "That's you! To introduce yourself, send INTRO me <your story>.",
        "INTRO carol a friend": "Who is “carol”? Name them as @name",
    }
    for text, expected in cases.items():
        assert (await say(core, "console:alice", text)).text.startswith(expected), text
    assert await store.repository(ONBOARDING).waiting_introductions(1) == 0


async def test_whatsapp_invitee_is_greeted_and_the_introducer_credited_once(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await onboard(core, "bob")
    reply = await say(core, "console:bob", f"INTRO {PHONE} Carol makes the best pottery in town")
    assert "We can't message them before they opt in, so share your code BOB-" in reply.text
    assert messenger.texts_to(f"whatsapp:{PHONE}") == []  # never opted in: no invitation sent
    again = await say(core, "console:bob", f"INTRO {PHONE} twice")
    assert again.text == f"{PHONE} was already introduced by @bob: they only need to JOIN."
    carol = Identity.parse(f"whatsapp:{PHONE}")
    welcome = await core.handle_direct(DirectMessage(carol, "JOIN", display_name="Carol"))
    assert "@bob introduced you: “Carol makes the best pottery in town”" in welcome[0].text
    assert messenger.posts_in("introductions")[-1] == (
        "@bob introduced @carol: “Carol makes the best pottery in town” Welcome!"
    )
    for text in ("AGREE", "1", "1"):
        await core.handle_direct(DirectMessage(carol, text))
    assert await balance(store, "bob") == 60
    assert "@carol — credited" in (await say(core, "console:bob", "REFERRALS")).text


async def test_opted_in_invitee_gets_an_invitation_naming_the_introducer(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await onboard(core, "bob")
    async with store.transaction():
        await store.repository(CONSENT_RECORDS).record(
            Identity.parse(f"whatsapp:{PHONE}"), True, "START", None, clock.now()
        )
    reply = await say(core, "console:bob", f"INTRO {PHONE} my neighbour")
    assert reply.text.startswith(f"Invitation sent to {PHONE}")
    invitation = messenger.texts_to(f"whatsapp:{PHONE}")[-1]
    assert invitation.startswith("bob (@bob) introduced you to Test Club: “my neighbour”. To join, reply")


async def test_introducing_a_pending_newcomer_greets_them_now(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await onboard(core, "bob")
    await core.member_joined(MemberJoined(Identity.parse("console:carol"), "carol"))
    reply = await say(core, "console:bob", "INTRO @carol she runs the ceramics club")
    assert reply.text.endswith("You are credited once they finish joining.")
    greeting = "@bob introduced you to Test Club: “she runs the ceramics club”"
    assert messenger.texts_to("console:carol")[-1] == greeting
    post = "@bob introduces @carol: “she runs the ceramics club” Welcome!"
    assert messenger.posts_in("introductions")[-1] == post
    assert "already introduced by @bob" in (await say(core, "console:bob", "INTRO @carol again")).text


async def test_nudges_fire_once_and_skip_what_is_done(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await onboard(core, "alice", intro=False)
    await onboard(core, "bob")
    await core.member_joined(MemberJoined(Identity.parse("console:carol"), "carol"))
    await core.member_joined(
        MemberJoined(Identity.parse("console:carol"), "carol")
    )  # a repeated join adds no jobs
    await core.member_left(MemberLeft(Identity.parse("console:carol")))
    clock.advance(days=1)
    await core.run_due_jobs()
    assert messenger.texts_to("console:alice")[-1] == "Hi alice, introduce yourself!"
    assert "Hi bob, introduce yourself!" not in messenger.texts_to("console:bob")  # already introduced
    assert not any("introduce yourself!" in t for t in messenger.texts_to("console:carol"))  # left
    await say(core, "console:alice", "STOP")
    clock.advance(days=6)
    await core.run_due_jobs()
    assert messenger.texts_to("console:bob")[-1] == "One week at Test Club!"
    assert "One week at Test Club!" not in messenger.texts_to("console:alice")  # opted out
    assert sum(t == "One week at Test Club!" for t in messenger.texts_to("console:bob")) == 1
