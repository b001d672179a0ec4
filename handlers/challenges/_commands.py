"""CHALLENGES, CHALLENGE, SUBMIT and the moderators' CHALLENGE NEW, REVIEW and CHALLENGE WINNERS."""

from __future__ import annotations

from handlers.challenges import _render as render
from handlers.challenges._errors import (
    AlreadyReviewed,
    AttachmentRefused,
    BadSubmissionNumber,
    ChallengeOver,
    NoSuchSubmission,
    NotEndedYet,
    PendingSubmitter,
    ReasonRequired,
    SubmissionLimit,
    TooLong,
    TooManyWinners,
    WinnersAnnounced,
)
from handlers.challenges._models import Challenge, ChallengeDraft, ChallengeState, Review, SubmissionState
from handlers.challenges._parse import describe
from handlers.challenges._results import announce_winners
from handlers.challenges._state import RECENT, Challenges
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.keys import record_number
from handlers.models import Choice, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind, MemberRef

MAX_SUBMISSION = 2000
QUEUE = 10

commands: Commands[Challenges] = Commands()

CHALLENGE_ARG = Arg("challenge", ArgKind.WORD, "challenges.arg_challenge_help")
SUBMISSION_ARG = Arg("submission", ArgKind.WORD, "challenges.arg_submission_help")


@commands.command("CHALLENGES", "challenges.cmd_challenges", localized={"fr": "DEFIS", "it": "SFIDE"})
async def list_challenges(ctx: Context, challenges: Challenges) -> Reply:
    t = ctx.t
    listed = await challenges.repo.listed(ctx.now - RECENT)
    if not listed:
        return Reply(t("challenges.none"))
    mine = await challenges.repo.submissions_of(ctx.member.id, [c.id for c in listed]) if ctx.member else []
    lines = [t("challenges.list_title")]
    for challenge in listed:
        lines.append(render.listing_line(t, challenge, ctx.zone))
        for submission in (s for s in mine if s.challenge_id == challenge.id):
            state = render.state_of(t, submission)
            lines.append(t("challenges.your_submission", number=str(submission.id), state=state))
    lines.append(t("challenges.list_hint"))
    return Reply("\n".join(lines))


@commands.command(
    "CHALLENGE", "challenges.cmd_challenge", CHALLENGE_ARG, localized={"fr": "DEFI", "it": "SFIDA"}
)
async def show_challenge(ctx: Context, challenges: Challenges, challenge: str) -> Reply:
    t = ctx.t
    found = await challenges.find(challenge)
    lines = [render.post(t, found, ctx.zone, challenges.credits(t, found.points))]
    if not found.takes_submissions(ctx.now):
        lines.append(t("challenges.ended", number=str(found.id)))
        winners = await challenges.repo.winners(found.id)
        if winners:
            lines.append(t("challenges.winners_line", names=t.all_of(f"@{h}" for _, h in winners)))
    if ctx.member is not None:
        for submission in await challenges.repo.submissions_of(ctx.member.id, [found.id]):
            state = render.state_of(t, submission)
            lines.append(t("challenges.your_submission", number=str(submission.id), state=state))
    return Reply("\n".join(lines))


