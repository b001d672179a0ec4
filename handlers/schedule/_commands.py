"""SCHEDULE, in the moderator's time zone (named once, in the title)."""

from __future__ import annotations

from handlers.context import Context
from handlers.feature import Commands
from handlers.models import Reply, Role
from handlers.schedule._state import LIMIT, Schedule
from handlers.stamps import stamp

commands: Commands[Schedule] = Commands()


@commands.command(
    "SCHEDULE",
    "schedule.cmd_schedule",
    permission=Role.MODERATOR,
    private=True,
    localized={"fr": "PROGRAMME", "it": "PROGRAMMA"},
)
async def schedule(ctx: Context, state: Schedule) -> Reply:
    t, zone = ctx.t, ctx.zone
    coming = await state.timetable.upcoming(t, LIMIT + 1)
    if not coming:
        return Reply(t("schedule.nothing"))
    lines = [t("schedule.title", zone=zone.key)]
    for item in coming[:LIMIT]:
        if item.at <= ctx.now:
            lines.append(t("schedule.line_due", what=item.line))
        else:
            lines.append(t("schedule.line", moment=item.at.astimezone(zone), what=item.line) + stamp(item.at))
    if len(coming) > LIMIT:
        lines.append(t("schedule.more", count=LIMIT))
    return Reply("\n".join(lines))
