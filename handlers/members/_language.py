"""LANGUAGE: which language a member reads the bot in, on every platform they linked."""

from __future__ import annotations

from handlers.context import Context
from handlers.i18n import LANGUAGE_NAMES, LANGUAGES, language_of
from handlers.members._errors import UnknownLanguage
from handlers.models import Choice, Member, Reply

AUTO = "auto"
"""`LANGUAGE auto`: no language of their own (their app's, else the community's)."""

_NAMES = {
    "english": "en",
    "anglais": "en",
    "inglese": "en",
    "français": "fr",
    "francais": "fr",
    "french": "fr",
    "francese": "fr",
    "italiano": "it",
    "italian": "it",
    "italien": "it",
}
"""Each language as members write it, in English, French and Italian (lower case)."""


def language_named(word: str) -> str | None:
    """The language a member named: a code or locale tag (`fr`, `fr-FR`) or its name (`français`,
    `French`, `francese`); None when it names none of the languages the bot writes in."""
    lowered = word.strip().lower()
    return _NAMES.get(lowered) or language_of(lowered)


def choices() -> tuple[Choice, ...]:
    """One answer per language, each in its own words."""
    return tuple(Choice(LANGUAGE_NAMES[language], f"LANGUAGE {language}") for language in LANGUAGES)


def show(ctx: Context, member: Member) -> Reply:
    """The language the member reads now (in it) and the languages to pick from."""
    if member.language is None:
        return Reply(ctx.t("members.language_current_default"), choices())
    return Reply(ctx.t("members.language_current_chosen"), choices())


async def choose(ctx: Context, member: Member, word: str) -> Reply:
    """Store the member's choice (`auto`: none) and confirm it in the language they will read from now on."""
    auto = word.strip().lower() == AUTO
    language = None if auto else language_named(word)
    if language is None and not auto:
        raise UnknownLanguage(word)
    if language != member.language:
        ctx.member = await ctx.members.set_language(member.id, language)
    if language is None:
        return Reply(ctx.t("members.language_auto"))
    return Reply(ctx.t("members.language_set"))
