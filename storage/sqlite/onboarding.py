"""Onboarding progress, answers, referral codes and invites, referrals and introductions."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from handlers.onboarding._ports import (
    ONBOARDING,
    Answer,
    Arrivals,
    Introduction,
    Progress,
    Referral,
    ReferralState,
)
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.kernel import IDENTITIES_OF_MEMBER
from storage.sqlite.times import from_db, from_db_optional, to_db

CODE = "code"
"""The `platform` of a member's own referral code (personal invites carry their platform's name)."""


def _referral(row: aiosqlite.Row) -> Referral:
    return Referral(
        row["newcomer_id"],
        row["handle"],
        row["referrer_id"],
        row["via"],
        ReferralState(row["state"]),
        row["ledger_id"],
        from_db(row["created_at"]),
    )


def _introduction(row: aiosqlite.Row | None) -> Introduction | None:
    if row is None:
        return None
    return Introduction(
        row["id"],
        row["introducer_id"],
        row["invitee"],
        row["why"],
        row["newcomer_id"],
        from_db(row["created_at"]),
    )


_INTRODUCTION = "SELECT id, introducer_id, invitee, why, newcomer_id, created_at FROM introductions"


class SqliteOnboarding:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    # -- progress and answers ------------------------------------------------------------------

    async def progress(self, member_id: int) -> Progress | None:
        row = await self.db.fetch_one(
            "SELECT agreed_at, asking, answered_at, introduced_at FROM onboarding"
            " WHERE community_id = ? AND member_id = ?",
            (self.community_id, member_id),
        )
        if row is None:
            return None
        return Progress(
            member_id,
            from_db_optional(row["agreed_at"]),
            row["asking"],
            from_db_optional(row["answered_at"]),
            from_db_optional(row["introduced_at"]),
        )

    async def begin(self, member_id: int) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO onboarding (community_id, member_id) VALUES (?, ?)",
            (self.community_id, member_id),
        )

    async def agree(self, member_id: int, now: datetime) -> bool:
        await self.begin(member_id)
        changed = await self.db.execute(
            "UPDATE onboarding SET agreed_at = ?"
            " WHERE community_id = ? AND member_id = ? AND agreed_at IS NULL",
            (to_db(now), self.community_id, member_id),
        )
        return changed == 1

    async def ask(self, member_id: int, question: str | None, now: datetime) -> None:
        await self.begin(member_id)
        await self.db.execute(
            "UPDATE onboarding SET asking = ?,"
            " answered_at = CASE WHEN ? IS NULL THEN coalesce(answered_at, ?) ELSE answered_at END"
            " WHERE community_id = ? AND member_id = ?",
            (question, question, to_db(now), self.community_id, member_id),
        )

    async def introduced(self, member_id: int, now: datetime) -> bool:
        await self.begin(member_id)
        changed = await self.db.execute(
            "UPDATE onboarding SET introduced_at = ?"
            " WHERE community_id = ? AND member_id = ? AND introduced_at IS NULL",
            (to_db(now), self.community_id, member_id),
        )
        return changed == 1

    async def answers(self, member_id: int) -> list[Answer]:
        rows = await self.db.fetch_all(
            "SELECT question, answer, segment FROM onboarding_answers"
            " WHERE community_id = ? AND member_id = ? ORDER BY question",
            (self.community_id, member_id),
        )
        return [Answer(row["question"], row["answer"], row["segment"]) for row in rows]

    async def answer(
        self, member_id: int, question: str, answer: str | None, segment: str | None, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO onboarding_answers (community_id, member_id, question, answer, segment, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (community_id, member_id, question) DO UPDATE"
            " SET answer = excluded.answer, segment = excluded.segment, answered_at = excluded.answered_at",
            (self.community_id, member_id, question, answer, segment, to_db(now)),
        )

    # -- codes and invites ---------------------------------------------------------------------

    async def code_of(self, member_id: int) -> str | None:
        return await self.invite_of(member_id, CODE)

    async def add_code(self, member_id: int, code: str, now: datetime) -> bool:
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO referral_codes (community_id, code, platform, member_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (self.community_id, code, CODE, member_id, to_db(now)),
        )
        return changed == 1

    async def member_by_code(self, code: str) -> int | None:
        row = await self.db.fetch_one(
            "SELECT member_id FROM referral_codes WHERE community_id = ? AND code = ?",
            (self.community_id, code),
        )
        return None if row is None else row["member_id"]

    async def invite_of(self, member_id: int, platform: str) -> str | None:
        row = await self.db.fetch_one(
            "SELECT code FROM referral_codes WHERE community_id = ? AND member_id = ? AND platform = ?",
            (self.community_id, member_id, platform),
        )
        return None if row is None else row["code"]

    async def add_invite(self, member_id: int, platform: str, code: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO referral_codes (community_id, code, platform, member_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (self.community_id, code, platform, member_id, to_db(now)),
        )

    # -- referrals -----------------------------------------------------------------------------

    async def refer(self, newcomer_id: int, referrer_id: int, via: str, now: datetime) -> bool:
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO referrals (community_id, newcomer_id, referrer_id, via, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (self.community_id, newcomer_id, referrer_id, via, to_db(now), to_db(now)),
        )
        return changed == 1

    async def referral(self, newcomer_id: int) -> Referral | None:
        row = await self.db.fetch_one(
            "SELECT r.*, m.handle FROM referrals r JOIN members m ON m.id = r.newcomer_id"
            " WHERE r.community_id = ? AND r.newcomer_id = ?",
            (self.community_id, newcomer_id),
        )
        return None if row is None else _referral(row)

    async def set_referral(
        self, newcomer_id: int, state: ReferralState, now: datetime, ledger_id: int | None = None
    ) -> None:
        await self.db.execute(
            "UPDATE referrals SET state = ?, ledger_id = coalesce(?, ledger_id), updated_at = ?"
            " WHERE community_id = ? AND newcomer_id = ?",
            (state.value, ledger_id, to_db(now), self.community_id, newcomer_id),
        )

    async def referrals_by(self, referrer_id: int, limit: int) -> list[Referral]:
        rows = await self.db.fetch_all(
            "SELECT r.*, m.handle FROM referrals r JOIN members m ON m.id = r.newcomer_id"
            " WHERE r.community_id = ? AND r.referrer_id = ? ORDER BY r.created_at DESC, r.newcomer_id DESC"
            " LIMIT ?",
            (self.community_id, referrer_id, limit),
        )
        return [_referral(row) for row in rows]

    # -- introductions -------------------------------------------------------------------------

    async def introduce(
        self, introducer_id: int, invitee: str, why: str, newcomer_id: int | None, now: datetime
    ) -> Introduction | None:
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO introductions"
            " (community_id, introducer_id, invitee, why, newcomer_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (self.community_id, introducer_id, invitee, why, newcomer_id, to_db(now)),
        )
        return await self.introduction_for(invitee) if changed == 1 else None

    async def introduction_for(self, invitee: str) -> Introduction | None:
        row = await self.db.fetch_one(
            f"{_INTRODUCTION} WHERE community_id = ? AND invitee = ?", (self.community_id, invitee)
        )
        return _introduction(row)

    async def introduction_of(self, newcomer_id: int) -> Introduction | None:
        row = await self.db.fetch_one(
            f"{_INTRODUCTION} WHERE community_id = ? AND newcomer_id = ? ORDER BY id LIMIT 1",
            (self.community_id, newcomer_id),
        )
        return _introduction(row)

    async def arrived(self, introduction_id: int, newcomer_id: int) -> None:
        await self.db.execute(
            "UPDATE introductions SET newcomer_id = ? WHERE community_id = ? AND id = ?",
            (newcomer_id, self.community_id, introduction_id),
        )

    async def waiting_introductions(self, introducer_id: int) -> int:
        row = await self.db.fetch_one(
            "SELECT count(*) FROM introductions"
            " WHERE community_id = ? AND introducer_id = ? AND newcomer_id IS NULL",
            (self.community_id, introducer_id),
        )
        return 0 if row is None else row[0]

    async def week(self, since: datetime, until: datetime, limit: int) -> Arrivals:
        span = (self.community_id, to_db(since), to_db(until))
        joined = await self.db.fetch_all(
            "SELECT handle FROM members WHERE community_id = ? AND joined_at >= ? AND joined_at < ?"
            " AND status = 'member' ORDER BY joined_at, id",
            span,
        )
        introduced = await self.db.fetch_all(
            "SELECT n.handle, i.handle FROM introductions x JOIN members n ON n.id = x.newcomer_id"
            " JOIN members i ON i.id = x.introducer_id WHERE x.community_id = ? AND n.joined_at >= ?"
            " AND n.joined_at < ? AND n.status = 'member' ORDER BY n.joined_at, x.id LIMIT ?",
            (*span, limit),
        )
        presented = await self.db.fetch_one(
            "SELECT count(*) FROM onboarding"
            " WHERE community_id = ? AND introduced_at >= ? AND introduced_at < ?",
            span,
        )
        return Arrivals(
            joined=[row[0] for row in joined[:limit]],
            joined_count=len(joined),
            introduced=[(row[0], row[1]) for row in introduced],
            presented=0 if presented is None else int(presented[0]),
        )


STORAGE = FeatureStorage(
    repositories=(bind(ONBOARDING, SqliteOnboarding),),
    migrations=("0005_onboarding",),
    merge_steps=(
        # The target keeps its own progress, answers and codes where it has them; the source's referrals
        # and introductions (as referrer, newcomer or introducer) follow the person.
        "INSERT OR IGNORE INTO onboarding"
        " (community_id, member_id, agreed_at, asking, answered_at, introduced_at)"
        " SELECT community_id, :target, agreed_at, asking, answered_at, introduced_at FROM onboarding"
        " WHERE community_id = :community AND member_id = :source",
        "DELETE FROM onboarding WHERE community_id = :community AND member_id = :source",
        # Each row moves unless the target already has its key (what UPDATE OR IGNORE did, in SQL that
        # PostgreSQL runs too); what stays is deleted next.
        "UPDATE onboarding_answers SET member_id = :target"
        " WHERE community_id = :community AND member_id = :source AND NOT EXISTS (SELECT 1 FROM"
        " onboarding_answers o WHERE o.community_id = :community AND o.member_id = :target"
        " AND o.question = onboarding_answers.question)",
        "DELETE FROM onboarding_answers WHERE community_id = :community AND member_id = :source",
        "UPDATE referral_codes SET member_id = :target"
        " WHERE community_id = :community AND member_id = :source AND NOT EXISTS (SELECT 1 FROM"
        " referral_codes o WHERE o.community_id = :community AND o.member_id = :target"
        " AND o.platform = referral_codes.platform)",
        "DELETE FROM referral_codes WHERE community_id = :community AND member_id = :source",
        "DELETE FROM referrals WHERE community_id = :community"
        " AND ((newcomer_id = :source AND referrer_id = :target)"
        "   OR (newcomer_id = :target AND referrer_id = :source))",
        "UPDATE referrals SET newcomer_id = :target"
        " WHERE community_id = :community AND newcomer_id = :source AND NOT EXISTS (SELECT 1 FROM"
        " referrals o WHERE o.community_id = :community AND o.newcomer_id = :target)",
        "DELETE FROM referrals WHERE community_id = :community AND newcomer_id = :source",
        "UPDATE referrals SET referrer_id = :target"
        " WHERE community_id = :community AND referrer_id = :source",
        "UPDATE introductions SET introducer_id = :target"
        " WHERE community_id = :community AND introducer_id = :source",
        "UPDATE introductions SET newcomer_id = :target"
        " WHERE community_id = :community AND newcomer_id = :source",
    ),
    forget_steps=(
        "DELETE FROM onboarding_answers WHERE community_id = :community AND member_id = :member",
        # Codes and invites are made from the member's handle; referrals stay (who brought how many).
        "DELETE FROM referral_codes WHERE community_id = :community AND member_id = :member",
        "UPDATE introductions SET why = '' WHERE community_id = :community"
        " AND (introducer_id = :member OR newcomer_id = :member)",
        "UPDATE introductions SET invitee = 'forgotten:' || id WHERE community_id = :community"
        f" AND (invitee IN ({IDENTITIES_OF_MEMBER}) OR invitee = 'member:' || :member)",
    ),
)
