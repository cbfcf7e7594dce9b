"""Reply shapes of the report functions that the general parser cannot type.

Each parser is pure: ``(spec, text, params) -> ParsedReply``; it raises only
:class:`~gateway.catalog.reply.ReplyShapeError` (with a short excerpt) for anything it does not
recognise, never a guess. A reply that starts with a status line (an ERROR, a login failure) is
handed to the general parser with the spec's templates, so every error is read the same way as
elsewhere.

* agent_stats_export: durations are printed as ``h:mm:ss`` (or ``m:ss`` / seconds, by
  ``time_format``) and percentages as ``40%``; the gateway returns seconds and numbers. With
  ``group_by_campaign=YES`` the first column is conditional, which the general parser's header
  detection cannot anchor on, so the header row is checked here.
* call_status_stats: ``id|total|human|HH-n,...(24)|STATUS-n,...|`` rows become lists.
* call_dispo_report: a CSV report whose header lists the statuses in first-seen order while every
  row prints its values sorted by status code (PHP ``ksort``), ending with a ``TOTAL`` row that has
  no LF. Values are mapped to the sorted statuses.
* check_phone_number: ``AREACODE: 1|-6.00#...PHONE: number|code|postal|state|owner|`` without a
  SUCCESS prefix.

call_status_stats and call_dispo_report print ``ERROR: Invalid Source: |source|`` after their
"missing campaigns" error although the source is fine; that copy-paste line is dropped here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .parser import parse_reply
from .reply import ParsedReply, ReplyShapeError
from .spec import Template, derived, general

if TYPE_CHECKING:
    from .spec import FieldType, FunctionSpec

# agent_stats_export: durations (VICIdial prints them as h:mm:ss; the gateway returns seconds)
# and percentages (printed as "40%").
AGENT_STATS_DURATIONS = (
    "login_time",
    "total_talk_time",
    "avg_talk_time",
    "avg_wait_time",
    "avg_session",
    "avg_pause_time",
    "wait_time",
    "talk_time",
    "dispo_time",
    "dead_time",
)
AGENT_STATS_PERCENTS = ("pct_of_queue", "pause_pct")

# check_phone_number's success line has no SUCCESS prefix: one segment per time-zone method named
# in tz_method, always in this order, then the PHONE segment. (Shared with the simulator; not spec
# templates, because the segments combine freely.)
TZ_METHODS = ("AREACODE", "POSTAL", "TZCODE", "NANPA")
TZ_SEGMENT = Template("{method}: {dialable}|{gmt_offset}#", result_override="SUCCESS")
PHONE_SEGMENT = Template(
    "PHONE: {phone_number}|{phone_code}|{postal_code}|{state}|{owner}|",
    result_override="SUCCESS",
)

_STATUS_PREFIXES = ("SUCCESS: ", "ERROR: ", "NOTICE: ")
_DIGITS = re.compile(r"[0-9]+")


def _lines(text: str) -> list[str]:
    if text == "":
        return []
    return text.removesuffix("\n").split("\n")


def _is_status(line: str) -> bool:
    return line.startswith(_STATUS_PREFIXES)


def _status_reply(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """A reply of status lines only (errors, login failures): the general parser reads it."""
    return parse_reply(general(spec, rows=None), text, params=params)


def _count(value: str, excerpt: str) -> int:
    if not _DIGITS.fullmatch(value):
        raise ReplyShapeError("count expected", excerpt)
    return int(value)


def _success(data: dict[str, Any] | list[dict[str, Any]]) -> ParsedReply:
    return ParsedReply("SUCCESS", None, data, (), None)


# --- agent_stats_export ----------------------------------------------------------------------

_HMS = re.compile(r"([0-9]+):([0-5][0-9]):([0-5][0-9])")
_MS = re.compile(r"([0-9]+):([0-5][0-9])")
_PERCENT = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)%")


def _duration_reader(time_format: str) -> Callable[[str], int | None]:
    """Seconds from VICIdial's sec_convert() text for this time_format (None: not its shape)."""

    def hms(value: str) -> int | None:
        m = _HMS.fullmatch(value)
        return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) if m else None

    def ms(value: str) -> int | None:
        m = _MS.fullmatch(value)
        return int(m[1]) * 60 + int(m[2]) if m else None

    def seconds(value: str) -> int | None:
        return int(value) if _DIGITS.fullmatch(value) else None

    def other(value: str) -> int | None:
        # An unknown precision prints seconds, but zero as "0:00".
        return 0 if value == "0:00" else seconds(value)

    readers = {"": hms, "HF": hms, "H": hms, "M": ms, "S": seconds}
    return readers.get(time_format, other)


