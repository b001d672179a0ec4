"""One member's own data, for `communitybot export member` (a member's access request).

Like `storage/sqlite/export.py`, each section is one query scoped to the community, here also to the member;
a section whose tables this database does not have (a feature not installed yet) is left out. What is
another member's (their names, numbers, the texts they wrote) is not given: a row says what the member did
and what was done to them (who awarded points: a handle, as the community sees it on the board).

Anonymous polls: the export names the poll and says the member voted, never what they picked. The file
goes through an admin's hands to reach the member, and an anonymous poll promised that nobody, admins
included, would see who picked what; the member's own choice is no personal data the bot used about them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from storage.sql import Database

MEMBER_SECTIONS: dict[str, str] = {
    "profile": (
        "SELECT m.id, m.handle, m.display_name, m.status, m.joined_at, m.left_at, m.language, m.timezone,"
        " b.balance, b.earned, o.agreed_at, o.answered_at AS onboarded_at, o.introduced_at"
        " FROM members m LEFT JOIN balances b ON b.community_id = m.community_id AND b.member_id = m.id"
        " LEFT JOIN onboarding o ON o.community_id = m.community_id AND o.member_id = m.id"
        " WHERE m.community_id = :community AND m.id = :member"
    ),
    "identities": (
        "SELECT identity, created_at, last_seen_at FROM identities"
        " WHERE community_id = :community AND member_id = :member ORDER BY identity"
    ),
    "consent": (
        "SELECT c.identity, c.opted_in, c.source, c.at FROM consent_events c"
        " JOIN identities i ON i.community_id = c.community_id AND i.identity = c.identity"
        " WHERE c.community_id = :community AND i.member_id = :member ORDER BY c.id"
    ),
    "onboarding_answers": (
        "SELECT question, answer, segment, answered_at FROM onboarding_answers"
        " WHERE community_id = :community AND member_id = :member ORDER BY question"
    ),
    "segments": (
        "SELECT segment, since FROM member_segments WHERE community_id = :community AND member_id = :member"
        " ORDER BY segment"
    ),
    "referral_codes": (
        "SELECT code, platform, created_at FROM referral_codes"
        " WHERE community_id = :community AND member_id = :member ORDER BY code"
    ),
    "referred": (
        "SELECT via, state, created_at FROM referrals"
        " WHERE community_id = :community AND newcomer_id = :member"
    ),
    "introductions": (
        "SELECT why, created_at FROM introductions"
        " WHERE community_id = :community AND introducer_id = :member ORDER BY id"
    ),
    "ledger": (
        # Who moved the points: a member by handle; a moderator who is no member by role only (their
        # platform identity, a phone number perhaps, is theirs, not this member's).
        "SELECT l.id, l.delta, l.kind, l.reason,"
        " CASE WHEN a.handle IS NOT NULL THEN a.handle WHEN l.actor_identity IS NOT NULL THEN 'moderator'"
        " END AS actor, l.created_at, l.month, l.reverses"
        " FROM ledger l LEFT JOIN members a ON a.id = l.actor_id"
        " WHERE l.community_id = :community AND l.member_id = :member ORDER BY l.id"
    ),
    "votes": (
        "SELECT p.id AS poll_id, p.question, CASE WHEN p.anonymous <> 0 THEN 1 ELSE 0 END AS anonymous,"
        " CASE WHEN p.anonymous <> 0 THEN NULL ELSE (SELECT group_concat(label, ' | ') FROM (SELECT o.label"
        "  FROM poll_picks k JOIN poll_options o ON o.poll_id = k.poll_id AND o.position = k.position"
        "  WHERE k.poll_id = b.poll_id AND k.member_id = b.member_id ORDER BY k.position) AS x)"
        " END AS picked,"
        " CASE WHEN p.anonymous <> 0 THEN NULL ELSE b.changed_at END AS voted_at"
        " FROM poll_ballots b JOIN polls p ON p.id = b.poll_id"
        " WHERE p.community_id = :community AND b.member_id = :member ORDER BY p.id"
    ),
    "rsvps": (
        "SELECT s.id AS session_id, s.title, s.start, r.state, r.changed_at FROM session_rsvps r"
        " JOIN sessions s ON s.id = r.session_id WHERE s.community_id = :community AND r.member_id = :member"
        " ORDER BY s.start"
    ),
    "submissions": (
        "SELECT s.id, c.title AS challenge, s.text, s.state, s.reason, s.created_at, s.reviewed_at"
        " FROM challenge_submissions s JOIN challenges c ON c.id = s.challenge_id"
        " WHERE c.community_id = :community AND s.member_id = :member ORDER BY s.id"
    ),
    "ideas": (
        "SELECT id, text, status, note, backers, created_at, changed_at FROM ideas"
        " WHERE community_id = :community AND member_id = :member ORDER BY id"
    ),
    "ideas_backed": (
        "SELECT b.idea_id, b.backed_at FROM idea_backers b JOIN ideas i ON i.id = b.idea_id"
        " WHERE i.community_id = :community AND b.member_id = :member ORDER BY b.idea_id"
    ),
    "redemptions": (
        "SELECT r.id, i.name AS item, r.cost, r.state, c.code, r.created_at, r.fulfilled_at"
        " FROM redemptions r JOIN shop_items i ON i.id = r.item_id"
        " LEFT JOIN shop_codes c ON c.redemption_id = r.id"
        " WHERE r.community_id = :community AND r.member_id = :member ORDER BY r.id"
    ),
    "pledges": (
        "SELECT u.id AS unlock_id, u.title, p.pledged_at FROM unlock_pledges p"
        " JOIN unlocks u ON u.id = p.unlock_id"
        " WHERE u.community_id = :community AND p.member_id = :member ORDER BY u.id"
    ),
    "nps_answers": (
        "SELECT survey_id, score, reason, answered_at FROM nps_answers"
        " WHERE community_id = :community AND member_id = :member ORDER BY survey_id"
    ),
    "circles": (
        "SELECT c.name, m.joined_at FROM circle_members m JOIN circles c ON c.id = m.circle_id"
        " WHERE c.community_id = :community AND m.member_id = :member ORDER BY c.name"
    ),
}


async def export_member(db: Database, community_id: int, member_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every section this database has, as lists of rows (column name to value)."""
    params = {"community": community_id, "member": member_id}
    found: dict[str, list[dict[str, Any]]] = {}
    for name, sql in MEMBER_SECTIONS.items():
        try:
            rows = await db.fetch_all(sql, params)
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                continue
            raise
        found[name] = [dict(zip(row.keys(), tuple(row), strict=True)) for row in rows]
    return found
