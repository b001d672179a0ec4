"""A new session told to opted-in WhatsApp members (SESSION NEW ... | whatsapp, or [sessions]
announce_whatsapp) through the kernel's broadcast (handlers.broadcast): each member reached at most once,
a send cut by a crash resumed where it stopped, STOP and the opt-in decided by the delivery policy.

A broadcast is written once per language, so its times are in the community's zone (named); the
member's own zone comes with everything sent to them alone (the RSVP answer, reminders)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.context import Context
from handlers.deadlines import when as moment
from handlers.delivery import MessageKind
from handlers.i18n import LANGUAGES, Translator
from handlers.models import Reply
from handlers.sessions._models import Session
from handlers.sessions._state import Sessions
from handlers.stamps import plain

WHATSAPP = "whatsapp"


async def announce(ctx: Context, sessions: Sessions, session: Session) -> None:
    messages = {lang: _message(sessions, session, sessions.texts.translator(lang), ctx) for lang in LANGUAGES}
    key = f"session:{session.id}:announce"
    await sessions.broadcaster.start(ctx, key, WHATSAPP, MessageKind.NEWSLETTER, messages)


def _message(sessions: Sessions, session: Session, t: Translator, ctx: Context) -> Reply:
    """The post, with the one line a template carries outside WhatsApp's 24-hour window."""
    when = moment(t, session.start, sessions.tz)
    teaser = t("sessions.teaser", number=str(session.id), title=session.title, when=plain(when))
    return replace(sessions.post(t, session, ctx.now), teaser=teaser)


async def pages(ctx: Context, sessions: Sessions, payload: dict[str, Any]) -> None:
    """The broadcast's pages after the first."""
    await sessions.broadcaster.run_page(ctx, payload)
