"""How points read in replies, in the reader's language (`t`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.i18n import Translator
from handlers.ledger import Kind
from handlers.points._models import LedgerEntry

CHAT_REASON = "chat in #"
"""The reason stored with chat activity, before the channel: entries keep one wording in the ledger (the
export), and HISTORY tells it in the reader's language."""
KUDOS_REASON = "kudos"
"""The reason of kudos given without one."""
REACTION_REASON = " from a moderator"
"""After the emoji, the reason of a moderator's reaction."""


def amount(t: Translator, points: int, currency: str | None) -> str:
    """`5 credits`, `1 crédit`, `1.234 crediti`; with the community's own word for them, that word as is."""
    if currency is None:
        return t("points.credits", count=points)
    return f"{t.number(points)} {currency}"


def currency_name(t: Translator, currency: str | None) -> str:
    """What points are called, without a number (`credits earned`)."""
    return t("points.currency") if currency is None else currency


def signed(t: Translator, delta: int) -> str:
    return f"+{t.number(delta)}" if delta > 0 else f"−{t.number(-delta)}"


KIND_NAMES = {
    Kind.ACTIVITY: "points.kind_activity",
    Kind.KUDOS: "points.kind_kudos",
    Kind.AWARD: "points.kind_award",
    Kind.REACTION: "points.kind_reaction",
    Kind.REVOKE: "points.kind_revoke",
    Kind.REDEEM: "points.kind_redeem",
    Kind.REFUND: "points.kind_refund",
    Kind.REFERRAL: "points.kind_referral",
    Kind.CHALLENGE: "points.kind_challenge",
    Kind.POLL: "points.kind_poll",
    Kind.ATTENDANCE: "points.kind_attendance",
    Kind.INTRODUCTION: "points.kind_introduction",
    Kind.FEEDBACK: "points.kind_feedback",
}
"""What each kind of entry is called in HISTORY and REVOKE (a kind added to the ledger needs its text)."""


def kind_name(t: Translator, kind: Kind) -> str:
    key = KIND_NAMES.get(kind)
    return kind.value if key is None else t(key)


def reason_of(t: Translator, entry: LedgerEntry) -> str:
    """The entry's reason: the ones this feature writes itself in the reader's language, others as written."""
    reason = entry.reason
    if entry.kind is Kind.ACTIVITY and reason.startswith(CHAT_REASON):
        return t("points.reason_chat", channel=reason[len(CHAT_REASON) :])
    if entry.kind is Kind.KUDOS and reason == KUDOS_REASON:
        return t("points.reason_kudos")
    if entry.kind is Kind.REACTION and reason.endswith(REACTION_REASON):
        return t("points.reason_reaction", emoji=reason[: -len(REACTION_REASON)])
    return reason


def entry_line(t: Translator, entry: LedgerEntry, tz: ZoneInfo) -> str:
    actor = f"@{entry.actor_handle}" if entry.actor_handle else entry.actor_identity
    if actor and entry.actor_id != entry.member_id:
        key = "points.history_line_from" if entry.kind is Kind.KUDOS else "points.history_line_by"
    else:
        key, actor = "points.history_line", None
    line = t(
        key,
        entry=str(entry.id),
        delta=signed(t, entry.delta),
        kind=kind_name(t, entry.kind),
        actor=actor or "",
        reason=reason_of(t, entry),
        when=entry.created_at.astimezone(tz),
    )
    if entry.revoked_by:
        line += " " + t("points.note_revoked_by", entry=str(entry.revoked_by))
    if entry.reverses:
        line += " " + t("points.note_corrects", entry=str(entry.reverses))
    return line
