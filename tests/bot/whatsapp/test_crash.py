"""Nothing lost, nothing twice: the real `communitybot run` killed with SIGKILL, over several rounds.

Signed webhooks (RequestValidator, as Twilio signs them) flood the bot with refused commands and moderator
awards from several members while the bot sends through a fake Twilio API on 127.0.0.1. The bot is killed
at random moments and while the fake API holds a request Twilio has already taken; webhooks it did not
acknowledge are sent again, as Twilio retries them, and so are some it did acknowledge. In the end every
acknowledged message was answered exactly once, every award was counted and told once, no message reached a
member twice, and nothing was left `unknown`.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import aiohttp

from tests.bot.cli_helpers import bot_env, healthy
from tests.bot.whatsapp.conftest import BOT_NUMBER, PUBLIC, sign
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

MODERATOR = "whatsapp:+15550009999"
MEMBERS = [f"whatsapp:+1555000{n:04d}" for n in range(1, 7)]
ROUNDS = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Bot:
    """One `communitybot run` process after another, on the same database."""

    def __init__(self, workdir: Path, fake: FakeTwilio) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.env = bot_env(
            workdir,
            COMMUNITYBOT_TWILIO__ACCOUNT_SID=ACCOUNT_SID,
            COMMUNITYBOT_TWILIO__AUTH_TOKEN=AUTH_TOKEN,
            COMMUNITYBOT_TWILIO__WHATSAPP_FROM=BOT_NUMBER,
            COMMUNITYBOT_TWILIO__API_BASE_URL=fake.base_url,
            COMMUNITYBOT_TWILIO__MESSAGES_PER_SECOND="40",
            COMMUNITYBOT_PUBLIC_BASE_URL=PUBLIC,
            COMMUNITYBOT_WEB__PORT=str(self.port),
            COMMUNITYBOT_LOG_LEVEL="WARNING",
        )
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        log = (self.workdir / "bot.log").open("ab")
        self.process = subprocess.Popen(  # noqa: ASYNC220 - a real process, waited for below
            [sys.executable, "-m", "bot", "run"], cwd=self.workdir, env=self.env, stdout=log, stderr=log
        )
        if not await healthy(self.port, 15.0):
            raise AssertionError("the bot did not start: " + (self.workdir / "bot.log").read_text()[-2000:])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(30) == 0

    async def post(self, form: dict[str, str]) -> bool:
        """One signed webhook; whether the bot acknowledged it (Twilio would retry it otherwise)."""
        headers = {"X-Twilio-Signature": sign(PUBLIC + "/twilio/whatsapp", form)}
        url = f"http://127.0.0.1:{self.port}/twilio/whatsapp"
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.post(url, data=form, headers=headers) as response,
            ):
                await response.read()
                return response.status == 200
        except (aiohttp.ClientError, OSError):
            return False


def form(sender: str, text: str, sid: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "To": BOT_NUMBER,
        "WaId": sender.removeprefix("whatsapp:+"),
        "ProfileName": "Member " + sender[-4:],
        "Body": text,
        "NumMedia": "0",
    }


async def drained(database: Path) -> bool:
    with sqlite3.connect(database) as db:
        pending = db.execute(
            "SELECT (SELECT count(*) FROM deliveries WHERE state IN ('pending', 'sending'))"
            " + (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending'))"
            " + (SELECT count(*) FROM intake)"
        ).fetchone()[0]
    return pending == 0


async def test_kill_9_over_several_rounds_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path, fake: FakeTwilio
) -> None:
    (tmp_path / "community.toml").write_text(
        f'[community]\nname = "Crash Club"\n[roles]\nmoderators = ["{MODERATOR}"]\n', encoding="utf-8"
    )
    database = tmp_path / "data" / "bot.db"
    rng = random.Random(int(os.environ.get("CRASH_SEED", "12")))
    bot = Bot(tmp_path, fake)
    await bot.start()
    for who in [MODERATOR, *MEMBERS]:  # everyone opts in first
        assert await bot.post(form(who, "JOIN", f"SMjoin{who[-4:]}"))
    handles = {who: "member_" + who[-4:] for who in MEMBERS}  # made from the profile names

    webhooks: dict[str, dict[str, str]] = {}
    acknowledged: set[str] = set()
    awards: dict[str, str] = {}  # reason token -> the member awarded
    sequence = 0
    for round_ in range(ROUNDS):
        batch = []
        for _ in range(30):
            sequence += 1
            sid = f"SM{sequence:032x}"
            if rng.random() < 0.3:
                member = rng.choice(MEMBERS)
                token = f"award{sequence:04d}"
                awards[token] = member
                webhooks[sid] = form(MODERATOR, f"AWARD @{handles[member]} 5 {token}", sid)
            else:  # a refused command: the path where a rolled-back command once took a mark with it
                webhooks[sid] = form(rng.choice(MEMBERS), f"HELP topic{sequence:04d}", sid)
            batch.append(sid)
        # Twilio retries what was not acknowledged, and sometimes what was.
        retries = [s for s in webhooks if s not in acknowledged and s not in batch]
        retries += rng.sample(sorted(acknowledged), min(3, len(acknowledged)))
        hold = round_ % 2 == 1
        if hold:
            fake.hold_next()  # the kill comes while Twilio holds a message it has taken
        posts = [asyncio.create_task(bot.post(webhooks[s])) for s in [*retries, *batch]]
        if hold:
            for _ in range(400):
                if fake.holding:
                    break
                await asyncio.sleep(0.01)
        else:
            await asyncio.sleep(rng.uniform(0.3, 1.5))
        bot.kill()
        fake.held.set()
        for sid, ok in zip([*retries, *batch], await asyncio.gather(*posts), strict=True):
            if ok:
                acknowledged.add(sid)
        await bot.start()

    for _ in range(3):  # the last retries, until every webhook was acknowledged once
        missing = [s for s in webhooks if s not in acknowledged]
        for sid in missing:
            if await bot.post(webhooks[sid]):
                acknowledged.add(sid)
    assert acknowledged == set(webhooks)
    for _ in range(600):
        if await drained(database):
            break
        await asyncio.sleep(0.05)
    bot.stop()

    bodies = Counter((f["To"], f.get("Body", "")) for f in fake.accepted)
    twice = {body: n for body, n in bodies.items() if n > 1 and ("topic" in body[1] or "award" in body[1])}
    assert not twice, twice  # no member got any message twice
    with sqlite3.connect(database) as db:
        unknown = db.execute("SELECT body FROM outbox WHERE state = 'unknown'").fetchall()
        entries = Counter(row[0] for row in db.execute("SELECT reason FROM ledger WHERE kind = 'award'"))
        sums = db.execute(
            "SELECT count(*) FROM balances b WHERE balance <>"
            " (SELECT coalesce(sum(delta), 0) FROM ledger l WHERE l.member_id = b.member_id)"
        ).fetchone()[0]
    assert sums == 0
    assert all(n == 1 for n in entries.values()) and set(entries) == set(awards)  # each award counted once
    # A message the crash interrupted was settled at the next start by asking Twilio what it had taken:
    # recorded if it had arrived, sent again if not. Nothing was left unknown.
    assert unknown == []
    texts = [f.get("Body", "") for f in fake.accepted]
    for sid, webhook in webhooks.items():
        text = webhook["Body"]
        token = text.split()[-1] if text.startswith("AWARD") else text.split()[1]
        answered = [t for t in texts if token in t and t.startswith(("There is no", "Awarded"))]
        assert len(answered) == 1, (sid, text, answered)  # each acknowledged message answered exactly once
    for token, member in awards.items():
        notices = [f for f in fake.accepted if f["To"] == member and token in f.get("Body", "")]
        assert len(notices) == 1, (token, member)  # the member was told once
