from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.formats import catalogs
from handlers.core import Core
from handlers.errors import UsageError
from handlers.events import DirectMessage
from handlers.models import Identity, Reply, Role
from handlers.registry import Arg, ArgKind, Command, MemberRef, Registry


async def noop(ctx, **kwargs) -> Reply:
    return Reply("ok")


def registry_with(*commands: Command) -> Registry:
    registry = Registry()
    for command in commands:
        registry.add(command)
    return registry


def test_longest_command_name_wins_and_keywords_ignore_case() -> None:
    registry = registry_with(
        Command("SHOP", "list", noop),
        Command("SHOP ADD", "add", noop, (Arg("item", ArgKind.WORD, "item"),)),
    )
    parsed = registry.parse("shop add mug")
    assert parsed is not None and parsed.command.name == "SHOP ADD" and parsed.values == {"item": "mug"}
    parsed = registry.parse("Shop")
    assert parsed is not None and parsed.command.name == "SHOP"


def test_keywords_match_with_or_without_accents() -> None:
    registry = registry_with(
        Command("IDEA", "one idea", noop, (Arg("idea", ArgKind.WORD, "idea"),), localized={"fr": "IDEE"}),
        Command(
            "IDEA STATUS",
            "status",
            noop,
            (Arg("idea", ArgKind.WORD, "idea"),),
            localized={"fr": "IDEE STATUT"},
        ),
    )
    for typed in ("IDÉE 3", "idée 3", "Idee 3", "IDEA 3"):
        parsed = registry.parse(typed)
        assert parsed is not None and parsed.command.name == "IDEA" and parsed.values == {"idea": "3"}, typed
    parsed = registry.parse("idée statut 3")
    assert parsed is not None and parsed.command.name == "IDEA STATUS"
    assert registry.parse("IDÉES") is None  # folding is not guessing
    assert [c.name for c in registry.suggest("IDÉ", Role.MEMBER)] == ["IDEA"]


async def test_a_french_member_types_keywords_with_their_accents(core: Core) -> None:
    await core.handle_direct(DirectMessage(Identity("console", "chloe"), "REJOINDRE"))
    [accented] = await core.handle_direct(DirectMessage(Identity("console", "chloe"), "RÈGLES"))
    [plain] = await core.handle_direct(DirectMessage(Identity("console", "chloe"), "REGLES"))
    [english] = await core.handle_direct(DirectMessage(Identity("console", "chloe"), "RULES"))
    assert accented.text == plain.text == english.text


def test_usage_is_generated_from_the_declaration() -> None:
    command = Command(
        "AWARD",
        "x.cmd_award",
        noop,
        (
            Arg("who", ArgKind.MEMBER, "who"),
            Arg("points", ArgKind.INTEGER, "how many"),
            Arg("scope", ArgKind.CHOICE, "when", required=False, choices=("all", "month")),
            Arg("reason", ArgKind.TEXT, "why", required=False),
        ),
    )
    texts = catalogs(extra={"x.arg_points": "points", "x.arg_reason": "reason"})
    assert command.usage(texts.translator("en")) == "AWARD @name <points> [all|month] [reason]"
    assert command.usage(texts.translator("fr")) == "AWARD @nom <points> [all|month] [reason]"


def test_typed_arguments() -> None:
    registry = registry_with(
        Command(
            "T",
            "x.cmd_t",
            noop,
            (
                Arg("n", ArgKind.INTEGER, "n"),
                Arg("who", ArgKind.MEMBER, "w"),
                Arg("c", ArgKind.CHOICE, "c", choices=("Month",)),
                Arg("rest", ArgKind.TEXT, "r"),
            ),
        )
    )
    parsed = registry.parse("t -3 @bob month thanks  for all")
    assert parsed is not None
    assert parsed.values == {"n": -3, "who": MemberRef("@bob"), "c": "Month", "rest": "thanks for all"}
    t = catalogs(extra={"x.arg_n": "n", "x.arg_c": "c", "x.arg_rest": "rest"}).translator("en")
    for line, said in [
        ("t 1 @bob year x", "c must be one of Month. Usage: T <n> @name Month <rest>"),
        ("t 1 bob month x", "name a member as @name, not “bob”"),
        ("t 1e9 @bob month x", "n must be a whole number"),
    ]:
        with pytest.raises(UsageError) as refused:
            registry.parse(line)
        assert said in refused.value.text(t)


def test_declaration_mistakes_are_caught_at_start() -> None:
    registry = registry_with(Command("A", "a", noop))
    with pytest.raises(ValueError, match="declared twice"):
        registry.add(Command("A", "again", noop))
    with pytest.raises(ValueError, match="last one"):
        registry.add(Command("B", "b", noop, (Arg("t", ArgKind.TEXT, "t"), Arg("w", ArgKind.WORD, "w"))))
    with pytest.raises(ValueError, match="upper-case"):
        registry.add(Command("lower", "b", noop))
    with pytest.raises(ValueError, match="optional"):
        registry.add(
            Command(
                "C", "c", noop, (Arg("a", ArgKind.WORD, "a", required=False), Arg("b", ArgKind.WORD, "b"))
            )
        )


def test_help_only_shows_commands_for_the_role() -> None:
    registry = registry_with(
        Command("HELP", "h", noop, permission=Role.EVERYONE),
        Command("POINTS", "p", noop),
        Command("AWARD", "a", noop, permission=Role.MODERATOR),
    )
    assert [c.name for c in registry.available_to(Role.EVERYONE)] == ["HELP"]
    assert [c.name for c in registry.available_to(Role.MODERATOR)] == ["AWARD", "HELP", "POINTS"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(["JOIN", "HELP", "WHOAMI", "@bob", "1", "-5", "x" * 50, "＠", "\u202e", "\x00"]),
            max_size=6,
        ).map(" ".join),
    )
)
async def test_any_line_gets_a_reply_never_an_exception(core: Core, text: str) -> None:
    replies = await core.handle_direct(DirectMessage(Identity.parse("console:fuzz"), text))
    assert len(replies) == 1
    assert replies[0].text.strip()
    assert "went wrong" not in replies[0].text
