"""Whole tables as rows, for `communitybot export` (admins audit and back up with it)."""

from __future__ import annotations

from dataclasses import fields

from handlers.kpis import KpiDay
from storage.sql import Database

_KPI_COLUMNS = ", ".join(f.name for f in fields(KpiDay))
"""Every figure of a rolled-up day, in the model's order."""

# Each export is one query scoped to the community; later features add theirs.
EXPORTS: dict[str, str] = {
    "members": (
        "SELECT m.id, m.handle, m.display_name, m.status, m.joined_at, m.left_at,"
        " (SELECT group_concat(identity, ' ') FROM"
        "   (SELECT identity FROM identities i WHERE i.member_id = m.id ORDER BY identity) AS x)"
        " AS identities"
        " FROM members m WHERE m.community_id = ? ORDER BY m.id"
    ),
    "ledger": (
        "SELECT l.id, l.member_id, m.handle, l.delta, l.kind, l.reason, l.actor_id, a.handle AS actor_handle,"
        " l.actor_identity, l.source, l.created_at, l.month, l.reverses"
        " FROM ledger l JOIN members m ON m.id = l.member_id"
        " LEFT JOIN members a ON a.id = l.actor_id WHERE l.community_id = ? ORDER BY l.id"
    ),
    "balances": (
        "SELECT b.member_id, m.handle, b.balance, b.earned, b.listed FROM balances b"
        " JOIN members m ON m.id = b.member_id WHERE b.community_id = ? ORDER BY b.member_id"
    ),
    "redemptions": (
        "SELECT r.id, i.key AS item, m.handle, r.cost, r.state, r.ledger_id, c.code, r.created_at,"
        " r.fulfilled_at FROM redemptions r JOIN shop_items i ON i.id = r.item_id"
        " JOIN members m ON m.id = r.member_id LEFT JOIN shop_codes c ON c.redemption_id = r.id"
        " WHERE r.community_id = ? ORDER BY r.id"
    ),
    "outbox": (
        "SELECT o.id, o.created_at, o.updated_at, o.recipient, o.kind, o.mode, o.state, o.parts_sent,"
        " o.parts_total, o.attempts, o.error_code, o.note, o.retry_of, o.content_sid,"
        " (SELECT group_concat(sid || ':' || status || coalesce(':' || error_code, ''), ' ') FROM"
        "   (SELECT * FROM outbox_sends s WHERE s.outbox_id = o.id ORDER BY s.part) AS x) AS deliveries,"
        " o.body FROM outbox o WHERE o.community_id = ? ORDER BY o.id"
    ),
    "deliveries": (
        "SELECT d.id, d.created_at, d.updated_at, d.kind, coalesce(d.recipient, 'member:' || d.member_id,"
        " '#' || d.channel) AS recipient, d.platform, d.state, d.attempts, d.note,"
        " json_extract(d.payload, '$.text') AS text FROM deliveries d WHERE d.community_id = ? ORDER BY d.id"
    ),
    "polls": (
        "SELECT p.id, p.question, (SELECT group_concat(label, ' | ') FROM (SELECT label FROM poll_options o"
        " WHERE o.poll_id = p.id ORDER BY position) AS x) AS options, p.max_picks, p.anonymous, p.hidden,"
        " p.channel, p.min_level, p.segment, p.points, p.announce, p.deadline, p.state, p.late, p.closed_at,"
        " p.created_at, (SELECT count(*) FROM poll_ballots b WHERE b.poll_id = p.id) AS voters"
        " FROM polls p WHERE p.community_id = ? ORDER BY p.id"
    ),
    # One row per pick. For an anonymous poll nothing ties a row to a member: no handle, no time (a time
    # could be matched with the member's messages), and rows in option order, not in the order of voting.
    "votes": (
        "SELECT k.poll_id, k.position + 1 AS option_number, o.label AS option,"
        " CASE WHEN p.anonymous <> 0 THEN NULL ELSE m.handle END AS handle,"
        " CASE WHEN p.anonymous <> 0 THEN NULL ELSE b.changed_at END AS voted_at"
        " FROM poll_picks k JOIN polls p ON p.id = k.poll_id"
        " JOIN poll_options o ON o.poll_id = k.poll_id AND o.position = k.position"
        " JOIN poll_ballots b ON b.poll_id = k.poll_id AND b.member_id = k.member_id"
        " JOIN members m ON m.id = k.member_id WHERE p.community_id = ?"
        " ORDER BY k.poll_id, k.position, CASE WHEN p.anonymous <> 0 THEN NULL ELSE m.handle END"
    ),
    "unlocks": (
        "SELECT u.id, u.title, u.goal, u.pledges, u.state, u.reward, u.codes, u.deadline, u.unlocked_at,"
        " u.ended_at, u.created_at, (SELECT count(*) FROM unlock_codes c WHERE c.unlock_id = u.id"
        " AND c.member_id IS NOT NULL) AS codes_given FROM unlocks u WHERE u.community_id = ? ORDER BY u.id"
    ),
    "challenges": (
        "SELECT c.id, c.title, c.state, c.starts_at, c.ends_at, c.points, c.per_member, c.review, c.blind,"
        " c.bonus, (SELECT group_concat(m.handle, ' ') FROM (SELECT w.member_id FROM challenge_winners w"
        " WHERE w.challenge_id = c.id ORDER BY w.place) x JOIN members m ON m.id = x.member_id) AS winners"
        " FROM challenges c WHERE c.community_id = ? ORDER BY c.id"
    ),
    "submissions": (
        "SELECT s.id, s.challenge_id, m.handle, s.state, s.reason, s.created_at, s.reviewed_at, s.text"
        " FROM challenge_submissions s JOIN challenges c ON c.id = s.challenge_id"
        " JOIN members m ON m.id = s.member_id WHERE c.community_id = ? ORDER BY s.id"
    ),
    "ideas": (
        "SELECT i.id, m.handle, i.status, i.backers, i.note, i.created_at, i.changed_at, i.text"
        " FROM ideas i JOIN members m ON m.id = i.member_id WHERE i.community_id = ? ORDER BY i.id"
    ),
    "sessions": (
        "SELECT s.id, s.title, s.start, s.length_minutes, s.place, s.capacity, s.going, s.waiting, s.state,"
        " s.points, (SELECT count(*) FROM session_attendance a WHERE a.session_id = s.id) AS attended,"
        " s.created_at FROM sessions s WHERE s.community_id = ? ORDER BY s.start, s.id"
    ),
    "rsvps": (
        "SELECT r.session_id, m.handle, r.state, r.changed_at, EXISTS (SELECT 1 FROM session_attendance a"
        " WHERE a.session_id = r.session_id AND a.member_id = r.member_id) AS attended"
        " FROM session_rsvps r JOIN sessions s ON s.id = r.session_id JOIN members m ON m.id = r.member_id"
        " WHERE s.community_id = ? ORDER BY r.session_id, r.seq"
    ),
    "newsletters": (
        "SELECT i.number, i.state, i.since, i.until, i.items, i.created_at, (SELECT count(*)"
        " FROM broadcast_deliveries d JOIN broadcasts b ON b.id = d.broadcast_id"
        " WHERE b.community_id = i.community_id AND b.key = 'newsletter:' || i.id) AS whatsapp_reached"
        " FROM newsletter_issues i WHERE i.community_id = ? ORDER BY i.id"
    ),
    "referrals": (
        "SELECT r.newcomer_id, n.handle AS newcomer, r.referrer_id, f.handle AS referrer, r.via, r.state,"
        " r.ledger_id, r.created_at, r.updated_at FROM referrals r JOIN members n ON n.id = r.newcomer_id"
        " JOIN members f ON f.id = r.referrer_id WHERE r.community_id = ?"
        " ORDER BY r.created_at, r.newcomer_id"
    ),
    # NPS surveys: each run with how many it chose, asked and heard back from; the answers one per member
    # and survey, with the follow-up a detractor's answer opened (a forgotten member's reason is empty).
    # The health feature's nightly roll-up: one row per closed day (STATS and the dashboard read these), and
    # each member's engagement segment since when.
    "kpis": f"SELECT {_KPI_COLUMNS}, rolled_up_at FROM kpi_days WHERE community_id = ? ORDER BY day",
    "segments": (
        "SELECT m.handle, s.segment, s.since, a.last_day FROM member_segments s"
        " JOIN members m ON m.id = s.member_id"
        " LEFT JOIN member_activity a ON a.community_id = s.community_id AND a.member_id = s.member_id"
        " WHERE s.community_id = ? ORDER BY s.segment, s.since, m.handle"
    ),
    "nps_surveys": (
        "SELECT s.id, s.started_at, s.spread_days, s.chosen,"
        " (SELECT count(*) FROM nps_invites i WHERE i.survey_id = s.id AND i.state = 'asked') AS asked,"
        " (SELECT count(*) FROM nps_answers a WHERE a.survey_id = s.id) AS answers,"
        " (SELECT count(*) FROM nps_answers a WHERE a.survey_id = s.id AND a.score >= 9) AS promoters,"
        " (SELECT count(*) FROM nps_answers a WHERE a.survey_id = s.id AND a.score <= 6) AS detractors"
        " FROM nps_surveys s WHERE s.community_id = ? ORDER BY s.id"
    ),
    "nps_answers": (
        "SELECT a.survey_id, m.handle, a.score, a.answered_at, a.reason_at, f.id AS follow_up, f.done_at,"
        " a.reason FROM nps_answers a JOIN members m ON m.id = a.member_id"
        " LEFT JOIN nps_follow_ups f ON f.survey_id = a.survey_id AND f.member_id = a.member_id"
        " WHERE a.community_id = ? ORDER BY a.survey_id, a.answered_at, m.handle"
    ),
}


async def export_table(db: Database, community_id: int, name: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one export; KeyError for an unknown name."""
    sql = EXPORTS[name]
    return await db.fetch_columns(sql, (community_id,))
