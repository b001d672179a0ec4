"""A Discord guild without Discord: dpytest's fake gateway state plus recorded REST and webhook calls.

`world` builds the real CommunityBot on a real core and SQLite file; messages, joins and reactions go
through discord.py's own parsing (dpytest), interactions through `ConnectionState.parse_interaction_create`
with raw INTERACTION_CREATE payloads. Every message the bot sends is recorded with its payload
(`allowed_mentions`, `components`, embeds) so tests read exactly what Discord would receive.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as back
import pytest
from discord.webhook.async_ import AsyncWebhookAdapter

from bot.discord.client import CommunityBot
from bot.discord.messenger import DiscordMessenger
from bot.formats import TEXTS
from bot.messenger import MessengerRouter
from config.community import CommunityFile
from config.discord import DiscordCommunity
from handlers.core import Core
from handlers.features import FEATURES
from handlers.health._counter import FLUSH_TASK
from handlers.install import build_core
from handlers.platforms import Platforms
from handlers.settings import CommunityConfig
from storage.sqlite.live_posts import SqliteLivePosts
from storage.store import Store
from tests.fakes import FakeClock

_ids = itertools.count(1)


def snowflake() -> int:
    return (1 << 60) + next(_ids)


@dataclass
class Sent:
    """One message the bot sent: where, and the JSON payload Discord would get."""

    channel: discord.abc.Messageable
    payload: dict[str, Any]

    @property
    def content(self) -> str:
        return self.payload.get("content") or ""

    @property
    def text(self) -> str:
        """Content, or an embed's title and description."""
        parts = [self.content]
        for embed in self.payload.get("embeds") or []:
            parts += [embed.get("title", ""), embed.get("description", "")]
        return "\n".join(p for p in parts if p)


@dataclass
class WebhookCall:
    method: str
    path: str
    payload: dict[str, Any]


@dataclass
class World:
    bot: CommunityBot
    core: Core
    store: Store
    guild: discord.Guild
    general: discord.TextChannel
    welcome: discord.TextChannel
    announcements: discord.TextChannel
    mod_role: discord.Role
    admin_role: discord.Role
    members: dict[str, discord.Member]
    sent: list[Sent] = field(default_factory=list)
    calls: list[WebhookCall] = field(default_factory=list)
    closed_dms: set[int] = field(default_factory=set)
    failing_dms: int = 0
    """How many DMs Discord answers with a 503 before taking them again."""
    invites: dict[str, int] | None = field(default_factory=dict)
    """Invite code -> uses, as GET /guilds/{id}/invites answers; None: the bot may not list them (403)."""

    def to(self, name: str) -> list[Sent]:
        """What the bot sent to a member in DM."""
        dm = self.members[name].dm_channel
        return [s for s in self.sent if dm is not None and getattr(s.channel, "id", None) == dm.id]

    def posts_in(self, channel: discord.abc.GuildChannel) -> list[Sent]:
        return [s for s in self.sent if getattr(s.channel, "id", None) == channel.id]


def community_file(**discord_section: Any) -> CommunityConfig:
    return CommunityFile.model_validate(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "points": {"activity": {"cooldown_seconds": 0}},
            "discord": discord_section,
        }
    )


async def build_world(store: Store, clock: FakeClock, community: CommunityConfig) -> World:
    router = MessengerRouter()
    platforms = Platforms(roles=router, invites=router, editor=router)
    core = build_core(store.services(community, clock), router, FEATURES, platforms, texts=TEXTS)
    discord_section = community.section(DiscordCommunity)
    bot = CommunityBot(core, discord_section, guild_id=0)
    messenger = DiscordMessenger(bot, SqliteLivePosts(store.db, store.community_id, "discord"))
    router.add(
        "discord", messenger, posts_to_channels=True, roles=messenger, invites=messenger, editor=messenger
    )
    await bot._async_setup_hook()
    dpytest.configure(bot, guilds=["Club"], text_channels=["general"], members=["alice", "bob", "mod"])
    config = dpytest.get_config()
    guild = config.guilds[0]
    welcome = back.make_text_channel("welcome", guild)
    announcements = back.make_text_channel("announcements", guild)
    mod_role = back.make_role("Moderators", guild)
    admin_role = back.make_role("Admins", guild)
    members = {m.name: back.update_member(m, nick=m.name) for m in config.members}
    await dpytest.add_role(members["mod"], mod_role)
    bot.guild_id = guild.id
    bot.config = DiscordCommunity.model_validate(
        {
            **discord_section.model_dump(),
            "moderator_roles": [mod_role.id],
            "admin_roles": [admin_role.id],
            "channels": {"announcements": announcements.id, "welcome": welcome.id},
        }
    )
    await bot.prepare()
    bot._ready.set()  # what READY does on a real gateway; deliveries wait for it
    world = World(
        bot, core, store, guild, config.channels[0], welcome, announcements, mod_role, admin_role, members
    )
    _record_sends(world)
    _serve_invites(world)
    return world


