"""Numbers, dates and lists as each language writes them, from Babel's CLDR data (the core's Formats port)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal

from handlers.i18n import LANGUAGES, Catalogs, Template

_LOCALES = {language: Locale.parse("en_GB" if language == "en" else language) for language in LANGUAGES}
"""English as written in Europe (no serial comma, day before month), where the brands are."""

SAMPLES = (0, 7, -7, 999, -999, 1000, -1000, 9999, 12345, 123456, -123456, 1234567, -98765432, 10**12)


def _integers(locale: Locale) -> Callable[[int], str] | None:
    """Whole numbers as `locale` writes them, without Babel's pattern machinery (about 8 us a number, and
    every member's rank in POINTS is a new one): Python's grouping with the locale's symbols. Used only
    when it writes every sample exactly as Babel does; a language grouped otherwise keeps Babel's."""
    symbols = locale.number_symbols["latn"]
    group, minus = symbols["group"], symbols["minusSign"]

    def integer(value: int) -> str:
        return f"{value:,}".replace("-", minus).replace(",", group)

    same = all(integer(value) == format_decimal(value, locale=locale) for value in SAMPLES)
    return integer if same else None


_INTEGERS = {language: _integers(locale) for language, locale in _LOCALES.items()}


class BabelFormats:
    def number(self, value: int | float, language: str) -> str:
        integer = _INTEGERS[language]
        if integer is not None and type(value) is int:
            return integer(value)
        return format_decimal(value, locale=_LOCALES[language])

    def datetime(self, value: datetime, pattern: str, language: str) -> str:
        return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=_LOCALES[language])

    def date(self, value: date, pattern: str, language: str) -> str:
        return format_date(value, pattern, locale=_LOCALES[language])

    def join(self, items: Sequence[str], language: str, style: str) -> str:
        return format_list(list(items), style=style, locale=_LOCALES[language])  # type: ignore[arg-type]


def catalogs(
    overrides: Mapping[str, Mapping[str, Template]] | None = None, extra: Mapping[str, str] | None = None
) -> Catalogs:
    """The catalogs with CLDR formats and the community's overrides."""
    return Catalogs(BabelFormats(), overrides, extra)


TEXTS = catalogs()
"""The shipped catalogs without overrides (what tests and benchmarks read)."""
