"""Passing circle messages on: from a member's direct chat or the bridged channel to the circle's other
members, inside WhatsApp's window rules, through the outbox and the one delivery policy.

A relayed message is one unit of work: the message, one outbox row per member who reads it now, the misses
of those outside their window and the post in the bridged channel are written in one transaction, with the
platform's id of the message (the intake's for a webhook, the inbox's for a command) so a replay relays
nothing twice; the dispatcher then hands each row over once (WhatsApp's outbox keeps one row per delivery).
A circle is at most a few hundred members, so its fan-out fits one transaction: no paging (handlers.broadcast
pages through a whole platform's members).

Outside the window nothing free-form goes: the message is kept as missed, and at most one notice per period
(a template there) says how many wait; the member's next message to the bot brings them, oldest first.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from handlers.circles import _render as render
from handlers.circles._errors import MediaRefused, Muted, NotYetMember, OptedOut, TooFast
from handlers.circles._models import Circle, Message, NewMessage
from handlers.circles._state import NOTICE_JOB, Circles
from handlers.context import Context
from handlers.delivery import MessageKind, Outgoing
from handlers.events import ChatMessage
from handlers.feature import TAKEN
from handlers.models import Identity, MemberStatus, Reply

log = logging.getLogger(__name__)

DIRECT = ("whatsapp", "console")
"""Where circle members read their circle by direct message: WhatsApp, and the console, which plays it (the
same window rules, so a script shows them)."""
WINDOW = timedelta(hours=24)
MARGIN = timedelta(minutes=5)
"""The window as the core knows it (the member's last direct message, kept to the minute) closes a little
early: a message it lets through must still be inside WhatsApp's window when the outbox sends it."""
CHANNEL = "channel"
"""The origin of a message written in the bridged channel (its ref is the platform's message id there)."""
_REPLY = re.compile(r"^#([0-9]{1,12})\s+(.*)$", re.DOTALL)


def in_window(last_seen: datetime | None, now: datetime) -> bool:
    return last_seen is not None and now < last_seen + WINDOW - MARGIN


def unique_ref(identity: Identity) -> str:
    """A message the platform gave no id has no replay to recognise: a ref of its own, so two of them
    written within the clock's resolution are both relayed (a time-based one dropped the second)."""
    return f"{identity}:{uuid.uuid4().hex}"


def reply_of(text: str) -> tuple[int | None, str]:
    """`#12 see you there` answers message 12."""
    match = _REPLY.match(text)
    if match is None:
        return None, text
    return int(match[1]), match[2].strip()


# -- relaying ---------------------------------------------------------------------------------------


async def relay(ctx: Context, circles: Circles, circle: Circle, new: NewMessage) -> Message | None:
    """Pass a message on to everyone in the circle but its writer; None when it was relayed before."""
    repo = circles.repo
    quoted = await _quoted(circles, circle, new.reply_to)
    if quoted is None and new.reply_to is not None:
        new = replace(new, reply_to=None)  # `#99` of no message in this circle: plain text, no reference
    message = await repo.add_message(new, ctx.now)
    if message is None:
        log.info("circle message %s:%s was relayed already", new.origin, new.ref)
        return None
    length = circles.settings.quote_length
    # Every file or none: a message some of whose files could not be kept says how many came instead.
    files = new.files if len(new.files) == message.media else ()
    made: dict[str | None, Reply] = {}
    missed: list[int] = []
    noticed: list[int] = []
    for recipient in await repo.recipients(circle.id, new.sender_id):
        if in_window(recipient.last_seen, ctx.now):
            reply = made.get(recipient.language)
            if reply is None:
                t = circles.translator(recipient.language)
                note = t("circles.files", count=message.media) if files else None
                reply = made[recipient.language] = Reply(
                    render.relayed(t, message, quoted, length),
                    language=t.language,
                    files=files,
                    files_note=note,  # the text's last line: a platform that carries the files drops it
                )
            ctx.outbox.append(Outgoing(reply, to=recipient.identity, kind=MessageKind.CIRCLE))
            continue
        missed.append(recipient.member_id)
        if recipient.noticed_at is None or ctx.now - recipient.noticed_at >= circles.notice_period:
            noticed.append(recipient.member_id)
    if missed:
        await repo.add_missed(circle.id, message.id, missed)
    if noticed:
        await repo.mark_noticed(circle.id, noticed, ctx.now)
        at = ctx.now + circles.notice_delay
        for member_id in noticed:
            payload = {"circle": circle.id, "member": member_id}
            await circles.jobs.schedule(
                NOTICE_JOB, at, payload, f"circle:{circle.id}:{member_id}:{at.isoformat()}"
            )
    if circle.channel is not None and new.origin != CHANNEL:
        text = message.text  # `@handle` as typed: turning it into a Discord mention is the adapter's
        note = None
        if message.media:
            note = circles.t_community("circles.files", count=message.media)
            text = f"{text}\n{note}".strip()
        reply = Reply(
            render.posted(circles.t_community, text, quoted, length),
            author=render.author(circles.t_community, message),
            board=f"circle:{message.id}",
            mentions=await _mentions_of(ctx, message.text),
            files=new.files,
            files_note=note,
        )
        ctx.post(circle.channel, reply, MessageKind.CIRCLE)
    return message


async def _quoted(circles: Circles, circle: Circle, number: int | None) -> Message | None:
    if number is None:
        return None
    quoted = await circles.repo.message(number)
    if quoted is None or quoted.circle_id != circle.id or quoted.removed_at is not None:
        return None
    return quoted


_HANDLE = re.compile(r"(?<![\w@])@([a-z0-9_]{1,32})", re.IGNORECASE)
"""`@bob` in a message (handles are lower-case letters, digits and `_`)."""


async def _mentions_of(ctx: Context, text: str) -> tuple[tuple[str, Identity], ...]:
    """The members a message names by `@handle`, with their identities: the bridged channel's platform makes
    them its own mentions (`@everyone` and `@here` are no handles: they stay words)."""
    found: list[tuple[str, Identity]] = []
    seen: set[str] = set()
    for match in _HANDLE.finditer(text):
        token = match[0]
        if token in seen or match[1].lower() in ("everyone", "here"):
            continue
        seen.add(token)
        member = await ctx.members.by_handle(match[1])
        if member is None or not member.is_active:
            continue
        found += [(token, identity) for identity in await ctx.members.identities(member.id)]
    return tuple(found)


async def _from_channel_mentions(ctx: Context, text: str, mentions: Mapping[str, Identity]) -> str:
    """A Discord mention (`@Bob_Smith`, resolved by the adapter) as the member's handle everywhere else."""
    for token, identity in mentions.items():
        member = await ctx.members.by_identity(identity)
        if member is not None and token != member.mention():
            text = re.sub(rf"(?<![\w@]){re.escape(token)}(?![\w.\-])", member.mention(), text)
    return text


# -- from a member's direct chat (WhatsApp, the console) ------------------------------------------


async def typed(ctx: Context, circles: Circles, text: str) -> Reply | None:
    """A direct message that is no command, from a circle member: it goes to their current circle."""
    member, actor = ctx.member, ctx.actor
    if member is None or not member.is_active or actor is None or actor.platform not in DIRECT:
        return None
    mine = await circles.repo.memberships(member.id)
    if not mine:
        return None
    await catch_up(ctx, circles)
    chosen = mine[0]
    if member.status is MemberStatus.PENDING:
        raise NotYetMember()
    if await circles.consent.why_not(actor, await ctx.members.identities(member.id)) is not None:
        raise OptedOut()
    if chosen.muted:
        raise Muted(chosen.circle.name)
    refused = next((a.refused for a in ctx.attachments if a.refused is not None), None)
    if refused is not None:
        raise MediaRefused(refused)
    settings = circles.settings
    if not circles.admit(member.id, ctx.now):
        raise TooFast(settings.rate_limit, settings.rate_seconds)
    reply_to, body = reply_of(text)
    files = tuple(a.stored for a in ctx.attachments if a.stored is not None)
    ref = ctx.event_id or unique_ref(actor)
    name = member.display_name or member.handle
    new = NewMessage(
        chosen.circle.id, member.id, name, actor.platform, ref, body, reply_to, len(files), files
    )
    message = await relay(ctx, circles, chosen.circle, new)
    if message is not None:
        channel = chosen.circle.channel or chosen.circle.name
        chat = ChatMessage(actor, body, channel, event_id=ref, display_name=name)
        ctx.on_commit(lambda: circles.spawn(award(circles, chat)))
    return TAKEN


async def award(circles: Circles, chat: ChatMessage) -> None:
    """Relayed chat earns what chat in a channel earns (the points' own rules: cooldown, daily cap, kudos);
    their private answers go to the writer."""
    replies = await circles.chat_points(chat)
    await circles.tell([Outgoing(reply, to=chat.identity) for reply in replies])


async def gate(ctx: Context, circles: Circles, _command: object) -> None:
    """A member who writes anything (a command too) is inside their window again: what they missed first."""
    await catch_up(ctx, circles)


async def catch_up(ctx: Context, circles: Circles) -> None:
    member, actor = ctx.member, ctx.actor
    if member is None or actor is None or actor.platform not in DIRECT:
        return
    taken = await circles.repo.take_missed(member.id, circles.settings.catch_up)
    t = ctx.t
    for circle, messages, rest in taken:
        lines = []
        for message in messages:
            quoted = await _quoted(circles, circle, message.reply_to)
            lines.append(render.relayed(t, message, quoted, circles.settings.quote_length))
        text = render.catch_up(t, circle, lines, rest)
        ctx.send_to(actor, Reply(text, language=t.language), MessageKind.CIRCLE)


# -- from the bridged channel ---------------------------------------------------------------------


async def channel_chat(circles: Circles, message: ChatMessage) -> list[Reply]:
    """A message in a bridged channel reaches the circle's direct-chat members (its writer on Discord
    already sees it there), with the files posted with it (kept by the adapter, or refused)."""
    circle = circles.bridged.get(message.channel)
    if circle is None:
        return []
    services = circles.services
    ctx = Context(services, circles.texts, services.clock.now(), actor=message.identity)
    try:
        async with services.transactions.transaction():
            member = await ctx.members.by_identity(message.identity)
            ctx.member = member
            if member is None or member.status is MemberStatus.LEFT:
                return []
            if member.status is MemberStatus.PENDING:
                return [Reply(NotYetMember().text(ctx.t), private=True)]
            if await circles.consent.why_not(message.identity, await ctx.members.identities(member.id)):
                return [Reply(OptedOut().text(ctx.t), private=True)]
            if await circles.repo.is_muted(circle.id, member.id):
                return [Reply(Muted(circle.name).text(ctx.t), private=True)]
            settings = circles.settings
            if not circles.admit(member.id, ctx.now):
                return [Reply(TooFast(settings.rate_limit, settings.rate_seconds).text(ctx.t), private=True)]
            reply_to, body = reply_of(message.text)
            body = await _from_channel_mentions(ctx, body, message.mentions)
            name = message.display_name or member.display_name or member.handle
            ref = message.event_id or unique_ref(message.identity)
            attached = message.attachments
            files = tuple(a.stored for a in attached if a.stored is not None)
            new = NewMessage(circle.id, member.id, name, CHANNEL, ref, body, reply_to, len(attached), files)
            await relay(ctx, circles, circle, new)
            written = await services.outbox.add(ctx.outbox, ctx.now)
    except Exception:
        ctx.rolled_back()
        raise
    ctx.committed()
    await circles.dispatcher.dispatch(written)
    return []


async def tell_circle(
    ctx: Context, circles: Circles, circle: Circle, message: Message, key: str, **values: object
) -> None:
    """A correction (`circles.edited`, `circles.deleted`, `circles.removed`) to those who read the message:
    the circle's members inside their window (the others read the message as it is now when they catch up,
    or never, once it is gone)."""
    for recipient in await circles.repo.recipients(circle.id, message.sender_id):
        if not in_window(recipient.last_seen, ctx.now):
            continue
        t = circles.translator(recipient.language)
        text = t(key, name=message.sender_name, number=message.id, circle=circle.name, **values)
        ctx.outbox.append(
            Outgoing(Reply(text, language=t.language), to=recipient.identity, kind=MessageKind.CIRCLE)
        )
