"""LINK merges onboarding too: referrals follow the person, the surviving member keeps its own answers."""

from __future__ import annotations

import re

from handlers.core import Core
from handlers.models import Identity
from storage.store import Store
from tests.conftest import say
from tests.handlers.onboarding.conftest import member, onboard
from tests.handlers.onboarding.test_referrals import code_of
from tests.handlers.test_linking import code_for

PHONE = "whatsapp:+15550001234"


async def test_a_merge_moves_referrals_and_keeps_the_targets_own_profile(core: Core, store: Store) -> None:
    await onboard(core, "alice")  # answers: Customer, Americas
    alice_code = await code_of(core, "alice")
    assert "Send AGREE" in (await say(core, PHONE, "JOIN")).text
    await say(core, PHONE, "AGREE")
    await say(core, PHONE, "2")  # Maker
    await say(core, PHONE, "1")  # Europe
    phone = await store.members.by_identity(Identity.parse(PHONE))
    assert phone is not None
    found = re.search(
        r"Your referral code: ([A-Z0-9]+-[A-Z0-9]{4})\.", (await say(core, PHONE, "REFERRAL")).text
    )
    assert found
    phone_code = found[1]
    await say(core, "console:bob", f"JOIN {phone_code}")  # bob was brought by the phone member
    await say(core, "console:bob", "AGREE")
    await say(core, "console:bob", "1")
    await say(core, "console:bob", "2")

    link = await code_for(core, "console:alice")
    assert (await say(core, PHONE, f"LINK {link}")).text.startswith("Linked: you are @alice here too")

    alice = await member(store, "alice")
    referrals = (await say(core, "console:alice", "REFERRALS")).text
    assert "@bob — credited" in referrals  # the phone member's referral now belongs to alice
    assert await code_of(core, "alice") == alice_code  # alice keeps her own code
    profile = (await say(core, PHONE, "PROFILE")).text  # the same member from either platform
    assert "Customer" in profile and "Americas" in profile  # her own answers win over the merged ones
    assert "Maker" not in profile
    rows = await store.db.fetch_all("SELECT count(*) FROM onboarding WHERE member_id = ?", (phone.id,))
    assert rows[0][0] == 0  # nothing is left on the merged-away member
    assert alice.id != phone.id
