"""Links to the media store that another service may fetch (Twilio, for a WhatsApp media message).

Twilio sends a file only from a public URL it fetches itself, so the bot serves kept files from its own web
server, under `COMMUNITYBOT_PUBLIC_BASE_URL`, at `/media/<key>?e=<expiry>&s=<signature>`: the key is the
file's SHA-256 with its extension (unguessable without the file), the expiry a Unix time, and the signature
an HMAC-SHA256 over both. Anything else is refused: a key that is no media key (a path), a bad signature or
an expired link (403), a file no longer kept (404).

The signing key is derived from the Twilio auth token (HMAC with a label of its own): every process of the
deployment has it already, so there is nothing new to generate, persist, back up or share between
processes, and anyone who holds it can already send as the bot. Rotating the token ends the links made
before, which live hours, not days.
"""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import re
from datetime import timedelta
from pathlib import Path

from aiohttp import web

from handlers.ports import Clock

MEDIA_PATH = "/media/{key}"
LIFETIME = timedelta(hours=12)
"""How long a link works: longer than Twilio keeps a message queued by default (10 hours), since Twilio
fetches the file when it sends the message, and may fetch it again."""
KEY = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{1,10}")
"""A media store key (`bot.media`): 64 hex digits and an extension; never a path."""
LABEL = b"communitybot media links v1"


def secret_from(auth_token: str) -> bytes:
    """The links' signing key, derived from the Twilio auth token (never the token itself)."""
    return hmac.new(auth_token.encode(), LABEL, hashlib.sha256).digest()


def content_type(key: str) -> str:
    """The type a kept file is served with (its key's extension says it: `MediaKeeper` named it so)."""
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


class MediaLinks:
    """Signs links to the files in `folder` and serves them (`mount`)."""

    def __init__(
        self, folder: Path, base_url: str, secret: bytes, clock: Clock, lifetime: timedelta = LIFETIME
    ) -> None:
        self.folder = folder
        self.base_url = base_url.rstrip("/")
        self._secret = secret
        self.clock = clock
        self.lifetime = lifetime

    def path_of(self, key: str) -> Path | None:
        """The kept file for `key`, or None (not a media key, or no longer kept)."""
        if not KEY.fullmatch(key):
            return None
        path = self.folder / key
        return path if path.is_file() else None

    def url(self, key: str) -> str:
        if not KEY.fullmatch(key):
            raise ValueError(f"{key!r} is not a media store key")
        expiry = int((self.clock.now() + self.lifetime).timestamp())
        return f"{self.base_url}/media/{key}?e={expiry}&s={self._sign(key, expiry)}"

    def mount(self, app: web.Application) -> None:
        app.router.add_get(MEDIA_PATH, self.serve)  # GET and HEAD: Twilio checks the type with both

    async def serve(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        if not KEY.fullmatch(key):
            return web.Response(status=404)
        expiry_text, signature = request.query.get("e", ""), request.query.get("s", "")
        if not expiry_text.isascii() or not expiry_text.isdigit() or len(expiry_text) > 12:
            return web.Response(status=403)
        expiry = int(expiry_text)
        expected = self._sign(key, expiry)
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape")):
            return web.Response(status=403)
        if expiry < self.clock.now().timestamp():
            return web.Response(status=403)
        path = self.path_of(key)
        if path is None:
            return web.Response(status=404)
        headers = {
            "Content-Type": content_type(key),
            "Content-Disposition": f'inline; filename="{key}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        }
        return web.FileResponse(path, headers=headers)  # sets Content-Length (and answers HEAD)

    def _sign(self, key: str, expiry: int) -> str:
        return hmac.new(self._secret, f"{key}\n{expiry}".encode(), hashlib.sha256).hexdigest()
