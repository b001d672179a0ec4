"""Issue 16's newsletter and editorial calendar through the real `communitybot console` process:
docs/newsletter-demo.txt (a week compiled into Monday's issue, announcements on time, a quiet week)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.bot.cli_helpers import communitybot, run_demo
from tests.conftest import ROOT

ISSUE = "[#announcements] 📰 Acme Friends · newsletter #1 · 30 Nov 2026 – 7 Dec 2026"


def test_the_newsletter_demo_script(tmp_path: Path) -> None:
    out = run_demo(tmp_path, ROOT / "docs", "newsletter-demo").stdout
    # the week's outcomes, each feature's section, the moderators' pick and the approved guest post only
    issue = out[out.index(ISSUE) :]
    for line in (
        "• Welcome to @alice, @bob and @carol!",
        "• 🥇 @carol: 10 credits",
        "• #1 Next flavour? → Yuzu won with 67% (3 voters)",
        "• Best mug photo: the winner is @alice",
        "Winter recipes (SUBMIT 2 <text>)",
        "• Free engraving: Free engraving on any mug (2 pledges)",
        "• #1 Decaf beans, please (by @carol, 0 backers)",
        "• Acme mug: 30 credits (REDEEM mug)",
        "• Our founder Ada answers your questions live on Thursday at 18:00.",
        "(a guest post by @bob)",
    ):
        assert line in issue, line
    assert "Buy my old bike!" not in issue  # turned down
    # sent once, at Monday's run, and shown to members with NEWS; the archive has it with its summary
    assert out.count(ISSUE) == 1
    assert out.index(ISSUE) < out.index("[console] clock moved to Mon 7 Dec at 10:00")
    assert "[to alice] 📰 Acme Friends · newsletter #1" in out
    assert "#1 · 7 Dec 2026 · Acme Friends newsletter #1: 3 new members, @carol on top" in out
    # announcements on time: the Wednesday noon one before Thursday, Friday's with its edited text
    assert out.index("[#announcements] 📣 Midweek tip") < out.index("[console] clock moved to Thu 3 Dec")
    assert "[#announcements] 📣 The winter box is live in the shop: 3 new blends!" in out
    assert out.count("📣 Midweek tip") == 1  # cancelled before its second Wednesday
    # bad input: one line each
    assert "[to mod] Mon 30 Nov at 09:00 (Europe/Paris) has passed: give a later time." in out
    assert "[to mod] “0 25 * * wed”: field 2 (the hour, 0-23) is wrong: “25”." in out
    assert "[to mod] Say what to post:" in out
    # a quiet week is skipped and the moderators are told
    assert "[#moderators] This week's newsletter was not sent: it had 0 things to tell" in out
    quiet = out.index("[console] clock moved to Mon 14 Dec")
    assert "newsletter #2" not in out[:quiet]
    # off over two Mondays: one issue on start, late, covering both weeks
    late = "[#announcements] 📰 Acme Friends · newsletter #2 · 14 Dec 2026 – 29 Dec 2026"
    assert out.count(late) == 1 and out.count("📰 Acme Friends · newsletter #3") == 0
    # the export: each issue, sent or skipped, and how many WhatsApp members it reached
    issues = list(csv.DictReader(io.StringIO(communitybot(tmp_path, "export", "newsletters").stdout)))
    assert [i["state"] for i in issues].count("skipped") >= 1
    assert [i["number"] for i in issues if i["state"] == "sent"] == ["1", "2"]
