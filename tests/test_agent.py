"""The Agent API (``/agc/api.php``) catalog: ``gateway/catalog/agent.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.catalog import AGENT_CATALOG, CATALOG
from gateway.catalog.agent import AGENT_CHARSETS
from gateway.catalog.parser import parse_reply
from gateway.catalog.reply import ReplyShapeError
from gateway.config_load import parse_config
from gateway.errors import BadRequest
from gateway.policy import build_params
from gateway.refusal import Claim, masked, masked_agent_login, read_claim

from .conftest import config_dict


def test_each_catalog_holds_only_its_own_api() -> None:
    assert {spec.api for spec in CATALOG.values()} == {"non_agent"}
    assert all(spec.api == "agent" for spec in AGENT_CATALOG.values())


# --- shapes the general parser cannot read (gateway/catalog/agent_shapes.py) -----------------

_WEBPHONE = (
    "https://pbx.example/agc/webphone.php?phone_login=MTAwMQ==&phone_login=MTAwMQ==&"
    "phone_pass=c2VjcmV0K3Bhc3M=&server_ip=MTI3LjAuMC4x&callerid=Y2M+/w==&protocol=U0lQ&"
    "codecs=&options=&system_key="
)


def test_webphone_url_is_taken_apart_without_the_phone_password() -> None:
    spec = AGENT_CATALOG["webphone_url"]
    parsed = parse_reply(spec, _WEBPHONE, params={"agent_user": "1001", "value": "DISPLAY"})
    assert parsed.result == "SUCCESS"
    assert isinstance(parsed.data, dict)
    assert parsed.data["address"] == "https://pbx.example/agc/webphone.php"
    assert parsed.data["withheld"] == ["phone_pass"]
    names = [name for name, _ in parsed.data["query"]]
    assert names == [
        "phone_login",
        "phone_login",
        "server_ip",
        "callerid",
        "protocol",
        "codecs",
        "options",
        "system_key",
    ]
    # Values exactly as printed: base64 "+", "/" and "=" are not decoded.
    assert ["callerid", "Y2M+/w=="] in parsed.data["query"]
    assert "c2VjcmV0K3Bhc3M=" not in repr(parsed)


def test_webphone_url_status_lines_end_with_a_line_feed() -> None:
    spec = AGENT_CATALOG["webphone_url"]
    parsed = parse_reply(
        spec,
        "ERROR: webphone_url error - no session data - 1001\n",
        params={"agent_user": "1001", "value": "DISPLAY"},
    )
    assert (parsed.result, parsed.error_type) == ("ERROR", "conflict")


def test_webphone_url_of_no_known_shape_is_refused_without_an_excerpt() -> None:
    spec = AGENT_CATALOG["webphone_url"]
    with pytest.raises(ReplyShapeError) as info:
        parse_reply(spec, "phone_pass=c2VjcmV0", params={"agent_user": "1001"})
    assert "c2VjcmV0" not in str(info.value) and info.value.excerpt == ""


def test_webserver_block_becomes_label_value_pairs() -> None:
    text = (
        "<PRE>Webserver Data:\nset.timezone: UTC\nuname: Linux vm 6.1 #1 SMP x86_64\n"
        "system load average: 0.06\ndate.timezone: ini_get not allowed: \n</PRE>\n"
    )
    parsed = parse_reply(AGENT_CATALOG["webserver"], text, params={})
    assert parsed.data == {
        "set.timezone": "UTC",
        "uname": "Linux vm 6.1 #1 SMP x86_64",
        "system load average": "0.06",
        "date.timezone": "ini_get not allowed: ",
    }


# --- what agc/api.php keeps of each parameter -------------------------------------------------


def test_every_parameter_has_agc_api_phps_filter() -> None:
    """Only the reload flags have none: api.php never reads their values, only their names."""
    unfiltered = {
        p.name for spec in AGENT_CATALOG.values() for p in spec.params if p.charset is None
    }
    assert unfiltered == {
        "formreload", "scriptreload", "script2reload", "emailreload", "chatreload",
        "callbacksreload",
    }  # fmt: skip
    assert set(AGENT_CHARSETS) <= {p.name for s in AGENT_CATALOG.values() for p in s.params}


def test_refused_instead_of_deleted() -> None:
    app = parse_config(
        config_dict(
            w={
                "keys": [{"kid": "w-1", "alg": "HS256", "secret": "w" * 40}],
                "upstream": "main",
                "source": "widget",
                "agent_functions": ["external_dial", "update_fields", "external_status"],
                "agent_users": ["*"],
            }
        )
    ).apps["w"]
    dial = {"agent_user": "1001", "search": "NO", "preview": "NO", "focus": "NO"}
    for value in ("+13125551212", "312-555-1212", "manualnext", "MANUALNEXTX"):
        with pytest.raises(BadRequest):
            build_params(app, AGENT_CATALOG["external_dial"], {**dial, "value": value})
    for value in ("3125551212", "MANUALNEXT"):
        assert build_params(app, AGENT_CATALOG["external_dial"], {**dial, "value": value})
    fields = AGENT_CATALOG["update_fields"]
    for body in ({"first_name": "Ann+Lee"}, {"comments": "a;b"}, {"comments": "#1"},
                 {"postal_code": "K1A.0B1"}, {"gmt_offset_now": "-5:00"}):  # fmt: skip
        with pytest.raises(BadRequest):
            build_params(app, fields, {"agent_user": "1001", **body})
    status = AGENT_CATALOG["external_status"]
    with pytest.raises(BadRequest):  # VICIdial deletes the apostrophe of a callback comment
        build_params(
            app, status, {"agent_user": "1001", "value": "CB", "callback_comments": "it's"}
        )


# --- every genuine reply recorded from the real agc/api.php --------------------------------------

AGENT_SAMPLES = Path(__file__).parent / "data" / "agent_samples"
MANIFEST: dict[str, dict[str, Any]] = json.loads((AGENT_SAMPLES / "manifest.json").read_text())
LOGIN_LINES = {"external_pause__err_bad_login.txt", "external_pause__err_no_agent_api.txt"}


def test_every_function_has_a_recorded_reply() -> None:
    assert {entry["function"] for entry in MANIFEST.values()} == set(AGENT_CATALOG)
    assert set(MANIFEST) == {p.name for p in AGENT_SAMPLES.glob("*.txt")}


@pytest.mark.parametrize("name", sorted(set(MANIFEST) - LOGIN_LINES))
def test_every_recorded_reply_is_read(name: str) -> None:
    """Each genuine reply through the gateway's conversion: a success is SUCCESS (a NOTICE the
    catalog reads as one), an error is ERROR with the class its file name says."""
    entry = MANIFEST[name]
    text = (AGENT_SAMPLES / name).read_bytes().decode()
    parsed = parse_reply(AGENT_CATALOG[entry["function"]], text, params=entry["params"])
    case = name.split("__", 1)[1].removesuffix(".txt")
    if case.startswith("ok"):
        assert parsed.result == "SUCCESS" and parsed.error_type is None, parsed
    else:
        assert parsed.result == "ERROR" and parsed.error_type is not None, parsed
        expected = {
            "not_valid": "invalid_input",
            "no_fields": "invalid_input",
            "no_user": "not_found",
            "disabled": "not_configured",
        }.get(case.removeprefix("err_"), "conflict")
        assert parsed.error_type == expected, (name, parsed)


def test_the_recorded_webphone_address_comes_back_without_its_password() -> None:
    text = (AGENT_SAMPLES / "webphone_url__ok_display.txt").read_text()
    assert "&phone_pass=" in text and not text.endswith("\n")
    parsed = parse_reply(AGENT_CATALOG["webphone_url"], text, params={})
    secret = text.split("phone_pass=", 1)[1].split("&", 1)[0]
    assert isinstance(parsed.data, dict) and parsed.data["withheld"] == ["phone_pass"]
    assert secret not in json.dumps(parsed.data)
    assert [k for k, _ in parsed.data["query"]] == [
        "phone_login", "phone_login", "server_ip", "callerid", "protocol", "codecs", "options",
        "system_key",
    ]  # fmt: skip


def test_the_recorded_login_lines() -> None:
    """A bad password: conclusive (it echoes the password sent) and masked whole, the login
    SELECT with it. No Agent API access: no refusal of the credential, read as the generic
    line once masked."""
    bad = (AGENT_SAMPLES / "external_pause__err_bad_login.txt").read_text()
    assert "Wrong-Pass-9902" in bad and "SELECT count(*)" in bad
    assert read_claim(bad, "9902", "Wrong-Pass-9902", "agent") == Claim("bad_login", True)
    shown = masked(bad, "bad_login", "***", "agent")
    assert shown == "ERROR: Invalid Username/Password: |9902|***|0|1|***|\n"
    good = (AGENT_SAMPLES / "external_pause__err_no_agent_api.txt").read_text()
    assert read_claim(good, "7777", "5678", "agent") is None
    line = masked_agent_login(good, "7777", "5678", "***")
    assert line is not None and "5678" not in line
    parsed = parse_reply(AGENT_CATALOG["external_pause"], line, params={})
    assert (parsed.generic, parsed.error_type) == (True, "upstream_error")
