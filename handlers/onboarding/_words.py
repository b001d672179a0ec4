"""Words typed as arguments (`INTRO me`, `ANSWER why skip`) in any language: the canonical English one, and
each catalog's (`moi`, `passer`), so a member may type the word their texts show them."""

from __future__ import annotations

from handlers.context import Context
from handlers.i18n import LANGUAGES


def in_any_language(ctx: Context, english: str, key: str, typed: str) -> bool:
    """`typed` is `english` or the text of `key` in one of the languages (case-insensitive)."""
    word = typed.strip().lower()
    return word == english or any(
        word == ctx.texts.translator(language)(key).lower() for language in LANGUAGES
    )
