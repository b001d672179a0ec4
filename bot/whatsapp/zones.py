"""The time zone a WhatsApp number's country code gives, where it names one (`+33…` Europe/Paris).

phonenumbers (Google's libphonenumber data) knows the zones of each number's prefix. A number whose zones
all keep the same clock all year (Italy: Rome and Vatican) names one zone; one whose zones differ (Spain:
Madrid and the Canaries, most of the United States by area code) names none, and the member starts on the
community's zone until they send TIMEZONE.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as number_zones

from handlers.models import Identity

PLATFORM = "whatsapp"
_SAMPLES = tuple(datetime(2026, month, 15, 12, tzinfo=UTC) for month in range(1, 13))


def zone_of(identity: Identity) -> str | None:
    if identity.platform != PLATFORM:
        return None
    try:
        number = phonenumbers.parse(identity.user_id.removeprefix("whatsapp:"))
    except phonenumbers.NumberParseException:
        return None
    zones = tuple(zone for zone in number_zones.time_zones_for_number(number) if zone != "Etc/Unknown")
    if not zones:
        return None
    if len(zones) > 1 and not _same_clock(zones):
        return None
    return _named(phonenumbers.region_code_for_number(number), zones)


def _same_clock(zones: tuple[str, ...]) -> bool:
    try:
        offsets = {tuple(when.astimezone(ZoneInfo(zone)).utcoffset() for when in _SAMPLES) for zone in zones}
    except ZoneInfoNotFoundError:
        return False
    return len(offsets) == 1


def _named(region: str | None, zones: tuple[str, ...]) -> str:
    """Of zones that keep the same clock, the one the country's own fixed lines use (London rather
    than Guernsey for a British mobile)."""
    if len(zones) == 1 or region is None:
        return zones[0]
    home = _home_zones(region)
    return next((zone for zone in zones if zone in home), sorted(zones)[0])


@functools.cache
def _home_zones(region: str) -> tuple[str, ...]:
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.FIXED_LINE)
    return () if example is None else tuple(number_zones.time_zones_for_number(example))
