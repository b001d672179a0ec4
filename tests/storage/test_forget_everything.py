"""FORGET after a member used every feature: no table keeps a string that identifies them (their number,
handle, name or anything they wrote), while every sum, the rolled-up days and the other members' data stay
as they were; the media files they sent are gone, another member's stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from handlers.core import Core
from handlers.events import ChatMessage, DirectMessage
from handlers.features import community_config
from handlers.models import Attachment, Identity, Reply
from handlers.settings import CommunityConfig
from storage.postgres.database import PgDatabase
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.nps.conftest import FIRST_SURVEY

ANA = Identity.parse("whatsapp:+33698765432")
ANA_DISCORD = Identity.parse("discord:7340001112223334445")
ANA_NAME = "Ana Quintavalle"
WORDS = ("zanzibarcake", "velvetmarmot", "opalfjord", "quokkasunset", "bluegrotto", "saffronkite",
         "tundralily", "mosaicheron", "cobaltpear", "ambermoth", "lagoonfig", "cedarwhisk")  # fmt: skip
"""One invented word in each thing Ana writes: any of them left anywhere is a leak."""


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "roles": {"admins": ["console:root"], "moderators": ["console:mod"]},
            "onboarding": {
                "rules": ["Be kind."],
                "questions": [
                    {
                        "key": "why",
                        "text": "What brings you here?",
                        "choices": [
                            {"key": "customer", "label": "I love the products", "segment": "customers"},
                            {"key": "maker", "label": "I make things too"},
                        ],
                    },
                ],
            },
            "nps": {"min_member_days": 0, "spread_days": 1},
            "shop": {
                "items": [{"key": "mug", "name": "A mug", "cost": 5, "fulfilment": "manual"}],
            },
        }
    )


async def ana_says(core: Core, text: str, **extra: object) -> list[Reply]:
    return await core.handle_direct(DirectMessage(ANA, text, display_name=ANA_NAME, **extra))  # type: ignore[arg-type]


async def fill_every_feature(core: Core, store: Store, clock: FakeClock, media: Path) -> None:
    await say(core, "console:bob", "JOIN")
    await say(core, "console:bob", "AGREE")
    await ana_says(core, "JOIN")
    await ana_says(core, "AGREE")
    await ana_says(core, "1")  # why: I love the products
    await ana_says(core, f"INTRO me I am Ana and I love {WORDS[1]}")
    await ana_says(core, "REFERRAL")
    await ana_says(core, "LINK")
    await ana_says(core, "TIMEZONE Europe/Rome")
    ana = await store.members.by_identity(ANA)
    assert ana is not None
    handle = ana.handle
    async with store.transaction():  # her Discord account, linked
        await store.members.attach(ANA_DISCORD, ana.id, clock.now())
    await ana_says(core, f"THANKS @bob for the {WORDS[2]} recipe")
    await say(core, "console:bob", f"THANKS @{handle} for the photos")
    await say(core, "console:mod", "AWARD @bob 5 for the decaf tasting")  # words of Bob's own to keep
    await say(core, "console:mod", f"AWARD @{handle} 20 for helping {ANA_NAME} with order {WORDS[3]}")
    await core.handle_chat(
        ChatMessage(ANA, f"hello everyone, {WORDS[4]} is back", "general", event_id="chat-1",
                    display_name=ANA_NAME)
    )  # fmt: skip
    await say(core, "console:mod", 'POLL NEW "Next flavour?" | Mango | Yuzu | 2d')
    await ana_says(core, "VOTE 1 2")
    await say(core, "console:mod", 'CHALLENGE NEW "Best mug photo" | Show us your mug | 3d')
    (media / "ana-photo.png").write_bytes(b"ana's photo")
    (media / "bob-photo.png").write_bytes(b"bob's photo")
    photo = Attachment("https://cdn.example/a.png", "image/png", 11, stored="ana-photo.png")
    await ana_says(core, f"SUBMIT 1 My mug and {WORDS[5]}", attachments=(photo,))
    bob_photo = Attachment("https://cdn.example/b.png", "image/png", 11, stored="bob-photo.png")
    await core.handle_direct(
        DirectMessage(Identity.parse("console:bob"), "SUBMIT 1 Bob's mug", attachments=(bob_photo,))
    )
    await say(core, "console:mod", "REVIEW APPROVE 1")
    start = (clock.now() + timedelta(days=2)).astimezone().strftime("%Y-%m-%d")
    await say(
        core, "console:mod", f'SESSION NEW "Ask the founder" {start} 18:00 1h | https://meet.example | 10'
    )
    await ana_says(core, "RSVP 1")
    await say(core, "console:mod", 'UNLOCK NEW "Half price kit" 3 2d | Half price on the kit')
    await ana_says(core, "PLEDGE 1")
    await ana_says(core, f"FEEDBACK Please make {WORDS[6]} pods")
    await say(core, "console:bob", "FEEDBACK Decaf beans")
    await ana_says(core, "BACK 2")
    await ana_says(core, "REDEEM mug")
    await ana_says(core, f"NEWSLETTER SUBMIT Our tasting club meets at {WORDS[7]}")
    clock.set(FIRST_SURVEY)  # the quarterly survey starts and asks her (min_member_days = 0)
    await core.run_due_jobs()
    await ana_says(core, "4")
    await ana_says(core, f"My order took weeks, {WORDS[8]}")
    await ana_says(core, "STOP")
    await ana_says(core, "START")
    await core.settle()
    clock.advance(days=1)  # a day closes: the roll-up writes kpi_days with Ana in them
    await core.run_due_jobs()
    await core.settle()


async def everything(store: Store) -> dict[tuple[str, str], list[str]]:
    """Every text value of every table, by (table, column)."""
    found: dict[tuple[str, str], list[str]] = {}
    if isinstance(store.db, PgDatabase):
        listing = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    else:
        listing = "SELECT name FROM sqlite_master WHERE type = 'table'"
    tables = await store.db.fetch_all(listing)
    assert len(tables) > 20, tables  # the listing found the schema
    for (table,) in tables:
        if table.startswith("sqlite_"):
            continue
        names, _ = await store.db.fetch_columns(f'SELECT * FROM "{table}" WHERE 0 = 1')
        for name in names:
            rows = await store.db.fetch_all(f'SELECT "{name}" FROM "{table}"')
            found[(table, name)] = [row[0] for row in rows if isinstance(row[0], str)]
    return found


async def figures(store: Store) -> tuple[object, ...]:
    ledger = await store.db.fetch_all(
        "SELECT member_id, sum(delta), count(*) FROM ledger GROUP BY member_id ORDER BY member_id"
    )
    balances = await store.db.fetch_all("SELECT member_id, balance, earned FROM balances ORDER BY member_id")
    kpis = await store.db.fetch_all("SELECT * FROM kpi_days ORDER BY day")
    monthly = await store.db.fetch_all("SELECT * FROM monthly_points ORDER BY month, member_id")
    return tuple(tuple(tuple(r) for r in rows) for rows in (ledger, balances, kpis, monthly))


async def test_forget_leaves_no_personal_string_in_any_table(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    media = store.db.path.parent / "media"
    media.mkdir(exist_ok=True)
    await fill_every_feature(core, store, clock, media)
    ana = await store.members.by_identity(ANA)
    bob = await store.members.by_handle("bob")
    assert ana is not None and bob is not None
    personal = (ANA.user_id.lstrip("+"), ANA_DISCORD.user_id, ana.handle, "Quintavalle", *WORDS)
    before = await everything(store)
    seen = {word for values in before.values() for value in values for word in personal if word in value}
    stored = {*WORDS[1:4], *WORDS[5:9]}  # WORDS[4] was said in a channel: chat is counted, never stored
    assert seen >= {ANA.user_id.lstrip("+"), ana.handle, "Quintavalle", *stored}, "each string is in"
    sums = await figures(store)
    bob_before = await store.db.fetch_all(
        "SELECT id, reason FROM ledger WHERE member_id = ? ORDER BY id", (bob.id,)
    )

    ask = await say(core, "console:mod", f"FORGET @{ana.handle}")
    assert ask.choices and ask.choices[0].command == f"FORGET @{ana.handle} YES"
    assert await store.members.by_identity(ANA) is not None  # nothing happens before the confirmation
    messenger.sent.clear()
    done = await say(core, "console:mod", ask.choices[0].command)
    assert ana.handle in done.text and ANA_NAME in done.text
    assert messenger.sent == []  # the member is told nothing: they no longer exist here
    await core.settle()

    leaks = [
        f"{table}.{column}: {word!r} in {value[:80]!r}"
        for (table, column), values in (await everything(store)).items()
        for value in values
        for word in personal
        if word.casefold() in value.casefold()
    ]
    assert leaks == [], "\n".join(leaks)
    assert await figures(store) == sums  # ledger sums, balances, monthly totals and kpi_days
    bob_after = await store.db.fetch_all(
        "SELECT id, reason FROM ledger WHERE member_id = ? ORDER BY id", (bob.id,)
    )
    # Bob's entries stay; only the reason Ana wrote for her kudos to him goes.
    assert [tuple(r) for r in bob_after] == [
        (i, "" if WORDS[2] in (why or "") else why) for i, why in bob_before
    ]
    assert any(why and WORDS[2] not in why for _, why in bob_before), "Bob has words of his own to keep"
    assert not (media / "ana-photo.png").exists() and (media / "bob-photo.png").exists()
    again = await say(core, "console:mod", f"FORGET @forgotten{ana.id}")
    assert "forgotten already" in again.text


async def test_forget_refuses_a_member_and_the_moderator_themself(core: Core, store: Store) -> None:
    await say(core, "console:bob", "JOIN")
    await say(core, "console:mod", "JOIN")
    refused = await say(core, "console:bob", "FORGET @mod YES")
    assert await store.members.by_handle("mod") is not None and "moderators" in refused.text
    yourself = await say(core, "console:mod", "FORGET @mod YES")
    assert "yourself" in yourself.text and await store.members.by_handle("mod") is not None


async def test_forget_of_a_member_with_an_empty_name_leaves_other_messages_whole(
    core: Core, store: Store
) -> None:
    await say(core, "console:bob", "JOIN")
    await say(core, "console:ana", "JOIN")
    await say(core, "console:mod", "JOIN")
    await say(core, "console:bob", "AGREE")
    await say(core, "console:mod", "AWARD @bob 5 for the tasting")  # a message to Bob, kept in deliveries
    async with store.transaction():
        await store.db.execute("UPDATE members SET display_name = '' WHERE handle = 'ana'")
    payloads = "SELECT id, payload FROM deliveries WHERE id NOT IN (SELECT id FROM deliveries"
    payloads += " WHERE recipient = 'console:ana'"
    payloads += " OR member_id = (SELECT id FROM members WHERE handle = 'ana'))"
    payloads += " ORDER BY id"  # every message but Ana's own
    before = [tuple(r) for r in await store.db.fetch_all(payloads)]
    assert before and all('"text": ""' not in p for _, p in before)
    await say(core, "console:mod", "FORGET @ana YES")
    assert [tuple(r) for r in await store.db.fetch_all(payloads)] == before
