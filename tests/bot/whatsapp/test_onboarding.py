"""Referrals on WhatsApp: the wa.me link names the sender, and a signed `JOIN <code>` attributes the join."""

from __future__ import annotations

import re

from bot.app import Application
from handlers.events import DirectMessage
from handlers.models import Identity
from handlers.points._ports import POINTS
from tests.bot.whatsapp.conftest import BOT_NUMBER
from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_end_to_end import app, converse

__all__ = ["app"]  # the fixture, shared with the end-to-end tests


async def test_join_with_a_referral_code_through_a_signed_webhook(app: Application, fake: FakeTwilio) -> None:
    assert app.core is not None and app.store is not None
    alice = Identity.parse("console:alice")
    await app.core.handle_direct(DirectMessage(alice, "JOIN"))
    [shown] = await app.core.handle_direct(DirectMessage(alice, "REFERRAL"))
    found = re.search(r"JOIN ([A-Z0-9]+-[A-Z0-9]{4})", shown.text)
    assert found, shown.text
    code = found[1]
    digits = BOT_NUMBER.removeprefix("whatsapp:+")
    assert f"WhatsApp: https://wa.me/{digits}?text=JOIN%20{code}" in shown.text
    bodies = await converse(app, fake, f"JOIN {code}", "SM" + "1" * 32)
    assert any("You joined through @alice's invitation" in body for body in bodies), bodies
    member = await app.store.members.by_handle("alice")
    assert member is not None
    assert (
        await app.store.repository(POINTS).standing(member.id)
    ).balance == 50  # no rules: joining is onboarding
    again = await converse(app, fake, f"JOIN {code}", "SM" + "2" * 32)
    assert any("already a member" in body for body in again)
    assert (await app.store.repository(POINTS).standing(member.id)).balance == 50
