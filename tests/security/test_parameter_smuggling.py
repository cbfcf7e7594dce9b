"""Attacks by an app holding a valid token: smuggling names and values past the allowlist.

The gateway must refuse (400 naming the parameter, 403 for the app's own rules, 413 for size)
before calling VICIdial, or, for a value it accepts, deliver it to VICIdial as exactly one
literal value: the simulator records the names of every form and query parameter it received.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import re
import zlib
from typing import Any

import pytest

from gateway.catalog import CATALOG
from gateway.config_load import parse_config
from gateway.sim import RunningSim
from gateway.sim.faults import Faults

from .conftest import API_USER, GW, assert_refused, sec_config_dict, serve_gateway

LEAD = {"phone_number": "3125550100", "list_id": "101"}
# What the gateway itself adds to every upstream call.
GATEWAY_NAMES = {"function", "source", "user", "pass"}


def forwarded_exactly(sim: RunningSim, names: set[str]) -> None:
    """The last upstream request: no query string, exactly these form names (+ the gateway's)."""
    rec = sim.state.requests[-1]
    assert rec.method == "POST"
    assert rec.query_string == "" and rec.query_names == ()
    assert len(rec.body_names) == len(set(rec.body_names)), rec.body_names
    assert set(rec.body_names) == names | GATEWAY_NAMES, rec.body_names
    assert rec.user == API_USER


def escaped(name: str) -> str:
    """How the gateway names an unknown parameter back (control and non-ASCII escaped)."""
    return name[:64].encode("unicode_escape").decode("ascii")


async def added_lead(gw: GW, sim: RunningSim, body: dict[str, Any]) -> Any:
    reply = await gw.call("add_lead", body)
    assert reply.status == 200, reply.text
    forwarded_exactly(sim, set(body))
    return sim.state.leads[int(reply.body["data"]["lead_id"])]


# --- names only the gateway sets --------------------------------------------------------------


@pytest.mark.parametrize("name", ["user", "pass", "source", "function", "DB"])
@pytest.mark.parametrize("function", ["add_lead", "campaigns_list", "version"])
async def test_reserved_name_in_the_body(
    gw: GW, sec_sim: RunningSim, function: str, name: str
) -> None:
    body = {**LEAD, name: "x"} if function == "add_lead" else {name: "x"}
    reply = await gw.call(function, body)
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)
    assert "set by the gateway" in reply.body["error"]["message"]


@pytest.mark.parametrize(
    "value", ["queuemetrics", "QUEUEMETRICS", "crm", "other_app", ""], ids=lambda v: v or "empty"
)
async def test_source_cannot_be_chosen_by_the_caller(
    gw: GW, sec_sim: RunningSim, value: str
) -> None:
    """source=queuemetrics is a VICIdial permission bypass; no value of source is accepted."""
    reply = await gw.call("campaigns_list", {"source": value})
    assert_refused(reply, 400, "bad_request", parameter="source", sim=sec_sim)


@pytest.mark.parametrize("name", ["PASS", "Pass", "USER", "User", "Function", "db", "Db", "SOURCE"])
async def test_reserved_name_in_another_case(gw: GW, sec_sim: RunningSim, name: str) -> None:
    reply = await gw.call("add_lead", {**LEAD, name: "x"})
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)
    assert "unknown parameter" in reply.body["error"]["message"]


@pytest.mark.parametrize(
    ("function", "name"),
    [(spec.name, p) for spec in CATALOG.values() for p in spec.gateway_params],
)
async def test_gateway_owned_option(gw: GW, sec_sim: RunningSim, function: str, name: str) -> None:
    """stage/header (and any other gateway-chosen option) are the gateway's, for every function."""
    reply = await gw.call(function, {name: "csv" if name == "stage" else "NO"})
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)
    assert "chosen by the gateway" in reply.body["error"]["message"]


@pytest.mark.parametrize("name", ["stage", "header", "format"])
async def test_options_a_function_does_not_take(gw: GW, sec_sim: RunningSim, name: str) -> None:
    reply = await gw.call("add_lead", {**LEAD, name: "Y"})
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)


