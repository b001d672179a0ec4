"""Dependencies point inward: the core imports no platform, and nothing imports the adapters."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.source import parse

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
    tree = parse(path)
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


def _feature_packages() -> set[str]:
    return {path.parent.name for path in (ROOT / "handlers").glob("*/__init__.py")}


def _project_imports(path: Path) -> set[str]:
    """Full dotted names this module imports from the project (absolute imports only)."""
    tree = parse(path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in ALLOWED}


def test_features_meet_through_core_ports_never_through_each_other() -> None:
    """A feature package imports the core and its own modules; the core imports no feature but in the list
    of features; outside handlers/ only a feature's own storage module reads its private modules."""
    features = _feature_packages()
    problems = []
    for path in modules("handlers"):
        relative = path.relative_to(ROOT / "handlers")
        own = relative.parts[0] if len(relative.parts) > 1 else None
        for name in _project_imports(path):
            parts = name.split(".")
            if parts[0] != "handlers" or len(parts) < 2 or parts[1] not in features:
                continue
            if own is None and relative.name != "features.py":
                problems.append(f"core module handlers/{relative} imports the feature {name}")
            elif own is not None and parts[1] != own:
                problems.append(f"handlers/{relative} reaches into another feature: {name}")
    for package in ("storage", "bot", "config", "scheduler"):
        for path in modules(package):
            for name in _project_imports(path):
                parts = name.split(".")
                private = len(parts) > 2 and parts[0] == "handlers" and parts[2].startswith("_")
                if private and not (package == "storage" and path.stem == parts[1]):
                    problems.append(f"{path.relative_to(ROOT)} imports the private {name}")
    assert not problems, problems


def _code_strings(path: Path) -> list[str]:
    """String constants of a module that are not docstrings."""
    tree = parse(path)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_platform_syntax_is_read_under_handlers() -> None:
    """Adapters resolve `<@id>`, `<@&role>` and `<#channel>` before the core sees text."""
    offenders = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in modules("handlers")
        for text in _code_strings(path)
        if re.search(r"<[@#]|<:\w", text)
    ]
    assert not offenders


def test_no_feature_finds_another_by_name_or_shape() -> None:
    """No dict of feature state, no getattr/hasattr discovery, no runtime-checked Protocols in the core:
    a feature that needs another gets a typed port (`Setup.need`)."""
    patterns = ("getattr(", "hasattr(", "runtime_checkable", ".features[")
    offenders = [
        f"{path.relative_to(ROOT)}: {pattern}"
        for path in modules("handlers")
        for pattern in patterns
        if pattern in path.read_text(encoding="utf-8")
    ]
    assert not offenders


def test_features_are_listed_after_the_features_they_require() -> None:
    from handlers.features import FEATURES
    from handlers.install import check_order

    check_order(FEATURES)


def test_ports_are_bound_only_through_the_checked_helpers() -> None:
    """`bind()` and `provide()` let the type checker hold an implementation to its port; a Binding or a
    Provide written out inside a declaration's tuple would be typed Any and checked against nothing."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}("
        for package in ("handlers", "storage")
        for path in modules(package)
        for name in ("Binding", "Provide")
        if f"{name}(" in path.read_text(encoding="utf-8") and path.name not in ("assembly.py", "feature.py")
    ]
    assert not offenders
