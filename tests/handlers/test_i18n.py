"""The catalogs: complete in every language, the same placeholders everywhere, compiled, used by the code,
and the code's texts never written around them."""

from __future__ import annotations

import ast
import gettext
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import catalogs as compiler
from bot.formats import TEXTS, catalogs
from handlers.core import Core
from handlers.i18n import LANGUAGES, check_overrides, language_of, placeholders
from tests.conftest import ROOT
from tests.source import parse

LOCALES = ROOT / "handlers" / "locales"
DOMAINS = sorted(p.stem for p in (LOCALES / "en" / "LC_MESSAGES").glob("*.po"))


def _entries(language: str, domain: str) -> dict[str, tuple[str, ...]]:
    with (LOCALES / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    found: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        found[key] = tuple(forms)
    return found


def _placeholders(forms: tuple[str, ...]) -> set[str]:
    # A plural form may leave the count out ("un crédit", "Answer with the number 1.").
    return set().union(*(placeholders(form) for form in forms)) - {"count"}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_text_is_in_every_language_with_the_same_placeholders(domain: str) -> None:
    english = _entries("en", domain)
    assert english, f"{domain}.po is empty"
    assert all(key.startswith(domain + ".") for key in english), f"{domain}.po holds keys of another domain"
    for language in LANGUAGES[1:]:
        other = _entries(language, domain)
        assert sorted(set(english) - set(other)) == [], f"{language}/{domain}.po lacks these"
        assert sorted(set(other) - set(english)) == [], f"{language}/{domain}.po has keys English lacks"
        for key, forms in english.items():
            assert all(form.strip() for form in other[key]), f"{language}: {key} is empty"
            assert (len(other[key]) > 1) == (len(forms) > 1), f"{language}: {key} plural or not as in English"
            assert _placeholders(other[key]) == _placeholders(forms), f"{language}: {key} placeholders differ"


def test_every_language_has_every_domain() -> None:
    for language in LANGUAGES:
        assert sorted(p.stem for p in (LOCALES / language / "LC_MESSAGES").glob("*.po")) == DOMAINS


def test_the_compiled_catalogs_are_in_step_with_the_po_files() -> None:
    assert [str(p) for p in compiler.stale()] == [], "run: .venv/bin/python -m bot.catalogs"


def test_plural_headers_are_babels_cldr_rules() -> None:
    from babel.messages.plurals import get_plural

    for language in LANGUAGES:
        for domain in DOMAINS:
            with (LOCALES / language / "LC_MESSAGES" / f"{domain}.mo").open("rb") as file:
                header = gettext.GNUTranslations(file).info()["plural-forms"]
            assert header.replace(" ", "") == str(get_plural(language)).replace(" ", ""), (language, domain)


def _keys_in_code() -> set[str]:
    keywords = {"t": None, "_t": None, "command": (2,), "Arg": (3,)}
    found: set[str] = set()
    for package in ("handlers", "bot", "config"):
        for _, _, key, _, _ in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=keywords, comment_tags=()
        ):
            found.add(key if isinstance(key, str) else key[0])
    return found


def test_every_key_the_code_names_is_in_the_catalogs() -> None:
    known = TEXTS.keys()
    used = _keys_in_code()
    assert len(used) > 100
    texts_not_keys = sorted(k for k in used if " " in k or "." not in k)
    assert texts_not_keys == [], "command help, argument help and t() take catalog keys, not texts"
    assert sorted(used - known) == []


