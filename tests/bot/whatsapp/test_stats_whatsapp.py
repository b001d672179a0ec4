"""STATS on WhatsApp: a moderator's number sends it through the signed webhook and reads the KPIs."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.bot.discord.test_stats_discord import seed_day
from tests.bot.whatsapp.conftest import WhatsAppHarness

PARIS = ZoneInfo("Europe/Paris")
MODERATOR = "whatsapp:+15550009999"


async def test_a_moderator_reads_stats_on_whatsapp(wa: WhatsAppHarness) -> None:
    yesterday = wa.clock.now().astimezone(PARIS).date() - timedelta(days=1)
    await seed_day(wa.store, yesterday, members=3, joined=3, active_day=2, messages=7, kudos=1)
    assert await wa.say("JOIN", sender=MODERATOR) == 200
    assert await wa.say("STATS day", sender=MODERATOR) == 200
    await wa.flush()
    [stats] = [b for b in wa.bodies(MODERATOR) if b.startswith("Community stats for")]
    assert "Members: 3 (+3 joined, −0 left)" in stats
    assert "Participation: 67% of members active (2)" in stats
    assert "Messages: 7 (new) · Kudos: 1 (new)" in stats
    assert await wa.say("SEGMENT at_risk", sender=MODERATOR) == 200
    await wa.flush()
    assert wa.bodies(MODERATOR)[-1] == "Nobody is in the segment “at risk” now."
