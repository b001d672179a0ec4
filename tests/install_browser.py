"""Make sure the browser tests have their browser: Debian's Chromium and its driver.

    python3 tests/install_browser.py

Does nothing when /usr/bin/chromium and /usr/bin/chromedriver are there. Otherwise installs Debian's
`chromium` and `chromium-driver` with apt-get when it can (as root, or through sudo without a password),
else prints one line saying the browser tests will be skipped (outside CI; with CI=true they fail).
Standard library only: it runs before anything else is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

NEEDED = (Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver"))
PACKAGES = ("chromium", "chromium-driver")


def present() -> bool:
    return all(path.exists() for path in NEEDED)


def how_to_become_root() -> list[str] | None:
    """The prefix that runs apt-get as root here, or None when nothing can."""
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    return None


def main() -> int:
    if present():
        return 0
    prefix = how_to_become_root()
    if prefix is None or shutil.which("apt-get") is None:
        print("Chromium is missing and apt-get cannot run as root here: the browser tests will be skipped")
        return 0
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        result = subprocess.run([*prefix, *command], env=env, stdout=subprocess.DEVNULL)
        if result.returncode != 0:
            print(f"{' '.join(command)} failed (exit {result.returncode}): the browser tests will be skipped")
            return 0
    if not present():
        missing = ", ".join(str(path) for path in NEEDED if not path.exists())
        print(f"{missing} still missing after apt-get: the browser tests will be skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
