"""Issue 16's founder session scenario through the real `communitybot console` process:
docs/sessions-demo.txt (RSVPs, a waitlist promotion, both reminders at their local times, a restart)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT

PARIS, LONDON = "Thu 3 Dec at 18:00 (Europe/Paris).", "Thu 3 Dec at 17:00 (Europe/London)."
REMINDER = "⏰ Reminder: founder session #1 (Ask the founder) starts in"


def test_the_sessions_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "sessions-demo").stdout
    assert "[to carol] Session #1 (Ask the founder) is full: you are #1 on the waitlist." in out
    assert "[to dave] Session #1 (Ask the founder) is full: you are #2 on the waitlist." in out
    # alice's place goes to carol at once, and carol is told
    assert "[to carol] 🎉 A place freed up at session #1 (Ask the founder)" in out
    assert "Coming (2): @bob, @carol\n  Waiting (1): @dave" in out
    # bob set his own zone: his listing and reminders are in London time
    assert "#1 Ask the founder · Thu 3 Dec at 17:00 (Europe/London)" in out
    assert "Wed 2 Dec at 18:00: Reminder of session #1 (Ask the founder), 24 h before" in out  # SCHEDULE
    # each reminder once, to those with a place only, each in their zone; the 24 h one fell due while the
    # bot was off and goes once when it starts again
    day = [f"[to bob] {REMINDER} 24 h, {LONDON}", f"[to carol] {REMINDER} 24 h, {PARIS}"]
    hour = [f"[to bob] {REMINDER} 1 h, {LONDON}", f"[to carol] {REMINDER} 1 h, {PARIS}"]
    assert [out.count(line) for line in day + hour] == [1, 1, 1, 1]
    assert "[to alice] ⏰" not in out and "[to dave] ⏰" not in out
    assert out.count("[#events] ⏰ Founder session #1") == 2
    restart = out.index("[console] the bot was off and started again at Wed 2 Dec at 18:10")
    hour_moved = out.index("[console] clock moved to Thu 3 Dec at 17:00 (Europe/Paris)")
    assert all(out.index(line) < restart for line in day)
    assert all(restart < out.index(line) < hour_moved for line in hour)
    # attendance: the code word once, the moderator's marks, the credits once
    assert "[to bob] Thanks for coming to session #1 (Ask the founder)!" in out
    assert "[to bob] Your attendance at session #1 is already recorded." in out
    assert "[to mod] 1 attendee of session #1 marked (already marked: 1)." in out
    assert "[to bob] @bob: 5 credits" in out
    assert "[to dave] Session #1 has begun" in out
    assert "[to mod] That start has passed" in out
    assert "[to mod] The number of places must be a whole number from 1 to 100,000." in out
    # the exports: the session with its counts, each RSVP with its state and attendance
    sessions = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "sessions").stdout)))
    one = sessions[0]
    assert (one["id"], one["capacity"], one["going"], one["waiting"]) == ("1", "2", "2", "1")
    rsvps = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "rsvps").stdout)))
    first = {r["handle"]: (r["state"], r["attended"]) for r in rsvps if r["session_id"] == "1"}
    assert (
        first["alice"][0] == "cancelled" and first["bob"] == ("going", "1") and first["dave"][0] == "waiting"
    )
