"""The parser's plain-row fast path gives exactly what the general reading search gives.

The general search (``row_paths(fast=False)``) is the reference: every sample reply and generated
replies of every row function parse to the same ParsedReply (or the same ReplyShapeError) both
ways, and the fast path is really taken for plain rows. Also: no regex is compiled or looked up
by pattern text on the call path.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gateway
from gateway.catalog import CATALOG, parser
from gateway.catalog import leads_shapes as shapes
from gateway.catalog.fields import field_type
from gateway.catalog.parser import ParsedReply, ReplyShapeError, parse_reply, row_paths
from gateway.catalog.spec import FunctionSpec
from gateway.catalog.stream import RowStream
from gateway.upstream import PrintedPassword, printed_password_pattern

from .samples import SAMPLES, load_sample


def both(spec: FunctionSpec, text: str, params: dict[str, str]) -> tuple[Any, Any]:
    """(fast, general) outcome: the ParsedReply and its JSON, or the ReplyShapeError's reason and
    excerpt."""

    def run(fast: bool) -> Any:
        with row_paths(fast=fast):
            try:
                reply = parse_reply(spec, text, params=params)
            except ReplyShapeError as exc:
                return ("ReplyShapeError", exc.reason, exc.excerpt)
            # Equal values are not enough (1 == 1.0): the JSON text must be the same too.
            return reply, json.dumps(dataclasses.asdict(reply), ensure_ascii=False)

    return run(True), run(False)


SAMPLE_PATHS = sorted(p for p in SAMPLES.rglob("*.txt") if p.name.split("__", 1)[0] in CATALOG)


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.stem)
def test_every_sample_parses_the_same_on_both_paths(path: Path) -> None:
    sample = load_sample(path)
    fast, general = both(CATALOG[sample.function], sample.text, sample.params)
    assert fast == general


def test_the_samples_take_the_fast_path_for_their_plain_rows() -> None:
    plain = searched = 0
    for path in SAMPLE_PATHS:
        sample = load_sample(path)
        with row_paths() as paths, contextlib.suppress(ReplyShapeError):
            parse_reply(CATALOG[sample.function], sample.text, params=sample.params)
        plain += paths.plain
        searched += paths.searched
    assert plain >= 20 and plain > searched


# --- generated replies -------------------------------------------------------------------------

ROW_SPECS = sorted(n for n, s in CATALOG.items() if s.rows is not None)


def _values(spec: FunctionSpec, name: str, delim: str) -> st.SearchStrategy[str]:
    kind = field_type(name, spec.field_types)
    odd = st.sampled_from(
        [
            "",
            " ",
            "x",
            "0",
            "-1",
            "+7",
            " 5",
            "5 ",
            "1.5",
            ".5",
            "1e3",
            "NaN",
            "inf",
            "٣",
            "0" * 5000,
            "0000-00-00",
            "0000-00-00 00:00:00",
            "2024-06-03",
            "2024-06-03 10:00:00",
            "2024-6-3",
            "NEVER",
            "a" + delim + "b",
            delim,
            "10.0.0.1",
            "::1",
            "x;",
            "---ALL---",
            "5002-5001",
            "5002--5001",
            "A B",
            "A  B",
            "NULL",
        ]
    )
    fitting = {
        "int": st.integers(0, 10**6).map(str),
        "decimal": st.decimals(-100, 100, places=2).map(str),
        "date": st.dates().map(lambda d: d.isoformat()),
        "datetime": st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    }.get(kind, st.text("ABCxyz019 _-.:", max_size=8))
    free = st.text(
        alphabet=st.sampled_from(["a", "Z", "1", " ", delim, "\n", "-", ":"]), max_size=6
    )
    return st.one_of(fitting, fitting, odd, free)


@st.composite
def replies(draw: st.DrawFn) -> tuple[FunctionSpec, str, dict[str, str]]:
    spec = CATALOG[draw(st.sampled_from(ROW_SPECS))]
    rows = spec.rows
    assert rows is not None
    params: dict[str, str] = {}
    if "stage" in spec.gateway_params and rows.stage is not None:
        params["stage"] = draw(st.sampled_from([rows.stage, "tab", "csv", "pipe"]))
    header = "header" in spec.gateway_params and rows.request_header and draw(st.booleans())
    if header:
        params["header"] = "YES"
    for _column, param, value in rows.conditional_columns:
        if draw(st.booleans()):
            params[param] = value
    if params.get("stage") == "newline":
        params["stage"] = "tab"
    delim = parser.RowFitter.delimiter_for(spec, params)
    names = list(rows.columns)
    if not header:
        cond = {c for c, p, v in rows.conditional_columns if params.get(p) != v}
        names = [n for n in names if n not in cond]
    lines = [delim.join(names)] if header else []
    for _ in range(draw(st.integers(1, 4))):
        fields = [draw(_values(spec, n, delim)) for n in names]
        if rows.trailing_delimiter and draw(st.booleans()):
            fields.append("")
        if draw(st.integers(0, 9)) == 0:
            fields = fields[:-1]  # a field short
        elif draw(st.integers(0, 9)) == 0:
            fields.append(draw(_values(spec, "comments", delim)))  # one too many
        lines.append(delim.join(fields))
    return spec, "\n".join(lines) + "\n", params


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=replies())
def test_generated_replies_parse_the_same_on_both_paths(
    reply: tuple[FunctionSpec, str, dict[str, str]],
) -> None:
    spec, text, params = reply
    fast, general = both(spec, text, params)
    assert fast == general


@settings(max_examples=300, deadline=None)
@given(
    spec_name=st.sampled_from(sorted(CATALOG)),
    data=st.data(),
    text=st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            ["0000-00-00", "0000-00-00 00:00:00", "2024-06-03", "1.5", "٣", "0" * 5000]
        ),
    ),
)
def test_each_precomputed_converter_equals_the_general_conversion(
    spec_name: str, data: st.DataObject, text: str
) -> None:
    spec = CATALOG[spec_name]
    names = sorted(
        {*(spec.rows.columns if spec.rows else ()), *(f for t in spec.templates for f in t.fields)}
        | {"computer_ip", "sql_statement", "date_of_birth", "dial_timeout", "gmt_offset"}
    )
    name = data.draw(st.sampled_from(names))
    split = dict(spec.rows.split_columns).get(name) if spec.rows else None

    def outcome(convert: Any) -> Any:
        try:
            value = convert(text)
            return ("value", type(value), value)
        except parser.Misfit:
            return ("misfit",)

    row = parser._converter(name, spec, split) or parser._text
    assert outcome(row) == outcome(lambda t: parser._row_value(name, t, spec, split))
    status = parser._converter(name, spec, None, row=False) or parser._text
    assert outcome(status) == outcome(lambda t: parser._convert(name, t, spec, row=False))


# --- lead_status_search: whole records -----------------------------------------------------------

LSS = CATALOG["lead_status_search"]
_CUSTOM_LINES = st.sampled_from(
    [
        "favorite_color => blue",
        "notes_area => ",
        "visit_date => 2026-12-24",
        "visits_count => 3",
        "visits_count => three",
        "favorite_color => again",  # a label twice
        "lead_id => 7",  # a standard column's name
        "bad label => x",
        "no separator",
        "",
        "comments => more",
        ";---------- START OF RECORD 9 ----------",
    ]
)


_FITTING_CUSTOM = st.sampled_from(["favorite_color => blue", "notes_area => ", "visits_count => 3"])


def _lead_value(name: str, messy: bool) -> st.SearchStrategy[str]:
    if messy:
        return _values(LSS, name, "|")
    kind = field_type(name, LSS.field_types)
    return {
        "int": st.sampled_from(["0", "7", "12", "-3", ""]),
        "decimal": st.sampled_from(["-5.00", "0", "1.5", ".5", ""]),
        "date": st.sampled_from(["2024-06-03", "0000-00-00", ""]),
        "datetime": st.sampled_from(["2024-06-03 14:00:00", "0000-00-00 00:00:00", ""]),
    }.get(kind, st.text("ABCxyz019 _-.:|=>", max_size=8))


@st.composite
def lead_records(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """A lead_status_search reply of 1-4 records, each of them plain (every value of its type,
    whole custom-field lines), or plain but for a LF inside a free-text value, or messy (values
    of every kind, LFs in free text, custom-field lines of every sort, a line missing); now and
    then a record numbered out of order, or no final LF."""
    custom = draw(st.booleans())
    lines: list[str] = []
    for n in range(1, draw(st.integers(1, 4)) + 1):
        kind = draw(st.sampled_from(["plain", "plain", "lf", "messy"]))
        messy = kind == "messy"
        if draw(st.integers(0, 14)) == 0:
            n = draw(st.sampled_from([0, n + 1, 10]))
        lines.append(shapes.RECORD_START.format(n=n))
        lf = draw(st.sampled_from(sorted(shapes.FREE_TEXT_COLUMNS))) if kind == "lf" else None
        for name in shapes.LEAD_COLUMNS:
            value = draw(_lead_value(name, messy))
            if name == lf or (messy and name in shapes.FREE_TEXT_COLUMNS and draw(st.booleans())):
                value += "\n" + draw(st.sampled_from(["more", "city => X", "", "status => A"]))
            lines.append(f"{name} => {value}")
        if custom or (messy and draw(st.booleans())):
            lines += draw(st.lists(_CUSTOM_LINES if messy else _FITTING_CUSTOM, max_size=3))
        if messy and draw(st.integers(0, 4)) == 0:
            del lines[draw(st.integers(0, len(lines) - 1))]
    params = {"status": "SALE", "date": "2024-06-03"}
    if custom:
        params["custom_fields"] = "Y"
    end = "" if draw(st.integers(0, 19)) == 0 else "\n"
    return "\n".join(lines) + end, params


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=lead_records())
def test_generated_lead_records_parse_the_same_on_both_paths(
    reply: tuple[str, dict[str, str]],
) -> None:
    text, params = reply
    fast, general = both(LSS, text, params)
    assert fast == general


def test_plain_lead_records_take_the_fast_path() -> None:
    samples = [load_sample(p) for p in SAMPLE_PATHS if p.stem.startswith("lead_status_search__")]
    records = [s for s in samples if s.text.startswith(";---")]
    assert len(records) >= 2  # the plain sample and the one with custom fields
    for sample in records:
        with row_paths() as paths:
            fast = parse_reply(LSS, sample.text, params=sample.params)
        assert isinstance(fast.data, list) and fast.data
        assert (paths.plain, paths.searched) == (len(fast.data), 0), sample.function
        with row_paths(fast=False) as paths:
            assert parse_reply(LSS, sample.text, params=sample.params) == fast
        assert (paths.plain, paths.searched) == (0, len(fast.data))
    # A LF inside a comment: that record is read alone by the general reader, the other one
    # stays on the fast path.
    plain = next(s for s in records if "custom_fields" not in s.params)
    text = plain.text.replace("comments => closed deal\n", "comments => closed\ndeal\n", 1)
    with row_paths() as paths:
        reply = parse_reply(LSS, text, params=plain.params)
    assert isinstance(reply.data, list) and reply.data[0]["comments"] == "closed\ndeal"
    assert (paths.plain, paths.searched) == (len(reply.data) - 1, 1)
    with row_paths(fast=False):
        assert parse_reply(LSS, text, params=plain.params) == reply
    # A record the general reader refuses (a line missing): the whole reply goes to it, which
    # gives its own error.
    broken = plain.text.replace("rank => 0\n", "", 1)
    with (
        row_paths() as paths,
        pytest.raises(ReplyShapeError, match="unexpected line") as fast_error,
    ):
        parse_reply(LSS, broken, params=plain.params)
    assert paths.plain == 0
    with row_paths(fast=False), pytest.raises(ReplyShapeError) as general_error:
        parse_reply(LSS, broken, params=plain.params)
    assert (fast_error.value.reason, fast_error.value.excerpt) == (
        general_error.value.reason,
        general_error.value.excerpt,
    )


# --- the fast path is taken --------------------------------------------------------------------

CAMPAIGNS = CATALOG["campaigns_list"]
COLUMNS = CAMPAIGNS.rows.columns  # type: ignore[union-attr]


def _campaigns(n: int, name: str = "Campaign {i}") -> str:
    rows = [
        "\t".join(
            [
                f"C{i}",
                name.format(i=i),
                "Y",
                "---ALL---",
                "RATIO",
                "1.5",
                "DOWN",
                "NEW NA",
                "26",
                "9",
                "",
                "",
            ]
        )
        for i in range(n)
    ]
    return "\t".join(COLUMNS) + "\n" + "\n".join(rows) + "\n"


def test_plain_rows_take_the_fast_path_and_others_the_search() -> None:
    params = {"stage": "tab", "header": "YES"}
    with row_paths() as paths:
        fast = parse_reply(CAMPAIGNS, _campaigns(200), params=params)
    assert (paths.plain, paths.searched) == (200, 0)
    with row_paths(fast=False) as paths:
        general = parse_reply(CAMPAIGNS, _campaigns(200), params=params)
    assert (paths.plain, paths.searched) == (0, 200)
    assert fast == general and isinstance(fast, ParsedReply) and len(fast.data or ()) == 200
    # A tab inside the free-text name: one field too many, so the search reads those rows.
    with row_paths() as paths:
        parse_reply(CAMPAIGNS, _campaigns(10, "Tab\there {i}"), params=params)
    assert (paths.plain, paths.searched) == (0, 10)


def test_a_row_that_misfits_on_the_fast_path_is_read_by_the_search() -> None:
    # dial_timeout "soon" fits no int: the fast path gives up, the search refuses the row.
    text = _campaigns(1).replace("\t26\t", "\tsoon\t")
    with row_paths() as paths, pytest.raises(ReplyShapeError):
        parse_reply(CAMPAIGNS, text, params={"stage": "tab", "header": "YES"})
    assert (paths.plain, paths.searched) == (0, 1)


def test_per_spec_work_is_done_once() -> None:
    spec = dataclasses.replace(CAMPAIGNS)  # a fresh spec: nothing derived yet
    params = {"stage": "tab", "header": "YES"}
    parse_reply(spec, _campaigns(3), params=params)
    derived = dict(spec.derived)
    assert {"parser.indexes", "parser.layouts", "parser.row_facts"} <= set(derived)
    parse_reply(spec, _campaigns(5), params=params)
    assert all(spec.derived[k] is v for k, v in derived.items())
    assert len(spec.derived["parser.layouts"]) == 1


# --- no regex compiled per call -----------------------------------------------------------------

PACKAGE = Path(gateway.__file__).parent
HOT_MODULES = [
    "catalog/parser.py",
    "catalog/stream.py",
    "catalog/reply.py",
    "catalog/spec.py",
    "catalog/fields.py",
    "catalog/leads_shapes.py",
    "policy.py",
    "auth.py",
    "audit.py",
]
# Functions that compile a pattern once and keep it (they are the caches).
COMPILE_ONCE = {
    ("catalog/spec.py", "_compile"),
    ("catalog/stream.py", "_line_template"),
    ("policy.py", "_compiled"),
}
_BY_TEXT = {
    "compile",
    "match",
    "fullmatch",
    "search",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
}


def test_no_regex_is_compiled_or_looked_up_by_text_inside_a_call() -> None:
    found = []
    for module in HOT_MODULES:
        tree = ast.parse((PACKAGE / module).read_text())
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if (module, func.name) in COMPILE_ONCE:
                continue
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re"
                    and node.func.attr in _BY_TEXT
                ):
                    found.append(f"{module}:{node.lineno} {func.name}: re.{node.func.attr}")
    assert found == []


# --- special shapes keep their general spec -----------------------------------------------------

CUSTOM_SAMPLES = [p for p in SAMPLE_PATHS if CATALOG[load_sample(p).function].custom_parse]


def _specs_derived(spec: FunctionSpec) -> dict[Any, FunctionSpec]:
    return {k: v for k, v in spec.derived.items() if isinstance(v, FunctionSpec)}


@pytest.mark.parametrize("path", CUSTOM_SAMPLES, ids=lambda p: p.stem)
def test_a_special_shape_parses_through_the_same_general_spec_every_call(path: Path) -> None:
    sample = load_sample(path)
    spec = dataclasses.replace(CATALOG[sample.function])  # a fresh spec: nothing derived yet
    with contextlib.suppress(ReplyShapeError):
        first = parse_reply(spec, sample.text, params=sample.params)
    kept = _specs_derived(spec)
    kept_work = {k: dict(v.derived) for k, v in kept.items()}
    with contextlib.suppress(ReplyShapeError):
        assert parse_reply(spec, sample.text, params=sample.params) == first
    assert _specs_derived(spec) == kept and all(
        spec.derived[k] is v for k, v in kept.items()
    )  # no new general spec, nor its parser work done again
    for k, v in kept.items():
        assert all(v.derived[d] is w for d, w in kept_work[k].items())


def test_the_shapes_that_hand_rows_to_the_general_parser_keep_one_spec() -> None:
    handed = {load_sample(p).function for p in CUSTOM_SAMPLES if _specs_derived(_parsed_once(p))}
    assert {"lead_search", "update_user", "agent_stats_export", "hopper_list"} <= handed


def _parsed_once(path: Path) -> FunctionSpec:
    sample = load_sample(path)
    spec = dataclasses.replace(CATALOG[sample.function])
    with contextlib.suppress(ReplyShapeError):
        parse_reply(spec, sample.text, params=sample.params)
    return spec


# --- the password scan -------------------------------------------------------------------------

_PASSWORD = st.text("12a-. ", max_size=4)


@st.composite
def password_texts(draw: st.DrawFn) -> tuple[list[str], str]:
    """Passwords and a reply: random text over their alphabet, or a password repeated many
    times inside longer words (so the scan gives up checking one by one) with or without a
    whole-word echo after them."""
    passwords = draw(st.lists(_PASSWORD, min_size=1, max_size=3))
    if draw(st.booleans()):
        return passwords, draw(st.text("12a-. x\n", max_size=200))
    word = draw(st.sampled_from(passwords))
    echo = st.sampled_from(["", " " + draw(st.sampled_from(passwords)) + " ", word, "x" + word])
    times = draw(st.sampled_from([0, 1, 5, 31, 32, 33, 80]))
    text = (word + draw(st.sampled_from(["x", "1", "a"]))) * times
    return passwords, draw(echo) + text + draw(echo)


@settings(max_examples=600, deadline=None)
@given(case=password_texts())
def test_the_password_scan_finds_what_the_pattern_finds(case: tuple[list[str], str]) -> None:
    passwords, text = case
    reference = printed_password_pattern(passwords).search(text) is not None
    assert PrintedPassword(passwords).found(text) == reference


def test_the_password_scan_on_replies_that_print_it_or_not() -> None:
    scan = PrintedPassword(["1234", "s3cret"])
    assert not scan.found("3125551234|x\n" * 100)  # inside a phone number: not the password
    assert scan.found("3125551234|x\n" * 100 + "ref 1234 and\n")
    assert scan.found("pass=s3cret\n")
    assert not scan.found("s3crets\n")
    # More occurrences inside longer words than are checked one by one: the rest is searched,
    # and an echo of another password before them still counts.
    many = "1234x" * 40
    assert not scan.found(many)
    assert scan.found(many + " 1234 ")
    assert scan.found("s3cret " + many)
    assert PrintedPassword(["5678", "1234"]).found(" 5678 " + many)


# --- exports: a gateway login in a user-id field -----------------------------------------------

_RECORDING = ("2024-06-04 10:00:{s:02d}", "{user}", "{i}", "5001", "http://h/{i}.mp3")


@settings(max_examples=200, deadline=None)
@given(users=st.lists(st.sampled_from(["1001", "6666", "7777", "", "66666"]), max_size=40))
def test_an_export_batch_hides_logins_as_the_parsed_rows_do(users: list[str]) -> None:
    """The whole-batch path (one scan, a test of the user column against the logins) and the
    row-by-row parse with reply.hide_login give the same rows."""
    spec, params = CATALOG["recording_lookup"], {"stage": "tab"}
    logins = {"6666": "main", "7777": "spare"}
    lines = [
        "\t".join(_RECORDING).format(s=i % 60, user=user, i=i + 1) for i, user in enumerate(users)
    ]
    plain = RowStream(spec, params, logins)
    parsed = [row for line in lines for row in plain.feed(line)] + plain.close()
    batch = RowStream(spec, params, logins)
    texts = batch.feed_many_json(lines) + batch.close_json()
    assert [json.loads(r) for t in texts for r in t.split("\n")] == parsed
    assert [row["user"] for row in parsed] == [
        logins.get(u, u) or None for u in users
    ]  # the reference hides them, too
    assert batch._any_login([line.split("\t") for line in lines]) == any(u in logins for u in users)
