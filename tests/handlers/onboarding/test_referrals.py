"""Referral codes, attribution, payment once onboarding is done, fraud rules and clawback."""

from __future__ import annotations

import re

import pytest

from handlers.core import Core
from handlers.events import MemberLeft
from handlers.features import community_config
from handlers.ledger import Kind
from handlers.models import Identity, MemberStatus
from handlers.onboarding._ports import ONBOARDING
from handlers.points._ports import POINTS
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.onboarding.conftest import ONBOARDING as ONBOARDING_COMMUNITY
from tests.handlers.onboarding.conftest import balance, member, onboard


async def code_of(core: Core, name: str) -> str:
    reply = await say(core, f"console:{name}", "REFERRAL")
    found = re.search(r"Your referral code: ([A-Z0-9]+-[A-Z0-9]{4})\.", reply.text)
    assert found, reply.text
    return found[1]


async def test_code_is_stable_and_readable(core: Core) -> None:
    await onboard(core, "alice")
    code = await code_of(core, "alice")
    assert code.startswith("ALICE-") and not set(code[6:]) & set("01OIL")
    assert await code_of(core, "alice") == code
    reply = await say(core, "console:alice", "REFERRAL")
    assert "You earn 50 credits for each newcomer who finishes joining" in reply.text
    assert "wa.me" not in reply.text and "discord.gg" not in reply.text  # neither platform is set up


async def test_join_with_a_code_credits_the_referrer_once_after_onboarding(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await onboard(core, "alice")
    code = await code_of(core, "alice")
    joined = await say(core, "console:bob", f"JOIN {code.lower()}")
    assert "You joined through @alice's invitation" in joined.text
    assert await balance(store, "alice") == 10  # her own introduction only, so far
    await say(core, "console:bob", "AGREE")
    await say(core, "console:bob", "1")
    assert await balance(store, "alice") == 10
    await say(core, "console:bob", "2")  # the last question: onboarding is complete
    assert await balance(store, "alice") == 60
    assert "@bob has joined Test Club through you: +50 credits." in messenger.texts_to("console:alice")[-1]
    await say(core, "console:bob", "PROFILE why maker")
    await say(core, "console:bob", "INTRO me hello, I am bob and I like pottery")
    history = await store.repository(POINTS).history((await member(store, "alice")).id, 10)
    assert [(e.kind, e.delta) for e in history].count((Kind.REFERRAL, 50)) == 1
    listed = await say(core, "console:alice", "REFERRALS")
    assert "@bob — credited (joined" in listed.text and "via code" in listed.text


async def test_unknown_code_is_refused_and_nothing_is_written(core: Core, store: Store) -> None:
    reply = await say(core, "console:bob", "JOIN NOBODY-2222")
    assert reply.text == (
        "No member has the referral code “NOBODY-2222”: check it with whoever gave it to you, "
        "or send JOIN alone."
    )
    assert await store.members.by_identity(Identity.parse("console:bob")) is None


async def test_own_code_on_return_is_refused_and_a_rejoin_credits_nobody(core: Core, store: Store) -> None:
    await onboard(core, "alice")
    await onboard(core, "dave")
    alice_code, dave_code = await code_of(core, "alice"), await code_of(core, "dave")
    already = await say(core, "console:dave", f"JOIN {alice_code}")
    assert "already a member" in already.text
    await core.member_left(MemberLeft(Identity.parse("console:dave")))
    own = await say(core, "console:dave", f"JOIN {dave_code}")
    assert own.text.startswith("That is your own referral code")
    assert (await member(store, "dave")).status is MemberStatus.LEFT
    back = await say(core, "console:dave", f"JOIN {alice_code}")
    assert "nobody is credited for your return" in back.text
    assert (await member(store, "dave")).status is MemberStatus.MEMBER
    assert await balance(store, "alice") == 10
    assert await store.repository(ONBOARDING).referral((await member(store, "dave")).id) is None


async def test_early_leaver_is_taken_back_with_a_reversing_entry(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await onboard(core, "alice")
    code = await code_of(core, "alice")
    await onboard(core, "bob", code)
    assert await balance(store, "alice") == 60
    clock.advance(days=3)
    await core.member_left(MemberLeft(Identity.parse("console:bob")))
    assert await balance(store, "alice") == 10
    history = await store.repository(POINTS).history((await member(store, "alice")).id, 10)
    reversal = history[0]
    assert reversal.kind is Kind.REVOKE and reversal.delta == -50 and reversal.reverses is not None
    assert "left within 30 days" in messenger.texts_to("console:alice")[-1]
    assert "left early: taken back" in (await say(core, "console:alice", "REFERRALS")).text
    await say(core, "console:bob", "JOIN")  # back again: no new credit, nothing reversed twice
    await core.member_left(MemberLeft(Identity.parse("console:bob")))
    assert await balance(store, "alice") == 10


async def test_leaving_after_the_clawback_period_keeps_the_credit(
    core: Core, store: Store, clock: FakeClock
) -> None:
    await onboard(core, "alice")
    await onboard(core, "bob", await code_of(core, "alice"))
    clock.advance(days=31)
    await core.member_left(MemberLeft(Identity.parse("console:bob")))
    assert await balance(store, "alice") == 60


async def test_leaving_before_finishing_voids_the_referral(core: Core, store: Store) -> None:
    await onboard(core, "alice")
    await say(core, "console:bob", f"JOIN {await code_of(core, 'alice')}")
    await core.member_left(MemberLeft(Identity.parse("console:bob")))
    await say(core, "console:bob", "JOIN")
    await say(core, "console:bob", "AGREE")
    await say(core, "console:bob", "1")
    await say(core, "console:bob", "1")
    assert await balance(store, "alice") == 10
    assert "left before finishing: not credited" in (await say(core, "console:alice", "REFERRALS")).text


class TestHoldPeriod:
    @pytest.fixture
    def community(self) -> CommunityConfig:
        data = {
            **ONBOARDING_COMMUNITY,
            "onboarding": {**ONBOARDING_COMMUNITY["onboarding"], "referral_hold_days": 7},
        }
        return community_config(data)

    async def test_paid_only_after_the_hold_when_still_here(
        self, core: Core, store: Store, clock: FakeClock
    ) -> None:
        await onboard(core, "alice")
        code = await code_of(core, "alice")
        await onboard(core, "bob", code)
        await onboard(core, "carol", code)
        assert "credited after the waiting period" in (await say(core, "console:alice", "REFERRALS")).text
        clock.advance(days=2)
        await core.member_left(MemberLeft(Identity.parse("console:carol")))
        clock.advance(days=5)
        await core.run_due_jobs()
        assert await balance(store, "alice") == 60  # bob stayed 7 days, carol did not
        clock.advance(days=30)
        await core.run_due_jobs()
        assert await balance(store, "alice") == 60
