"""Whole numbers are written without Babel's pattern machinery, exactly as Babel writes them."""

from __future__ import annotations

import random

from babel import Locale
from babel.numbers import format_decimal

from bot.formats import _INTEGERS, _LOCALES, BabelFormats, _integers
from handlers.i18n import LANGUAGES


def test_every_language_writes_whole_numbers_as_babel_does() -> None:
    rng = random.Random(7)
    values = [*range(-1100, 1100), *(rng.randrange(-(10**15), 10**15) for _ in range(3000))]
    formats = BabelFormats()
    for language in LANGUAGES:
        assert _INTEGERS[language] is not None  # the fast path serves each of the community's languages
        locale = _LOCALES[language]
        assert [formats.number(v, language) for v in values] == [
            format_decimal(v, locale=locale) for v in values
        ]


def test_a_language_grouped_otherwise_keeps_babel() -> None:
    # Hindi groups in lakhs (12,34,567), which Python's grouping does not write: the check leaves it to Babel.
    assert _integers(Locale.parse("hi_IN")) is None
    assert _integers(Locale.parse("de")) is not None


def test_fractions_still_go_through_babel() -> None:
    assert BabelFormats().number(1234.5, "fr") == "1\u202f234,5"
