"""A row's dict made from its fields in one step: what the parser's fast paths do per row.

A row of N columns is ``{name: value}``, each value the field's text (None when empty) or, for a
typed column, what its converter makes of it (a converter raises ``Misfit`` for a field that
does not fit, and the caller then reads the row the general way). Built field by field in a loop,
that costs a list, a loop over the typed columns and ``dict(zip(...))`` per row: most of a list
reply's parse. :func:`row_reader` gives a function that builds the row as one dict display
instead, compiled once per row shape (the number of columns and which of them are typed).

Nothing from a reply is ever compiled: the generated source holds only indices. The column
names (which may come from VICIdial's header row) and the converters are passed in as values.
Rows wider than :data:`MAX_COMPILED_WIDTH` use the loop (:func:`read_by_loop`), which is also
the reference the tests compare the compiled readers with.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

Converter = Callable[[str], Any]
Typed = tuple[tuple[int, Converter], ...]  # (position, converter) of every typed column
RowReader = Callable[[Sequence[str]], dict[str, Any]]

MAX_COMPILED_WIDTH = 128  # columns; wider rows (a reply's header may name any number) loop
_SHAPES = 256  # compiled row shapes kept


def row_reader(names: tuple[str, ...], typed: Typed) -> RowReader:
    """The function from a row's fields (one per name at least; any after those are not read)
    to the row, equal to :func:`read_by_loop` with these ``names`` and ``typed``."""
    if len(names) > MAX_COMPILED_WIDTH:
        return functools.partial(read_by_loop, names, typed)
    bind = _compiled(len(names), tuple(at for at, _ in typed))
    return bind(names, tuple(convert for _, convert in typed))


def read_by_loop(names: tuple[str, ...], typed: Typed, fields: Sequence[str]) -> dict[str, Any]:
    """The row built field by field (the reference)."""
    values: list[Any] = [text or None for text in fields[: len(names)]]
    for at, convert in typed:
        values[at] = convert(fields[at])
    return dict(zip(names, values, strict=True))


@functools.lru_cache(maxsize=_SHAPES)
def _compiled(
    width: int, positions: tuple[int, ...]
) -> Callable[[tuple[str, ...], tuple[Converter, ...]], RowReader]:
    """For one row shape, a function that binds names and converters to a reader. The reader is
    one dict display: ``{k[0]: f[0] or None, k[1]: c[0](f[1]), ...}``."""
    converter_of = {at: n for n, at in enumerate(positions)}
    items = ", ".join(
        f"k[{i}]: c[{converter_of[i]}](f[{i}])" if i in converter_of else f"k[{i}]: f[{i}] or None"
        for i in range(width)
    )
    lines = ["def bind(k, c):", "    def read(f, k=k, c=c):", f"        return {{{items}}}"]
    source = "\n".join([*lines, "    return read"])
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<row reader: {width} columns>", "exec"), namespace)
    bind: Callable[[tuple[str, ...], tuple[Converter, ...]], RowReader] = namespace["bind"]
    return bind
