"""Texts made from polls: the post that opens one, live and final results, a member's listing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.deadlines import when
from handlers.i18n import Translator
from handlers.models import Choice, Reply
from handlers.polls._models import Poll, PollState, Tally

BAR = 10
"""Characters in a result's bar."""


def vote_command(poll: Poll, position: int) -> str:
    """What a button or a numbered reply runs: a multiple-choice poll's buttons add or take away one."""
    return f"VOTE {poll.id} {'+' if poll.max_picks > 1 else ''}{position + 1}"


def choices(poll: Poll) -> tuple[Choice, ...]:
    return tuple(Choice(option, vote_command(poll, n)) for n, option in enumerate(poll.options))


def details(t: Translator, poll: Poll, tz: ZoneInfo, credits: str | None, level: str | None) -> list[str]:
    """When it closes, who may vote, what voting earns, whether it is anonymous, and how to vote."""
    notes = [t("polls.anonymous_note") if poll.anonymous else t("polls.named_note")]
    if poll.hidden:
        notes.append(t("polls.hidden_note"))
    if level is not None:
        notes.append(t("polls.audience_level", level=level))
    if poll.segment is not None:
        notes.append(t("polls.audience_segment", segment=poll.segment))
    if credits is not None:
        notes.append(t("polls.points_note", credits=credits))
    if poll.max_picks > 1:
        how = t("polls.how_multiple", count=poll.max_picks, number=str(poll.id))
    else:
        how = t("polls.how_single", number=str(poll.id))
    return [t("polls.closes", deadline=when(t, poll.deadline, tz)) + " " + " ".join(notes), how]


def board(poll: Poll) -> str:
    """The key of the poll's live post (Reply.board)."""
    return f"poll:{poll.id}"


def post(t: Translator, poll: Poll, tz: ZoneInfo, credits: str | None, level: str | None) -> Reply:
    """The post that opens a poll (in its channel, to WhatsApp members): the question, what to know, and
    the options as choices (buttons on Discord, numbered lines elsewhere)."""
    title = t("polls.post_title", number=str(poll.id), question=poll.question)
    text = "\n".join([title, *details(t, poll, tz, credits, level)])
    return Reply(text, choices=choices(poll), board=board(poll))


def live(
    t: Translator, poll: Poll, tally: Tally, tz: ZoneInfo, credits: str | None, level: str | None
) -> Reply:
    """The poll's post as it stands: live results while it is open (only the count while they are
    hidden), the final results once it closed (no more buttons), or that it was cancelled."""
    if poll.state is PollState.CANCELLED:
        return Reply(
            t("polls.cancelled_post", number=str(poll.id), question=poll.question), board=board(poll)
        )
    if not poll.is_open:
        return Reply(final(t, poll, tally, tz), board=board(poll))
    text = "\n".join([results(t, poll, tally), *details(t, poll, tz, credits, level)])
    return Reply(text, choices=choices(poll), board=board(poll))


def _percent(count: int, voters: int) -> int:
    return round(100 * count / voters) if voters else 0


def result_lines(t: Translator, poll: Poll, tally: Tally) -> list[str]:
    """`1. Mango ██████░░░░ 58% (7 votes)`, one per option, percentages of the members who voted."""
    lines = []
    for n, (option, count) in enumerate(zip(poll.options, tally.votes, strict=True), 1):
        share = count / tally.voters if tally.voters else 0.0
        filled = round(BAR * share)
        bar = "█" * filled + "░" * (BAR - filled)
        percent = _percent(count, tally.voters)
        lines.append(
            t("polls.result_line", position=str(n), option=option, bar=bar, percent=percent, count=count)
        )
    return lines


def results(t: Translator, poll: Poll, tally: Tally) -> str:
    """Live results (or, while they are hidden, only how many voted)."""
    title = t("polls.results_title", number=str(poll.id), question=poll.question, count=tally.voters)
    if poll.hidden and poll.is_open:
        return title  # how many voted, and nothing of what they chose
    return "\n".join([title, *result_lines(t, poll, tally)])


def final(t: Translator, poll: Poll, tally: Tally, tz: ZoneInfo) -> str:
    """The results post when a poll closes: the winner (or a tie), every option's share, and whether it
    closed late."""
    lines = [t("polls.final_title", number=str(poll.id), question=poll.question)]
    leaders = tally.leaders()
    if not leaders:
        lines.append(t("polls.no_votes"))
    elif len(leaders) == 1:
        top = tally.votes[leaders[0]]
        lines.append(
            t(
                "polls.winner",
                option=poll.options[leaders[0]],
                count=top,
                voters=tally.voters,
                percent=_percent(top, tally.voters),
            )
        )
    else:
        names = t.all_of(poll.options[n] for n in leaders)
        lines.append(t("polls.tie", options=names, count=tally.votes[leaders[0]]))
    if tally.voters:
        lines += result_lines(t, poll, tally)
    if poll.late:
        lines.append(t("polls.late_note", deadline=when(t, poll.deadline, tz)))
    return "\n".join(lines)


def picked(poll: Poll, picks: tuple[int, ...]) -> str:
    return ", ".join(poll.options[n] for n in picks)


def listing_line(t: Translator, poll: Poll, tz: ZoneInfo, mine: tuple[int, ...] | None) -> str:
    """`#3 Next flavour? · closes Tue 3 Dec at 18:00 (Europe/Paris) · your vote: Yuzu`."""
    line = t(
        "polls.list_line", number=str(poll.id), question=poll.question, deadline=when(t, poll.deadline, tz)
    )
    vote = t("polls.your_vote", picks=picked(poll, mine)) if mine else t("polls.not_voted")
    return f"{line} · {vote}"
