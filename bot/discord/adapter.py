"""The Discord adapter as the application starts and stops it: login, gateway, health."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import discord

from bot.discord.client import CommunityBot
from bot.discord.messenger import DiscordMessenger, PostLocations
from bot.media import MediaKeeper
from config.discord import DiscordCommunity
from config.settings import DiscordSettings
from handlers.core import Core

log = logging.getLogger(__name__)

READY_TIMEOUT = 60.0
"""Seconds start() waits for the gateway; past that the bot keeps connecting in the background."""
RECONNECT_DELAYS = (2.0, 5.0, 15.0, 30.0, 60.0, 120.0)
"""Seconds before each new connection after the gateway connection ended with an error discord.py does not
recover from itself; when the last fails too, the process exits non-zero so its supervisor restarts it."""
PORTAL = "https://discord.com/developers/applications"
INTENTS_HELP = (
    "Discord refused the privileged intents: in the developer portal ({portal}) open your application → "
    "Bot → Privileged Gateway Intents, switch on SERVER MEMBERS INTENT and MESSAGE CONTENT INTENT, "
    "save, and start the bot again."
)
TOKEN_HELP = (
    "Discord rejected COMMUNITYBOT_DISCORD__TOKEN: copy the bot token again from the developer portal "
    "({portal} → your application → Bot → Reset Token)."
)


FATAL_CLOSE_CODES = (4004, 4010, 4011, 4012, 4013, 4014)
"""Gateway close codes no reconnection can fix: authentication, sharding, version, intents."""


class DiscordStartError(SystemExit):
    """The bot cannot run on Discord until its configuration is fixed: ends the program with the reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def explain(error: BaseException) -> str:
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return INTENTS_HELP.format(portal=PORTAL)
    if isinstance(error, discord.LoginFailure):
        return TOKEN_HELP.format(portal=PORTAL)
    if isinstance(error, discord.ConnectionClosed) and error.code in (4004,):
        return TOKEN_HELP.format(portal=PORTAL)
    if isinstance(error, RuntimeError) and str(error).startswith("could not reconnect"):
        return str(error)
    return f"could not connect to Discord: {type(error).__name__}: {error}"


class DiscordAdapter:
    def __init__(
        self,
        core: Core,
        config: DiscordCommunity,
        settings: DiscordSettings,
        on_fatal: Callable[[str], None] = lambda reason: None,
        posts: PostLocations | None = None,
        media: MediaKeeper | None = None,
    ) -> None:
        if settings.token is None or settings.guild_id is None:
            raise DiscordStartError(
                "COMMUNITYBOT_DISCORD__TOKEN is set but COMMUNITYBOT_DISCORD__GUILD_ID is not: "
                "set it to the id of the community's Discord server"
            )
        self._token = settings.token  # a SecretStr: revealed only to discord.py, never logged
        self.bot = CommunityBot(core, config, settings.guild_id)
        self.messenger = DiscordMessenger(self.bot, posts)
        self.bot.media = media
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._failures = 0
        self._gave_up: str | None = None
        self._on_fatal = on_fatal
        self.bot.add_listener(self._connected, "on_ready")
        self.bot.add_listener(self._connected, "on_resumed")

    @property
    def healthy(self) -> bool:
        """False once the gateway connection has ended for good."""
        return self._task is not None and not self._task.done()

    async def _connected(self) -> None:
        self._failures = 0  # a working connection: the next failure starts the backoff again

    async def start(self) -> None:
        """Log in and connect; raises DiscordStartError with what to fix when Discord refuses us."""
        try:
            await self.bot.login(self._token.get_secret_value())
        except (discord.LoginFailure, discord.HTTPException, OSError) as error:
            await self.bot.close()
            raise DiscordStartError(explain(error)) from None
        self._task = asyncio.create_task(self._supervise(), name="discord-gateway")
        ready = asyncio.create_task(self.bot.wait_until_ready(), name="discord-ready")
        done, _ = await asyncio.wait(
            {self._task, ready}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        ready.cancel()
        if self._task in done:
            failure = self._task.exception() or RuntimeError(
                self._gave_up or "the gateway closed the connection"
            )
            await self.bot.close()
            raise DiscordStartError(explain(failure))
        if not done:
            log.warning(
                "Discord is not ready after %.0f s: still connecting in the background", READY_TIMEOUT
            )
        self._task.add_done_callback(self._ended)

    async def _supervise(self) -> None:
        """discord.py reconnects by itself after network trouble; an error it does not recover from (a
        payload it could not parse) ends its connect(). Then: connect again, waiting longer each time; a
        refusal that no retry can fix (token, intents), or every retry failing, ends the program."""
        while True:
            try:
                await self.bot.connect(reconnect=True)
                if self._stopping or self.bot.is_closed():
                    return
                error: BaseException = RuntimeError("the gateway closed the connection")
            except (discord.PrivilegedIntentsRequired, discord.LoginFailure):
                raise  # start() explains these; later, _ended does
            except Exception as caught:
                if self._stopping:
                    return
                error = caught
            if isinstance(error, discord.ConnectionClosed) and error.code in FATAL_CLOSE_CODES:
                raise error
            self._failures += 1
            if self._failures > len(RECONNECT_DELAYS):
                self._gave_up = (
                    f"could not reconnect to Discord after {len(RECONNECT_DELAYS)} tries: {explain(error)}"
                )
                raise RuntimeError(self._gave_up) from error
            delay = RECONNECT_DELAYS[self._failures - 1]
            log.error("the Discord connection failed (%s): connecting again in %.0f s", explain(error), delay)
            await asyncio.sleep(delay)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or self._stopping:
            return
        error = task.exception()
        if error is None:
            return
        reason = explain(error)
        log.critical(
            "the Discord connection ended for good: %s; stopping so the bot can be restarted", reason
        )
        self._on_fatal(reason)

    async def stop(self) -> None:
        self._stopping = True
        await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._task, 10)
            self._task = None
