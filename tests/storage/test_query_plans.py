"""Query plans with the planner's statistics present (as `PRAGMA optimize` leaves them on a database that
has lived a while): the start-up and hot queries read through indexes and never walk the whole ledger.

The community is benchmarks/scale.py's (2,000 members, 50 ledger entries each, most of them chat activity,
a year of them; then ANALYZE). Every statement the real bot runs while it starts and answers the hot
commands is captured (SQLite's trace callback) and explained; the named queries are also checked one by one.
With 5,000,000 entries instead of 100,000 the same plans hold: the statistics' shape is what matters.
"""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from benchmarks.scale import MODERATOR, NOW, prepare
from bot.app import Application
from bot.console.adapter import ConsolePrinter
from config.community import load_community
from config.settings import Settings
from handlers.events import DirectMessage
from handlers.models import Identity
from handlers.points._ports import POINTS
from storage.sqlite.database import OPTIMIZE, Database
from storage.store import Store

MEMBERS = 2_000
BIG = ("ledger", "members", "identities", "balances", "monthly_points", "outbox", "deliveries", "jobs")
"""Tables that grow with the community: a plan may walk one of them only where WHOLE_READS says why."""

WHOLE_READS = {
    # statement start -> why it reads every row of its table (once, at start-up)
    "SELECT i.identity, m.id": "the directory of identities, loaded once at start-up (members' mentions)",
}
"""Start-up reads that want every row of a big table, so that nothing later does."""


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The community as written, without statistics (built once for the module)."""
    return prepare(tmp_path_factory.mktemp("plans"), MEMBERS).parent


@pytest.fixture(params=["ANALYZE", "sampled"])
def community(request: pytest.FixtureRequest, pristine: Path, tmp_path: Path) -> Path:
    """A copy with statistics: from a full ANALYZE, or sampled as the bot's own `PRAGMA optimize` takes
    them (its analysis_limit, storage/sqlite/database.py); the two differ, and the plans must hold with
    either."""
    return with_statistics(pristine, tmp_path, request.param)


def with_statistics(pristine: Path, tmp_path: Path, kind: str) -> Path:
    for name in ("bench.db", "community.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    connection = sqlite3.connect(tmp_path / "bench.db", isolation_level=None)
    try:
        if kind == "sampled":
            connection.execute(OPTIMIZE[0])  # PRAGMA analysis_limit
        connection.execute("ANALYZE")
        stats = connection.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'ledger'").fetchone()[0]
    finally:
        connection.close()
    assert stats > 0
    return tmp_path


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement the bot's connections run, bound values written in."""
    seen: list[str] = []
    original = Database.open.__func__  # type: ignore[attr-defined]

    async def open_traced(cls: type[Database], path: Path) -> Database:
        db = await original(cls, path)
        db._writer.set_trace_callback(seen.append)
        await db.connection.set_trace_callback(seen.append)
        return db

    monkeypatch.setattr(Database, "open", classmethod(open_traced))
    yield seen


def aliases(sql: str) -> dict[str, str]:
    """Name in the plan -> table, for the big tables a statement reads."""
    found = {}
    named = rf"\b({'|'.join(BIG)})\b(?:\s+(?:AS\s+)?([a-z_][a-z0-9_]*))?"
    for match in re.finditer(named, sql, re.IGNORECASE):
        table, alias = match[1], match[2]
        found[table] = table
        keyword = alias is not None and alias.upper() in _KEYWORDS
        if alias is not None and not keyword:
            found[alias] = table
    return found


_KEYWORDS = {"WHERE", "JOIN", "ON", "LEFT", "INNER", "GROUP", "ORDER", "LIMIT", "SET", "VALUES", "USING",
             "AND", "OR", "WHEN", "THEN", "AS", "INDEXED", "NOT", "UNION", "DO", "RETURNING"}  # fmt: skip


def walks(connection: sqlite3.Connection, sql: str) -> list[str]:
    """The plan's lines that read a big table from end to end (a SCAN, with or without an index)."""
    names = aliases(sql)
    try:
        plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
    except sqlite3.Error:
        return []  # a statement for a temporary table or a pragma: nothing of the community's
    bad = []
    for line in plan:
        match = re.match(r"SCAN (\w+)(.*)", line)
        if match and match[1] in names:
            table = names[match[1]]
            if table == "ledger" or "INDEX" not in match[2]:
                bad.append(f"{table}: {line}")
    return bad


async def start_and_answer(folder: Path) -> Application:
    settings = Settings(
        database_path=folder / "bench.db", community_file=folder / "community.toml", console_start=NOW
    )
    community, _ = load_community(settings.community_file)
    app = Application(settings, community, console=True, web=False, printer=ConsolePrinter(io.StringIO()))
    await app.start()
    core = app.core
    assert core is not None
    asks = [
        (Identity("console", "m5"), "POINTS"),
        (Identity("console", "m7"), "TOP"),
        (Identity("console", "m7"), "TOP month"),
        (Identity("console", "m8"), "THANKS @m3 for the recipe"),
        (Identity("console", "m9"), "HISTORY"),
        (MODERATOR, "STATS"),
    ]
    for asker, text in asks:
        replies = await core.handle_direct(DirectMessage(asker, text))
        assert replies and "wrong" not in replies[0].text, (text, replies)
    return app