@commands.command(
    "SUBMIT",
    "challenges.cmd_submit",
    CHALLENGE_ARG,
    Arg("text", ArgKind.TEXT, "challenges.arg_text_help"),
    private=True,
    localized={"fr": "SOUMETTRE", "it": "PARTECIPA"},
    files=True,
)
async def submit(ctx: Context, challenges: Challenges, challenge: str, text: str) -> Reply:
    member = ctx.require_member()
    if member.status is not MemberStatus.MEMBER:
        raise PendingSubmitter()
    found = await challenges.find(challenge)
    if not found.takes_submissions(ctx.now):
        raise ChallengeOver(found.id)
    if len(text) > MAX_SUBMISSION:
        raise TooLong("submission", MAX_SUBMISSION)
    if await challenges.repo.submitted(found.id, member.id) >= found.per_member:
        raise SubmissionLimit(found.id, found.per_member)
    media = ctx.config.media
    for attachment in ctx.attachments:  # kept by the adapter before this ran, or refused with the reason
        if attachment.stored is None:
            why = attachment.refused or "unreachable"
            raise AttachmentRefused(why, media.max_mb, media.per_message, tuple(media.types))
    kept = list(ctx.attachments)
    t = ctx.t
    if found.review is Review.AUTO:
        number = await challenges.repo.submit(
            found.id, member.id, text, SubmissionState.APPROVED, kept, ctx.now
        )
        credited = await challenges.credit_submission(ctx, found, number, member.id)
        reply = t("challenges.accepted", number=str(number), challenge=str(found.id))
        credits = challenges.credits(t, found.points)
        if credited and credits is not None:
            reply += " " + t("challenges.earned", credits=credits)
        return Reply(reply)
    number = await challenges.repo.submit(found.id, member.id, text, SubmissionState.PENDING, kept, ctx.now)
    note = ctx.t_community("challenges.to_review", number=str(number), challenge=str(found.id))
    ctx.post(challenges.moderators_channel, Reply(note), MessageKind.MODERATION)
    return Reply(t("challenges.received", number=str(number), challenge=str(found.id)))


@commands.command(
    "CHALLENGE NEW",
    "challenges.cmd_challenge_new",
    Arg("text", ArgKind.TEXT, "challenges.arg_new_help", required=False),
    permission=Role.MODERATOR,
    localized={"fr": "DEFI NOUVEAU", "it": "SFIDA NUOVA"},
)
async def challenge_new(ctx: Context, challenges: Challenges, text: str | None = None) -> Reply:
    described = describe(text or "", ctx.now, challenges.tz)
    settings = challenges.settings
    draft = ChallengeDraft(
        title=described.title,
        description=described.description,
        ends_at=described.ends_at or ctx.now + settings.default_duration,
        points=settings.points if described.points is None else described.points,
        per_member=described.per_member or settings.per_member,
        review=Review(described.review or settings.review),
        blind=described.blind,
        bonus=settings.bonus if described.bonus is None else described.bonus,
        winners=described.winners or settings.winners_count,
        channel=described.channel or challenges.default_channel,
    )
    created = await challenges.repo.create(draft, ctx.member.id if ctx.member else None, ctx.now)
    await challenges.schedule(ctx, created)
    announcement = render.post(
        ctx.t_community, created, challenges.tz, challenges.credits(ctx.t_community, created.points)
    )
    ctx.post(created.channel, Reply(announcement), MessageKind.ANNOUNCEMENT)
    t = ctx.t
    deadline = render.when(t, created.ends_at, ctx.zone)
    return Reply(t("challenges.created", number=str(created.id), channel=created.channel, deadline=deadline))


@commands.command(
    "REVIEW",
    "challenges.cmd_review",
    permission=Role.MODERATOR,
    localized={"fr": "MODERER", "it": "REVISIONE"},
)
async def review_queue(ctx: Context, challenges: Challenges) -> Reply:
    t = ctx.t
    waiting = await challenges.repo.pending(QUEUE)
    if not waiting:
        return Reply(t("challenges.queue_empty"))
    lines = [t("challenges.queue_title")]
    choices = []
    read: dict[int, Challenge] = {}  # the queue's submissions mostly share a challenge: each read once
    for submission in waiting:
        challenge = read.get(submission.challenge_id) or await challenges.repo.challenge(
            submission.challenge_id
        )
        assert challenge is not None
        read[challenge.id] = challenge
        lines.append(render.queue_line(t, submission, challenge))
        label = t("challenges.approve_button", number=str(submission.id))
        choices.append(Choice(label, f"REVIEW APPROVE {submission.id}"))
        rejecting = t("challenges.reject_button", number=str(submission.id))
        choices.append(Choice(rejecting, f"REVIEW REJECT {submission.id}", ask=t("challenges.arg_reason")))
    lines.append(t("challenges.queue_hint"))
    return Reply("\n".join(lines), choices=tuple(choices))


