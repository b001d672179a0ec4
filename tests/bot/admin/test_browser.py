"""The dashboard in a real browser: headless Chromium from Debian's packages (`/usr/bin/chromium`, driven by
Playwright; `tests/install_browser.py` installs it). It signs in, opens every page, edits a setting, sees the
charts, is refused without the token and on a forged CSRF token, works from the keyboard and on a phone's
width, and takes the screenshot of the overview the README shows.

Without Chromium the test is skipped with the reason; in CI (CI=true) it fails instead."""

from __future__ import annotations

import os
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import Application
from tests.bot.admin.conftest import base_url, text_of
from tests.bot.admin.data import TOKEN
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "dashboard-overview.png"
HAVE_CHROMIUM = CHROMIUM.exists()


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser tests (tests/install_browser.py installs Chromium)")
    pytest.skip(f"{reason}: run `python tests/install_browser.py` (as root) to run the browser tests")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not HAVE_CHROMIUM:
        _missing(f"{CHROMIUM} is not installed")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


async def test_an_admin_uses_the_dashboard_in_a_browser(browser: Any, app: Application, folder: Path) -> None:
    base = base_url(app)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})

    # Without the token nothing shows: every page sends to the sign-in form, a wrong token is refused.
    await page.goto(base + "/admin/members")
    assert "/admin/signin" in page.url
    await page.fill("#token", "not-the-admin-token")
    async with page.expect_navigation():
        await page.click("button[type=submit]")
    assert await page.locator("[role=alert]").inner_text() == "That is not the admin token."
    await page.goto(base + "/admin/ledger")
    assert "/admin/signin" in page.url

    # The token field is labelled; the form is sent from the keyboard, and leads where the admin was going.
    await page.get_by_label("Admin token").fill(TOKEN)
    await page.keyboard.press("Enter")
    await page.wait_for_url(base + "/admin/ledger")  # exactly: the sign-in page's address ends so too

    # The overview: its cards and four charts drawn as SVG; the skip link is the keyboard's first stop.
    await page.goto(base + "/admin/")
    assert await page.locator("svg.chart").count() == 4
    assert await page.locator("svg.chart polyline").count() >= 3
    assert await page.locator("#chart-members svg title").text_content() == "Members over time"
    await page.screenshot(path=str(SCREENSHOT), full_page=True)
    await page.keyboard.press("Tab")
    assert (
        await page.evaluate("document.activeElement.outerHTML")
        == '<a class="skip" href="#main">Skip to content</a>'
    )
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"

    # Every page of the navigation, then the pages one reaches from them.
    names = await page.locator("header nav a").all_inner_texts()
    assert len(names) == 11
    for name in names:
        async with page.expect_navigation():
            await page.locator("header nav a", has_text=name).first.click()
        assert await page.locator("h1").count() == 1
        assert await page.locator('header nav a[aria-current="page"]').inner_text() == name
    for link, heading in (
        ("/admin/members?q=alice", "Member"),
        ("/admin/challenges", "Challenge"),
        ("/admin/sessions", "Session"),
        ("/admin/newsletters", "Newsletter issue"),
    ):
        await page.goto(base + link)
        async with page.expect_navigation():
            await page.locator("main table a").first.click()
        assert await page.locator("h1").inner_text() == heading
    await page.goto(base + "/admin/challenges/1")
    image = page.locator("td.media img").first
    assert await image.evaluate("img => img.complete && img.naturalWidth > 0")
    await page.goto(base + "/admin/newsletters")
    async with page.expect_navigation():
        await page.click("text=See the next issue as it stands")
    assert await page.locator("h1").inner_text() == "Next newsletter"

    # Edit a setting: saved, backed up and applied at once (the running bot has it: nothing is pending).
    await page.goto(base + "/admin/config")
    await page.get_by_label("community.name").fill("Acme Friends Club")
    async with page.expect_navigation():
        await page.click("text=Save the settings")
    assert "Saved and applied" in await page.locator("[role=status]").inner_text()
    saved = tomllib.loads(text_of(folder / "community.toml"))
    assert saved["community"]["name"] == "Acme Friends Club"
    assert text_of(folder / "community.toml.bak")
    assert app.community.community.name == "Acme Friends Club"
    assert await page.locator("#pending").count() == 0

    # A forged CSRF token is refused and changes nothing.
    await page.evaluate("document.querySelector('#settings input[name=csrf]').value = 'forged'")
    await page.get_by_label("community.name").fill("Forged Name")
    async with page.expect_navigation():
        await page.click("text=Save the settings")
    assert "could not be checked" in await page.locator("[role=alert]").inner_text()
    saved = tomllib.loads(text_of(folder / "community.toml"))
    assert saved["community"]["name"] == "Acme Friends Club"

    # On a phone's width nothing is wider than the screen: tables scroll inside their box.
    phone = await browser.new_page(viewport={"width": 390, "height": 844})
    await phone.goto(base + "/admin/signin")
    await phone.fill("#token", TOKEN)
    await phone.click("button[type=submit]")
    await phone.wait_for_url(base + "/admin/")
    for path in ("/admin/", "/admin/ledger", "/admin/members", "/admin/config"):
        await phone.goto(base + path)
        assert phone.url == base + path
        assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path

    # Signing out ends it.
    await page.goto(base + "/admin/")
    async with page.expect_navigation():
        await page.click("text=Sign out")
    await page.goto(base + "/admin/members")
    assert "/admin/signin" in page.url