# --- smuggling inside values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("phone_number", "3125550100&pass=x"),
        ("phone_number", "3125550100%26pass%3Dx"),
        ("phone_number", "3125550100&function=add_user"),
        ("list_id", "101&function=version"),
        ("list_id", "101%26DB%3D1"),
        ("first_name", "Ada&pass=x"),
        ("last_name", "L%26user%3Dadmin"),
        ("city", "Chicago&user=admin"),
        ("email", "a@b.example&pass=x"),
        ("email", "a@b.example?pass=x"),
        ("postal_code", "60601&DB=1"),
        ("gmt_offset_now", "-5&DB=1"),
    ],
)
async def test_url_encoded_parameter_inside_a_value_is_refused_by_the_charset(
    gw: GW, sec_sim: RunningSim, name: str, value: str
) -> None:
    reply = await gw.call("add_lead", {**LEAD, name: value})
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("comments", "x&pass=stolen&function=add_user&user=admin&DB=1"),
        ("comments", "%26pass%3Dx%26function%3Dadd_user"),
        ("comments", "%2526pass%253Dx"),
        ("comments", "a=b&source=queuemetrics&stage=MONITOR"),
        ("comments", "?pass=x"),
        ("vendor_lead_code", "v&pass=y&DB=9"),
        ("source_id", "%00%0d%0aDB=1"),
    ],
)
async def test_url_encoded_parameter_in_free_text_reaches_vicidial_as_one_literal_value(
    gw: GW, sec_sim: RunningSim, name: str, value: str
) -> None:
    lead = await added_lead(gw, sec_sim, {**LEAD, name: value})
    assert getattr(lead, name) == value  # decoded once, like PHP: not a second time


async def test_query_string_on_the_gateway_url_is_not_forwarded(
    gw: GW, sec_sim: RunningSim
) -> None:
    query = "?pass=x&user=admin&function=add_user&DB=1&source=queuemetrics&stage=csv&list_id=999"
    reply = await gw.call("add_lead", LEAD, query=query)
    assert reply.status == 200, reply.text
    forwarded_exactly(sec_sim, set(LEAD))
    assert sec_sim.state.leads[int(reply.body["data"]["lead_id"])].list_id == "101"


async def test_query_string_parameters_are_not_read_at_all(gw: GW, sec_sim: RunningSim) -> None:
    reply = await gw.call("add_lead", {"list_id": "101"}, query="?phone_number=3125550100")
    assert_refused(reply, 400, "bad_request", parameter="phone_number", sim=sec_sim)
    assert "missing required parameter" in reply.body["error"]["message"]


# --- characters VICIdial mishandles -------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "a\r\nb",
        "a\nDB=1",
        "a\rb",
        "a\x00b",
        "a\x01b",
        "a\x08b",
        "a\tb",
        "a\x0bb",
        "a\x1bb",
        "a\x7fb",
        "a\u2028b",
        "a\u2029b",
        "a\\",
        'a\\" , status="SALE',
        "\\x27",
    ],
    ids=repr,
)
async def test_control_characters_and_backslash_in_a_value(
    gw: GW, sec_sim: RunningSim, value: str
) -> None:
    """A trailing backslash escapes VICIdial's closing SQL quote; control chars corrupt rows."""
    reply = await gw.call("add_lead", {**LEAD, "comments": value})
    assert_refused(reply, 400, "bad_request", parameter="comments", sim=sec_sim)


@pytest.mark.parametrize("value", ["a\x85b", "a\x9bb", "a\x80b", "a\x9fb"], ids=repr)
async def test_c1_control_characters_in_a_value(gw: GW, sec_sim: RunningSim, value: str) -> None:
    reply = await gw.call("add_lead", {**LEAD, "comments": value})
    assert_refused(reply, 400, "bad_request", parameter="comments", sim=sec_sim)


