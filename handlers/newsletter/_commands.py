"""NEWS, NEWSLETTERS, NEWSLETTER SUBMIT and the moderators' NEWSLETTER PREVIEW/SEND/ADD/APPROVE/REJECT."""

from __future__ import annotations

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.errors import shorten
from handlers.feature import Commands
from handlers.keys import record_number
from handlers.models import Choice, Reply, Role
from handlers.newsletter import _issue as issues
from handlers.newsletter._errors import (
    BadNumber,
    EmptyText,
    NoSuchIssue,
    NoSuchPost,
    NothingToSend,
    PostReviewed,
    TextTooLong,
)
from handlers.newsletter._models import Issue, PickKind, PickState
from handlers.newsletter._state import MAX_TEXT, Newsletter
from handlers.registry import Arg, ArgKind

commands: Commands[Newsletter] = Commands()

ARCHIVE = 10
TEXT_ARG = Arg("text", ArgKind.TEXT, "newsletter.arg_text_help", required=False)
POST_ARG = Arg("post", ArgKind.WORD, "newsletter.arg_post_help")


def checked(text: str | None, usage: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise EmptyText(usage)
    if len(cleaned) > MAX_TEXT:
        raise TextTooLong(MAX_TEXT)
    return cleaned


def number_of(given: str) -> int:
    number = record_number(given)
    if number is None:
        raise BadNumber(given)
    return number


@commands.command(
    "NEWS",
    "newsletter.cmd_news",
    Arg("issue", ArgKind.WORD, "newsletter.arg_issue_help", required=False),
    localized={"fr": "NOUVELLES", "it": "NOTIZIE"},
)
async def news(ctx: Context, newsletter: Newsletter, issue: str | None = None) -> Reply:
    found: Issue | None
    if issue is None:
        found = await newsletter.repo.latest()
        if found is None:
            return Reply(ctx.t("newsletter.none_yet"))
    else:
        number = number_of(issue)
        found = await newsletter.repo.issue(number)
        if found is None:
            raise NoSuchIssue(number)
    return Reply(issues.shown(ctx.t, found, newsletter.language))


@commands.command("NEWSLETTERS", "newsletter.cmd_newsletters", localized={"fr": "LETTRES", "it": "NOTIZIARI"})
async def archive(ctx: Context, newsletter: Newsletter) -> Reply:
    t = ctx.t
    found = await newsletter.repo.issues(ARCHIVE)
    if not found:
        return Reply(t("newsletter.none_yet"))
    lines = [t("newsletter.archive_title")]
    for issue in found:
        summary = issue.summaries.get(t.language) or issue.summaries[newsletter.language]
        lines.append(
            t(
                "newsletter.archive_line",
                number=str(issue.number),
                day=issue.created_at.astimezone(ctx.zone).date(),
                summary=summary,
            )
        )
    lines.append(t("newsletter.archive_hint"))
    return Reply(
        "\n".join(lines), choices=tuple(Choice(f"#{i.number}", f"NEWS {i.number}") for i in found[:3])
    )


@commands.command(
    "NEWSLETTER SUBMIT",
    "newsletter.cmd_submit",
    TEXT_ARG,
    private=True,
    localized={"fr": "LETTRE PROPOSER", "it": "NOTIZIARIO PROPONI"},
)
async def submit(ctx: Context, newsletter: Newsletter, text: str | None = None) -> Reply:
    member = ctx.require_member()
    post = await newsletter.repo.add_pick(
        PickKind.GUEST, checked(text, "NEWSLETTER SUBMIT <text>"), member.id, ctx.now
    )
    tc = ctx.t_community
    note = tc(
        "newsletter.guest_to_review",
        number=str(post.id),
        author=member.mention(),
        text=shorten(post.text, 300),
    )
    review = (
        Choice(tc("newsletter.approve"), f"NEWSLETTER APPROVE {post.id}"),
        Choice(tc("newsletter.reject"), f"NEWSLETTER REJECT {post.id}"),
    )
    ctx.post(newsletter.moderators, Reply(note, choices=review), MessageKind.MODERATION)
    return Reply(ctx.t("newsletter.submitted", number=str(post.id)))


@commands.command(
    "NEWSLETTER ADD",
    "newsletter.cmd_add",
    TEXT_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "LETTRE AJOUTER", "it": "NOTIZIARIO AGGIUNGI"},
)
async def add(ctx: Context, newsletter: Newsletter, text: str | None = None) -> Reply:
    by = ctx.member.id if ctx.member else None
    pick = await newsletter.repo.add_pick(PickKind.ADDED, checked(text, "NEWSLETTER ADD <text>"), by, ctx.now)
    return Reply(ctx.t("newsletter.added", number=str(pick.id)))


