"""Circles under kill -9 (issue 18): benchmarks/circles_crash.py in a tiny mode, the real `communitybot run`
SIGKILLed twice while a circle chats (once while the fake Twilio API holds a request it took), restarted on
the same database, Twilio retrying what was not acknowledged. Nothing here is timed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_each_relayed_message_reaches_each_recipient_once_across_kills(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "circles_crash.py"), "--members", "8", "--messages", "40",
         "--rate", "10", "--writers", "4", "--kills", "2", "--dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "2 kill -9 (1 while the fake API held a request it had taken)" in out, out
    assert "acknowledged 40 of 40 messages" in out, out
    assert "missing 0, twice 0, to the wrong member 0" in out, out
    assert "each relayed message reached each recipient exactly once across 2 kills: True" in out, out
