"""What an operator reads: one INFO line per event worth knowing, never one per message; JSON lines on
demand."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from handlers.delivery import MessageKind
from tests.bot.whatsapp.conftest import WhatsAppHarness


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_time_level_logger_message_and_exception(
    restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.configure("INFO", "json")
    log = logging.getLogger("communitybot.test")
    log.info("outbox backlog: %d message(s) waiting", 12)
    log.debug("not shown at INFO")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("send failed")
    lines = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one whole JSON object
    assert [(e["level"], e["logger"], e["message"]) for e in entries] == [
        ("INFO", "communitybot.test", "outbox backlog: 12 message(s) waiting"),
        ("ERROR", "communitybot.test", "send failed"),
    ]
    assert entries[0]["time"].endswith("+00:00") and "exception" not in entries[0]
    assert "ValueError: boom" in entries[1]["exception"]


def test_text_lines_are_the_default(restored_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("INFO")
    logging.getLogger("communitybot.test").warning("a failed send")
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(" WARNING communitybot.test: a failed send")


async def test_sending_messages_logs_nothing_per_message_at_info(
    wa: WhatsAppHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await wa.say("JOIN")
    await wa.flush()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for n in range(20):
            await wa.send(f"Secret plans number {n} for the launch", MessageKind.NOTICE)
        await wa.flush()
    assert len(wa.bodies()) >= 20
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO] == []
    with caplog.at_level(logging.DEBUG, logger="bot.whatsapp.sender"):  # the detail is there when asked for
        await wa.send("one more", MessageKind.NOTICE)
        await wa.flush()
    assert any("sent as SM" in r.getMessage() for r in caplog.records)
    assert not any("Secret plans" in r.getMessage() or "one more" in r.getMessage() for r in caplog.records)
