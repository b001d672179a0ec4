"""Issue 15's product feedback scenario through the real `communitybot console` process."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT


def test_the_feedback_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "feedback-demo").stdout
    assert "[#moderators] 💡 Idea #1 from @alice: “Refillable coffee pods, please”" in out
    assert "[to alice] Idea #1 is yours: ask others to back it." in out
    assert "[to bob] You back idea #1: 1 backer now." in out
    assert "[to carol] You back idea #1 already." in out
    shipped = "is now shipped.\n  The team says: In the shop now"
    assert out.count(f"[to alice] Your idea #1 (“Refillable coffee pods, please”) {shipped}") == 1
    assert out.count(f"[to bob] Idea #1 you backed (“Refillable coffee pods, please”) {shipped}") == 1
    assert out.count(f"[to carol] Idea #1 you backed (“Refillable coffee pods, please”) {shipped}") == 1
    assert out.count("you backed (“Refillable coffee pods, please”) is now planned") == 2  # once each
    assert "[to mod] Idea #1 is planned already: nobody is told again." in out
    assert "[to carol] Idea #1 has shipped already: nothing to back." in out
    assert "[to alice] @alice: 25 credits (25 earned in all)" in out
    ideas = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "ideas").stdout)))
    assert [(i["id"], i["handle"], i["status"], i["backers"]) for i in ideas] == [
        ("1", "alice", "shipped", "2"),
        ("2", "carol", "new", "0"),
    ]
