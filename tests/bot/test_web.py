from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.app import Application
from config.settings import Settings
from handlers.features import community_config


async def test_run_mode_serves_healthz_and_stops_cleanly(tmp_path: Path) -> None:
    settings = Settings(database_path=tmp_path / "bot.db", web={"host": "127.0.0.1", "port": 0})
    app = Application(settings, community_config())
    await app.start()
    try:
        assert app.web is not None
        port = app.web.bound_port
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok", "role": "leader"}  # the one process leads
    finally:
        await app.stop()
    assert app.store is None and app.web is None
