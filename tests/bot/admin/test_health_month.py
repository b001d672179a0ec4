"""Issue 17's "done when": after the simulated month of docs/health-demo.txt (the real console process),
the dashboard's overview, opened on that database, shows the figures `STATS month` showed in the script."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from tests.bot.admin.conftest import Admin, base_url
from tests.bot.admin.data import app_for
from tests.bot.cli_helpers import run_demo
from tests.bot.test_health_demo import message
from tests.conftest import ROOT

MONTH = "[to mod] Community stats, 1 Dec 2026 to 30 Dec 2026, against the 30 days before:"


def figure(lines: list[str], pattern: str) -> str:
    found = next((m for line in lines if (m := re.search(pattern, line))), None)
    assert found is not None, (pattern, lines)
    return found.group(1)


async def test_the_overview_shows_what_stats_month_showed_after_a_simulated_month(tmp_path: Path) -> None:
    month = message(run_demo(tmp_path, ROOT / "docs", "health-demo").stdout, MONTH)
    app = await app_for(tmp_path, database_path=tmp_path / "data" / "bot.db", console_start=None)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            admin = Admin(http, base_url(app))
            assert (await admin.sign_in()).status == 303
            status, html = await admin.get("/admin/")
        assert status == 200
        cards = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)<span", html))
        assert cards["Members"] == figure(month, r"Members: (\d+)") == "5"
        assert cards["Joined"] == figure(month, r"\+(\d+) joined") == "5"
        assert cards["Messages"] == figure(month, r"Messages: (\d+)") == "76"
        assert cards["Participation (30 days)"] == figure(month, r"Participation: (\d+%)") == "80%"
        assert cards["At risk"] == figure(month, r"(\d+) at risk") == "0"
    finally:
        await app.stop()
