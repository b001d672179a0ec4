"""The media store: the bot's own copy of what members attach, kept under the data folder.

Platform links do not last (Discord's attachment URLs are signed and expire after about a day) or need
credentials (Twilio's media URLs take the account's HTTP Basic auth), so an attachment a feature keeps
(a challenge submission) is downloaded once, checked against `[media]` (types, size), and stored by its
SHA-256, which makes a replayed message's download land on the same file. Downloads happen before the
command's unit of work, never inside it (the database is not held while the network is slow).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import mimetypes
import os
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path

import aiohttp
from yarl import URL

from handlers.events import DirectMessage
from handlers.models import Attachment
from handlers.settings import MediaConfig

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=30, sock_connect=5)
CHUNK = 64 * 1024
MAX_REDIRECTS = 5
UNKNOWN = "application/octet-stream"


class MediaKeeper:
    def __init__(self, folder: Path, config: MediaConfig, credentials: tuple[str, str] | None = None) -> None:
        self.folder = folder
        self.config = config
        self._authorization = None if credentials is None else aiohttp.encode_basic_auth(*credentials)
        """HTTP Basic auth for the media URL's own host (Twilio's need the account's credentials); never
        sent on to where it redirects (Twilio's media redirects to a signed storage URL)."""
        self._session: aiohttp.ClientSession | None = None

    async def keep_message(self, message: DirectMessage) -> DirectMessage:
        """The message with each attachment kept (or marked with why not)."""
        if not message.attachments:
            return message
        return replace(message, attachments=await self.keep(message.attachments))

    async def keep(self, attachments: Sequence[Attachment]) -> tuple[Attachment, ...]:
        kept = []
        for n, attachment in enumerate(attachments):
            if n >= self.config.per_message:
                kept.append(replace(attachment, refused="count"))
            else:
                kept.append(await self._keep_one(attachment))
        return tuple(kept)

    async def keep_file(self, path: Path) -> Attachment:
        """A local file (the console's `/attach`), checked and kept like a download."""
        kind = (mimetypes.guess_type(path.name)[0] or UNKNOWN).lower()
        attachment = Attachment(f"file:{path.name}", kind)  # where it came from, for logs only
        if kind not in self.config.types:
            return replace(attachment, refused="type")
        data = await asyncio.to_thread(path.read_bytes)
        if len(data) > self.config.max_bytes:
            return replace(attachment, refused="size")
        key = hashlib.sha256(data).hexdigest() + (mimetypes.guess_extension(kind) or ".bin")
        await asyncio.to_thread(self._write, key, data)
        return replace(attachment, size=len(data), stored=key)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _keep_one(self, attachment: Attachment) -> Attachment:
        if attachment.stored is not None:
            return attachment
        declared = attachment.content_type.split(";")[0].strip().lower()
        # A platform that does not say (`application/octet-stream`) leaves it to the download's own type.
        if declared != UNKNOWN and declared not in self.config.types:
            return replace(attachment, refused="type")
        if attachment.size is not None and attachment.size > self.config.max_bytes:
            return replace(attachment, refused="size")
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        digest, size, chunks = hashlib.sha256(), 0, []
        try:
            async with self._open(attachment.url) as response:
                if response.status != 200:
                    log.warning("media download answered %s", response.status)  # the URL may carry a token
                    return replace(attachment, refused="unreachable")
                kind = (response.content_type or declared).lower()
                if kind not in self.config.types:
                    return replace(attachment, refused="type")
                async for chunk in response.content.iter_chunked(CHUNK):
                    size += len(chunk)
                    if size > self.config.max_bytes:
                        return replace(attachment, refused="size")
                    digest.update(chunk)
                    chunks.append(chunk)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:  # ValueError: no absolute URL
            log.warning("media download failed: %s", type(error).__name__)
            return replace(attachment, refused="unreachable")
        extension = mimetypes.guess_extension(kind) or ".bin"
        key = digest.hexdigest() + extension
        await asyncio.to_thread(self._write, key, b"".join(chunks))
        return replace(attachment, content_type=kind, size=size, stored=key)

    @contextlib.asynccontextmanager
    async def _open(self, url: str) -> AsyncIterator[aiohttp.ClientResponse]:
        """GET `url`, following redirects by hand so that the credentials go to its own host only."""
        assert self._session is not None
        origin = URL(url).origin()
        for _ in range(MAX_REDIRECTS):
            headers = (
                {"Authorization": self._authorization}
                if self._authorization and URL(url).origin() == origin
                else {}
            )
            response = await self._session.get(url, headers=headers, allow_redirects=False)
            if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                url = str(URL(url).join(URL(response.headers["Location"])))
                response.release()
                continue
            try:
                yield response
            finally:
                response.release()
            return
        raise aiohttp.ClientError("too many redirects")

    def _write(self, key: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / key
        if target.exists():  # the same content was kept before
            return
        partial = target.with_suffix(target.suffix + ".part")
        with open(partial, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(target)  # whole or absent, never half written
