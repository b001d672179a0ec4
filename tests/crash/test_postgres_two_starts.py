"""Two real `communitybot run` processes started at once on one fresh PostgreSQL database: both run the
features' start-up hooks (configured shop items and circles synced, recurring work planned) at about the
same time, and one of them leads. Each configured row and each planned job is in the database once.

Then both stop, the newsletter's occurrence is moved a week back (as if the processes had been down when it
fell due), and both start at once again: the overdue issue is compiled once, by the leader, and the next
one is planned once; the leader stops, and the standby that takes over (running the start-up hooks again)
neither compiles it again nor plans or syncs anything twice.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg

from handlers.challenges._state import RECUR_JOB
from handlers.health._rollup import ROLLUP_JOB
from handlers.newsletter._state import ISSUE_JOB
from handlers.nps._state import START_JOB
from storage.sqlite.times import to_db
from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_newsletter_crash import wait_until
from tests.crash.test_postgres_failover import exists, two_bots, value
from tests.crash.test_postgres_leader_traffic import leads, role

MODERATOR = "whatsapp:+15550049999"
COMMUNITY = f"""
[community]
name = "Two Starts Club"
timezone = "UTC"

[roles]
moderators = ["{MODERATOR}"]

[[shop.items]]
key = "discount"
name = "15% off your next order"
cost = 100
per_member_limit = 1
fulfilment = "codes"
codes = ["TWO-1", "TWO-2", "TWO-3"]

[[shop.items]]
key = "founder"
name = "30 minutes with the founder"
cost = 500
stock = 5
fulfilment = "manual"

[[circles]]
name = "runners"
size = 50

[[circles]]
name = "makers"
size = 10

[[challenges.recurring]]
key = "weekly"
title = "Mug of the week"
description = "Show us your mug this week"
cron = "0 9 * * MON"
duration = "6d"

[nps]
enabled = true
cron = "0 10 1 1,4,7,10 *"

[newsletter]
cron = "0 9 * * mon"
"""

PLANNED = {ISSUE_JOB, START_JOB, RECUR_JOB, ROLLUP_JOB}
"""One recurring job each: what the start-up hooks plan."""
STARTED = {
    "communities": 1,
    "shop_items": 2,
    "shop_codes": 3,
    "circles": 2,
    "jobs": len(PLANNED),
    "scheduler_lease": 1,
}
"""Every table with rows after two start-ups and no traffic (the migrations' own table aside)."""


async def counts(url: str) -> dict[str, int]:
    """Rows of every table that has any (schema_migrations aside)."""
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename <> 'schema_migrations' ORDER BY tablename"
        )
        found = {row[0]: await connection.fetchval(f'SELECT count(*) FROM "{row[0]}"') for row in tables}
    finally:
        await connection.close()
    return {table: n for table, n in found.items() if n}


async def rows(url: str, sql: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


async def overdue_newsletter(url: str) -> None:
    """The pending issue moved one week back, its series key and payload with it (the cron is weekly)."""
    connection = await asyncpg.connect(url)
    try:
        job = await connection.fetchrow(
            f"SELECT id, payload FROM jobs WHERE kind = '{ISSUE_JOB}' AND state = 'pending'"
        )
        payload = json.loads(job["payload"])
        fire = datetime.fromisoformat(payload["fire"]) - timedelta(days=7)
        payload["fire"] = fire.isoformat()
        await connection.execute(
            "UPDATE jobs SET run_at = $1, payload = $2, key = $3 WHERE id = $4",
            to_db(fire),
            json.dumps(payload),
            f"{payload['series']}@{fire.isoformat()}",
            job["id"],
        )
    finally:
        await connection.close()


async def test_two_processes_starting_at_once_plan_and_sync_everything_once_and_run_a_due_job_once(
    tmp_path: Path, fake: FakeTwilio, postgres_url: str
) -> None:
    bots = two_bots(tmp_path, fake, postgres_url, COMMUNITY)
    try:
        await asyncio.gather(*(bot.start() for bot in bots))  # migrations and start-up hooks at once
        assert await counts(postgres_url) == STARTED
        jobs = await rows(postgres_url, "SELECT kind, state FROM jobs ORDER BY kind")
        assert sorted(row["kind"] for row in jobs) == sorted(PLANNED)  # each planned once
        assert {row["state"] for row in jobs} == {"pending"}
        items = await rows(postgres_url, "SELECT key, stock, active FROM shop_items ORDER BY key")
        assert [tuple(row) for row in items] == [("discount", None, 1), ("founder", 5, 1)]
        for bot in bots:
            bot.stop()

        await overdue_newsletter(postgres_url)
        await asyncio.gather(*(bot.start() for bot in bots))  # again at once: one leads, and catches up
        done = f"SELECT count(*) FROM jobs WHERE kind = '{ISSUE_JOB}' AND state = 'done'"
        await wait_until(lambda: exists(postgres_url, done), 15)
        # The leader stops and the standby takes over: it runs the start-up hooks again, as a new leader.
        roles = [await role(bot) for bot in bots]
        leader, standby = bots if roles == ["leader", "standby"] else bots[::-1]
        assert sorted(roles) == ["leader", "standby"]
        leader.stop()
        await wait_until(lambda: leads(standby), 15)
        standby.stop()
        issues = await rows(postgres_url, f"SELECT state FROM jobs WHERE kind = '{ISSUE_JOB}' ORDER BY state")
        assert [row["state"] for row in issues] == ["done", "pending"]  # ran once, the next planned once
        assert await value(postgres_url, "SELECT count(*) FROM newsletter_issues") == 1  # compiled once
        told = await rows(postgres_url, "SELECT kind, channel FROM deliveries")
        assert [tuple(row) for row in told] == [("moderation", "moderators")]  # "skipped", said once
        stopped = {table: n for table, n in STARTED.items() if table != "scheduler_lease"}  # released
        after = {"jobs": len(PLANNED) + 1, "newsletter_issues": 1, "deliveries": 1}
        assert await counts(postgres_url) == stopped | after
    finally:
        for bot in bots:
            if bot.process is not None and bot.process.poll() is None:
                bot.kill()
