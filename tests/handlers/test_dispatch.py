"""The core's dispatch: errors, choices, replays, transactions, jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.context import Context
from handlers.core import SORRY, Core
from handlers.errors import Conflict
from handlers.models import Choice, Identity, IncomingMessage, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind, Command
from storage.sqlite.store import SqliteStore
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger


async def test_unknown_command_names_a_way_forward(core: Core) -> None:
    reply = await say(core, "console:alice", "frobnicate now")
    assert reply.text == "I don't know “frobnicate”. Send HELP to see what you can do."


async def test_a_close_typo_offers_the_command_as_a_choice_that_1_answers(core: Core) -> None:
    offered = await say(core, "console:alice", "jion")
    assert "Did you mean JOIN?" in offered.text
    assert offered.choices == (Choice("JOIN", "JOIN"),)
    answered = await say(core, "console:alice", "1")
    assert "Welcome to Test Club" in answered.text
    # the choice was used up: a second "1" is not a command
    assert "nothing to choose" in (await say(core, "console:alice", "1")).text


async def test_choices_are_answered_by_label_and_out_of_range_numbers_explained(core: Core) -> None:
    async def ask(ctx: Context) -> Reply:
        return Reply("Pick one", choices=(Choice("Yes", "JOIN"), Choice("No", "HELP")))

    core.registry.add(Command("ASK", "ask", ask, permission=Role.EVERYONE))
    await say(core, "console:alice", "ASK")
    assert "between" not in (reply := await say(core, "console:alice", "7")).text
    assert reply.text == "Answer with a number from 1 to 2."
    assert "Welcome" in (await say(core, "console:alice", "yes")).text


async def test_wrong_arguments_get_the_usage_line(core: Core) -> None:
    async def give(ctx: Context, who, amount: int) -> Reply:
        return Reply(f"{who.handle} {amount}")

    core.registry.add(
        Command(
            "GIVE",
            "give",
            give,
            (Arg("who", ArgKind.MEMBER, "who"), Arg("amount", ArgKind.INTEGER, "how many", min=1, max=100)),
            permission=Role.EVERYONE,
        )
    )
    await say(core, "console:bob", "JOIN")
    assert (await say(core, "console:alice", "GIVE")).text == "@name is missing. Usage: GIVE @name <amount>"
    assert "amount must be a whole number" in (await say(core, "console:alice", "GIVE @bob lots")).text
    assert "between 1 and 100" in (await say(core, "console:alice", "GIVE @bob 0")).text
    assert "unexpected “extra”" in (await say(core, "console:alice", "GIVE @bob 5 extra")).text
    assert "I don't know @carol" in (await say(core, "console:alice", "GIVE @carol 5")).text
    assert (await say(core, "console:alice", "give @BOB 5")).text == "bob 5"
    assert (await say(core, "console:alice", "GIVE console:bob 6")).text == "bob 6"


async def test_a_domain_error_rolls_back_everything(core: Core, store: SqliteStore) -> None:
    async def join_then_refuse(ctx: Context) -> Reply:
        await ctx.services.members.create(ctx.actor, "x", "x", MemberStatus.MEMBER, ctx.now)  # type: ignore[arg-type]
        raise Conflict("No, changed my mind.")

    core.registry.add(Command("HALF", "half", join_then_refuse, permission=Role.EVERYONE))
    reply = await say(core, "console:alice", "HALF")
    assert reply.text == "No, changed my mind." and reply.private
    assert await store.members.by_identity(Identity.parse("console:alice")) is None


async def test_an_unexpected_error_is_logged_and_apologised_for(core: Core, caplog) -> None:
    async def crash(ctx: Context) -> Reply:
        raise ZeroDivisionError("bug")

    core.registry.add(Command("CRASH", "crash", crash, permission=Role.EVERYONE))
    assert (await say(core, "console:alice", "CRASH")).text == SORRY
    assert "ZeroDivisionError" in caplog.text


async def test_a_replayed_message_id_has_no_second_effect(core: Core, store: SqliteStore) -> None:
    await say(core, "console:alice", "JOIN", message_id="SM1")
    replay = await core.handle_direct(
        IncomingMessage(Identity.parse("console:alice"), "JOIN", message_id="SM1")
    )
    assert replay == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "Send HELP"), ("   \n\t ", "Send HELP"), ("x" * 10_000, "too long")],
)
async def test_empty_and_huge_messages(core: Core, text: str, expected: str) -> None:
    replies = await core.handle_direct(IncomingMessage(Identity.parse("console:alice"), text))
    assert expected in replies[0].text


async def test_due_jobs_run_once_in_order_and_failures_retry(
    core: Core, store: SqliteStore, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    ran: list[str] = []

    async def note(ctx: Context, payload: dict) -> None:
        if payload["name"] == "flaky" and payload["name"] not in ran:
            ran.append("flaky")
            raise RuntimeError("first try fails")
        ran.append(payload["name"])
        ctx.post("announcements", Reply(payload["name"]))

    core.hooks.jobs["note"] = note
    async with store.transaction():
        await store.jobs.schedule("note", clock.now() + timedelta(hours=2), {"name": "second"})
        await store.jobs.schedule("note", clock.now() + timedelta(hours=1), {"name": "first"})
        await store.jobs.schedule("note", clock.now() + timedelta(hours=1, minutes=30), {"name": "flaky"})
    assert await core.run_due_jobs() == 0
    clock.advance(hours=3)
    assert await core.run_due_jobs() == 3
    assert ran == ["first", "flaky", "second"]
    assert messenger.posts_in("announcements") == ["first", "second"]
    clock.advance(hours=1)
    assert await core.run_due_jobs() == 1
    assert messenger.posts_in("announcements") == ["first", "second", "flaky"]
    assert await core.run_due_jobs() == 0


async def test_invoke_checks_typed_values_and_permission_like_text(core: Core) -> None:
    async def give(ctx: Context, who, amount: int, note: str | None) -> Reply:
        return Reply(f"{who.handle} {amount} {note}")

    core.registry.add(
        Command(
            "GIVE",
            "give",
            give,
            (
                Arg("who", ArgKind.MEMBER, "who"),
                Arg("amount", ArgKind.INTEGER, "n", min=1, max=9),
                Arg("note", ArgKind.TEXT, "t", required=False),
            ),
            permission=Role.MODERATOR,
        )
    )
    await say(core, "console:bob", "JOIN")
    alice = Identity.parse("discord:111111")
    refused = await core.invoke(IncomingMessage(alice, ""), "GIVE", {"who": "console:bob", "amount": 3})
    assert refused[0].text == "GIVE is for moderators only."
    # a platform role (a configured Discord moderator role) grants it, call by call
    as_mod = IncomingMessage(alice, "", platform_role=Role.MODERATOR)
    assert (await core.invoke(as_mod, "GIVE", {"who": "console:bob", "amount": 3}))[0].text == "bob 3 None"
    too_big = await core.invoke(as_mod, "GIVE", {"who": "console:bob", "amount": 30})
    assert "between 1 and 9" in too_big[0].text
    missing = await core.invoke(as_mod, "GIVE", {"amount": 3})
    assert missing[0].text == "@name is missing. Usage: GIVE @name <amount> [note]"
