"""Issue 15's poll scenario through the real `communitybot console` process: docs/polls-demo.txt."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT


def test_the_polls_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "polls-demo").stdout
    # a numbered reply, a vote changed, two refusals with the reason
    assert "[to alice] Your vote in poll #1: Yuzu." in out
    assert "[to bob] Your vote in poll #1 is now: Yuzu." in out
    assert "[to carol] “7” is not one of its options: give a number from 1 to 3." in out
    assert "[to carol] This poll takes 1 option per member: pick one." in out
    # voting points once, though bob changed his vote
    assert "[to bob] @bob: 2 credits (2 earned in all)" in out
    # named: moderators see who voted what
    assert "Who voted what (moderators only):\n  Friday: @alice\n  Saturday: @carol\n  Sunday: @alice" in out
    # poll 2 closes at its deadline; a vote after it is refused
    assert "[#polls] 🏁 Poll #2 is closed: Tasting days?\n  A tie: Friday, Saturday and Sunday" in out
    assert "[to alice] Poll #2 is closed: no more votes." in out
    # poll 1 fell due while the bot was off: closed once on start, marked late, never posted again
    closed = "[#polls] 🏁 Poll #1 is closed: Next flavour?\n  Yuzu wins with 2 votes of 3 (67%)."
    assert out.count(closed) == 1
    assert "Closed late: the bot was not running at the deadline, Thu" in out
    assert out.count("🏁") == 3  # poll 2's post, poll 1's post and alice's POLL 1
    # the export: named votes with their members, anonymous ones without
    votes = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "votes").stdout)))
    anonymous = [v for v in votes if v["poll_id"] == "1"]
    assert sorted(v["option"] for v in anonymous) == ["Cherry", "Yuzu", "Yuzu"]
    assert all(v["handle"] == "" and v["voted_at"] == "" for v in anonymous)
    named = {(v["handle"], v["option"]) for v in votes if v["poll_id"] == "2"}
    assert named == {("alice", "Friday"), ("alice", "Sunday"), ("carol", "Saturday")}
    polls = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "polls").stdout)))
    assert [(p["id"], p["state"], p["late"], p["voters"]) for p in polls] == [
        ("1", "closed", "1", "3"),
        ("2", "closed", "0", "2"),
    ]
