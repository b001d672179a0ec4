"""The Consent port: whether a person may be sent what they did not ask for, and their opt-ins.

The consent feature provides it (`CONSENT`); features that notify members (referrals, introductions,
nudges) ask it before they write to anyone, and linking records the opt-in a LINK on WhatsApp makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from handlers.context import Context
from handlers.i18n import Translator
from handlers.key import Key
from handlers.models import Identity


class Consent(Protocol):
    def wording(self, t: Translator) -> str:
        """What members agree to when they opt in (shown to them, in their language, when they do)."""
        ...

    async def may_message(self, identity: Identity) -> bool:
        """May we write to this identity without being asked? The latest STOP/START/JOIN decides."""
        ...

    async def why_not(self, identity: Identity, linked: Sequence[Identity] = ()) -> str | None:
        """None when we may write to this identity unasked; else why not (`opted out with STOP`). `linked`:
        the member's identities on every platform (STOP on any of them is STOP for the member)."""
        ...

    async def opt_in(self, ctx: Context, identity: Identity, source: str) -> bool:
        """Record an opt-in where the platform needs an explicit one (WhatsApp); whether it did."""
        ...


CONSENT: Key[Consent] = Key("consent")
