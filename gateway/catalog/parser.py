"""Turn VICIdial's plain-text reply into a :class:`ParsedReply` (pure functions, no I/O).

The parser knows no function by name: everything it needs comes from the function's
:class:`~gateway.catalog.spec.FunctionSpec` (templates, rows) and the parameters the gateway sent.

A reply is split on LF (a missing final LF is fine; a CR is data, VICIdial never prints one). Then:

* **Status lines** are matched against the function's templates, and against the
  :data:`~gateway.catalog.generic.GENERIC` lines only in the leading block of the reply: VICIdial
  prints those (source, permission) before any output of the function and then stops. Login
  refusals are never read here: :mod:`gateway.refusal` alone decides those, on evidence stored
  data cannot forge, so a line that looks like one is data (a lead's comments can hold it).
* **Row functions** print status lines only *before* their rows (``lead_all_info`` prints its
  per-lead ``LIST NOT FOUND`` errors first and the buffered rows last; the others print either an
  error or rows). Every line after the first non-status line is row data.
* **Main result**: a reply with data rows is a success with every status line as a notice
  (VICIdial exits right after a fatal error, so an ERROR before rows is a per-lead one). Otherwise
  the first ERROR line, else the first SUCCESS line, else the first NOTICE line; every other line
  becomes a :class:`Notice`.

Rows are fitted to their columns exactly or not at all. VICIdial never escapes a value, so a free
text value can contain the delimiter (more fields than columns) or a LF (a row goes on on the next
line):

* Which lines make one row: when VICIdial prints exactly one row (``Rows.single``; a lead_all_info
  ``lead_id``; each lead_all_info header block with ``header=YES``), all of them, so every LF is
  inside a value. Otherwise a line with too few fields is joined with the next one(s) until it has
  enough: the grouping with the fewest LFs inside values. (Only a value with nearly as many
  delimiters as the row has columns *and* a LF could make another grouping fit as well.)
* Which fields make one value: every way of giving the surplus fields to the free-text columns
  (and unknown header columns, e.g. custom fields) is considered, and counts only if every typed
  field then fits: numbers, MySQL's fixed date formats, and a few value shapes. The reading that
  needs the fewest surplus fields wins (e.g. agent_status with ``computer_ip`` printed rather than
  missing); if two readings remain, the reply is ambiguous and :class:`ReplyShapeError` is raised.
  With one free-text column the reading is always unique: fields before it are counted from the
  left, fields after it from the right. With several, the typed columns between them decide
  (lead_all_info: a tab in ``comments`` shifts ``date_of_birth`` etc. for any other placement).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import generic
from .fields import field_type, is_zero_date
from .reply import Notice, ParsedReply, ReplyShapeError
from .spec import API_USER_FIELD, FieldType, FunctionSpec, Rows, Template

__all__ = [
    "Column",
    "Misfit",
    "Notice",
    "ParsedReply",
    "ReplyShapeError",
    "RowFitter",
    "parse_reply",
    "split_leading_status",
]


# --- limits ------------------------------------------------------------------------------------

# A status line whose {name*} value (an echoed SQL statement) contains LFs spans several lines.
_MAX_JOIN_LINES = 500
_MAX_JOIN_CHARS = 32_000
# More surplus fields than this in one row is no free text VICIdial stores (a broken reply).
_MAX_EXTRA_FIELDS = 4096
# stage=newline with custom fields: bound on the (labels x offsets) tried for one lead.
_MAX_NEWLINE_WORK = 300_000

# Fields never returned: the gateway's own login, the password VICIdial echoes on a bad login,
# and the SQL statement VICIdial prints when an insert fails (it holds the gateway's login, and
# every value of the statement, inside its text).
_DROPPED_FIELDS = frozenset({API_USER_FIELD, "pass", "sql_statement"})

# Facts about particular values, used to reject a reading of a line that cannot be VICIdial's:
# - sql_statement: the INSERT VICIdial echoes when it fails always ends with ";" (the free-text
#   values inside it have ";" removed), so a LF inside it cannot end the line early.
# - computer_ip: the agent's REMOTE_ADDR at login (IPv4 or IPv6).
_VALUE_SHAPES: Mapping[str, re.Pattern[str]] = {
    "sql_statement": re.compile(r".*;", re.DOTALL),
    "computer_ip": re.compile(r"[0-9A-Fa-f:.]*[.:][0-9A-Fa-f:.]*"),
}

_INT = re.compile(r"[-+]?[0-9]+")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Row values of DATE/DATETIME columns come from MySQL in exactly these formats.
_ROW_FORMATS: Mapping[FieldType, re.Pattern[str]] = {
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "datetime": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"),
}
# A custom field label (lead_all_info header with custom_fields=Y).
_LABEL = re.compile(r"[A-Za-z0-9_]+")
# add_lead/update_lead print "{number}|{code}|{note}" per alt phone, without a LF, right before
# the MULTI-ALT-PHONE NOTICE (multi_alt_phones is filtered to [- +!:_0-9a-zA-Z], "!" and "_" split).
_ALT_PHONE_DEBUG = re.compile(r"[-+ :0-9A-Za-z|]+")
_ALT_PHONE_MESSAGE = "MULTI-ALT-PHONE NUMBERS LOADED"
_BAD = object()  # a slot value that does not fit


class Misfit(Exception):
    """A value does not fit its column: this reading of the row is wrong (the next one is tried;
    when none fits, the reply is a ReplyShapeError). :func:`parse_reply` never raises it."""


# --- values ------------------------------------------------------------------------------------


def _convert(name: str, value: str, spec: FunctionSpec, *, row: bool) -> Any:
    """The typed value of one field; Misfit when it cannot be what VICIdial prints there."""
    if value == "":
        return None
    shape = _VALUE_SHAPES.get(name)
    if shape is not None and not shape.fullmatch(value):
        raise Misfit(name)
    kind = field_type(name, spec.field_types)
    if kind == "int":
        if not _INT.fullmatch(value):
            raise Misfit(name)
        try:
            return int(value)
        except ValueError:  # more digits than Python converts
            raise Misfit(name) from None
    if kind == "decimal":
        if not _DECIMAL.fullmatch(value):
            raise Misfit(name)
        number = float(value)
        if not math.isfinite(number):
            raise Misfit(name)
        return number
    if row:
        fmt = _ROW_FORMATS.get(kind)
        if fmt is not None and not fmt.fullmatch(value):
            raise Misfit(name)
    if is_zero_date(kind, value):
        return None  # MySQL's zero date: VICIdial's empty date
    return value


def _row_value(name: str, text: str, spec: FunctionSpec, sep: str | None) -> Any:
    """A row field's value: typed, or a list for a list-valued column (``Rows.split_columns``)."""
    if sep is None:
        return _convert(name, text, spec, row=True)
    items = text.split(sep) if text else []
    if any(not item for item in items):
        raise Misfit(name)
    return items


