"""Issue 17's simulated month through the real `communitybot console` process: docs/health-demo.txt.
Every figure below is counted by hand from the script (who writes on which day)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT


def message(out: str, first: str) -> list[str]:
    """The message whose first line is `first`, with its indented lines."""
    lines = out.splitlines()
    start = lines.index(first)
    rest = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        rest.append(line[2:])
    return [first, *rest]


def test_the_health_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "health-demo").stdout
    week_one = message(out, "[to mod] Community stats, 1 Dec 2026 to 7 Dec 2026, against the 7 days before:")
    assert week_one[1:4] == [
        "Members: 4 (+4 joined, −0 left)",
        "Participation: 75% of members active (3) (no figure before)",  # dave never wrote
        "Messages: 20 (new) · Kudos: 1 (new)",  # alice 7, bob 5 weekdays, carol 7, a thanks
    ]
    assert "Polls: 3 votes, 1 poll closed (turnout 75%)" in week_one
    # Carol is quiet from day 11: on the 26th (15 quiet days) she is at risk, nudged once, and comes back.
    assert out.count("[to carol] Hi carol, we miss you in the community!") == 1
    assert "[#moderators] 1 member became at risk yesterday: @carol." in out
    month = message(out, "[to mod] Community stats, 1 Dec 2026 to 30 Dec 2026, against the 30 days before:")
    assert month[1:] == [
        "Members: 5 (+5 joined, −0 left)",
        "Participation: 80% of members active (4) (no figure before)",
        "Messages: 76 (new) · Kudos: 4 (new)",  # alice 30, bob 22, carol 12, erin 8, 4 thanks
        "Invites: 0 newcomers brought by members (=), 0 became active",
        "Churn: 0 left, 0 inactive for 30 days or more",
        "Polls: 3 votes, 1 poll closed (turnout 75%)",
        "Challenges: 0 submissions",
        "Credits: 92 earned, 0 spent in the shop",
        "Newcomers: 4 wrote a first message, after 1 min (median)",
        "Segments: 0 new · 1 active · 3 champions · 0 at risk · 1 dormant",
        "Win-back: 1 of the 1 member nudged came back (100%)",
    ]
    week = message(out, "[to mod] Community stats, 24 Dec 2026 to 30 Dec 2026, against the 7 days before:")
    assert "Participation: 80% of members active (4) (↑ 20 pts)" in week  # carol is back
    assert message(out, "[to mod] In the segment “champions”, the longest there first:")[1:] == [
        "@alice · since 15 Dec 2026 · last active 30 Dec 2026",
        "@bob · since 16 Dec 2026 · last active 30 Dec 2026",
        "@carol · since 30 Dec 2026 · last active 30 Dec 2026",
    ]
    dormant = message(out, "[to mod] In the segment “dormant”, the longest there first:")
    assert dormant[1:] == ["@dave · since 15 Dec 2026 · never active"]
    assert "[to alice] STATS is for moderators only." in out
    # The rows STATS read, exported: December's messages add up to the month's 76; segments as listed.
    kpis = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "kpis").stdout)))
    assert len(kpis) == 30 and kpis[0]["day"] == "2026-12-01" and kpis[-1]["day"] == "2026-12-30"
    assert sum(int(row["messages"]) for row in kpis) == 76
    segments = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "segments").stdout)))
    assert {row["handle"]: row["segment"] for row in segments} == {
        "alice": "champion",
        "bob": "champion",
        "carol": "champion",
        "dave": "dormant",
        "erin": "active",
    }
