"""Who hears that an idea's status changed: its author and every backer, privately, each in their own
language. A notice is proactive, so the delivery policy decides whether and when it reaches each of them
(STOP, WhatsApp's window); it is queued once per change, by the command that made the change."""

from __future__ import annotations

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feedback import _render as render
from handlers.feedback._models import Idea, IdeaStatus
from handlers.feedback._state import Feedback
from handlers.models import Reply


async def tell(
    ctx: Context, feedback: Feedback, idea: Idea, status: IdeaStatus, note: str | None, earned: int
) -> int:
    """Queue the notices; how many members they were queued for (members who left are not told). `earned`:
    what the author was credited for this change (0: nothing, or credited before)."""
    told = 0
    for member_id in [idea.member_id, *await feedback.repo.backers(idea.id)]:
        member = await ctx.members.by_id(member_id)
        if member is None or not member.is_active:
            continue
        t = ctx.t_for(member)
        author = member_id == idea.member_id
        credits = feedback.ledger.amount(t, earned) if author and earned else None
        text = render.notice(t, idea, status, author, note, credits)
        ctx.send_to_member(member, Reply(text), MessageKind.NOTICE)
        told += 1
    return told
