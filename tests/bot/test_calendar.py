"""`/sessions/<id>.ics`: each founder session as an iCalendar file on the bot's web server, linked from its
post when the server has a public address; a move or a cancel gives a new version of the same event."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot import calendar
from bot.app import Application
from config.settings import Settings
from handlers.calendar import CALENDAR
from handlers.core import Core
from handlers.events import DirectMessage
from handlers.features import community_config
from handlers.models import Identity
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger

COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"moderators": ["console:mod"]},
}
NEW = 'SESSION NEW "Ask the founder" 2026-12-10 18:00 90m | https://meet.example/abc | 20'


def event_of(body: bytes) -> Calendar:
    [event] = Calendar.from_ical(body).walk("VEVENT")
    return event


async def test_the_running_bot_serves_the_file_its_post_links(tmp_path: Path) -> None:
    settings = Settings(
        database_path=tmp_path / "bot.db",
        web={"host": "127.0.0.1", "port": 0},
        public_base_url="https://bot.example.com",
    )
    app = Application(settings, community_config(COMMUNITY))
    await app.start()
    try:
        assert app.core is not None and app.web is not None
        [reply] = await app.core.handle_direct(DirectMessage(Identity("console", "mod"), "SESSION 1"))
        assert "There is no session #1" in reply.text
        [created] = await app.core.handle_direct(DirectMessage(Identity("console", "mod"), NEW))
        assert created.text.startswith("Session #1 is posted")
        [shown] = await app.core.handle_direct(DirectMessage(Identity("console", "mod"), "SESSION 1"))
        [link] = re.findall(r"https://bot\.example\.com(/sessions/1-[0-9a-f]{24}\.ics)", shown.text)
        assert f"Add it to your calendar: https://bot.example.com{link}" in shown.text
        base = f"http://127.0.0.1:{app.web.bound_port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}{link}") as response:
                assert response.status == 200
                assert response.content_type == "text/calendar"
                event = event_of(await response.read())
            for guessed in (
                "/sessions/1.ics",
                "/sessions/1-" + "0" * 24 + ".ics",
                link.replace("/1-", "/2-"),
            ):
                async with http.get(f"{base}{guessed}") as missing:
                    assert missing.status == 404  # the number alone, a wrong key, another session
        assert event["SUMMARY"] == "Ask the founder"
        assert event.start == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
        assert event.end == datetime(2026, 12, 10, 18, 30, tzinfo=UTC)
        assert event["LOCATION"] == "https://meet.example/abc"
        assert str(event["STATUS"]) == "CONFIRMED"
    finally:
        await app.stop()


async def test_a_moved_or_cancelled_session_is_a_new_version_of_the_same_event(
    store: Store, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    core: Core = make_core(store, clock, RecordingMessenger(), community_config(COMMUNITY))
    await core.start()
    await say(core, "console:mod", NEW)
    server = web.Application()
    calendar.mount(server, partial(core.port, CALENDAR))
    async with TestClient(TestServer(server)) as client:
        key = (await store.db.fetch_one("SELECT calendar_key FROM sessions WHERE id = 1"))["calendar_key"]

        async def fetch() -> Calendar:
            response = await client.get(f"/sessions/1-{key}.ics")
            assert response.status == 200
            return event_of(await response.read())

        first = await fetch()
        await say(core, "console:mod", "SESSION MOVE 1 2026-12-11 19:00")
        moved = await fetch()
        assert moved["UID"] == first["UID"]
        assert (int(first["SEQUENCE"]), int(moved["SEQUENCE"])) == (0, 1)
        assert moved.start == datetime(2026, 12, 11, 18, 0, tzinfo=UTC)
        await say(core, "console:mod", "SESSION CANCEL 1")
        cancelled = await fetch()
        assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 2
        assert (await client.get("/sessions/abc.ics")).status == 404
