"""The polls feature's section of the newsletter: the results of the polls that closed in the week."""

from __future__ import annotations

from handlers.digest import DigestSection, Place, Week
from handlers.i18n import Translator
from handlers.polls._state import Polls


async def week(polls: Polls, week: Week, t: Translator) -> DigestSection | None:
    closed = await polls.repo.closed_between(week.since, week.until)
    if not closed:
        return None
    lines = []
    for poll in closed:
        tally = await polls.repo.tally(poll)
        leaders = tally.leaders()
        if not leaders:
            outcome = t("polls.no_votes")
        elif len(leaders) == 1:
            top = tally.votes[leaders[0]]
            percent = round(100 * top / tally.voters) if tally.voters else 0
            outcome = t(
                "polls.digest_winner", option=poll.options[leaders[0]], percent=percent, count=tally.voters
            )
        else:
            outcome = t(
                "polls.digest_tie", options=t.all_of(poll.options[n] for n in leaders), count=tally.voters
            )
        lines.append(t("polls.digest_line", number=str(poll.id), question=poll.question, outcome=outcome))
    return DigestSection(
        Place.POLLS,
        t("polls.digest_title"),
        tuple(lines),
        t("polls.digest_headline", count=len(closed)),
        len(closed),
    )