def _literal_text(node: ast.AST | None) -> bool:
    """A text written in the code: a non-empty string literal with a letter, or an f-string with words."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(part, ast.Constant) and any(c.isalpha() for c in str(part.value))
            for part in node.values
        )
    return False


def test_no_text_in_the_code_bypasses_the_catalogs() -> None:
    offenders: list[str] = []
    for package in ("handlers", "bot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = parse(path)
            where = path.relative_to(ROOT)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Reply", "Choice"):
                    first = node.args[0] if node.args else None
                    named = {k.arg: k.value for k in node.keywords}
                    if (
                        _literal_text(first)
                        or _literal_text(named.get("text"))
                        or _literal_text(named.get("label"))
                    ):
                        offenders.append(f"{where}:{node.lineno} {ast.unparse(node)[:80]}")
                if isinstance(node, ast.FunctionDef) and node.name in ("text", "problem"):
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Return) and _literal_text(inner.value):
                            offenders.append(f"{where}:{inner.lineno} {node.name}() returns a literal")
    assert offenders == []


# -- what a translator does ------------------------------------------------------------------------


def test_plurals_follow_each_languages_rule() -> None:
    en, fr, it = (TEXTS.translator(language) for language in LANGUAGES)
    assert en("core.message_too_long", count=1) == "That message is too long (at most 1 character)."
    assert fr("core.message_too_long", count=0).endswith(
        "(0 caractère au maximum)."
    )  # 0 is singular in French
    assert fr("core.message_too_long", count=2).endswith("(2 caractères au maximum).")
    assert fr("core.message_too_long", count=1_000_000).endswith(
        "(1\u202f000\u202f000 de caractères au maximum)."
    )
    # Large counts one after another, each in its own form (French whole millions take "de": CLDR's "many").
    for count, form in ((2_000_001, "caractères"), (3_000_000, "de caractères"), (4_000_002, "caractères")):
        shown = TEXTS.formats.number(count, "fr")
        assert fr("core.message_too_long", count=count).endswith(f"({shown} {form} au maximum).")
    assert en("core.message_too_long", count=1_500) == "That message is too long (at most 1,500 characters)."
    assert it("core.message_too_long", count=0).endswith("(al massimo 0 caratteri).")
    assert it("core.message_too_long", count=1).endswith("(al massimo 1 carattere).")


def test_numbers_dates_and_lists_are_written_as_each_language_writes_them() -> None:
    en, fr, it = (TEXTS.translator(language) for language in LANGUAGES)
    assert (en.number(1234), fr.number(1234), it.number(1234)) == ("1,234", "1\u202f234", "1.234")
    moment = datetime(2026, 12, 7, 17, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris"))
    assert en.datetime(moment) == "Mon 7 Dec at 18:00"
    assert fr.datetime(moment) == "lun. 7 déc. à 18:00"
    assert it.datetime(moment) == "lun 7 dic alle 18:00"
    assert fr.month(date(2026, 11, 1)) == "novembre 2026"
    assert (en.either(["a", "b", "c"]), fr.either(["a", "b"]), it.all_of(["a", "b"])) == (
        "a, b or c",
        "a ou b",
        "a e b",
    )
    assert (en.duration(7200), fr.duration(59)) == ("2 h", "1 min")


def test_an_unknown_language_or_a_locale_tag_falls_back_sensibly() -> None:
    assert TEXTS.translator("de").language == "en"
    assert TEXTS.translator(None).language == "en"
    assert [language_of(tag) for tag in ("fr", "fr-FR", "it_IT", "en-GB", "de", None, "")] == [
        "fr",
        "fr",
        "it",
        "en",
        None,
        None,
        None,
    ]


def test_overrides_replace_a_text_in_one_language_only() -> None:
    texts = catalogs({"fr": {"core.sorry": "Oups, on a eu un pépin. Réessaie !"}})
    assert texts.translator("fr")("core.sorry") == "Oups, on a eu un pépin. Réessaie !"
    assert texts.translator("en")("core.sorry") == TEXTS.translator("en")("core.sorry")
    plural = catalogs(
        {
            "it": {
                "core.message_too_long": [
                    "max {count} lettera",
                    "max {count} di lettere",
                    "max {count} lettere",
                ]
            }
        }
    )
    assert plural.translator("it")("core.message_too_long", count=1) == "max 1 lettera"
    assert plural.translator("it")("core.message_too_long", count=7) == "max 7 lettere"


def test_overrides_are_checked_against_the_catalogs_with_their_key_paths() -> None:
    problems = check_overrides(
        {
            "fr": {"core.sorry": "Oups {oops}", "core.unknown_command": "Hein ?", "core.nope": "x"},
            "de": {"core.sorry": "Entschuldigung"},
            "it": {"core.choice_out_of_range": ["a", "b"], "core.sorry": ["a", "b", "c"]},
        }
    )
    assert problems == [
        "texts.fr.core.sorry: unknown {oops} (the text takes no placeholders)",
        "texts.fr.core.unknown_command: missing {word} (the text takes {word})",
        "texts.fr.core.nope: no such text (keys are listed in handlers/locales/en)",
        "texts.de: unknown language (use one of en, fr, it)",
        "texts.it.core.choice_out_of_range: give 3 plural forms as a list",
        "texts.it.core.sorry: this text has no plural forms: give one string",
    ]
    assert check_overrides({"fr": {"core.unknown_command": "Connais pas « {word} »."}}) == []


def test_the_community_file_refuses_a_wrong_override(tmp_path: Path) -> None:
    from config.community import load_community
    from config.problems import ConfigError

    path = tmp_path / "community.toml"
    path.write_text('[texts.fr.core]\nunknown_command = "Hein ?"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_community(path)
    assert refused.value.problems == ["texts.fr.core.unknown_command: missing {word} (the text takes {word})"]
    path.write_text('[community]\nlanguage = "it"\n[texts.it.core]\nsorry = "Ops!"\n', encoding="utf-8")
    community, _ = load_community(path)
    assert community.overrides() == {"it": {"core.sorry": "Ops!"}}


def test_the_community_language_is_one_of_ours(tmp_path: Path) -> None:
    from config.community import load_community
    from config.problems import ConfigError

    path = tmp_path / "community.toml"
    path.write_text('[community]\nlanguage = "de"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_community(path)
    assert "community.language" in refused.value.problems[0]


def test_compiling_refuses_fuzzy_entries_and_wrong_plural_counts(tmp_path: Path) -> None:
    po = tmp_path / "fr" / "LC_MESSAGES" / "x.po"
    po.parent.mkdir(parents=True)
    header = (LOCALES / "fr" / "LC_MESSAGES" / "core.po").read_text(encoding="utf-8").split("\n\n")[0]
    po.write_text(header + '\n\n#, fuzzy\nmsgid "x.a"\nmsgstr "a"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="fuzzy"):
        compiler.compiled(po)
    po.write_text(
        header + '\n\nmsgid "x.a"\nmsgid_plural "x.a"\nmsgstr[0] "a"\nmsgstr[1] "b"\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="3 plural forms"):
        compiler.compiled(po)


def test_the_override_examples_of_the_docs_are_valid() -> None:
    import tomllib

    def flat(table: dict[str, dict[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
        return {
            lang: {f"{d}.{k}": v for d, keys in t.items() for k, v in keys.items()}
            for lang, t in table.items()
        }

    example = (ROOT / "community.example.toml").read_text(encoding="utf-8")
    section = example[example.index("\n[texts]") :].splitlines()
    lines = [
        line.removeprefix("# ").split("# example")[0] for line in section if line.startswith("# [texts.")
    ]
    lines = [
        line.removeprefix("# ").split("# example")[0]
        for line in section
        if line.startswith("# [texts.") or (line.startswith("# ") and " = " in line)
    ]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("```toml\n[texts.") + len("```toml\n") :]
    for given in (tomllib.loads("\n".join(lines)), tomllib.loads(block[: block.index("```")])):
        overrides = flat(given["texts"])
        assert overrides and check_overrides(overrides) == []


UNIVERSAL = {"STOP", "CANCEL", "START"}
"""WhatsApp's standard opt-out keywords: the same in every language."""


