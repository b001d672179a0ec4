"""A fake Twilio REST API on 127.0.0.1 for `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`.

It honours the contract of Twilio's OpenAPI definition (shared/twilio/twilio_api_v2010.json): Basic auth
with the account SID and auth token, a form-encoded body, `To` required, `From` or `MessagingServiceSid`,
`Body` or `ContentSid` (+ `ContentVariables`, a JSON object), `StatusCallback` a URI; it answers 201 with a
message resource whose `sid` is SM + 32 hex. Tests script failures: 429, 500, 63016, 21211...
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import secrets
from collections import deque
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from aiohttp import web

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-auth-token-for-tests"
FIELDS = {
    "To",
    "From",
    "MessagingServiceSid",
    "Body",
    "ContentSid",
    "ContentVariables",
    "StatusCallback",
    "MediaUrl",
}
"""What this bot may send; anything else in the form is a bug on our side."""
_WHATSAPP = re.compile(r"^whatsapp:\+[1-9][0-9]{6,14}$")
_CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")


@dataclass(frozen=True)
class Scripted:
    status: int
    code: int
    message: str
    rfc9457: bool = False
    """Answer in Twilio's newer error format (RFC 9457: type, title, status, code, detail)."""


ERRORS = {
    429: Scripted(429, 20429, "Too Many Requests"),
    500: Scripted(500, 20500, "Internal Server Error"),
    63016: Scripted(
        400, 63016, "Failed to send freeform message because you are outside the allowed window."
    ),
    21211: Scripted(400, 21211, "Invalid 'To' Phone Number"),
}


