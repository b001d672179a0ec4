"""The one aiohttp server: health check now; webhooks and pages mount their routes on `app`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)


class WebServer:
    def __init__(
        self,
        host: str,
        port: int,
        healthy: Callable[[], Awaitable[bool]],
        role: Callable[[], str] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.app = web.Application()
        self.app.router.add_get("/healthz", self._health)
        self._healthy = healthy
        self._role = role
        """What the process does (`leader` or `standby`, several on one database), shown beside the status."""
        self._runner: web.AppRunner | None = None

    async def _health(self, request: web.Request) -> web.Response:
        ok = await self._healthy()
        body = {"status": "ok" if ok else "unavailable"}
        if self._role is not None:
            body["role"] = self._role()
        return web.json_response(body, status=200 if ok else 503)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("web server listening on %s:%s", self.host, self.bound_port)

    @property
    def bound_port(self) -> int | None:
        """The port actually bound (useful when configured as 0)."""
        if self._runner is None:
            return None
        for site in self._runner.sites:
            server = getattr(site, "_server", None)
            if server is not None and server.sockets:
                return server.sockets[0].getsockname()[1]
        return None

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            log.info("web server stopped")
