"""Nothing a person reads is written around the catalogs: the console demos, run by the real process with
every text of every language overridden by a marked copy of itself, print no message without the mark.

The override mechanism is the admins' own (`[texts.<language>.<feature>]`), so this runs it end to end."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.bot.cli_helpers import communitybot
from tests.conftest import ROOT

LOCALES = ROOT / "handlers" / "locales"
MARK = "⟦"
DEMOS = sorted(p.stem for p in (ROOT / "docs").glob("*-demo*.txt"))


def marked_overrides() -> str:
    """`[texts.<language>.<domain>]` tables that wrap every text in ⟦ ⟧ (date patterns excepted)."""
    tables: list[str] = []
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
        language = po.parent.parent.name
        with po.open("rb") as file:
            catalog = read_po(file, locale=language)
        lines = [f"[texts.{language}.{po.stem}]"]
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key.startswith("core.format_"):
                continue
            name = key.partition(".")[2]
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            marked = [f"{MARK}{form}⟧" for form in forms]
            value = json.dumps(marked if len(marked) > 1 else marked[0], ensure_ascii=False)
            lines.append(f"{name} = {value}")
        tables.append("\n".join(lines))
    return "\n\n".join(tables) + "\n"


_BLOCK = re.compile(r"^\[(?P<label>[^\]]+)\] ", re.MULTILINE)


def messages(out: str) -> list[tuple[str, str]]:
    """The console's printed messages: (label, text with its continuation lines)."""
    starts = list(_BLOCK.finditer(out))
    return [
        (match["label"], out[match.end() : starts[n + 1].start() if n + 1 < len(starts) else len(out)])
        for n, match in enumerate(starts)
    ]


@pytest.mark.parametrize("demo", DEMOS)
def test_every_message_of_the_demo_comes_from_the_catalogs(tmp_path: Path, demo: str) -> None:
    community = (ROOT / "docs" / f"{demo}.toml").read_text(encoding="utf-8")
    (tmp_path / "community.toml").write_text(community + "\n" + marked_overrides(), encoding="utf-8")
    shutil.copy(ROOT / "docs" / f"{demo}.txt", tmp_path / "script.txt")
    result = communitybot(tmp_path, "console", "--script", str(tmp_path / "script.txt"))
    assert result.returncode == 0, result.stderr
    shown = messages(result.stdout)
    assert len(shown) > 10
    unmarked = [f"[{label}] {text.strip()[:100]}" for label, text in shown if MARK not in text]
    assert unmarked == []
