"""Issue 15's challenge scenario through the real `communitybot console` process: docs/challenges-demo.txt."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT


def test_the_challenges_demo_script(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "mug.png", tmp_path / "docs" / "mug.png")  # the demo runs from the repo root
    out = run_demo(tmp_path, ROOT / "docs", "challenges-demo").stdout
    assert "[console] mug.png goes with alice's next message" in out
    # a refusal needs its reason: the numbered choice says how to send it (a form on Discord)
    assert "  1. Accept #1\n  2. Reject #1: REVIEW REJECT 1 <reason>" in out
    assert "#1 (challenge #1) by @alice: “My mug on the balcony at sunrise” (+1 file)" in out
    assert "[to alice] You have made your 1 submission to challenge #1." in out
    assert out.count("[to alice] Your submission #1 to challenge #1 is accepted! You earned 20 credits.") == 1
    assert "[to mod] Submission #1 was accepted already: nothing more is credited." in out
    assert "[to bob] Your submission #2 to challenge #1 was not accepted: Please show the mug itself" in out
    assert "[#announcements] ⏱️ Challenge #1 (Best mug photo) has ended" in out
    assert "[to bob] Challenge #1 takes no more submissions: it has ended." in out
    assert out.count("🏆 Challenge #1 (Best mug photo): the winner is @alice! (+50 credits)") == 1
    assert "[to mod] The winners of challenge #1 were announced already." in out
    assert "[to alice] @alice: 70 credits (70 earned in all)" in out  # 20 for the approval, 50 for winning
    rows = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "submissions").stdout)))
    assert [(r["id"], r["handle"], r["state"]) for r in rows] == [
        ("1", "alice", "approved"),
        ("2", "bob", "rejected"),
    ]
