"""Texts made from sessions: the post with its places, a member's listing, reminders and notices."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.deadlines import when
from handlers.i18n import Translator
from handlers.models import Choice, Reply
from handlers.sessions._models import Rsvp, Session, SessionState


def board(session_id: int) -> str:
    return f"session:{session_id}"


def length(t: Translator, span: timedelta) -> str:
    """`1 h`, `90 min`: a length that is not whole hours is said in minutes."""
    seconds = int(span.total_seconds())
    return t.duration(seconds) if seconds % 3600 == 0 else t("core.duration_minutes", count=seconds // 60)


def left(t: Translator, span: timedelta) -> str:
    """How long until the start, as a reminder says it: `24 h`, `1 h`, `50 min` (to the minute below two
    hours: a reminder run late after a restart says how long is really left)."""
    seconds = round(span.total_seconds() / 60) * 60
    if seconds >= 7200 or seconds == 3600:
        return t.duration(seconds)
    return t("core.duration_minutes", count=max(1, seconds // 60))


def places(t: Translator, session: Session) -> str:
    if session.places_left:
        return t("sessions.places_left", count=session.places_left, capacity=session.capacity)
    return t("sessions.full", count=session.waiting) if session.waiting else t("sessions.full_open")


def rsvp_choice(t: Translator, session: Session) -> Choice:
    return Choice(t("sessions.rsvp_button"), f"RSVP {session.id}")


def calendar_line(t: Translator, url: str | None) -> list[str]:
    return [t("sessions.calendar", url=url)] if url else []


def post(
    t: Translator,
    session: Session,
    tz: ZoneInfo,
    now: datetime,
    url: str | None,
    terms: list[str],
) -> Reply:
    """The session's post as it stands: when, where, places left, an RSVP button while it takes RSVPs.
    `terms`: who may come and what attending earns, already in words."""
    number = str(session.id)
    if session.state is SessionState.CANCELLED:
        text = t("sessions.cancelled_post", number=number, title=session.title)
        return Reply(text, board=board(session.id))
    lines = [
        t("sessions.post_title", number=number, title=session.title),
        t("sessions.post_when", when=when(t, session.start, tz), length=length(t, session.length)),
        t("sessions.post_where", place=session.place),
        *terms,
    ]
    if session.takes_rsvps(now):
        lines.append(places(t, session))
        lines += calendar_line(t, url)
        lines.append(t("sessions.post_how", number=number))
        return Reply("\n".join(lines), choices=(rsvp_choice(t, session),), board=board(session.id))
    lines.append(t("sessions.post_begun"))
    return Reply("\n".join(lines), board=board(session.id))


def state_line(t: Translator, state: tuple[Rsvp, int] | None) -> str:
    if state is None:
        return t("sessions.you_not_yet")
    if state[0] is Rsvp.GOING:
        return t("sessions.you_going")
    return t("sessions.you_waiting", position=state[1])


def listing_line(t: Translator, session: Session, zone: ZoneInfo, state: tuple[Rsvp, int] | None) -> str:
    line = t(
        "sessions.list_line",
        number=str(session.id),
        title=session.title,
        when=when(t, session.start, zone),
        places=places(t, session),
    )
    return f"{line} · {state_line(t, state)}"


def taken(t: Translator, session: Session, zone: ZoneInfo, position: int, url: str | None) -> str:
    """The answer to an RSVP: a place (with when and where), or a waitlist position."""
    number = str(session.id)
    if position:
        return t("sessions.waitlisted", number=number, title=session.title, position=position)
    lines = [
        t("sessions.booked", number=number, title=session.title, when=when(t, session.start, zone)),
        t("sessions.post_where", place=session.place),
        *calendar_line(t, url),
    ]
    return "\n".join(lines)


def reminder(t: Translator, session: Session, zone: ZoneInfo, before: timedelta, url: str | None) -> str:
    lines = [
        t(
            "sessions.reminder",
            number=str(session.id),
            title=session.title,
            when=when(t, session.start, zone),
            left=left(t, before),
        ),
        t("sessions.post_where", place=session.place),
        *calendar_line(t, url),
    ]
    return "\n".join(lines)


def reminder_post(t: Translator, session: Session, tz: ZoneInfo, before: timedelta, url: str | None) -> str:
    lines = [
        t(
            "sessions.reminder_post",
            number=str(session.id),
            title=session.title,
            when=when(t, session.start, tz),
            left=left(t, before),
            count=session.going,
        ),
        *calendar_line(t, url),
    ]
    return "\n".join(lines)


def promoted(t: Translator, session: Session, zone: ZoneInfo, url: str | None) -> str:
    lines = [
        t(
            "sessions.promoted",
            number=str(session.id),
            title=session.title,
            when=when(t, session.start, zone),
        ),
        t("sessions.post_where", place=session.place),
        *calendar_line(t, url),
    ]
    return "\n".join(lines)


def moved(t: Translator, session: Session, zone: ZoneInfo, url: str | None) -> str:
    lines = [
        t("sessions.moved", number=str(session.id), title=session.title, when=when(t, session.start, zone)),
        *calendar_line(t, url),
    ]
    return "\n".join(lines)
