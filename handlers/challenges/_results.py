"""The end of a challenge: the winners credited once and announced once."""

from __future__ import annotations

from handlers.challenges._models import Challenge, ChallengeState
from handlers.challenges._state import Challenges
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.ledger import Kind
from handlers.models import Reply


async def announce_winners(
    ctx: Context, challenges: Challenges, challenge: Challenge, member_ids: list[int]
) -> bool:
    """Mark it done and credit each winner's bonus once, then post the results; False when its winners
    were announced already (announced once, whoever tries)."""
    if not await challenges.repo.set_state(challenge.id, ChallengeState.CLOSED, ChallengeState.DONE, ctx.now):
        return False
    await challenges.repo.add_winners(challenge.id, member_ids)
    for member_id in member_ids:
        if challenge.bonus:
            source = f"challenge:{challenge.id}:winner:{member_id}"
            reason = f"challenge #{challenge.id} winner"
            await challenges.ledger.credit(ctx, member_id, challenge.bonus, Kind.CHALLENGE, reason, source)
    t = ctx.t_community
    number, title = str(challenge.id), challenge.title
    winners = await challenges.repo.winners(challenge.id)
    if not winners:
        text = t("challenges.no_winners", number=number, title=title)
    else:
        names = t.all_of(f"@{handle}" for _, handle in winners)
        text = t("challenges.winners_post", number=number, title=title, names=names, count=len(winners))
        bonus = challenges.credits(t, challenge.bonus)
        if bonus is not None:
            text += " " + t("challenges.bonus_note", credits=bonus, count=len(winners))
    ctx.post(challenge.channel, Reply(text), MessageKind.ANNOUNCEMENT)
    return True
