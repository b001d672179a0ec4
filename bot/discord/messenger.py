"""The core's Messenger port on Discord: channel posts by key, DMs with a channel fallback, roles, and
live posts edited in place."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.discord.people import PLATFORM
from bot.discord.render import NO_PINGS, pinging, render
from bot.discord.roles import apply_role_update
from handlers.delivery import Delivery, DeliveryFailed
from handlers.models import Reply, RoleUpdate

if TYPE_CHECKING:
    from bot.discord.client import CommunityBot

log = logging.getLogger(__name__)

WEBHOOK_NAME = "communitybot circles"
WEBHOOK_WHY = "posts circle members' messages under their own names"
READY_WAIT = 10.0
"""Seconds a delivery waits for the gateway before it is put back for a later try."""
MAX_FILES = 10
"""Attachments Discord takes on one message."""
FILE_LIMIT = 10 * 1024 * 1024
"""Bytes a file may have where the server's own limit is not known (a server without boosts: 10 MiB)."""
SERVER_ERROR_RETRIES = (1.0, 2.0, 4.0)
"""Seconds between tries of a DM that Discord answered with a 5xx, before the fallback channel is used."""


class PostLocations(Protocol):
    """Where each live post was put (storage/sqlite/live_posts.py): `channel_id:message_id`."""

    async def remember(self, board: str, location: str, now: datetime) -> None: ...
    async def find(self, board: str) -> str | None: ...
    async def forget(self, board: str) -> None: ...