async def test_lone_surrogate_in_a_value(gw: GW, sec_sim: RunningSim) -> None:
    raw = b'{"phone_number": "3125550100", "list_id": "101", "comments": "a\\ud800b"}'
    reply = await gw.call("add_lead", raw=raw)
    assert_refused(reply, 400, "bad_request", parameter="comments", sim=sec_sim)


async def test_lone_surrogate_never_reaches_vicidial(gw: GW, sec_sim: RunningSim) -> None:
    """Fails closed meanwhile: whatever the status, nothing is sent."""
    raw = b'{"phone_number": "3125550100", "list_id": "101", "comments": "\\udfff"}'
    reply = await gw.call("add_lead", raw=raw)
    assert reply.status in (400, 500) and reply.body["ok"] is False, reply.text
    assert sec_sim.state.requests == []


@pytest.mark.parametrize("value", ['say "hi"', "a;b", "a#b", "a+b"], ids=repr)
async def test_characters_vicidial_would_silently_delete(
    gw: GW, sec_sim: RunningSim, value: str
) -> None:
    reply = await gw.call("add_lead", {**LEAD, "comments": value})
    assert_refused(reply, 400, "bad_request", parameter="comments", sim=sec_sim)


@pytest.mark.parametrize(
    "name", ["comm\nents", "pass\x00", "pass\r\nuser", "comments\x00", "\x1b[31mpass"], ids=repr
)
async def test_control_characters_in_a_parameter_name(
    gw: GW, sec_sim: RunningSim, name: str
) -> None:
    reply = await gw.call("add_lead", {**LEAD, name: "x"})
    assert_refused(reply, 400, "bad_request", parameter=escaped(name), sim=sec_sim)
    assert "\r" not in reply.text and "\x1b" not in reply.text


# --- unicode look-alikes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "\uff50\uff41\uff53\uff53",  # fullwidth "pass"
        "\u0440\u0430ss",  # Cyrillic er and a, then Latin "ss"
        "p\u0430ss",  # Cyrillic a
        "u\u0455er",  # Cyrillic dze for s
        "\uff46\uff55\uff4e\uff43\uff54\uff49\uff4f\uff4e",  # fullwidth "function"
        "D\u0412",  # Cyrillic Ve for B
        "\uff24\uff22",  # fullwidth "DB"
        "pass\u200b",  # zero-width space
        "\ufeffpass",  # BOM
        "pa\u00adss",  # soft hyphen
        "\u1d18ass",  # small capital P
        "comment\u0455",  # a real parameter, spoofed
    ],
    ids=ascii,
)
async def test_lookalike_parameter_names(gw: GW, sec_sim: RunningSim, name: str) -> None:
    reply = await gw.call("add_lead", {**LEAD, name: "x"})
    assert_refused(reply, 400, "bad_request", parameter=escaped(name), sim=sec_sim)
    assert "unknown parameter" in reply.body["error"]["message"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("phone_number", "\uff13\uff11\uff12\uff15\uff15\uff15\uff10\uff11\uff10\uff10"),
        ("phone_number", "\u0663\u0661\u0662\u0665\u0665\u0665\u0660\u0661\u0660\u0660"),
        ("phone_number", "\u0969\u0967\u0968\u096b\u096b\u096b\u0966\u0967\u0966\u0966"),
        ("phone_number", "312555010\u2070"),
        ("list_id", "\uff11\uff10\uff11"),
        ("rank", "\u00b9"),
        ("postal_code", "\uff16\uff10\uff16\uff10\uff11"),
        ("first_name", "\u0410da"),
        ("date_of_birth", "1990-01-\uff10\uff11"),
        ("phone_code", "\u0661"),
    ],
    ids=ascii,
)
async def test_lookalike_characters_in_values(
    gw: GW, sec_sim: RunningSim, name: str, value: str
) -> None:
    reply = await gw.call("add_lead", {**LEAD, name: value})
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)


async def test_lookalike_digits_in_update_lead_id(gw: GW, sec_sim: RunningSim) -> None:
    reply = await gw.call("update_lead", {"lead_id": "\uff15\uff10\uff10\uff11", "city": "X"})
    assert_refused(reply, 400, "bad_request", parameter="lead_id", sim=sec_sim)


