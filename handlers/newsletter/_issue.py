"""An issue: compiled from every feature's week in each language, stored, posted in its channel and
broadcast to the opted-in WhatsApp members; or, for too quiet a week, skipped with a word to moderators."""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.digest import DigestSection, Place, Week
from handlers.i18n import LANGUAGES, Translator
from handlers.models import Reply
from handlers.newsletter._models import Compiled, Issue, IssueState, PickKind, PickState
from handlers.newsletter._state import WHATSAPP, Newsletter

WEEK = timedelta(days=7)
PICKS = 1000
"""Moderators' picks and guest posts read for one issue (every approved one goes in it)."""


async def week_of(newsletter: Newsletter, ctx: Context) -> Week:
    """From where the last issue (sent or skipped) ended, else a week back, to now."""
    since = await newsletter.repo.last_until() or ctx.now - WEEK
    return Week(since, ctx.now, newsletter.tz)


async def compile_issue(newsletter: Newsletter, week: Week, number: int) -> Compiled:
    texts: dict[str, str] = {}
    summaries: dict[str, str] = {}
    items = 0
    for language in LANGUAGES:
        t = newsletter.texts.translator(language)
        found = [await source(week, t) for source in newsletter.sources]
        sections = sorted((s for s in found if s is not None and s.lines), key=lambda s: s.place)
        texts[language] = text(t, newsletter, week, number, sections)
        summaries[language] = summary(t, newsletter, number, sections)
        if language == newsletter.language:
            items = sum(s.items for s in sections)
    return Compiled(week.since, week.until, texts, summaries, items)


def text(
    t: Translator, newsletter: Newsletter, week: Week, number: int, sections: list[DigestSection]
) -> str:
    since, until = week.since.astimezone(week.tz), week.until.astimezone(week.tz)
    lines = [
        t(
            "newsletter.heading",
            name=newsletter.name,
            number=str(number),
            since=since.date(),
            until=until.date(),
        )
    ]
    for section in sections:
        lines += ["", section.title, *(f"• {line}" for line in section.lines)]
    if not sections:
        lines += ["", t("newsletter.quiet")]
    return "\n".join(lines)


def summary(t: Translator, newsletter: Newsletter, number: int, sections: list[DigestSection]) -> str:
    """The one line a WhatsApp template carries: what is in it, and `send NEWS to read it`."""
    headlines = [s.headline for s in sections]
    inside = t.all_of(headlines) if headlines else t("newsletter.quiet")
    return t("newsletter.summary", name=newsletter.name, number=str(number), inside=inside)


async def next_number(newsletter: Newsletter) -> int:
    latest = await newsletter.repo.latest()
    return 1 if latest is None or latest.number is None else latest.number + 1


async def publish(ctx: Context, newsletter: Newsletter, compiled: Compiled) -> Issue:
    """Store the issue and send it: its channel post and its WhatsApp broadcast, both in this unit of work
    (the broadcast's first page; the next pages follow as jobs)."""
    issue = await newsletter.repo.add_issue(compiled, IssueState.SENT, ctx.now)
    community = issue.texts[newsletter.language]
    ctx.post(newsletter.channel, Reply(community), MessageKind.ANNOUNCEMENT)
    if newsletter.settings.whatsapp:
        messages = {
            language: Reply(body, teaser=issue.summaries[language]) for language, body in issue.texts.items()
        }
        await newsletter.broadcaster.start(
            ctx, f"newsletter:{issue.id}", WHATSAPP, MessageKind.NEWSLETTER, messages
        )
    return issue


async def skip(ctx: Context, newsletter: Newsletter, compiled: Compiled) -> None:
    """Too quiet a week: recorded (the next issue starts after it) and moderators are told."""
    await newsletter.repo.add_issue(compiled, IssueState.SKIPPED, ctx.now)
    t = ctx.t_community
    note = t("newsletter.skipped", count=compiled.items, least=newsletter.settings.min_items)
    ctx.post(newsletter.moderators, Reply(note), MessageKind.MODERATION)


async def picks(newsletter: Newsletter, week: Week, t: Translator) -> DigestSection | None:
    """The newsletter's own section: what moderators added and the guest posts they approved."""
    approved = await newsletter.repo.picks(PickState.APPROVED, PICKS)
    if not approved:
        return None
    lines = tuple(
        p.text if p.kind is PickKind.ADDED else t("newsletter.guest_line", text=p.text, author=p.author)
        for p in approved
    )
    return DigestSection(
        Place.PICKS,
        t("newsletter.picks_title"),
        lines,
        t("newsletter.picks_headline", count=len(lines)),
        len(lines),
    )


def shown(t: Translator, issue: Issue, language: str) -> str:
    """The issue in the reader's language, else the community's."""
    return issue.texts.get(t.language) or issue.texts[language]