class DiscordMessenger:
    def __init__(self, bot: CommunityBot, posts: PostLocations | None = None) -> None:
        self.bot = bot
        self.posts = posts
        """Without it, live posts are posted once and never edited."""
        self._webhooks: dict[int, discord.Webhook | None] = {}
        """The bot's webhook in each channel it passed someone's words on in (None: it may not make one)."""

    async def deliver(self, delivery: Delivery) -> None:
        if not await self._ready():
            raise DeliveryFailed("Discord is not connected", retry=True)
        if delivery.to is not None:
            if delivery.to.platform != PLATFORM:
                raise DeliveryFailed(f"{delivery.to} is not a Discord user")
            await self._direct(int(delivery.to.user_id), delivery)
            return
        if delivery.channel is not None:
            channel = self.bot.channel_for(delivery.channel)
            if channel is None:
                log.warning(
                    "no Discord channel for key %r: map it in [discord.channels]; a %s post was not sent",
                    delivery.channel,
                    delivery.kind,
                )
                raise DeliveryFailed(f"no Discord channel for key {delivery.channel!r}")
            try:
                if delivery.reply.author is not None:
                    sent = await self._as_author(channel, delivery.reply)
                else:
                    sent = await send(channel, delivery.reply)
            except discord.HTTPException as error:
                raise DeliveryFailed(
                    f"Discord refused the post: {error}", retry=error.status >= 500
                ) from None
            board = delivery.reply.board
            if board is not None and self.posts is not None and sent:
                await self.posts.remember(board, f"{sent[0].channel.id}:{sent[0].id}", datetime.now(UTC))

    async def edit_post(self, board: str, reply: Reply) -> None:
        """The live post's new text and buttons (an edit's rate is bounded by the core's LivePosts)."""
        location = None if self.posts is None else await self.posts.find(board)
        if location is None or not await self._ready():
            return
        channel_id, _, message_id = location.partition(":")
        channel = self.bot.get_partial_messageable(int(channel_id))
        kwargs: dict[str, Any] = {"content": None, "embed": None, "view": None}
        parts = render(reply)
        kwargs.update(parts[0].kwargs())  # a live post is short: one part (else its start and the buttons)
        if parts[-1].view is not None:
            kwargs["view"] = parts[-1].view
        try:
            await channel.get_partial_message(int(message_id)).edit(**kwargs)
        except discord.NotFound:
            assert self.posts is not None
            await self.posts.forget(board)  # deleted by a moderator: not edited again
        except discord.HTTPException as error:
            log.warning("could not edit the live post %s: %s", board, error)

    async def _as_author(self, channel: discord.abc.Messageable, reply: Reply) -> list[discord.Message]:
        """Someone's words passed on (a circle's chat): under their name through the channel's webhook when
        the bot may make one, else as the bot with their name before the text. Nothing pings either way."""
        author = reply.author
        assert author is not None
        files_note = reply.files_note
        reply, users = _with_mentions(reply)
        allowed = pinging(*users) if users else NO_PINGS  # the members named by @handle, never a mass ping
        webhook = await self._webhook(channel)
        files, reply = self._attachable(channel, replace(reply, author=None))
        if webhook is None:
            reply = replace(reply, text=f"**{author}**: {reply.text}")
        parts = (
            [{"content": None}]
            if files and not reply.text
            else [p.kwargs() for p in render(reply, embeds=False)]
        )
        sent: list[discord.Message] = []
        for n, kwargs in enumerate(parts):
            kwargs.pop("view", None)  # a webhook the bot made cannot carry the bot's buttons
            kwargs["allowed_mentions"] = allowed
            if files and n == len(parts) - 1:
                kwargs["files"] = files
            try:
                sent.append(await self._post(channel, webhook, author, kwargs))
            except discord.HTTPException as error:
                if "files" not in kwargs or error.status != 413:
                    raise
                # larger than this server takes after all: the line saying how many files came instead
                log.info("Discord refused a circle message's files as too large: posted without them")
                del kwargs["files"]
                kwargs["content"] = "\n".join(filter(None, [kwargs["content"], files_note]))
                sent.append(await self._post(channel, webhook, author, kwargs))
        return sent

    @staticmethod
    async def _post(
        channel: discord.abc.Messageable,
        webhook: discord.Webhook | None,
        author: str,
        kwargs: dict[str, Any],
    ) -> discord.Message:
        if webhook is None:
            return await channel.send(**kwargs)
        return await webhook.send(username=_webhook_name(author), wait=True, **kwargs)

    def _attachable(self, channel: discord.abc.Messageable, reply: Reply) -> tuple[list[discord.File], Reply]:
        """The reply's files as attachments, and the reply to post with them (without the line that stands
        for the files). All or none: when one is not in the media store or over the server's upload limit,
        or there are more than ten, none go and the text keeps its line saying how many came."""
        if not reply.files:
            return [], reply
        folder = None if self.bot.media is None else self.bot.media.folder
        limit = FILE_LIMIT
        if isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            limit = channel.guild.filesize_limit
        paths: list[Path] = []
        for key in reply.files if len(reply.files) <= MAX_FILES else ():
            path = folder / key if folder is not None and Path(key).name == key else None
            size = path.stat().st_size if path is not None and path.is_file() else None
            if path is None or size is None or size > limit:
                log.info("a circle file is %s: posted as text", "too large" if size else "not kept")
                break
            paths.append(path)
        if len(paths) < len(reply.files):
            return [], reply.without_files
        files = [discord.File(p, filename=f"file-{n}{p.suffix}") for n, p in enumerate(paths, start=1)]
        note = reply.files_note
        text = reply.text
        if note is not None and text.endswith(note):
            text = text[: -len(note)].rstrip()
        return files, replace(reply, text=text, files=(), files_note=None)

    async def _webhook(self, channel: discord.abc.Messageable) -> discord.Webhook | None:
        """The bot's own webhook in this text channel (made once, then reused); None when it may not make
        one (no Manage Webhooks permission) or the channel cannot have one."""
        if not isinstance(channel, discord.TextChannel):
            return None
        if channel.id in self._webhooks:
            return self._webhooks[channel.id]
        found: discord.Webhook | None = None
        me = channel.guild.me
        if me is not None and channel.permissions_for(me).manage_webhooks:
            try:
                mine = [w for w in await channel.webhooks() if w.name == WEBHOOK_NAME and w.token]
                found = (
                    mine[0] if mine else await channel.create_webhook(name=WEBHOOK_NAME, reason=WEBHOOK_WHY)
                )
            except discord.HTTPException as error:
                log.warning(
                    "cannot use a webhook in #%s (%s): circle messages are posted as the bot", channel, error
                )
        else:
            log.info("no Manage Webhooks permission in #%s: circle messages are posted as the bot", channel)
        self._webhooks[channel.id] = found
        return found

    async def remove_post(self, channel: str, board: str | None, ref: str | None) -> None:
        """A moderator removed a circle message: the person's own message (`ref`), or the post the bot made
        for it (remembered under `board`), is deleted in the bridged channel."""
        target = self.bot.channel_for(channel)
        if target is None or not await self._ready():
            return
        message_id: int | None = int(ref) if ref is not None and ref.isdigit() else None
        if board is not None and self.posts is not None:
            location = await self.posts.find(board)
            if location is not None:
                message_id = int(location.partition(":")[2])
                await self.posts.forget(board)
        if message_id is None or not isinstance(target, discord.abc.GuildChannel | discord.Thread):
            return
        webhook = self._webhooks.get(target.id)
        try:
            if webhook is not None and board is not None:
                await webhook.delete_message(message_id)
            else:
                await target.get_partial_message(message_id).delete()
        except discord.NotFound:
            pass  # deleted already
        except discord.HTTPException as error:
            log.warning("could not delete a removed circle message in #%s: %s", channel, error)

    async def update_role(self, update: RoleUpdate) -> None:
        if update.to.platform != PLATFORM or not await self._ready():
            return
        await apply_role_update(self.bot.community_guild, update)

    async def create_invite(self, reason: str) -> str | None:
        """A never-expiring invite to the welcome channel (else the first text channel) for one member's
        referrals; its use count attributes joins like any invite. None, logged, when Discord refuses."""
        if not await self._ready():
            return None
        channel = self.bot.channel_for(self.bot.core.services.config.channels.welcome)
        guild = self.bot.community_guild
        if not isinstance(channel, discord.TextChannel) and guild is not None and guild.text_channels:
            channel = guild.text_channels[0]
        if not isinstance(channel, discord.TextChannel):
            log.error("cannot create a personal invite: the bot sees no text channel in the server")
            return None
        try:
            invite = await channel.create_invite(max_age=0, max_uses=0, unique=True, reason=reason[:512])
        except discord.Forbidden:
            log.error("cannot create invites in #%s: give the bot the Create Invite permission", channel.name)
            return None
        except discord.HTTPException as error:
            log.warning("could not create an invite: %s", error)
            return None
        self.bot.invites.created(invite)  # counted from 0, so its first use attributes the join
        return invite.code

    async def _direct(self, user_id: int, delivery: Delivery) -> None:
        """A DM; when DMs are closed (403), or Discord keeps failing (5xx), the fallback channel."""
        for pause in (*SERVER_ERROR_RETRIES, None):
            try:
                user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
                await send(user, delivery.reply)
                return
            except discord.Forbidden:
                break
            except discord.NotFound:
                log.warning(
                    "Discord user %s does not exist any more: a %s message was dropped",
                    user_id,
                    delivery.kind,
                )
                raise DeliveryFailed("the Discord user does not exist any more") from None
            except discord.HTTPException as error:
                if error.status < 500:
                    raise DeliveryFailed(f"Discord refused the message: {error}") from None
                if pause is None:
                    log.warning("Discord kept failing on a DM to %s: the fallback channel is used", user_id)
                    break
                await asyncio.sleep(pause)
        await self._fallback(user_id, delivery)

    async def _fallback(self, user_id: int, delivery: Delivery) -> None:
        """Say it in the fallback channel instead; a private text is never posted publicly."""
        key = self.bot.config.dm_fallback_channel
        channel = self.bot.channel_for(key)
        if channel is None:
            log.warning(
                "DMs closed for %s and no channel for key %r: a %s message was lost",
                user_id,
                key,
                delivery.kind,
            )
            raise DeliveryFailed(f"DMs closed and no channel for key {key!r}")
        user = discord.Object(user_id)
        mention = f"<@{user_id}>"
        if delivery.reply.private:
            text = self.bot.texts_for()("bot.dms_closed", mention=mention)  # a post: the community's language
        else:
            text = f"{mention} {delivery.reply.text}"
        await send(channel, Reply(text, delivery.reply.choices), ping=user)
        log.debug("DMs closed for %s: the %s message went to #%s instead", user_id, delivery.kind, key)

    async def _ready(self) -> bool:
        if self.bot.is_ready():
            return True
        if self.bot.is_closed():
            return False
        try:
            await asyncio.wait_for(self.bot.wait_until_ready(), READY_WAIT)
        except TimeoutError:
            return False
        return True