async def _review(ctx: Context, newsletter: Newsletter, post: str, state: PickState) -> Reply:
    number = number_of(post)
    found = await newsletter.repo.pick(number)
    if found is None or found.kind is not PickKind.GUEST:
        raise NoSuchPost(number)
    if not await newsletter.repo.review(number, state, ctx.member.id if ctx.member else None, ctx.now):
        raise PostReviewed(number)
    key = "newsletter.approved" if state is PickState.APPROVED else "newsletter.rejected"
    return Reply(ctx.t(key, number=str(number), author=found.author))


@commands.command(
    "NEWSLETTER APPROVE",
    "newsletter.cmd_approve",
    POST_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "LETTRE APPROUVER", "it": "NOTIZIARIO APPROVA"},
)
async def approve(ctx: Context, newsletter: Newsletter, post: str) -> Reply:
    return await _review(ctx, newsletter, post, PickState.APPROVED)


@commands.command(
    "NEWSLETTER REJECT",
    "newsletter.cmd_reject",
    POST_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "LETTRE REFUSER", "it": "NOTIZIARIO RIFIUTA"},
)
async def reject(ctx: Context, newsletter: Newsletter, post: str) -> Reply:
    return await _review(ctx, newsletter, post, PickState.REJECTED)


@commands.command(
    "NEWSLETTER PREVIEW",
    "newsletter.cmd_preview",
    permission=Role.MODERATOR,
    private=True,
    localized={"fr": "LETTRE APERCU", "it": "NOTIZIARIO ANTEPRIMA"},
)
async def preview(ctx: Context, newsletter: Newsletter) -> Reply:
    t = ctx.t
    week = await issues.week_of(newsletter, ctx)
    compiled = await issues.compile_issue(newsletter, week, await issues.next_number(newsletter))
    lines = [compiled.texts.get(t.language) or compiled.texts[newsletter.language], ""]
    least = newsletter.settings.min_items
    if compiled.items < least:
        lines.append(t("newsletter.preview_quiet", count=compiled.items, least=least))
    else:
        lines.append(t("newsletter.preview_ok", count=compiled.items))
    waiting = await newsletter.repo.picks(PickState.PENDING, 10)
    if waiting:
        lines.append(t("newsletter.waiting_title", count=len(waiting)))
        lines += [
            t("newsletter.waiting_line", number=str(p.id), author=p.author, text=shorten(p.text, 80))
            for p in waiting
        ]
    return Reply("\n".join(lines))


@commands.command(
    "NEWSLETTER SEND",
    "newsletter.cmd_send",
    permission=Role.MODERATOR,
    localized={"fr": "LETTRE ENVOYER", "it": "NOTIZIARIO INVIA"},
)
async def send(ctx: Context, newsletter: Newsletter) -> Reply:
    """Now, whatever `min_items` says (a moderator decided), unless there is nothing at all to tell; the
    weekly issue then starts after it."""
    week = await issues.week_of(newsletter, ctx)
    compiled = await issues.compile_issue(newsletter, week, await issues.next_number(newsletter))
    if compiled.items == 0:
        raise NothingToSend()
    issue = await issues.publish(ctx, newsletter, compiled)
    key = "newsletter.sent_whatsapp" if newsletter.settings.whatsapp else "newsletter.sent"
    return Reply(ctx.t(key, number=str(issue.number), channel=newsletter.channel))
