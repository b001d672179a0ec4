"""The `[whatsapp]` section of `community.toml`: approved templates per message kind and the consent wording.

Credentials and the sender number are deployment settings (`COMMUNITYBOT_TWILIO__*`); this section holds
what the community itself decides: the words members agree to and the templates Meta approved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import Field, field_validator

from handlers.delivery import MessageKind
from handlers.i18n import LANGUAGES
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
    templates: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    """Message kind (newsletter, reminder, notice, welcome...) -> approved ContentSid, used outside the
    24-hour window: one ContentSid for every language, or one per language (`notice = { en = "HX...",
    fr = "HX..." }`: Meta approves templates per language). A member gets the template in the language of
    the message, else in the community's; a kind without one is not sent there (recorded as skipped)."""

    @field_validator("consent_wording")
    @classmethod
    def _mentions_stop(cls, value: str | None) -> str | None:
        if value is not None and "STOP" not in value:
            raise ValueError("must tell members how to opt out: include the word STOP")
        return value

    @field_validator("templates")
    @classmethod
    def _content_sids(cls, value: dict[str, str | dict[str, str]]) -> dict[str, str | dict[str, str]]:
        for kind, given in value.items():
            if kind not in _PROACTIVE:
                kinds = ", ".join(_PROACTIVE)
                raise ValueError(f"{kind!r} is not a kind of message sent unasked: use one of {kinds}")
            by_language = {"": given} if isinstance(given, str) else given
            for language, sid in by_language.items():
                where = f"{kind}.{language}" if language else kind
                if language and language not in LANGUAGES:
                    raise ValueError(f"{where}: unknown language: use one of {', '.join(LANGUAGES)}")
                if not _CONTENT_SID.match(sid):
                    raise ValueError(
                        f"{where} = {sid!r} is not a ContentSid: copy the HX... id of the approved template"
                        " from Twilio's Content Template Builder"
                    )
        return value

    def template_sids(self, default_language: str) -> Templates:
        """The ContentSids as the WhatsApp messenger picks them: by kind and language."""
        return Templates(
            {kind: {"": g} if isinstance(g, str) else dict(g) for kind, g in self.templates.items()},
            default_language,
        )


@dataclass(frozen=True)
class Templates:
    """Approved templates by kind and language (`""`: every language)."""

    by_kind: Mapping[str, Mapping[str, str]]
    default_language: str

    def pick(self, kind: str, language: str | None) -> str | None:
        """The message's language, else the community's, else a template for every language."""
        found = self.by_kind.get(kind, {})
        for wanted in (language, self.default_language, ""):
            if wanted is not None and wanted in found:
                return found[wanted]
        return None
