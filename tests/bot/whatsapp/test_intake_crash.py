"""The real `communitybot run` killed with SIGKILL after it answered webhooks it had not handled yet: the
next start handles each of them, once."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_crash import MEMBERS, Bot, drained, form

BURST = 200


def stored(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM intake").fetchone()[0])


async def test_messages_answered_but_not_handled_before_a_kill_are_handled_once_after_it(
    tmp_path: Path, fake: FakeTwilio
) -> None:
    (tmp_path / "community.toml").write_text('[community]\nname = "Crash Club"\n', encoding="utf-8")
    database = tmp_path / "data" / "bot.db"
    bot = Bot(tmp_path, fake)
    await bot.start()
    for who in MEMBERS:
        assert await bot.post(form(who, "JOIN", f"SMjoin{who[-4:]}"))

    answered: dict[str, str] = {}  # token -> the member who asked
    caught = 0
    for round_ in range(2):  # a burst answered faster than it is handled: the kill finds some waiting
        burst = {
            f"t{round_}x{n:04d}": form(
                MEMBERS[n % len(MEMBERS)], f"HELP t{round_}x{n:04d}", f"SMr{round_}n{n}"
            )
            for n in range(BURST)
        }
        results = await asyncio.gather(*(bot.post(webhook) for webhook in burst.values()))
        bot.kill()  # the moment the last answer came back
        answered |= {token: burst[token]["From"] for token, ok in zip(burst, results, strict=True) if ok}
        caught += stored(database)
        await bot.start()
    assert caught > 0, "no kill found an answered message still waiting: the test proved nothing"

    for _ in range(600):
        if await drained(database):
            break
        await asyncio.sleep(0.05)
    bot.stop()
    assert stored(database) == 0
    for token, member in answered.items():
        replies = [f for f in fake.accepted if f["To"] == member and token in f.get("Body", "")]
        assert len(replies) == 1, (token, len(replies))  # handled after the restart, and only once
