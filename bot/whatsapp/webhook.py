"""Twilio's webhooks on the bot's aiohttp server: `POST /twilio/whatsapp` and `POST /twilio/status`.

Every request must carry a valid `X-Twilio-Signature` computed over the public URL Twilio called
(`COMMUNITYBOT_PUBLIC_BASE_URL` + path) and the form: otherwise 403, nothing stored, nothing run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

from bot.whatsapp.inbound import Inbound, NotUnderstood, parse_inbound

log = logging.getLogger(__name__)

MESSAGE_PATH = "/twilio/whatsapp"
STATUS_PATH = "/twilio/status"
ANSWER_WITHIN = 10.0
"""Twilio gives up after 15 s: past this, acknowledge and let the work finish in the background."""
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

MessageHandler = Callable[[Inbound], Coroutine[Any, Any, None]]
StatusHandler = Callable[[str, str, str | None], Awaitable[None]]


class TwilioWebhooks:
    def __init__(
        self,
        auth_token: SecretStr,
        public_base_url: str,
        on_message: MessageHandler,
        on_status: StatusHandler,
    ) -> None:
        self._validator = RequestValidator(auth_token.get_secret_value())
        self.public_base_url = public_base_url.rstrip("/")
        self.on_message = on_message
        self.on_status = on_status
        self._background: set[asyncio.Task[None]] = set()

    def mount(self, app: web.Application) -> None:
        app.router.add_post(MESSAGE_PATH, self.message)
        app.router.add_post(STATUS_PATH, self.status)

    async def _signed_form(self, request: web.Request) -> MultiDictProxy[str] | None:
        form = await request.post()
        if any(not isinstance(value, str) for value in form.values()):
            return None  # Twilio posts plain form fields, never files
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self.public_base_url + request.path_qs
        if not signature or not self._validator.validate(url, form, signature):
            log.warning("refused a %s request without a valid Twilio signature", request.path)
            return None
        return form  # type: ignore[return-value]

    async def message(self, request: web.Request) -> web.Response:
        form = await self._signed_form(request)
        if form is None:
            return web.Response(status=403, text="invalid signature")
        try:
            inbound = parse_inbound(form)
        except NotUnderstood as error:
            log.warning("refused a WhatsApp webhook: %s", error)
            return web.Response(status=400, text=str(error))
        task = asyncio.create_task(self.on_message(inbound))
        done, _ = await asyncio.wait({task}, timeout=ANSWER_WITHIN)
        if not done:
            log.warning("message %s is taking long: acknowledged, still running", inbound.message_id)
            self._background.add(task)
            task.add_done_callback(self._finished)
            return _twiml()
        if task.exception() is not None:
            log.error("message %s failed", inbound.message_id, exc_info=task.exception())
            return web.Response(status=500, text="try again")  # Twilio retries; the inbox dedupes
        return _twiml()

    async def status(self, request: web.Request) -> web.Response:
        form = await self._signed_form(request)
        if form is None:
            return web.Response(status=403, text="invalid signature")
        sid = form.get("MessageSid", "")
        status = form.get("MessageStatus") or form.get("SmsStatus") or ""
        if not sid or not status:
            return web.Response(status=400, text="MessageSid and MessageStatus are required")
        try:
            await self.on_status(sid, status, form.get("ErrorCode") or None)
        except Exception:
            log.exception("status callback for %s failed", sid)
            return web.Response(status=500, text="try again")
        return web.Response(status=200)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a late message failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for messages still being handled after their request was acknowledged."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=ANSWER_WITHIN)


def _twiml() -> web.Response:
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")
