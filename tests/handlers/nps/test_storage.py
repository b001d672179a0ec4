"""NPS tables in a real database file: the rules it holds by itself (one answer per member and survey, a
score from 0 to 10), what the health roll-up reads, merging two members, forgetting one, the export."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.core import Core
from handlers.delivery import reply_from_json, reply_to_json
from handlers.models import Identity
from handlers.nps import _render as render
from storage.postgres.database import PgDatabase
from storage.sqlite.export import export_table
from storage.store import Store
from tests.conftest import say
from tests.engines import Raw
from tests.fakes import FakeClock
from tests.handlers.nps.conftest import answers, join, survey_starts

PHONE = "whatsapp:+33600000001"
PARIS = ZoneInfo("Europe/Paris")


async def member_id(store: Store, who: str) -> int:
    found = await store.members.by_identity(Identity.parse(who))
    assert found is not None
    return found.id


async def merge(core: Core, store: Store, source: str, target: str) -> None:
    """What LINK does once both sides confirmed: `source`'s member becomes part of `target`'s."""
    source_id, target_id = await member_id(store, source), await member_id(store, target)
    async with core.services.transactions.transaction():
        await core.services.members.merge(source_id, target_id, core.services.clock.now())


async def test_the_database_keeps_one_answer_per_member_and_survey_and_scores_from_0_to_10(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "alice")
    await survey_starts(core, clock)
    await say(core, "console:alice", "NPS 8")
    raw = Raw(store)
    alice = await raw.value("SELECT id FROM members WHERE handle = 'alice'")
    row = (1, 1, alice, "2026-04-01T08:00:00.000000Z")
    assert (
        await raw.refused(
            "INSERT INTO nps_answers (community_id, survey_id, member_id, score, answered_at)"
            " VALUES (?, ?, ?, 9, ?)",
            row,
        )
        == "UNIQUE"
    )
    await raw.execute("DELETE FROM nps_answers")
    for bad in (-1, 11):
        assert (
            await raw.refused(
                "INSERT INTO nps_answers (community_id, survey_id, member_id, score, answered_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (*row[:3], bad, row[3]),
            )
            == "CHECK"
        )


async def declared(store: Store, table: str) -> dict[str, tuple[str, int]]:
    """Each column of `table` as its migration declares it: (INTEGER or TEXT, 1 when NOT NULL else 0)."""
    if not isinstance(store.db, PgDatabase):
        return {row[1]: (row[2], row[3]) for row in await store.db.fetch_all(f"PRAGMA table_info({table})")}
    rows = await store.db.fetch_all(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ?",
        (table,),
    )
    kinds = {"bigint": "INTEGER", "integer": "INTEGER", "text": "TEXT"}
    return {name: (kinds.get(kind, kind), int(nullable == "NO")) for name, kind, nullable in rows}


async def indexed_columns(store: Store, index: str) -> list[str]:
    """The columns of `index`, in its order."""
    if not isinstance(store.db, PgDatabase):
        return [row[2] for row in await store.db.fetch_all(f"PRAGMA index_info({index})")]
    rows = await store.db.fetch_all(
        "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, place) ON true"
        " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
        " WHERE c.relname = ? AND n.nspname = current_schema() ORDER BY k.place",
        (index,),
    )
    return [row[0] for row in rows]


async def test_what_the_health_roll_up_reads_is_there(store: Store) -> None:
    names, _ = await store.db.fetch_columns("SELECT * FROM nps_answers WHERE 0 = 1")
    assert {"community_id", "survey_id", "member_id", "score", "reason", "answered_at"} <= set(names)
    columns = await declared(store, "nps_answers")
    assert columns["community_id"] == ("INTEGER", 1)
    assert columns["survey_id"] == ("INTEGER", 1)
    assert columns["member_id"] == ("INTEGER", 1)
    assert columns["score"] == ("INTEGER", 1)
    assert columns["reason"] == ("TEXT", 0)
    assert columns["answered_at"] == ("TEXT", 1)
    assert await indexed_columns(store, "nps_answers_by_time") == ["community_id", "answered_at"]


async def test_a_merge_keeps_the_earlier_answer_of_a_survey_with_its_follow_up(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "alice")
    await say(core, PHONE, "JOIN")  # the same person on WhatsApp, before linking
    await survey_starts(core, clock)
    await say(core, PHONE, "NPS 4")  # first: the answer that counts
    clock.advance(minutes=5)
    await say(core, "console:alice", "NPS 9")
    await merge(core, store, "console:alice", PHONE)
    phone = await member_id(store, PHONE)
    assert [(s, score) for s, _, score, _ in await answers(store)] == [(1, 4)]
    assert [tuple(r) for r in await store.db.fetch_all("SELECT member_id FROM nps_answers")] == [(phone,)]
    assert [
        tuple(r) for r in await store.db.fetch_all("SELECT survey_id, member_id FROM nps_follow_ups")
    ] == [(1, phone)]
    assert [tuple(r) for r in await store.db.fetch_all("SELECT member_id, state FROM nps_invites")] == [
        (phone, "asked")
    ]
    assert "answered this survey already (your score: 4)" in (await say(core, PHONE, "NPS 7")).text


async def test_a_merge_drops_the_later_answer_when_the_carrying_member_answered_first(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "alice")
    await say(core, PHONE, "JOIN")
    await survey_starts(core, clock)
    await say(core, "console:alice", "NPS 3")
    clock.advance(minutes=5)
    await say(core, PHONE, "NPS 10")
    await merge(core, store, PHONE, "console:alice")
    assert [(h, score) for _, h, score, _ in await answers(store)] == [("alice", 3)]
    assert len(await store.db.fetch_all("SELECT id FROM nps_follow_ups")) == 1


async def test_forgetting_a_member_erases_their_reason_and_keeps_their_score(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "alice", "bob")
    await survey_starts(core, clock)
    await say(core, "console:alice", "NPS 2")
    await say(core, "console:alice", "NPS REASON My order from Lyon never came")
    await say(core, "console:bob", "NPS 10")
    async with store.transaction():
        await store.members.forget(await member_id(store, "console:alice"), clock.now())
    rows = await store.db.fetch_all("SELECT score, reason FROM nps_answers ORDER BY score")
    assert [tuple(r) for r in rows] == [(2, None), (10, None)]
    assert "NPS: +0 (2 answers)" not in (report := (await say(core, "console:mod", "NPS")).text)
    assert "NPS: 0 (2 answers)" in report  # one promoter, one detractor: the score is unchanged


async def test_the_export_lists_surveys_and_answers(core: Core, clock: FakeClock, store: Store) -> None:
    await join(core, "alice", "bob", "carol")
    await survey_starts(core, clock)
    await say(core, "console:alice", "NPS 9")
    await say(core, "console:bob", "NPS 5")
    await say(core, "console:bob", "Too expensive")
    columns, rows = await export_table(store.db, store.community_id, "nps_surveys")
    survey = dict(zip(columns, rows[0], strict=True))
    assert (survey["chosen"], survey["asked"], survey["answers"], survey["promoters"]) == (3, 3, 2, 1)
    columns, rows = await export_table(store.db, store.community_id, "nps_answers")
    shown = [dict(zip(columns, row, strict=True)) for row in rows]
    assert [(a["handle"], a["score"], a["reason"], a["follow_up"]) for a in shown] == [
        ("alice", 9, None, None),
        ("bob", 5, "Too expensive", 1),
    ]


async def test_typed_choices_stay_typed_in_the_outbox_and_among_offered_choices(
    core: Core, clock: FakeClock, store: Store
) -> None:
    """A delivery read back (a retry, a restart) and the choices WhatsApp offered keep what a typed choice
    is, so `7` still answers the choice labelled 7."""
    question = render.question(core.texts.translator("en"), "Test Club", clock.now(), PARIS)
    reason = render.reason_question(core.texts.translator("en"), 8)
    for reply in (question, reason):
        assert reply_from_json(reply_to_json(reply)) == reply
    alice = Identity.parse("console:alice")
    async with store.transaction():
        await core.services.choices.offer(alice, question.choices, clock.now())
    assert await core.services.choices.pending(alice, clock.now()) == list(question.choices)
