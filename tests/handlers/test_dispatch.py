"""The core's dispatch: errors, choices, replays, transactions, jobs; through a feature declared as real ones
are, installed after the bot's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from bot.formats import catalogs
from handlers.context import Context
from handlers.core import Core
from handlers.errors import Conflict, MissingArgument, StaffOnly
from handlers.events import DirectMessage
from handlers.feature import Commands, Feature, JobKind
from handlers.features import FEATURES
from handlers.i18n import Translator
from handlers.install import build_core
from handlers.models import Choice, Identity, Member, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger


@dataclass
class Probe:
    """The test feature's state: what its job saw."""

    ran: list[str] = field(default_factory=list)


@dataclass(eq=False)
class ChangedMyMind(Conflict):
    why: str

    def text(self, t: Translator) -> str:
        return t("probe.changed_my_mind", why=self.why)


commands: Commands[Probe] = Commands()


@commands.command("ASK", "probe.cmd_ask", permission=Role.EVERYONE)
async def ask(ctx: Context, probe: Probe) -> Reply:
    return Reply("Pick one", choices=(Choice("Yes", "JOIN"), Choice("No", "HELP")))


@commands.command(
    "GIVE",
    "probe.cmd_give",
    Arg("who", ArgKind.MEMBER, "probe.help"),
    Arg("amount", ArgKind.INTEGER, "probe.help", min=1, max=100),
    permission=Role.EVERYONE,
)
async def give(ctx: Context, probe: Probe, who: Member, amount: int) -> Reply:
    return Reply(f"{who.handle} {amount}")


@commands.command(
    "GRANT",
    "probe.cmd_grant",
    Arg("who", ArgKind.MEMBER, "probe.help"),
    Arg("amount", ArgKind.INTEGER, "probe.help", min=1, max=9),
    Arg("note", ArgKind.TEXT, "probe.help", required=False),
    permission=Role.MODERATOR,
)
async def grant(ctx: Context, probe: Probe, who: Member, amount: int, note: str | None) -> Reply:
    return Reply(f"{who.handle} {amount} {note}")


@commands.command("HALF", "probe.cmd_half", permission=Role.EVERYONE)
async def half(ctx: Context, probe: Probe) -> Reply:
    assert ctx.actor is not None
    await ctx.members.create(ctx.actor, "x", "x", MemberStatus.MEMBER)
    raise ChangedMyMind("changed my mind")


@commands.command("CRASH", "probe.cmd_crash", permission=Role.EVERYONE)
async def crash(ctx: Context, probe: Probe) -> Reply:
    raise ZeroDivisionError("bug")


async def note(ctx: Context, probe: Probe, payload: dict[str, Any]) -> None:
    if payload["name"] == "flaky" and payload["name"] not in probe.ran:
        probe.ran.append("flaky")
        raise RuntimeError("first try fails")
    probe.ran.append(payload["name"])
    ctx.post("announcements", Reply(payload["name"]))


PROBE = Probe()
PROBE_TEXTS = catalogs(
    extra={
        "probe.cmd_ask": "ask",
        "probe.cmd_give": "give",
        "probe.cmd_grant": "give, for moderators",
        "probe.cmd_half": "half",
        "probe.cmd_crash": "crash",
        "probe.help": "an argument",
        "probe.changed_my_mind": "No, {why}.",
        "probe.arg_amount": "amount",
        "probe.arg_note": "note",
    }
)
"""The probe feature's own texts: it is no feature of the product, so no catalog has them."""
EN = PROBE_TEXTS.translator("en")
TEST_FEATURE: Feature[Probe] = Feature(
    name="probe", build=lambda setup: PROBE, commands=commands, jobs=(JobKind("note", note),)
)


@pytest.fixture
async def core(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, community: CommunityConfig
) -> Core:
    PROBE.ran.clear()
    built = build_core(
        store.services(community, clock), messenger, (*FEATURES, TEST_FEATURE), texts=PROBE_TEXTS
    )
    await built.start()
    return built


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
    await say(core, "console:alice", "ASK")
    assert "between" not in (reply := await say(core, "console:alice", "7")).text
    assert reply.text == "Answer with a number from 1 to 2."
    assert "Welcome" in (await say(core, "console:alice", "yes")).text


