"""Lint, format, Dockerfile and the promise that CI runs the README's test command."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: it is a test dependency (pip install -e '.[test]')")
    return found


def test_ruff_lint_is_clean() -> None:
    result = subprocess.run([tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [tool("ruff"), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_dockerfile_passes_hadolint() -> None:
    result = subprocess.run([tool("hadolint"), "Dockerfile"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_bot_on_the_postgresql_beside_it() -> None:
    import yaml

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    postgres, bot = compose["services"]["postgres"], compose["services"]["bot"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy" and "healthcheck" in postgres
    assert bot["restart"] == postgres["restart"] == "unless-stopped"
    url = bot["environment"]["COMMUNITYBOT_DATABASE_URL"]
    user, database = postgres["environment"]["POSTGRES_USER"], postgres["environment"]["POSTGRES_DB"]
    assert url == f"postgresql://{user}:${{POSTGRES_PASSWORD}}@postgres:5432/{database}"
    assert "--locale=C.UTF-8" in postgres["environment"]["POSTGRES_INITDB_ARGS"]  # text sorts as in SQLite
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert bot["build"] == "."


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```(?:sh|bash)\n(.+?)\n```", text, re.DOTALL)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = readme_commands()
    assert len(commands) >= 2
    test_command = commands[1]
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
