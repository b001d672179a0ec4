"""Run the real `communitybot` entry point as a separate process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp

DEMO_START = "2026-12-01T09:00:00+00:00"
"""Tuesday 1 December 2026, 10:00 in Paris: the console demos' first moment."""


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


def run_demo(workdir: Path, docs: Path, name: str) -> subprocess.CompletedProcess[str]:
    """Run docs/<name>.txt through `communitybot console` with docs/<name>.toml as the community file."""
    shutil.copy(docs / f"{name}.toml", workdir / "community.toml")
    # A fixed start: the scripts' days, cooldowns and caps must not depend on the hour the suite runs at.
    result = communitybot(
        workdir, "console", "--script", str(docs / f"{name}.txt"), COMMUNITYBOT_CONSOLE_START=DEMO_START
    )
    assert result.returncode == 0, result.stderr
    return result


async def healthy(port: int, seconds: float = 20.0) -> bool:
    """Whether `communitybot run` on this port answers /healthz with 200 within `seconds`."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(seconds / 0.05)):
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return True
            await asyncio.sleep(0.05)
    return False
