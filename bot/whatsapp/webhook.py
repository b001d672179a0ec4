"""Twilio's webhooks on the bot's aiohttp server: `POST /twilio/whatsapp` and `POST /twilio/status`.

Every request must carry a valid `X-Twilio-Signature` computed over the public URL Twilio called
(`COMMUNITYBOT_PUBLIC_BASE_URL` + path) and the form: otherwise 403, nothing stored, nothing run.
A message is answered once it is stored (the intake handles it after): 200 means it is durable; 503 says
the intake is too far behind and 500 that it could not be stored, both for Twilio to retry.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

from bot.whatsapp.inbound import Inbound, NotUnderstood, parse_inbound
from handlers.intake import Backlogged

log = logging.getLogger(__name__)

MESSAGE_PATH = "/twilio/whatsapp"
STATUS_PATH = "/twilio/status"
RETRY_AFTER = "5"
"""Seconds a backlogged webhook asks to wait (Twilio retries on its own schedule; others read it)."""
BUSY_LOG_EVERY = 10.0
MAX_STORING = 200
"""Webhook requests stored at once past which more are answered 503 (at 1,000/s about 50 are)."""
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
        backlogged: Callable[[], bool] = lambda: False,
    ) -> None:
        self._validator = RequestValidator(auth_token.get_secret_value())
        self.public_base_url = public_base_url.rstrip("/")
        self.on_message = on_message
        self.on_status = on_status
        self.backlogged = backlogged
        """True while the intake is too far behind: messages are refused before anything is read."""
        self._refused = 0
        self._refused_logged_at = 0.0
        self._storing = 0
        """Messages being read, checked and stored right now: past MAX_STORING the loop is saturated."""

    def mount(self, app: web.Application) -> None:
        app.router.add_post(MESSAGE_PATH, self.message)
        app.router.add_post(STATUS_PATH, self.status)

    async def _signed_form(self, request: web.Request) -> MultiDictProxy[str] | None:
        try:
            form = await request.post()
        except ValueError:  # bytes that are no UTF-8 (Twilio's never are): no form to check a signature on
            log.warning("refused a %s request whose form is not UTF-8", request.path)
            return None
        if any(not isinstance(value, str) for value in form.values()):
            return None  # Twilio posts plain form fields, never files
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self.public_base_url + request.path_qs
        if not signature or not self._signed(url, form, signature):
            log.warning("refused a %s request without a valid Twilio signature", request.path)
            return None
        return form  # type: ignore[return-value]

    def _signed(self, url: str, form: MultiDictProxy[str | Any], signature: str) -> bool:
        """twilio's validator computes the signature for the URL with and without its port every time (Twilio
        signs either); the URL as configured is tried first, and the validator decides the rest."""
        if "bodySHA256" not in url:
            expected = self._validator.compute_signature(url, form).encode()
            if hmac.compare_digest(expected, signature.encode("utf-8", "surrogateescape")):
                return True
        return bool(self._validator.validate(url, form, signature))

    async def message(self, request: web.Request) -> web.Response:
        # Shed load before the costly part (nothing is read, nothing stored): when the intake is behind,
        # or when so many requests are being stored at once that each would wait for the rest.
        if self.backlogged() or self._storing >= MAX_STORING:
            return self._busy()
        self._storing += 1
        try:
            return await self._store(request)
        finally:
            self._storing -= 1

    async def _store(self, request: web.Request) -> web.Response:
        form = await self._signed_form(request)
        if form is None:
            return web.Response(status=403, text="invalid signature")
        try:
            inbound = parse_inbound(form)
        except NotUnderstood as error:
            log.warning("refused a WhatsApp webhook: %s", error)
            return web.Response(status=400, text=str(error))
        try:
            await self.on_message(inbound)
        except Backlogged:
            return self._busy()
        except Exception:
            log.exception("message %s could not be stored", inbound.message_id)
            return web.Response(status=500, text="try again")  # Twilio retries; the intake dedupes
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

    def _busy(self) -> web.Response:
        """503 for Twilio to retry; logged once in a while with a count, not once per request (a flood of
        log lines is the last thing a saturated bot needs)."""
        self._refused += 1
        now = time.monotonic()
        if now - self._refused_logged_at >= BUSY_LOG_EVERY:
            log.warning("%d message(s) refused for now: too many received and not yet handled", self._refused)
            self._refused, self._refused_logged_at = 0, now
        return web.Response(status=503, text="busy, try again", headers={"Retry-After": RETRY_AFTER})


def _twiml() -> web.Response:
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")
