"""NPS (a member's score, or the moderators' results and follow-ups), NPS REASON (or skip) and the
moderators' NPS DONE."""

from __future__ import annotations

from handlers.context import Context
from handlers.deadlines import when
from handlers.feature import Commands
from handlers.keys import record_number
from handlers.models import Reply, Role
from handlers.nps import _answers as answers
from handlers.nps import _render as render
from handlers.nps._errors import BadFollowUpNumber, FollowUpDone, NoSuchFollowUp
from handlers.nps._state import Nps
from handlers.registry import Arg, ArgKind

LISTED = 10
"""Follow-ups NPS shows moderators (each with a button to mark it done)."""

commands: Commands[Nps] = Commands()


@commands.command(
    "NPS",
    "nps.cmd_nps",
    Arg("score", ArgKind.WORD, "nps.arg_score_help", required=False),
    private=True,
    localized={"fr": "NPS", "it": "NPS"},
)
async def nps_score(ctx: Context, nps: Nps, score: str | None = None) -> Reply:
    if score is not None:
        return await answers.score(ctx, nps, score)
    if ctx.role >= Role.MODERATOR:
        return await report(ctx, nps)
    return await answers.pending(ctx, nps)


async def report(ctx: Context, nps: Nps) -> Reply:
    """The current (or last) survey's results and the follow-ups still to do."""
    t = ctx.t
    survey = await nps.repo.latest_survey()
    if survey is None:
        following = nps.next_start(ctx.now)
        if following is None:
            lines = [t("nps.no_survey_off")]
        else:
            lines = [t("nps.no_survey", moment=when(t, following, ctx.zone))]
    else:
        lines = render.results(t, survey, await nps.repo.tally(survey.id), ctx.zone)
    open_ones = await nps.repo.open_follow_ups(LISTED + 1)
    if open_ones:
        lines.append(t("nps.follow_ups_title", count=len(open_ones[:LISTED])))
        lines += [render.follow_up_line(t, f) for f in open_ones[:LISTED]]
        if len(open_ones) > LISTED:
            lines.append(t("nps.follow_ups_more", count=LISTED))
        lines.append(t("nps.follow_ups_hint"))
    elif survey is not None:
        lines.append(t("nps.follow_ups_none"))
    return Reply("\n".join(lines), choices=tuple(render.done_choice(t, f) for f in open_ones[:LISTED]))


@commands.command(
    "NPS REASON",
    "nps.cmd_reason",
    Arg("reason", ArgKind.TEXT, "nps.arg_reason_help", required=False),
    private=True,
    localized={"fr": "NPS RAISON", "it": "NPS MOTIVO"},
)
async def nps_reason(ctx: Context, nps: Nps, reason: str | None = None) -> Reply:
    if reason is None or not reason.strip():
        return await answers.pending(ctx, nps)  # the reason question again, saying how to answer it
    return await answers.reason(ctx, nps, reason)


@commands.command(
    "NPS DONE",
    "nps.cmd_done",
    Arg("follow_up", ArgKind.WORD, "nps.arg_follow_up_help"),
    permission=Role.MODERATOR,
    localized={"fr": "NPS TRAITE", "it": "NPS FATTO"},
)
async def nps_done(ctx: Context, nps: Nps, follow_up: str) -> Reply:
    number = record_number(follow_up)
    if number is None:
        raise BadFollowUpNumber(follow_up)
    found = await nps.repo.follow_up(number)
    if found is None:
        raise NoSuchFollowUp(number)
    by = ctx.member.id if ctx.member else None
    if found.done_at is not None or not await nps.repo.close_follow_up(number, by, ctx.now):
        raise FollowUpDone(number)
    return Reply(ctx.t("nps.follow_up_closed", number=str(number), handle=found.handle))
