"""Two real bot processes on one database: the second is refused the scheduler, says why, and the
scheduler is free again once the first stops."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.bot.cli_helpers import DEMO_START, bot_env, communitybot


def test_a_second_process_on_the_same_database_does_not_run_scheduled_work(tmp_path: Path) -> None:
    env = bot_env(tmp_path, COMMUNITYBOT_CONSOLE_START=DEMO_START)
    first = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    try:
        assert first.stdin is not None and first.stdout is not None
        first.stdin.write("/now\n")
        first.stdin.flush()
        assert "[console]" in first.stdout.readline()  # started: it holds the scheduler lease
        second = communitybot(tmp_path, "console", stdin="/advance 1h\n/now\n")
        assert second.returncode == 0, second.stderr
        assert "scheduled work is not run by this process" in second.stderr
        assert "the clock did not move: another communitybot process runs scheduled work" in second.stdout
    finally:
        _, err = first.communicate("", timeout=60)  # end of input: it stops and releases the lease
    assert first.returncode == 0, err
    third = communitybot(tmp_path, "console", stdin="/advance 1h\n")
    assert third.returncode == 0, third.stderr
    assert "clock moved to" in third.stdout and "scheduled work is not run" not in third.stderr
