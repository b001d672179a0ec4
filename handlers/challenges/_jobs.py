"""Persisted jobs: the end of a challenge (once, never early) and the reminder to reviewers before it."""

from __future__ import annotations

from typing import Any

from handlers.challenges._models import ChallengeState
from handlers.challenges._results import announce_winners
from handlers.challenges._settings import Winners
from handlers.challenges._state import END_JOB, Challenges
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.errors import shorten
from handlers.i18n import Translator
from handlers.models import Reply


async def end(ctx: Context, challenges: Challenges, payload: dict[str, Any]) -> None:
    challenge = await challenges.repo.challenge(int(payload["challenge"]))
    if challenge is None or challenge.state is not ChallengeState.OPEN:
        return
    if ctx.now < challenge.ends_at:  # never early, whatever woke this job
        again = f"challenge:{challenge.id}:end:again:{ctx.now.isoformat()}"
        await challenges.jobs.schedule(END_JOB, challenge.ends_at, payload, again)
        return
    if not await challenges.repo.set_state(challenge.id, ChallengeState.OPEN, ChallengeState.CLOSED, ctx.now):
        return
    if challenges.settings.winners is Winners.MOST_APPROVED:
        winners = await challenges.repo.most_approved(challenge.id, challenge.winners)
        await announce_winners(ctx, challenges, challenge, winners)
        return
    t = ctx.t_community
    number, title = str(challenge.id), challenge.title
    ctx.post(challenge.channel, Reply(t("challenges.ended_post", number=number, title=title)))
    waiting = await challenges.repo.pending_count(challenge.id)
    note = t("challenges.pick_winners", number=number, title=title, count=waiting)
    ctx.post(challenges.moderators_channel, Reply(note), MessageKind.MODERATION)


async def remind(ctx: Context, challenges: Challenges, payload: dict[str, Any]) -> None:
    challenge = await challenges.repo.challenge(int(payload["challenge"]))
    if challenge is None or not challenge.takes_submissions(ctx.now):
        return
    waiting = await challenges.repo.pending_count(challenge.id)
    if waiting:
        t = ctx.t_community
        text = t("challenges.review_reminder", count=waiting, number=str(challenge.id), title=challenge.title)
        ctx.post(challenges.moderators_channel, Reply(text), MessageKind.MODERATION)


async def describe_end(challenges: Challenges, t: Translator, payload: dict[str, Any]) -> str | None:
    challenge = await challenges.repo.challenge(int(payload["challenge"]))
    if challenge is None or challenge.state is not ChallengeState.OPEN:
        return None
    return t("schedule.challenge_ends", number=challenge.id, title=shorten(challenge.title, 60))


async def describe_reminder(challenges: Challenges, t: Translator, payload: dict[str, Any]) -> str | None:
    challenge = await challenges.repo.challenge(int(payload["challenge"]))
    if challenge is None or challenge.state is not ChallengeState.OPEN:
        return None
    return t("schedule.challenge_review_reminder", number=challenge.id, title=shorten(challenge.title, 60))
