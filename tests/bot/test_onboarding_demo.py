"""Issue 6's scenario through the real `communitybot console` process: docs/onboarding-demo.txt."""

from __future__ import annotations

from pathlib import Path

from tests.bot.cli_helpers import run_demo
from tests.conftest import ROOT


def test_the_onboarding_demo_script(tmp_path: Path) -> None:
    result = run_demo(tmp_path, ROOT / "docs", "onboarding-demo")
    out = result.stdout
    # bob joins with alice's code, is pending, accepts, answers and introduces himself
    assert "  You joined through @alice's invitation: welcome, and thank them!" in out
    assert "[to bob] You haven't accepted the rules of Acme Friends yet, so POINTS has to wait" in out
    assert "[to bob] Thank you, bob: you are now a member!\n  Question 1 of 2: What brings you here?" in out
    assert "[#introductions] Meet @bob (bob): “I joined because my sister would not stop talking" in out
    # alice is credited exactly once
    assert out.count("[to alice] @bob has joined Acme Friends through you: +50 credits.") == 1
    assert "[to alice] @alice: 60 credits (60 earned in all)" in out
    # carol is introduced by bob and greeted with it
    assert "[to carol] bob (@bob) introduced you to Acme Friends: “she glazes better than anyone" in out
    assert "  @bob introduced you: “she glazes better than anyone I know”" in out
    assert "[#introductions] @bob introduced @carol: “she glazes better than anyone I know” Welcome!" in out
    # self-referral, an existing member, an early leaver and a return
    assert "[to bob] That's you! To introduce yourself, send INTRO me <your story>." in out
    assert "[to bob] @alice is already a member: introductions are for newcomers." in out
    assert (
        "[to bob] @dave left within 30 days of joining, so the 50 credits for bringing them were taken back."
        in out
    )
    assert "[to dave] That is your own referral code: it is for people you invite. Send JOIN alone." in out
    assert "  Referral codes count for newcomers only, so nobody is credited for your return." in out
    assert "  @dave — left early: taken back" in out and "  @carol — credited" in out
    assert "[to bob] @bob: 60 credits" in out
    # nudges fire on /advance, skipped for whoever already did it
    assert "[to carol] Hi carol! Tell Acme Friends why you joined" in out
    assert "Hi alice!" not in out and "Hi bob!" not in out and "Hi erin!" not in out
    assert "[to erin] erin, you have not accepted the rules yet: send AGREE to take part." in out
    assert "Traceback" not in result.stderr
