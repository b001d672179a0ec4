"""A new session told to opted-in WhatsApp members (SESSION NEW ... | whatsapp, or [sessions]
announce_whatsapp) through the kernel's broadcast (handlers.broadcast): each member reached at most once,
a send cut by a crash resumed where it stopped, STOP and the opt-in decided by the delivery policy.

A broadcast is written once per language, in the community's zone; the broadcast writes its times again in
each member's own zone (handlers.deadlines.rezone), as everything sent to them alone is."""

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

WHATSAPP = "whatsapp"


async def announce(ctx: Context, sessions: Sessions, session: Session) -> None:
    messages = {lang: _message(sessions, session, sessions.texts.translator(lang), ctx) for lang in LANGUAGES}
    key = f"session:{session.id}:announce"
    await sessions.broadcaster.start(ctx, key, WHATSAPP, MessageKind.NEWSLETTER, messages)


def _message(sessions: Sessions, session: Session, t: Translator, ctx: Context) -> Reply:
    """The post, with the one line a template carries outside WhatsApp's 24-hour window."""
    when = moment(t, session.start, sessions.tz)
    teaser = t("sessions.teaser", number=str(session.id), title=session.title, when=when)
    return replace(sessions.post(t, session, ctx.now), teaser=teaser)


async def pages(ctx: Context, sessions: Sessions, payload: dict[str, Any]) -> None:
    """The broadcast's pages after the first."""
    await sessions.broadcaster.run_page(ctx, payload)
