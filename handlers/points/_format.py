"""How points read in replies."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.ledger import Kind
from handlers.points._models import LedgerEntry


def signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else f"−{-delta}"


def entry_line(entry: LedgerEntry, tz: ZoneInfo) -> str:
    when = entry.created_at.astimezone(tz).strftime("%d %b %H:%M")
    by = ""
    actor = f"@{entry.actor_handle}" if entry.actor_handle else entry.actor_identity
    if actor and entry.actor_id != entry.member_id:
        by = f" from {actor}" if entry.kind is Kind.KUDOS else f" by {actor}"
    note = f" (revoked by #{entry.revoked_by})" if entry.revoked_by else ""
    if entry.reverses:
        note += f" (corrects #{entry.reverses})"
    return f"#{entry.id} {signed(entry.delta)} {entry.kind.value}{by}: {entry.reason} · {when}{note}"