def _serve_invites(world: World) -> None:
    async def invites_from(guild_id: int) -> list[dict[str, Any]]:
        if world.invites is None:
            raise discord.Forbidden(back.FakeRequest(403, "Forbidden"), {"code": 50013, "message": "Missing"})
        return [
            {
                "code": code,
                "uses": uses,
                "max_uses": 0,
                "max_age": 0,
                "temporary": False,
                "channel": {"id": str(world.general.id), "name": "general", "type": 0},
            }
            for code, uses in world.invites.items()
        ]

    world.bot.http.invites_from = invites_from  # type: ignore[method-assign,assignment]


def _record_sends(world: World) -> None:
    http = world.bot.http
    original = http.send_message

    async def send_message(channel_id: int, *, params: Any) -> Any:
        # dpytest finds the channel in its caller's locals: keep one named `channel` here.
        channel = sys._getframe(1).f_locals.get("channel")
        recipient = getattr(channel, "recipient", None)
        if (
            isinstance(channel, discord.DMChannel)
            and recipient is not None
            and recipient.id in world.closed_dms
        ):
            raise discord.Forbidden(
                back.FakeRequest(403, "Forbidden"), {"code": 50007, "message": "DMs closed"}
            )
        if isinstance(channel, discord.DMChannel) and world.failing_dms > 0:
            world.failing_dms -= 1
            raise discord.DiscordServerError(back.FakeRequest(503, "Service Unavailable"), "overloaded")
        payload = params.payload
        if payload is None and params.multipart:  # with files: the JSON goes as the form's first part
            payload = json.loads(params.multipart[0]["value"])
        world.sent.append(Sent(channel, dict(payload or {})))
        return await original(channel_id, params=params)

    http.send_message = send_message  # type: ignore[method-assign]


@pytest.fixture
def discord_community() -> CommunityConfig:
    return community_file()


@pytest.fixture
async def world(store: Store, clock: FakeClock, discord_community: CommunityConfig) -> AsyncIterator[World]:
    built = await build_world(store, clock, discord_community)
    yield built
    await dpytest.empty_queue()


# -- interactions -----------------------------------------------------------------------------


@pytest.fixture
def webhook(world: World, monkeypatch: pytest.MonkeyPatch) -> list[WebhookCall]:
    """Interaction responses (defer, edit, delete, follow-ups) recorded instead of sent to Discord."""
    monkeypatch.setattr(AsyncWebhookAdapter, "request", recorder(world))
    return world.calls


def recorder(world: World) -> Any:
    """A stand-in for discord.py's webhook HTTP call that records it and answers like Discord."""

    async def request(adapter: Any, route: Any, session: Any = None, **kwargs: Any) -> Any:
        payload = kwargs.get("payload")
        if payload is None and kwargs.get("multipart"):
            payload = json.loads(kwargs["multipart"][0]["value"])
        payload = payload or {}
        world.calls.append(WebhookCall(route.method, route.path, payload))
        if route.path.endswith("/callback"):
            flags = (payload.get("data") or {}).get("flags", 0)
            return {
                "interaction": {
                    "id": str(route.webhook_id),
                    "type": 2,
                    "response_message_loading": payload.get("type") == 5,
                    "response_message_ephemeral": bool(flags & 64),
                }
            }
        if route.method == "DELETE":
            return None
        return message_payload(world, payload)

    return request


def message_payload(world: World, sent: dict[str, Any]) -> dict[str, Any]:
    assert world.bot.user is not None
    return {
        "id": str(snowflake()),
        "channel_id": str(world.general.id),
        "type": 0,
        "content": sent.get("content") or "",
        "author": {
            "id": str(world.bot.user.id),
            "username": world.bot.user.name,
            "discriminator": "0000",
            "avatar": None,
            "bot": True,
        },
        "attachments": [],
        "embeds": sent.get("embeds") or [],
        "mentions": [],
        "mention_roles": [],
        "pinned": False,
        "mention_everyone": False,
        "tts": False,
        "timestamp": "2026-03-02T09:00:00+00:00",
        "edited_timestamp": None,
        "flags": sent.get("flags", 0),
        "components": sent.get("components") or [],
    }


def user_payload(user: discord.abc.User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.name,
        "discriminator": "0000",
        "avatar": None,
        "global_name": None,
    }


def member_payload(member: discord.Member) -> dict[str, Any]:
    return {
        "user": user_payload(member),
        "roles": [str(r.id) for r in member.roles if r.id != member.guild.id],
        "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": "0",
    }


