"""Incremental parsing of row replies, for exports streamed to the caller as they arrive.

:class:`RowStream` is the line-at-a-time twin of the parser's row path (several rows, one
delimiter, optional header): it gives the same rows as :func:`~gateway.catalog.parser.parse_reply`
would for the whole text, but holds only the row being assembled, so memory stays flat whatever
the export's size. :func:`split_leading_status` tells where a reply's leading status lines end
(an export that fails prints an ERROR line instead of rows).

Rows of exactly the expected width (nearly all of them) take a fast path that converts each field
directly; a row with more or fewer fields goes through the parser's exact fitting (free text that
contains the delimiter, a LF inside a value).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any, TypeVar

from . import parser as _p
from .fields import USER_ID_FIELDS, ZERO_DATES, field_type
from .reply import Notice, ReplyShapeError, hide_login
from .spec import FunctionSpec

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


def split_leading_status(
    spec: FunctionSpec, lines: Sequence[str]
) -> tuple[tuple[Notice, ...], int]:
    """The leading status lines as notices, and the index of the first data line."""
    statuses, first_data = _p._status_lines(spec, lines, status_only=False)
    return tuple(_p._notice(s) for s in statuses), first_data


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
        self.rows = spec.rows
        self._logins: Mapping[str, str] = logins or {}
        self._hide: tuple[int, ...] = ()  # positions of user-id fields, when there are logins
        self.delim = _p._delimiter(self.rows, params)
        if self.delim == "\n":
            raise ValueError("stage=newline replies cannot be streamed")
        self._layout: _p._Layout | None = None
        self._converters: list[Converter] | None = None
        self._encoders: list[Encoder] | None = None
        self._keys: list[str] = []
        self._line: tuple[re.Pattern[str], str, re.Pattern[str]] | None = None
        if params.get("header") != "YES":
            names = _p._requested_columns(self.rows, params)
            self._use(
                _p._layout(self.rows, names, open_columns=_p._custom_active(self.rows, params))
            )
        self._pending: list[str] = []
        self._count = 0
        self.emitted = 0

    def _use(self, layout: _p._Layout) -> None:
        self._layout = layout
        fast = not layout.trailing_slot and not layout.optional
        split = dict(self.rows.split_columns)
        if self._logins:
            self._hide = tuple(i for i, n in enumerate(layout.names) if n in USER_ID_FIELDS)
        hidden = {layout.names[i] for i in self._hide}
        self._converters = (
            [
                _hiding(_converter(n, self.spec, split.get(n)), self._logins, n in hidden)
                for n in layout.names
            ]
            if fast
            else None
        )
        self._encoders = (
            [
                _hiding(_encoder(n, self.spec, split.get(n)), self._logins, n in hidden)
                for n in layout.names
            ]
            if fast
            else None
        )
        self._keys = [encode_basestring(n) + ":" for n in layout.names]
        self._line = _line_template(layout.names, self.spec, split, self.delim) if fast else None

    def _header(self, line: str) -> None:
        names = _p._header_names(line, self.delim, self.rows)
        if names is None:
            raise ReplyShapeError("header row expected", line)
        self._use(_p._layout(self.rows, names, open_columns=False))

    def feed(self, line: str) -> list[dict[str, Any]]:
        """One line of the reply; returns the rows it completes (zero or one)."""
        layout = self._layout
        if layout is None:
            self._header(line)
            return []
        if not self._pending and self._converters is not None:
            fields = line.split(self.delim)
            if len(fields) == len(self._converters):
                try:
                    row = {
                        n: conv(v)
                        for n, conv, v in zip(layout.names, self._converters, fields, strict=True)
                    }
                except _p._Misfit:
                    pass  # not a plain row after all: the exact path decides
                else:
                    self.emitted += 1
                    return [row]
        return self._slow(line, layout)

    def feed_json(self, line: str) -> list[str]:
        """Like :meth:`feed`, with each row as compact JSON text."""
        layout = self._layout
        if layout is None:
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
                except _p._Misfit:
                    pass
                else:
                    self.emitted += 1
                    return ["{" + ",".join(parts) + "}"]
        return [_dumps(row) for row in self._slow(line, layout)]

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
                except _p._Misfit:
                    pass
                else:
                    fast += 1
                    continue
            assert self._layout is not None
            out += [_dumps(row) for row in self._slow(line, self._layout)]  # counts its own
        self.emitted += fast
        return out

    def _any_login(self, rows: Sequence[Sequence[str]]) -> bool:
        """Does any of these rows (fields by position) hold a login in a user-id field?"""
        logins = self._logins
        return any(row[i] in logins for row in rows for i in self._hide)

    def _slow(self, line: str, layout: _p._Layout) -> list[dict[str, Any]]:
        self._pending.append(line)
        self._count += line.count(self.delim) + (1 if len(self._pending) == 1 else 0)
        if self._count < layout.min_fields:
            return []  # a LF inside a value: the row goes on on the next line
        return [self._flush(layout)]

    def close(self) -> list[dict[str, Any]]:
        """End of the reply: the row still being assembled, if any (or ReplyShapeError)."""
        if self._layout is None:
            raise ReplyShapeError("header row expected", "")
        return [self._flush(self._layout)] if self._pending else []

    def close_json(self) -> list[str]:
        return [_dumps(row) for row in self.close()]

    def _flush(self, layout: _p._Layout) -> dict[str, Any]:
        text = "\n".join(self._pending)
        self._pending = []
        self._count = 0
        row = _p._fit(text, layout, self.delim, self.rows, self.spec)
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


def _converter(name: str, spec: FunctionSpec, sep: str | None) -> Converter:
    return lambda value: _p._row_value(name, value, spec, sep)


def _encoder(name: str, spec: FunctionSpec, sep: str | None) -> Encoder:
    """A field's JSON text straight from VICIdial's text; ``_Misfit`` exactly where the parser
    would refuse the value. Only the common kinds are special-cased; the rest go through the
    parser's own conversion."""
    kind = field_type(name, spec.field_types)
    if sep is not None or name in _p._VALUE_SHAPES or kind == "decimal":
        return lambda value: _dumps(_p._row_value(name, value, spec, sep))
    if kind == "int":

        def int_json(value: str) -> str:
            if value.isdigit() and value.isascii() and (len(value) == 1 or value[0] != "0"):
                return value
            return "null" if value == "" else _dumps(_p._row_value(name, value, spec, None))

        return int_json
    row_format = _p._ROW_FORMATS.get(kind)
    if row_format is not None:
        match = row_format.fullmatch
        zero = ZERO_DATES.get(kind)

        def date_json(value: str) -> str:
            if value == "" or value == zero:
                return "null"  # empty, or MySQL's zero date (VICIdial's empty date)
            if match(value) is None:
                raise _p._Misfit(name)
            return '"' + value + '"'  # digits, "-", ":" and " " need no escaping

        return date_json
    return lambda value: "null" if value == "" else encode_basestring(value)


def _line_template(
    names: Sequence[str], spec: FunctionSpec, split: Mapping[str, str], delim: str
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
    for name in names:
        kind = field_type(name, spec.field_types)
        if name in split or name in _p._VALUE_SHAPES or kind == "decimal":
            return None
        key = encode_basestring(name) + ":"
        key = key.replace("%", "%%")
        if kind == "int":
            parts.append("(0|[1-9][0-9]*)")
            fmt.append(key + "%s")
        elif kind in _p._ROW_FORMATS:
            not_zero = "(?!" + re.escape(ZERO_DATES[kind]) + ")"
            parts.append("(" + not_zero + _p._ROW_FORMATS[kind].pattern + ")")
            fmt.append(key + '"%s"')
        else:
            parts.append("(" + plain + ")")
            fmt.append(key + '"%s"')
    line = re.escape(delim).join(parts)
    return re.compile(line), "{" + ",".join(fmt) + "}", re.compile("^" + line + "$", re.MULTILINE)
