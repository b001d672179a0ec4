"""Nothing lost, nothing twice, across features: the real `communitybot run` killed with SIGKILL, over several
rounds, while members chat, give kudos, vote, RSVP, pledge and redeem, a moderator awards, a poll closes and
a session reminder falls due.

Signed webhooks (RequestValidator, as Twilio signs them) reach the bot, which sends through a fake Twilio
API on 127.0.0.1. The bot is killed at random moments and while the fake API holds a request it has already
taken; webhooks it did not acknowledge are sent again, as Twilio retries them, and so are some it did
acknowledge. In the end every acknowledged message was handled once and its effect is in the database, the
balances equal the ledger, every message Twilio took is one part of one outbox row, and the reminder, the
poll's results and the unlock's reward reached each member once.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_crash import Bot, drained, form
from tests.bot.whatsapp.test_newsletter_crash import wait_until

MODERATOR = "whatsapp:+15550019999"
MEMBERS = [f"whatsapp:+1555001{n:04d}" for n in range(1, 9)]
HANDLES = {who: "member_" + who[-4:] for who in [MODERATOR, *MEMBERS]}  # made from the profile names
ROUNDS = 5
PER_ROUND = 36
COST = 3
REWARD = "Half price on the tasting kit"
# The soon session starts 6 minutes after SESSION NEW and is reminded 5m55s before: due a few seconds into
# the rounds; the closing poll closes 8 s after it opens, as the rounds begin.
COMMUNITY = f"""
[community]
name = "Crash Club"
timezone = "Europe/Paris"

[roles]
moderators = ["{MODERATOR}"]

[points.kudos]
points = 3
daily_budget = 1000

[polls]
vote_points = 2
announce_whatsapp = true

[sessions]
reminders = ["5m55s"]

