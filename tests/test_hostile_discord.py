"""Hostile option values through Discord's slash commands (property-based), fed as raw INTERACTION_CREATE
payloads to the real bot: whatever a member or moderator types in an option — mass mentions, role mentions,
markdown, control characters, lone surrogates (JSON can carry them) — the bot answers without an internal
error, and nothing it sends (answers, follow-ups, channel posts) can ping a crowd: mass mentions are broken
in the text and every message says that no mention may ping."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

import discord.ext.test as dpytest
import pytest
from discord.webhook.async_ import AsyncWebhookAdapter
from hypothesis import given, settings
from hypothesis import strategies as st

from config.community import CommunityFile
from handlers.events import DirectMessage, MemberJoined
from handlers.models import Identity
from handlers.registry import ArgKind, Command
from storage.store import Store
from tests.bot.discord.conftest import World, build_world, feed, recorder, slash_payload
from tests.fakes import FakeClock
from tests.permissions._discord import slash_paths
from tests.permissions._matrix import COMMUNITY, SORRY, commands_of, typical
from tests.test_hostile_input import EXAMPLES, TOKENS, Failures, check_inert

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MASS_MENTION = re.compile(r"@(everyone|here)\b|<@&")
PINGS = st.sampled_from(["@everyone", "@here", "<@&1>", "@everyone++", "thanks @here", "||@everyone||"])
VALUE = st.lists(st.one_of(TOKENS, PINGS), min_size=1, max_size=5).map(" ".join).filter(lambda s: s.strip())
LIMITS = {ArgKind.WORD: 100, ArgKind.TEXT: 4000}
"""What Discord lets a client send in a string option."""


def worded(command: Command) -> bool:
    return any(arg.kind in (ArgKind.TEXT, ArgKind.WORD) for arg in command.args)


def option_values(command: Command, draw: st.DataObject, target: object) -> dict[str, Any]:
    """Hostile words where the option takes words (within Discord's lengths), the usual elsewhere."""
    values: dict[str, Any] = {}
    for arg in command.args:
        if arg.kind in LIMITS:
            values[arg.name.lower()] = draw.draw(VALUE)[: LIMITS[arg.kind]]
        elif arg.kind is ArgKind.MEMBER:
            values[arg.name.lower()] = target
        else:
            values[arg.name.lower()] = typical(arg, "")
    return values


def sent_payloads(world: World) -> list[dict[str, Any]]:
    return [call.payload for call in world.calls if call.payload.get("type") != 5] + [
        s.payload for s in world.sent
    ]


def test_hostile_option_values_never_ping_a_crowd_on_discord(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    failures = Failures()
    logging.getLogger().addHandler(failures)
    with asyncio.Runner() as runner:
        store = runner.run(Store.open(tmp_path / "discord.db", "test"))
        try:
            community = CommunityFile.model_validate(
                {"community": {"name": COMMUNITY, "timezone": "Europe/Paris"}, "discord": {}}
            )
            world = runner.run(build_world(store, FakeClock(), community))
            monkeypatch.setattr(AsyncWebhookAdapter, "request", recorder(world))
            for name in ("alice", "bob", "mod"):
                identity = Identity("discord", str(world.members[name].id))
                runner.run(world.core.member_joined(MemberJoined(identity, display_name=name)))
                runner.run(world.core.handle_direct(DirectMessage(identity, "AGREE", display_name=name)))
            paths = slash_paths(world)
            commands = [c for c in commands_of(world.core) if worded(c) and c.name in paths]

            @settings(EXAMPLES, max_examples=80)
            @given(st.sampled_from(commands), st.sampled_from(["alice", "mod"]), st.data())
            def answered(command: Command, who: str, data: st.DataObject) -> None:
                failures.records.clear()
                world.calls.clear()
                world.sent.clear()
                options = option_values(command, data, world.members["bob"])
                member = world.members[who]
                runner.run(feed(world, slash_payload(world, member, paths[command.name], options)))
                runner.run(world.core.settle())
                payloads = sent_payloads(world)
                shown = [p.get("content") or "" for p in payloads]
                shown += [
                    e.get(k) or ""
                    for p in payloads
                    for e in p.get("embeds") or []
                    for k in ("title", "description")
                ]
                assert SORRY not in shown
                assert [m[0] for text in shown for m in MASS_MENTION.finditer(text)] == []
                assert all(p.get("allowed_mentions") == {"parse": []} for p in payloads if "content" in p)
                assert failures.records == []

            answered()
            check_inert(runner, store, [])  # what went to Discord is checked above
            runner.run(dpytest.empty_queue())
        finally:
            logging.getLogger().removeHandler(failures)
            runner.run(store.close())
