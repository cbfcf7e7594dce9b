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

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import parser as _p
from .reply import Notice, ReplyShapeError
from .spec import FunctionSpec

Converter = Callable[[str], Any]


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
    """Feed data lines (header first, when one was asked for); get finished rows back."""

    def __init__(self, spec: FunctionSpec, params: Mapping[str, str]) -> None:
        if not streamable(spec) or spec.rows is None:
            raise ValueError(f"{spec.name} replies cannot be streamed")
        self.spec = spec
        self.rows = spec.rows
        self.delim = _p._delimiter(self.rows, params)
        if self.delim == "\n":
            raise ValueError("stage=newline replies cannot be streamed")
        self._layout: _p._Layout | None = None
        self._converters: list[Converter] | None = None
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
        self._converters = [self._converter(n) for n in layout.names] if fast else None

    def _converter(self, name: str) -> Converter:
        sep = dict(self.rows.split_columns).get(name)
        spec = self.spec
        return lambda value: _p._row_value(name, value, spec, sep)

    def feed(self, line: str) -> list[dict[str, Any]]:
        """One line of the reply; returns the rows it completes (zero or one)."""
        layout = self._layout
        if layout is None:
            names = _p._header_names(line, self.delim, self.rows)
            if names is None:
                raise ReplyShapeError("header row expected", line)
            self._use(_p._layout(self.rows, names, open_columns=False))
            return []
        if not self._pending and self._converters is not None:
            fields = line.split(self.delim)
            if len(fields) == len(self._converters):
                row = self._fast(fields, layout.names)
                if row is not None:
                    self.emitted += 1
                    return [row]
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

    def _fast(self, fields: list[str], names: Sequence[str]) -> dict[str, Any] | None:
        assert self._converters is not None
        try:
            return {n: conv(v) for n, conv, v in zip(names, self._converters, fields, strict=True)}
        except _p._Misfit:
            return None  # not a plain row after all: the exact path decides

    def _flush(self, layout: _p._Layout) -> dict[str, Any]:
        text = "\n".join(self._pending)
        self._pending = []
        self._count = 0
        row = _p._fit(text, layout, self.delim, self.rows, self.spec)
        self.emitted += 1
        return row
