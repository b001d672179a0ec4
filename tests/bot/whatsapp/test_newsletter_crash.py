"""A newsletter sent to every opted-in WhatsApp member survives kill -9 in the middle of its send: the real
`communitybot run`, signed webhooks and a fake Twilio API on 127.0.0.1. After the restarts each member got
the issue exactly once: nobody twice, nobody left out, nothing left `unknown`."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_crash import Bot, drained, form

MODERATOR = "whatsapp:+15550009999"
MEMBERS = [f"whatsapp:+1555100{n:04d}" for n in range(1, 121)]
HIGHLIGHT = "Tasting day on Saturday at the roastery"


async def wait_until(predicate: Callable[[], bool | Awaitable[bool]], seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.02)):
        found = predicate()
        if found if isinstance(found, bool) else await found:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


def newsletters(fake: FakeTwilio) -> Counter[str]:
    return Counter(f["To"] for f in fake.accepted if HIGHLIGHT in f.get("Body", ""))


async def test_kill_9_during_a_newsletter_send_reaches_every_member_once(
    tmp_path: Path, fake: FakeTwilio
) -> None:
    (tmp_path / "community.toml").write_text(
        f'[community]\nname = "Crash Club"\n[roles]\nmoderators = ["{MODERATOR}"]\n', encoding="utf-8"
    )
    database = tmp_path / "data" / "bot.db"
    bot = Bot(tmp_path, fake)
    await bot.start()
    people = [MODERATOR, *MEMBERS]
    for start in range(0, len(people), 20):  # everyone opts in (and opens their 24-hour window)
        chunk = people[start : start + 20]
        assert all(await asyncio.gather(*(bot.post(form(p, "JOIN", f"SMjoin{p[-4:]}")) for p in chunk)))
    await wait_until(lambda: drained(database))
    await bot.post(form(MODERATOR, f"NEWSLETTER ADD {HIGHLIGHT}", "SMadd"))
    assert await bot.post(form(MODERATOR, "NEWSLETTER SEND", "SMsend"))

    await wait_until(lambda: len(newsletters(fake)) >= 25)
    bot.kill()  # in the middle of the send: outbox rows pending, a page maybe half-handed
    await bot.start()
    await wait_until(lambda: len(newsletters(fake)) >= 60)
    fake.hold_next()  # the next kill comes while Twilio holds a message it has taken
    await wait_until(lambda: fake.holding > 0)
    bot.kill()
    fake.held.set()
    await bot.start()
    await wait_until(lambda: drained(database), 60)
    bot.stop()

    got = newsletters(fake)
    assert {to for to, n in got.items() if n > 1} == set()  # nobody twice
    assert set(got) == set(people)  # nobody left out: every opted-in member, the moderator too
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE state = 'unknown'").fetchone() == (0,)
        reached = db.execute("SELECT count(*) FROM broadcast_deliveries").fetchone()[0]
    assert reached == len(people)
