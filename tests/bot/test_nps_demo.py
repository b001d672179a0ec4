"""Issue 17's NPS survey scenario through the real `communitybot console` process: docs/nps-demo.txt."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT

QUESTION = "📋 How likely are you to recommend Bloom Coffee to a friend?"
KEYPAD = "  0 · 1 · 2 · 3 · 4 · 5 · 6 · 7 · 8 · 9 · 10"


def block(out: str, first: str) -> list[str]:
    """The last message that starts with `first`: its lines, without the indent of the following ones."""
    lines = out.splitlines()
    start = len(lines) - 1 - lines[::-1].index(first)
    following = lines[start + 1 :]
    end = next((n for n, line in enumerate(following) if not line.startswith("  ")), len(following))
    return [first, *(line[2:] for line in following[:end])]


def test_the_nps_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "nps-demo").stdout
    assert "[to mod] No NPS survey has run yet. The next one starts Fri 1 Jan at 10:00 (Europe/Paris)." in out
    # the survey starts on its quarterly date, spread over two days (members by id: 2 and 4, then 1, 3, 5)
    start = out.index("[#moderators] 📋 NPS survey #1 has started: 5 members will be asked over 2 days.")
    day_one = out[: out.index("[console] clock moved to Fri 1 Jan at 10:00")]  # printed once it ran
    first_day = [n for n in ("alice", "bob", "carol", "dave", "erin") if f"[to {n}] {QUESTION}" in day_one]
    assert first_day == ["bob", "dave"]
    assert all(out.index(f"[to {n}] {QUESTION}") > start for n in first_day)
    assert out.count(QUESTION) == 4 and "[to carol] 📋 Quelle est la probabilité que tu recommandes" in out
    assert "[to frank] 📋" not in out  # joined a week before: too new to be asked
    assert out.count(KEYPAD) == 5  # the scores on one line, typed as they read
    assert "  • Sat 2 Jan at 10:00: NPS survey #1: questions of day 2 of 2" in out  # SCHEDULE
    # a bare number is the score; the next words the reason; a promoter gets their referral code
    assert "[to bob] Thank you: 9 noted. What is the main reason for your score?" in out
    assert (
        "[to bob] Thank you! Do you know someone who would enjoy Bloom Coffee? Introduce them with your"
        in out
    )
    assert "referral code: BOB-" in out
    # a detractor's answer reaches the moderators' queue, with who and why
    assert block(out, "[#moderators] 📋 NPS follow-up #1: @dave scored 4 out of 10.") == [
        "[#moderators] 📋 NPS follow-up #1: @dave scored 4 out of 10.",
        "Their reason: “My last order took three weeks to arrive”",
        "1. Done #1",
    ]
    # refusals: one line each
    assert "[to dave] You answered this survey already (your score: 4): one answer per survey." in out
    assert "[to frank] No survey question waits for you now" in out
    assert "[to alice] “12” is not a score: answer with a whole number from 0 to 10, such as NPS 8." in out
    assert (
        "[to erin] This survey closed on Sat 9 Jan at 10:00 (Europe/Paris): answers are no longer taken."
        in out
    )
    assert "[to alice] Thank you for your answer: it helps us do better." in out
    assert "[to carol] Merci ! Tu connais quelqu’un qui aimerait Bloom Coffee ?" in out
    # the moderators' results: 2 promoters, 1 passive, 1 detractor of 4 answers = +25, under 30: a hint
    assert block(out, "[to mod] 📋 NPS survey #1, started 1 Jan 2027") == [
        "[to mod] 📋 NPS survey #1, started 1 Jan 2027",
        "NPS: +25 (4 answers)",
        "Promoters (9-10): 2 · passives (7-8): 1 · detractors (0-6): 1",
        "Response rate: 80% of 5 members asked.",
        "Only 4 answers: under 30, each answer moves the score a lot. Read it as a hint, not a measure.",
        "No follow-up to do.",
    ]
    assert "[to mod] Follow-up #1 (@dave) is done." in out
    assert "[to mod] Follow-up #1 is done already." in out
    # the export: one answer per member, the reasons, the follow-up done
    answers = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "nps_answers").stdout)))
    assert [(a["handle"], a["score"], a["reason"], a["follow_up"], bool(a["done_at"])) for a in answers] == [
        ("bob", "9", "The beans are always fresh and the team is lovely", "", False),
        ("dave", "4", "My last order took three weeks to arrive", "1", True),
        ("alice", "8", "", "", False),
        ("carol", "10", "Les ateliers du samedi", "", False),
    ]
    [survey] = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "nps_surveys").stdout)))
    assert (survey["chosen"], survey["asked"], survey["answers"]) == ("5", "5", "4")
