"""Slash commands and component clicks as raw INTERACTION_CREATE payloads through discord.py's own state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord.ext.test as dpytest
import discord.ext.test.backend as back
import pytest
from discord.webhook.async_ import AsyncWebhookAdapter

from bot.formats import TEXTS
from handlers.context import Context
from handlers.events import MemberJoined
from handlers.models import Choice, Identity, Reply, Role
from handlers.points._ports import POINTS
from handlers.registry import Command
from storage.store import Store
from tests.bot.discord.conftest import (
    WebhookCall,
    World,
    build_world,
    click_payload,
    community_file,
    feed,
    form_payload,
    message_payload,
    recorder,
    slash_payload,
)
from tests.fakes import FakeClock

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

EPHEMERAL = 64


def ident(world: World, name: str) -> Identity:
    return Identity("discord", str(world.members[name].id))


def answers(calls: list[WebhookCall]) -> list[tuple[str, bool, str]]:
    """(kind, ephemeral, text) of every response: defer, edit (of the deferred message), delete, followup."""
    found = []
    for call in calls:
        payload = call.payload
        if call.path.endswith("/callback"):
            flags = (payload.get("data") or {}).get("flags", 0)
            found.append(("defer" if payload["type"] == 5 else "reply", bool(flags & EPHEMERAL), ""))
        elif call.method == "PATCH":
            found.append(("edit", False, _text(payload)))
        elif call.method == "DELETE":
            found.append(("delete", False, ""))
        else:
            found.append(("followup", bool(payload.get("flags", 0) & EPHEMERAL), _text(payload)))
    return found


def _text(payload: dict[str, Any]) -> str:
    parts = [payload.get("content") or ""]
    parts += [e.get("title", "") + "\n" + e.get("description", "") for e in payload.get("embeds") or []]
    return "\n".join(p for p in parts if p)


async def join(world: World, *names: str) -> None:
    for name in names:
        await world.core.member_joined(MemberJoined(ident(world, name), display_name=name))


async def balance(world: World, name: str) -> int:
    member = await world.core.services.members.by_identity(ident(world, name))
    assert member is not None
    return (await world.store.repository(POINTS).standing(member.id)).balance


async def test_a_private_command_is_deferred_and_answered_ephemerally(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "alice")
    await feed(world, slash_payload(world, world.members["alice"], "points"))
    [defer, edit] = answers(webhook)
    assert defer == ("defer", True, "")  # acknowledged first, before the core runs
    assert edit[0] == "edit" and "@alice: 0 credits" in edit[2]


async def test_a_member_cannot_run_a_moderator_command(world: World, webhook: list[WebhookCall]) -> None:
    await join(world, "alice", "bob")
    options = {"member": world.members["bob"], "points": 50, "reason": "for nothing"}
    await feed(world, slash_payload(world, world.members["alice"], "award", options))
    assert answers(webhook) == [
        ("defer", False, ""),
        ("delete", False, ""),  # the public "thinking…" goes away: the refusal is for alice only
        ("followup", True, "AWARD is for moderators only."),
    ]
    assert await balance(world, "bob") == 0


async def test_the_configured_moderator_role_may_award_a_picked_user(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "bob", "mod")
    options = {"member": world.members["bob"], "points": 50, "reason": "great workshop"}
    await feed(world, slash_payload(world, world.members["mod"], "award", options))
    [defer, edit] = answers(webhook)
    assert defer == ("defer", False, "")
    assert edit[2].startswith("Awarded 50 credits to @bob")
    assert await balance(world, "bob") == 50


async def test_losing_the_moderator_role_is_seen_on_the_next_call(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "bob", "mod")
    await dpytest.remove_role(world.members["mod"], world.mod_role)
    options = {"member": world.members["bob"], "points": 5, "reason": "late"}
    await feed(world, slash_payload(world, world.members["mod"], "award", options))
    assert answers(webhook)[-1] == ("followup", True, "AWARD is for moderators only.")


async def test_subcommands_and_the_bare_command_of_a_group(world: World, webhook: list[WebhookCall]) -> None:
    await join(world, "alice", "mod")
    add = {"item": "mug", "cost": 30, "stock": "5", "name": "A community mug"}
    await feed(world, slash_payload(world, world.members["mod"], "shop add", add))
    await feed(world, slash_payload(world, world.members["alice"], "shop view"))
    texts = [text for kind, _, text in answers(webhook) if kind == "edit"]
    assert "mug" in texts[0].lower()
    assert "A community mug" in texts[1]


async def test_a_core_crash_gets_an_apology_never_silence(
    world: World, webhook: list[WebhookCall], monkeypatch: pytest.MonkeyPatch
) -> None:
    await join(world, "alice")

    async def broken(ctx: Context) -> Reply:
        raise RuntimeError("disk on fire")

    world.core.registry.add(Command("BREAK", "core.sorry", broken, permission=Role.EVERYONE))
    world.bot.install_commands()  # a command added later appears with no glue
    await feed(world, slash_payload(world, world.members["alice"], "break"))
    assert answers(webhook)[-1] == ("followup", True, TEXTS.translator("en")("core.sorry"))


async def _choices_world(world: World) -> None:
    async def offer(ctx: Context) -> Reply:
        return Reply("Which one?", choices=(Choice("Points", "POINTS"), Choice("Shop", "SHOP")))

    async def many(ctx: Context) -> Reply:
        return Reply("Pick a number", choices=tuple(Choice(str(n), f"HELP {n}") for n in range(1, 8)))

    world.core.registry.add(Command("OFFER", "core.sorry", offer))
    world.core.registry.add(Command("MANY", "core.sorry", many))
    world.bot.install_commands()


async def test_choices_become_buttons_and_a_click_runs_the_command_for_the_clicker(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "alice", "bob")
    await _choices_world(world)
    await feed(world, slash_payload(world, world.members["alice"], "offer"))
    edit = next(c for c in webhook if c.method == "PATCH")
    buttons = edit.payload["components"][0]["components"]
    assert [(b["label"], b["custom_id"]) for b in buttons] == [
        ("Points", "cb:choice:POINTS"),
        ("Shop", "cb:choice:SHOP"),
    ]
    webhook.clear()
    message = message_payload(world, edit.payload)
    await feed(world, click_payload(world, world.members["bob"], message, "cb:choice:POINTS"))
    [defer, answer] = answers(webhook)
    assert defer == ("defer", True, "")
    assert "@bob: 0 credits" in answer[2]  # bob clicked: bob's balance, for bob only


async def test_more_than_five_choices_become_a_select_menu(world: World, webhook: list[WebhookCall]) -> None:
    await join(world, "alice")
    await _choices_world(world)
    await feed(world, slash_payload(world, world.members["alice"], "many"))
    edit = next(c for c in webhook if c.method == "PATCH")
    [select] = edit.payload["components"][0]["components"]
    assert select["type"] == 3 and select["custom_id"] == "cb:select"
    assert [o["value"] for o in select["options"]][:2] == ["c:HELP 1", "c:HELP 2"]
    webhook.clear()
    message = message_payload(world, edit.payload)
    await feed(
        world, click_payload(world, world.members["alice"], message, "cb:select", values=["c:HELP JOIN"])
    )
    assert "JOIN [code] — join the community" in answers(webhook)[-1][2]


async def test_a_button_still_works_after_a_restart(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    community = community_file()
    path = tmp_path / "restart.db"
    first_store = await Store.open(path, "test")
    first = await build_world(first_store, clock, community)
    alice_id = first.members["alice"].id
    dm = await first.members["alice"].create_dm()
    await dpytest.message("JOIN", channel=dm, member=first.members["alice"])
    await dpytest.message("pionts", channel=dm, member=first.members["alice"])  # a typo: "did you mean"
    offered = first.to("alice")[-1].payload
    [button] = offered["components"][0]["components"]
    assert button["custom_id"] == "cb:choice:POINTS"
    await first_store.close()  # the process ends; only the database file remains

    second_store = await Store.open(path, "test")
    try:
        second = await build_world(second_store, clock, community)  # new bot, new core, nothing in memory
        alice = back.make_member(back.make_user("alice", "0001", id_num=alice_id), second.guild)
        monkeypatch.setattr(AsyncWebhookAdapter, "request", recorder(second))
        click = click_payload(second, alice, message_payload(second, offered), button["custom_id"], dm=True)
        await feed(second, click)
        assert any("@alice: 0 credits" in text for _, _, text in answers(second.calls))
    finally:
        await second_store.close()


async def test_the_app_language_is_used_until_the_member_chooses_one(
    world: World, webhook: list[WebhookCall]
) -> None:
    """The interaction's locale (a real payload field) picks the language; LANGUAGE then wins over it."""
    await join(world, "alice")
    italian = slash_payload(world, world.members["alice"], "points")
    italian["locale"] = "it"
    await feed(world, italian)
    assert "@alice: 0 crediti" in answers(webhook)[-1][2]
    french = slash_payload(world, world.members["alice"], "language", {"language": "fr"})
    french["locale"] = "it"
    await feed(world, french)
    again = slash_payload(world, world.members["alice"], "points")
    again["locale"] = "en-GB"
    await feed(world, again)
    assert "@alice\xa0: 0 crédit" in answers(webhook)[-1][2]  # 0 is singular in French


