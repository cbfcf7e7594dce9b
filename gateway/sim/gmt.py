"""Time zones of phone numbers and "is it a good time to call" (VICIdial's lookup_gmt / dialable).

VICIdial computes a new lead's ``gmt_offset_now`` from the ``vicidial_phone_codes`` table (by
country code and US area code), adding one hour when the number's DST rule is in effect. The
simulator carries a small excerpt of that table; US numbers whose area code is missing fall back to
the table's first row for the country code, exactly as the PHP's "all other country codes" branch
does (the stock table starts with 201, New Jersey, hence ``-5.00``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .clock import php_number

USA_DST = "SSM-FSN"  # second Sunday in March to first Sunday in November


@dataclass(frozen=True)
class AreaCode:
    """One ``vicidial_phone_codes`` row for country code 1."""

    areacode: str
    state: str
    gmt_offset: str  # standard time, as stored ("-6.00")
    dst_range: str = USA_DST


# Excerpt of the stock table, in its order (the first row is the fallback for unknown area codes).
AREA_CODES: tuple[AreaCode, ...] = (
    AreaCode("201", "NJ", "-5.00"),
    AreaCode("202", "DC", "-5.00"),
    AreaCode("206", "WA", "-8.00"),
    AreaCode("212", "NY", "-5.00"),
    AreaCode("213", "CA", "-8.00"),
    AreaCode("214", "TX", "-6.00"),
    AreaCode("303", "CO", "-7.00"),
    AreaCode("305", "FL", "-5.00"),
    AreaCode("312", "IL", "-6.00"),
    AreaCode("404", "GA", "-5.00"),
    AreaCode("407", "FL", "-5.00"),
    AreaCode("415", "CA", "-8.00"),
    AreaCode("416", "ON", "-5.00"),
    AreaCode("512", "TX", "-6.00"),
    AreaCode("602", "AZ", "-7.00", dst_range=""),
    AreaCode("617", "MA", "-5.00"),
    AreaCode("702", "NV", "-8.00"),
    AreaCode("713", "TX", "-6.00"),
    AreaCode("727", "FL", "-5.00"),
    AreaCode("773", "IL", "-6.00"),
    AreaCode("808", "HI", "-10.00", dst_range=""),
    AreaCode("813", "FL", "-5.00"),
    AreaCode("847", "IL", "-6.00"),
    AreaCode("907", "AK", "-9.00"),
)
_BY_AREA = {a.areacode: a for a in AREA_CODES}

# Offset used for country codes the excerpt does not know (simplification of the full table).
DEFAULT_GMT = "-5.00"

# vicidial_call_times excerpt: id -> (default start, default stop) as HHMM numbers.
CALL_TIMES: dict[str, tuple[int, int]] = {
    "24hours": (0, 2400),
    "9am-9pm": (900, 2100),
    "9am-5pm": (900, 1700),
    "12pm-5pm": (1200, 1700),
}


def area_code(phone_number: str) -> AreaCode | None:
    """The row for a US/Canada number's area code (usacan_areacode_check, lookup_state)."""
    return _BY_AREA.get(phone_number[:3])


def _nth_sunday(year: int, month: int, n: int) -> dt.datetime:
    first = dt.datetime(year, month, 1)
    offset = (6 - first.weekday()) % 7  # Monday=0 ... Sunday=6
    return first + dt.timedelta(days=offset + 7 * (n - 1), hours=2)


def usa_dst(epoch: float, standard_offset: float) -> bool:
    """True if US daylight time is in effect at that local standard time (SSM-FSN at 2 am)."""
    local = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=epoch + standard_offset * 3600)
    return _nth_sunday(local.year, 3, 2) <= local < _nth_sunday(local.year, 11, 1)


def lookup_gmt(phone_code: str, phone_number: str, epoch: float) -> str:
    """The gmt offset add_lead prints: the stored text, or PHP's float text after a DST +1."""
    if phone_code == "1":
        row = area_code(phone_number) or AREA_CODES[0]
        offset, dst_range = row.gmt_offset, row.dst_range
    else:
        offset, dst_range = DEFAULT_GMT, ""
    if dst_range == USA_DST and usa_dst(epoch, float(offset)):
        return php_number(float(offset) + 1)
    return offset


def stored_decimal(value: str) -> str:
    """How a DECIMAL(4,2) column stores the value (``-5`` -> ``-5.00``)."""
    try:
        return f"{float(value):.2f}"
    except ValueError:
        return "0.00"


def dialable(call_time: str, gmt_offset: str, epoch: float) -> bool:
    """dialable_gmt: is the lead's local time inside the call time's default window?"""
    window = CALL_TIMES.get(call_time)
    if window is None:
        return False  # unknown call time: the PHP finds no row and answers 0
    try:
        offset = float(gmt_offset)
    except ValueError:
        offset = 0.0
    local = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=epoch + offset * 3600)
    hhmm = local.hour * 100 + local.minute
    return window[0] <= hhmm < window[1]
