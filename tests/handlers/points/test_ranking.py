from __future__ import annotations

import random

from handlers.events import MemberLeft
from handlers.ledger import LEDGER
from handlers.points._engine import PointsEngine
from handlers.points._ports import POINTS
from handlers.points._ranking import RankIndex


def brute_rank(points: dict[int, int], member: int) -> int | None:
    if points.get(member, 0) <= 0:
        return None
    order = sorted((m for m, p in points.items() if p > 0), key=lambda m: (-points[m], m))
    return order.index(member) + 1


def test_ranks_match_the_board_order_through_random_changes() -> None:
    rng = random.Random(4)
    index, truth = RankIndex(), {}
    for _ in range(3000):
        member = rng.randrange(1, 200)
        value = rng.choice([None, 0, rng.randrange(1, 50), rng.randrange(1, 10**9)])
        index.set(member, value)
        truth[member] = value or 0
        probe = rng.randrange(1, 200)
        assert index.rank(probe) == brute_rank(truth, probe)
        if rng.random() < 0.1:
            board = sorted((m for m, p in truth.items() if p > 0), key=lambda m: (-truth[m], m))
            limit = rng.choice([1, 10, 500])
            assert index.top(limit) == [(m, truth[m]) for m in board[:limit]]
    assert len(index) == sum(1 for p in truth.values() if p > 0)


def test_an_index_built_at_once_is_the_one_built_member_by_member() -> None:
    rng = random.Random(11)
    for size, spread in ((0, 5), (1, 5), (300, 5), (2000, 40), (2000, 10**9)):
        totals = {member: rng.choice([0, -3, rng.randrange(1, spread)]) for member in range(1, size + 1)}
        one_by_one = RankIndex()
        for member, points in totals.items():
            one_by_one.set(member, points)
        built = RankIndex.of(totals)
        assert built._tree == {node: n for node, n in one_by_one._tree.items() if n}
        assert built.top(size + 1) == one_by_one.top(size + 1)
        assert all(built.rank(m) == brute_rank(totals, m) for m in range(0, size + 2))
        built.set(1, 7)  # and it goes on changing as any other
        totals[1] = 7
        assert built.rank(1) == brute_rank(totals, 1) and len(built) == sum(p > 0 for p in totals.values())


def test_ties_are_broken_by_member_id() -> None:
    index = RankIndex()
    for member, points in [(5, 10), (3, 10), (9, 20), (4, 1)]:
        index.set(member, points)
    assert [index.rank(m) for m in (9, 3, 5, 4)] == [1, 2, 3, 4]
    assert index.top(3) == [(9, 20), (3, 10), (5, 10)]
    index.set(9, None)
    assert index.rank(9) is None and index.rank(3) == 1
    assert RankIndex().top(10) == []


async def test_engine_ranks_agree_with_the_database_after_awards_revocations_and_departures(
    core, store, clock
) -> None:
    from handlers.models import Identity
    from tests.conftest import say
    from tests.handlers.points.conftest import members

    rng = random.Random(9)
    names = [f"p{n}" for n in range(12)]
    await members(core, *names)
    for step in range(40):
        name = rng.choice(names)
        if step % 7 == 6:
            await core.member_left(MemberLeft(Identity.parse(f"console:{name}")))
            if rng.random() < 0.5:
                await say(core, f"console:{name}", "JOIN")
        else:
            await say(core, "console:mod", f"AWARD @{name} {rng.randint(1, 30)} step {step}")
        if step % 9 == 8:
            await say(core, "console:mod", f"REVOKE #{rng.randint(1, step)} check")
        clock.advance(days=rng.choice([0, 0, 12]))  # some steps cross into a new month
    engine = core.port(LEDGER)  # the points engine provides the ledger
    assert isinstance(engine, PointsEngine)
    month = engine.period(clock.now()).month
    for name in names:
        member = await store.members.by_handle(name)
        assert member is not None
        for period in (None, month):
            expected = await store.repository(POINTS).rank(member.id, period)
            got = await engine.rank(member.id, period)
            assert got == (None if expected is None else (expected.rank, expected.points)), (name, period)
    for period in (None, month):
        assert await engine.top(10, period) == await store.repository(POINTS).top(period, 10)