[[shop.items]]
key = "mug"
name = "A mug"
cost = {COST}
fulfilment = "manual"
"""
OPEN_POLL, CLOSING_POLL = 1, 2
LATER_SESSION, SOON_SESSION = 1, 2
UNLOCK, GOAL = 1, 4
SETUP = [  # the moderator's, in order (the numbers above)
    'POLL NEW "Open all along?" | Mango | Yuzu | 1d',
    f'UNLOCK NEW "Tasting kit" {GOAL} 1d | {REWARD}',
    *(f"AWARD @{HANDLES[who]} 500 seed{who[-4:]}" for who in MEMBERS),  # enough for every redemption
    'SESSION NEW "Later on" 3h 1h | Online | 50',
    'SESSION NEW "Ask the founder" 6m 1h | Online | 50',
]
CLOSING = 'POLL NEW "Closing soon?" | Mango | Yuzu | Cherry | 8s'


@dataclass
class Flood:
    """The webhooks sent, by MessageSid, and what each of them asked for."""

    rng: random.Random
    webhooks: dict[str, dict[str, str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    target: dict[str, str] = field(default_factory=dict)
    """Who a kudos or an award is for."""
    acknowledged: set[str] = field(default_factory=set)
    sequence: int = 0

    def add(self, kind: str, sender: str, text: str, target: str = "") -> str:
        self.sequence += 1
        sid = f"SM{self.sequence:032x}"
        self.webhooks[sid] = form(sender, text, sid)
        self.kinds[sid] = kind
        if target:
            self.target[sid] = target
        return sid

    def one(self) -> str:
        """A random action of a random member (or of the moderator), each with a token of its own."""
        rng, n = self.rng, self.sequence + 1
        who = rng.choice(MEMBERS)
        kind = rng.choice(["chat", "chat", "kudos", "award", "vote", "vote", "rsvp", "pledge", "redeem"])
        if kind == "chat":
            return self.add(kind, who, f"chat{n:04d} is a plain line")
        if kind in ("kudos", "award"):
            other = rng.choice([m for m in MEMBERS if m != who])
            if kind == "kudos":
                return self.add(kind, who, f"KUDOS @{HANDLES[other]} kudo{n:04d}", other)
            return self.add(kind, MODERATOR, f"AWARD @{HANDLES[other]} 2 prize{n:04d}", other)
        if kind == "vote":
            poll = rng.choice([OPEN_POLL, OPEN_POLL, CLOSING_POLL])
            return self.add(f"vote{poll}", who, f"VOTE {poll} {rng.randint(1, 2)}")
        if kind == "rsvp":  # everyone has a place at the soon session already: those are no-ops
            return self.add(kind, who, f"RSVP {rng.choice([LATER_SESSION, LATER_SESSION, SOON_SESSION])}")
        if kind == "pledge":
            return self.add(kind, who, f"PLEDGE {UNLOCK}")
        return self.add(kind, who, "REDEEM mug")

    def senders(self, kind: str) -> set[str]:
        return {self.webhooks[s]["From"] for s, k in self.kinds.items() if k == kind}

    def sids(self, kind: str) -> list[str]:
        return [s for s, k in self.kinds.items() if k == kind]


async def settle(bot: Bot, database: Path, flood: Flood, sids: list[str]) -> None:
    """Send these webhooks one after the other, each handled before the next (a moderator's setup)."""
    for sid in sids:
        assert await bot.post(flood.webhooks[sid])
        flood.acknowledged.add(sid)
        await wait_until(lambda: drained(database))


async def stream(bot: Bot, delay: float, webhook: dict[str, str]) -> bool:
    """A webhook sent a moment after the round began: the kill finds some on their way."""
    await asyncio.sleep(delay)
    return await bot.post(webhook)


@dataclass
class Kills:
    held: int = 0
    """Kills that came while Twilio held a message it had taken."""
    busy: int = 0
    """Kills that found work not done: messages acknowledged and not handled, or not sent yet."""


async def kill_rounds(bot: Bot, database: Path, fake: FakeTwilio, flood: Flood) -> Kills:
    """The flood, over several rounds, each ended by SIGKILL."""
    rng, kills = flood.rng, Kills()
    for round_ in range(ROUNDS):
        batch = [flood.one() for _ in range(PER_ROUND)]
        # Twilio retries what was not acknowledged, and sometimes what was.
        retries = [s for s in flood.webhooks if s not in flood.acknowledged and s not in batch]
        retries += rng.sample(sorted(flood.acknowledged), min(6, len(flood.acknowledged)))
        hold = round_ % 2 == 1
        if hold:
            fake.hold_next()  # the kill comes while Twilio holds a message it has taken
        sent = [*retries, *batch]
        posts = [asyncio.create_task(stream(bot, n * 0.02, flood.webhooks[s])) for n, s in enumerate(sent)]
        if hold:
            for _ in range(400):
                if fake.holding:
                    kills.held += 1
                    break
                await asyncio.sleep(0.01)
        else:
            await asyncio.sleep(rng.uniform(0.3, 2.0))
        bot.kill()
        fake.held.set()
        kills.busy += not await drained(database)
        for sid, ok in zip(sent, await asyncio.gather(*posts), strict=True):
            if ok:
                flood.acknowledged.add(sid)
        await bot.start()
    return kills


def query(database: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(sql, args).fetchall()


DUE = (
    f"(kind = 'poll_close' AND key LIKE 'poll:{CLOSING_POLL}:%')"
    f" OR (kind = 'session_reminder' AND key LIKE 'session:{SOON_SESSION}:%')"
)
"""The jobs that fall due during the rounds."""


def due_work_done(database: Path) -> bool:
    """The closing poll's close and the soon session's reminder have run (or were settled otherwise)."""
    return query(database, f"SELECT count(*) FROM jobs WHERE state <> 'pending' AND ({DUE})") == [(2,)]


async def test_kill_9_across_features_loses_no_acknowledged_action_and_does_nothing_twice(
    tmp_path: Path, fake: FakeTwilio
) -> None:
    (tmp_path / "community.toml").write_text(COMMUNITY, encoding="utf-8")
    database = tmp_path / "data" / "bot.db"
    flood = Flood(random.Random(int(os.environ.get("CRASH_SEED", "19"))))
    bot = Bot(tmp_path, fake)
    await bot.start()
    joins = [flood.add("join", who, "JOIN") for who in [MODERATOR, *MEMBERS]]
    assert all(await asyncio.gather(*(bot.post(flood.webhooks[s]) for s in joins)))
    flood.acknowledged.update(joins)
    await wait_until(lambda: drained(database))
    await settle(bot, database, flood, [flood.add("setup", MODERATOR, text) for text in SETUP])
    # Everyone has a place at the soon session before its reminder falls due.
    rsvps = [flood.add("rsvp", who, f"RSVP {SOON_SESSION}") for who in MEMBERS]
    assert all(await asyncio.gather(*(bot.post(flood.webhooks[s]) for s in rsvps)))
    flood.acknowledged.update(rsvps)
    await settle(bot, database, flood, [flood.add("setup", MODERATOR, CLOSING)])

    kills = await kill_rounds(bot, database, fake, flood)
    assert kills.held >= 2, "no kill came while Twilio held a message: the test proved less than it says"
    assert kills.busy >= 2, "the kills found nothing left to do: the test proved less than it says"
    for _ in range(5):  # the last retries, until every webhook was acknowledged once
        for sid in [s for s in flood.webhooks if s not in flood.acknowledged]:
            if await bot.post(flood.webhooks[sid]):
                flood.acknowledged.add(sid)
    assert flood.acknowledged == set(flood.webhooks)
    for sid in flood.rng.sample(sorted(flood.webhooks), 20):  # late replays of acknowledged ones
        assert await bot.post(flood.webhooks[sid])
    await wait_until(lambda: due_work_done(database), 60)
    await wait_until(lambda: drained(database), 60)
    bot.stop()

    members = dict(query(database, "SELECT i.identity, i.member_id FROM identities i"))
    handled = {row[0] for row in query(database, "SELECT source FROM inbox")}
    assert {"whatsapp:" + s for s in flood.webhooks} <= handled  # every acknowledged message was handled
    assert query(database, "SELECT count(*) FROM intake") == [(0,)]
    check_points(database, flood, members)
    check_features(database, flood, members)
    check_sends(database, fake, flood, members)


def check_points(database: Path, flood: Flood, members: dict[str, int]) -> None:
    """Each kudos, award and redemption counted once; balances equal the ledger."""
    ledger = query(database, "SELECT source, member_id, delta FROM ledger")
    sources = Counter(source for source, _, _ in ledger)
    assert [s for s, n in sources.items() if n > 1] == []  # no source key counted twice
    by_source = {source: (member, delta) for source, member, delta in ledger}
    for sid in flood.sids("award"):
        assert by_source.get(f"award:whatsapp:{sid}") == (members[flood.target[sid]], 2), sid
    for sid in flood.sids("kudos"):
        receiver = members[flood.target[sid]]
        assert by_source.get(f"kudos-{receiver}:whatsapp:{sid}") == (receiver, 3), sid
    # Each member could afford every redemption: each REDEEM they sent is one redemption, paid once.
    asked = Counter(flood.webhooks[s]["From"] for s in flood.sids("redeem"))
    made = Counter(dict(query(database, "SELECT member_id, count(*) FROM redemptions GROUP BY member_id")))
    assert made == Counter({members[who]: n for who, n in asked.items()})
    for redemption, member in query(database, "SELECT id, member_id FROM redemptions"):
        assert by_source.get(f"redeem:{redemption}") == (member, -COST), redemption
    mismatched = query(
        database,
        "SELECT b.member_id, b.balance, (SELECT coalesce(sum(delta), 0) FROM ledger l"
        " WHERE l.member_id = b.member_id) AS summed FROM balances b WHERE balance <> summed",
    )
    assert mismatched == []
    unbalanced = query(
        database,
        "SELECT DISTINCT member_id FROM ledger WHERE member_id NOT IN (SELECT member_id FROM balances)",
    )
    assert unbalanced == []


def check_features(database: Path, flood: Flood, members: dict[str, int]) -> None:
    """Votes, RSVPs and pledges are in the database; vote credits once per ballot; due work ran once."""
    ballots = set(query(database, "SELECT poll_id, member_id FROM poll_ballots"))
    voted = {(OPEN_POLL, members[who]) for who in flood.senders(f"vote{OPEN_POLL}")}
    assert voted <= ballots  # it was open all along
    credited = {
        (int(poll), int(member))
        for (source,) in query(database, "SELECT source FROM ledger WHERE kind = 'poll'")
        for _, poll, member in [source.split(":")]
    }
    assert credited == ballots  # a vote earned its credits once, however often it was changed
    going = set(query(database, "SELECT session_id, member_id FROM session_rsvps WHERE state = 'going'"))
    asked = set()
    for sid in flood.sids("rsvp"):
        session = int(flood.webhooks[sid]["Body"].split()[1])
        asked.add((session, members[flood.webhooks[sid]["From"]]))
    assert asked <= going  # nobody cancelled: every RSVP holds a place (50 of them)
    pledged = set(query(database, "SELECT unlock_id, member_id FROM unlock_pledges"))
    assert {(UNLOCK, members[who]) for who in flood.senders("pledge")} == pledged
    assert len(pledged) >= GOAL  # so it unlocked during the rounds
    assert query(database, "SELECT state FROM polls WHERE id = ?", CLOSING_POLL) == [("closed",)]
    assert sorted(query(database, f"SELECT kind, state FROM jobs WHERE {DUE}")) == [
        ("poll_close", "done"),
        ("session_reminder", "done"),
    ]
    assert query(database, "SELECT state FROM unlocks WHERE id = ?", UNLOCK) == [("unlocked",)]


def check_sends(database: Path, fake: FakeTwilio, flood: Flood, members: dict[str, int]) -> None:
    """Every message Twilio took is one part of one outbox row, sent once; what each member was told once."""
    assert query(database, "SELECT count(*) FROM outbox WHERE state IN ('unknown', 'failed')") == [(0,)]
    assert query(database, "SELECT count(*) FROM deliveries WHERE state IN ('unknown', 'failed')") == [(0,)]
    sends = dict(query(database, "SELECT sid, outbox_id || ':' || part FROM outbox_sends"))
    taken = [fake.sid_of(f) for f in fake.accepted]
    assert len(set(taken)) == len(taken) and set(taken) == set(sends)  # each send recorded by the bot
    parts = Counter(sends.values())
    assert [p for p, n in parts.items() if n > 1] == []  # no outbox row (part) sent twice
    rows = dict(
        query(
            database,
            "SELECT o.id, coalesce(d.kind || ':' || d.member_id, o.kind) FROM outbox o"
            " LEFT JOIN deliveries d ON d.id = o.delivery_id",
        )
    )
    told = Counter(rows[int(sends[fake.sid_of(f)].split(":")[0])] for f in fake.accepted)
    reminded = {key: n for key, n in told.items() if key.startswith("reminder:")}
    assert reminded == {f"reminder:{members[who]}": 1 for who in MEMBERS}  # each attendee reminded once
    bodies = [(f["To"], f.get("Body", "")) for f in fake.accepted]
    results = Counter(to for to, body in bodies if body.startswith(f"🏁 Poll #{CLOSING_POLL} "))
    assert results == Counter({who: 1 for who in [MODERATOR, *MEMBERS]})  # its results, once to each
    assert not [body for _, body in bodies if body.startswith(f"🏁 Poll #{OPEN_POLL} ")]
    rewarded = Counter(to for to, body in bodies if REWARD in body)
    assert rewarded == Counter(
        {who: 1 for who in flood.senders("pledge")}
    )  # the reward, once to each pledger
    # Each chat line, kudos and award carries a token of its own: whoever should read it, read it once.
    for kind, token_at in (("chat", 0), ("kudos", 2), ("award", 3)):
        for sid in flood.sids(kind):
            webhook = flood.webhooks[sid]
            token = webhook["Body"].split()[token_at]
            got = Counter(to for to, body in bodies if token in body)
            target = flood.target.get(sid, "")
            expected = {
                "chat": [webhook["From"]],  # "I don't know chat0042"
                "kudos": [target],  # the giver is told their budget, the receiver the reason
                "award": [MODERATOR, target],
            }[kind]
            assert got == Counter(expected), (sid, webhook["Body"], got)
