"""Every page renders from a real SQLite file with the seeded community's data in it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import aiohttp
import pytest

from bot.app import Application
from handlers.events import DirectMessage
from handlers.models import Identity
from tests.bot.admin.conftest import Admin, base_url, write
from tests.bot.admin.data import COMMUNITY, Seeded, app_for

PAGES = {
    "/admin/": ["Key figures", "<svg", "Members over time", "NPS by week"],
    "/admin/members": ["@alice", "@erin", "champions"],
    "/admin/members?q=ali": ["@alice"],
    "/admin/members?segment=dormant": ["@dave"],
    "/admin/ledger": ["Best photo of the month", "award"],
    "/admin/ledger?member=alice&kind=award": ["Best photo of the month"],
    "/admin/polls": ["Next flavour?", "Mango: 1", "Yuzu: 1", "Cherry: 0"],
    "/admin/challenges": ["Best mug photo"],
    "/admin/challenges/1": ["My mug on the balcony", "/admin/media/"],
    "/admin/unlocks": ["Tasting kit at half price", "1/3"],
    "/admin/feedback": ["Refillable coffee pods, please", "Decaf beans"],
    "/admin/sessions": ["Ask the founder", "2/2"],
    "/admin/sessions/1": ["@bob", "@dave", "on the waitlist"],
    "/admin/newsletters": ["See the next issue as it stands"],
    "/admin/newsletters/1": ["Acme Friends"],
    "/admin/newsletters/next": ["Acme Friends"],
    "/admin/outbox": ["Messages on every platform", "WhatsApp outbox (Twilio)"],
    "/admin/config": ["community.name", "Acme Friends", "[points]"],
}


@pytest.mark.parametrize("path", sorted(PAGES))
async def test_every_page_renders_with_the_communitys_data(admin: Admin, path: str) -> None:
    status, html = await admin.get(path)
    assert status == 200, html[:2000]
    for expected in PAGES[path]:
        assert expected in html, (path, expected)
    assert '<html lang="en">' in html and 'name="viewport"' in html and 'class="skip" href="#main"' in html


async def test_a_member_shows_identities_balance_and_history(admin: Admin) -> None:
    _, listing = await admin.get("/admin/members?q=alice")
    member = re.search(r'href="(/admin/members/\d+)">@alice<', listing)
    assert member is not None
    status, html = await admin.get(member.group(1))
    assert status == 200
    assert (
        "console:alice" in html and "Best photo of the month" in html and "#1 on the all-time board" in html
    )


async def test_the_overview_shows_the_figures_stats_month_shows(admin: Admin, app: Application) -> None:
    _, html = await admin.get("/admin/")
    assert app.core is not None
    [stats] = await app.core.handle_direct(DirectMessage(Identity("console", "mod"), "STATS month"))
    # The cards are the last 30 closed days, read through the health feature's port as STATS reads them.
    members = re.search(r"Members: (\d+)", stats.text)
    nps = re.search(r"NPS: ([+-]\d+) from (\d+) answers", stats.text)
    messages = re.search(r"Messages: ([\d,]+)", stats.text)
    assert members is not None and nps is not None and messages is not None, stats.text
    assert f"<dd>{members.group(1)}<span" in html and members.group(1) == "159"  # 60 days: 100 to 159
    assert f"<dd>{nps.group(1)}<span" in html and f"{nps.group(2)} answers in 30 days" in html
    assert f"<dd>{messages.group(1)}<span" in html
    assert html.count("<svg") == 4 and html.count('role="img"') == 4


async def test_submitted_media_is_served_from_the_media_store(admin: Admin, seeded: Seeded) -> None:
    async with admin.http.get(f"{admin.base}/admin/media/{seeded.media_key}") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert (await response.read())[:8] == b"\x89PNG\r\n\x1a\n"
    for wrong in ("../bot.db", "0" * 64 + ".png", "%2e%2e%2fbot.db"):
        status, _ = await admin.get(f"/admin/media/{wrong}")
        assert status == 404, wrong


async def test_the_ledger_pages_with_a_cursor(admin: Admin, app: Application) -> None:
    assert app.store is not None
    async with app.store.transaction():
        for n in range(120):
            await app.store.db.execute(
                "INSERT INTO ledger (community_id, member_id, delta, kind, reason, source, created_at, month)"
                " VALUES (1, 1, 1, 'activity', ?, ?, ?, '2026-01')",
                (f"chat {n}", f"test:{n}", f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}.000000Z"),
            )
    _, first = await admin.get("/admin/ledger?kind=activity")
    older = re.search(r'href="([^"]+)">Older', first)
    assert older is not None and "chat 119" in first and "chat 70" in first and "chat 69" not in first
    _, second = await admin.get(older.group(1).replace("&amp;", "&"))
    assert "chat 69" in second and "chat 20" in second and "chat 70" not in second


async def test_the_ledger_exports_as_csv_with_its_filters(admin: Admin) -> None:
    async with admin.http.get(f"{admin.base}/admin/ledger.csv?kind=award") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0][:5] == ["id", "created_at", "member_id", "handle", "delta"]
    awards = {row[3]: row for row in rows[1:]}
    assert set(awards) == {"alice", "bob"}
    assert awards["alice"][4] == "120" and awards["alice"][5] == "award"
    assert awards["bob"][6].startswith("'=HYPERLINK")  # a spreadsheet reads no formula from a member's text


async def test_an_unknown_member_filter_says_so(admin: Admin) -> None:
    status, html = await admin.get("/admin/ledger?member=nobody")
    assert status == 200 and "No member has the handle nobody." in html


async def test_before_the_first_roll_up_the_overview_counts_members_live(tmp_path: Path) -> None:
    write(tmp_path / "community.toml", COMMUNITY)
    app = await app_for(tmp_path)
    try:
        assert app.core is not None
        await app.core.handle_direct(DirectMessage(Identity("console", "zoe"), "JOIN"))
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            admin = Admin(http, base_url(app))
            await admin.sign_in()
            status, html = await admin.get("/admin/")
        assert status == 200
        assert "No day has been rolled up yet" in html and "<svg" not in html
        assert re.search(r"<dt>Members</dt><dd>1</dd>", html)
    finally:
        await app.stop()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Vue d’ensemble", "Chiffres clés", "Membres au fil du temps"]),
        ("it", ["Panoramica", "Cifre chiave"]),
    ],
)
async def test_the_dashboard_speaks_the_communitys_language(
    folder: Path, language: str, words: list[str]
) -> None:
    write(
        folder / "community.toml", COMMUNITY.replace('timezone = "Europe/Paris"', f'language = "{language}"')
    )
    app = await app_for(folder)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            admin = Admin(http, base_url(app))
            await admin.sign_in()
            _, html = await admin.get("/admin/")
        assert f'<html lang="{language}">' in html
        for word in words:
            assert word in html, word
    finally:
        await app.stop()
