"""Compile the `.po` catalogs into the `.mo` files shipped in the package, and check they are in step.

    .venv/bin/python -m bot.catalogs          # compile every catalog that changed
    .venv/bin/python -m bot.catalogs --check  # exit 1 when a .mo is missing or older than its .po

Babel's own compiler (`pybabel compile`) does the same per domain; this one walks every language and
domain at once and refuses a catalog whose entries are fuzzy or whose plural forms do not fit its header.
"""

from __future__ import annotations

import argparse
import gettext
import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "handlers" / "locales"


def po_files() -> list[Path]:
    return sorted(LOCALES.glob("*/LC_MESSAGES/*.po"))


def compiled(po: Path) -> bytes:
    """The .mo bytes for `po` (fuzzy entries are refused, not silently left out)."""
    with po.open("rb") as file:
        catalog = read_po(file, locale=po.parent.parent.name)
    fuzzy = [str(m.id) for m in catalog if m.id and m.fuzzy]
    if fuzzy:
        raise ValueError(f"{po}: fuzzy entries {', '.join(fuzzy[:5])}: translate them and remove the flag")
    for message in catalog:
        if not message.id:
            continue
        given = message.string
        forms: tuple[str, ...] = tuple(given) if isinstance(given, tuple | list) else (given or "",)
        key = message.id[0] if message.pluralizable else message.id
        if message.pluralizable and (len(forms) != catalog.num_plurals or not all(forms)):
            raise ValueError(f"{po}: {key} needs {catalog.num_plurals} plural forms")
        if not all(forms):
            raise ValueError(f"{po}: {key} is not translated")
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def entries(mo: bytes) -> dict[object, str]:
    """A compiled catalog's entries without its header (Babel dates the header at each compile)."""
    catalog = gettext.GNUTranslations(io.BytesIO(mo))
    return {key: text for key, text in catalog._catalog.items() if key != ""}  # type: ignore[attr-defined]


def stale() -> list[Path]:
    """The .po files whose .mo is missing or holds other entries than they compile to."""
    behind = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        if not mo.exists() or entries(mo.read_bytes()) != entries(compiled(po)):
            behind.append(po)
    return behind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report catalogs to compile")
    args = parser.parse_args(argv)
    behind = stale()
    if args.check:
        for po in behind:
            print(f"{po.relative_to(LOCALES.parent.parent)}: not compiled (run python -m bot.catalogs)")
        return 1 if behind else 0
    for po in behind:
        po.with_suffix(".mo").write_bytes(compiled(po))
        print(f"compiled {po.relative_to(LOCALES.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
