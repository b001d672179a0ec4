"""Issue 16's scheduler scenario through the real `communitybot console` process: docs/schedule-demo.txt."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.bot.cli_helpers import run_demo
from tests.conftest import ROOT


def test_the_schedule_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "schedule-demo").stdout
    # SCHEDULE in the moderator's zone, before and after TIMEZONE
    assert (
        "[to mod] Coming up (times in Europe/Paris):\n"
        "  • Mon 7 Dec at 09:00: Recurring challenge opens: Monday photo\n"
        "  • Mon 7 Dec at 09:00: The weekly newsletter\n"
        "  • Thu 10 Dec at 12:00: Poll #1 closes: Next flavour?"
    ) in out
    assert "  • Thu 10 Dec at 11:00: Poll #1 closes: Next flavour?" in out  # London
    # a member in New York reads the deadline in her zone, named
    assert "#1 Next flavour? · closes Thu 10 Dec at 06:00 (America/New_York)" in out
    assert "Did you mean Europe/Paris? Send TIMEZONE Europe/Paris." in out
    # the recurring challenge opened on time, Monday 09:00 in Paris
    assert "[#announcements] 🎯 Challenge #1: Monday photo" in out
    assert "clock moved to Mon 7 Dec at 10:00 (Europe/Paris)" in out
    # after three weeks off: the poll closed once, late; one challenge for the three missed Mondays
    assert out.count("🏁 Poll #1 is closed") == 1
    assert "Closed late: the bot was not running at the deadline, Thu 10 Dec at 12:00 (Europe/Paris)." in out
    assert out.count("🎯 Challenge #") == 2 and "🎯 Challenge #3" not in out
    assert "  • Mon 4 Jan at 08:00: Recurring challenge opens: Monday photo" in out
    db = sqlite3.connect(tmp_path / "data" / "bot.db")
    kinds = dict(
        db.execute("SELECT kind || ':' || state, count(*) FROM jobs GROUP BY kind, state").fetchall()
    )
    assert kinds["challenge_remind:missed"] == 1  # challenge 1's reminder fell in the downtime: not sent
    assert kinds["challenge_recurring:done"] == 2
    late = db.execute("SELECT late FROM jobs WHERE kind = 'poll_close' AND state = 'done'").fetchall()
    assert late == [(1,)]
