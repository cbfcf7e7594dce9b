"""The audit log: one JSON line per call, identifiers in, free text and secrets out."""

from __future__ import annotations

import io
import json
from pathlib import Path

import aiohttp
import pytest

from gateway.audit import loggable_params, mask_phone
from gateway.catalog import CATALOG
from gateway.config import parse_config
from gateway.sim import RunningSim

from .conftest import API_PASS, API_USER, CRM_SECRET, Gateway, config_dict, start_gateway


def test_mask_phone() -> None:
    assert mask_phone("3125551212", 4) == "******1212"
    assert mask_phone("3125551212,3125559999", 4) == "******1212,******9999"
    assert mask_phone("12", 4) == "12"
    assert mask_phone("3125551212", 0) == "**********"


def test_only_safe_values_are_logged() -> None:
    params = {
        "phone_number": "3125551212",
        "list_id": "101",
        "first_name": "Ada",
        "comments": "private note",
        "rank": "5",
        "add_to_hopper": "Y",
        "stage": "tab",
    }
    out = loggable_params(CATALOG["add_lead"], params, 4)
    assert out == {
        "phone_number": "******1212",
        "list_id": "101",
        "rank": "5",
        "add_to_hopper": "Y",
    }


@pytest.fixture
async def audited(sim: RunningSim, tmp_path: Path, log_stream: io.StringIO):  # type: ignore[no-untyped-def]
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["audit"] = {"file": str(tmp_path / "audit.log")}
    cfg = parse_config(doc)
    runner, base = await start_gateway(cfg)
    async with aiohttp.ClientSession() as session:
        yield Gateway(base, cfg, sim, session, log_stream), tmp_path / "audit.log"
    await runner.cleanup()


async def test_one_line_per_call(audited) -> None:  # type: ignore[no-untyped-def]
    gw, path = audited
    status, added, _ = await gw.call(
        "add_lead",
        {
            "phone_number": "3125557788",
            "list_id": "101",
            "comments": "very private",
            "first_name": "Secretive",
        },
    )
    assert status == 200
    await gw.call("lead_search", {"phone_number": "3125557788"})
    await gw.call("campaigns_list", {"campaign_id": "TESTCAMP"})
    await gw.call("add_lead", {"phone_number": "3125550000", "list_id": "7"})  # 403
    await gw.call("version", token="not-a-token")  # 401
    await gw.call("no_such_function")  # 404
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["function"], r["status"], r["outcome"]) for r in records] == [
        ("add_lead", 200, "ok"),
        ("lead_search", 200, "ok"),
        ("campaigns_list", 200, "ok"),
        ("add_lead", 403, "forbidden"),
        ("version", 401, "unauthorized"),
        (None, 404, "unknown_function"),
    ]
    first = records[0]
    assert first["app"] == "crm" and first["effect"] == "mutating"
    assert first["result"] == "SUCCESS" and first["credential"] == "api-a"
    assert first["lead_id"] == added["data"]["lead_id"] and first["list_id"] == "101"
    assert first["params"]["phone_number"] == "******7788"
    assert isinstance(first["upstream_ms"], float) and first["total_ms"] >= first["upstream_ms"]
    assert records[2]["campaign_id"] == "TESTCAMP"
    assert records[4]["app"] is None  # unauthenticated
    text = path.read_text()
    for secret in (API_PASS, CRM_SECRET, "very private", "Secretive", "3125557788"):
        assert secret not in text
    assert f'"{API_USER}"' not in text
