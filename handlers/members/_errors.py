"""What the members feature refuses, with the values it reports."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, UsageError, shorten
from handlers.i18n import LANGUAGES, Translator


@dataclass(eq=False)
class JoinedAlready(Conflict):
    """A pending newcomer sent JOIN again: what they still have to do is accept the rules."""

    def text(self, t: Translator) -> str:
        return t("members.joined_already")


@dataclass(eq=False)
class UnknownTimeZone(UsageError):
    """TIMEZONE with a name that is no IANA time zone; `closest` is what it most likely meant."""

    given: str
    closest: str | None

    def text(self, t: Translator) -> str:
        if self.closest is not None:
            return t("members.unknown_timezone_closest", given=shorten(self.given), closest=self.closest)
        return t("members.unknown_timezone", given=shorten(self.given))


@dataclass(eq=False)
class UnknownLanguage(UsageError):
    """LANGUAGE with a word that names none of the languages the bot writes in."""

    given: str

    def text(self, t: Translator) -> str:
        return t("members.unknown_language", given=shorten(self.given), choices=t.either(LANGUAGES))
