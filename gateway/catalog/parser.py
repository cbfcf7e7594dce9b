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

**The plain-row fast path.** A row with exactly one field per column (plus the empty trailing
slot where the layout has one) is first read field by field with the layout's precomputed
converters. That is no guess: with no surplus field nothing can be folded, so the search has one
candidate reading with zero folded fields, which is exactly this one, and it wins over every
reading with missing tail columns (those fold at least one field). So when every field fits its
column the result is the search's; when one does not (a :class:`Misfit`), the general search
reads the row. Layouts, converters and template indexes are built once per spec
(:attr:`FunctionSpec.derived`). :func:`row_paths` counts the rows each path took and can switch
the fast path off (the reference for tests and benchmarks).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from . import generic
from .fields import ZERO_DATES, field_type, is_zero_date
from .reply import Notice, ParsedReply, ReplyShapeError
from .row_reader import Converter, RowReader, row_reader
from .spec import API_USER_FIELD, FieldType, FunctionSpec, Rows, Template, derived

__all__ = [
    "Column",
    "Misfit",
    "Notice",
    "ParsedReply",
    "ReplyShapeError",
    "RowFitter",
    "RowPaths",
    "parse_reply",
    "row_paths",
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


def _converter(
    name: str, spec: FunctionSpec, split: str | None, *, row: bool = True
) -> Converter | None:
    """A function equal to ``_row_value(name, ., spec, split)`` (``row``) or to
    ``_convert(name, ., spec, row=False)`` (a status line's field), with the field's facts looked
    up once; None for a text field, whose value is its text, or None when empty."""
    kind = field_type(name, spec.field_types)
    if split is not None:
        return lambda text: _row_value(name, text, spec, split)
    if name in _VALUE_SHAPES:
        return lambda text: _convert(name, text, spec, row=row)
    if kind == "int":
        is_int = _INT.fullmatch

        def to_int(text: str) -> int | None:
            if text.isdigit() and text.isascii():  # the common case: [0-9]+ fits _INT
                try:
                    return int(text)
                except ValueError:  # more digits than Python converts
                    raise Misfit(name) from None
            if text == "":
                return None
            if is_int(text) is None:
                raise Misfit(name)
            try:
                return int(text)
            except ValueError:  # more digits than Python converts
                raise Misfit(name) from None

        return to_int
    if kind == "decimal":
        is_decimal = _DECIMAL.fullmatch

        def to_float(text: str) -> float | None:
            if text == "":
                return None
            if is_decimal(text) is None:
                raise Misfit(name)
            number = float(text)
            if not math.isfinite(number):
                raise Misfit(name)
            return number

        return to_float
    zero = ZERO_DATES.get(kind)
    row_format = _ROW_FORMATS.get(kind)
    if row_format is not None and not row:

        def to_zero_date(text: str) -> str | None:
            return None if text == "" or text == zero else text

        return to_zero_date
    if row_format is not None:
        is_date = row_format.fullmatch

        def to_date(text: str) -> str | None:
            if text == "":
                return None
            if is_date(text) is None:
                raise Misfit(name)
            return None if text == zero else text

        return to_date
    return None


def _text(text: str) -> str | None:
    return text or None


# A status line's field: (returned, converter); a field not returned may still be checked.
_StatusField = tuple[bool, Converter | None]


def _status_field(name: str, spec: FunctionSpec) -> _StatusField:
    if name not in _DROPPED_FIELDS:
        return True, _converter(name, spec, None, row=False) or _text
    shape = _VALUE_SHAPES.get(name)
    if shape is None:
        return False, None

    def check(text: str) -> None:
        # Not returned, but still tells a true reading from a false one.
        if not shape.fullmatch(text):
            raise Misfit(name)

    return False, check


def _status_data(values: Mapping[str, str], fields: Mapping[str, _StatusField]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in values.items():
        returned, convert = fields[name]
        if returned:
            assert convert is not None
            data[name] = convert(value)
        elif convert is not None:
            convert(value)
    return data


# --- status lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Status:
    template: Template
    data: dict[str, Any]
    generic: bool


@dataclass(frozen=True)
class _Indexed:
    template: Template
    prefix: str  # the literal text before its first field, for quick matching
    regex: re.Pattern[str]
    fields: Mapping[str, _StatusField]  # by regex group name


_Index = tuple[_Indexed, ...]


def _index(templates: tuple[Template, ...], spec: FunctionSpec) -> _Index:
    out: list[_Indexed] = []
    for t in templates:
        regex = t.regex()
        fields = {name: _status_field(name, spec) for name in regex.groupindex}
        out.append(_Indexed(t, t.text.split("{", 1)[0], regex, fields))
    return tuple(out)


def _indexes(spec: FunctionSpec) -> tuple[_Index, _Index]:
    """The spec's own templates and the generic ones, indexed once per spec."""
    return derived(
        spec,
        "parser.indexes",
        lambda: (_index(spec.templates, spec), _index(generic.lines_for(spec.api), spec)),
    )


def _match(
    index: _Index, text: str, *, is_generic: bool, only_star: bool = False
) -> _Status | None:
    for entry in index:
        template = entry.template
        if only_star and "*}" not in template.text:
            continue
        if not text.startswith(entry.prefix):
            continue
        m = entry.regex.fullmatch(text)
        if m is None:
            continue
        try:
            data = _status_data(m.groupdict(), entry.fields)
        except Misfit:
            continue
        return _Status(template, data, is_generic)
    return None


def _match_alt_phone_debug(index: _Index, line: str) -> _Status | None:
    """The MULTI-ALT-PHONE NOTICE preceded on its line by VICIdial's unterminated debug text."""
    for entry in index:
        if entry.template.message != _ALT_PHONE_MESSAGE:
            continue
        # The NOTICE ends the line. (The debug text cannot spell it: "_" splits number_code_note.)
        at = line.rfind(entry.prefix)
        if at > 0 and _ALT_PHONE_DEBUG.fullmatch(line[:at]):
            found = _match(index, line[at:], is_generic=False)
            if found is not None and found.template.message == _ALT_PHONE_MESSAGE:
                return found
    return None


def _match_joined(index: _Index, lines: Sequence[str], start: int) -> tuple[_Status, int] | None:
    """A status line whose {name*} value contains LFs: the fewest next lines that complete it."""
    first = lines[start]
    if not any("*}" in e.template.text and first.startswith(e.prefix) for e in index):
        return None
    text = first
    stop = min(len(lines), start + _MAX_JOIN_LINES)
    for end in range(start + 1, stop):
        text += "\n" + lines[end]
        if len(text) > _MAX_JOIN_CHARS:
            break
        found = _match(index, text, is_generic=False, only_star=True)
        if found is not None:
            return found, end + 1
    return None


def _status_lines(
    spec: FunctionSpec, lines: Sequence[str], *, status_only: bool
) -> tuple[list[_Status], int]:
    """The leading status lines and the index of the first line that is not one.

    ``status_only`` (functions without rows) also tries the multi-line and debug-prefix forms.
    """
    own, gen = _indexes(spec)
    found: list[_Status] = []
    leading = True  # only generic lines so far: generic templates still apply
    i = 0
    while i < len(lines):
        line = lines[i]
        step = 1
        status = _match(own, line, is_generic=False)
        if status is None and leading:
            status = _match(gen, line, is_generic=True)
        if status is None and status_only:
            status = _match_alt_phone_debug(own, line)
            if status is None:
                joined = _match_joined(own, lines, i)
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
    # (position, converter) of every column that is not plain text (_converter): what the fast
    # path runs; a text column's value is its text, or None when empty.
    typed: tuple[tuple[int, Converter], ...] = ()

    @property
    def min_fields(self) -> int:
        return len(self.names) - self.optional + (1 if self.trailing_slot else 0)

    @functools.cached_property
    def read(self) -> RowReader:
        """The fast path's reading of a row with one field per name (:mod:`.row_reader`)."""
        return row_reader(self.names, self.typed)


@dataclass(frozen=True)
class _RowFacts:
    """What every request of one spec's rows shares, derived once (:func:`_row_facts`)."""

    conditional: Mapping[str, tuple[str, str]]
    base: tuple[str, ...]  # the leading columns every header starts with
    run_together: str  # every column name, no delimiter (lead_search's header)
    split: Mapping[str, str]


def _row_facts(spec: FunctionSpec, rows: Rows) -> _RowFacts:
    def make() -> _RowFacts:
        cond = {column: (param, value) for column, param, value in rows.conditional_columns}
        base: list[str] = []
        for c in rows.columns:
            if c in cond:
                break
            base.append(c)
        return _RowFacts(cond, tuple(base), "".join(rows.columns), dict(rows.split_columns))

    if rows is not spec.rows:
        return make()
    return derived(spec, "parser.row_facts", make)


@dataclass
class RowPaths:
    """Which path read the data rows parsed inside :func:`row_paths` (tests, benchmarks)."""

    fast: bool = True  # False: every row goes through the general search (the reference)
    plain: int = 0  # rows read field by field by the fast path
    searched: int = 0  # rows (or candidate row layouts) read by the general search


_PATHS: ContextVar[RowPaths | None] = ContextVar("gateway_row_paths", default=None)


@contextmanager
def row_paths(*, fast: bool = True) -> Iterator[RowPaths]:
    """Count the rows each path reads in this context; ``fast=False`` turns the fast path off,
    so every row is read by the general search alone."""
    paths = RowPaths(fast)
    token = _PATHS.set(paths)
    try:
        yield paths
    finally:
        _PATHS.reset(token)


def _plain_row(fields: Sequence[str], layout: _Layout) -> dict[str, Any] | None:
    """The row read field by field when it has exactly one field per column and every field
    fits (the general search's only zero-fold reading, see the module's docstring); None when
    the general search must decide."""
    names = layout.names
    if layout.trailing_slot:
        if len(fields) != len(names) + 1 or fields[-1] != "":
            return None
    elif len(fields) != len(names):
        return None
    try:
        return layout.read(fields)  # the trailing slot, if any, is not read
    except Misfit:
        return None


def _read_row(
    fields: Sequence[str],
    layout: _Layout,
    delim: str,
    rows: Rows,
    spec: FunctionSpec,
    excerpt: str,
    paths: RowPaths | None,
) -> dict[str, Any]:
    """One row's fields as the general search reads them, by the fast path where it can."""
    if paths is None or paths.fast:
        row = _plain_row(fields, layout)
        if row is not None:
            if paths is not None:
                paths.plain += 1
            return row
    return _choose(_readings(fields, layout, delim, rows, spec, paths), excerpt)


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


def _requested_columns(
    spec: FunctionSpec, rows: Rows, params: Mapping[str, str]
) -> tuple[str, ...]:
    """The columns VICIdial prints for this request (no header: the catalog's names)."""
    cond = _row_facts(spec, rows).conditional
    if not cond:
        return rows.columns
    return tuple(c for c in rows.columns if c not in cond or params.get(cond[c][0]) == cond[c][1])


def _custom_active(rows: Rows, params: Mapping[str, str]) -> bool:
    return rows.custom_columns is not None and (
        params.get(rows.custom_columns[0]) == rows.custom_columns[1]
    )


# Layouts kept per spec: header names come from the reply, so their number is bounded.
_MAX_LAYOUTS = 64


def _layout(spec: FunctionSpec, rows: Rows, names: Sequence[str], *, open_columns: bool) -> _Layout:
    """The layout for these names, built once per spec (up to :data:`_MAX_LAYOUTS` of them)."""
    if rows is not spec.rows:
        return _make_layout(spec, rows, names, open_columns=open_columns)
    layouts: dict[tuple[tuple[str, ...], bool], _Layout] = derived(spec, "parser.layouts", dict)
    key = (tuple(names), open_columns)
    layout = layouts.get(key)
    if layout is None:
        layout = _make_layout(spec, rows, names, open_columns=open_columns)
        if len(layouts) < _MAX_LAYOUTS:
            layouts[key] = layout
    return layout


def _make_layout(
    spec: FunctionSpec, rows: Rows, names: Sequence[str], *, open_columns: bool
) -> _Layout:
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
    split = _row_facts(spec, rows).split
    typed: list[tuple[int, Converter]] = []
    for i, name in enumerate(names):
        convert = _converter(name, spec, split.get(name))
        if convert is not None:
            typed.append((i, convert))
    return _Layout(tuple(names), optional, trailing, foldable, tuple(typed))


def _header_names(line: str, delim: str, facts: _RowFacts, rows: Rows) -> list[str] | None:
    """The names of a header row, or None if the line is not one."""
    if line == facts.run_together:
        # lead_search builds its header with an undefined delimiter: the names run together.
        return list(rows.columns)
    base = facts.base
    if base and not line.startswith(base[0]):
        return None  # (quick: the first name must start the line)
    names = line.split(delim)
    if tuple(names[: len(base)]) != base:
        return None
    _check_names(names, line)
    return names


def _check_names(names: Sequence[str], excerpt: str) -> None:
    if any(not n for n in names) or len(set(names)) != len(names):
        raise ReplyShapeError("header row with empty or repeated column names", excerpt)


def _readings(
    fields: Sequence[str],
    layout: _Layout,
    delim: str,
    rows: Rows,
    spec: FunctionSpec,
    paths: RowPaths | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """Valid readings of a row's fields as (extra fields folded, row): the general search.

    At most two per number of missing tail columns: two already make that reading ambiguous.
    """
    if paths is not None:
        paths.searched += 1
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
        folder = _Folder(fields, names, slots, extra, delim, _row_facts(spec, rows).split, spec)
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


def _fit(
    line: str,
    layout: _Layout,
    delim: str,
    rows: Rows,
    spec: FunctionSpec,
    paths: RowPaths | None,
    fields: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The one row ``line`` reads as (``fields``: ``line`` split on ``delim`` already)."""
    if fields is None:
        fields = line.split(delim)
    return _read_row(fields, layout, delim, rows, spec, line, paths)


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
        names = _requested_columns(spec, rows, params)
        layout = _layout(spec, rows, names, open_columns=_custom_active(rows, params))
        return cls(spec, rows, _delimiter(rows, params), layout)

    @classmethod
    def for_header(
        cls, spec: FunctionSpec, params: Mapping[str, str], line: str
    ) -> RowFitter | None:
        """Rows under the header row ``line``; None when ``line`` is no header row
        (ReplyShapeError for a header with empty or repeated names)."""
        rows = cls._rows(spec, params)
        delim = _delimiter(rows, params)
        names = _header_names(line, delim, _row_facts(spec, rows), rows)
        if names is None:
            return None
        return cls(spec, rows, delim, _layout(spec, rows, names, open_columns=False))

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
        return _fit(text, self._layout, self.delimiter, self.rows, self.spec, _PATHS.get())


def _parse_rows(
    spec: FunctionSpec, rows: Rows, lines: Sequence[str], params: Mapping[str, str]
) -> list[dict[str, Any]]:
    with_header = params.get("header") == "YES"
    if _delimiter(rows, params) == "\n":
        return _parse_newline_rows(spec, rows, lines, params, with_header=with_header)
    blocks: list[tuple[RowFitter, list[str]]] = []
    if with_header:
        delim = _delimiter(rows, params)
        facts = _row_facts(spec, rows)
        for line in lines:
            fitter = (
                RowFitter.for_header(spec, params, line)
                if _header_names_may_start(line, delim, facts)
                else None
            )
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


def _header_names_may_start(line: str, delim: str, facts: _RowFacts) -> bool:
    """False only for a line :func:`_header_names` certainly refuses (a quick test per line)."""
    return not facts.base or line.startswith(facts.base[0]) or line == facts.run_together


def _rows_of_block(lines: Sequence[str], fitter: RowFitter) -> list[dict[str, Any]]:
    """Several rows: a line with too few fields goes on on the next line (a LF in a value).

    A row ends as soon as it has enough fields: the reading with the fewest LFs inside values.
    A row that then does not fit is an error, never joined further with the next row.
    """
    out: list[dict[str, Any]] = []
    delim = fitter.delimiter
    layout, rows, spec = fitter._layout, fitter.rows, fitter.spec
    min_fields = layout.min_fields
    paths = _PATHS.get()
    fast = paths is None or paths.fast
    i = 0
    while i < len(lines):
        line = lines[i]
        fields = line.split(delim)
        i += 1
        if len(fields) >= min_fields:  # a row on a line of its own
            row = _plain_row(fields, layout) if fast else None
            if row is None:
                row = _choose(_readings(fields, layout, delim, rows, spec, paths), line)
            elif paths is not None:
                paths.plain += 1
            out.append(row)
            continue
        parts = [line]
        count = len(fields)
        while count < min_fields and i < len(lines):
            parts.append(lines[i])
            count += lines[i].count(delim)
            i += 1
        out.append(_fit("\n".join(parts), layout, delim, rows, spec, paths))
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
    base = _row_facts(spec, rows).base
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
    names = _requested_columns(spec, rows, params)
    width = len(names)
    layout = _layout(spec, rows, names, open_columns=custom)
    if custom and len(lines) != width:
        raise ReplyShapeError("custom field columns without a header cannot be named", excerpt)
    one_row = rows.single or bool(rows.single_if_param and params.get(rows.single_if_param))
    if one_row or width < len(lines) < 2 * width:
        chunks = [lines]  # one lead: LFs inside its values are folded
    elif lines and len(lines) % width == 0:
        chunks = [lines[i : i + width] for i in range(0, len(lines), width)]
    else:
        raise ReplyShapeError("rows cannot be told apart (stage=newline without header)", excerpt)
    paths = _PATHS.get()
    return [_read_row(chunk, layout, "\n", rows, spec, "\n".join(chunk), paths) for chunk in chunks]


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
    paths = _PATHS.get()
    work = 0
    for labels in range(most, -1, -1):
        names = block[: width + labels]
        if any(not _LABEL.fullmatch(n) for n in names[width:]) or len(set(names)) != len(names):
            continue
        values = block[width + labels :]
        work += (max(0, len(values) - len(names)) + 1) * (len(names) + 1)
        if work > _MAX_NEWLINE_WORK:
            raise ReplyShapeError("stage=newline lead with too many possible layouts", excerpt)
        layout = _layout(spec, rows, names, open_columns=False)
        if paths is None or paths.fast:
            row = _plain_row(values, layout)
            if row is not None:  # the reading with no folded line: the first that fits
                if paths is not None:
                    paths.plain += 1
                return row
        readings = _readings(values, layout, "\n", rows, spec, paths)
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
