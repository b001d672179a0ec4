"""Every text a person reads, in their language: gettext catalogs with symbolic keys, one domain per feature.

Why gettext with Babel (not Fluent): `.po` files are what translators and their tools know, Babel extracts the
keys from the code, writes each language's plural rule from CLDR into the catalog's header and compiles the
`.mo` files shipped in `handlers/locales/`; reading them needs only the standard library's `gettext`, so the
core stays free of third-party code. Numbers and dates are formatted by a `Formats` port (Babel's CLDR data,
given by the composition root).

Keys are symbolic (`points.kudos_to_self`); the first part names the domain (the feature), whose catalog is
`handlers/locales/<language>/LC_MESSAGES/<domain>.mo`. A key's English text is in `en`, like every other
language, so the wording can change without touching the code and an admin overrides a text by its key.
Placeholders are named (`{name}`, `{count}`); an entry with plural forms picks its form from `count` by the
language's rule. Integers are formatted as numbers of the language (`1,234`, `1 234`, `1.234`), datetimes
and dates with the language's own patterns (the `core.format_*` entries), lists with its conjunctions.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import logging
import string
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Protocol

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr", "it")
"""Every catalog is complete in each of these (a test checks it)."""
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "it": "Italiano"}
"""Each language in its own words (what a member picks from)."""

Template = str | Sequence[str]
"""An override: one text, or one text per plural form of the language (in the catalog's order)."""


class Formats(Protocol):
    """Numbers, dates and lists as each language writes them (CLDR data)."""

    def number(self, value: int | float, language: str) -> str: ...

    def datetime(self, value: dt.datetime, pattern: str, language: str) -> str: ...

    def date(self, value: dt.date, pattern: str, language: str) -> str: ...

    def join(self, items: Sequence[str], language: str, style: str) -> str:
        """`a, b and c` (style `standard`) or `a, b or c` (style `or`)."""
        ...


class UnknownText(LookupError):
    """A key no catalog has: a bug in the code, never a member's mistake."""


def language_of(tag: str | None) -> str | None:
    """The supported language of a locale tag (`fr`, `fr-FR`, `it_IT`, `en-GB`), or None."""
    if not tag:
        return None
    base = tag.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def placeholders(template: str) -> set[str]:
    """The named placeholders of a template (`{name}` -> `name`)."""
    return {
        field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(template) if field
    }


class _Domains:
    """One language's catalogs, by domain."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.catalogs: dict[str, gettext.GNUTranslations] = {}
        folder = resources.files("handlers") / "locales" / language / "LC_MESSAGES"
        for entry in folder.iterdir():
            if entry.name.endswith(".mo"):
                with entry.open("rb") as file:
                    self.catalogs[entry.name[:-3]] = gettext.GNUTranslations(file)

    def lookup(self, key: str, count: int | None) -> str | None:
        catalog = self.catalogs.get(key.partition(".")[0])
        if catalog is None:
            return None
        # gettext() answers a plural entry with its form for 1, so a count goes to ngettext() first.
        found = catalog.ngettext(key, key, count) if count is not None else catalog.gettext(key)
        if found == key and count is not None:
            found = catalog.gettext(key)
        return None if found == key else found

    def plural_index(self, count: int) -> int:
        catalog = next(iter(self.catalogs.values()))
        return int(catalog.plural(count))  # type: ignore[attr-defined]

    def is_plural(self, key: str) -> bool:
        catalog = self.catalogs.get(key.partition(".")[0])
        return catalog is not None and (key, 0) in catalog._catalog  # type: ignore[attr-defined]

    def keys(self) -> set[str]:
        found: set[str] = set()
        for catalog in self.catalogs.values():
            for key in catalog._catalog:  # type: ignore[attr-defined]
                name = key[0] if isinstance(key, tuple) else key
                if name:  # the header has the empty key
                    found.add(name)
        return found

    def plural_forms(self) -> int:
        catalog = next(iter(self.catalogs.values()))
        header = catalog.info().get("plural-forms", "nplurals=2;")
        return int(header.split("nplurals=")[1].split(";")[0])


@functools.cache
def _domains(language: str) -> _Domains:
    """A language's catalogs, read once per process."""
    return _Domains(language)


class Translator:
    """Texts in one language: `t("points.balance", count=5)`."""

    def __init__(self, catalogs: Catalogs, language: str) -> None:
        self.catalogs = catalogs
        self.language = language
        self._own = catalogs._domains(language)
        self._fallback = catalogs._domains(DEFAULT_LANGUAGE)
        self._overrides = catalogs.overrides.get(language, {})
        self._formats = catalogs.formats
        self._numbers: dict[int, str] = {}
        self._templates: dict[tuple[str, int | None], str] = {}

    def __call__(self, key: str, /, **values: object) -> str:
        count = values.get("count")
        number = count if type(count) is int else None
        # Chat confirms thousands of kudos a second with the same few texts and counts: a template found
        # once is kept (a translator is replaced when the overrides change: Catalogs.use_overrides).
        cached = (key, number) if number is None or -1000 < number < 1000 else None
        template = self._templates.get(cached) if cached is not None else None
        if template is None:
            template = self.template(key, number)
            if cached is not None:
                self._templates[cached] = template
        if not values:
            return template
        numbers: dict[object, str] = self._numbers  # type: ignore[assignment]
        shown: dict[str, str] = {}
        for name, value in values.items():
            kind = type(value)
            if kind is str:
                shown[name] = value  # type: ignore[assignment]
            elif kind is int and value in numbers:
                shown[name] = numbers[value]
            else:
                shown[name] = self._show(value)
        try:
            return template.format_map(shown)
        except (KeyError, IndexError, ValueError):
            log.error("text %s in %s does not fit its values %s", key, self.language, sorted(values))
            return self.catalogs.translator(DEFAULT_LANGUAGE).template(key, None).format_map(shown)

    def template(self, key: str, count: int | None) -> str:
        """The text for `key` before its values are put in: an override, this language, else English."""
        override = self._overrides.get(key)
        if override is not None:
            if isinstance(override, str):
                return override
            index = self._own.plural_index(1 if count is None else count)
            return override[min(index, len(override) - 1)]
        found = self._own.lookup(key, count)
        if found is None:
            found = self._fallback.lookup(key, count)
            if found is None:
                found = self.catalogs.extra.get(key)
                if found is None:
                    raise UnknownText(key)
        return found

    def _show(self, value: object) -> str:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return self.number(value)
        if isinstance(value, dt.datetime):
            return self.datetime(value)
        if isinstance(value, dt.date):
            return self.date(value)
        return str(value)

    # -- values as this language writes them ---------------------------------------------------------

    def number(self, value: int | float) -> str:
        # Chat confirmations show the same small numbers over and over: CLDR formatting is slow beside a dict.
        if isinstance(value, int) and -10_000 < value < 100_000:
            shown = self._numbers.get(value)
            if shown is None:
                shown = self._numbers[value] = self._formats.number(value, self.language)
            return shown
        return self._formats.number(value, self.language)

    def datetime(self, value: dt.datetime) -> str:
        """A moment, already in the reader's time zone: `Mon 7 Dec at 18:00`, `lun. 7 déc. à 18:00`."""
        return self._formats.datetime(value, self.template("core.format_datetime", None), self.language)

    def date(self, value: dt.date) -> str:
        return self._formats.date(value, self.template("core.format_date", None), self.language)

    def month(self, value: dt.date) -> str:
        """`November 2026`, `novembre 2026`."""
        return self._formats.date(value, self.template("core.format_month", None), self.language)

    def either(self, items: Iterable[str]) -> str:
        """`a, b or c`."""
        return self._formats.join(list(items), self.language, "or")

    def all_of(self, items: Iterable[str]) -> str:
        """`a, b and c`."""
        return self._formats.join(list(items), self.language, "standard")

    def duration(self, seconds: float) -> str:
        """A short human duration: `3 h`, `45 min`."""
        seconds = max(0, int(seconds))
        if seconds >= 3600:
            return self("core.duration_hours", count=round(seconds / 3600))
        return self("core.duration_minutes", count=max(1, round(seconds / 60)))


class Catalogs:
    """Every language's catalogs (loaded once) with the community's overrides; a translator per language."""

    def __init__(
        self,
        formats: Formats,
        overrides: Mapping[str, Mapping[str, Template]] | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.formats = formats
        self.overrides = {language: dict(texts) for language, texts in (overrides or {}).items()}
        self.extra = dict(extra or {})
        """Texts of keys no catalog has, in every language (a test's own feature)."""
        self._translators: dict[str, Translator] = {}

    def _domains(self, language: str) -> _Domains:
        return _domains(language)

    def use_overrides(self, overrides: Mapping[str, Mapping[str, Template]]) -> None:
        """New wording overrides, checked beforehand (`check_overrides`): the dashboard applied the
        community file. Translators are made anew, so no template cached under the old ones is kept."""
        self.overrides = {language: dict(texts) for language, texts in overrides.items()}
        self._translators = {}

    def translator(self, language: str | None) -> Translator:
        chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
        assert chosen is not None
        translator = self._translators.get(chosen)
        if translator is None:
            translator = self._translators[chosen] = Translator(self, chosen)
        return translator

    def keys(self, language: str = DEFAULT_LANGUAGE) -> set[str]:
        return self._domains(language).keys()

    def is_plural(self, key: str) -> bool:
        return self._domains(DEFAULT_LANGUAGE).is_plural(key)

    def english(self, key: str) -> str:
        """The English template of `key` (its placeholders are the contract every language keeps)."""
        found = self._domains(DEFAULT_LANGUAGE).lookup(key, None)
        if found is None:
            raise UnknownText(key)
        return found


def check_overrides(overrides: Mapping[str, Mapping[str, Template]]) -> list[str]:
    """What is wrong with overrides, each with its key path (`texts.fr.points.kudos_to_self: ...`)."""
    problems: list[str] = []
    english = _domains(DEFAULT_LANGUAGE)
    known = english.keys()
    for language, texts in overrides.items():
        if language not in LANGUAGES:
            problems.append(f"texts.{language}: unknown language (use one of {', '.join(LANGUAGES)})")
            continue
        for key, template in texts.items():
            where = f"texts.{language}.{key}"
            if key not in known:
                problems.append(f"{where}: no such text (keys are listed in handlers/locales/en)")
                continue
            forms = [template] if isinstance(template, str) else list(template)
            plural = english.is_plural(key)
            wanted = _domains(language).plural_forms()
            if not isinstance(template, str) and (not plural or len(forms) != wanted):
                problems.append(
                    f"{where}: give {wanted} plural forms as a list"
                    if plural
                    else f"{where}: this text has no plural forms: give one string"
                )
                continue
            shapes = (
                (english.lookup(key, 1), english.lookup(key, 2)) if plural else (english.lookup(key, None),)
            )
            expected = set().union(*(placeholders(shape or "") for shape in shapes))
            for form in forms:
                try:
                    found = placeholders(form)
                except ValueError as error:
                    problems.append(f"{where}: {error} (write {{{{ and }}}} for a brace)")
                    break
                # A plural form may leave {count} out ("un crédit"); every other placeholder must match.
                missing, extra = expected - found - ({"count"} if plural else set()), found - expected
                if missing or extra:
                    said = []
                    if missing:
                        said.append("missing " + ", ".join("{" + name + "}" for name in sorted(missing)))
                    if extra:
                        said.append("unknown " + ", ".join("{" + name + "}" for name in sorted(extra)))
                    problems.append(f"{where}: {'; '.join(said)} (the text takes {_listed(expected)})")
                    break
    return problems


def _listed(names: set[str]) -> str:
    return ", ".join("{" + name + "}" for name in sorted(names)) or "no placeholders"
