"""TIMEZONE: each member reads times in their own zone, on every platform; WhatsApp numbers start in the
zone their country code gives; SCHEDULE shows moderators what is coming in theirs."""

from __future__ import annotations

from bot.whatsapp.zones import zone_of
from handlers.core import Core
from handlers.members._timezone import suggest, zone_named
from handlers.models import Identity
from handlers.platforms import Platforms
from handlers.settings import CommunityConfig
from handlers.stamps import discord, plain, stamp
from handlers.text import clean
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger

FLAVOURS = '"Next flavour?" | Mango | Yuzu | 2d'


async def test_a_member_sets_a_zone_by_name_or_city_and_reads_times_in_it(core: Core) -> None:
    await say(core, "console:alice", "JOIN")
    shown = plain((await say(core, "console:alice", "TIMEZONE")).text)
    assert "community's time zone, Europe/Paris" in shown and "TIMEZONE Europe/Rome" in shown
    assert "America/New_York" in (await say(core, "console:alice", "TIMEZONE new york")).text
    await say(core, "console:mod", f"POLL NEW {FLAVOURS}")
    listing = plain((await say(core, "console:alice", "POLLS")).text)
    # The poll closes Wed 4 Mar 10:00 in Paris: 04:00 in New York, named.
    assert "Wed 4 Mar at 04:00 (America/New_York)" in listing
    assert "Wed 4 Mar at 10:00 (Europe/Paris)" in plain((await say(core, "console:mod", "POLLS")).text)
    assert "Europe/Rome" in (await say(core, "console:alice", "timezone europe/rome")).text
    back = plain((await say(core, "console:alice", "TIMEZONE auto")).text)
    assert "community's time zone again, Europe/Paris" in back


async def test_an_unknown_zone_is_refused_with_the_closest_name_and_nothing_changes(core: Core) -> None:
    await say(core, "console:alice", "JOIN")
    refused = (await say(core, "console:alice", "TIMEZONE Europe/Pariss")).text
    assert refused.startswith("I don’t know the time zone “Europe/Pariss”. Did you mean Europe/Paris?")
    assert refused.endswith("Send TIMEZONE Europe/Paris.")
    nothing_close = (await say(core, "console:alice", "TIMEZONE Narnia")).text
    assert nothing_close.startswith("I don’t know the time zone “Narnia”. Write it as Region/City")
    assert "community's time zone, Europe/Paris" in (await say(core, "console:alice", "TIMEZONE")).text


async def test_french_members_use_their_keyword_and_read_french(core: Core) -> None:
    await say(core, "console:chloe", "JOIN")
    await say(core, "console:chloe", "LANGUE fr")
    answer = (await say(core, "console:chloe", "FUSEAU Europe/Lisbon")).text
    assert answer.startswith("Ton fuseau horaire est maintenant Europe/Lisbon")


async def test_a_whatsapp_number_gives_a_new_member_the_zone_of_its_country(
    store: Store, clock: FakeClock, community: CommunityConfig
) -> None:
    core = make_core(store, clock, RecordingMessenger(), community, Platforms(zone_of=zone_of))
    await core.start()
    await say(core, "whatsapp:+447400123456", "JOIN")  # a British mobile
    await say(core, "whatsapp:+34612345678", "JOIN")  # Spain: Madrid or the Canaries, an hour apart
    british = await store.members.by_identity(Identity.parse("whatsapp:+447400123456"))
    spanish = await store.members.by_identity(Identity.parse("whatsapp:+34612345678"))
    assert british is not None and british.timezone == "Europe/London"
    assert spanish is not None and spanish.timezone is None  # the community's until they say


def test_country_codes_name_a_zone_only_when_it_is_unambiguous() -> None:
    assert zone_of(Identity.parse("whatsapp:+33612345678")) == "Europe/Paris"
    assert zone_of(Identity.parse("whatsapp:+393331234567")) == "Europe/Rome"  # Rome and Vatican agree
    assert zone_of(Identity.parse("whatsapp:+34612345678")) is None
    assert zone_of(Identity.parse("console:alice")) is None


def test_zone_names_and_suggestions() -> None:
    assert zone_named("europe/ROME") == "Europe/Rome"
    assert zone_named("Los Angeles") == "America/Los_Angeles"
    assert zone_named("Nowhere") is None
    assert suggest("rom")[0] == "Europe/Rome"
    assert all("new_y" in zone.lower() for zone in suggest("new y"))
    assert len(suggest("")) == 25


def test_a_moment_shows_as_a_discord_timestamp_on_discord_and_as_text_elsewhere() -> None:
    from datetime import UTC, datetime

    text = "Closes Wed 4 Mar at 10:00 (Europe/Paris)" + stamp(datetime(2026, 3, 4, 9, tzinfo=UTC)) + "."
    assert discord(text) == "Closes Wed 4 Mar at 10:00 (Europe/Paris) · <t:1772614800:F>."
    assert plain(text) == "Closes Wed 4 Mar at 10:00 (Europe/Paris)."
    assert clean("\ue0001772614800\ue001") == "1772614800"  # a member cannot forge one


async def test_schedule_lists_what_is_coming_in_the_moderators_zone(core: Core, clock: FakeClock) -> None:
    before = plain((await say(core, "console:mod", "SCHEDULE")).text).splitlines()
    assert before[0] == "Coming up (times in Europe/Paris):"
    assert "• Mon 9 Mar at 09:00: The weekly newsletter" in before
    assert before[-1] == "• Wed 1 Apr at 10:00: NPS survey starts (members who joined 14 days ago or more)"
    await say(core, "console:mod", f"POLL NEW {FLAVOURS}")
    await say(core, "console:mod", 'CHALLENGE NEW "Best mug photo" | Your mug in use | 1d')
    await say(core, "console:mod", "JOIN")
    await say(core, "console:mod", "TIMEZONE Europe/London")
    listing = plain((await say(core, "console:mod", "SCHEDULE")).text).splitlines()
    assert listing[0] == "Coming up (times in Europe/London):"
    assert listing[1].endswith("Challenge #1 ends: Best mug photo")
    assert listing[2] == "• Wed 4 Mar at 09:00: Poll #1 closes: Next flavour?"
    assert listing[3] == "• Mon 9 Mar at 08:00: The weekly newsletter"
    await say(core, "console:alice", "JOIN")
    refused = (await say(core, "console:alice", "SCHEDULE")).text
    assert "moderators" in refused.lower()
    await say(core, "console:mod", "POLL CANCEL 1")
    assert "Poll #1" not in (await say(core, "console:mod", "SCHEDULE")).text
