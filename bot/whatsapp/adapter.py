"""The WhatsApp adapter: webhooks in, the core in the middle, the outbox and Twilio out."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.media import MediaKeeper
from bot.media_links import MediaLinks, secret_from
from bot.whatsapp.inbound import Inbound
from bot.whatsapp.outbound import WhatsAppMessenger
from bot.whatsapp.sender import MessageApi, OutboxWorker, RateLimiter, RetryPolicy
from bot.whatsapp.twilio_client import OUTSIDE_WINDOW, TwilioMessages
from bot.whatsapp.webhook import STATUS_PATH, TwilioWebhooks
from config.settings import TwilioSettings
from config.whatsapp import WhatsAppCommunity
from handlers.core import Core
from handlers.events import DirectMessage
from handlers.intake import Intake
from handlers.models import Reply
from handlers.ports import Clock
from storage.store import Store

log = logging.getLogger(__name__)

FAILED_STATUSES = ("failed", "undelivered")


class WhatsAppAdapter:
    """Build it before the web server starts (routes are mounted then), start it after the store opened."""

    def __init__(
        self,
        core: Core,
        store: Store,
        clock: Clock,
        twilio: TwilioSettings,
        public_base_url: str | None,
        community: WhatsAppCommunity,
        api: MessageApi | None = None,
    ) -> None:
        missing = twilio.missing(public_base_url) if twilio.configured else ["Twilio is not configured"]
        if missing:
            raise ValueError("the WhatsApp adapter cannot start: " + "; ".join(missing))
        assert twilio.account_sid and twilio.auth_token and twilio.whatsapp_from and public_base_url
        self.core = core
        self.store = store
        self.clock = clock
        self._twilio = TwilioMessages(twilio.account_sid, twilio.auth_token, twilio.api_base_url)
        self.api: MessageApi = api or self._twilio
        folder = store.db.path.parent / "media"
        # The media store as Twilio fetches a file sent to WhatsApp (a circle's Discord attachment).
        secret = secret_from(twilio.auth_token.get_secret_value())
        self.links = MediaLinks(folder, public_base_url, secret, clock)
        self.messenger = WhatsAppMessenger(
            store.outbox,
            store.windows,
            clock,
            twilio.whatsapp_from,
            community.template_sids(core.services.config.community.language),
            choices=core.services.choices,
            links=self.links,
        )
        self.worker = OutboxWorker(
            store.outbox,
            self.api,
            self.messenger,
            clock,
            RateLimiter(twilio.messages_per_second),
            RetryPolicy(max_attempts=twilio.max_send_attempts),
            status_callback=public_base_url.rstrip("/") + STATUS_PATH,
            # Enough sends in flight to keep up with the rate while each waits ~0.25 s for Twilio and marks.
            concurrency=max(4, min(64, round(twilio.messages_per_second / 4))),
            links=self.links,
        )
        self.messenger.wake = self.worker.wake
        # Media is downloaded (with the account's credentials) after the message is stored, before the core.
        self.media = MediaKeeper(
            folder,
            core.services.config.media,
            (twilio.account_sid, twilio.auth_token.get_secret_value()),
        )

        async def handle(message: DirectMessage) -> list[Reply]:
            return await core.handle_direct(await self.media.keep_message(message))

        self.intake = Intake(store.intake, store, clock, handle, backlog_limit=twilio.backlog_limit)
        self.webhooks = TwilioWebhooks(
            twilio.auth_token,
            public_base_url,
            self.receive_message,
            self.handle_status,
            backlogged=lambda: self.intake.full,
        )

    def mount(self, app: web.Application) -> None:
        self.webhooks.mount(app)
        self.links.mount(app)  # GET /media/<key>: the files Twilio fetches for WhatsApp

    async def start(self, leading: bool = True) -> None:
        """With `leading` False this process takes webhooks (stores them and answers Twilio) and leaves
        handling them and sending to `lead`: the scheduler's leader does both (one process changes the
        members' in-memory state and sends, and settles what a crash left half-sent)."""
        if self.api is self._twilio:
            await self._twilio.open()  # twilio's aiohttp session must be created inside the running loop
        if leading:
            await self.lead()
        else:
            await self.intake.standby()
        log.info("WhatsApp adapter started (sending as %s)", self.messenger.sender)

    async def lead(self) -> None:
        await self.worker.start()
        await self.intake.start()  # what any process stored and nobody handled, then what comes

    async def follow(self) -> None:
        await self.intake.standby()
        await self.worker.stop()

    async def stop(self) -> None:
        await self.intake.stop()
        await self.worker.stop()
        await self.media.close()
        if self.api is self._twilio:
            await self._twilio.close()
        log.info("WhatsApp adapter stopped")

    async def receive_message(self, inbound: Inbound) -> None:
        """One inbound message: stored with its window opened, in one unit of work, before the webhook
        answers; the intake then runs it through the core. WhatsApp replies go through the outbox (the core
        writes them in the command's own transaction, before its other messages to the asker), so the
        adapter sends nothing itself."""
        message = DirectMessage(
            inbound.identity,
            inbound.text,
            event_id=inbound.message_id,
            display_name=inbound.display_name,
            attachments=inbound.attachments,
        )

        async def open_window() -> None:
            await self.store.windows.touch(inbound.identity, self.clock.now())

        await self.intake.receive(message, open_window)

    async def handle_status(self, sid: str, status: str, error_code: str | None) -> None:
        row = await self.store.outbox.record_status(sid, status, error_code, self.clock.now())
        if row is None:
            log.debug("status %s for unknown message %s ignored", status, sid)
            return
        if status in FAILED_STATUSES and error_code == str(OUTSIDE_WINDOW):
            await self.messenger.fall_back_to_template(row, "outside the 24-hour window (63016 reported)")