# --- JSON tricks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "parameter"),
    [
        (b'{"phone_number": "3125550100", "list_id": "101", "list_id": "999"}', "list_id"),
        (b'{"phone_number": "3125550100", "comments": "a", "comments": "b"}', "comments"),
        (b'{"phone_number": "3125550100", "comments": "a", "\\u0063omments": "b"}', "comments"),
        (b'{"phone_number": "3125550100", "pass": "a", "pass": "b"}', "pass"),
        (b'{"phone_number": "1", "phone_number": "3125550100"}', "phone_number"),
    ],
)
async def test_duplicate_json_keys(gw: GW, sec_sim: RunningSim, raw: bytes, parameter: str) -> None:
    reply = await gw.call("add_lead", raw=raw)
    assert_refused(reply, 400, "bad_request", parameter=parameter, sim=sec_sim)


@pytest.mark.parametrize(
    ("function", "name", "value"),
    [
        ("add_lead", "first_name", {"x": 1}),
        ("add_lead", "first_name", ["Ada"]),
        ("add_lead", "list_id", {"$ne": ""}),
        ("add_lead", "list_id", ["101", "999"]),
        ("add_lead", "phone_number", ["3125550100"]),
        ("add_lead", "comments", None),
        ("add_lead", "comments", [[["deep"]]]),
        ("lead_search", "phone_number", [["3125550100"]]),
        ("lead_search", "phone_number", [{"a": 1}]),
        ("lead_search", "phone_number", []),
        ("lead_search", "phone_number", [True]),
        ("lead_search", "phone_number", [None]),
        ("lead_search", "phone_number", [1.5]),
    ],
    ids=str,
)
async def test_nested_values_where_scalars_are_expected(
    gw: GW, sec_sim: RunningSim, function: str, name: str, value: Any
) -> None:
    body = {**LEAD, name: value} if function == "add_lead" else {name: value}
    reply = await gw.call(function, body)
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)


async def test_deeply_nested_body(gw: GW, sec_sim: RunningSim) -> None:
    raw = b'{"comments": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    reply = await gw.call("add_lead", raw=raw)
    assert_refused(reply, 400, "bad_request", sim=sec_sim)


@pytest.mark.parametrize(
    ("function", "raw", "parameter"),
    [
        ("update_lead", b'{"lead_id": 1000000000000000000000000000000}', "lead_id"),
        ("update_lead", b'{"lead_id": 1e400}', "lead_id"),
        ("update_lead", b'{"lead_id": -1}', "lead_id"),
        ("update_lead", b'{"lead_id": 1e300}', "lead_id"),
        ("update_lead", b'{"lead_id": 5001.5}', "lead_id"),
        ("add_lead", b'{"phone_number": 3125550100, "list_id": 1e999}', "list_id"),
        ("add_lead", b'{"phone_number": 3125550100, "rank": 99999999999999999999}', "rank"),
        ("add_lead", b'{"phone_number": 3125550100, "comments": 1.5}', "comments"),
    ],
)
async def test_huge_and_odd_numbers(
    gw: GW, sec_sim: RunningSim, function: str, raw: bytes, parameter: str
) -> None:
    reply = await gw.call(function, raw=raw)
    assert_refused(reply, 400, "bad_request", parameter=parameter, sim=sec_sim)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"lead_id": ' + b"9" * 5000 + b"}",
        b'{"lead_id": NaN}',
        b'{"lead_id": Infinity}',
        b'{"lead_id": -Infinity}',
    ],
    ids=["5000-digit-int", "NaN", "Infinity", "-Infinity"],
)
async def test_numbers_json_does_not_have(gw: GW, sec_sim: RunningSim, raw: bytes) -> None:
    reply = await gw.call("update_lead", raw=raw)
    assert_refused(reply, 400, "bad_request", sim=sec_sim)


