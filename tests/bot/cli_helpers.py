"""Run the real `communitybot` entry point as a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def bot_env(workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMUNITYBOT_")}
    env["COMMUNITYBOT_DATABASE_PATH"] = str(workdir / "data" / "bot.db")
    env["COMMUNITYBOT_COMMUNITY_FILE"] = str(workdir / "community.toml")
    env.update(extra)
    return env


def communitybot(
    workdir: Path, *args: str, stdin: str = "", timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=workdir,
        env=bot_env(workdir, **env),
        timeout=timeout,
    )