def _agent_stats_columns(spec: FunctionSpec, params: Mapping[str, str]) -> list[str]:
    assert spec.rows is not None
    columns = list(spec.rows.columns)
    if params.get("group_by_campaign") != "YES":
        columns.remove("campaign_id")
    return columns


def _stage_delimiter(params: Mapping[str, str]) -> str:
    return {"csv": ",", "tab": "\t"}.get(params.get("stage", ""), "|")


def _agent_stats_plain(spec: FunctionSpec) -> FunctionSpec:
    """The spec the general parser reads agent_stats_export's rows with: the durations and
    percentages as text (converted by parse_agent_stats)."""
    types: dict[str, FieldType] = dict(spec.field_types)
    types.update(dict.fromkeys((*AGENT_STATS_DURATIONS, *AGENT_STATS_PERCENTS), "text"))
    return replace(spec, custom_parse=None, field_types=types)


def parse_agent_stats(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """Rows with durations in seconds and percentages as numbers."""
    lines = _lines(text)
    if not lines or _is_status(lines[0]):
        return _status_reply(spec, text, params)
    rest = dict(params)
    if rest.pop("header", None) == "YES":
        expected = _stage_delimiter(params).join(_agent_stats_columns(spec, params))
        if lines[0] != expected:
            raise ReplyShapeError("header row expected", lines[0])
        text = "\n".join(lines[1:]) + "\n"
    # The general parser splits the rows (full_name may hold the delimiter); the durations and
    # percentages are read as text there and converted here.
    plain = derived(spec, "reports_shapes.agent_stats", lambda: _agent_stats_plain(spec))
    reply = parse_reply(plain, text, params=rest)
    if not isinstance(reply.data, list) or reply.result != "SUCCESS":
        raise ReplyShapeError("agent rows expected", text)
    read = _duration_reader(params.get("time_format", ""))
    rows = [
        _agent_stats_row(row, read, AGENT_STATS_DURATIONS, AGENT_STATS_PERCENTS, text)
        for row in reply.data
    ]
    return _success(rows)


def _agent_stats_row(
    row: dict[str, Any],
    read: Callable[[str], int | None],
    durations: Sequence[str],
    percents: Sequence[str],
    excerpt: str,
) -> dict[str, Any]:
    out = dict(row)
    for name in durations:
        seconds = read(row[name] or "")
        if seconds is None:
            raise ReplyShapeError(f"{name} is not a duration", excerpt)
        out[name] = seconds
    for name in percents:
        m = _PERCENT.fullmatch(row[name] or "")
        if m is None:
            raise ReplyShapeError(f"{name} is not a percentage", excerpt)
        out[name] = float(m[1])
    return out


# --- call_status_stats / call_dispo_report errors ----------------------------------------------

_MISSING_SOURCE = re.compile(
    r"ERROR: call_(?:status_stats|dispo_report) INVALID OR MISSING .* - (.*)"
)


def _stats_error(spec: FunctionSpec, lines: list[str], params: Mapping[str, str]) -> ParsedReply:
    """A status reply; the 'Invalid Source' line after the missing-campaigns error is dropped."""
    if not lines:
        raise ReplyShapeError("empty reply")
    m = _MISSING_SOURCE.fullmatch(lines[0])
    if m and len(lines) > 1 and lines[1] == f"ERROR: Invalid Source: |{m[1]}|":
        lines = [lines[0], *lines[2:]]
    return _status_reply(spec, "\n".join(lines) + "\n", params)


# --- call_status_stats -----------------------------------------------------------------------


def parse_call_status_stats(
    spec: FunctionSpec, text: str, params: Mapping[str, str]
) -> ParsedReply:
    """``[{id, total_calls, human_answered_calls, hourly: [24 counts], statuses: [...]}]``."""
    lines = _lines(text)
    if not lines:
        return _success([])  # no campaigns and no in-groups to report
    if _is_status(lines[0]):
        return _stats_error(spec, lines, params)
    return _success([_status_stats_row(line) for line in lines])


def _status_stats_row(line: str) -> dict[str, Any]:
    fields = line.split("|")
    if len(fields) != 6 or fields[5] != "" or not fields[0]:
        raise ReplyShapeError("call_status_stats row expected", line)
    hours = fields[3].split(",")
    if len(hours) != 24:
        raise ReplyShapeError("24 hourly counts expected", line)
    hourly = []
    for hour, item in enumerate(hours):
        label, _, count = item.partition("-")
        if label != f"{hour:02d}":
            raise ReplyShapeError("hourly counts out of order", line)
        hourly.append(_count(count, line))
    statuses = []
    for item in fields[4].split(",") if fields[4] else []:
        status, _, count = item.rpartition("-")  # a count has no dash; a status may
        if not status:
            raise ReplyShapeError("STATUS-count expected", line)
        statuses.append({"status": status, "calls": _count(count, line)})
    return {
        "id": fields[0],
        "total_calls": _count(fields[1], line),
        "human_answered_calls": _count(fields[2], line),
        "hourly": hourly,
        "statuses": statuses,
    }


# --- call_dispo_report -----------------------------------------------------------------------

_DISPO_HEADER = ("CAMPAIGN", "TOTAL CALLS")
_COUNT_PERCENT = re.compile(r"([0-9]+) \(([0-9]+\.[0-9])%\)")


def _php_flag(value: str | None) -> bool:
    """status_breakdown / show_percentages after VICIdial's [1Y] filter: set if anything is left."""
    return any(c in "1Y" for c in value or "")


def parse_call_dispo_report(
    spec: FunctionSpec, text: str, params: Mapping[str, str]
) -> ParsedReply:
    """``{rows: [{id, total_calls, statuses: [{status, calls, percent}]}], total: {...}}``."""
    lines = text.split("\n")
    if _is_status(lines[0]) or text == "":
        return _stats_error(spec, _lines(text), params)
    if len(lines) < 2 or text.endswith("\n"):
        raise ReplyShapeError("report must end with the TOTAL row (no LF)", text[-200:])
    header = lines[0].split(",")
    if tuple(header[:2]) != _DISPO_HEADER or any(not s for s in header[2:]):
        raise ReplyShapeError("report header expected", lines[0])
    breakdown = _php_flag(params.get("status_breakdown"))
    if header[2:] and not breakdown:
        raise ReplyShapeError("status columns without status_breakdown", lines[0])
    statuses = php_ksort(dict.fromkeys(header[2:]), lines[0])
    percent = breakdown and _php_flag(params.get("show_percentages"))
    rows = [_dispo_row(line, statuses, percent) for line in lines[1:-1]]
    total = _dispo_row(lines[-1], statuses, percent)
    if total.pop("id") != "TOTAL":
        raise ReplyShapeError("TOTAL row expected last", lines[-1])
    return _success({"rows": rows, "total": total})


def _dispo_row(line: str, statuses: Sequence[str], percent: bool) -> dict[str, Any]:
    fields = line.split(",")
    if len(fields) != 2 + len(statuses) or not fields[0]:
        raise ReplyShapeError("report row does not fit the header", line)
    values = []
    for status, value in zip(statuses, fields[2:], strict=True):
        if percent:
            m = _COUNT_PERCENT.fullmatch(value)
            if m is None:
                raise ReplyShapeError("'count (percent%)' expected", line)
            values.append({"status": status, "calls": int(m[1]), "percent": float(m[2])})
        else:
            values.append({"status": status, "calls": _count(value, line), "percent": None})
    return {"id": fields[0], "total_calls": _count(fields[1], line), "statuses": values}


_INT_KEY = re.compile(r"0|-?[1-9][0-9]{0,18}")
_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")


def _php_key(key: str) -> int | str:
    """A PHP array key: a canonical decimal integer string becomes an int."""
    if _INT_KEY.fullmatch(key) and -(2**63) <= int(key) < 2**63:
        return int(key)
    return key


def _order(less: bool, greater: bool) -> int:
    return int(greater) - int(less)


def _php_compare(a: int | str, b: int | str) -> int:
    """ksort's comparison of two keys in PHP 8 (numbers numerically, other strings bytewise)."""
    if isinstance(a, int) and isinstance(b, int):
        return _order(a < b, a > b)
    if isinstance(a, str) and isinstance(b, str):
        if _NUMERIC.fullmatch(a) and _NUMERIC.fullmatch(b):
            return _order(float(a) < float(b), float(a) > float(b))
        return _order(a.encode() < b.encode(), a.encode() > b.encode())
    number, string, sign = (a, b, 1) if isinstance(a, int) else (b, a, -1)
    assert isinstance(string, str)
    if _NUMERIC.fullmatch(string):
        x, y = float(number), float(string)
        return sign * _order(x < y, x > y)
    left, right = str(number).encode(), string.encode()
    return sign * _order(left < right, left > right)


def php_ksort(keys: Iterable[str], excerpt: str = "") -> list[str]:
    """The keys in the order PHP 8's ``ksort`` leaves them.

    Status codes are nearly always letters (plain byte order). With numeric-looking codes PHP's
    comparison need not be a total order; then the order is unknowable and that is an error.
    """
    names = list(keys)
    php = {name: _php_key(name) for name in names}

    def compare(x: str, y: str) -> int:
        return _php_compare(php[x], php[y])

    ordered = sorted(names, key=functools.cmp_to_key(compare))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if _php_compare(php[first], php[second]) >= 0:
                raise ReplyShapeError("status columns have no defined order", excerpt)
    return ordered


# --- check_phone_number ----------------------------------------------------------------------

_TZ_VALUE = re.compile(r"([01])\|(-?[0-9]+(?:\.[0-9]+)?)?#")


def parse_check_phone_number(
    spec: FunctionSpec, text: str, params: Mapping[str, str]
) -> ParsedReply:
    """``{time_zones: [{method, dialable, gmt_offset}], phone_number, phone_code, ...}``."""
    lines = _lines(text)
    if not lines or _is_status(lines[0]):
        return _status_reply(spec, text, params)
    if len(lines) != 1 or not text.endswith("\n"):
        raise ReplyShapeError("one check_phone_number line expected", text)
    line, pos = lines[0], 0
    zones: list[dict[str, Any]] = []
    for method in TZ_METHODS:
        if line.startswith(f"{method}: ", pos):
            m = _TZ_VALUE.match(line, pos + len(method) + 2)
            if m is None:
                raise ReplyShapeError(f"{method} segment expected", line)
            gmt = float(m[2]) if m[2] is not None else None
            zones.append({"method": method, "dialable": m[1] == "1", "gmt_offset": gmt})
            pos = m.end()
    phone = PHONE_SEGMENT.regex().fullmatch(line, pos)
    if phone is None:
        raise ReplyShapeError("PHONE segment expected", line)
    data: dict[str, Any] = {k: v or None for k, v in phone.groupdict().items()}
    data["time_zones"] = zones
    return _success(data)