async def test_start_up_and_hot_commands_never_walk_the_ledger_or_a_big_table(
    community: Path, traced: list[str]
) -> None:
    app = await start_and_answer(community)
    # Explained while the bot runs: its `PRAGMA optimize` at close may refresh the statistics it planned with.
    connection = sqlite3.connect(community / "bench.db")
    try:
        statements = {s for s in traced if s.lstrip()[:6].upper() in ("SELECT", "WITH R", "UPDATE", "DELETE")}
        assert len(statements) > 50  # the capture works: start-up reads every feature's state
        problems = {
            sql[:160]: bad
            for sql in sorted(statements)
            if (bad := walks(connection, sql)) and not any(sql.startswith(start) for start in WHOLE_READS)
        }
    finally:
        connection.close()
        await app.stop()
    assert not problems, problems


async def test_the_named_hot_queries_read_through_their_indexes(community: Path, traced: list[str]) -> None:
    app = await start_and_answer(community)
    try:
        store = app.store
        assert store is not None
        points = store.repository(POINTS)
        member = await store.members.by_identity(Identity("console", "m5"))
        assert member is not None
        checks: dict[str, tuple[Any, str]] = {}

        async def plan_of(name: str, call: Any, expect: str) -> None:
            before = len(traced)
            await call
            checks[name] = (traced[before:], expect)

        day = NOW.replace(hour=0, minute=0)
        await plan_of("day states at start-up", points.day_states(day, None), "ledger_by_kind")
        await plan_of("day states of some", points.day_states(day, [member.id, 7, 9]), "INDEX ledger_by_")
        await plan_of("standing", points.standing(member.id), "PRIMARY KEY")
        await plan_of("standings", points.standings([member.id, 7, 9]), "PRIMARY KEY")
        await plan_of("history", points.history(member.id, 10), "ledger_by_member")
        m9 = Identity("console", "m9")
        await plan_of("member by identity", store.members.by_identity(m9), "PRIMARY KEY")
        await plan_of("member by handle", store.members.by_handle("m9"), "INDEX")
        await plan_of("outbox pending", store.outbox.due(NOW, 100), "INDEX outbox_")
        tomorrow = NOW + timedelta(days=1)
        await plan_of("deliveries due", store.delivery_log.due(tomorrow, 100), "INDEX deliveries_")
        await plan_of("jobs due", store.jobs.due(NOW, 100), "INDEX jobs_due")
        await plan_of("next job", store.jobs.next_run_at(), "INDEX jobs_due")
        connection = sqlite3.connect(community / "bench.db")
    except BaseException:
        await app.stop()
        raise
    try:
        problems = []
        for name, (statements, expect) in checks.items():
            reads = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "UPDATE", "WITH"))]
            plans = []
            for sql in reads:  # the call's own, and maybe a background task's meanwhile
                plans.append(" / ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")))
                if walks(connection, sql):
                    problems.append(f"{name}: {plans[-1]} ({sql[:120]})")
            if not any(expect in plan for plan in plans):
                problems.append(f"{name}: no plan uses {expect}: {plans}")
    finally:
        connection.close()
        await app.stop()
    assert not problems, problems


def test_the_statistics_here_would_lead_the_old_start_up_query_through_the_whole_ledger(
    pristine: Path, tmp_path: Path
) -> None:
    """The check above can fail: the day_states query as it was before 2456607 (GROUP BY member_id, where
    the fix groups by +member_id) walks the ledger with these statistics."""
    old = (
        "SELECT member_id, sum(delta), max(created_at) FROM ledger WHERE community_id = 1"
        " AND created_at >= '2026-11-30T00:00:00.000000Z' AND kind = 'activity' GROUP BY member_id"
    )
    community = with_statistics(pristine, tmp_path, "ANALYZE")
    connection = sqlite3.connect(community / "bench.db")
    try:
        assert walks(connection, old), "these statistics no longer reproduce the full-ledger start-up"
    finally:
        connection.close()


async def test_claiming_deliveries_reads_rows_by_id_when_the_statistics_saw_a_short_queue(
    tmp_path: Path,
) -> None:
    """Statistics taken while ten messages waited, then a newsletter queues ten thousand: a claim of a
    batch by ids must not walk every pending row (it did: 40 ms a batch of 100 at 100,000 pending)."""
    path = tmp_path / "bot.db"
    store = await Store.open(path, "plans")
    await store.close()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    connection.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
        " INSERT INTO deliveries (id, community_id, kind, recipient, payload, next_attempt_at, created_at,"
        " updated_at, state) SELECT i, 1, 'newsletter', 'whatsapp:+3361' || printf('%07d', i), '{}',"
        " '2026-11-30T09:00:00.000000Z', '2026-11-30T09:00:00.000000Z', '2026-11-30T09:00:00.000000Z',"
        " CASE WHEN i > 19990 THEN 'pending' ELSE 'sent' END FROM n"
    )
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.execute("UPDATE deliveries SET state = 'pending' WHERE id > 10000")
    store = await Store.open(path, "plans")
    try:
        seen: list[str] = []
        store.db._writer.set_trace_callback(seen.append)
        claimed = await store.delivery_log.claim([(n, None) for n in range(15001, 15101)], NOW)
        assert claimed == set(range(15001, 15101))
        claims = [sql for sql in seen if sql.startswith("UPDATE deliveries")]
        assert claims
        plans = [[row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")] for sql in claims]
    finally:
        await store.close()
        connection.close()
    assert all(plan == ["SEARCH deliveries USING INTEGER PRIMARY KEY (rowid=?)"] for plan in plans), plans
