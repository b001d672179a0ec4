"""Dependencies point inward: the core imports no platform, and nothing imports the adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PLATFORM_LIBRARIES = {"discord", "twilio", "aiohttp", "aiosqlite", "apscheduler", "asyncpg", "sqlite3"}
WALL_CLOCK_CALLS = ("datetime.now(", "time.time(", "utcnow(", "time.monotonic(")
ALLOWED = {
    # package: top-level packages it may import from this project
    "handlers": {"handlers"},
    "config": {"config", "handlers"},
    "storage": {"storage", "handlers"},
    "scheduler": {"scheduler", "handlers"},
    "bot": {"bot", "handlers", "storage", "scheduler", "config"},
}
EXTRA_LIBRARIES = {
    "handlers": set(),
    "config": set(),
    "storage": {"aiosqlite", "sqlite3", "asyncpg"},
    "scheduler": {"apscheduler"},
    "bot": PLATFORM_LIBRARIES,
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_its_layer_may(package: str) -> None:
    project = set(ALLOWED)
    problems = []
    for path in modules(package):
        for name in imports_of(path):
            if name in project and name not in ALLOWED[package]:
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
            if name in PLATFORM_LIBRARIES and name not in EXTRA_LIBRARIES[package]:
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not problems, problems


def test_sql_lives_only_in_storage() -> None:
    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE")
    offenders = []
    for package in ("handlers", "config", "scheduler", "bot"):
        for path in modules(package):
            text = path.read_text(encoding="utf-8")
            if any(f'"{k}' in text or f"'{k}" in text for k in keywords):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_core_never_reads_the_wall_clock() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in modules("handlers")
        if any(
            call in path.read_text(encoding="utf-8") for call in ("datetime.now(", "time.time(", "utcnow(")
        )
    ]
    assert not offenders


def test_no_module_grows_into_a_god_file() -> None:
    big = [
        f"{path.relative_to(ROOT)} ({n} lines)"
        for package in ALLOWED
        for path in modules(package)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450
    ]
    assert not big
