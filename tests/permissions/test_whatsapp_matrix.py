"""The matrix through signed Twilio webhooks, for every command of the built registry: WhatsApp answers
through the outbox, so a refusal writes its answer and the message's id (a retry is answered once) and
nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import count

import pytest

from handlers.models import Identity, MemberStatus
from storage.store import Store
from tests.bot.whatsapp.conftest import WhatsAppHarness
from tests.fakes import FakeClock
from tests.permissions._matrix import (
    COMMUNITY,
    EN,
    RULES,
    SORRY,
    Asker,
    changed,
    commands_of,
    refusal,
    refusals,
    snapshot,
    text_form,
)
from tests.permissions._whatsapp import fake_twilio, whatsapp_on

STAFF = {Asker.MODERATOR: "whatsapp:+15550009999", Asker.ADMIN: "whatsapp:+15550008888"}
TARGET = "whatsapp:+15550007777"
ANSWERING = frozenset({"inbox", "outbox", "outbox_sends", "deliveries", "whatsapp_windows", "intake"})
"""What answering any message writes on WhatsApp: its id, the answer, and the 24-hour window it opened."""
_numbers = count(1)


@pytest.fixture
async def wa(store: Store, clock: FakeClock) -> AsyncIterator[WhatsAppHarness]:
    community = {
        "community": {"name": COMMUNITY, "timezone": "Europe/Paris"},
        "roles": {"moderators": [STAFF[Asker.MODERATOR]], "admins": [STAFF[Asker.ADMIN]]},
        "onboarding": RULES,
    }
    async with fake_twilio() as fake, whatsapp_on(store, clock, fake, community) as harness:
        yield harness


async def answers(wa: WhatsAppHarness, text: str, sender: str) -> list[str]:
    """What `sender` reads back for `text`."""
    seen = len(wa.bodies(sender))
    assert await wa.say(text, sender) == 200
    await wa.core.settle()
    await wa.flush()
    return wa.bodies(sender)[seen:]


async def member(wa: WhatsAppHarness, sender: str, agree: bool = True) -> None:
    await answers(wa, "JOIN", sender)
    if agree:
        await answers(wa, "AGREE", sender)


async def asker_of(wa: WhatsAppHarness, kind: Asker) -> str:
    if kind in STAFF:
        return STAFF[kind]
    sender = f"whatsapp:+1555200{next(_numbers):04d}"
    if kind is not Asker.OUTSIDER:
        await member(wa, sender, agree=kind is not Asker.PENDING)
        found = await wa.store.members.by_identity(Identity.parse(sender))
        assert found is not None and (found.status is MemberStatus.PENDING) == (kind is Asker.PENDING)
    return sender


@pytest.mark.parametrize("kind", list(Asker), ids=lambda kind: kind.value)
async def test_signed_commands_refuse_exactly_whom_their_permission_leaves_out(
    wa: WhatsAppHarness, store: Store, kind: Asker
) -> None:
    for sender in (TARGET, *STAFF.values()):
        await member(wa, sender)
    target = await store.members.by_identity(Identity.parse(TARGET))
    assert target is not None
    wrong: list[str] = []
    for command in commands_of(wa.core):
        sender = await asker_of(wa, kind)
        before = await snapshot(store, leave_out=ANSWERING)
        texts = await answers(wa, text_form(command, f"@{target.handle}"), sender)
        expected = refusal(command, kind)
        if expected is not None:
            if texts != [expected.text(EN)]:
                wrong.append(f"{command.name}: not refused as expected: {texts}")
            if written := changed(before, await snapshot(store, leave_out=ANSWERING)):
                wrong.append(f"{command.name}: the refusal wrote to {written}")
        elif not texts or SORRY in texts or refusals(command) & set(texts):
            wrong.append(f"{command.name}: refused or failed: {texts}")
    assert wrong == [], "\n".join(wrong)
