"""Who may be written to unasked: the Consent port, and the opt-in that joining is."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.cancelling import CANCELLING, Cancelling
from handlers.consent._ports import CONSENT_RECORDS, ConsentRepository
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Setup
from handlers.i18n import Translator
from handlers.membership import Joining
from handlers.models import Identity, Member, Reply

EXPLICIT_OPT_IN_PLATFORMS = frozenset({"whatsapp"})
"""Platforms where nothing proactive is sent before an explicit opt-in (WhatsApp Business policy)."""


class ConsentPolicy:
    def __init__(self, records: ConsentRepository, wording: str | None, cancelling: Cancelling) -> None:
        self.records = records
        self.cancelling = cancelling
        """CANCEL <session>: the word alone is an opt-out, with an argument it cancels an RSVP."""
        self._wording = wording
        """The admin's (legal) wording, shown as written; None: the catalogs' in the member's language."""

    def wording(self, t: Translator) -> str:
        return self._wording if self._wording is not None else t("consent.default_wording")

    async def may_message(self, identity: Identity) -> bool:
        return await self.why_not(identity) is None

    async def why_not(self, identity: Identity, linked: Sequence[Identity] = ()) -> str | None:
        """The member's latest STOP/START/JOIN on any of their platforms decides; a platform that needs an
        explicit opt-in (WhatsApp) also needs one from that very number."""
        latest = await self.records.latest_of([identity, *linked])
        if latest is not None and not latest.opted_in:
            return "opted out with STOP"
        if identity.platform in EXPLICIT_OPT_IN_PLATFORMS:
            own = await self.records.latest(identity)
            if own is None:
                return "never opted in"
            if not own.opted_in:
                return "opted out with STOP"
        return None

    async def opt_in(self, ctx: Context, identity: Identity, source: str) -> bool:
        if identity.platform not in EXPLICIT_OPT_IN_PLATFORMS:
            return False
        await self.records.record(identity, True, source, self.wording(ctx.t), ctx.now)  # as shown
        return True


def build(setup: Setup) -> ConsentPolicy:
    return ConsentPolicy(
        setup.repository(CONSENT_RECORDS), setup.platforms.consent_wording, setup.need(CANCELLING)
    )


async def opt_in_on_join(ctx: Context, policy: ConsentPolicy, member: Member, joining: Joining) -> None:
    """JOIN is the opt-in: recorded with the wording the member is shown right away."""
    assert ctx.actor is not None
    if await policy.opt_in(ctx, ctx.actor, "JOIN"):
        ctx.send_to(ctx.actor, Reply(policy.wording(ctx.t)), MessageKind.REPLY)
