"""The `[whatsapp]` section of `community.toml`: approved templates per message kind and the consent wording.

Credentials and the sender number are deployment settings (`COMMUNITYBOT_TWILIO__*`); this section holds
what the community itself decides: the words members agree to and the templates Meta approved.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from handlers.delivery import MessageKind
from handlers.section import Section

_CHANNEL_ONLY = {MessageKind.ANNOUNCEMENT, MessageKind.MODERATION}
_PROACTIVE = tuple(
    kind.value
    for kind in MessageKind
    if (kind.proactive or kind is MessageKind.WELCOME) and kind not in _CHANNEL_ONLY
)
"""The kinds that may leave the 24-hour window: everything proactive, and the welcome after a Discord-style
platform join (answers go out inside the window, where free text is allowed)."""
_CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")


class WhatsAppCommunity(Section):
    consent_wording: str | None = Field(default=None, min_length=20, max_length=1000)
    """Shown when a member opts in (JOIN, LINK, START) and recorded with the opt-in; unset: the consent
    feature's own wording."""
    templates: dict[str, str] = Field(default_factory=dict)
    """Message kind (newsletter, reminder, notice, welcome, announcement...) -> approved ContentSid, used
    outside the 24-hour window; a kind without a template is not sent there (recorded as skipped)."""

    @field_validator("consent_wording")
    @classmethod
    def _mentions_stop(cls, value: str | None) -> str | None:
        if value is not None and "STOP" not in value:
            raise ValueError("must tell members how to opt out: include the word STOP")
        return value

    @field_validator("templates")
    @classmethod
    def _content_sids(cls, value: dict[str, str]) -> dict[str, str]:
        for kind, sid in value.items():
            if kind not in _PROACTIVE:
                kinds = ", ".join(_PROACTIVE)
                raise ValueError(f"{kind!r} is not a kind of message sent unasked: use one of {kinds}")
            if not _CONTENT_SID.match(sid):
                raise ValueError(
                    f"{kind} = {sid!r} is not a ContentSid: copy the HX... id of the approved template"
                    " from Twilio's Content Template Builder"
                )
        return value
