from __future__ import annotations

from bot.formats import TEXTS
from handlers.audience import CONSENT
from handlers.consent._ports import CONSENT_RECORDS
from handlers.core import Core
from handlers.models import Identity
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger

DEFAULT_WORDING = TEXTS.translator("en")("consent.default_wording")
ANA = "whatsapp:+15550001234"


async def test_whatsapp_join_records_the_opt_in_with_its_wording_and_shows_it(
    core: Core, store: Store, messenger: RecordingMessenger, clock: FakeClock
) -> None:
    identity = Identity.parse(ANA)
    assert not await core.port(CONSENT).may_message(identity)  # never opted in: nothing proactive
    await say(core, ANA, "JOIN")
    record = await store.repository(CONSENT_RECORDS).latest(identity)
    assert record is not None
    assert (record.opted_in, record.source, record.wording, record.at) == (
        True,
        "JOIN",
        DEFAULT_WORDING,
        clock.now(),
    )
    assert messenger.texts_to(ANA) == [DEFAULT_WORDING]
    assert [m.kind for m in messenger.sent] == ["reply"]
    assert await core.port(CONSENT).may_message(identity)


async def test_stop_opts_out_at_once_and_is_confirmed(core: Core, store: Store) -> None:
    await say(core, ANA, "JOIN")
    reply = await say(core, ANA, "STOP")
    assert reply.text.startswith("Done: Test Club will send you nothing more here")
    assert "Send START" in reply.text
    assert not await core.port(CONSENT).may_message(Identity.parse(ANA))
    latest = await store.repository(CONSENT_RECORDS).latest(Identity.parse(ANA))
    assert latest is not None and latest.source == "STOP"


async def test_unsubscribe_and_cancel_alone_mean_stop(core: Core, store: Store) -> None:
    cases = (("unsubscribe", "whatsapp:+15550000001", "STOP"), ("Cancel", "whatsapp:+15550000002", "CANCEL"))
    for word, who, source in cases:
        await say(core, who, "JOIN")
        assert (await say(core, who, word)).text.startswith("Done:")
        latest = await store.repository(CONSENT_RECORDS).latest(Identity.parse(who))
        assert latest is not None and not latest.opted_in and latest.source == source


async def test_cancel_with_an_argument_is_not_stop(core: Core, store: Store) -> None:
    await say(core, ANA, "JOIN")
    reply = await say(core, ANA, "CANCEL brunch")
    assert reply.text == (
        "There is nothing called “brunch” to cancel. Send CANCEL alone (or STOP) to stop messages."
    )
    assert await core.port(CONSENT).may_message(Identity.parse(ANA))


async def test_start_opts_back_in_and_a_second_stop_writes_nothing_new(core: Core, store: Store) -> None:
    identity = Identity.parse(ANA)
    await say(core, ANA, "JOIN")
    await say(core, ANA, "STOP")
    first = await store.repository(CONSENT_RECORDS).latest(identity)
    await say(core, ANA, "STOP")
    assert await store.repository(CONSENT_RECORDS).latest(identity) == first
    reply = await say(core, ANA, "START")
    assert reply.text.startswith("Done: Test Club messages are on again.")
    assert DEFAULT_WORDING in reply.text
    latest = await store.repository(CONSENT_RECORDS).latest(identity)
    assert (
        latest is not None
        and latest.opted_in
        and latest.source == "START"
        and latest.wording == DEFAULT_WORDING
    )


async def test_start_is_for_members(core: Core, store: Store) -> None:
    reply = await say(core, ANA, "START")
    assert reply.text == "You are not a member of Test Club yet: send JOIN (it turns messages on too)."
    assert await store.repository(CONSENT_RECORDS).latest(Identity.parse(ANA)) is None


async def test_a_stranger_may_stop_before_ever_joining(core: Core, store: Store) -> None:
    assert (await say(core, ANA, "STOP")).text.startswith("Done:")
    latest = await store.repository(CONSENT_RECORDS).latest(Identity.parse(ANA))
    assert latest is not None and not latest.opted_in


async def test_console_members_need_no_explicit_opt_in_but_can_stop(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    alice = Identity.parse("console:alice")
    await say(core, "console:alice", "JOIN")
    assert messenger.sent == []  # the WhatsApp consent note is not sent elsewhere
    assert await core.port(CONSENT).may_message(alice)
    await say(core, "console:alice", "STOP")
    assert not await core.port(CONSENT).may_message(alice)
    await say(core, "console:alice", "START")
    assert await core.port(CONSENT).may_message(alice)


async def test_stop_and_start_are_listed_in_help(core: Core) -> None:
    text = (await say(core, ANA, "HELP")).text
    assert "STOP — stop every message we send without being asked" in text
    assert "START — get community messages again after STOP" in text