async def test_a_reject_button_opens_a_form_for_the_reason_and_the_submission_is_rejected_with_it(
    world: World, webhook: list[WebhookCall]
) -> None:
    await join(world, "alice", "mod")
    mod, alice = world.members["mod"], world.members["alice"]
    await feed(world, slash_payload(world, mod, "challenge new", {"text": '"Mugs" | Your mug | 3d'}))
    await feed(world, slash_payload(world, alice, "submit", {"challenge": "1", "text": "my mug"}))
    webhook.clear()
    await feed(world, slash_payload(world, mod, "review view"))
    edit = next(c for c in webhook if c.method == "PATCH")
    buttons = edit.payload["components"][0]["components"]
    assert [(b["label"], b["custom_id"]) for b in buttons] == [
        ("Accept #1", "cb:choice:REVIEW APPROVE 1"),
        ("Reject #1", "cb:ask:REVIEW REJECT 1"),
    ]
    webhook.clear()
    message = message_payload(world, edit.payload)
    await feed(world, click_payload(world, mod, message, "cb:ask:REVIEW REJECT 1"))
    [opened] = [c.payload for c in webhook if c.path.endswith("/callback")]
    assert opened["type"] == 9  # a form, not a deferral: the reason first
    form = opened["data"]
    assert form["title"] == "Reject #1"
    [field] = form["components"][0]["components"]
    assert field["label"] == "Your words (a reason, a note)"
    webhook.clear()
    await feed(world, form_payload(world, mod, form["custom_id"], {field["custom_id"]: "  blurry   photo "}))
    [defer, answer] = answers(webhook)
    assert defer == ("defer", True, "")
    assert answer[2] == "Submission #1 is refused; its author is told why."
    row = await world.store.db.fetch_one("SELECT state, reason FROM challenge_submissions WHERE id = 1")
    assert row is not None and (row["state"], row["reason"]) == ("rejected", "blurry photo")
