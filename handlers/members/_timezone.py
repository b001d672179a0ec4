"""TIMEZONE: the zone every time is shown to a member in, on every platform they linked.

IANA names only (`Europe/Rome`), matched without regard to case; a city alone (`Rome`, `new york`) when it
names one zone. WhatsApp members start with the zone their number's country code gives, where it names one
(set by the adapter's guess when they join); everyone else with the community's.
"""

from __future__ import annotations

import difflib
import functools
import zoneinfo

from handlers.context import Context
from handlers.members._errors import UnknownTimeZone
from handlers.models import Member, Reply
from handlers.stamps import stamp

AUTO = "auto"
"""`TIMEZONE auto`: no zone of their own (the community's)."""
SUGGESTIONS = 25
"""As many as Discord's autocomplete shows."""


@functools.cache
def _zones() -> dict[str, str]:
    """Every zone by its lower-case name, and by its city where only one zone has that city."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if not name.startswith(("posix/", "right/", "Etc/")) and name not in ("localtime", "Factory")
    } | {"UTC"}
    found = {name.lower(): name for name in names}
    cities: dict[str, list[str]] = {}
    for name in names:
        if "/" in name:
            cities.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    for city, zones in cities.items():
        if len(zones) == 1:
            found.setdefault(city, zones[0])
    return found


def zone_named(text: str) -> str | None:
    """The IANA zone `text` names (`europe/rome`, `Rome`, `new york`), or None."""
    word = text.strip().lower().replace(" ", "_")
    return _zones().get(word)


def suggest(typed: str) -> list[str]:
    """Zones for an autocomplete: those containing what was typed, the closest spellings first."""
    word = typed.strip().lower().replace(" ", "_")
    canonical = sorted({zone for zone in _zones().values()})
    if not word:
        return canonical[:SUGGESTIONS]
    starting = [zone for zone in canonical if zone.lower().rsplit("/", 1)[-1].startswith(word)]
    containing = [zone for zone in canonical if word in zone.lower() and zone not in starting]
    return (starting + containing)[:SUGGESTIONS]


def closest(text: str) -> str | None:
    """The zone a misspelt name most likely meant (`Europe/Pariss`), for the refusal."""
    word = text.strip().lower().replace(" ", "_")
    found = difflib.get_close_matches(word, list(_zones()), n=1, cutoff=0.75)
    return _zones()[found[0]] if found else None


def show(ctx: Context, member: Member) -> Reply:
    zone = ctx.zone_for(member)
    local = ctx.now.astimezone(zone)
    key = "members.timezone_current_own" if member.timezone else "members.timezone_current_default"
    return Reply(ctx.t(key, zone=zone.key, time=local) + stamp(ctx.now))


async def choose(ctx: Context, member: Member, word: str) -> Reply:
    auto = word.strip().lower() == AUTO
    zone = None if auto else zone_named(word)
    if zone is None and not auto:
        raise UnknownTimeZone(word, closest(word))
    if zone != member.timezone:
        ctx.member = member = await ctx.members.set_timezone(member.id, zone)
    shown = ctx.zone_for(member)
    local = ctx.now.astimezone(shown)
    key = "members.timezone_auto" if zone is None else "members.timezone_set"
    return Reply(ctx.t(key, zone=shown.key, time=local) + stamp(ctx.now))
