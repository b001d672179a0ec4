"""Issue 15's group unlock scenario through the real `communitybot console` process: docs/unlocks-demo.txt."""

from __future__ import annotations

from pathlib import Path

from tests.bot.cli_helpers import run_demo
from tests.conftest import ROOT

REWARD = "🔓 Unlock #1 (Tasting kit at half price) is unlocked! Your reward: Half price on the tasting kit"


def test_the_unlocks_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "unlocks-demo").stdout
    assert "[to bob] You took back your pledge for unlock #1" in out
    assert "[to alice] You already pledged for unlock #1." in out
    # the goal reached: every pledger privately, each with a code of their own, once
    assert f"[to alice] {REWARD}\n  Your code: KIT-7QK2" in out
    assert f"[to bob] {REWARD}\n  Your code: KIT-Z9P4" in out
    assert f"[to carol] {REWARD}\n  Your personal code follows" in out
    assert out.count("[#deals] 🎉 Unlock #1 is unlocked") == 1
    assert out.count(f"[to alice] {REWARD}") == 1
    # a late pledger gets it at once; a code added goes to the first pledger waiting
    assert f"[to dave] {REWARD}" in out
    assert "[to carol] Your code for unlock #1 (Tasting kit at half price): KIT-M3X8" in out
    # the other offer expires at its deadline; its pledger is told, no pledge is taken after
    assert "[to alice] Unlock #2 (Free engraving) ended without the 10 pledges it needed" in out
    assert "[#deals] ⌛ Unlock #2 ended: Free engraving. 1 of 10 pledged, so nothing was unlocked." in out
    assert "[to bob] Unlock #2 takes no more pledges: its deadline has passed." in out
    assert "[to mod] The number of members needed must be from 2 to 100,000." in out
