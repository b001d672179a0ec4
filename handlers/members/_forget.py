"""FORGET: a moderator erases a member's personal data (the right to erasure), after a confirmation.

The member's identities, names, profile answers, what they wrote and the media they sent go (every
feature's forget steps, storage/sqlite/assembly.py); their ledger entries stay with their amounts, so
balances, leaderboards and the community's figures stay as they were. Nothing is sent to the member: once
forgotten, nobody is there to tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Context
from handlers.errors import Conflict
from handlers.i18n import Translator
from handlers.models import Choice, Member, Reply

FORGOTTEN_NAME = "forgotten member"
"""The display name storage gives a forgotten member (storage/sqlite/kernel.py)."""


@dataclass(eq=False)
class ForgetYourself(Conflict):
    """A moderator named themself: another moderator (or the admin's CLI) does it, knowingly."""

    def text(self, t: Translator) -> str:
        return t("members.forget_yourself")


@dataclass(eq=False)
class ForgottenAlready(Conflict):
    def text(self, t: Translator) -> str:
        return t("members.forgotten_already")


async def forget(ctx: Context, member: Member, confirmed: bool) -> Reply:
    if ctx.member is not None and ctx.member.id == member.id:
        raise ForgetYourself()
    identities = await ctx.members.identities(member.id)
    if not identities and member.display_name == FORGOTTEN_NAME:
        raise ForgottenAlready()
    t = ctx.t
    if not confirmed:
        command = f"FORGET {member.mention()} YES"
        return Reply(
            t(
                "members.forget_confirm",
                member=member.mention(),
                name=member.display_name,
                count=len(identities),
                command=command,
            ),
            choices=(Choice(t("members.forget_button", member=member.mention()), command),),
            private=True,
        )
    keys = await ctx.members.forget(member.id)
    ctx.on_commit(ctx.members.remove_media, keys)  # files go once the erasure is durable, not before
    return Reply(
        t("members.forgotten", member=member.mention(), name=member.display_name, count=len(identities)),
        private=True,
    )