class FakeTwilio:
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.accepted: list[dict[str, str]] = []
        """The form of every message accepted, in order."""
        self._sids: dict[int, str] = {}
        self.refused: list[tuple[int, str]] = []
        """(status, reason) of every request refused by the contract checks."""
        self.calls = 0
        self._script: deque[Scripted | str] = deque()
        self.held = asyncio.Event()
        """Set to let held requests answer (`hold_next`)."""
        self.holding = 0
        """Requests taken and waiting for `held`."""
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self.media: dict[str, tuple[bytes, str]] = {}
        """Media a member "sent", by its MediaSid: served at MediaUrlN with the account's Basic auth."""

    def sid_of(self, form: dict[str, str]) -> str:
        """The SID the fake gave an accepted message."""
        return self._sids[id(form)]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, *errors: int, rfc9457: bool = False) -> None:
        """The next calls answer these errors (429, 500, 63016, 21211), in order, then succeed again."""
        self._script.extend(replace(ERRORS[e], rfc9457=rfc9457) for e in errors)

    def hold_next(self, count: int = 1) -> None:
        """The next calls are accepted (the message counts as sent), then answered only once `held` is set:
        what a request that times out after Twilio took it looks like to the bot."""
        self._script.extend(["hold"] * count)
        self.held.clear()

    def drop_next(self, count: int = 1) -> None:
        """The next calls are accepted, then the connection is closed without an answer."""
        self._script.extend(["drop"] * count)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self._create)
        app.router.add_get("/2010-04-01/Accounts/{account}/Messages.json", self._list)
        app.router.add_get("/2010-04-01/Accounts/{account}/Messages/{message}/Media/{media}", self._media)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _error(self, status: int, code: int, message: str) -> web.Response:
        return web.json_response(
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            status=status,
        )

    def _problem(self, status: int, code: int, title: str) -> web.Response:
        return web.json_response(
            {
                "type": f"https://www.twilio.com/docs/errors/{code}",
                "title": title,
                "status": status,
                "code": code,
                "detail": f"{title} (scripted by the test)",
            },
            status=status,
            content_type="application/problem+json",
        )

    def _refuse(self, status: int, code: int, reason: str) -> web.Response:
        self.refused.append((status, reason))
        return self._error(status, code, reason)

    def media_url(self, message_sid: str, content: bytes, content_type: str) -> str:
        """A MediaUrlN as Twilio gives it for an inbound message's attachment."""
        media_sid = f"ME{len(self.media) + 1:032x}"
        self.media[media_sid] = (content, content_type)
        return (
            f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages/{message_sid}/Media/{media_sid}"
        )

    async def _media(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self._refuse(401, 20003, "Authenticate")
        found = self.media.get(request.match_info["media"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])

    async def _create(self, request: web.Request) -> web.Response:
        self.calls += 1
        account = request.match_info["account"]
        if not re.fullmatch(r"AC[0-9a-fA-F]{32}", account):
            return self._refuse(404, 20404, "AccountSid has the wrong form")
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected or account != self.account_sid:
            return self._refuse(401, 20003, "Authenticate")
        if request.content_type != "application/x-www-form-urlencoded":
            return self._refuse(400, 20001, f"not form-encoded: {request.content_type}")
        posted = await request.post()
        form = {key: str(value) for key, value in posted.items()}
        problem = "WhatsApp takes one MediaUrl a message" if len(posted.getall("MediaUrl", [])) > 1 else None
        problem = problem or self._contract_problem(form)
        if problem:
            return self._refuse(400, 21000, problem)
        scripted = self._script.popleft() if self._script else None
        if isinstance(scripted, Scripted):
            if scripted.rfc9457:
                return self._problem(scripted.status, scripted.code, scripted.message)
            return self._error(scripted.status, scripted.code, scripted.message)
        self.accepted.append(form)
        sid = self._sids[id(form)] = "SM" + secrets.token_hex(16)
        if scripted == "hold":
            self.holding += 1
            try:
                await self.held.wait()
            finally:
                self.holding -= 1
        elif scripted == "drop":
            assert request.transport is not None
            request.transport.close()
            raise web.HTTPInternalServerError()
        return web.json_response(self._resource(form, sid), status=201)

    def _resource(self, form: dict[str, str], sid: str) -> dict[str, object]:
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": form.get("Body", ""),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "1" if "MediaUrl" in form else "0",
            "num_segments": "1",
            "sid": sid,
            "status": "queued",
            "to": form["To"],
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    async def _list(self, request: web.Request) -> web.Response:
        """`GET Messages.json?To=&From=`: the newest first, as Twilio lists them (one page is enough here)."""
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self._refuse(401, 20003, "Authenticate")
        to, sender = request.query.get("To"), request.query.get("From")
        found = [
            self._resource(form, self.sid_of(form))
            for form in reversed(self.accepted)
            if (to is None or form["To"] == to) and (sender is None or form.get("From") == sender)
        ]
        size = int(request.query.get("PageSize", "50"))
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        return web.json_response(
            {"messages": found[:size], "page": 0, "page_size": size, "uri": uri, "next_page_uri": None}
        )

    @staticmethod
    def _contract_problem(form: dict[str, str]) -> str | None:
        unexpected = set(form) - FIELDS
        if unexpected:
            return f"unexpected fields {sorted(unexpected)}"
        if "To" not in form:
            return "To is required"
        if not _WHATSAPP.match(form["To"]):
            return "To must be whatsapp:+E164"
        if "From" not in form and "MessagingServiceSid" not in form:
            return "From or MessagingServiceSid is required"
        if "From" in form and not _WHATSAPP.match(form["From"]):
            return "From must be whatsapp:+E164"
        if "MessagingServiceSid" in form and not _SERVICE_SID.match(form["MessagingServiceSid"]):
            return "MessagingServiceSid has the wrong form"
        if "MediaUrl" in form:  # a file, with or without a Body; never with a template
            parts = urlsplit(form["MediaUrl"])
            if parts.scheme not in ("http", "https") or not parts.netloc:
                return "MediaUrl must be a URI"
            if "ContentSid" in form:
                return "MediaUrl with ContentSid"
        elif ("Body" in form) == ("ContentSid" in form):
            return "exactly one of Body or ContentSid is required"
        if "Body" in form and not 0 < len(form["Body"]) <= 1600:
            return "Body must have 1 to 1600 characters"
        if "ContentVariables" in form:
            if "ContentSid" not in form:
                return "ContentVariables without ContentSid"
            try:
                variables = json.loads(form["ContentVariables"])
            except ValueError:
                return "ContentVariables is not JSON"
            if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
                return "ContentVariables must be a JSON object of strings"
        if "ContentSid" in form and not _CONTENT_SID.match(form["ContentSid"]):
            return "ContentSid has the wrong form"
        if "StatusCallback" in form:
            parts = urlsplit(form["StatusCallback"])
            if parts.scheme not in ("http", "https") or not parts.netloc:
                return "StatusCallback must be a URI"
        return None
