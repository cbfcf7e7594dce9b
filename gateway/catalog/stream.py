"""Incremental parsing of row replies, for exports streamed to the caller as they arrive.

:class:`RowStream` is the line-at-a-time twin of the parser's row path (several rows, one
delimiter, optional header): it gives the same rows as :func:`~gateway.catalog.parser.parse_reply`
would for the whole text, but holds only the row being assembled, so memory stays flat whatever
the export's size. (:func:`~gateway.catalog.parser.split_leading_status` tells where a reply's
leading status lines end.)

Rows of exactly the expected width (nearly all of them) take a fast path that converts each field
directly; a row with more or fewer fields goes through the parser's exact fitting (free text that
contains the delimiter, a LF inside a value). Both use only the parser's public row surface:
:class:`~gateway.catalog.parser.RowFitter` (columns, delimiter, exact fitting) and its
:class:`~gateway.catalog.parser.Column` (how one field becomes its value).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, TypeVar

from .fields import USER_ID_FIELDS, ZERO_DATES
from .parser import Column, Misfit, RowFitter
from .reply import ReplyShapeError, hide_login
from .spec import FunctionSpec, derived

Converter = Callable[[str], Any]
T = TypeVar("T")


def streamable(spec: FunctionSpec) -> bool:
    """Whether the spec's replies can be streamed row by row (several rows, not stage=newline)."""
    rows = spec.rows
    return (
        spec.stream
        and spec.custom_parse is None
        and rows is not None
        and not rows.single
        and not rows.header_per_row
        and rows.single_if_param is None
    )


