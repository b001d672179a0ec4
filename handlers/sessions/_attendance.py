"""Attendance: moderators mark who came, or members send the session's code word while it runs. Either
way it is recorded once, and the attendance credits come through the ledger with a source key of the
session and the member, so they count once whoever marks it and however often."""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.ledger import Kind
from handlers.models import Member, MemberStatus, Reply
from handlers.sessions._models import Session
from handlers.sessions._state import Sessions

_WORD = re.compile(r"[A-Za-z0-9]{3,20}")


async def mark(ctx: Context, sessions: Sessions, session: Session, member: Member, by: int | None) -> bool:
    """Record that `member` came; False when it was recorded already."""
    if not await sessions.repo.attend(session.id, member.id, by, ctx.now):
        return False
    if session.points:
        source = f"session:{session.id}:attended:{member.id}"
        reason = f"session #{session.id}"
        await sessions.ledger.credit(ctx, member.id, session.points, Kind.ATTENDANCE, reason, source, by)
    return True


async def code_word(ctx: Context, sessions: Sessions, text: str) -> Reply | None:
    """A direct message that is no command: the code word of a session running now counts as attending."""
    member = ctx.member
    word = text.strip()
    if member is None or member.status is not MemberStatus.MEMBER or not _WORD.fullmatch(word):
        return None
    word = word.upper()
    for session in await sessions.repo.running(ctx.now, sessions.settings.early):
        if session.code != word:
            continue
        t, number = ctx.t, str(session.id)
        if not await mark(ctx, sessions, session, member, None):
            return Reply(t("sessions.attended_already", number=number), private=True)
        lines = [t("sessions.attended", number=number, title=session.title)]
        if session.points:
            lines.append(t("sessions.attended_points", credits=sessions.ledger.amount(t, session.points)))
        return Reply("\n".join(lines), private=True)
    return None
