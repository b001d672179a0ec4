"""Engagement segments: recomputed every night from recency and frequency; moderators hear who fell at
risk, at-risk members get one win-back nudge (never after STOP), and the win-back rate is measured."""

from __future__ import annotations

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.features import community_config
from handlers.health._ports import HEALTH
from handlers.kpis import Segment
from handlers.models import Identity, RoleUpdate
from handlers.platforms import Platforms
from storage.store import Store
from tests.conftest import chat, make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.health.conftest import HEALTH_COMMUNITY, PARIS, days, join, roll_up


async def segments(store: Store) -> dict[str, Segment]:
    repo = store.repository(HEALTH)
    found: dict[str, Segment] = {}
    for segment in Segment:
        for member in await repo.members_in(segment, 100):
            found[member.handle] = segment
    return found


async def live(core: Core, clock: FakeClock, nights: int, writers: tuple[str, ...]) -> None:
    for _ in range(nights):
        for who in writers:
            await chat(core, f"console:{who}", "hi all")
        await roll_up(core, clock)


async def test_members_move_from_new_to_champion_active_at_risk_and_dormant(
    core: Core, clock: FakeClock, store: Store, messenger: RecordingMessenger
) -> None:
    await join(core, "ana", "ben", "cy", "dee")
    await live(core, clock, 1, ("ana", "ben", "cy"))
    assert set((await segments(store)).values()) == {Segment.NEW}
    await live(core, clock, 15, ("ana", "ben"))  # cy stopped after the first day; dee never wrote
    assert await segments(store) == {
        "ana": Segment.CHAMPION,  # active on 16 of the last 30 days
        "ben": Segment.CHAMPION,
        "cy": Segment.AT_RISK,  # quiet for 15 days, active before
        "dee": Segment.DORMANT,  # never active
    }
    await live(core, clock, 30, ("ana",))  # ben stops for 30 days, so does cy
    found = await segments(store)
    assert found["ana"] is Segment.CHAMPION
    assert found["ben"] is Segment.AT_RISK
    assert found["cy"] is Segment.DORMANT  # 45 days quiet
    notices = messenger.posts_in("mods")
    assert any("became at risk yesterday: @cy" in n for n in notices)
    assert any("became at risk yesterday: @ben" in n for n in notices)


async def test_moderators_list_a_segment_with_each_members_last_activity(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "ana", "ben")
    await live(core, clock, 1, ("ana", "ben"))
    await live(core, clock, 16, ("ana",))
    text = (await say(core, "console:mod", "SEGMENT")).text
    assert text.splitlines()[0] == "In the segment “at risk”, the longest there first:"
    assert text.splitlines()[1] == "@ben · since 17 Mar 2026 · last active 2 Mar 2026"
    dormant = await say(core, "console:mod", "SEGMENT dormant")
    assert dormant.text == "Nobody is in the segment “dormant” now."


async def test_a_win_back_nudge_goes_once_never_after_stop_and_its_return_is_counted(
    core: Core, clock: FakeClock, store: Store, messenger: RecordingMessenger
) -> None:
    await join(core, "ana", "ben", "cy")
    await say(core, "console:cy", "STOP")
    await live(core, clock, 1, ("ana", "ben", "cy"))
    await live(core, clock, 15, ("ana",))  # ben and cy fall at risk on the 16th night
    nudges = [m for m in messenger.sent if m.kind is MessageKind.NUDGE]
    assert [str(m.to) for m in nudges] == ["console:ben"]  # cy sent STOP: nothing proactive
    assert "we miss you" in nudges[0].reply.text
    await live(core, clock, 1, ("ana", "ben"))  # ben comes back the next day
    first = clock.now().astimezone(PARIS).date().replace(day=1)
    rows = await days(store, first, clock.now().astimezone(PARIS).date())
    assert sum(r.winback_sent for r in rows) == 1
    assert sum(r.winback_returned for r in rows) == 1
    text = (await say(core, "console:mod", "STATS month")).text
    assert "Win-back: 1 of the 1 member nudged came back (100%)" in text
    await live(core, clock, 20, ("ana",))  # ben falls again within 30 days of the nudge: no second one
    assert len([m for m in messenger.sent if m.kind is MessageKind.NUDGE]) == 1


async def test_a_segments_role_is_granted_and_removed_as_members_move(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    updates: list[RoleUpdate] = []

    class Roles:
        async def update_role(self, update: RoleUpdate) -> None:
            updates.append(update)

    health = {**HEALTH_COMMUNITY["health"], "roles": {"new": "100", "champion": "300"}}
    community = community_config({**HEALTH_COMMUNITY, "health": health})
    core = make_core(store, clock, messenger, community, Platforms(roles=Roles()))
    await core.start()
    await join(core, "ana")
    await live(core, clock, 16, ("ana",))  # new for 14 days, then a champion
    await core.settle()
    ana = Identity.parse("console:ana")
    assert [(u.role, u.grant) for u in updates if u.to == ana] == [
        ("100", True),
        ("100", False),
        ("300", True),
    ]
    assert all(u.reason == "Engagement segment: new" for u in updates[:1])
