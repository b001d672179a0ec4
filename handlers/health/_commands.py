"""STATS (the community's KPIs over a period, against the one before) and SEGMENT (who is in a segment)."""

from __future__ import annotations

from handlers.context import Context
from handlers.feature import Commands
from handlers.health._errors import NothingRolledUp
from handlers.health._render import stats as render_stats
from handlers.health._report import Reports
from handlers.health._state import Health
from handlers.kpis import SPANS, Segment
from handlers.models import Reply, Role
from handlers.registry import Arg, ArgKind

commands: Commands[Health] = Commands()
LISTED = 20


@commands.command(
    "STATS",
    "health.cmd_stats",
    Arg("period", ArgKind.CHOICE, "health.arg_period_help", required=False, choices=tuple(SPANS)),
    permission=Role.MODERATOR,
    localized={"fr": "STATS", "it": "STATISTICHE"},
)
async def stats(ctx: Context, health: Health, period: str | None = None) -> Reply:
    name = period or "week"
    found = await Reports(health).periods(name, ctx.now)
    if found is None:
        raise NothingRolledUp()
    return Reply(render_stats(ctx.t, found.now, found.before, name, health.settings.inactive_days))


@commands.command(
    "SEGMENT",
    "health.cmd_segment",
    Arg(
        "segment",
        ArgKind.CHOICE,
        "health.arg_segment_help",
        required=False,
        choices=tuple(s.value for s in Segment),
    ),
    permission=Role.MODERATOR,
    localized={"fr": "SEGMENT", "it": "SEGMENTO"},
)
async def segment(ctx: Context, health: Health, segment: str | None = None) -> Reply:
    t = ctx.t
    chosen = Segment(segment or Segment.AT_RISK.value)
    members = await health.repo.members_in(chosen, LISTED + 1)
    named = t(f"health.segment_{chosen.value}")
    if not members:
        return Reply(t("health.segment_empty", segment=named))
    lines = [t("health.segment_title", segment=named)]
    for member in members[:LISTED]:
        if member.last_active is None:
            lines.append(t("health.segment_row_never", handle=member.handle, since=t.date(member.since)))
        else:
            lines.append(
                t(
                    "health.segment_row",
                    handle=member.handle,
                    since=t.date(member.since),
                    last=t.date(member.last_active),
                )
            )
    if len(members) > LISTED:
        lines.append(t("health.segment_more", count=LISTED))
    return Reply("\n".join(lines))
