"""Streamed row parsing gives exactly what the whole-text parser gives, one line at a time."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.catalog import CATALOG
from gateway.catalog.parser import parse_reply
from gateway.catalog.reply import ReplyShapeError
from gateway.catalog.stream import RowStream, split_leading_status, streamable

CAMPAIGNS = dataclasses.replace(CATALOG["campaigns_list"], stream=True)
SEARCH = dataclasses.replace(CATALOG["lead_search"], stream=True)
COLUMNS = CAMPAIGNS.rows.columns  # type: ignore[union-attr]


def streamed(spec: Any, text: str, params: dict[str, str]) -> list[dict[str, Any]]:
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    notices, first = split_leading_status(spec, lines)
    assert not notices and first == 0
    rs = RowStream(spec, params)
    out: list[dict[str, Any]] = []
    for line in lines:
        out += rs.feed(line)
    return out + rs.close()


def campaign_row(name: str, timeout: str = "26", d: str = "\t") -> str:
    return d.join(["C1", name, "Y", "G", "RATIO", "1.0", "DOWN", "NEW NA", timeout, "9", "", ""])


def test_only_several_row_specs_stream() -> None:
    assert streamable(CAMPAIGNS)
    assert not streamable(CATALOG["campaigns_list"])  # stream is opt-in per spec
    assert not streamable(dataclasses.replace(CATALOG["list_info"], stream=True))  # one row
    with pytest.raises(ValueError):
        RowStream(CATALOG["campaigns_list"], {})


@pytest.mark.parametrize(
    "name",
    ["Plain", "Tab\tinside", "Two\ttabs\there", "Line\nbreak", "", "Trailing\t"],
)
@pytest.mark.parametrize("header", [True, False])
def test_same_rows_as_the_whole_parser(name: str, header: bool) -> None:
    params = {"stage": "tab"} | ({"header": "YES"} if header else {})
    text = (
        ("\t".join(COLUMNS) + "\n" if header else "")
        + "\n".join([campaign_row("First"), campaign_row(name), campaign_row("Last", timeout="30")])
        + "\n"
    )
    whole = parse_reply(CAMPAIGNS, text, params=params)
    assert streamed(CAMPAIGNS, text, params) == whole.data
    assert isinstance(whole.data, list) and whole.data[1]["campaign_name"] == (name or None)


def test_list_columns_and_pipe_delimiter() -> None:
    text = "3125550001|2|5002-5001\n3125550002|0|\n"
    assert streamed(SEARCH, text, {}) == parse_reply(SEARCH, text, params={}).data
    assert streamed(SEARCH, text, {})[0]["lead_ids"] == ["5002", "5001"]


@pytest.mark.parametrize(
    "text",
    [
        campaign_row("x", timeout="soon") + "\n",  # a number column with text
        "\t".join(["only", "three", "fields"]) + "\n",
    ],
)
def test_bad_rows_fail_like_the_whole_parser(text: str) -> None:
    with pytest.raises(ReplyShapeError):
        parse_reply(CAMPAIGNS, text, params={"stage": "tab"})
    with pytest.raises(ReplyShapeError):
        streamed(CAMPAIGNS, text, {"stage": "tab"})


def test_header_required_when_asked_for() -> None:
    rs = RowStream(CAMPAIGNS, {"stage": "tab", "header": "YES"})
    with pytest.raises(ReplyShapeError):
        rs.feed(campaign_row("x"))
    with pytest.raises(ReplyShapeError):
        RowStream(CAMPAIGNS, {"stage": "tab", "header": "YES"}).close()


def test_leading_error_is_a_status_line() -> None:
    lines = ["ERROR: campaigns_list THIS USER HAS NO VIEWABLE CAMPAIGNS: 6666|"]
    notices, first = split_leading_status(CAMPAIGNS, lines)
    assert first == 1 and notices[0].message == "THIS USER HAS NO VIEWABLE CAMPAIGNS"


_text = st.text(alphabet=st.sampled_from(list("ab \t\n|,0123456789-:.")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(names=st.lists(_text, min_size=1, max_size=5), header=st.booleans())
def test_property_stream_equals_whole(names: list[str], header: bool) -> None:
    params = {"stage": "tab"} | ({"header": "YES"} if header else {})
    text = ("\t".join(COLUMNS) + "\n" if header else "") + "".join(
        campaign_row(n) + "\n" for n in names
    )
    try:
        whole = parse_reply(CAMPAIGNS, text, params=params).data
    except ReplyShapeError:
        with pytest.raises(ReplyShapeError):
            streamed(CAMPAIGNS, text, params)
        return
    assert streamed(CAMPAIGNS, text, params) == whole