def _status_data(values: Mapping[str, str], spec: FunctionSpec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name not in _DROPPED_FIELDS:
            data[name] = _convert(name, value, spec, row=False)
        elif (shape := _VALUE_SHAPES.get(name)) is not None and not shape.fullmatch(value):
            raise Misfit(name)  # not returned, but still tells a true reading from a false one
    return data


# --- status lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Status:
    template: Template
    data: dict[str, Any]
    generic: bool


_Index = tuple[tuple[Template, str, re.Pattern[str]], ...]


@lru_cache(maxsize=128)
def _index(templates: tuple[Template, ...]) -> _Index:
    """(template, literal text before its first field, regex) for quick matching."""
    return tuple((t, t.text.split("{", 1)[0], t.regex()) for t in templates)


def _match(
    index: _Index, text: str, spec: FunctionSpec, *, is_generic: bool, only_star: bool = False
) -> _Status | None:
    for template, prefix, regex in index:
        if only_star and "*}" not in template.text:
            continue
        if not text.startswith(prefix):
            continue
        m = regex.fullmatch(text)
        if m is None:
            continue
        try:
            data = _status_data(m.groupdict(), spec)
        except Misfit:
            continue
        return _Status(template, data, is_generic)
    return None


def _match_alt_phone_debug(index: _Index, line: str, spec: FunctionSpec) -> _Status | None:
    """The MULTI-ALT-PHONE NOTICE preceded on its line by VICIdial's unterminated debug text."""
    for template, prefix, _regex in index:
        if template.message != _ALT_PHONE_MESSAGE:
            continue
        # The NOTICE ends the line. (The debug text cannot spell it: "_" splits number_code_note.)
        at = line.rfind(prefix)
        if at > 0 and _ALT_PHONE_DEBUG.fullmatch(line[:at]):
            found = _match(index, line[at:], spec, is_generic=False)
            if found is not None and found.template.message == _ALT_PHONE_MESSAGE:
                return found
    return None


def _match_joined(
    index: _Index, lines: Sequence[str], start: int, spec: FunctionSpec
) -> tuple[_Status, int] | None:
    """A status line whose {name*} value contains LFs: the fewest next lines that complete it."""
    first = lines[start]
    if not any("*}" in t.text and first.startswith(p) for t, p, _r in index):
        return None
    text = first
    stop = min(len(lines), start + _MAX_JOIN_LINES)
    for end in range(start + 1, stop):
        text += "\n" + lines[end]
        if len(text) > _MAX_JOIN_CHARS:
            break
        found = _match(index, text, spec, is_generic=False, only_star=True)
        if found is not None:
            return found, end + 1
    return None


def _status_lines(
    spec: FunctionSpec, lines: Sequence[str], *, status_only: bool
) -> tuple[list[_Status], int]:
    """The leading status lines and the index of the first line that is not one.

    ``status_only`` (functions without rows) also tries the multi-line and debug-prefix forms.
    """
    own = _index(spec.templates)
    gen = _index(generic.GENERIC)
    found: list[_Status] = []
    leading = True  # only generic lines so far: generic templates still apply
    i = 0
    while i < len(lines):
        line = lines[i]
        step = 1
        status = _match(own, line, spec, is_generic=False)
        if status is None and leading:
            status = _match(gen, line, spec, is_generic=True)
        if status is None and status_only:
            status = _match_alt_phone_debug(own, line, spec)
            if status is None:
                joined = _match_joined(own, lines, i, spec)
                if joined is not None:
                    status, end = joined
                    step = end - i
        if status is None:
            break
        leading = leading and status.generic
        found.append(status)
        i += step
    return found, i


def split_leading_status(
    spec: FunctionSpec, lines: Sequence[str]
) -> tuple[tuple[Notice, ...], int]:
    """The leading status lines of a row reply as notices, and the index of its first data line
    (an export that fails prints an ERROR line instead of rows)."""
    statuses, first_data = _status_lines(spec, lines, status_only=False)
    return tuple(_notice(s) for s in statuses), first_data


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """The columns one data row is fitted to."""

    names: tuple[str, ...]
    optional: int  # how many of the last names may be missing from the row
    trailing_slot: bool  # the row ends with one extra field that must be empty
    foldable: frozenset[str]  # columns that may contain the delimiter

    @property
    def min_fields(self) -> int:
        return len(self.names) - self.optional + (1 if self.trailing_slot else 0)


def _delimiter(rows: Rows, params: Mapping[str, str]) -> str:
    if rows.delimiter_option == "pipe":
        return "|"
    stage = params.get("stage")
    if stage == "csv":
        return ","
    if stage == "tab":
        return "\t"
    if stage == "newline" and rows.newline_stage:
        return "\n"
    return "|"  # stage=pipe, absent, or anything else


def _conditional(rows: Rows) -> dict[str, tuple[str, str]]:
    return {column: (param, value) for column, param, value in rows.conditional_columns}


def _requested_columns(rows: Rows, params: Mapping[str, str]) -> tuple[str, ...]:
    """The columns VICIdial prints for this request (no header: the catalog's names)."""
    cond = _conditional(rows)
    return tuple(c for c in rows.columns if c not in cond or params.get(cond[c][0]) == cond[c][1])


def _base_columns(rows: Rows) -> tuple[str, ...]:
    """The leading columns every header starts with (up to the first conditional one)."""
    cond = _conditional(rows)
    base: list[str] = []
    for c in rows.columns:
        if c in cond:
            break
        base.append(c)
    return tuple(base)


def _custom_active(rows: Rows, params: Mapping[str, str]) -> bool:
    return rows.custom_columns is not None and (
        params.get(rows.custom_columns[0]) == rows.custom_columns[1]
    )


def _layout(rows: Rows, names: Sequence[str], *, open_columns: bool) -> _Layout:
    """``open_columns``: extra fields may be unnamed custom columns, so none can be folded."""
    known = set(rows.columns)
    # A column the catalog does not know (a custom field, a newer VICIdial column) may hold free
    # text as well: counting it as foldable can only make a repair ambiguous, never wrong.
    foldable = frozenset(
        () if open_columns else (n for n in names if n in rows.free_text or n not in known)
    )
    tail = rows.columns[len(rows.columns) - rows.optional_tail :] if rows.optional_tail else ()
    optional = 0
    while optional < len(tail) and optional < len(names) and names[-1 - optional] in tail:
        optional += 1
    # The row always has a slot for the last catalog column (list_info dialable_count); when the
    # column is not printed in the header, the slot is an extra empty field.
    trailing = rows.trailing_delimiter and rows.columns[-1] not in names
    return _Layout(tuple(names), optional, trailing, foldable)


def _header_names(line: str, delim: str, rows: Rows) -> list[str] | None:
    """The names of a header row, or None if the line is not one."""
    if line == "".join(rows.columns):
        # lead_search builds its header with an undefined delimiter: the names run together.
        return list(rows.columns)
    names = line.split(delim)
    base = _base_columns(rows)
    if tuple(names[: len(base)]) != base:
        return None
    _check_names(names, line)
    return names


def _check_names(names: Sequence[str], excerpt: str) -> None:
    if any(not n for n in names) or len(set(names)) != len(names):
        raise ReplyShapeError("header row with empty or repeated column names", excerpt)


def _readings(
    fields: Sequence[str], layout: _Layout, delim: str, rows: Rows, spec: FunctionSpec
) -> list[tuple[int, dict[str, Any]]]:
    """Valid readings of a row's fields as (extra fields folded, row).

    At most two per number of missing tail columns: two already make that reading ambiguous.
    """
    if layout.trailing_slot:
        if not fields or fields[-1] != "":
            return []
        fields = fields[:-1]
    found: list[tuple[int, dict[str, Any]]] = []
    for missing in range(layout.optional + 1):
        names = layout.names[: len(layout.names) - missing]
        extra = len(fields) - len(names)
        if extra < 0:
            continue
        if extra > _MAX_EXTRA_FIELDS:
            raise ReplyShapeError("row with far more fields than columns", delim.join(fields))
        slots = [i for i, n in enumerate(names) if n in layout.foldable]
        if extra and not slots:
            continue
        folder = _Folder(fields, names, slots, extra, delim, dict(rows.split_columns), spec)
        for row in folder.rows(limit=2):
            for name in layout.names[len(names) :]:
                row[name] = None
            found.append((extra, row))
    return found


class _Folder:
    """Every way to give ``extra`` surplus fields to the foldable columns (``slots``) of a row.

    The columns between two slots (a *segment*) are all shifted by the same number of fields: the
    shares of the slots before them. So a reading is a non-decreasing sequence of cumulative
    offsets c_1 <= ... <= c_m = extra (m slots), and segment k is valid or not at offset c_k
    whatever the other offsets are. ``feasible[k][c]`` says whether slots k+1..m and segments
    k..m can still be completed with c_k = c; walking only feasible states enumerates the valid
    readings without dead ends, in O(m * extra) checks.
    """

    def __init__(
        self,
        fields: Sequence[str],
        names: Sequence[str],
        slots: Sequence[int],
        extra: int,
        delim: str,
        split: Mapping[str, str],
        spec: FunctionSpec,
    ) -> None:
        self.fields = fields
        self.names = names
        self.slots = slots
        self.extra = extra
        self.delim = delim
        self.split = split
        self.spec = spec
        self.bounds = [-1, *slots, len(names)]  # segment k: columns between bounds[k], [k+1]
        self._segments: dict[tuple[int, int], dict[str, Any] | None] = {}
        m = len(slots)
        # checked[k]: slot k (1-based) can hold an invalid value (a typed free-text column).
        self.checked = [False, *(self._checked(names[j]) for j in slots)]
        self.feasible: list[list[bool]] = [[False] * (extra + 1) for _ in range(m + 1)]
        self.feasible[m][extra] = self.segment(m, extra) is not None
        for k in range(m - 1, -1, -1):
            offsets = range(extra + 1) if k else range(1)  # segment 0 is never shifted
            checked = self.checked[k + 1]
            later = self._suffix_any(self.feasible[k + 1])
            for c in offsets:
                if self.segment(k, c) is None:
                    continue
                if checked:
                    self.feasible[k][c] = any(
                        self.feasible[k + 1][c2] and self.slot(k + 1, c, c2) is not _BAD
                        for c2 in range(c, extra + 1)
                    )
                else:
                    self.feasible[k][c] = later[c]

    @staticmethod
    def _suffix_any(flags: Sequence[bool]) -> list[bool]:
        out = [False] * (len(flags) + 1)
        for i in range(len(flags) - 1, -1, -1):
            out[i] = flags[i] or out[i + 1]
        return out

    def _checked(self, name: str) -> bool:
        """Whether a value of this column can be invalid (else every slot value is valid)."""
        kind = field_type(name, self.spec.field_types)
        return (
            kind in ("int", "decimal")
            or kind in _ROW_FORMATS
            or name in _VALUE_SHAPES
            or name in self.split
        )

    def value(self, name: str, text: str) -> Any:
        return _row_value(name, text, self.spec, self.split.get(name))

    def segment(self, k: int, c: int) -> dict[str, Any] | None:
        """The values of segment k's columns at offset c, or None if one does not fit."""
        key = (k, c)
        if key not in self._segments:
            values: dict[str, Any] = {}
            try:
                for j in range(self.bounds[k] + 1, self.bounds[k + 1]):
                    values[self.names[j]] = self.value(self.names[j], self.fields[j + c])
            except Misfit:
                self._segments[key] = None
            else:
                self._segments[key] = values
        return self._segments[key]

    def slot(self, k: int, lo: int, hi: int) -> Any:
        """The value of slot k (1-based) spanning its own field plus hi - lo extra ones."""
        j = self.slots[k - 1]
        try:
            return self.value(self.names[j], self.delim.join(self.fields[j + lo : j + hi + 1]))
        except Misfit:
            return _BAD

    def rows(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` distinct valid readings (depth first, smallest offsets first)."""
        if not self.feasible[0][0]:
            return []
        found: list[dict[str, Any]] = []
        m = len(self.slots)
        stack: list[tuple[int, ...]] = [(0,)]  # cumulative offsets c_0..c_k chosen so far
        while stack and len(found) < limit:
            offsets = stack.pop()
            k = len(offsets) - 1
            if k == m:
                row = self._assemble(offsets)
                if row not in found:
                    found.append(row)
                continue
            prev = offsets[-1]
            for c in range(self.extra, prev - 1, -1):
                if self.feasible[k + 1][c] and (
                    not self.checked[k + 1] or self.slot(k + 1, prev, c) is not _BAD
                ):
                    stack.append((*offsets, c))
        return found

    def _assemble(self, offsets: Sequence[int]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for k in range(len(self.slots) + 1):
            if k:
                row[self.names[self.slots[k - 1]]] = self.slot(k, offsets[k - 1], offsets[k])
            segment = self.segment(k, offsets[k])
            assert segment is not None
            row.update(segment)
        return {name: row[name] for name in self.names}


def _choose(readings: Sequence[tuple[int, dict[str, Any]]], excerpt: str) -> dict[str, Any]:
    """The reading that folds the fewest fields, if it is the only one (else ambiguous)."""
    if not readings:
        raise ReplyShapeError("data row does not fit the columns", excerpt)
    fewest = min(extra for extra, _row in readings)
    best: list[dict[str, Any]] = []
    for extra, row in readings:
        if extra == fewest and row not in best:
            best.append(row)
    if len(best) > 1:
        raise ReplyShapeError("data row is ambiguous (delimiter inside free-text values)", excerpt)
    return best[0]


def _fit(line: str, layout: _Layout, delim: str, rows: Rows, spec: FunctionSpec) -> dict[str, Any]:
    return _choose(_readings(line.split(delim), layout, delim, rows, spec), line)


@dataclass(frozen=True)
class Column:
    """One column of a data row: how its text becomes its value (:meth:`value`), and the facts
    a faster reader of the same text needs to give exactly the same value."""

    name: str
    kind: FieldType
    split: str | None  # a list-valued column (Rows.split_columns): the separator of its items
    shaped: bool  # its values must have a known shape beyond their type (_VALUE_SHAPES)
    mysql_format: re.Pattern[str] | None  # a DATE/DATETIME column: MySQL's exact format
    spec: FunctionSpec = field(repr=False, compare=False)

    def value(self, text: str) -> Any:
        """The typed value (None for an empty text, a list for a list column); :class:`Misfit`
        when the text cannot be this column's."""
        return _row_value(self.name, text, self.spec, self.split)


@dataclass(frozen=True)
class RowFitter:
    """How the data rows of one reply are read: the columns a row is fitted to, the delimiter
    between its fields, and the exact fitting (:meth:`fit`) of a row whose free text holds the
    delimiter or a LF. Built for a request (:meth:`for_request`) or from a header row
    (:meth:`for_header`); not for ``stage=newline`` replies, where every field is a line."""

    spec: FunctionSpec
    rows: Rows
    delimiter: str
    _layout: _Layout

    @staticmethod
    def delimiter_for(spec: FunctionSpec, params: Mapping[str, str]) -> str:
        """The delimiter VICIdial puts between the fields of a row for this request."""
        if spec.rows is None:
            raise ValueError(f"{spec.name} replies have no rows")
        return _delimiter(spec.rows, params)

    @classmethod
    def for_request(cls, spec: FunctionSpec, params: Mapping[str, str]) -> RowFitter:
        """Rows without a header: the catalog's columns for these params (custom columns,
        when asked for, are unnamed extra fields)."""
        rows = cls._rows(spec, params)
        names = _requested_columns(rows, params)
        layout = _layout(rows, names, open_columns=_custom_active(rows, params))
        return cls(spec, rows, _delimiter(rows, params), layout)

    @classmethod
    def for_header(
        cls, spec: FunctionSpec, params: Mapping[str, str], line: str
    ) -> RowFitter | None:
        """Rows under the header row ``line``; None when ``line`` is no header row
        (ReplyShapeError for a header with empty or repeated names)."""
        rows = cls._rows(spec, params)
        delim = _delimiter(rows, params)
        names = _header_names(line, delim, rows)
        if names is None:
            return None
        return cls(spec, rows, delim, _layout(rows, names, open_columns=False))

    @staticmethod
    def _rows(spec: FunctionSpec, params: Mapping[str, str]) -> Rows:
        rows = spec.rows
        if rows is None:
            raise ValueError(f"{spec.name} replies have no rows")
        if _delimiter(rows, params) == "\n":
            raise ValueError("stage=newline rows are fitted by lines, not by a delimiter")
        return rows

    @property
    def names(self) -> tuple[str, ...]:
        return self._layout.names

    @property
    def min_fields(self) -> int:
        """The fewest fields a row has: a line with fewer goes on on the next line."""
        return self._layout.min_fields

    @property
    def fixed_width(self) -> bool:
        """Whether a plain row has exactly one field per name (no optional tail columns, no
        trailing empty field): only then can a row split on the delimiter be read field by
        field."""
        return not self._layout.trailing_slot and not self._layout.optional

    def column(self, name: str) -> Column:
        return Column(
            name,
            field_type(name, self.spec.field_types),
            dict(self.rows.split_columns).get(name),
            name in _VALUE_SHAPES,
            _ROW_FORMATS.get(field_type(name, self.spec.field_types)),
            self.spec,
        )

    def fit(self, text: str) -> dict[str, Any]:
        """The one row ``text`` (its lines joined with LF) reads as; ReplyShapeError when no
        reading fits or two do."""
        return _fit(text, self._layout, self.delimiter, self.rows, self.spec)


def _parse_rows(
    spec: FunctionSpec, rows: Rows, lines: Sequence[str], params: Mapping[str, str]
) -> list[dict[str, Any]]:
    with_header = params.get("header") == "YES"
    if _delimiter(rows, params) == "\n":
        return _parse_newline_rows(spec, rows, lines, params, with_header=with_header)
    blocks: list[tuple[RowFitter, list[str]]] = []
    if with_header:
        for line in lines:
            fitter = RowFitter.for_header(spec, params, line)
            if fitter is not None:
                blocks.append((fitter, []))
            elif not blocks:
                raise ReplyShapeError("header row expected", line)
            else:
                blocks[-1][1].append(line)
        if not blocks:
            raise ReplyShapeError("header row expected", "")
    else:
        blocks.append((RowFitter.for_request(spec, params), list(lines)))
    one_row = rows.single or bool(rows.single_if_param and params.get(rows.single_if_param))
    out: list[dict[str, Any]] = []
    for fitter, block in blocks:
        if block and (one_row or (with_header and rows.header_per_row)):
            # Exactly one row: every LF in it is inside a value.
            out.append(fitter.fit("\n".join(block)))
        else:
            out += _rows_of_block(block, fitter)
    return out


def _rows_of_block(lines: Sequence[str], fitter: RowFitter) -> list[dict[str, Any]]:
    """Several rows: a line with too few fields goes on on the next line (a LF in a value).

    A row ends as soon as it has enough fields: the reading with the fewest LFs inside values.
    A row that then does not fit is an error, never joined further with the next row.
    """
    out: list[dict[str, Any]] = []
    delim = fitter.delimiter
    i = 0
    while i < len(lines):
        parts = [lines[i]]
        count = lines[i].count(delim) + 1
        i += 1
        while count < fitter.min_fields and i < len(lines):
            parts.append(lines[i])
            count += lines[i].count(delim)
            i += 1
        out.append(fitter.fit("\n".join(parts)))
    return out


def _parse_newline_rows(
    spec: FunctionSpec,
    rows: Rows,
    lines: Sequence[str],
    params: Mapping[str, str],
    *,
    with_header: bool,
) -> list[dict[str, Any]]:
    """stage=newline (lead_all_info): every field is a line, and so is every header name."""
    base = _base_columns(rows)
    width = len(base)
    custom = _custom_active(rows, params)
    excerpt = "\n".join(lines[:width])
    if with_header:
        starts = [i for i in range(len(lines)) if tuple(lines[i : i + width]) == base]
        if not starts or starts[0] != 0:
            raise ReplyShapeError("header row expected", excerpt)
        out: list[dict[str, Any]] = []
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
            out.append(_newline_block(spec, rows, lines[start:end], width, custom=custom))
        return out
    names = _requested_columns(rows, params)
    width = len(names)
    layout = _layout(rows, names, open_columns=custom)
    if custom and len(lines) != width:
        raise ReplyShapeError("custom field columns without a header cannot be named", excerpt)
    one_row = rows.single or bool(rows.single_if_param and params.get(rows.single_if_param))
    if one_row or width < len(lines) < 2 * width:
        chunks = [lines]  # one lead: LFs inside its values are folded
    elif lines and len(lines) % width == 0:
        chunks = [lines[i : i + width] for i in range(0, len(lines), width)]
    else:
        raise ReplyShapeError("rows cannot be told apart (stage=newline without header)", excerpt)
    return [
        _choose(_readings(chunk, layout, "\n", rows, spec), "\n".join(chunk)) for chunk in chunks
    ]


def _newline_block(
    spec: FunctionSpec, rows: Rows, block: Sequence[str], width: int, *, custom: bool
) -> dict[str, Any]:
    """One lead of stage=newline with header: its header names, then as many values.

    How many custom labels follow the standard names is not printed. With k labels the values
    have 2 * k fewer surplus lines, so the largest k that fits is the reading with the fewest LFs
    inside values: try k from the largest down and take the first that fits.
    """
    excerpt = "\n".join(block)
    most = max(0, (len(block) - 2 * width) // 2) if custom else 0
    work = 0
    for labels in range(most, -1, -1):
        names = block[: width + labels]
        if any(not _LABEL.fullmatch(n) for n in names[width:]) or len(set(names)) != len(names):
            continue
        values = block[width + labels :]
        work += (max(0, len(values) - len(names)) + 1) * (len(names) + 1)
        if work > _MAX_NEWLINE_WORK:
            raise ReplyShapeError("stage=newline lead with too many possible layouts", excerpt)
        layout = _layout(rows, names, open_columns=False)
        readings = _readings(values, layout, "\n", rows, spec)
        if readings:
            return _choose(readings, excerpt)
    raise ReplyShapeError("data row does not fit the columns", excerpt)


# --- the reply ---------------------------------------------------------------------------------


def _split_lines(text: str) -> list[str]:
    if text == "":
        return []
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


def _notice(status: _Status) -> Notice:
    return Notice(status.template.result, status.template.message, status.data)


def parse_reply(spec: FunctionSpec, text: str, *, params: Mapping[str, str]) -> ParsedReply:
    """Parse VICIdial's reply to ``spec`` sent with ``params`` (the form sent, minus credentials).

    Raises :class:`ReplyShapeError` when the reply fits no known shape; nothing else.
    """
    try:
        if spec.custom_parse is not None:
            return spec.custom_parse(spec, text, params)
        return _parse(spec, text, params)
    except ReplyShapeError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, RecursionError, Misfit) as exc:
        # Defensive: a reply must never crash the gateway with anything but ReplyShapeError.
        raise ReplyShapeError(f"reply could not be parsed ({type(exc).__name__})", text) from None


def _parse(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    lines = _split_lines(text)
    rows = spec.rows
    statuses, first_data = _status_lines(spec, lines, status_only=rows is None)
    data_lines = lines[first_data:]
    if data_lines and rows is None:
        raise ReplyShapeError("line matches no reply template", data_lines[0])

    if rows is not None and data_lines:
        if any(s.generic for s in statuses):
            raise ReplyShapeError("data rows after a login/permission error", data_lines[0])
        parsed = _parse_rows(spec, rows, data_lines, params)
        data: dict[str, Any] | list[dict[str, Any]]
        if rows.single:
            if len(parsed) != 1:
                raise ReplyShapeError(
                    f"exactly one data row expected, got {len(parsed)}", "\n".join(data_lines)
                )
            data = parsed[0]
        else:
            data = parsed
        return ParsedReply(
            result="SUCCESS",
            message=None,
            data=data,
            notices=tuple(_notice(s) for s in statuses),
            error_type=None,
        )

    if not statuses:
        if spec.empty_ok:
            empty: list[dict[str, Any]] | None = None
            if rows is not None and not rows.single:
                empty = []
            return ParsedReply("SUCCESS", None, empty, (), None)
        # Every exposed function prints an ERROR line when nothing matches: an empty body is not
        # an empty result (e.g. a PHP fatal error).
        raise ReplyShapeError("empty reply", "")

    main = next(
        (s for s in statuses if s.template.result == "ERROR"),
        next((s for s in statuses if s.template.result == "SUCCESS"), statuses[0]),
    )
    template = main.template
    error_type = (template.error_type or "upstream_error") if template.result == "ERROR" else None
    return ParsedReply(
        result=template.result,
        message=template.message,
        data=main.data,
        notices=tuple(_notice(s) for s in statuses if s is not main),
        error_type=error_type,
        generic=main.generic,
    )
