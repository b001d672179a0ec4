"""Twilio's inbound WhatsApp webhook form, read into what the core needs."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from handlers.models import Attachment, Identity

log = logging.getLogger(__name__)

MAX_MEDIA = 10  # WhatsApp sends at most 10 media per message
_SID = re.compile(r"[A-Za-z0-9]{1,64}")
"""Twilio's ids are letters and digits (`SM` + 32 hex): anything else would reach the inbox and the logs."""


class NotUnderstood(ValueError):
    """The form lacks what every WhatsApp message has: the request is refused (HTTP 400)."""


@dataclass(frozen=True)
class Inbound:
    identity: Identity
    text: str
    message_id: str
    display_name: str | None
    attachments: tuple[Attachment, ...]


def parse_inbound(form: Mapping[str, str]) -> Inbound:
    message_id = form.get("MessageSid", "").strip()
    if not _SID.fullmatch(message_id):
        raise NotUnderstood("MessageSid is missing or not a Twilio id")
    sender = form.get("From", "")
    if not sender.startswith("whatsapp:"):
        raise NotUnderstood("From is not a WhatsApp address (whatsapp:+E164)")
    try:
        identity = Identity.parse(sender)
    except ValueError as error:
        raise NotUnderstood(str(error)) from None
    wa_id = form.get("WaId")
    if wa_id and wa_id != identity.user_id.lstrip("+"):
        log.warning("WaId does not match From for message %s; using From", message_id)
    # A tapped quick-reply button carries the command in its payload; Body is only its label.
    text = form.get("ButtonPayload") or form.get("Body", "")
    profile = " ".join(form.get("ProfileName", "").split())[:64] or None
    return Inbound(identity, text, message_id, profile, _attachments(form))


def _attachments(form: Mapping[str, str]) -> tuple[Attachment, ...]:
    try:
        count = int(form.get("NumMedia", "0") or "0")
    except ValueError:
        count = 0
    found = []
    for index in range(max(0, min(count, MAX_MEDIA))):
        url = form.get(f"MediaUrl{index}")
        if url:
            found.append(Attachment(url, form.get(f"MediaContentType{index}", "application/octet-stream")))
    return tuple(found)