async def test_wrong_arguments_get_the_usage_line(core: Core) -> None:
    await say(core, "console:bob", "JOIN")
    assert (await say(core, "console:alice", "GIVE")).text == "@name is missing. Usage: GIVE @name <amount>"
    assert "amount must be a whole number" in (await say(core, "console:alice", "GIVE @bob lots")).text
    assert "between 1 and 100" in (await say(core, "console:alice", "GIVE @bob 0")).text
    assert "unexpected “extra”" in (await say(core, "console:alice", "GIVE @bob 5 extra")).text
    assert "I don't know @carol" in (await say(core, "console:alice", "GIVE @carol 5")).text
    assert (await say(core, "console:alice", "give @BOB 5")).text == "bob 5"
    assert (await say(core, "console:alice", "GIVE console:bob 6")).text == "bob 6"


async def test_a_domain_error_rolls_back_everything(core: Core, store: Store) -> None:
    reply = await say(core, "console:alice", "HALF")
    assert reply.text == ChangedMyMind("changed my mind").text(EN) and reply.private
    assert await store.members.by_identity(Identity.parse("console:alice")) is None


async def test_an_unexpected_error_is_logged_and_apologised_for(core: Core, caplog: Any) -> None:
    assert (await say(core, "console:alice", "CRASH")).text == EN("core.sorry")
    assert "ZeroDivisionError" in caplog.text


async def test_a_replayed_message_id_has_no_second_effect(core: Core, store: Store) -> None:
    await say(core, "console:alice", "JOIN", message_id="SM1")
    replay = await core.handle_direct(DirectMessage(Identity.parse("console:alice"), "JOIN", event_id="SM1"))
    assert replay == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "Send HELP"), ("   \n\t ", "Send HELP"), ("x" * 10_000, "too long")],
)
async def test_empty_and_huge_messages(core: Core, text: str, expected: str) -> None:
    replies = await core.handle_direct(DirectMessage(Identity.parse("console:alice"), text))
    assert expected in replies[0].text


async def test_due_jobs_run_once_in_order_and_failures_retry(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    async with store.transaction():
        await store.jobs.schedule("note", clock.now() + timedelta(hours=2), {"name": "second"})
        await store.jobs.schedule("note", clock.now() + timedelta(hours=1), {"name": "first"})
        await store.jobs.schedule("note", clock.now() + timedelta(hours=1, minutes=30), {"name": "flaky"})
    assert await core.run_due_jobs() == 0
    clock.advance(hours=3)
    assert await core.run_due_jobs() == 3
    assert PROBE.ran == ["first", "flaky", "second"]
    assert messenger.posts_in("announcements") == ["first", "second"]
    clock.advance(hours=1)
    assert await core.run_due_jobs() == 1
    assert messenger.posts_in("announcements") == ["first", "second", "flaky"]
    assert await core.run_due_jobs() == 0


async def test_invoke_checks_typed_values_and_permission_like_text(core: Core) -> None:
    await say(core, "console:bob", "JOIN")
    alice = Identity.parse("discord:111111")
    bob = Identity.parse("console:bob")
    refused = await core.invoke(DirectMessage(alice, ""), "GRANT", {"who": bob, "amount": 3})
    assert refused[0].text == StaffOnly("GRANT", Role.MODERATOR).text(EN)
    # a platform role (a configured Discord moderator role) grants it, call by call
    as_mod = DirectMessage(alice, "", platform_role=Role.MODERATOR)
    assert (await core.invoke(as_mod, "GRANT", {"who": bob, "amount": 3}))[0].text == "bob 3 None"
    assert (await core.invoke(as_mod, "GRANT", {"who": "console:bob", "amount": 4}))[0].text == "bob 4 None"
    too_big = await core.invoke(as_mod, "GRANT", {"who": bob, "amount": 30})
    assert "between 1 and 9" in too_big[0].text
    missing = await core.invoke(as_mod, "GRANT", {"amount": 3})
    grant_command = core.registry.get("GRANT")
    assert grant_command is not None
    assert missing[0].text == MissingArgument(grant_command, "who").text(EN)
    assert missing[0].text == "@name is missing. Usage: GRANT @name <amount> [note]"
