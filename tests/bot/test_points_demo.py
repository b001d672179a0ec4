"""Issue 3's scenario through the real `communitybot console` process: docs/points-demo.txt."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT


def test_the_points_demo_script(tmp_path: Path) -> None:
    result = run_demo(tmp_path, ROOT / "docs", "points-demo")
    out = result.stdout
    # chat: cooldown and the daily cap of 3 (three activity entries for alice, not five)
    assert out.count("activity: chat in #general") == 3 * 2  # listed by both HISTORY commands
    # kudos with a budget of 2, no self-kudos
    assert "[to bob] Kudos sent to @alice (+3). You have 1 of 2 left today." in out
    assert "[to bob] You have 0 of 2 kudos left today (resets in" in out
    assert "so @alice got none this time." in out
    assert "[to bob] You can't give kudos to yourself." in out
    # an award that levels alice up, TOP and HISTORY
    assert "[#announcements] 🎉 @alice reached level Regular!" in out
    assert "[to alice] Top 10 — all time (credits earned)\n  1. @alice 11\n  2. @carol 3\n  3. @bob 1" in out
    assert "#7 +5 award by console:mod: hosting the tasting" in out
    # the code is delivered privately, once; not enough points is one clear line
    assert "Your code: ACME15-7QK2" in out
    assert "[to carol] 15% off costs 5 credits; you have 3." in out
    # the revocation is a new entry, and only once
    assert "[to mod] Revoked #7 (+5 award for @alice) with #9: awarded twice by mistake" in out
    assert "[to mod] Entry #7 was already revoked by #9." in out
    # the export matches the balances
    ledger = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "ledger").stdout)))
    balances = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "balances").stdout)))
    sums: dict[str, int] = {}
    for row in ledger:
        sums[row["handle"]] = sums.get(row["handle"], 0) + int(row["delta"])
    assert sums == {row["handle"]: int(row["balance"]) for row in balances if row["handle"] in sums}
    assert sums["alice"] == 1  # 3 activity + 3 kudos + 5 award - 5 redeemed - 5 revoked
