"""The view and reply mapping with a fake upstream (the real client is tested against the sim)."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

import aiohttp
import pytest

import gateway
from gateway.catalog.spec import FunctionSpec
from gateway.config_load import parse_config
from gateway.refusal import Kind
from gateway.upstream import UpstreamReply

from .conftest import API_USER, Gateway, config_dict, without_request_ids


@dataclass
class FakeUpstream:
    """Answers every call with a fixed VICIdial reply and records what it was asked."""

    text: str = ""
    status: int = 200
    refusal: Kind | None = None  # what the real client would have confirmed (gateway.refusal)
    calls: list[tuple[str, dict[str, str], str]] = field(default_factory=list)

    async def call(
        self, spec: FunctionSpec, params: Mapping[str, str], *, source: str
    ) -> UpstreamReply:
        self.calls.append((spec.name, dict(params), source))
        # As the real client with its only credential refused: the wait until its next probe.
        retry_after = 900 if self.refusal is not None else None
        return UpstreamReply(
            self.status,
            "text/html; charset=utf-8",
            self.text,
            "api-a",
            0.01,
            self.refusal,
            retry_after=retry_after,
        )


@pytest.fixture
async def fake() -> FakeUpstream:
    return FakeUpstream()


@pytest.fixture
async def gw(fake: FakeUpstream, log_stream: io.StringIO) -> AsyncIterator[Gateway]:
    from aiohttp import web

    cfg = parse_config(config_dict())
    runner = web.AppRunner(gateway.create_app(cfg, upstreams={"main": fake}), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    async with aiohttp.ClientSession() as session:
        yield Gateway(base, cfg, None, session, log_stream)  # type: ignore[arg-type]
    await runner.cleanup()


def test_public_surface() -> None:
    assert sorted(gateway.__all__) == sorted(
        [
            "Config",
            "ConfigError",
            "GatewayError",
            "__version__",
            "create_app",
            "load_config",
            "main",
        ]
    )


async def test_source_and_gateway_params_are_sent(gw: Gateway, fake: FakeUpstream) -> None:
    fake.text = (
        "campaign_id\tcampaign_name\tactive\tuser_group\tdial_method\tdial_level\tlead_order\t"
        "dial_statuses\tdial_timeout\tdial_prefix\tmanual_dial_prefix\tthree_way_dial_prefix\n"
        "TESTCAMP\tTest\tY\t---ALL---\tRATIO\t1.0\tDOWN\tNEW\t26\t9\t\t\n"
    )
    status, body, _ = await gw.call("campaigns_list", {"campaign_id": "TESTCAMP"})
    assert status == 200, body
    assert fake.calls == [
        ("campaigns_list", {"campaign_id": "TESTCAMP", "stage": "tab", "header": "YES"}, "crm")
    ]
    assert body["data"][0]["campaign_name"] == "Test"


@pytest.mark.parametrize(
    ("refusal", "text", "status", "etype", "message_part"),
    [
        (
            "bad_login",
            f"ERROR: Login incorrect, please try again: |{API_USER}|********|BAD|\n",
            502,
            "upstream_error",
            "rejected the gateway's login",
        ),
        (
            "locked",
            f"ERROR: Too many login attempts, try again in 15 minutes: |{API_USER}|LOCK|\n",
            503,
            "unavailable",
            "locked",
        ),
        (
            "ip_blocked",
            "ERROR: Your IP Address is not allowed: 10.1.2.3: ||IPBLOCK|\n",
            502,
            "upstream_error",
            "does not allow the gateway's IP address",
        ),
        (
            None,
            "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: "
            f"|{API_USER}|version|\n",
            502,
            "upstream_error",
            "may not use this function",
        ),
        (
            None,
            "ERROR: Invalid Source - x\nERROR: Invalid Source: |x|\n",
            502,
            "upstream_error",
            "source",
        ),
        (
            None,
            "ERROR: NO FUNCTION SPECIFIED\n",
            502,
            "upstream_error",
            "does not know this function",
        ),
        (
            None,
            "ERROR: campaigns_list USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO: "
            f"|{API_USER}|0|\n",
            502,
            "upstream_error",
            "USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO",
        ),
        (None, "<html><body>Fatal error</body></html>", 502, "upstream_error", "not recognise"),
        (None, "", 502, "upstream_error", "does not recognise"),
        # The refusal lines themselves, not confirmed by the client: never read as a refusal.
        (
            None,
            f"ERROR: Too many login attempts, try again in 15 minutes: |{API_USER}|LOCK|\n",
            502,
            "upstream_error",
            "does not recognise",
        ),
        (
            None,
            f"ERROR: Login incorrect, please try again: |{API_USER}|********|BAD|\n",
            502,
            "upstream_error",
            "does not recognise",
        ),
    ],
)
async def test_vicidial_errors_map_to_statuses(
    gw: Gateway,
    fake: FakeUpstream,
    refusal: Kind | None,
    text: str,
    status: int,
    etype: str,
    message_part: str,
) -> None:
    fake.text, fake.refusal = text, refusal
    got, body, headers = await gw.call("campaigns_list")
    assert got == status, body
    assert body["error"]["type"] == etype
    assert message_part in body["error"]["message"]
    assert API_USER not in without_request_ids(json.dumps(body))
    if status == 503:
        assert headers["Retry-After"] == "900"


async def test_unrecognised_reply_is_logged_scrubbed_not_returned(
    gw: Gateway, fake: FakeUpstream
) -> None:
    fake.text = "Warning: mysqli_connect(): something odd at line 12\n"
    status, body, _ = await gw.call("campaigns_list")
    assert status == 502
    assert "mysqli" not in json.dumps(body)
    logged = [json.loads(line) for line in gw.logs.getvalue().splitlines()]
    assert any("mysqli_connect" in str(r.get("excerpt", "")) for r in logged)


async def test_http_error_from_upstream_is_502(gw: Gateway, fake: FakeUpstream) -> None:
    fake.status, fake.text = 500, ""
    status, body, _ = await gw.call("version")
    assert (status, body["error"]["type"]) == (502, "upstream_error")


async def test_notice_lines_come_as_notices(gw: Gateway, fake: FakeUpstream) -> None:
    fake.text = (
        f"SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|-6.00|{API_USER}\n"
        "NOTICE: add_lead SCHEDULED CALLBACK ADDED - 5026|TESTCAMP|2030-01-02 10:00:00|USERONLY"
        "|1001|CALLBK\n"
    )
    status, body, _ = await gw.call("add_lead", {"phone_number": "3125557006", "list_id": "101"})
    assert status == 200
    assert body["data"] == {
        "phone_number": "3125557006",
        "list_id": "101",
        "lead_id": "5026",
        "gmt_offset": -6.0,
    }
    assert body["notices"] == [
        {
            "result": "NOTICE",
            "message": "SCHEDULED CALLBACK ADDED",
            "data": {
                "lead_id": "5026",
                "campaign_id": "TESTCAMP",
                "callback_datetime": "2030-01-02 10:00:00",
                "callback_type": "USERONLY",
                "callback_user": "1001",
                "callback_status": "CALLBK",
            },
        }
    ]


async def test_unexpected_exception_is_generic_500(gw: Gateway, fake: FakeUpstream) -> None:
    async def boom(*a: object, **k: object) -> UpstreamReply:
        raise RuntimeError("secret internals")

    fake.call = boom  # type: ignore[method-assign]
    status, body, _ = await gw.call("version")
    assert status == 500
    assert body["error"] == {"type": "internal_error", "message": "internal error", "details": {}}
    assert "secret internals" not in gw.logs.getvalue()