def _base(world: World, member: discord.Member, kind: int, dm: bool) -> dict[str, Any]:
    assert world.bot.user is not None
    data: dict[str, Any] = {
        "id": str(snowflake()),
        "application_id": str(world.bot.user.id),
        "type": kind,
        "token": f"token-{snowflake()}",
        "version": 1,
        "locale": "en-US",
        "attachment_size_limit": 8_000_000,
        "entitlements": [],
        "authorizing_integration_owners": {},
    }
    if dm:
        data["user"] = user_payload(member)
        data["channel"] = {"id": str(snowflake()), "type": 1}
        data["context"] = 1
    else:
        data["guild_id"] = str(world.guild.id)
        data["guild_locale"] = "en-US"
        data["member"] = member_payload(member)
        data["channel"] = {"id": str(world.general.id), "type": 0, "guild_id": str(world.guild.id)}
        data["channel_id"] = str(world.general.id)
        data["context"] = 0
    return data


@dataclass(frozen=True)
class FileOption:
    """A file a member picked for an attachment option: Discord sends its id, resolved to its CDN link."""

    url: str
    filename: str
    content_type: str
    size: int


def slash_payload(
    world: World, member: discord.Member, path: str, options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`/shop add` with {"name": "mug", "who": <Member>}: a user option carries its resolved member."""
    data = _base(world, member, 2, dm=False)
    resolved: dict[str, Any] = {"users": {}, "members": {}, "attachments": {}}
    leaf: list[dict[str, Any]] = []
    for name, value in (options or {}).items():
        if isinstance(value, discord.Member):
            resolved["users"][str(value.id)] = user_payload(value)
            resolved["members"][str(value.id)] = {
                k: v for k, v in member_payload(value).items() if k != "user"
            }
            leaf.append({"name": name, "type": 6, "value": str(value.id)})
        elif isinstance(value, FileOption):
            file_id = str(snowflake())
            resolved["attachments"][file_id] = {
                "id": file_id,
                "filename": value.filename,
                "size": value.size,
                "url": value.url,
                "proxy_url": value.url,
                "content_type": value.content_type,
            }
            leaf.append({"name": name, "type": 11, "value": file_id})
        elif isinstance(value, int):
            leaf.append({"name": name, "type": 4, "value": value})
        else:
            leaf.append({"name": name, "type": 3, "value": value})
    top, *subs = path.split()
    tree_options: list[dict[str, Any]] = leaf
    for depth, name in reversed(list(enumerate(subs))):
        kind = 1 if depth == len(subs) - 1 else 2
        tree_options = [{"name": name, "type": kind, "options": tree_options}]
    data["data"] = {
        "id": str(snowflake()),
        "name": top,
        "type": 1,
        "guild_id": str(world.guild.id),  # a guild command: looked up among the guild's commands
        "options": tree_options,
        "resolved": resolved,
    }
    return data


def click_payload(
    world: World,
    member: discord.Member,
    message: dict[str, Any],
    custom_id: str,
    values: list[str] | None = None,
    dm: bool = False,
) -> dict[str, Any]:
    """A click on a component of a message the bot sent (its recorded payload)."""
    data = _base(world, member, 3, dm=dm)
    data["message"] = {**message, "channel_id": data["channel"]["id"]}
    component_type = 3 if values is not None else 2
    data["data"] = {"custom_id": custom_id, "component_type": component_type}
    if values is not None:
        data["data"]["values"] = values
    return data


def form_payload(
    world: World, member: discord.Member, custom_id: str, fields: dict[str, str]
) -> dict[str, Any]:
    """A member's submission of a form (a modal) the bot opened: its id and each text field's value."""
    data = _base(world, member, 5, dm=False)
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in fields.items()]
    data["data"] = {"custom_id": custom_id, "components": rows}
    return data


def _form_timeout(task: asyncio.Task[Any]) -> bool:
    """The timer discord.py keeps for an open form (a modal): it runs for minutes, answering nothing."""
    return "timeout_task_impl" in getattr(task.get_coro(), "__qualname__", "")


def _timer(task: asyncio.Task[Any]) -> bool:
    """The activity counts' flush timer (it sleeps 10 s, then writes): no part of the bot's answer."""
    return task.get_name() == FLUSH_TASK


async def feed(world: World, payload: dict[str, Any]) -> None:
    """Deliver an INTERACTION_CREATE as the gateway would, and wait until the bot has answered it."""
    state = world.bot._connection
    state._command_tree = world.bot.tree
    before = asyncio.all_tasks()
    state.parse_interaction_create(payload)
    for _ in range(50):
        pending = [
            t
            for t in asyncio.all_tasks() - before
            if t is not asyncio.current_task() and not t.done() and not _form_timeout(t) and not _timer(t)
        ]
        if not pending:
            return
        await asyncio.wait(pending, timeout=5)
    raise AssertionError("the interaction never finished")