@pytest.mark.parametrize("name", ["first_name", "lead_id", "list_id", "phone_number", "comments"])
@pytest.mark.parametrize("value", [True, False])
async def test_booleans_where_not_flags(
    gw: GW, sec_sim: RunningSim, name: str, value: bool
) -> None:
    function = "update_lead" if name == "lead_id" else "add_lead"
    body = {name: value} if function == "update_lead" else {**LEAD, name: value}
    reply = await gw.call(function, body)
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)
    assert "true/false" in reply.body["error"]["message"]


async def test_boolean_flag_is_sent_as_vicidials_letter(gw: GW, sec_sim: RunningSim) -> None:
    reply = await gw.call("list_info", {"list_id": "101", "leads_counts": True})
    assert reply.status == 200, reply.text
    forwarded_exactly(sec_sim, {"list_id", "leads_counts", "stage", "header"})


@pytest.mark.parametrize(
    "name",
    [
        "__proto__",
        "constructor",
        "prototype",
        "__class__",
        "__dict__",
        "__init__",
        "hasOwnProperty",
        "toString",
        "pass[]",
        "phone_number[]",
        "comments[pass]",
        "comments&pass",
        "comments=x&pass",
        "",
        " ",
    ],
    ids=repr,
)
async def test_unknown_and_prototype_style_names(gw: GW, sec_sim: RunningSim, name: str) -> None:
    reply = await gw.call("add_lead", {**LEAD, name: "x"})
    assert_refused(reply, 400, "bad_request", parameter=escaped(name), sim=sec_sim)


async def test_extremely_many_parameters(gw: GW, sec_sim: RunningSim) -> None:
    body = {**LEAD, **{f"p{i}": "x" for i in range(3000)}, "pass": "x"}
    reply = await gw.call("add_lead", body)
    assert_refused(reply, 400, "bad_request", parameter="p0", sim=sec_sim)


async def test_overlong_value(gw: GW, sec_sim: RunningSim) -> None:
    reply = await gw.call("add_lead", {**LEAD, "first_name": "A" * 31})
    assert_refused(reply, 400, "bad_request", parameter="first_name", sim=sec_sim)


# --- body size, encoding and content type -----------------------------------------------------


async def test_body_over_max_body_bytes(gw: GW, sec_sim: RunningSim) -> None:
    limit = gw.config.server.max_body_bytes
    raw = json.dumps({**LEAD, "comments": "x" * limit}).encode()
    reply = await gw.call("add_lead", raw=raw)
    assert_refused(reply, 413, "too_large", sim=sec_sim)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_compressed_body_bomb(gw: GW, sec_sim: RunningSim, encoding: str) -> None:
    """A small compressed body that inflates far beyond max_body_bytes is cut off at the limit."""
    inflated = b'{"comments": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    raw = gzip.compress(inflated) if encoding == "gzip" else zlib.compress(inflated)
    assert len(raw) < gw.config.server.max_body_bytes
    reply = await gw.call("add_lead", raw=raw, headers={"Content-Encoding": encoding})
    assert_refused(reply, 413, "too_large", sim=sec_sim)


async def test_body_over_max_body_bytes_is_counted_as_too_large(gw: GW) -> None:
    raw = json.dumps({**LEAD, "comments": "x" * gw.config.server.max_body_bytes}).encode()
    reply = await gw.call("add_lead", raw=raw)
    assert reply.status == 413
    _, metrics, _ = await gw.get_text("/metrics")
    counted = 'vicigw_requests_total{app="crm",function="add_lead",outcome="too_large"} 1.0'
    assert counted in metrics, [line for line in metrics.splitlines() if "requests_total{" in line]


