"""The PostgreSQL migrations' triggers and rewritten CHECKs refuse and count as the SQLite ones do.

The same SQL scenarios run on both engines (each in a transaction rolled back), so a trigger or CHECK that
behaves differently shows as a different outcome.
"""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest

SEED = [
    "INSERT INTO communities (id, slug, created_at) VALUES (100, 'parity', 't')",
    "INSERT INTO members (id, community_id, handle, display_name, status, joined_at)"
    " VALUES (101, 100, 'ann', 'Ann', 'member', 't'), (102, 100, 'bob', 'Bob', 'member', 't'),"
    " (103, 100, 'cy', 'Cy', 'member', 't')",
]

APPEND_ONLY = "the ledger is append-only"
NOT_OPEN = "poll is not open"
NO_RSVP = "session takes no RSVPs"
WAITLIST = "the waitlist comes first"


def rsvp(session: int, member: int, state: str, seq: int) -> str:
    return (
        "INSERT INTO session_rsvps (session_id, member_id, state, seq, changed_at)"
        f" VALUES ({session}, {member}, '{state}', {seq}, 't')"
    )


Step = str | tuple[str, str]
"""A statement, or a statement and how it is refused: a trigger's message, or `check`, `foreign key`..."""

SCENARIOS: dict[str, list[Step]] = {
    "ledger": [
        "INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, actor_identity, source,"
        " created_at, month)"
        " VALUES (200, 100, 101, 5, 'kudos', 'thanks', 'console:bob', 's1', 't', '2026-01')",
        ("UPDATE ledger SET delta = 6 WHERE id = 200", APPEND_ONLY),
        ("UPDATE ledger SET source = 's2' WHERE id = 200", APPEND_ONLY),
        (
            "UPDATE ledger SET reason = 'other' WHERE id = 200",
            "ledger texts can only be erased (when a member is forgotten)",
        ),
        (
            "UPDATE ledger SET actor_identity = 'x' WHERE id = 200",
            "ledger texts can only be erased (when a member is forgotten)",
        ),
        "UPDATE ledger SET reason = '', actor_identity = NULL WHERE id = 200",
        "UPDATE ledger SET member_id = 102, actor_id = 103 WHERE id = 200",
        ("DELETE FROM ledger WHERE id = 200", APPEND_ONLY),
        "SELECT member_id, delta, reason, actor_identity FROM ledger WHERE id = 200",
    ],
    "polls": [
        "INSERT INTO polls (id, community_id, question, max_picks, multiple, anonymous, hidden, channel,"
        " deadline, state, created_at) VALUES (300, 100, 'Q', 2, 1, 0, 0, 'general', 't', 'open', 't'),"
        " (301, 100, 'Q', 1, 0, 0, 0, 'general', 't', 'closed', 't')",
        "INSERT INTO poll_options (poll_id, position, label)"
        " VALUES (300, 1, 'a'), (300, 2, 'b'), (300, 3, 'c'), (301, 1, 'a')",
        "INSERT INTO poll_ballots (poll_id, member_id, voted_at, changed_at) VALUES (300, 101, 't', 't')",
        (
            "INSERT INTO poll_ballots (poll_id, member_id, voted_at, changed_at) VALUES (301, 101, 't', 't')",
            NOT_OPEN,
        ),
        "INSERT INTO poll_picks (poll_id, member_id, position) VALUES (300, 101, 1), (300, 101, 2)",
        (
            "INSERT INTO poll_picks (poll_id, member_id, position) VALUES (300, 101, 3)",
            "more picks than the poll allows",
        ),
        "INSERT INTO poll_ballots (poll_id, member_id, voted_at, changed_at) VALUES (300, 102, 't', 't')",
        "INSERT INTO poll_picks (poll_id, member_id, position) VALUES (300, 102, 1)",
        "SELECT voters FROM polls WHERE id = 300",
        "SELECT position, votes FROM poll_options WHERE poll_id = 300 ORDER BY position",
        "DELETE FROM poll_ballots WHERE poll_id = 300 AND member_id = 101",  # its picks go by the cascade
        "UPDATE poll_ballots SET member_id = 103 WHERE poll_id = 300 AND member_id = 102",  # a merge
        "SELECT member_id, position FROM poll_picks WHERE poll_id = 300",
        "SELECT voters FROM polls WHERE id = 300",
        "SELECT position, votes FROM poll_options WHERE poll_id = 300 ORDER BY position",
        "UPDATE polls SET state = 'closed' WHERE id = 300",
        ("INSERT INTO poll_picks (poll_id, member_id, position) VALUES (300, 103, 2)", NOT_OPEN),
    ],
    "unlocks": [
        "INSERT INTO unlocks (id, community_id, title, goal, reward, channel, deadline, state, created_at)"
        " VALUES (400, 100, 'U', 2, 'r', 'general', 't', 'open', 't'),"
        " (401, 100, 'U', 2, 'r', 'general', 't', 'expired', 't')",
        "INSERT INTO unlock_pledges (unlock_id, member_id, pledged_at)"
        " VALUES (400, 101, 't'), (400, 102, 't')",
        (
            "INSERT INTO unlock_pledges (unlock_id, member_id, pledged_at) VALUES (401, 101, 't')",
            "unlock takes no pledges",
        ),
        "SELECT pledges FROM unlocks WHERE id = 400",
        "DELETE FROM unlock_pledges WHERE unlock_id = 400 AND member_id = 101",
        "SELECT pledges FROM unlocks WHERE id = 400",
    ],
    "ideas": [
        "INSERT INTO ideas (id, community_id, member_id, text, status, created_at)"
        " VALUES (500, 100, 101, 'idea', 'new', 't'), (501, 100, 101, 'old', 'shipped', 't')",
        "INSERT INTO idea_backers (idea_id, member_id, backed_at) VALUES (500, 102, 't'), (500, 103, 't')",
        (
            "INSERT INTO idea_backers (idea_id, member_id, backed_at) VALUES (500, 101, 't')",
            "a member cannot back their own idea",
        ),
        (
            "INSERT INTO idea_backers (idea_id, member_id, backed_at) VALUES (501, 102, 't')",
            "idea is not open",
        ),
        "SELECT backers FROM ideas WHERE id = 500",
        "DELETE FROM idea_backers WHERE idea_id = 500 AND member_id = 102",
        "SELECT backers FROM ideas WHERE id = 500",
    ],
    "challenges": [
        "INSERT INTO challenges (id, community_id, title, description, starts_at, ends_at, review, channel,"
        " state, created_at) VALUES (600, 100, 'C', 'd', 't', 't', 'auto', 'general', 'open', 't'),"
        " (601, 100, 'C', 'd', 't', 't', 'auto', 'general', 'closed', 't')",
        "INSERT INTO challenge_submissions (id, challenge_id, member_id, text, state, created_at)"
        " VALUES (610, 600, 101, 'x', 'pending', 't')",
        (
            "INSERT INTO challenge_submissions (id, challenge_id, member_id, text, state, created_at)"
            " VALUES (611, 601, 101, 'x', 'pending', 't')",
            "challenge takes no submissions",
        ),
        "SELECT id FROM challenge_submissions WHERE challenge_id IN (600, 601)",
    ],
    "sessions": [
        "INSERT INTO sessions (id, community_id, title, start, length_minutes, place, capacity, channel,"
        " code, state, created_at, changed_at)"
        " VALUES (700, 100, 'S', 't', 60, 'here', 1, 'general', 'c', 'scheduled', 't', 't'),"
        " (701, 100, 'S', 't', 60, 'here', 1, 'general', 'c', 'cancelled', 't', 't')",
        "SELECT length(calendar_key), trim(calendar_key, '0123456789abcdef') FROM sessions WHERE id = 700",
        rsvp(700, 101, "going", 1),
        (
            rsvp(700, 102, "going", 2),
            "check",
        ),
        rsvp(700, 102, "waiting", 2),
        (
            rsvp(700, 103, "going", 3),
            WAITLIST,
        ),
        (
            rsvp(701, 103, "going", 3),
            NO_RSVP,
        ),
        rsvp(701, 103, "cancelled", 3),
        ("UPDATE session_rsvps SET state = 'going' WHERE session_id = 701 AND member_id = 103", NO_RSVP),
        "UPDATE session_rsvps SET state = 'cancelled' WHERE session_id = 700 AND member_id = 101",
        rsvp(700, 103, "waiting", 3),
        "SELECT going, waiting FROM sessions WHERE id = 700",
        ("UPDATE session_rsvps SET state = 'going' WHERE session_id = 700 AND member_id = 103", WAITLIST),
        "UPDATE session_rsvps SET state = 'going' WHERE session_id = 700 AND member_id = 102",
        "SELECT going, waiting FROM sessions WHERE id = 700",
        "DELETE FROM session_rsvps WHERE session_id = 700 AND member_id = 102",
        "SELECT going, waiting FROM sessions WHERE id = 700",
    ],
    "rewritten checks": [
        "INSERT INTO deliveries (id, community_id, kind, recipient, payload, next_attempt_at, created_at,"
        " updated_at) VALUES (800, 100, 'k', 'console:ann', '{}', 't', 't', 't')",
        (
            "INSERT INTO deliveries (id, community_id, kind, recipient, member_id, payload, next_attempt_at,"
            " created_at, updated_at) VALUES (801, 100, 'k', 'console:ann', 101, '{}', 't', 't', 't')",
            "check",
        ),
        "INSERT INTO broadcasts (id, community_id, key, platform, kind, messages, created_at)"
        """ VALUES (810, 100, 'b1', 'discord', 'k', '{"en": ["hi"]}', 't')""",
        (
            "INSERT INTO broadcasts (id, community_id, key, platform, kind, messages, created_at)"
            " VALUES (811, 100, 'b2', 'discord', 'k', '{en: hi', 't')",
            "check",
        ),
        "INSERT INTO jobs (id, community_id, kind, run_at, state) VALUES (820, 100, 'k', 't', 'missed')",
        (
            "INSERT INTO jobs (id, community_id, kind, run_at, state) VALUES (821, 100, 'k', 't', 'asleep')",
            "check",
        ),
        ("INSERT INTO jobs (id, community_id, kind, run_at, late) VALUES (822, 100, 'k', 't', 2)", "check"),
        "SELECT payload, state, attempts, late FROM jobs WHERE id = 820",
        (
            "INSERT INTO newsletter_issues (id, community_id, number, state, since, until, texts, summaries,"
            " items, created_at) VALUES (830, 100, NULL, 'sent', 'a', 'b', '{}', '{}', 0, 't')",
            "check",
        ),
        (
            "INSERT INTO newsletter_picks (id, community_id, kind, text, state, created_at)"
            " VALUES (831, 100, 'added', '   ', 'approved', 't')",
            "check",
        ),
    ],
}

