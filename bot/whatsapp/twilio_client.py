"""Twilio's asyncio REST client, pointed at a configurable base URL, with errors sorted for retrying."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from pydantic import SecretStr
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
REQUEST_TIMEOUT = 15.0
TOO_MANY_REQUESTS = 20429
RECENT = 50
"""How many of a member's latest messages are compared with one interrupted by a crash."""
OUTSIDE_WINDOW = 63016
"""WhatsApp refuses free-form text outside the 24-hour customer-service window."""


def rebase(url: str, base_url: str) -> str:
    """`https://api.twilio.com/2010-04-01/...` -> `<base_url>/2010-04-01/...`."""
    parts = urlsplit(url)
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return base_url.rstrip("/") + rest


class _QuietLogger:
    """twilio logs every request (without its Authorization header) at INFO: several lines per message.
    Those lines go to DEBUG here; warnings and errors stay as they are."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def info(self, msg: object, *args: object, **kwargs: object) -> None:
        self._logger.debug(msg, *args, **kwargs)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self._logger, name)


class RebasedHttpClient(AsyncTwilioHttpClient):
    """Sends every API call to `base_url`. Twilio's own edge/region options only choose among twilio.com
    hosts, so a Twilio-compatible provider (or the fake API in the tests) needs the URL rewritten here."""

    def __init__(self, base_url: str, timeout: float = REQUEST_TIMEOUT) -> None:
        super().__init__(timeout=timeout, logger=_QuietLogger(log))
        self.base_url = base_url

    # twilio formats about ten lines per call (headers included) before its logger decides to drop them:
    # only built when they would be shown.
    def log_request(self, kwargs: dict[str, Any]) -> None:
        if log.isEnabledFor(logging.DEBUG):
            super().log_request(kwargs)

    def log_response(self, status_code: int, response: Any) -> None:
        if log.isEnabledFor(logging.DEBUG):
            super().log_response(status_code, response)

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the signature twilio calls
        allow_redirects: bool = False,
    ) -> Response:
        headers = dict(headers or {})
        if auth is not None:  # as a header: aiohttp deprecates its `auth` parameter (twilio's log skips it)
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        return await super().request(
            method,
            rebase(url, self.base_url),
            params=params,
            data=data,
            headers=headers,
            auth=None,
            timeout=timeout if timeout is not None else self.timeout,
            allow_redirects=allow_redirects,
        )


@dataclass(frozen=True)
class Sent:
    sid: str
    status: str
    body: str = ""
    media: int = 0
    """How many files it carries (as Twilio lists it)."""


class SendError(Exception):
    """Twilio did not take the message, or we cannot tell. `code` is Twilio's error code (or `HTTP 503`,
    `network`). `retryable`: it certainly did not arrive (Twilio said so, or the connection was never
    made) and may be sent again. `uncertain`: the request may have reached Twilio (a timeout or a dropped
    connection after it went out; Twilio's Messages API has no idempotency key), so it is never resent."""

    def __init__(
        self, code: str, message: str, retryable: bool, outside_window: bool = False, uncertain: bool = False
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable and not uncertain
        self.outside_window = outside_window
        self.uncertain = uncertain


def classify(error: BaseException) -> SendError:
    if isinstance(error, TwilioRestException):
        code = str(error.code) if error.code else f"HTTP {error.status}"
        message = (error.msg or "").removeprefix("Unable to create record: ")
        return _refused(code, error.status, error.code, message)
    if isinstance(error, TwilioServiceException):  # twilio-python 9's RFC 9457 error format
        message = " ".join(part for part in (error.title, error.detail) if part)
        return _refused(str(error.code), error.status, error.code, message)
    if isinstance(error, aiohttp.ClientConnectorError):
        # Refused, unreachable, DNS or TLS before anything was sent: it certainly did not arrive.
        return SendError("network", f"{type(error).__name__}: {error}", retryable=True)
    if isinstance(error, aiohttp.ClientError | OSError):  # TimeoutError is an OSError
        # The request may have gone out: a read timeout, a connection dropped while waiting for the answer.
        why = f"{type(error).__name__}: {error}".rstrip(": ")
        return SendError("uncertain", f"{why} (it may have reached Twilio)", retryable=False, uncertain=True)
    # A 2xx answer we could not read: Twilio may have taken it, so trying again could send it twice.
    return SendError("client", f"{type(error).__name__}: {error}", retryable=False, uncertain=True)


def _refused(code: str, status: int, twilio_code: int | None, message: str) -> SendError:
    """Twilio answered with an error: nothing was created, so a 429 or a 5xx may be tried again."""
    retryable = status == 429 or twilio_code == TOO_MANY_REQUESTS or status >= 500
    return SendError(code, message, retryable, outside_window=twilio_code == OUTSIDE_WINDOW)


class TwilioMessages:
    """`messages.create_async` for one account. `open()` must run inside the event loop."""

    def __init__(
        self,
        account_sid: str,
        auth_token: SecretStr,
        base_url: str = TWILIO_API,
        timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self.account_sid = account_sid
        self._auth_token = auth_token
        self.base_url = base_url
        self.timeout = timeout
        self._http: RebasedHttpClient | None = None
        self._client: Client | None = None

    async def open(self) -> None:
        self._http = RebasedHttpClient(self.base_url, self.timeout)
        self._client = Client(self.account_sid, self._auth_token.get_secret_value(), http_client=self._http)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
        self._http = self._client = None

    async def send(
        self,
        to: str,
        from_: str,
        *,
        body: str | None = None,
        content_sid: str | None = None,
        content_variables: str | None = None,
        status_callback: str | None = None,
        media_url: str | None = None,
    ) -> Sent:
        """`media_url`: one file (WhatsApp takes one a message), a public URL Twilio fetches it from."""
        if self._client is None:
            raise RuntimeError("TwilioMessages.open() was not called")
        optional = {
            "body": body,
            "content_sid": content_sid,
            "content_variables": content_variables,
            "status_callback": status_callback,
            "media_url": None if media_url is None else [media_url],
        }
        try:
            message = await self._client.messages.create_async(
                to=to, from_=from_, **{k: v for k, v in optional.items() if v is not None}
            )
        except (TwilioException, aiohttp.ClientError, OSError) as error:  # TimeoutError is an OSError
            raise classify(error) from error
        return Sent(str(message.sid), str(message.status or "queued"))

    async def recent(self, to: str, from_: str, limit: int = RECENT) -> list[Sent]:
        """The newest messages Twilio has from `from_` to `to` (what it took, whatever their status)."""
        if self._client is None:
            raise RuntimeError("TwilioMessages.open() was not called")
        try:
            messages = await self._client.messages.list_async(to=to, from_=from_, limit=limit)
        except (TwilioException, aiohttp.ClientError, OSError) as error:
            raise classify(error) from error
        return [
            Sent(str(m.sid), str(m.status or "queued"), str(m.body or ""), _count(m.num_media))
            for m in messages
        ]


def _count(value: object) -> int:
    """Twilio lists `num_media` as a string."""
    try:
        return int(str(value))
    except ValueError:
        return 0
