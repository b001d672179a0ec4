from __future__ import annotations

import re

from handlers.consent._ports import CONSENT_RECORDS
from handlers.core import Core
from handlers.keys import CODE_ALPHABET as ALPHABET
from handlers.linking._linking import CODE_LENGTH, MAX_FAILURES
from handlers.models import Identity, MemberStatus
from storage.store import Store
from tests.conftest import say
from tests.fakes import START, FakeClock, RecordingMessenger

PHONE = "whatsapp:+15550001234"


async def code_for(core: Core, who: str) -> str:
    reply = await say(core, who, "LINK")
    match = re.fullmatch(
        rf"Your link code is ([{ALPHABET}]{{{CODE_LENGTH}}}) \(valid 10 minutes, once\)\. "
        r"On your other platform, send: LINK \1",
        reply.text,
    )
    assert match, reply.text
    return match[1]


async def test_link_attaches_a_new_identity_to_the_member(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await say(core, "console:alice", "JOIN")
    code = await code_for(core, "console:alice")
    reply = await say(core, PHONE, f"LINK {code.lower()}")
    assert reply.text.startswith("Linked: you are @alice here too, with one balance and one history.")
    alice = await store.members.by_handle("alice")
    assert alice is not None
    assert await store.members.by_identity(Identity.parse(PHONE)) == alice
    assert set(await store.members.identities(alice.id)) == {
        Identity.parse("console:alice"),
        Identity.parse(PHONE),
    }
    # linking from WhatsApp is an opt-in there, shown with the reply
    consent = await store.repository(CONSENT_RECORDS).latest(Identity.parse(PHONE))
    assert consent is not None and consent.opted_in and consent.source == "LINK"
    assert consent.wording is not None and consent.wording in reply.text
    assert messenger.texts_to("console:alice") == [
        "Linked: your WhatsApp identity is now part of your membership as @alice."
    ]
    whoami = await say(core, PHONE, "WHOAMI")
    assert "You are @alice" in whoami.text and "console:alice" in whoami.text and PHONE in whoami.text


async def test_link_merges_two_members_into_the_one_that_asked_for_the_code(
    core: Core, store: Store, clock: FakeClock
) -> None:
    await say(core, PHONE, "JOIN")  # joined first on WhatsApp
    clock.advance(days=3)
    await say(core, "console:alice", "JOIN")
    code = await code_for(core, "console:alice")
    await say(core, PHONE, f"LINK {code}")
    alice = await store.members.by_handle("alice")
    phone_member = await store.members.by_handle("15550001234")
    assert alice is not None and phone_member is not None
    assert alice.status is MemberStatus.MEMBER
    assert alice.joined_at == START  # the earlier join date carries on
    assert phone_member.status is MemberStatus.LEFT and phone_member.left_at == clock.now()
    assert set(await store.members.identities(alice.id)) == {
        Identity.parse("console:alice"),
        Identity.parse(PHONE),
    }
    assert await store.members.identities(phone_member.id) == []
    row = await store.db.fetch_one("SELECT merged_into FROM members WHERE id = ?", (phone_member.id,))
    assert row is not None and row[0] == alice.id


async def test_a_code_works_once_and_for_ten_minutes(core: Core, store: Store, clock: FakeClock) -> None:
    await say(core, "console:alice", "JOIN")
    code = await code_for(core, "console:alice")
    clock.advance(minutes=10)
    expired = await say(core, PHONE, f"LINK {code}")
    assert (
        expired.text
        == "That code is not valid or has expired. Send LINK on your other platform to get a new one."
    )
    fresh = await code_for(core, "console:alice")
    assert (await say(core, PHONE, f"LINK {fresh}")).text.startswith("Linked:")
    again = await say(core, "discord:123456789", f"LINK {fresh}")
    assert again.text.startswith("That code is not valid or has expired.")
    assert await store.members.by_identity(Identity.parse("discord:123456789")) is None


async def test_a_new_code_replaces_the_previous_one(core: Core) -> None:
    await say(core, "console:alice", "JOIN")
    first = await code_for(core, "console:alice")
    second = await code_for(core, "console:alice")
    if first != second:
        assert (await say(core, PHONE, f"LINK {first}")).text.startswith("That code is not valid")
    assert (await say(core, PHONE, f"LINK {second}")).text.startswith("Linked:")


async def test_wrong_platform_and_own_code_are_refused_with_the_way_to_do_it(core: Core) -> None:
    await say(core, "console:alice", "JOIN")
    code = await code_for(core, "console:alice")
    assert (await say(core, "console:alice", f"LINK {code}")).text == (
        f"Send LINK {code} from your other platform, not from here."
    )
    assert (await say(core, "console:bob", f"LINK {code}")).text == (
        "That code was made on console too: send it from a different platform."
    )
    assert (await say(core, PHONE, f"LINK {code}")).text.startswith("Linked:")  # still unused


async def test_linking_an_identity_already_linked_says_so(core: Core) -> None:
    await say(core, "console:alice", "JOIN")
    await say(core, PHONE, f"LINK {await code_for(core, 'console:alice')}")
    code = await code_for(core, "console:alice")
    assert (await say(core, PHONE, f"LINK {code}")).text == "This WhatsApp identity is already linked."


async def test_link_needs_membership_to_give_a_code(core: Core) -> None:
    assert (await say(core, PHONE, "LINK")).text == "You are not a member yet: send JOIN to join."


async def test_guessing_codes_is_cut_off(core: Core, clock: FakeClock) -> None:
    await say(core, "console:alice", "JOIN")
    code = await code_for(core, "console:alice")
    wrong = "".join(ALPHABET[(ALPHABET.index(c) + 1) % len(ALPHABET)] for c in code)
    for _ in range(MAX_FAILURES):
        assert (await say(core, PHONE, f"LINK {wrong}")).text.startswith("That code is not valid")
    blocked = await say(core, PHONE, f"LINK {code}")
    assert blocked.text.startswith("Too many wrong codes: wait 10 minutes")
    clock.advance(minutes=10, seconds=1)
    code = await code_for(core, "console:alice")
    assert (await say(core, PHONE, f"LINK {code}")).text.startswith("Linked:")


async def test_link_works_from_the_console_process_side(core: Core, messenger: RecordingMessenger) -> None:
    await say(core, PHONE, "JOIN")
    code = await code_for(core, PHONE)  # asked on WhatsApp, typed on the console
    reply = await say(core, "console:ana", f"LINK {code}")
    assert reply.text == "Linked: you are @15550001234 here too, with one balance and one history."
    assert messenger.texts_to(PHONE)[-1] == (
        "Linked: your console identity is now part of your membership as @15550001234."
    )