async def send(
    target: discord.abc.Messageable, reply: Reply, ping: discord.abc.Snowflake | None = None
) -> list[discord.Message]:
    """Send a reply as one or more messages. Nothing pings, except `ping` in the first message when given
    (its text then stays plain: a mention inside an embed would not notify)."""
    sent = []
    for n, part in enumerate(render(reply, embeds=ping is None)):
        kwargs = part.kwargs()
        if ping is not None and n == 0:
            kwargs["allowed_mentions"] = pinging(ping)
        sent.append(await target.send(**kwargs))
    return sent


def _with_mentions(reply: Reply) -> tuple[Reply, list[discord.Object]]:
    """`@bob` as `<@id>` where the member it names is on Discord (the core resolved the handles)."""
    users: dict[str, int] = {}
    for token, identity in reply.mentions:
        if identity.platform == "discord" and identity.user_id.isdigit():
            users.setdefault(token, int(identity.user_id))
    if not users:
        return replace(reply, mentions=()), []
    tokens = "|".join(re.escape(t) for t in sorted(users, key=len, reverse=True))
    text = re.sub(rf"(?<![\w@])({tokens})(?!\w)", lambda m: f"<@{users[m[1]]}>", reply.text)
    return replace(reply, text=text, mentions=()), [
        discord.Object(id=u) for u in dict.fromkeys(users.values())
    ]


def _webhook_name(author: str) -> str:
    """Discord refuses webhook names with "discord" or "clyde" in them, and over 80 characters."""
    name = re.sub(r"(?i)discord|clyde", lambda m: m[0][0] + "\u200b" + m[0][1:], author).strip()
    return (name or "?")[:80]