async def test_every_command_has_its_keyword_in_every_language_and_none_collide(core: Core) -> None:
    from handlers.registry import Command, Registry

    commands = core.registry.all()
    missing = [
        f"{c.name} {language}"
        for c in commands
        for language in LANGUAGES[1:]
        if c.name not in UNIVERSAL
        and language not in c.localized
        and (c.name, language) != ("POINTS", "fr")  # "points" in French too
    ]
    assert missing == []
    words = [w for c in commands for w in {c.name, *c.aliases, *c.localized.values()}]
    assert len(words) == len(set(words))
    # a localized keyword is a name like any other: taking another command's is refused at start
    registry = Registry()
    handler = commands[0].handler
    registry.add(
        Command("TOP", "points.cmd_top", handler, localized={"fr": "CLASSEMENT", "it": "CLASSIFICA"})
    )
    with pytest.raises(ValueError, match="'CLASSEMENT' is declared twice"):
        registry.add(Command("RANKING", "points.cmd_top", handler, localized={"fr": "CLASSEMENT"}))
    with pytest.raises(ValueError, match="upper-case words"):
        registry.add(Command("BOARD", "points.cmd_top", handler, localized={"de": "RANGLISTE"}))
    assert registry.get("classement") is registry.get("TOP") is registry.get("Classifica")
