"""The Agent API (``/agc/api.php``) catalog: ``gateway/catalog/agent.py``."""

from __future__ import annotations

import pytest

from gateway.catalog import AGENT_CATALOG, CATALOG
from gateway.catalog.parser import parse_reply
from gateway.catalog.reply import ReplyShapeError


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
