"""JOIN, WHOAMI, LANGUAGE, TIMEZONE and FORGET."""

from __future__ import annotations

from handlers.context import Context
from handlers.feature import Commands
from handlers.i18n import Translator
from handlers.members import _forget, _language, _timezone
from handlers.members._membership import Members
from handlers.membership import Joining
from handlers.models import Member, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind

commands: Commands[Members] = Commands()


@commands.command(
    "JOIN",
    "members.cmd_join",
    Arg("code", ArgKind.WORD, "members.arg_code_help", required=False),
    permission=Role.EVERYONE,
    localized={"fr": "REJOINDRE", "it": "ISCRIVITI"},
)
async def join(ctx: Context, members: Members, code: str | None) -> Reply:
    return await members.join(ctx, Joining(code, typed=True))


@commands.command("WHOAMI", "members.cmd_whoami", private=True, localized={"fr": "MOI", "it": "CHISONO"})
async def whoami(ctx: Context, members: Members) -> Reply:
    member = ctx.require_member()
    identities = await ctx.members.identities(member.id)
    t = ctx.t
    shown = {
        "handle": member.handle,
        "name": member.display_name,
        "since": member.joined_at.astimezone(ctx.zone).date(),
        "role": _role(t, ctx.role),
        "identities": ", ".join(str(i) for i in identities),
    }
    if member.status is MemberStatus.PENDING:
        return Reply(t("members.whoami_pending", **shown))
    return Reply(t("members.whoami_member", **shown))


def _role(t: Translator, role: Role) -> str:
    if role >= Role.ADMIN:
        return t("members.role_admin")
    if role >= Role.MODERATOR:
        return t("members.role_moderator")
    return t("members.role_member")


@commands.command(
    "LANGUAGE",
    "members.cmd_language",
    Arg("language", ArgKind.WORD, "members.arg_language_help", required=False),
    private=True,
    localized={"fr": "LANGUE", "it": "LINGUA"},
)
async def language(ctx: Context, members: Members, language: str | None) -> Reply:
    member = ctx.require_member()
    if language is None:
        return _language.show(ctx, member)
    return await _language.choose(ctx, member, language)


@commands.command(
    "TIMEZONE",
    "members.cmd_timezone",
    Arg("zone", ArgKind.TEXT, "members.arg_zone_help", required=False, suggest=_timezone.suggest),
    private=True,
    localized={"fr": "FUSEAU", "it": "FUSO"},
)
async def timezone(ctx: Context, members: Members, zone: str | None) -> Reply:
    member = ctx.require_member()
    if zone is None:
        return _timezone.show(ctx, member)
    return await _timezone.choose(ctx, member, zone)


@commands.command(
    "FORGET",
    "members.cmd_forget",
    Arg("member", ArgKind.MEMBER, "members.arg_member_help", left=True),
    Arg("confirm", ArgKind.CHOICE, "members.arg_confirm_help", required=False, choices=("YES",)),
    permission=Role.MODERATOR,
    private=True,
    localized={"fr": "OUBLIER", "it": "DIMENTICA"},
)
async def forget(ctx: Context, members: Members, member: Member, confirm: str | None) -> Reply:
    """Erase a member's personal data; without YES, say what goes and ask to confirm."""
    return await _forget.forget(ctx, member, confirm is not None)
