"""The console as a real process: what a person or a driving program sees."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.bot.cli_helpers import bot_env, communitybot
from tests.conftest import ROOT


def test_join_then_help_shows_a_welcome_and_the_command_list(tmp_path: Path) -> None:
    result = communitybot(tmp_path, "console", stdin="alice: JOIN\nalice: HELP\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[to alice] Welcome to Our community, alice! Send HELP to see what you can do."
    assert lines[1] == "  Others can mention you as @alice."
    assert lines[2] == "[to alice] Our community: commands you can use"
    assert "  JOIN [code] — join the community" in lines
    assert "built-in defaults" in result.stderr  # said once, on stderr, not between the bot's lines
    assert result.stderr.count("built-in defaults") == 1


def test_script_file_channels_events_and_bad_lines(tmp_path: Path) -> None:
    (tmp_path / "community.toml").write_text(
        (ROOT / "community.example.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    script = tmp_path / "scenario.txt"
    script.write_text(
        "# a comment\n\n/join bob\nbob: whoami\nnot a valid line\n/frob\n/advance soon\n"
        "#general bob: hello everyone\n" + "bob: " + "x" * 10_000 + "\n"
        "bob: HELP nope\n/leave bob\nbob: WHOAMI\nbob: ｈｅｌｐ\n",
        encoding="utf-8",
    )
    result = communitybot(tmp_path, "console", "--script", str(script))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[to bob] Welcome to Acme Friends, bob!" in out
    assert re.search(r"\[to bob\] You are @bob \(bob\), member since .*, member\. Linked: console:bob\.", out)
    assert out.count("[console] I can't read that line.") == 1
    assert "[console] Unknown console command /frob." in out
    assert "[console] Usage: /advance <duration>" in out
    assert "too long" in out
    assert "[to bob] There is no command “nope” for you." in out
    assert "[to bob] WHOAMI is for members: send JOIN to join first." in out
    assert "Traceback" not in result.stderr


def test_simulated_time_persists_and_never_runs_backwards(tmp_path: Path) -> None:
    first = communitybot(tmp_path, "console", stdin="/now\n/advance 7d\n/now\n")
    assert first.returncode == 0, first.stderr
    times = re.findall(r"= (\d{4}-\d\d-\d\d \d\d:\d\d) UTC", first.stdout)
    assert len(times) == 3 and times[1] == times[2] and times[1] > times[0]
    second = communitybot(tmp_path, "console", stdin="/now\n")
    later = re.findall(r"= (\d{4}-\d\d-\d\d \d\d:\d\d) UTC", second.stdout)
    assert later[0] >= times[2]


def test_check_config_reports_every_problem_with_its_path(tmp_path: Path) -> None:
    assert communitybot(tmp_path, "check-config").returncode == 0
    (tmp_path / "community.toml").write_text(
        '[community]\ntimezone = "Nowhere/Land"\ncolour = "red"\n[roles]\nadmins = ["bob"]\n',
        encoding="utf-8",
    )
    result = communitybot(tmp_path, "check-config", COMMUNITYBOT_WEB__PORT="-1")
    assert result.returncode == 1
    assert "community.timezone: unknown time zone" in result.stderr
    assert "community.colour: unknown key" in result.stderr
    assert "roles.admins: 'bob' is not an identity" in result.stderr
    assert "COMMUNITYBOT_WEB__PORT: must be >= 0" in result.stderr
    assert communitybot(tmp_path, "console", stdin="alice: HELP\n").returncode == 2


def test_migrate_and_export(tmp_path: Path) -> None:
    migrated = communitybot(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "applied 0001_core" in migrated.stdout
    assert "already" not in communitybot(tmp_path, "migrate").stdout
    communitybot(tmp_path, "console", stdin="alice: JOIN\n/join bob\n/leave bob\n")
    csv_out = communitybot(tmp_path, "export", "members", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "id,handle,display_name,status,joined_at,left_at,identities"
    assert csv_out[1].startswith("1,alice,alice,member,") and csv_out[1].endswith(",,console:alice")
    assert ",bob,bob,left," in csv_out[2]
    import json

    rows = json.loads(communitybot(tmp_path, "export", "members", "--format", "json").stdout)
    assert [r["handle"] for r in rows] == ["alice", "bob"]


def test_run_without_credentials_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from tests.bot.cli_helpers import bot_env

    env = bot_env(tmp_path, COMMUNITYBOT_WEB__PORT="0", COMMUNITYBOT_LOG_LEVEL="INFO")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("alice: JOIN\n")
    process.stdin.flush()
    first = process.stdout.readline()  # the console answers: the bot is up
    assert first.startswith("[to alice] Welcome")
    time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "web server listening" in err
    assert "database closed" in err
    members = communitybot(tmp_path, "export", "members").stdout
    assert ",alice,alice,member," in members  # acknowledged, so committed


def test_more_lines_than_the_input_queue_holds_still_end_at_end_of_input(tmp_path: Path) -> None:
    """Found: with more than 100 lines piped in, the console answered every line and never exited (the
    end-of-input marker was lost to a full queue)."""
    lines = "alice: JOIN\n" + "alice: POINTS\n" * 300
    result = communitybot(tmp_path, "console", stdin=lines, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("[to alice] @alice: 0 credits") == 300


def test_stop_on_the_console_stops_what_alice_did_not_ask_for(tmp_path: Path) -> None:
    script = "alice: JOIN\nbob: JOIN\nalice: STOP\nmod: JOIN\nbob: KUDOS @alice thanks\nalice: POINTS\n"
    result = communitybot(tmp_path, "console", stdin=script)
    assert result.returncode == 0, result.stderr
    told = [line for line in result.stdout.splitlines() if line.startswith("[to alice]")]
    assert not any("thanked you" in line for line in told)
    assert told[-1].startswith("[to alice] @alice: 5 credits")  # her own question is still answered


def test_control_characters_never_reach_the_terminal_or_the_database(tmp_path: Path) -> None:
    """Found: `AWARD @bob 5 <ESC>]0;pwned<BEL>` on the console rewrote the terminal's title."""
    (tmp_path / "community.toml").write_text('[roles]\nmoderators = ["console:mod"]\n', encoding="utf-8")
    script = "bob: JOIN\nmod: AWARD @bob 5 nice\x1b]0;pwned\x07 work\u202e\x00\nbob: HISTORY\n"
    result = communitybot(tmp_path, "console", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "nice]0;pwned work" in result.stdout
    exported = communitybot(tmp_path, "export", "ledger", "--format", "json")
    assert "\\u001b" not in exported.stdout and "nice]0;pwned work" in exported.stdout


def test_a_byte_that_is_no_utf8_on_standard_input_does_not_end_the_session(tmp_path: Path) -> None:
    script = b"alice: JOIN\nalice: caf\xe9 \xff\nalice: POINTS\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input=script, capture_output=True, cwd=tmp_path,
        env=bot_env(tmp_path), timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "I don't know “caf�”" in out  # the stray bytes are replaced, the line answered
    assert "@alice: 0 credits" in out  # and the session went on to the next line
