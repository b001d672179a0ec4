"""The Cancelling port: `CANCEL <session>`. The word CANCEL alone is WhatsApp's opt-out (the consent
feature owns it); with an argument it cancels an RSVP, which the sessions feature provides."""

from __future__ import annotations

from typing import Protocol

from handlers.context import Context
from handlers.key import Key
from handlers.models import Reply


class Cancelling(Protocol):
    async def cancel(self, ctx: Context, what: str) -> Reply:
        """The asker cancels their place (or waitlist place) for `what`; a DomainError when they cannot."""
        ...


CANCELLING: Key[Cancelling] = Key("cancelling")