SQLITE_REFUSALS = {
    "CHECK constraint failed": "check",
    "FOREIGN KEY constraint failed": "foreign key",
    "UNIQUE constraint failed": "unique",
    "NOT NULL constraint failed": "not null",
}
PG_REFUSALS: dict[type[Exception], str] = {
    asyncpg.CheckViolationError: "check",
    asyncpg.ForeignKeyViolationError: "foreign key",
    asyncpg.UniqueViolationError: "unique",
    asyncpg.NotNullViolationError: "not null",
}


def _sqlite_outcome(conn: sqlite3.Connection, sql: str) -> object:
    try:
        return [tuple(row) for row in conn.execute(sql).fetchall()]
    except sqlite3.IntegrityError as error:
        message = str(error)
        return next((kind for prefix, kind in SQLITE_REFUSALS.items() if message.startswith(prefix)), message)


async def _pg_outcome(conn: asyncpg.Connection, sql: str) -> object:
    try:
        async with conn.transaction():  # a savepoint: a refused statement leaves the scenario going
            return [tuple(row.values()) for row in await conn.fetch(sql)]
    except asyncpg.IntegrityConstraintViolationError as error:
        kind = PG_REFUSALS.get(type(error))
        if kind is None:  # a trigger's: SQLSTATE 23000 itself, as SQLite's RAISE(ABORT) is a constraint error
            assert error.sqlstate == "23000"
            return str(error)
        return kind


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_triggers_and_checks_behave_as_in_sqlite(
    scenario: str, pg: asyncpg.Connection, lite: sqlite3.Connection
) -> None:
    steps = [(step, None) if isinstance(step, str) else step for step in [*SEED, *SCENARIOS[scenario]]]
    lite.execute("BEGIN")
    outer = pg.transaction()
    await outer.start()
    try:
        expected = [_sqlite_outcome(lite, sql) for sql, _ in steps]
        actual = [await _pg_outcome(pg, sql) for sql, _ in steps]
    finally:
        await outer.rollback()
        lite.execute("ROLLBACK")
    # the scenario does what it says in SQLite (each refusal where it is written), and PostgreSQL the same
    assert [outcome if isinstance(outcome, str) else None for outcome in expected] == [
        refusal for _, refusal in steps
    ]
    assert actual == expected
