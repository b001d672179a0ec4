"""`communitybot run` with Twilio credentials: a signed conversation through the real app and the fake API."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.app import Application
from config.community import CommunityFile
from config.settings import Settings, TwilioSettings
from tests.bot.cli_helpers import communitybot
from tests.bot.whatsapp.conftest import ANA, BOT_NUMBER, PUBLIC, sign, twilio_settings
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, FakeTwilio


@pytest.fixture
async def app(tmp_path: Path, fake: FakeTwilio) -> AsyncIterator[Application]:
    settings = Settings(
        database_path=tmp_path / "data" / "bot.db",
        public_base_url=PUBLIC,
        web={"host": "127.0.0.1", "port": 0},
        twilio=twilio_settings(fake),
    )
    application = Application(settings, CommunityFile.model_validate({"community": {"name": "Acme"}}))
    await application.start()
    try:
        yield application
    finally:
        await application.stop()


async def converse(app: Application, fake: FakeTwilio, text: str, sid: str) -> list[str]:
    """Post one signed message; the bodies Twilio was asked to send in answer."""
    assert app.web is not None
    form = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": ANA, "To": BOT_NUMBER, "Body": text}
    form |= {"WaId": "15550001234", "ProfileName": "Ana", "NumMedia": "0"}
    headers = {"X-Twilio-Signature": sign(PUBLIC + "/twilio/whatsapp", form)}
    before = len(fake.accepted)
    url = f"http://127.0.0.1:{app.web.bound_port}/twilio/whatsapp"
    async with aiohttp.ClientSession() as http, http.post(url, data=form, headers=headers) as response:
        assert response.status == 200
        assert "<Response>" in await response.text()
    for _ in range(500):  # the outbox worker sends in the background
        await asyncio.sleep(0.01)
        if len(fake.accepted) > before and app.store and not await _pending(app):
            break
    return [f["Body"] for f in fake.accepted[before:]]


async def _pending(app: Application) -> bool:
    assert app.store is not None
    row = await app.store.db.fetch_one("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')")
    return row is not None and row[0] > 0


async def test_join_help_points_stop_start_end_to_end(
    app: Application, fake: FakeTwilio, tmp_path: Path
) -> None:
    join = await converse(app, fake, "JOIN", "SM" + "1" * 32)
    assert join[0].startswith("Welcome to Acme, Ana!")
    assert join[1].startswith("You will receive community messages here")
    help_text = "\n".join(await converse(app, fake, "help", "SM" + "2" * 32))  # long: sent in parts
    assert help_text.startswith("Acme: commands you can use")
    assert "POINTS" in help_text and "STOP" in help_text and "LINK" in help_text
    points = (await converse(app, fake, "POINTS", "SM" + "3" * 32))[0]
    assert points.startswith("@ana: 0 ")
    stop = await converse(app, fake, "STOP", "SM" + "4" * 32)
    assert stop == [
        "Done: Acme will send you nothing more here (no newsletter, reminders or notices). "
        "We still answer when you write. Send START to get messages again."
    ]
    start = await converse(app, fake, "START", "SM" + "5" * 32)
    assert start[0].startswith("Done: Acme messages are on again.")
    assert fake.refused == []
    assert {f["StatusCallback"] for f in fake.accepted} == {PUBLIC + "/twilio/status"}
    assert {(f["To"], f["From"]) for f in fake.accepted} == {(ANA, BOT_NUMBER)}
    await app.stop()

    exported = communitybot(tmp_path, "export", "outbox", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    rows = json.loads(exported.stdout)
    assert [r["state"] for r in rows] == ["sent"] * 6
    assert all(r["deliveries"].startswith("SM") for r in rows)


async def test_the_adapter_refuses_to_start_without_an_auth_token(tmp_path: Path) -> None:
    settings = Settings(
        database_path=tmp_path / "bot.db",
        public_base_url=PUBLIC,
        web={"host": "127.0.0.1", "port": 0},
        twilio=TwilioSettings(account_sid=ACCOUNT_SID, whatsapp_from=BOT_NUMBER),
    )
    app = Application(settings, CommunityFile())
    with pytest.raises(ValueError, match="COMMUNITYBOT_TWILIO__AUTH_TOKEN: is required for WhatsApp"):
        await app.start()
    assert app.store is None and app.web is None


def test_the_environment_check_names_what_whatsapp_still_needs(tmp_path: Path) -> None:
    result = communitybot(
        tmp_path,
        "check-config",
        COMMUNITYBOT_TWILIO__ACCOUNT_SID=ACCOUNT_SID,
        COMMUNITYBOT_TWILIO__AUTH_TOKEN="a-secret-token-value",
    )
    assert result.returncode == 1
    assert "COMMUNITYBOT_TWILIO__WHATSAPP_FROM: is required for WhatsApp" in result.stderr
    assert "COMMUNITYBOT_PUBLIC_BASE_URL: is required for WhatsApp" in result.stderr
    assert "a-secret-token-value" not in result.stderr + result.stdout


def test_twilio_settings_never_show_the_token() -> None:
    settings = TwilioSettings(account_sid=ACCOUNT_SID, auth_token=SecretStr("hush-hush"))
    assert "hush-hush" not in repr(settings) and "hush-hush" not in str(settings.model_dump())


def test_stop_start_and_link_work_from_the_console(tmp_path: Path) -> None:
    result = communitybot(tmp_path, "console", stdin="alice: JOIN\nalice: LINK\nalice: STOP\nalice: START\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^\[to alice\] Your link code is [A-Z2-9]{6} \(valid 10 minutes, once\)\.", out, re.M)
    assert "[to alice] Done: Our community will send you nothing more here" in out
    assert "[to alice] Done: Our community messages are on again." in out
