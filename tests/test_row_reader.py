"""The compiled row readers (:mod:`gateway.catalog.row_reader`) build exactly the row the loop
builds (the reference), compile nothing from a reply, and are compiled once per row shape. That
the parser's fast paths read every sample and generated reply as the general search does, with
these readers inside, is tests/test_fastpath.py's part."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.catalog import parser, row_reader


def _misfit_unless_digits(text: str) -> int | None:
    if text == "":
        return None
    if not text.isdigit():
        raise parser.Misfit("n")
    return int(text)


@settings(max_examples=400, deadline=None)
@given(
    names=st.lists(st.sampled_from(["a", "b", "c", "user", "x y", "'", "}", ""]), max_size=12),
    data=st.data(),
)
def test_a_compiled_row_reader_equals_the_loop(names: list[str], data: st.DataObject) -> None:
    """Duplicate names (the later one wins), empty fields (None), converters that misfit."""
    columns = tuple(names)
    positions = data.draw(st.sets(st.integers(0, max(len(columns) - 1, 0)), max_size=len(columns)))
    converters = (_misfit_unless_digits, lambda t: len(t) or None)
    typed = tuple(
        (at, data.draw(st.sampled_from(converters))) for at in sorted(positions) if columns
    )
    fields = data.draw(
        st.lists(
            st.sampled_from(["", "1", "042", "x", "\n", "a\tb"]),
            min_size=len(columns),
            max_size=len(columns) + 1,
        )
    )

    def outcome(read: Any) -> Any:
        try:
            row = read(fields)
        except parser.Misfit:
            return "misfit"
        return list(row.items())  # the keys' order too

    compiled = row_reader.row_reader(columns, typed)
    assert outcome(compiled) == outcome(lambda f: row_reader.read_by_loop(columns, typed, f))


def test_column_names_from_a_reply_are_data_never_code() -> None:
    """A header row VICIdial prints names the columns of its rows; a name shaped like code
    stays a dict key, character for character."""
    hostile = ('"]: 1, __import__("os").system("false"), k[0', "} or {", "\\", "k[0]")
    read = row_reader.row_reader(hostile, ())
    assert read(["1", "2", "", "4"]) == dict(zip(hostile, ["1", "2", None, "4"], strict=True))


def test_rows_of_one_shape_share_one_compiled_reader() -> None:
    row_reader._compiled.cache_clear()
    row_reader.row_reader(("a", "b", "c"), ((1, int),))
    row_reader.row_reader(("x", "y", "z"), ((1, float),))  # other names and converter
    row_reader.row_reader(("a", "b", "c"), ((2, int),))  # another shape
    info = row_reader._compiled.cache_info()
    assert (info.misses, info.hits) == (2, 1)


def test_a_row_wider_than_the_compiled_limit_is_read_by_the_loop() -> None:
    row_reader._compiled.cache_clear()
    width = row_reader.MAX_COMPILED_WIDTH + 1
    names = tuple(f"c{i}" for i in range(width))
    fields = [str(i) if i % 3 else "" for i in range(width)]
    read = row_reader.row_reader(names, ((1, int),))
    assert read(fields) == row_reader.read_by_loop(names, ((1, int),), fields)
    assert read(fields)["c0"] is None and read(fields)["c1"] == 1
    assert row_reader._compiled.cache_info().misses == 0  # nothing compiled