async def test_chunked_body_over_max_body_bytes(gw: GW, sec_sim: RunningSim) -> None:
    """No Content-Length to check up front: the limit holds while the chunks arrive."""
    limit = gw.config.server.max_body_bytes

    async def chunks() -> Any:
        yield b'{"comments": "'
        for _ in range(limit // 4096 + 2):
            yield b"x" * 4096
        yield b'"}'

    token = gw.token()
    async with gw.session.post(
        f"{gw.base_url}/v1/non-agent/add_lead",
        data=chunks(),
        headers={"Authorization": f"Bearer {token}"},
    ) as resp:
        assert resp.status == 413
        body = await resp.json()
    assert body["error"]["type"] == "too_large"
    assert sec_sim.state.requests == []


@pytest.mark.parametrize(
    "raw",
    [
        b'{"phone_number": "3125550100", "comments": "caf\xe9"}',
        b'{"phone_number": "3125550100", "comments": "\xc0\xaf"}',
        b'{"phone_number": "3125550100", "comments": "\xff"}',
        b'{"phone_number": "3125550100", "comm\xe9nts": "x"}',
    ],
    ids=["latin-1", "overlong-slash", "0xff", "latin-1-name"],
)
async def test_non_utf8_bytes(gw: GW, sec_sim: RunningSim, raw: bytes) -> None:
    reply = await gw.call("add_lead", raw=raw)
    assert_refused(reply, 400, "bad_request", sim=sec_sim)
    assert "not valid JSON" in reply.body["error"]["message"]


async def test_cesu8_encoded_surrogate_bytes(gw: GW, sec_sim: RunningSim) -> None:
    raw = b'{"phone_number": "3125550100", "list_id": "101", "comments": "\xed\xa0\x80"}'
    reply = await gw.call("add_lead", raw=raw)
    assert_refused(reply, 400, "bad_request", sim=sec_sim)


async def test_json_with_a_byte_order_mark(gw: GW, sec_sim: RunningSim) -> None:
    """A UTF-8 BOM is no part of a name: the body means exactly what it says without it."""
    raw = b"\xef\xbb\xbf" + json.dumps({**LEAD, "comments": "bom"}).encode()
    reply = await gw.call("add_lead", raw=raw)
    assert reply.status == 200, reply.text
    forwarded_exactly(sec_sim, {*LEAD, "comments"})


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", "x/y"],
)
async def test_content_type_lie_json_body(gw: GW, sec_sim: RunningSim, content_type: str) -> None:
    """The body is read as JSON whatever the label: the label cannot switch to a form parser."""
    reply = await gw.call(
        "add_lead", raw=json.dumps(LEAD).encode(), headers={"Content-Type": content_type}
    )
    assert reply.status == 200, reply.text
    forwarded_exactly(sec_sim, set(LEAD))


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        (
            "application/x-www-form-urlencoded",
            b"phone_number=3125550100&list_id=101&pass=x&function=add_user",
        ),
        (
            "multipart/form-data; boundary=XyZ",
            b'--XyZ\r\nContent-Disposition: form-data; name="phone_number"\r\n\r\n3125550100\r\n'
            b'--XyZ\r\nContent-Disposition: form-data; name="pass"\r\n\r\nx\r\n--XyZ--\r\n',
        ),
        ("application/json", b"phone_number=3125550100&list_id=101"),
        ("application/json", b"[]"),
        ("application/json", b'"phone_number=3125550100"'),
    ],
    ids=["form", "multipart", "form-labelled-json", "array", "string"],
)
async def test_content_type_lie_form_body(
    gw: GW, sec_sim: RunningSim, content_type: str, raw: bytes
) -> None:
    reply = await gw.call("add_lead", raw=raw, headers={"Content-Type": content_type})
    assert_refused(reply, 400, "bad_request", sim=sec_sim)


# --- headers that end up in logs -----------------------------------------------------------------


@pytest.mark.parametrize(
    "request_id",
    ["a" * 129, "<script>alert(1)</script>", "id with spaces", "x%0d%0aforged", '"},{"level"'],
)
async def test_request_id_cannot_inject_into_logs(
    gw: GW, log_stream: io.StringIO, capsys: pytest.CaptureFixture[str], request_id: str
) -> None:
    reply = await gw.call("version", headers={"X-Request-ID": request_id})
    assert reply.status == 200
    assert re.fullmatch(r"[0-9a-f]{32}", reply.headers["X-Request-ID"])
    assert reply.body["request_id"] == reply.headers["X-Request-ID"]
    written = log_stream.getvalue() + capsys.readouterr().out
    assert request_id not in written


