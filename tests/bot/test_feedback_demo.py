"""Issue 15's product feedback scenario through the real `communitybot console` process:
docs/feedback-demo.txt."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT

PODS = "(“Refillable coffee pods, please”)"


def block(out: str, first: str) -> list[str]:
    """The message that starts with `first`: its lines, without the indent of the following ones."""
    lines = out.splitlines()
    start = lines.index(first)
    following = [line[2:] for line in lines[start + 1 :]]
    end = next((n for n, line in enumerate(lines[start + 1 :]) if not line.startswith("  ")), len(following))
    return [first, *following[:end]]


def test_the_feedback_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "feedback-demo").stdout
    # each idea reaches the moderators' queue with buttons to triage it
    assert block(out, "[#moderators] 💡 Idea #1 from @alice: “Refillable coffee pods, please”") == [
        "[#moderators] 💡 Idea #1 from @alice: “Refillable coffee pods, please”",
        "1. Mark planned",
        "2. Mark shipped",
        "3. Mark declined",
    ]
    assert out.count("[#moderators] 💡 Idea #") == 3
    # backing: never one's own, once each, by button or by number, in the member's language
    assert "[to alice] Idea #1 is yours: ask others to back it." in out
    assert "[to bob] You back idea #1: 1 backer now." in out  # the third button of IDEAS, newest first
    assert "[to carol] Tu soutiens déjà l’idée n° 1." in out
    assert "[to dave] You no longer back idea #2: 0 backers now." in out
    # IDEAS: the most backed first, the reader's own and backed ones marked, buttons for the others
    assert block(out, "[to alice] The most backed ideas:")[1:5] == [
        "#1 Refillable coffee pods, please · 3 backers · new · yours",
        "#2 Une tasse plus petite pour l'espresso · 2 backers · new · you back it",
        "#3 Decaf beans · 0 backers · new",
        "Back one with BACK <number> (UNBACK <number> to stop); send yours with FEEDBACK <your idea>.",
    ]
    assert "[to mod] #1 Refillable coffee pods, please · 3 backers · new\n  Sent by @alice." in out
    # planned, then shipped: the author and every backer told once per change, each in their language
    for status in ("planned", "shipped"):
        assert out.count(f"[to alice] Your idea #1 {PODS} is now {status}.") == 1
        assert out.count(f"[to bob] Idea #1 you backed {PODS} is now {status}.") == 1
        assert out.count(f"[to dave] Idea #1 you backed {PODS} is now {status}.") == 1
        assert out.count(f"[to mod] Idea #1 is now {status}; 4 members told.") == 1
    assert out.count("[to carol] L’idée n° 1 que tu soutiens (« Refillable coffee pods, please ») est") == 2
    assert "est maintenant livrée.\n  L’équipe dit : In the shop now" in out
    assert "[to mod] Idea #1 is planned already: nobody is told again." in out
    assert out.count("is now planned") == 3 + 1  # alice, bob, dave and the moderator's answer: once
    # the author credited once per status; a shipped idea takes no backers and leaves IDEAS
    assert f"[to alice] Your idea #1 {PODS} is now shipped.\n  The team says: In the shop now\n" in out
    assert "[to alice] @alice: 25 credits (25 earned in all)" in out
    assert "[to erin] Idea #1 has shipped already: nothing to back." in out
    last = out.split("[to alice] The most backed ideas:")[-1]
    assert "#1 " not in last.split("[to alice] @alice")[0]
    # the export: every idea with its author, status and backers
    ideas = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "ideas").stdout)))
    assert [(i["id"], i["handle"], i["status"], i["backers"], i["note"]) for i in ideas] == [
        ("1", "alice", "shipped", "3", "In the shop now"),
        ("2", "carol", "new", "2", ""),
        ("3", "dave", "new", "0", ""),
    ]
