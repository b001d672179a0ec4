"""Failover on PostgreSQL: two real `communitybot run` processes on one database; the one running scheduled
work is killed with SIGKILL while a session's reminders are being sent, and the other takes over within
seconds. Every member with a place gets the reminder exactly once.

Signed webhooks (RequestValidator) reach the processes; both send through a fake Twilio API on 127.0.0.1,
which holds the first reminder it takes so that the kill comes in the middle of the sending.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import asyncpg

from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_crash import Bot, form
from tests.bot.whatsapp.test_newsletter_crash import wait_until

MODERATOR = "whatsapp:+15550029999"
MEMBERS = [f"whatsapp:+1555002{n:04d}" for n in range(1, 13)]
TITLE = "Ask the founder"
# The session starts 7 minutes after SESSION NEW and is reminded 6m40s before: about 20 s later.
COMMUNITY = f"""
[community]
name = "Failover Club"
timezone = "Europe/Paris"

[roles]
moderators = ["{MODERATOR}"]

[sessions]
reminders = ["6m40s"]
"""


class Sids:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, sender: str, text: str) -> dict[str, str]:
        self.count += 1
        return form(sender, text, f"SM{self.count:032x}")


async def value(url: str, sql: str) -> object:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


async def exists(url: str, sql: str) -> bool:
    return bool(await value(url, sql))


async def drained(url: str) -> bool:
    return (
        await value(
            url,
            "SELECT (SELECT count(*) FROM deliveries WHERE state IN ('pending', 'sending'))"
            " + (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending'))"
            " + (SELECT count(*) FROM intake)",
        )
        == 0
    )


def reminders(fake: FakeTwilio) -> Counter[str]:
    return Counter(
        f["To"] for f in fake.accepted if TITLE in f.get("Body", "") and "starts" in f.get("Body", "")
    )


def two_bots(tmp_path: Path, fake: FakeTwilio, url: str, community: str) -> tuple[Bot, Bot]:
    """Two bot processes (not started), each with its own folder and this community file, on one
    PostgreSQL database."""
    bots = []
    for name in ("a", "b"):
        workdir = tmp_path / name
        workdir.mkdir()
        (workdir / "community.toml").write_text(community, encoding="utf-8")
        bot = Bot(workdir, fake)
        bot.env["COMMUNITYBOT_DATABASE_URL"] = url
        bots.append(bot)
    return bots[0], bots[1]


async def test_the_scheduler_leader_killed_while_reminders_go_out_is_replaced_and_each_is_sent_once(
    tmp_path: Path, fake: FakeTwilio, postgres_url: str
) -> None:
    bots = two_bots(tmp_path, fake, postgres_url, COMMUNITY)
    leader, standby = bots
    try:
        await failover(leader, standby, fake, postgres_url)
    finally:
        for bot in bots:
            if bot.process is not None and bot.process.poll() is None:
                bot.kill()


async def failover(leader: Bot, standby: Bot, fake: FakeTwilio, postgres_url: str) -> None:
    bots = [leader, standby]
    sid = Sids()
    await leader.start()  # the first process takes the scheduler
    for who in [MODERATOR, *MEMBERS]:
        assert await leader.post(sid(who, "JOIN"))
    await wait_until(lambda: drained(postgres_url))
    await standby.start()  # the second one waits; both take webhooks
    assert await standby.post(sid(MODERATOR, f'SESSION NEW "{TITLE}" 7m 1h | Online | 50'))
    await wait_until(lambda: exists(postgres_url, "SELECT count(*) FROM sessions"))
    for n, who in enumerate(MEMBERS):  # places taken through both processes
        assert await bots[n % 2].post(sid(who, "RSVP 1"))
    going = f"SELECT count(*) = {len(MEMBERS)} FROM session_rsvps WHERE state = 'going'"
    await wait_until(lambda: exists(postgres_url, going))
    pending = "SELECT count(*) FROM jobs WHERE kind = 'session_reminder' AND state = 'pending'"
    assert await value(postgres_url, pending) == 1  # not due yet: the kill comes while it is sent

    quiet = "SELECT count(*) = 0 FROM outbox WHERE state IN ('pending', 'sending')"
    await wait_until(lambda: exists(postgres_url, quiet))  # the answers are out: what comes next is reminders
    fake.hold_next()  # the first reminder Twilio takes is answered only after the kill
    await wait_until(lambda: fake.holding > 0, 30)
    assert TITLE in fake.accepted[-1]["Body"]  # the message held is a reminder
    holder = await value(postgres_url, "SELECT holder FROM scheduler_lease")
    assert f":{leader.process.pid}:" in str(holder)  # the leader is the one sending
    leader.kill()
    killed = time.monotonic()
    fake.held.set()

    await wait_until(lambda: sum(reminders(fake).values()) >= len(MEMBERS), 30)
    took_over = time.monotonic() - killed
    await wait_until(lambda: drained(postgres_url), 30)
    standby.stop()

    got = reminders(fake)
    assert {who: got[who] for who in MEMBERS} == dict.fromkeys(MEMBERS, 1)  # each exactly once
    assert took_over < 15, took_over  # within seconds, not after a lease ran out
    assert await value(postgres_url, "SELECT count(*) FROM scheduler_lease") == 0  # released as it stopped
    jobs = await value(
        postgres_url, "SELECT count(*) FROM jobs WHERE kind = 'session_reminder' AND state = 'done'"
    )
    assert jobs == 1
    # The reminder Twilio held when the leader died may or may not have arrived, for all the bot knows:
    # it is marked so, never sent again (and here it did arrive, once).
    rows = await value(
        postgres_url,
        "SELECT count(*) FROM outbox o JOIN deliveries d ON d.id = o.delivery_id WHERE d.kind = 'reminder'"
        " AND o.state IN ('sent', 'unknown')",
    )
    assert rows == len(MEMBERS)  # one row each, all settled
