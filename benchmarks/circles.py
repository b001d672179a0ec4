"""Circles benchmark: a circle of WhatsApp members and a bridged channel under a steady flow of chat.

    .venv/bin/python benchmarks/circles.py                        # 50 members, 20 messages/s for 30 s
    .venv/bin/python benchmarks/circles.py --members 10 --messages 20 --rate 50   # a quick one

1. Setup (not timed): the real WhatsApp adapter (signed webhooks through its aiohttp server, its intake,
   outbox and sender) on a real SQLite file, against the fake Twilio API on 127.0.0.1; `--members` WhatsApp
   members join the community and the circle by webhook; the bridged channel is a recording channel
   messenger (where Discord's would post).
2. The run: `--messages` signed webhooks at `--rate` per second, each from one of `--writers` members, each
   with a token of its own. Latency: from sending the webhook to the moment its unit of work committed the
   relayed message with one outbox row per member and the channel post (the dispatcher is handed them).
   By default the sender waits until the run is over (the relay path alone); `--send-during` has it hand
   the outbox to the fake Twilio API meanwhile, in the same event loop as the fake API itself, or with
   `--fake-process` in a process of its own (as Twilio is remote), at most `--send-rate` a second (Twilio
   sends 80 a second per WhatsApp sender by default, 400 at most). The webhook's
   own answer time (stored in the intake, acknowledged to Twilio) is the floor of that path,
   measured in the same run.
3. The check: once the sender drained the outbox, every message reached each other member exactly once on
   the fake Twilio API (nothing missing, nothing twice) and was posted once in the channel.

Bar (issue 18): relay p99 under 100 ms at 50 members and 20 messages/s. Nothing here is kill -9: the
exactly-once check across a restart is tests/bot/whatsapp/test_circles_whatsapp.py (in process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.points import percentile
from bot.formats import TEXTS
from bot.messenger import MessengerRouter
from bot.web import WebServer
from bot.whatsapp.adapter import WhatsAppAdapter
from bot.whatsapp.twilio_client import TwilioMessages
from config.community import CommunityFile
from config.settings import TwilioSettings
from config.whatsapp import WhatsAppCommunity
from handlers.delivery import Delivery, Queued
from handlers.features import FEATURES
from handlers.install import build_core
from handlers.platforms import Platforms
from storage.store import Store
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

PUBLIC = "https://bot.example.com"
BOT_NUMBER = "whatsapp:+14155238886"
BAR_MS = 100.0


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Channel:
    """The bridged channel: what was posted there."""

    def __init__(self) -> None:
        self.posts: list[str] = []

    async def deliver(self, delivery: Delivery) -> None:
        self.posts.append(delivery.reply.text)


def number(n: int) -> str:
    return f"whatsapp:+1555{n:07d}"


async def bench(
    folder: Path,
    members: int,
    messages: int,
    rate: float,
    writers: int,
    send_during: bool,
    fake_process: bool = False,
    send_rate: int = 1000,
) -> bool:
    fake: FakeTwilio | RemoteFake = RemoteFake(folder / "accepted.json") if fake_process else FakeTwilio()
    await fake.start()
    store = await Store.open(folder / "circles.db", "bench")
    community = CommunityFile.model_validate(
        {
            "community": {"name": "Bench", "timezone": "Europe/Paris"},
            "circle": {"rate_limit": 1000},
            "circles": [{"name": "runners", "size": max(members, 2), "channel": "runners"}],
        }
    )
    router = MessengerRouter()
    channel = Channel()
    router.add("console", channel, posts_to_channels=True)
    platforms = Platforms(
        running=frozenset({"whatsapp", "console"}),
        idempotent=frozenset({"whatsapp"}),
        durable_replies=frozenset({"whatsapp"}),
    )
    core = build_core(store.services(community, WallClock()), router, FEATURES, platforms, texts=TEXTS)
    await core.start()
    api = TwilioMessages(ACCOUNT_SID, SecretStr(AUTH_TOKEN), fake.base_url, timeout=5.0)
    await api.open()
    settings = TwilioSettings(
        account_sid=ACCOUNT_SID,
        auth_token=SecretStr(AUTH_TOKEN),
        whatsapp_from=BOT_NUMBER,
        api_base_url=fake.base_url,
        messages_per_second=send_rate,
    )
    whatsapp = community.section(WhatsAppCommunity)
    adapter = WhatsAppAdapter(core, store, WallClock(), settings, PUBLIC, whatsapp, api=api)
    router.add("whatsapp", adapter.messenger, posts_to_channels=False)
    web = WebServer("127.0.0.1", 0, _true)
    adapter.mount(web.app)
    await web.start()
    local = f"http://127.0.0.1:{web.bound_port}/twilio/whatsapp"
    validator = RequestValidator(AUTH_TOKEN)
    sids = iter(range(1, 10_000_000))

    committed: dict[str, float] = {}
    dispatch = core.dispatcher.dispatch

    async def timed_dispatch(rows: Sequence[Queued]) -> None:
        now = time.perf_counter()
        for row in rows:
            token = _token(row.reply.text)
            if token is not None and row.channel is not None:  # the channel post: the unit's last row
                committed.setdefault(token, now)
        await dispatch(rows)

    core.dispatcher.dispatch = timed_dispatch  # type: ignore[method-assign]

    sending = True
    paused = asyncio.Event()
    paused.set()

    async def sender() -> None:
        while sending:
            await paused.wait()
            if not await adapter.worker.run_once():
                await asyncio.sleep(0.005)

    async def post(http: aiohttp.ClientSession, who: str, text: str) -> float:
        params = {
            "MessageSid": f"SM{next(sids):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": who,
            "To": BOT_NUMBER,
            "WaId": who.removeprefix("whatsapp:+"),
            "ProfileName": f"Runner {who[-3:]}",
            "Body": text,
            "NumMedia": "0",
        }
        signature = validator.compute_signature(PUBLIC + "/twilio/whatsapp", params)
        started = time.perf_counter()
        async with http.post(local, data=params, headers={"X-Twilio-Signature": signature}) as response:
            await response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - started

    worker = asyncio.get_running_loop().create_task(sender())
    ok = True
    try:
        async with aiohttp.ClientSession() as http:
            everyone = [number(n) for n in range(members)]
            await asyncio.gather(*(post(http, who, "JOIN") for who in everyone))
            await adapter.intake.idle()
            await asyncio.gather(*(post(http, who, "CIRCLE JOIN runners") for who in everyone))
            await adapter.intake.idle()
            await core.settle()
            joined = await store.db.fetch_one("SELECT count(*) FROM circle_members")
            assert joined is not None and joined[0] == members, joined

            if not send_during:
                paused.clear()  # the relay path alone; the sender drains the outbox after the run
            rng = random.Random(18)
            sent_at: dict[str, float] = {}
            writer_of: dict[str, str] = {}
            answers: list[float] = []
            start = time.perf_counter()

            async def one(i: int) -> None:
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                token = f"tok{i:06d}"
                who = everyone[rng.randrange(min(writers, members))]
                writer_of[token] = who
                sent_at[token] = time.perf_counter()
                answers.append(await post(http, who, f"Run report {token}: {rng.randint(3, 21)} km today"))

            await asyncio.gather(*(one(i) for i in range(messages)))
            elapsed = time.perf_counter() - start
            await adapter.intake.idle()
            await core.settle()
            paused.set()
            draining = time.perf_counter()
            for _ in range(60_000):  # the sender drains the outbox (at most ten minutes)
                row = await store.db.fetch_one(
                    "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
                )
                if row is not None and row[0] == 0:
                    break
                await asyncio.sleep(0.01)
            drained = time.perf_counter() - draining
    finally:
        sending = False
        paused.set()
        await worker
        await web.stop()
        await adapter.intake.stop()
        await core.settle()
        await api.close()
        await store.close()
        await fake.stop()

    latencies = [(committed[t] - sent_at[t]) * 1000 for t in sent_at if t in committed]
    webhook = [a * 1000 for a in answers]
    during = "sending during the run" if send_during else "the outbox drained after the run"
    during += f", at most {send_rate}/s" if send_during else ""
    during += ", the fake Twilio API in a process of its own" if fake_process else ""
    print(
        f"{members} WhatsApp members in one circle + a bridged channel; {messages} messages at {rate:g}/s "
        f"from {min(writers, members)} members (sent in {elapsed:.1f} s; {during})"
    )
    print(
        f"relay webhook -> outbox committed: p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies, default=0):.1f} ms "
        f"(bar p99 < {BAR_MS:.0f} ms)"
    )
    print(
        f"floor, webhook acknowledged (stored in the intake): p50 {percentile(webhook, 0.5):.1f} ms, "
        f"p99 {percentile(webhook, 0.99):.1f} ms"
    )
    # exactly once: every message to each member but its writer, once; once in the channel
    delivered = Counter(
        (form["To"], _token(form.get("Body", ""))) for form in fake.accepted if _token(form.get("Body", ""))
    )
    expected = {(who, token) for token, writer in writer_of.items() for who in everyone if who != writer}
    missing = expected - set(delivered)
    extra = set(delivered) - expected
    twice = {k: n for k, n in delivered.items() if n > 1}
    posts = Counter(_token(p) for p in channel.posts)
    print(
        f"outbox drained {drained:.1f} s after the last webhook"
        + ("" if fake_process else " (the sender and the fake API share one loop)")
    )
    print(
        f"delivered {sum(delivered.values())} of {len(expected)} expected WhatsApp messages: "
        f"missing {len(missing)}, twice {len(twice)}, to the wrong member {len(extra)}; "
        f"channel posts {sum(posts.values())} for {messages} messages"
    )
    once = not missing and not twice and not extra and len(latencies) == messages
    once = once and set(posts) == set(writer_of) and all(n == 1 for n in posts.values())
    print(f"each relayed message reached each recipient exactly once: {once}")
    ok = ok and once
    return ok


FAKE_PROCESS = Path(__file__).resolve().parent / "fake_twilio_process.py"


class RemoteFake:
    """The fake Twilio API in a child process (benchmarks/fake_twilio_process.py), as Twilio is remote: its
    work is then not counted in the bot's loop. What it accepted is read back when it stops."""

    def __init__(self, accepted: Path) -> None:
        self.accepted_file = accepted
        self.accepted: list[dict[str, str]] = []
        self.port: int | None = None
        self._child: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._child = await asyncio.create_subprocess_exec(
            sys.executable, str(FAKE_PROCESS), str(self.accepted_file), stdout=asyncio.subprocess.PIPE
        )
        assert self._child.stdout is not None
        self.port = int((await self._child.stdout.readline()).decode())

    async def stop(self) -> None:
        if self._child is not None and self._child.returncode is None:
            self._child.send_signal(signal.SIGTERM)
            await self._child.wait()
            text = await asyncio.to_thread(self.accepted_file.read_text, encoding="utf-8")
            self.accepted = json.loads(text)


def _token(text: str) -> str | None:
    at = text.find("tok")
    return text[at : at + 9] if at >= 0 else None


async def _true() -> bool:
    return True


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument(
        "--send-during",
        action="store_true",
        help="the sender hands the outbox to the fake Twilio API during the run",
    )
    parser.add_argument(
        "--fake-process",
        action="store_true",
        help="run the fake Twilio API in a process of its own (as Twilio is remote), not in the bot's loop",
    )
    parser.add_argument(
        "--send-rate", type=int, default=1000, help="the sender's messages per second at most (Twilio's rate)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        ok = asyncio.run(
            bench(
                folder,
                args.members,
                args.messages,
                args.rate,
                args.writers,
                args.send_during,
                args.fake_process,
                args.send_rate,
            )
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
