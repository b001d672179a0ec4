"""`communitybot run` with a Discord token: the real start-up path up to the network edge.

Discord's REST API is a loopback aiohttp server (discord.py's own HTTP client talks to it, token header
and all); the gateway connection is the one thing replaced, by a stand-in that records the intents.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.app import Application
from bot.discord.adapter import DiscordStartError
from bot.discord.client import CommunityBot
from config.community import CommunityFile
from config.settings import DiscordSettings, Settings
from tests.bot.cli_helpers import communitybot

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.fake.token-never-sent-anywhere-else"
GUILD = 1_111_111_111_111_111_111
APP = 2_222_222_222_222_222_222


@dataclass
class FakeDiscordApi:
    port: int = 0
    authorizations: list[str] = field(default_factory=list)
    synced: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@pytest.fixture
async def api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscordApi]:
    state = FakeDiscordApi()
    bot_user = {"id": str(APP), "username": "clubbot", "discriminator": "0", "avatar": None, "bot": True}

    async def me(request: web.Request) -> web.Response:
        state.authorizations.append(request.headers.get("Authorization", ""))
        if request.headers.get("Authorization") != f"Bot {TOKEN}":
            return as_json({"message": "401: Unauthorized", "code": 0}, status=401)
        return as_json(bot_user)

    async def application(request: web.Request) -> web.Response:
        return as_json(
            {
                "id": str(APP),
                "name": "clubbot",
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": bot_user,
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    async def sync(request: web.Request) -> web.Response:
        commands = await request.json()
        state.synced[request.match_info["guild"]] = commands
        return as_json(
            [
                {**c, "id": str(n + 1), "application_id": str(APP), "version": "1"}
                for n, c in enumerate(commands)
            ]
        )

    app = web.Application()
    app.router.add_get("/api/v10/users/@me", me)
    app.router.add_get("/api/v10/oauth2/applications/@me", application)
    app.router.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", sync)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{state.port}/api/v10")
    yield state
    await runner.cleanup()


def as_json(data: Any, status: int = 200) -> web.Response:
    # discord.py reads a body as JSON only when the content type is exactly application/json.
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


def settings_for(tmp_path: Path, token: str | None = TOKEN, guild: int | None = GUILD) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=tmp_path / "bot.db",
        discord=DiscordSettings(token=SecretStr(token) if token else None, guild_id=guild),
    )


def gateway(monkeypatch: pytest.MonkeyPatch, refuse: BaseException | None = None) -> list[discord.Intents]:
    """Replace only the websocket: record the intents the bot would identify with."""
    identified: list[discord.Intents] = []
    closed = asyncio.Event()
    close = CommunityBot.close

    async def connect(self: CommunityBot, *, reconnect: bool = True) -> None:
        identified.append(self.intents)
        if refuse is not None:
            raise refuse
        self._ready.set()  # READY
        await closed.wait()

    async def closing(self: CommunityBot) -> None:
        await close(self)
        closed.set()

    monkeypatch.setattr(CommunityBot, "connect", connect)
    monkeypatch.setattr(CommunityBot, "close", closing)
    return identified


async def test_run_with_a_token_logs_in_syncs_commands_and_connects_with_the_intents(
    tmp_path: Path, api: FakeDiscordApi, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    identified = gateway(monkeypatch)
    app = Application(settings_for(tmp_path), CommunityFile(), web=False)
    with caplog.at_level(logging.DEBUG):
        await app.start()
        try:
            assert app.discord is not None and app.console is None
            assert api.authorizations == [f"Bot {TOKEN}"]
            [intents] = identified
            assert intents.members and intents.message_content  # the two privileged ones
            assert intents.guilds and intents.guild_messages and intents.dm_messages
            assert intents.guild_reactions and intents.invites and not intents.presences
            names = {c["name"] for c in api.synced[str(GUILD)]}  # synced to the configured guild
            assert {"points", "shop", "award", "help", "join"} <= names
            assert await app._healthy()
        finally:
            await app.stop()
    assert TOKEN not in caplog.text


async def test_missing_privileged_intents_end_the_start_with_what_to_switch_on(
    tmp_path: Path, api: FakeDiscordApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway(monkeypatch, refuse=discord.PrivilegedIntentsRequired(None))
    app = Application(settings_for(tmp_path), CommunityFile(), web=False)
    with pytest.raises(DiscordStartError) as error:
        await app.start()
    assert "SERVER MEMBERS INTENT and MESSAGE CONTENT INTENT" in str(error.value)
    assert app.store is None and app.discord is None  # everything already stopped


async def test_a_rejected_token_ends_the_start_with_a_clear_line(
    tmp_path: Path, api: FakeDiscordApi, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    identified = gateway(monkeypatch)
    app = Application(settings_for(tmp_path, token="wrong-token"), CommunityFile(), web=False)
    with pytest.raises(DiscordStartError) as error:
        await app.start()
    assert "Discord rejected COMMUNITYBOT_DISCORD__TOKEN" in str(error.value)
    assert identified == []  # never reached the gateway
    assert "wrong-token" not in caplog.text and "wrong-token" not in str(error.value)


def test_a_token_without_a_guild_id_exits_with_one_line(tmp_path: Path) -> None:
    result = communitybot(tmp_path, "run", COMMUNITYBOT_DISCORD__TOKEN=TOKEN, COMMUNITYBOT_WEB__PORT="0")
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        "COMMUNITYBOT_DISCORD__TOKEN is set but COMMUNITYBOT_DISCORD__GUILD_ID is not: "
        "set it to the id of the community's Discord server"
    )
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr + result.stdout


def flaky_gateway(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    """A gateway whose first `failures` connections end, a moment after READY, with an error discord.py does
    not recover from (a payload it could not parse); the next stays up."""
    attempts: list[int] = []
    closed = asyncio.Event()
    close = CommunityBot.close

    async def connect(self: CommunityBot, *, reconnect: bool = True) -> None:
        attempts.append(len(attempts) + 1)
        self._ready.set()
        if len(attempts) == 1:
            await asyncio.sleep(0.05)  # up for a moment after the start
        if len(attempts) <= failures:
            raise KeyError("'type'")  # what a parse error in discord.py's gateway looks like
        await closed.wait()

    async def closing(self: CommunityBot) -> None:
        await close(self)
        closed.set()

    monkeypatch.setattr(CommunityBot, "connect", connect)
    monkeypatch.setattr(CommunityBot, "close", closing)
    monkeypatch.setattr("bot.discord.adapter.RECONNECT_DELAYS", (0.01, 0.01, 0.01))
    return attempts


async def test_a_connection_that_dies_of_a_gateway_error_is_made_again(
    tmp_path: Path, api: FakeDiscordApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = flaky_gateway(monkeypatch, failures=2)
    app = Application(settings_for(tmp_path), CommunityFile(), web=False)
    await app.start()
    try:
        for _ in range(100):
            if len(attempts) >= 3:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.05)
        assert len(attempts) == 3  # two failures, each followed by a new connection
        assert await app._healthy() and app.failure is None
    finally:
        await app.stop()


async def test_when_every_reconnection_fails_the_program_stops_to_be_restarted(
    tmp_path: Path, api: FakeDiscordApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = flaky_gateway(monkeypatch, failures=99)
    app = Application(settings_for(tmp_path), CommunityFile(), web=False)
    await app.start()
    try:
        await asyncio.wait_for(app.failed.wait(), 5)
        assert app.failure is not None and app.failure.startswith(
            "could not reconnect to Discord after 3 tries"
        )
        assert len(attempts) == 4 and not await app._healthy()
    finally:
        await app.stop()


async def test_only_the_scheduler_leader_connects_to_discord_and_a_standby_is_healthy(
    tmp_path: Path, api: FakeDiscordApi, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    identified = gateway(monkeypatch)
    apps = []
    for name in ("a", "b"):
        settings = settings_for(tmp_path / name)
        settings.database_url = SecretStr(postgres_url)
        apps.append(Application(settings, CommunityFile(), web=False))
    first, second = apps
    await first.start()
    try:
        await second.start()
        try:
            assert len(identified) == 1  # the guild's events go to one connection: the leader's
            assert (first.role(), second.role()) == ("leader", "standby")
            assert await second._healthy()  # a standby, not broken
            await first.stop()
            assert second.scheduler is not None
            await second.scheduler.tick()  # the lease is free: the standby takes the lead, and Discord
            assert len(identified) == 2 and second.role() == "leader" and await second._healthy()
        finally:
            await second.stop()
    finally:
        await first.stop()
