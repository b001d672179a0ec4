"""Texts made from unlocks: the post with its progress, a member's listing, the reward message."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.deadlines import when
from handlers.i18n import Translator
from handlers.models import Choice, Reply
from handlers.unlocks._models import Unlock, UnlockState

BAR = 10


def board(unlock: Unlock) -> str:
    return f"unlock:{unlock.id}"


def progress(t: Translator, unlock: Unlock) -> str:
    """`12/50 ██░░░░░░░░`."""
    filled = min(BAR, round(BAR * unlock.pledges / unlock.goal))
    bar = "█" * filled + "░" * (BAR - filled)
    return t("unlocks.progress", count=unlock.pledges, goal=unlock.goal, bar=bar)


def pledge_choice(t: Translator, unlock: Unlock) -> Choice:
    return Choice(t("unlocks.pledge_button"), f"PLEDGE {unlock.id}")


def post(t: Translator, unlock: Unlock, tz: ZoneInfo, now: datetime) -> Reply:
    """The unlock's post as it stands: what it is, its progress, a pledge button while it takes pledges."""
    number, title = str(unlock.id), unlock.title
    deadline = when(t, unlock.deadline, tz)
    if unlock.state is UnlockState.EXPIRED:
        lines = [
            t("unlocks.expired_post", number=number, title=title, count=unlock.pledges, goal=unlock.goal)
        ]
    elif unlock.state is UnlockState.CANCELLED:
        lines = [t("unlocks.cancelled_post", number=number, title=title)]
    else:
        lines = [t("unlocks.post_title", number=number, title=title), progress(t, unlock)]
        if unlock.state is UnlockState.UNLOCKED:
            lines.append(t("unlocks.unlocked_note", deadline=deadline))
        else:
            lines.append(t("unlocks.how", goal=unlock.goal, deadline=deadline, number=number))
    choices = (pledge_choice(t, unlock),) if unlock.takes_pledges(now) else ()
    return Reply("\n".join(lines), choices=choices, board=board(unlock))


def reward(t: Translator, unlock: Unlock, code: str | None, waiting: bool) -> str:
    """What a pledger is sent once it unlocked: the reward, their own code (or that it follows)."""
    lines = [t("unlocks.reward", number=str(unlock.id), title=unlock.title, reward=unlock.reward)]
    if code is not None:
        lines.append(t("unlocks.your_code", code=code))
    elif waiting:
        lines.append(t("unlocks.code_follows"))
    return "\n".join(lines)


def listing_line(t: Translator, unlock: Unlock, tz: ZoneInfo, pledged: bool) -> str:
    line = t(
        "unlocks.list_line",
        number=str(unlock.id),
        title=unlock.title,
        progress=progress(t, unlock),
        deadline=when(t, unlock.deadline, tz),
    )
    mine = t("unlocks.you_pledged") if pledged else t("unlocks.not_pledged_yet")
    return f"{line} · {mine}"
