"""The registry as Discord sees it: every command, its options, its permission, within Discord's limits."""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.discord import slash
from bot.formats import TEXTS
from handlers.context import Context
from handlers.core import Core
from handlers.models import Reply, Role
from handlers.registry import MAX_INTEGER, Arg, ArgKind, Command, Registry

OPTION_TYPE = {ArgKind.WORD: 3, ArgKind.TEXT: 3, ArgKind.CHOICE: 3, ArgKind.INTEGER: 4, ArgKind.MEMBER: 6}


EN = TEXTS.translator("en")


async def handler(ctx: Context, **values: Any) -> Reply:
    return Reply("ok")


async def run(interaction: Any, command: Command, values: dict[str, Any]) -> None:
    raise AssertionError("not called here")


def tree_dicts(commands: list[Command]) -> dict[str, dict[str, Any]]:
    """Slash path ("shop add") -> the command's JSON as synced to Discord."""
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)
    found: dict[str, dict[str, Any]] = {}

    def walk(prefix: str, data: dict[str, Any]) -> None:
        path = f"{prefix} {data['name']}".strip()
        children = [o for o in data.get("options", []) if o["type"] in (1, 2)]
        if children:
            for child in children:
                walk(path, child)
        else:
            found[path] = data

    for item in slash.build(commands, run, TEXTS):
        walk("", item.to_dict(tree))
    return found


def slash_path(command: Command, all_names: set[str]) -> str:
    words = command.name.lower()
    is_group = any(other.startswith(command.name + " ") for other in all_names)
    return f"{words} view" if is_group else words


async def test_every_registry_command_is_a_slash_command_with_its_options(core: Core) -> None:
    commands = core.registry.all()
    names = {c.name for c in commands}
    synced = tree_dicts(commands)
    assert len(synced) == len(commands)
    for command in commands:
        data = synced[slash_path(command, names)]
        assert EN(command.help)[:60] in data["description"] and len(data["description"]) <= 100
        options = data.get("options", [])
        if command.files:  # then a file option, optional (type 11: attachment)
            *options, file = options
            assert (file["name"], file["type"], file["required"]) == ("file", 11, False), command.name
        assert [o["name"] for o in options] == [a.name for a in command.args]
        for arg, option in zip(command.args, options, strict=True):
            assert option["type"] == OPTION_TYPE[arg.kind], (command.name, arg.name)
            assert option["required"] == arg.required
            if arg.kind is ArgKind.CHOICE:
                assert [c["value"] for c in option["choices"]] == list(arg.choices)
            if arg.kind is ArgKind.INTEGER:
                assert option["min_value"] == (arg.min if arg.min is not None else -MAX_INTEGER)
                assert option["max_value"] == (arg.max if arg.max is not None else MAX_INTEGER)


async def test_staff_commands_say_so_and_carry_their_permission(core: Core) -> None:
    items = {i.qualified_name: i for i in _walk(slash.build(core.registry.all(), run, TEXTS))}
    award = items["award"]
    assert award.description.startswith("[moderators] ")
    assert award.extras == {"command": "AWARD", "permission": Role.MODERATOR}
    assert items["shop add"].extras["permission"] is Role.MODERATOR
    assert items["shop view"].extras == {"command": "SHOP", "permission": Role.MEMBER}
    assert not items["points"].description.startswith("[")


def test_a_bare_command_that_is_also_a_group_gets_the_first_free_name() -> None:
    registry = Registry()
    for name in ("FEED", "FEED VIEW", "FEED ADD", "POLL NEW", "POLL NEW DRAFT", "A B C"):
        registry.add(Command(name, "core.sorry", handler))
    paths = set(tree_dicts(registry.all()))
    assert paths == {"feed show", "feed view", "feed add", "poll new view", "poll new draft", "a b c"}


def test_discord_limits_hold_for_a_large_registry(caplog: pytest.LogCaptureFixture) -> None:
    registry = Registry()
    for n in range(130):
        registry.add(
            Command(
                f"CMD{n:03d}",
                "bot.dms_closed",
                handler,
                (Arg("word", ArgKind.WORD, "bot.console_unreadable"),),
            )
        )
    registry.add(
        Command(
            "HUGE", "core.sorry", handler, tuple(Arg(f"a{n}", ArgKind.WORD, "core.sorry") for n in range(26))
        )
    )
    registry.add(Command("WAY TOO DEEP NAME", "core.sorry", handler))
    with caplog.at_level(logging.ERROR):
        items = slash.build(registry.all(), run, TEXTS)
    assert len(items) <= slash.MAX_TOP_LEVEL
    leaves = list(_walk(items))
    assert len([i for i in leaves if isinstance(i, app_commands.Command)]) == 130  # every one still reachable
    assert all(len(i.description) <= 100 for i in leaves)
    assert all(len(i.commands) <= 25 for i in items if isinstance(i, app_commands.Group))
    assert {i.qualified_name.split()[0] for i in leaves} >= {"more"}
    assert "HUGE has more than 25 arguments" in caplog.text
    assert "WAY TOO DEEP NAME cannot be a slash command" in caplog.text


def _walk(items: list[Any]) -> Any:
    for item in items:
        yield item
        if isinstance(item, app_commands.Group):
            yield from _walk(item.commands)


async def test_names_and_descriptions_are_localized_through_discords_translator(core: Core) -> None:
    """A French or Italian client shows /aide, /classement and the catalogs' descriptions."""
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)
    await tree.set_translator(slash.CatalogTranslator())
    for item in slash.build(core.registry.all(), run, TEXTS):
        tree.add_command(item)
    assert tree.translator is not None
    payloads = [await item.get_translated_payload(tree, tree.translator) for item in tree.get_commands()]
    synced = {data["name"]: data for data in payloads}
    top = synced["top"]
    assert top["name_localizations"] == {"fr": "classement", "it": "classifica"}
    top_command = core.registry.get("TOP")
    assert top_command is not None
    assert top["description_localizations"]["fr"] == TEXTS.translator("fr")(top_command.help)[:100]
    help_ = synced["help"]
    assert help_["name_localizations"]["fr"] == "aide"
    assert help_["description_localizations"]["it"] == TEXTS.translator("it")("help.cmd_help")
    award = synced["award"]
    assert award["description_localizations"]["fr"].startswith("[modération] ")
    shop = synced["shop"]
    assert shop["name_localizations"] == {"fr": "boutique", "it": "negozio"}
    view = next(o for o in shop["options"] if o["name"] == "view")
    assert view["name_localizations"] == {"fr": "voir", "it": "vedi"}
    assert "en-US" not in top["name_localizations"]  # English clients see the default names


async def test_timezone_offers_zones_as_the_member_types(core: Core) -> None:
    timezone = tree_dicts(core.registry.all())["timezone"]
    [zone] = timezone["options"]
    assert zone["autocomplete"] is True
    [item] = [
        i for i in _walk(slash.build(core.registry.all(), run, TEXTS)) if i.qualified_name == "timezone"
    ]
    assert isinstance(item, app_commands.Command)
    parameter = item._params["zone"]
    offered = await parameter.autocomplete(None, "rom")  # type: ignore[misc,operator]
    assert offered[0] == app_commands.Choice(name="Europe/Rome", value="Europe/Rome")
    assert len(await parameter.autocomplete(None, "")) == 25  # type: ignore[misc,operator]
