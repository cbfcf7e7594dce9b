"""Streamed row parsing gives exactly what the whole-text parser gives, one line at a time."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.catalog import CATALOG, parser
from gateway.catalog.parser import Misfit, RowFitter, parse_reply, split_leading_status
from gateway.catalog.reply import ReplyShapeError
from gateway.catalog.stream import RowStream, streamable

CAMPAIGNS = dataclasses.replace(CATALOG["campaigns_list"], stream=True)
# lead_search's rows (pipe-delimited, a list column) streamed, without its no-match reading.
SEARCH = dataclasses.replace(CATALOG["lead_search"], stream=True, custom_parse=None)
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


RECORDINGS = CATALOG["recording_lookup"]
_field = st.text(alphabet=st.sampled_from(list('ab \t\n"\\é0129-:.\x01')), max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(
                ["2024-06-04 10:00:00", "", "2024-6-4", "x", "0000-00-00 00:00:00", "0000-00-00"]
            ),
            _field,
            st.sampled_from(["17", "", "007", "-3", "1e3", "x"]),
            st.sampled_from(["5001", "", "0", "12345678901234567890"]),
            _field,
        ),
        min_size=1,
        max_size=6,
    ),
    plain=st.integers(0, 30),
)
def test_property_json_encoding_equals_the_parsed_rows(
    rows: list[tuple[str, ...]], plain: int
) -> None:
    """The export's direct JSON encoding says exactly what the parser's rows say."""
    # Plain rows around the generated ones, so the whole-batch path is taken too.
    good = ("2024-06-04 10:00:00", "1001", "17", "5001", "http://h/x.mp3")
    rows = [good] * plain + rows + [good] * (plain % 3)
    lines = "\n".join("\t".join(r) for r in rows).split("\n")
    params = {"stage": "tab"}
    dict_rows: list[dict[str, Any]] | None
    try:
        rs = RowStream(RECORDINGS, params)
        dict_rows = [row for line in lines for row in rs.feed(line)] + rs.close()
    except ReplyShapeError:
        dict_rows = None
    try:
        rs = RowStream(RECORDINGS, params)
        texts = rs.feed_many_json(lines) + rs.close_json()
    except ReplyShapeError:
        assert dict_rows is None
        return
    assert dict_rows is not None
    # An item may carry several rows, one per line (a row's JSON has no raw LF).
    assert [json.loads(r) for t in texts for r in t.split("\n")] == dict_rows
    assert rs.emitted == len(dict_rows)


def test_a_batch_of_plain_rows_is_one_substitution() -> None:
    lines = [f"2024-06-04 10:00:{i:02d}\t1001\t{i}\t5001\thttp://h/{i}.mp3" for i in range(50)]
    rs = RowStream(RECORDINGS, {"stage": "tab"})
    out = rs.feed_many_json(lines)
    assert len(out) == 1 and rs.emitted == 50
    rows = [json.loads(r) for r in out[0].split("\n")]
    assert rows[7] == {
        "start_time": "2024-06-04 10:00:07",
        "user": "1001",
        "recording_id": "7",
        "lead_id": "5001",
        "location": "http://h/7.mp3",
    }
    # One odd line sends the batch down the per-line path, with the same result.
    lines[3] = lines[3].replace("http://h/3.mp3", 'http://h/"3".mp3')
    rs = RowStream(RECORDINGS, {"stage": "tab"})
    out = rs.feed_many_json(lines)
    assert len(out) == 50 and json.loads(out[3])["location"] == 'http://h/"3".mp3'


def test_zero_dates_stream_as_null_on_every_path() -> None:
    """MySQL's zero date is VICIdial's empty date: null, as the whole-text parser says, whether
    a row takes the batch regex, the per-line regex, the per-field encoders or the dict path."""
    zero = "0000-00-00 00:00:00\t1001\t7\t5001\thttp://h/7.mp3"
    plain = "2024-06-04 10:00:00\t1001\t8\t5001\thttp://h/8.mp3"
    want = {
        "start_time": None,
        "user": "1001",
        "recording_id": "7",
        "lead_id": "5001",
        "location": "http://h/7.mp3",
    }
    params = {"stage": "tab"}
    whole = parse_reply(RECORDINGS, zero + "\n" + plain + "\n", params=params).data
    assert isinstance(whole, list) and whole[0] == want
    for batch in ([zero, plain], [plain, zero], [zero]):
        rs = RowStream(RECORDINGS, params)
        rows = [json.loads(r) for t in rs.feed_many_json(batch) for r in t.split("\n")]
        assert want in rows and all(r["start_time"] != "0000-00-00 00:00:00" for r in rows)
    assert json.loads(RowStream(RECORDINGS, params).feed_json(zero)[0]) == want
    assert RowStream(RECORDINGS, params).feed(zero) == [want]
    did = CATALOG["did_log_export"]
    row = "3125550001\t3125559999\t0000-00-00 00:00:00\t30"
    assert json.loads(RowStream(did, params).feed_json(row)[0])["call_date"] is None


# --- the parser's public row surface, which the stream uses ----------------------------------


def test_the_stream_uses_only_the_parsers_public_surface() -> None:
    source = Path(parser.__file__).with_name("stream.py").read_text()
    used: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "parser":
            used |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level and node.module is None:
            assert "parser" not in {a.name for a in node.names}, "parser imported as a module"
    assert used, "the stream reads rows with the parser's RowFitter"
    assert used <= set(parser.__all__), sorted(used - set(parser.__all__))


def test_a_fitter_for_a_request_has_the_requested_columns_and_delimiter() -> None:
    fitter = RowFitter.for_request(CAMPAIGNS, {"stage": "tab"})
    assert fitter.names == COLUMNS and fitter.delimiter == "\t"
    assert fitter.fixed_width and fitter.min_fields == len(COLUMNS)
    assert RowFitter.for_request(CAMPAIGNS, {"stage": "csv"}).delimiter == ","
    assert RowFitter.for_request(SEARCH, {}).delimiter == "|"


def test_a_fitter_fits_a_row_exactly_as_the_whole_parser() -> None:
    fitter = RowFitter.for_request(CAMPAIGNS, {"stage": "tab"})
    row = campaign_row("Tab\tinside")
    whole = parse_reply(CAMPAIGNS, row + "\n", params={"stage": "tab"}).data
    assert isinstance(whole, list) and [fitter.fit(row)] == whole
    assert fitter.fit(row)["campaign_name"] == "Tab\tinside"
    with pytest.raises(ReplyShapeError):
        fitter.fit("\t".join(["only", "three", "fields"]))


def test_a_fitter_from_a_header_row_takes_its_names() -> None:
    params = {"stage": "tab", "header": "YES"}
    extra = (*COLUMNS, "custom_one")  # a column the catalog does not know comes as named
    fitter = RowFitter.for_header(CAMPAIGNS, params, "\t".join(extra))
    assert fitter is not None and fitter.names == extra
    assert RowFitter.for_header(CAMPAIGNS, params, campaign_row("First")) is None
    with pytest.raises(ReplyShapeError):  # repeated names: a header, but a broken one
        RowFitter.for_header(CAMPAIGNS, params, "\t".join((*COLUMNS, COLUMNS[4])))


def test_no_fitter_without_rows_or_for_a_field_per_line() -> None:
    with pytest.raises(ValueError):
        RowFitter.for_request(CATALOG["version"], {})
    lead_all_info = CATALOG["lead_all_info"]
    assert RowFitter.delimiter_for(lead_all_info, {"stage": "newline"}) == "\n"
    with pytest.raises(ValueError):
        RowFitter.for_request(lead_all_info, {"stage": "newline"})


def test_a_column_converts_as_the_parser_and_refuses_what_it_refuses() -> None:
    campaigns = RowFitter.for_request(CAMPAIGNS, {"stage": "tab"})
    timeout = campaigns.column("dial_timeout")
    assert (timeout.kind, timeout.value("26"), timeout.value("")) == ("int", 26, None)
    with pytest.raises(Misfit):
        timeout.value("soon")
    lead_ids = RowFitter.for_request(SEARCH, {}).column("lead_ids")
    assert lead_ids.split == "-" and lead_ids.value("5002-5001") == ["5002", "5001"]
    with pytest.raises(Misfit):
        lead_ids.value("5002--5001")  # an empty item is no lead id
