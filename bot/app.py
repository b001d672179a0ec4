"""The composition root: builds settings, database, core, messengers, scheduler and adapters, and
starts them in one event loop, stopping them in reverse order.

Several `communitybot run` processes may share one PostgreSQL database, partitioned by the scheduler's
leader: every process takes Twilio's webhooks (checks the signature, stores the message, answers at once)
and serves the web pages, but only the leader handles traffic: it works through the stored messages, any
process's, and it alone connects to Discord (a community is one guild, which Discord serves on one shard:
shard_count 1). The in-memory state that makes chat fast (cooldowns, daily caps, kudos budgets, boards,
member caches) is then changed by one process at a time, without a round trip under a row lock per chat
message. A new leader reads that state again from the database before it handles anything (`_refresh`):
the last leader changed it meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from bot import admin, calendar
from bot.admin import assembly
from bot.clock import SimulatedClock, SystemClock
from bot.console.adapter import PLATFORM as CONSOLE
from bot.console.adapter import ConsoleAdapter, ConsolePrinter
from bot.discord.adapter import DiscordAdapter, DiscordStartError
from bot.discord.scheduled import DiscordEvents
from bot.formats import catalogs
from bot.heap import settle_after_start_up
from bot.media import MediaKeeper
from bot.messenger import MessengerRouter
from bot.web import WebServer
from bot.whatsapp.adapter import WhatsAppAdapter
from bot.whatsapp.zones import zone_of
from config.discord import DiscordCommunity
from config.settings import Settings
from config.whatsapp import WhatsAppCommunity
from handlers.calendar import CALENDAR
from handlers.core import Core
from handlers.features import FEATURES
from handlers.install import build_core, reconfigure
from handlers.platforms import Platforms
from handlers.section import Section
from handlers.settings import CommunityConfig
from scheduler.cron import CronRecurrence
from scheduler.service import SchedulerService
from storage.sqlite.live_posts import SqliteLivePosts
from storage.store import Store

log = logging.getLogger(__name__)

S = TypeVar("S", bound=Section)


class Application:
    """One running bot. `console=True` plays members locally on a simulated clock."""

    def __init__(
        self,
        settings: Settings,
        community: CommunityConfig,
        *,
        console: bool = False,
        web: bool = True,
        printer: ConsolePrinter | None = None,
    ) -> None:
        self.settings = settings
        self.community = community
        self.console_mode = console
        self.web_enabled = web
        self.printer = printer or ConsolePrinter()
        self.router = MessengerRouter()
        self.store: Store | None = None
        self.core: Core | None = None
        self.scheduler: SchedulerService | None = None
        self.web: WebServer | None = None
        self.console: ConsoleAdapter | None = None
        self.discord: DiscordAdapter | None = None
        self.whatsapp: WhatsAppAdapter | None = None
        self.failure: str | None = None
        """Why an adapter stopped for good (the Discord connection): the program then exits non-zero."""
        self.failed = asyncio.Event()
        self._applying = asyncio.Lock()
        """One configuration applied at a time."""
        self._fresh = False
        """The features' state was read after the last leader stopped: the first lead needs no refresh."""
        self._starting = False
        self._discord_up = False
        """The Discord connection was made (this process leads)."""
        self._stopping = False
        self.whatsapp_section = _section(community, WhatsAppCommunity)
        self.discord_section = _section(community, DiscordCommunity)

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        self.store = store = await Store.open(
            self.settings.database, self.community.community.slug, data_dir=self.settings.data_dir
        )
        if self.console_mode:
            # The simulated time continues from where the last console session left it.
            saved = await store.clock_state.load()
            real = self.settings.console_start or datetime.now(UTC)
            clock: SimulatedClock | SystemClock = SimulatedClock(max(saved, real) if saved else real)
        else:
            clock = SystemClock()
        discord_on = not self.console_mode and self.settings.discord.token is not None
        whatsapp_on = not self.console_mode and self.settings.twilio.configured
        running = {CONSOLE} if self.console_mode else {"discord"} if discord_on else set()
        if whatsapp_on:
            running.add("whatsapp")
        platforms = Platforms(
            roles=self.router if discord_on else None,
            invites=self.router if discord_on else None,
            editor=self.router if discord_on else None,
            events=self.router if discord_on else None,  # sessions as Discord scheduled events
            remover=self.router if discord_on else None,  # a circle message a moderator removed
            zone_of=zone_of,  # a WhatsApp number's country code gives a new member's time zone
            whatsapp_number=self.settings.twilio.whatsapp_from,  # referral links point at the sender
            public_base_url=self.settings.public_base_url if self.web_enabled else None,  # calendar links
            consent_wording=self.whatsapp_section.consent_wording,
            running=frozenset(running),
            channels=self.console_mode or discord_on,
            idempotent=frozenset({"whatsapp"}),
            durable_replies=frozenset({"whatsapp"}),
        )
        self.core = core = build_core(
            store.services(self.community, clock),
            self.router,
            FEATURES,
            platforms,
            texts=catalogs(self.community.overrides()),
            recurrence=CronRecurrence(),
        )
        # No lease row: nobody led when this state was read, so if this process leads from its start, the
        # state needs no second reading (a leader that came and went within this start is no real case).
        self._fresh = not self.console_mode and await store.lease.row() is None
        await core.start()  # features' start-up work (configured shop items, warm caches) before any traffic
        store.keep_up()  # PRAGMA optimize every few hours (and at close)
        settle_after_start_up()
        self.scheduler = SchedulerService(
            core, standby_level=logging.WARNING if self.console_mode else logging.INFO
        )
        if not self.console_mode:  # the console is one process on its own file
            self.scheduler.lead(self._refresh, _nothing)  # first: before any traffic is handled
        if self.console_mode:
            assert isinstance(clock, SimulatedClock)
            self.router.add(CONSOLE, self.printer, posts_to_channels=True)
            media = MediaKeeper(store.db.path.parent / "media", self.community.media)
            self.console = ConsoleAdapter(core, clock, store.clock_state, self.scheduler, self.printer, media)
        elif discord_on:
            posts = SqliteLivePosts(store.db, store.community_id, "discord")
            media = MediaKeeper(store.db.path.parent / "media", self.community.media)
            self.discord = DiscordAdapter(
                core, self.discord_section, self.settings.discord, self._fail, posts, media
            )
            messenger = self.discord.messenger
            self.router.add(
                "discord",
                messenger,
                posts_to_channels=True,
                roles=messenger,
                invites=messenger,
                editor=messenger,
                events=DiscordEvents(self.discord.bot, posts),
                remover=messenger,
            )
            self.scheduler.lead(self._connect_discord, self._disconnect_discord)
        if whatsapp_on:
            if not self.web_enabled:
                raise ValueError("WhatsApp needs the web server: Twilio's webhooks arrive there")
            twilio, base_url = self.settings.twilio, self.settings.public_base_url
            self.whatsapp = WhatsAppAdapter(core, store, clock, twilio, base_url, self.whatsapp_section)
            self.router.add("whatsapp", self.whatsapp.messenger, posts_to_channels=False)
            await self.whatsapp.start(leading=False)  # the scheduler's lease holder handles and sends
            self.scheduler.lead(self.whatsapp.lead, self.whatsapp.follow)
        # With the scheduler lease (one process per database): the leading work (the state read again,
        # Discord, the intake, sending), what the last run left in the outbox, then what fell due meanwhile.
        self._starting = True
        try:
            await self.scheduler.start()
        finally:
            self._starting, self._fresh = False, False
        if self.web_enabled:
            self.web = WebServer(self.settings.web.host, self.settings.web.port, self._healthy, self.role)
            if self.whatsapp is not None:
                self.whatsapp.mount(self.web.app)
            calendar.mount(self.web.app, partial(core.port, CALENDAR))  # /sessions/<id>.ics
            if self.settings.admin_token is not None:  # no token, no dashboard: not even its sign-in page
                parts = assembly.dashboard(
                    store.db, store.community_id, core, lambda: self.community, self.settings.community_file,
                    self.apply_community,
                )  # fmt: skip
                https = (self.settings.public_base_url or "").startswith("https://")
                admin.mount(self.web.app, parts, self.settings.admin_token.get_secret_value(), secure=https)
            await self.web.start()

    async def apply_community(self, community: CommunityConfig) -> None:
        """A community file the dashboard saved (validated), applied at once: the features are built again
        from it between units of work (handlers.install.reconfigure), and the platforms take their new
        sections. Raises, with the bot still on the configuration it had, when a feature refuses it."""
        async with self._applying:
            core = self.core
            if core is None:
                self.community = community
                return
            whatsapp = _section(community, WhatsAppCommunity)
            platforms = replace(core.platforms, consent_wording=whatsapp.consent_wording)
            await reconfigure(core, community, FEATURES, platforms)
            self.community, self.whatsapp_section = community, whatsapp
            self.discord_section = _section(community, DiscordCommunity)
            keepers: list[MediaKeeper | None] = [self.whatsapp.media] if self.whatsapp is not None else []
            if self.discord is not None:
                self.discord.bot.config = self.discord_section  # roles and channels, read on every event
                keepers.append(self.discord.bot.media)
            if self.whatsapp is not None:
                self.whatsapp.messenger.templates = whatsapp.template_sids(community.community.language)
            if self.console is not None:
                keepers.append(self.console.media)
            for keeper in keepers:
                if keeper is not None:
                    keeper.config = community.media
            if self.scheduler is not None:
                await self.scheduler.tick()  # a job planned again (a new cron) may be due sooner
        log.info("community configuration applied without a restart")

    async def _refresh(self) -> None:
        """Taking the lead: the features are built again from the database (as a new configuration is,
        between units of work), so that members who joined, points earned and budgets spent under the
        last leader count before this process handles anything."""
        if self._fresh:
            self._fresh = False
            return
        core = self.core
        assert core is not None
        async with self._applying:
            await reconfigure(core, self.community, FEATURES, core.platforms)
        log.info("taking the lead: the features' state was read again from the database")

    async def _connect_discord(self) -> None:
        """Discord's events for the guild reach the leader only. A refusal at the start ends the start with
        what to fix; at a take-over, it ends the program the same way (non-zero, the reason on stderr)."""
        if self.discord is None or self.failure is not None:
            return
        try:
            await self.discord.start()
        except DiscordStartError as error:
            if self._starting:
                raise
            self._fail(error.message)
            return
        self._discord_up = True

    async def _disconnect_discord(self) -> None:
        """Losing the lead while alive (stuck past the lease): discord.py's client cannot connect again
        once closed, so the program ends non-zero and its supervisor starts a fresh standby."""
        if self.discord is None or not self._discord_up:
            return
        self._discord_up = False
        await self.discord.stop()
        if not self._stopping:
            self._fail("another process took the lead (the scheduler lease): restarting as a standby")

    def _fail(self, reason: str) -> None:
        self.failure = reason
        self.failed.set()

    async def _healthy(self) -> bool:
        if self.store is None:
            return False
        try:
            await self.store.ping()
        except Exception:
            log.exception("health check failed")
            return False
        # A standby is not connected to Discord, by design: healthy.
        return not self._discord_up or self.discord is None or self.discord.healthy

    def role(self) -> str:
        """What /healthz says this process is: the scheduler's leader or a standby."""
        return "leader" if self.scheduler is not None and self.scheduler.leading else "standby"

    async def stop(self) -> None:
        """Reverse order: stop taking work, let running work commit, close the database."""
        self._stopping = True
        if self.discord is not None:
            self._discord_up = False
            await self.discord.stop()
            self.discord = None
        if self.web is not None:
            await self.web.stop()
            self.web = None
        if self.whatsapp is not None:
            await self.whatsapp.stop()
            self.whatsapp = None
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.scheduler = None
        if self.core is not None:
            await self.core.settle()  # queued chat points commit and their messages go out
        if self.console is not None:
            await self.console.clock_state.save(self.console.clock.now())
            self.console = None
        if self.store is not None:
            await self.store.close()
            self.store = None


async def _nothing() -> None:
    pass


def _section(community: CommunityConfig, model: type[S]) -> S:
    """An adapter's section of the community file; its defaults when the file model has none (the core's
    tests hand the core's own model)."""
    return community.section(model) if model in type(community).sections else model()
