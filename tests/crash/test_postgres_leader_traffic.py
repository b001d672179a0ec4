"""Two real `communitybot run` processes on one PostgreSQL database, partitioned by the scheduler's leader:
both take Twilio's webhooks, the leader alone handles them. A webhook the standby stored is handled by the
leader; the rows a SIGKILLed leader left unhandled are handled by the standby once it takes over; and the
new leader's kudos budgets count what the old one spent (read again from the ledger at the take-over).

The leader is frozen with SIGSTOP to show what the standby does on its own (it stores and answers, and
handles nothing), at a moment it holds no writers' lock, so that the standby can still store.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from pathlib import Path

import aiohttp

from storage.postgres.database import WRITERS
from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_crash import Bot
from tests.bot.whatsapp.test_newsletter_crash import wait_until
from tests.crash.test_postgres_failover import Sids, drained, two_bots, value

MODERATOR = "whatsapp:+15550039999"
MEMBERS = [f"whatsapp:+1555003{n:04d}" for n in range(1, 5)]
HANDLES = {who: "member_" + who[-4:] for who in MEMBERS}  # made from the profile names
COMMUNITY = f"""
[community]
name = "Partition Club"

[roles]
moderators = ["{MODERATOR}"]

[points.kudos]
daily_budget = 2
"""


async def leads(bot: Bot) -> bool:
    return await role(bot) == "leader"


def end(*bots: Bot) -> None:
    for bot in bots:
        if bot.process is not None and bot.process.poll() is None:
            os.kill(bot.process.pid, signal.SIGCONT)  # a frozen one too
            bot.kill()


async def role(bot: Bot) -> str:
    url = f"http://127.0.0.1:{bot.port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        return str((await response.json())["role"])


async def joined(leader: Bot, standby: Bot, fake: FakeTwilio, url: str, sid: Sids) -> None:
    """The leader up, everyone joined through it, then the standby up."""
    await leader.start()
    for who in [MODERATOR, *MEMBERS]:
        assert await leader.post(sid(who, "JOIN"))
    await wait_until(lambda: drained(url))
    await standby.start()
    assert (await role(leader), await role(standby)) == ("leader", "standby")


async def freeze(bot: Bot, url: str) -> None:
    """SIGSTOP, at a moment the process holds no writers' lock (else the other could not store)."""
    assert bot.process is not None
    held = f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {WRITERS} AND granted"
    for _ in range(200):
        os.kill(bot.process.pid, signal.SIGSTOP)
        if await value(url, held) == 0:
            return
        os.kill(bot.process.pid, signal.SIGCONT)
        await asyncio.sleep(0.02)
    raise AssertionError("the writers' lock was never free")


def answers(fake: FakeTwilio, start: str) -> Counter[str]:
    return Counter(f["Body"] for f in fake.accepted if f.get("Body", "").startswith(start))


def awards(sid: Sids, tokens: list[str]) -> list[dict[str, str]]:
    return [sid(MODERATOR, f"AWARD @{HANDLES[MEMBERS[n % 4]]} 5 {token}") for n, token in enumerate(tokens)]


async def award_entries(url: str) -> int:
    return int(str(await value(url, "SELECT count(*) FROM ledger WHERE kind = 'award'")))


async def stored_by_the_standby(
    leader: Bot, standby: Bot, fake: FakeTwilio, url: str, sid: Sids, prefix: str
) -> tuple[list[str], list[dict[str, str]]]:
    """Members joined, the leader frozen, then eight awards (tokens `prefix00`...) posted to the standby:
    each stored and answered at once."""
    await joined(leader, standby, fake, url, sid)
    tokens = [f"{prefix}{n:02d}" for n in range(8)]
    forms = awards(sid, tokens)
    await freeze(leader, url)
    assert all([await standby.post(form) for form in forms])
    return tokens, forms


async def test_webhooks_the_standby_stores_are_handled_by_the_leader_once_each(
    tmp_path: Path, fake: FakeTwilio, postgres_url: str
) -> None:
    leader, standby = two_bots(tmp_path, fake, postgres_url, COMMUNITY)
    sid = Sids()
    try:
        tokens, forms = await stored_by_the_standby(leader, standby, fake, postgres_url, sid, "prize")
        await asyncio.sleep(1.5)  # more than a poll: a standby that handled anything would have by now
        assert await value(postgres_url, "SELECT count(*) FROM intake") == len(forms)
        assert await award_entries(postgres_url) == 0  # the standby handled none
        assert leader.process is not None
        os.kill(leader.process.pid, signal.SIGCONT)
        for form in forms[:3]:  # Twilio's retries, to the leader this time
            assert await leader.post(form)
        await wait_until(lambda: drained(postgres_url), 15)
        leader.stop()
        standby.stop()
    finally:
        end(leader, standby)
    got = answers(fake, "Awarded")
    assert sorted(sum(token in body for body in got) for token in tokens) == [1] * len(tokens)
    assert set(got.values()) == {1}  # each answered once
    assert await award_entries(postgres_url) == len(tokens)  # one ledger entry per message


async def test_rows_a_killed_leader_left_unhandled_are_handled_once_by_the_new_leader(
    tmp_path: Path, fake: FakeTwilio, postgres_url: str
) -> None:
    leader, standby = two_bots(tmp_path, fake, postgres_url, COMMUNITY)
    sid = Sids()
    try:
        tokens, forms = await stored_by_the_standby(leader, standby, fake, postgres_url, sid, "medal")
        assert await value(postgres_url, "SELECT count(*) FROM intake") == len(forms)
        leader.kill()  # stored, not handled: the new leader's to do
        await wait_until(lambda: drained(postgres_url), 15)
        assert await role(standby) == "leader"
        standby.stop()
    finally:
        end(leader, standby)
    got = answers(fake, "Awarded")
    assert sorted(sum(token in body for body in got) for token in tokens) == [1] * len(tokens)
    assert await award_entries(postgres_url) == len(tokens)


async def test_a_new_leader_counts_the_kudos_the_old_one_gave_today(
    tmp_path: Path, fake: FakeTwilio, postgres_url: str
) -> None:
    leader, standby = two_bots(tmp_path, fake, postgres_url, COMMUNITY)
    sid = Sids()
    giver = MEMBERS[0]
    kudos = "SELECT count(*) FROM ledger WHERE kind = 'kudos'"
    try:
        await joined(leader, standby, fake, postgres_url, sid)  # the standby's state is read now
        for target in MEMBERS[1:3]:  # the whole budget (2), spent under the first leader
            assert await leader.post(sid(giver, f"KUDOS @{HANDLES[target]}"))
        await wait_until(lambda: drained(postgres_url))
        assert await value(postgres_url, kudos) == 2
        leader.kill()
        await wait_until(lambda: leads(standby), 15)
        assert await standby.post(sid(giver, f"KUDOS @{HANDLES[MEMBERS[3]]}"))
        assert await standby.post(sid(giver, "POINTS"))
        await wait_until(lambda: drained(postgres_url), 15)
        standby.stop()
    finally:
        end(leader, standby)
    assert await value(postgres_url, kudos) == 2  # the budget was spent: no third
    texts = [f.get("Body", "") for f in fake.accepted if f["To"] == giver]
    assert any(t.startswith("You have 0 of 2 kudos left today") and "none was given" in t for t in texts)
    assert not any(HANDLES[MEMBERS[3]] in t and t.startswith("Kudos sent") for t in texts)
    assert any("Kudos left to give today: 0 of 2" in t for t in texts)  # POINTS, from the new leader
