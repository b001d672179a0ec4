"""Merging one member into another (LINK): every feature appends the SQL steps for its own tables.

Each step is one statement run with the named parameters :community, :source (the member that
disappears), :target (the member that carries on) and :now (UTC text). All steps run in one
transaction, in list order, so a merge happens completely or not at all.
"""

from __future__ import annotations

from datetime import datetime

from storage.sqlite.database import Database
from storage.sqlite.times import to_db

MERGE_STEPS: list[str] = [
    # The target keeps the earliest join date and becomes a full member if either was one.
    "UPDATE members SET"
    " joined_at = min(joined_at, (SELECT joined_at FROM members WHERE id = :source)),"
    " status = CASE WHEN (SELECT status FROM members WHERE id = :source) = 'member'"
    "   THEN 'member' ELSE status END"
    " WHERE community_id = :community AND id = :target",
    "UPDATE identities SET member_id = :target WHERE community_id = :community AND member_id = :source",
    # Codes the source asked for die with it; used ones stay as the audit trail.
    "DELETE FROM link_codes WHERE community_id = :community AND member_id = :source AND used_at IS NULL",
    "UPDATE link_codes SET member_id = :target WHERE community_id = :community AND member_id = :source",
    "UPDATE members SET status = 'left', left_at = :now, merged_into = :target"
    " WHERE community_id = :community AND id = :source",
    # Points (0002): the ledger keeps every entry, re-pointed; balances and monthly totals are summed
    # into the target once (re-pointing the ledger does not move totals) and the source's rows go.
    "UPDATE ledger SET member_id = :target WHERE community_id = :community AND member_id = :source",
    "UPDATE ledger SET actor_id = :target WHERE community_id = :community AND actor_id = :source",
    "INSERT INTO balances (community_id, member_id, balance, earned, listed)"
    " SELECT community_id, :target, balance, earned, 1 FROM balances"
    " WHERE community_id = :community AND member_id = :source"
    " ON CONFLICT (community_id, member_id) DO UPDATE"
    " SET balance = balance + excluded.balance, earned = earned + excluded.earned",
    "DELETE FROM balances WHERE community_id = :community AND member_id = :source",
    "INSERT INTO monthly_points (community_id, month, member_id, earned)"
    " SELECT community_id, month, :target, earned FROM monthly_points"
    " WHERE community_id = :community AND member_id = :source"
    " ON CONFLICT (community_id, month, member_id) DO UPDATE SET earned = earned + excluded.earned",
    "DELETE FROM monthly_points WHERE community_id = :community AND member_id = :source",
    "UPDATE redemptions SET member_id = :target WHERE community_id = :community AND member_id = :source",
    "UPDATE redemptions SET fulfilled_by = :target"
    " WHERE community_id = :community AND fulfilled_by = :source",
    # Onboarding (0005): the target keeps its own progress, answers and codes where it has them; the
    # source's referrals and introductions (as referrer, newcomer or introducer) follow the person.
    "INSERT OR IGNORE INTO onboarding"
    " (community_id, member_id, agreed_at, asking, answered_at, introduced_at)"
    " SELECT community_id, :target, agreed_at, asking, answered_at, introduced_at FROM onboarding"
    " WHERE community_id = :community AND member_id = :source",
    "DELETE FROM onboarding WHERE community_id = :community AND member_id = :source",
    "UPDATE OR IGNORE onboarding_answers SET member_id = :target"
    " WHERE community_id = :community AND member_id = :source",
    "DELETE FROM onboarding_answers WHERE community_id = :community AND member_id = :source",
    "UPDATE OR IGNORE referral_codes SET member_id = :target"
    " WHERE community_id = :community AND member_id = :source",
    "DELETE FROM referral_codes WHERE community_id = :community AND member_id = :source",
    "DELETE FROM referrals WHERE community_id = :community"
    " AND ((newcomer_id = :source AND referrer_id = :target)"
    "   OR (newcomer_id = :target AND referrer_id = :source))",
    "UPDATE OR IGNORE referrals SET newcomer_id = :target"
    " WHERE community_id = :community AND newcomer_id = :source",
    "DELETE FROM referrals WHERE community_id = :community AND newcomer_id = :source",
    "UPDATE referrals SET referrer_id = :target WHERE community_id = :community AND referrer_id = :source",
    "UPDATE introductions SET introducer_id = :target"
    " WHERE community_id = :community AND introducer_id = :source",
    "UPDATE introductions SET newcomer_id = :target"
    " WHERE community_id = :community AND newcomer_id = :source",
]


async def merge_members(db: Database, community_id: int, source: int, target: int, now: datetime) -> None:
    if source == target:
        raise ValueError("a member cannot be merged into itself")
    params = {"community": community_id, "source": source, "target": target, "now": to_db(now)}
    async with db.transaction():
        for step in MERGE_STEPS:
            await db.execute(step, params)
