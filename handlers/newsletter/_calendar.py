"""The editorial calendar: ANNOUNCE, ANNOUNCEMENTS, ANNOUNCE EDIT/CANCEL, and the jobs that post them (a
one-off runs once, late if the bot was down; a recurring one runs only its latest missed occurrence)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.deadlines import when
from handlers.delivery import MessageKind
from handlers.errors import shorten
from handlers.i18n import Translator
from handlers.models import Reply, Role
from handlers.newsletter import _parse as parse
from handlers.newsletter._commands import checked, commands, number_of
from handlers.newsletter._errors import AnnouncementOver, NoSuchAnnouncement
from handlers.newsletter._models import Announcement, AnnouncementDraft, AnnouncementState
from handlers.newsletter._state import ANNOUNCE_JOB, RECURRING_JOB, WHATSAPP, Newsletter
from handlers.registry import Arg, ArgKind
from handlers.timers import occurrence, plan_recurring

ID_ARG = Arg("announcement", ArgKind.WORD, "newsletter.arg_announcement_help")
LISTED = 20


def _series(announcement_id: int) -> str:
    return f"announcement:{announcement_id}"


def _once_key(announcement: Announcement) -> str:
    return f"announcement:{announcement.id}:at:{announcement.at.isoformat()}"


async def _scheduled(newsletter: Newsletter, given: str) -> Announcement:
    number = number_of(given)
    found = await newsletter.repo.announcement(number)
    if found is None:
        raise NoSuchAnnouncement(number)
    if found.state is not AnnouncementState.SCHEDULED:
        raise AnnouncementOver(number)
    return found


def line(t: Translator, announcement: Announcement, zone: ZoneInfo) -> str:
    """`#3 · Mon 7 Dec at 09:00 (Europe/Paris) · every "0 9 * * 1" · WhatsApp too · The spring box…`"""
    parts = [f"#{announcement.id}"]
    if announcement.next_at is not None:
        parts.append(when(t, announcement.next_at, zone))
    if announcement.cron is not None:
        parts.append(t("newsletter.every", cron=announcement.cron))
    if announcement.whatsapp:
        parts.append(t("newsletter.whatsapp_too"))
    parts.append(shorten(announcement.text, 60))
    return " · ".join(parts)


@commands.command(
    "ANNOUNCE",
    "newsletter.cmd_announce",
    Arg("text", ArgKind.TEXT, "newsletter.arg_announce_help", required=False),
    permission=Role.MODERATOR,
    localized={"fr": "ANNONCER", "it": "ANNUNCIA"},
)
async def announce(ctx: Context, newsletter: Newsletter, text: str | None = None) -> Reply:
    read = parse.read(text or "", ctx.now, newsletter.tz, newsletter.recurrence)
    draft = AnnouncementDraft(
        read.text,
        read.at,
        read.cron,
        read.whatsapp or newsletter.calendar.whatsapp,
        newsletter.announce_channel,
    )
    made = await newsletter.repo.add_announcement(draft, ctx.member.id if ctx.member else None, ctx.now)
    if made.cron is None:
        await newsletter.jobs.schedule(ANNOUNCE_JOB, made.at, {"announcement": made.id}, _once_key(made))
    else:
        assert newsletter.recurrence is not None  # read() refused a cron without one
        await plan_recurring(
            newsletter.jobs,
            newsletter.recurrence,
            RECURRING_JOB,
            _series(made.id),
            made.cron,
            newsletter.tz,
            ctx.now,
            {"announcement": made.id},
        )
    return Reply(ctx.t("newsletter.scheduled", line=line(ctx.t, made, ctx.zone)))


@commands.command(
    "ANNOUNCEMENTS",
    "newsletter.cmd_announcements",
    permission=Role.MODERATOR,
    localized={"fr": "ANNONCES", "it": "ANNUNCI"},
)
async def announcements(ctx: Context, newsletter: Newsletter) -> Reply:
    t = ctx.t
    found = await newsletter.repo.scheduled()
    if not found:
        return Reply(t("newsletter.no_announcements"))
    lines = [t("newsletter.announcements_title", zone=ctx.zone.key)]
    lines += [line(t, a, ctx.zone) for a in found[:LISTED]]
    lines.append(t("newsletter.announcements_hint"))
    return Reply("\n".join(lines))


@commands.command(
    "ANNOUNCE EDIT",
    "newsletter.cmd_announce_edit",
    ID_ARG,
    Arg("text", ArgKind.TEXT, "newsletter.arg_text_help", required=False),
    permission=Role.MODERATOR,
    localized={"fr": "ANNONCER MODIFIER", "it": "ANNUNCIA MODIFICA"},
)
async def edit(ctx: Context, newsletter: Newsletter, announcement: str, text: str | None = None) -> Reply:
    found = await _scheduled(newsletter, announcement)
    new = checked(text, "ANNOUNCE EDIT <number> <text>")
    await newsletter.repo.edit_announcement(found.id, new)
    return Reply(ctx.t("newsletter.edited", number=str(found.id)))


@commands.command(
    "ANNOUNCE CANCEL",
    "newsletter.cmd_announce_cancel",
    ID_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "ANNONCER ANNULER", "it": "ANNUNCIA ANNULLA"},
)
async def cancel(ctx: Context, newsletter: Newsletter, announcement: str) -> Reply:
    found = await _scheduled(newsletter, announcement)
    await newsletter.repo.cancel_announcement(found.id)
    if found.cron is None:
        await newsletter.jobs.cancel(_once_key(found))
    else:
        await newsletter.jobs.cancel_series(_series(found.id))
    return Reply(ctx.t("newsletter.cancelled", number=str(found.id)))


async def _post(ctx: Context, newsletter: Newsletter, announcement: Announcement, fire: datetime) -> None:
    reply = Reply(ctx.t_community("newsletter.announcement_post", text=announcement.text))
    ctx.post(announcement.channel, reply, MessageKind.ANNOUNCEMENT)
    if announcement.whatsapp:
        key = f"announcement:{announcement.id}:{fire.isoformat()}"
        messages = {newsletter.language: reply}
        await newsletter.broadcaster.start(ctx, key, WHATSAPP, MessageKind.NEWSLETTER, messages)


async def run_once(ctx: Context, newsletter: Newsletter, payload: dict[str, Any]) -> None:
    found = await newsletter.repo.announcement(int(payload["announcement"]))
    if found is None or found.state is not AnnouncementState.SCHEDULED or found.cron is not None:
        return  # cancelled meanwhile
    await _post(ctx, newsletter, found, found.at)
    await newsletter.repo.posted(found.id, None, ctx.now)


async def run_recurring(ctx: Context, newsletter: Newsletter, payload: dict[str, Any]) -> None:
    seen = occurrence(payload)
    found = await newsletter.repo.announcement(int(payload["announcement"]))
    if found is None or found.state is not AnnouncementState.SCHEDULED:
        await newsletter.jobs.cancel_series(seen.series)  # the runner planned the next one: it ends here
        return
    await _post(ctx, newsletter, found, seen.fire)
    await newsletter.repo.posted(found.id, seen.following, ctx.now)  # the core planned it already


async def describe(newsletter: Newsletter, t: Translator, payload: dict[str, Any]) -> str | None:
    found = await newsletter.repo.announcement(int(payload["announcement"]))
    if found is None or found.state is not AnnouncementState.SCHEDULED:
        return None
    return t("newsletter.job_announcement", number=str(found.id), text=shorten(found.text, 40))