# --- function names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "add_lead%3Fpass%3Dx",
        "add_lead%26pass%3Dx",
        "add_lead%23x",
        "ADD_LEAD",
        "Add_Lead",
        "add_lead%00",
        "add_lead%20",
        "%20add_lead",
        "add_lead%0d%0aX-Injected:%201",
        "coffee",
        "no_such_function",
        "version%2F..%2Fadd_user",
        "%E2%80%8Badd_lead",
    ],
)
async def test_function_name_tricks(gw: GW, sec_sim: RunningSim, path: str) -> None:
    reply = await gw.call(path, LEAD)
    assert_refused(reply, 404, "unknown_function", sim=sec_sim)
    assert "X-Injected" not in reply.headers


# --- heavy options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [("BLOCK", 403), ("block", 400), ("Block", 400), ("XBLOCK", 400), ("BLOCK ", 400)],
)
async def test_heavy_option_needs_allow_heavy(
    gw: GW, sec_sim: RunningSim, value: str, status: int
) -> None:
    """VICIdial takes any value *containing* BLOCK; only the exact, refused one gets through."""
    reply = await gw.call("hopper_list", {"campaign_id": "TESTCAMP", "search_method": value})
    error_type = "forbidden" if status == 403 else "bad_request"
    assert_refused(reply, status, error_type, parameter="search_method", sim=sec_sim)


# --- the app's own allow/force rules ------------------------------------------------------------


@pytest.fixture
async def locked(sec_sim: RunningSim) -> Any:
    doc = sec_config_dict(
        sec_sim.base_url,
        sec_sim.ca_file,
        locked={
            "keys": [{"kid": "locked-1", "alg": "HS256", "secret": "locked-hmac-" + "k" * 40}],
            "upstream": "main",
            "source": "locked",
            "functions": ["add_lead"],
            "params": {
                "add_lead": {
                    "list_id": {"allow": ["101"]},
                    "duplicate_check": {"force": "DUPLIST"},
                }
            },
        },
    )
    async with serve_gateway(parse_config(doc)) as gateway:
        yield gateway


@pytest.mark.parametrize(
    ("name", "value", "status"),
    [
        ("duplicate_check", "NONE", 403),
        ("duplicate_check", "DUPCAMP", 403),
        ("duplicate_check", "duplist", 403),
        ("list_id", "102", 403),
        ("list_id", "0101", 403),
        ("list_id", "101 ", 400),
        ("list_id", "\uff11\uff10\uff11", 400),
    ],
    ids=ascii,
)
async def test_allow_and_force_rules_cannot_be_bypassed(
    locked: GW, sec_sim: RunningSim, name: str, value: str, status: int
) -> None:
    body = {"phone_number": "3125550100", "list_id": "101", name: value}
    reply = await locked.call("add_lead", body, app="locked")
    error_type = "forbidden" if status == 403 else "bad_request"
    assert_refused(reply, status, error_type, parameter=name, sim=sec_sim)


async def test_forced_value_is_sent_when_left_out(locked: GW, sec_sim: RunningSim) -> None:
    reply = await locked.call(
        "add_lead", {"phone_number": "3125550100", "list_id": 101}, app="locked"
    )
    assert reply.status == 200, reply.text
    forwarded_exactly(sec_sim, {"phone_number", "list_id", "duplicate_check"})


@pytest.mark.parametrize(
    "value",
    ["a\u202eb", "a\u202db", "a\u2066b", "a\u200bb", "a\u200fb", "a\ufeffb"],
    ids=["RLO", "LRO", "LRI", "ZWSP", "RLM", "BOM"],
)
async def test_invisible_formatting_characters_in_a_value(
    gw: GW, sec_sim: RunningSim, value: str
) -> None:
    """Bidi overrides and zero-width characters would make stored text read otherwise."""
    reply = await gw.call("add_lead", {**LEAD, "comments": value})
    assert (reply.status, reply.body["error"]["type"]) == (400, "bad_request")
    assert reply.body["error"]["details"]["parameter"] == "comments"
    assert sec_sim.state.requests == []