class RowStream:
    """Feed data lines (header first, when one was asked for); get finished rows back.

    :meth:`feed` gives rows as dicts; :meth:`feed_json` gives the same rows already encoded as
    compact JSON objects (what the export writer sends), without building dicts for the plain
    rows that make up nearly every export. ``logins`` (VICIdial login -> credential name): the
    gateway's own logins in user-id fields are shown as the credential's name (reply.hide_login).
    """

    def __init__(
        self, spec: FunctionSpec, params: Mapping[str, str], logins: Mapping[str, str] | None = None
    ) -> None:
        if not streamable(spec) or spec.rows is None:
            raise ValueError(f"{spec.name} replies cannot be streamed")
        self.spec = spec
        self.params = params
        self._logins: Mapping[str, str] = logins or {}
        self._hide: tuple[int, ...] = ()  # positions of user-id fields, when there are logins
        self.delim = RowFitter.delimiter_for(spec, params)
        if self.delim == "\n":
            raise ValueError("stage=newline replies cannot be streamed")
        self._fitter: RowFitter | None = None
        self._converters: list[Converter] | None = None
        self._encoders: list[Encoder] | None = None
        self._keys: list[str] = []
        self._line: tuple[re.Pattern[str], str, re.Pattern[str]] | None = None
        if params.get("header") != "YES":
            self._use(RowFitter.for_request(spec, params))
        self._pending: list[str] = []
        self._count = 0
        self.emitted = 0

    def _use(self, fitter: RowFitter) -> None:
        self._fitter = fitter
        names = fitter.names
        if self._logins:
            self._hide = tuple(i for i, n in enumerate(names) if n in USER_ID_FIELDS)
        hidden = {names[i] for i in self._hide}
        columns = [fitter.column(n) for n in names]
        fast = fitter.fixed_width
        self._converters = (
            [_hiding(c.value, self._logins, c.name in hidden) for c in columns] if fast else None
        )
        self._encoders = (
            [_hiding(_encoder(c), self._logins, c.name in hidden) for c in columns]
            if fast
            else None
        )
        self._keys = [encode_basestring(n) + ":" for n in names]
        self._line = _cached_line_template(self.spec, columns, self.delim) if fast else None

    def _header(self, line: str) -> None:
        fitter = RowFitter.for_header(self.spec, self.params, line)
        if fitter is None:
            raise ReplyShapeError("header row expected", line)
        self._use(fitter)

    def feed(self, line: str) -> list[dict[str, Any]]:
        """One line of the reply; returns the rows it completes (zero or one)."""
        fitter = self._fitter
        if fitter is None:
            self._header(line)
            return []
        if not self._pending and self._converters is not None:
            fields = line.split(self.delim)
            if len(fields) == len(self._converters):
                try:
                    row = {
                        n: conv(v)
                        for n, conv, v in zip(fitter.names, self._converters, fields, strict=True)
                    }
                except Misfit:
                    pass  # not a plain row after all: the exact path decides
                else:
                    self.emitted += 1
                    return [row]
        return self._slow(line, fitter)

    def feed_json(self, line: str) -> list[str]:
        """Like :meth:`feed`, with each row as compact JSON text."""
        fitter = self._fitter
        if fitter is None:
            self._header(line)
            return []
        if not self._pending and self._encoders is not None:
            fields = line.split(self.delim)
            if len(fields) == len(self._encoders):
                try:
                    parts = [
                        k + enc(v)
                        for k, enc, v in zip(self._keys, self._encoders, fields, strict=True)
                    ]
                except Misfit:
                    pass
                else:
                    self.emitted += 1
                    return ["{" + ",".join(parts) + "}"]
        return [_dumps(row) for row in self._slow(line, fitter)]

    def feed_many_json(self, lines: Sequence[str], sep: str = "\n") -> list[str]:
        """:meth:`feed_json` for a batch of lines (the hot loop of a streamed export).

        An item may hold several rows joined by ``sep`` (the writer's own row separator).
        """
        if self._line is not None and not self._pending and len(lines) > 1:
            # Whole-batch fast path: when every line is a plain row, one regex scan finds all
            # their fields and each row is one %-format.
            found = self._line[2].findall("\n".join(lines))
            if len(found) == len(lines) and not self._any_login(found):
                fmt = self._line[1]
                self.emitted += len(found)
                return [sep.join([fmt % fields for fields in found])]
        out: list[str] = []
        delim = self.delim
        fast = 0
        for line in lines:
            encoders = self._encoders
            if encoders is None or self._pending:
                out += self.feed_json(line)
                continue
            if self._line is not None:
                # Whole-line fast path: every field present and needing no JSON escaping.
                m = self._line[0].fullmatch(line)
                if m is not None and not self._any_login([m.groups()]):
                    out.append(self._line[1] % m.groups())
                    fast += 1
                    continue
            fields = line.split(delim)
            if len(fields) == len(encoders):
                try:
                    out.append(
                        "{"
                        + ",".join(
                            [k + e(v) for k, e, v in zip(self._keys, encoders, fields, strict=True)]
                        )
                        + "}"
                    )
                except Misfit:
                    pass
                else:
                    fast += 1
                    continue
            assert self._fitter is not None
            out += [_dumps(row) for row in self._slow(line, self._fitter)]  # counts its own
        self.emitted += fast
        return out

    def _any_login(self, rows: Sequence[Sequence[str]]) -> bool:
        """Does any of these rows (fields by position) hold a login in a user-id field?

        One set test per user-id column (the column's values taken out by ``itemgetter``), not
        a generator step per row."""
        if not self._hide:
            return False
        logins = self._logins.keys()
        return any(not logins.isdisjoint(map(itemgetter(i), rows)) for i in self._hide)

    def _slow(self, line: str, fitter: RowFitter) -> list[dict[str, Any]]:
        self._pending.append(line)
        self._count += line.count(self.delim) + (1 if len(self._pending) == 1 else 0)
        if self._count < fitter.min_fields:
            return []  # a LF inside a value: the row goes on on the next line
        return [self._flush(fitter)]

    def close(self) -> list[dict[str, Any]]:
        """End of the reply: the row still being assembled, if any (or ReplyShapeError)."""
        if self._fitter is None:
            raise ReplyShapeError("header row expected", "")
        return [self._flush(self._fitter)] if self._pending else []

    def close_json(self) -> list[str]:
        return [_dumps(row) for row in self.close()]

    def _flush(self, fitter: RowFitter) -> dict[str, Any]:
        text = "\n".join(self._pending)
        self._pending = []
        self._count = 0
        row = fitter.fit(text)
        self.emitted += 1
        return hide_login(row, self._logins) if self._logins else row


