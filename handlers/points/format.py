"""How points read in replies."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.points.models import Kind, LedgerEntry


def signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else f"−{-delta}"


def entry_line(entry: LedgerEntry, tz: ZoneInfo) -> str:
    when = entry.created_at.astimezone(tz).strftime("%d %b %H:%M")
    by = ""
    if entry.actor_handle:
        by = f" from @{entry.actor_handle}" if entry.kind is Kind.KUDOS else f" by @{entry.actor_handle}"
    note = f" (revoked by #{entry.revoked_by})" if entry.revoked_by else ""
    if entry.reverses:
        note += f" (corrects #{entry.reverses})"
    return f"#{entry.id} {signed(entry.delta)} {entry.kind.value}{by}: {entry.reason} · {when}{note}"
