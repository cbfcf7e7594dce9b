"""Step 5 of a call, without a server: VICIdial's text → ParsedReply → error or JSON (the
catalog's real parser; replies as VICIdial prints them)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

import pytest

from gateway.call.convert import needs_recheck, parse, read, recheck, reply_error, reply_json
from gateway.catalog import CATALOG
from gateway.errors import UpstreamError
from gateway.upstream import UpstreamReply

from .call_parts import ADDED, DUPLICATE, VERSION, upstream_reply


def test_a_reply_is_parsed_by_its_functions_spec() -> None:
    parsed = parse(CATALOG["version"], 200, VERSION, {}, "r1")
    assert parsed.result == "SUCCESS" and parsed.data is not None
    assert parsed.data["version"] == "2.14-194"  # type: ignore[call-overload]
    assert reply_json(CATALOG["version"], parsed) == {
        "ok": True,
        "function": "version",
        "result": "SUCCESS",
        "message": "VERSION",
        "data": parsed.data,
        "notices": [],
    }


def test_an_http_error_or_an_unknown_shape_is_a_502_logged_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, "gateway.call"):
        with pytest.raises(UpstreamError) as info:
            parse(CATALOG["version"], 500, "", {}, "r2")
        assert info.value.status == 502 and "HTTP 500" in info.value.message
        with pytest.raises(UpstreamError) as info:
            parse(
                CATALOG["campaigns_list"], 200, "Warning: mysqli_connect() at line 12\n", {}, "r3"
            )
        assert "does not recognise" in info.value.message
    logged = {(r.getMessage(), r.request_id) for r in caplog.records}
    assert logged == {
        ("upstream answered with an HTTP error", "r2"),
        ("unrecognised VICIdial reply", "r3"),
    }


def test_a_refused_login_is_read_as_the_refusal_not_parsed() -> None:
    parsed = read(CATALOG["version"], upstream_reply("", refusal="locked"), {}, "r1")
    assert parsed.login_failure and parsed.generic and parsed.result == "ERROR"
    error = reply_error(parsed, retry_after=900)
    assert error is not None and (error.status, error.retry_after) == (503, 900)
    assert "VICIdial" in error.message


def test_an_error_about_the_callers_input_shows_its_data_as_details() -> None:
    spec = CATALOG["add_lead"]
    error = reply_error(read(spec, upstream_reply(DUPLICATE), {}, "r1"))
    assert error is not None and (error.status, error.type) == (409, "conflict")
    assert error.message == "DUPLICATE PHONE NUMBER IN LIST"
    assert error.details == {
        "phone_number": "3125557006",
        "list_id": "101",
        "duplicate_lead_id": "5001",
    }
    assert reply_error(read(spec, upstream_reply(ADDED), {}, "r1")) is None


async def test_a_status_line_that_may_be_stored_data_stands_unless_a_recheck_proves_it_data(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spec = CATALOG["lead_field_info"]
    params = {"lead_id": "5001", "field_name": "comments"}
    text = "ERROR: lead_field_info LEAD NOT FOUND: 6666|5001\n"
    parsed = read(spec, upstream_reply(text), params, "r1")
    assert needs_recheck(spec, parsed)
    asked: list[Mapping[str, str]] = []

    def answering(reply: UpstreamReply) -> Callable[[Mapping[str, str]], Awaitable[UpstreamReply]]:
        async def call(form: Mapping[str, str]) -> UpstreamReply:
            asked.append(form)
            return reply

        return call

    refused = upstream_reply("", refusal="bad_login")
    assert await recheck(spec, params, parsed, text, answering(refused), "r1") is parsed
    assert spec.raw_value is not None
    proof = spec.raw_value.recheck(params)
    assert asked == [proof]
    # The lead's id read back: the lead exists, so no status applied; the text was its value.
    proving = upstream_reply("5001")
    with caplog.at_level(logging.INFO, "gateway.call"):
        again = await recheck(spec, params, parsed, text, answering(proving), "r1")
    assert again.result == "SUCCESS" and again.data == {"comments": text}
    assert "was stored data (recheck)" in caplog.text
    assert await recheck(spec, params, parsed, text, answering(upstream_reply("5002")), "r") is (
        parsed
    )