Encoder = Callable[[str], str]


def _hiding(
    convert: Callable[[str], T], logins: Mapping[str, str], hide: bool
) -> Callable[[str], T]:
    """``convert`` applied to the credential's name where the value is one of the logins."""
    if not hide:
        return convert
    return lambda value: convert(logins.get(value, value))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _encoder(column: Column) -> Encoder:
    """A field's JSON text straight from VICIdial's text; :class:`Misfit` exactly where the
    parser would refuse the value. Only the common kinds are special-cased; the rest go through
    the column's own conversion."""
    kind, convert = column.kind, column.value
    if column.split is not None or column.shaped or kind == "decimal":
        return lambda value: _dumps(convert(value))
    if kind == "int":

        def int_json(value: str) -> str:
            if value.isdigit() and value.isascii() and (len(value) == 1 or value[0] != "0"):
                return value
            return "null" if value == "" else _dumps(convert(value))

        return int_json
    row_format = column.mysql_format
    if row_format is not None:
        match = row_format.fullmatch
        zero = ZERO_DATES.get(kind)
        name = column.name

        def date_json(value: str) -> str:
            if value == "" or value == zero:
                return "null"  # empty, or MySQL's zero date (VICIdial's empty date)
            if match(value) is None:
                raise Misfit(name)
            return '"' + value + '"'  # digits, "-", ":" and " " need no escaping

        return date_json
    return lambda value: "null" if value == "" else encode_basestring(value)


_LineTemplate = tuple[re.Pattern[str], str, re.Pattern[str]]
_MAX_LINE_TEMPLATES = 64  # per spec: header names come from the reply


def _cached_line_template(
    spec: FunctionSpec, columns: Sequence[Column], delim: str
) -> _LineTemplate | None:
    """:func:`_line_template` built once per spec and columns (no regex compiled per export)."""
    kept: dict[tuple[tuple[str, ...], str], _LineTemplate | None] = derived(
        spec, "stream.line_templates", dict
    )
    key = (tuple(c.name for c in columns), delim)
    if key in kept:
        return kept[key]
    line = _line_template(columns, delim)
    if len(kept) < _MAX_LINE_TEMPLATES:
        kept[key] = line
    return line


def _line_template(
    columns: Sequence[Column], delim: str
) -> tuple[re.Pattern[str], str, re.Pattern[str]] | None:
    """A regex for a row whose every field is present and plain, and the %-template of its JSON.

    Integers must be canonical (no sign, no leading zero) and dates in MySQL's format, exactly
    what the field converters accept; anything else (an empty value, MySQL's zero date, which is
    null, a quote, a decimal column) does not match and takes the per-field path. None when a
    column can never take this path.
    """
    parts: list[str] = []
    fmt: list[str] = []
    # A text value that needs no JSON escaping and holds no delimiter.
    plain = r'[^"\\\x00-\x1f' + re.escape(delim) + "]+"
    for column in columns:
        kind = column.kind
        if column.split is not None or column.shaped or kind == "decimal":
            return None
        key = encode_basestring(column.name) + ":"
        key = key.replace("%", "%%")
        if kind == "int":
            parts.append("(0|[1-9][0-9]*)")
            fmt.append(key + "%s")
        elif column.mysql_format is not None:
            not_zero = "(?!" + re.escape(ZERO_DATES[kind]) + ")"
            parts.append("(" + not_zero + column.mysql_format.pattern + ")")
            fmt.append(key + '"%s"')
        else:
            parts.append("(" + plain + ")")
            fmt.append(key + '"%s"')
    line = re.escape(delim).join(parts)
    return re.compile(line), "{" + ",".join(fmt) + "}", re.compile("^" + line + "$", re.MULTILINE)