# --- the Agent API ---------------------------------------------------------------------------


@pytest.fixture
async def agents(sec_sim: RunningSim) -> Any:
    doc = sec_config_dict(
        sec_sim.base_url,
        sec_sim.ca_file,
        widget={
            "keys": [{"kid": "widget-1", "alg": "HS256", "secret": "widget-hmac-" + "w" * 40}],
            "upstream": "main",
            "source": "widget",
            "agent_functions": ["external_dial", "external_pause", "update_fields"],
            "agent_users": ["100?"],
        },
    )
    async with serve_gateway(parse_config(doc)) as gw:
        yield gw


PAUSE = {"agent_user": "1002", "value": "PAUSE"}


@pytest.mark.parametrize(
    "name",
    ["user", "pass", "source", "function", "alt_user", "format", "close_window_link", "DB",
     "DEBUG", "Pass", "agent_User"],
)  # fmt: skip
async def test_agent_api_names_only_the_gateway_sets_or_none_may(
    agents: GW, sec_sim: RunningSim, name: str
) -> None:
    """The login, the source and the function are the gateway's; alt_user (an agent by CRM id)
    would bypass agent_users; format=debug and close_window_link change the reply's shape."""
    reply = await agents.call("external_pause", {**PAUSE, name: "x"}, app="widget", api="agent")
    assert_refused(reply, 400, "bad_request", parameter=name, sim=sec_sim)


@pytest.mark.parametrize("agent", ["10020", "2002", "1002 ", "1002\u200b", "100*", "0x3EA"])
async def test_agent_user_outside_the_apps_agents(
    agents: GW, sec_sim: RunningSim, agent: str
) -> None:
    """agent_users "100?" holds 1000-1009 only; a lookalike or a pattern is no agent id."""
    reply = await agents.call(
        "external_pause", {**PAUSE, "agent_user": agent}, app="widget", api="agent"
    )
    assert reply.status in (400, 403), reply.text
    assert sec_sim.state.hits() == 0


@pytest.mark.parametrize(
    "value",
    ["PAUSE&agent_user=2002", "PAUSE%26agent_user%3D2002", "PAUSE'", 'PAUSE"', "PAUSE\nX"],
)
async def test_agent_api_values_cannot_smuggle(agents: GW, sec_sim: RunningSim, value: str) -> None:
    reply = await agents.call(
        "external_pause", {**PAUSE, "value": value}, app="widget", api="agent"
    )
    assert_refused(reply, 400, "bad_request", parameter="value", sim=sec_sim)


async def test_agent_api_sends_the_form_the_gateway_chose(agents: GW, sec_sim: RunningSim) -> None:
    """No query string; the caller's names, value always, and the gateway's own fields."""
    body = {"agent_user": "1002", "comments": "called back"}
    reply = await agents.call("update_fields", body, app="widget", api="agent")
    assert reply.status in (200, 409), reply.text
    rec = sec_sim.state.requests[-1]
    assert rec.method == "POST" and rec.query_string == ""
    assert set(rec.body_names) == {"agent_user", "comments", "value", *GATEWAY_NAMES}
    assert rec.body_names[-1] == "source"  # the last field is the gateway's own, harmless one


async def test_agent_api_double_click(agents: GW, sec_sim: RunningSim) -> None:
    """Two dials at once for one agent: VICIdial sees one."""
    sec_sim.state.put_agent("1003", "PAUSED", conf_exten="8600053")
    sec_sim.state.faults = Faults("slow", delay=0.4, functions=frozenset({"external_dial"}))
    body = {"agent_user": "1003", "value": "3125551212", "phone_code": "1", "search": "NO",
            "preview": "NO", "focus": "NO"}  # fmt: skip
    first, second = await asyncio.gather(
        agents.call("external_dial", body, app="widget", api="agent"),
        agents.call("external_dial", body, app="widget", api="agent"),
    )
    assert sorted(r.status for r in (first, second)) == [200, 409]
    assert {first.error_type, second.error_type} == {None, "agent_busy"}
    assert sec_sim.state.hits("external_dial") == 1