async def _decide(
    ctx: Context, challenges: Challenges, given: str, state: SubmissionState, reason: str | None
) -> Reply:
    number = record_number(given)
    if number is None:
        raise BadSubmissionNumber(given)
    found = await challenges.repo.submission(number)
    if found is None:
        raise NoSuchSubmission(number)
    challenge = await challenges.repo.challenge(found.challenge_id)
    assert challenge is not None
    by = ctx.member.id if ctx.member else None
    if not await challenges.repo.review(found.id, state, reason, by, ctx.now):
        raise AlreadyReviewed(found.id, found.state.value)
    member = await ctx.members.by_id(found.member_id)
    t = ctx.t
    if state is SubmissionState.APPROVED:
        credited = await challenges.credit_submission(ctx, challenge, found.id, found.member_id)
        if member is not None and member.is_active:
            told = ctx.t_for(member)
            text = told("challenges.approved_notice", number=str(found.id), challenge=str(challenge.id))
            credits = challenges.credits(told, challenge.points)
            if credited and credits is not None:
                text += " " + told("challenges.earned", credits=credits)
            ctx.send_to_member(member, Reply(text), MessageKind.NOTICE)
        return Reply(t("challenges.approved", number=str(found.id)))
    if member is not None and member.is_active:
        told = ctx.t_for(member)
        text = told(
            "challenges.rejected_notice", number=str(found.id), challenge=str(challenge.id), reason=reason
        )
        ctx.send_to_member(member, Reply(text), MessageKind.NOTICE)
    return Reply(t("challenges.rejected", number=str(found.id)))


@commands.command(
    "REVIEW APPROVE",
    "challenges.cmd_review_approve",
    SUBMISSION_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "MODERER ACCEPTER", "it": "REVISIONE APPROVA"},
)
async def review_approve(ctx: Context, challenges: Challenges, submission: str) -> Reply:
    return await _decide(ctx, challenges, submission, SubmissionState.APPROVED, None)


@commands.command(
    "REVIEW REJECT",
    "challenges.cmd_review_reject",
    SUBMISSION_ARG,
    Arg("reason", ArgKind.TEXT, "challenges.arg_reason_help", required=False),
    permission=Role.MODERATOR,
    localized={"fr": "MODERER REFUSER", "it": "REVISIONE RIFIUTA"},
)
async def review_reject(
    ctx: Context, challenges: Challenges, submission: str, reason: str | None = None
) -> Reply:
    if not reason or not reason.strip():
        raise ReasonRequired(int(submission.lstrip("#")) if submission.lstrip("#").isdigit() else 0)
    return await _decide(ctx, challenges, submission, SubmissionState.REJECTED, reason.strip()[:300])


@commands.command(
    "CHALLENGE WINNERS",
    "challenges.cmd_challenge_winners",
    CHALLENGE_ARG,
    Arg("members", ArgKind.TEXT, "challenges.arg_members_help"),
    permission=Role.MODERATOR,
    localized={"fr": "DEFI GAGNANTS", "it": "SFIDA VINCITORI"},
)
async def challenge_winners(ctx: Context, challenges: Challenges, challenge: str, members: str) -> Reply:
    found = await challenges.find(challenge)
    if found.state is ChallengeState.OPEN:
        raise NotEndedYet(found.id)
    if found.state is ChallengeState.DONE:
        raise WinnersAnnounced(found.id)
    named = list(dict.fromkeys(members.split()))
    if len(named) > found.winners:
        raise TooManyWinners(found.winners)
    winners = [(await ctx.resolve(MemberRef(raw))).id for raw in named]
    await announce_winners(ctx, challenges, found, list(dict.fromkeys(winners)))
    return Reply(ctx.t("challenges.winners_saved", number=str(found.id), channel=found.channel))
