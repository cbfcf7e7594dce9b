"""The audit log: one JSON line per call, identifiers in, free text and secrets out."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import aiohttp
import pytest

from gateway.audit import (
    ROTATION_CHECK_SECONDS,
    AuditLog,
    AuditRecord,
    loggable_params,
    mask_phone,
)
from gateway.catalog import CATALOG
from gateway.catalog.personal import CATEGORIES, LOGGABLE, PERSONAL, category
from gateway.catalog.spec import ParamKind
from gateway.config import AuditConfig
from gateway.config_load import parse_config
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


# --- personal data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One parameter value sent through the gateway, and what its audit line must hold.

    ``logged`` is the value in the line's ``params`` whatever ``audit.personal_data`` says (None:
    left out); for personal data it is None: the value is logged exactly when its category is
    listed in ``audit.personal_data``.
    """

    function: str
    param: str
    value: Any
    kind: str
    category: str
    logged: str | None = None


SENT = (
    # add_lead: a lead's personal data, and the safe kinds beside it
    Sent("add_lead", "phone_number", "3125557788", "phone", "phone", "******7788"),
    Sent("add_lead", "alt_phone", "3125550199", "phone", "phone", "******0199"),
    Sent("add_lead", "list_id", "101", "id", "not_personal", "101"),
    Sent("add_lead", "rank", "7", "int", "not_personal", "7"),
    Sent("add_lead", "add_to_hopper", "N", "flag", "not_personal", "N"),
    Sent("add_lead", "tz_method", "POSTAL", "code", "not_personal", "POSTAL"),
    Sent("add_lead", "callback_datetime", "2031-05-06 07:08:09", "datetime", "not_personal"),
    Sent("add_lead", "vendor_lead_code", "VLC55123", "text", "not_personal"),
    Sent("add_lead", "first_name", "Adelheid", "text", "name"),
    Sent("add_lead", "last_name", "Zwiebelfisch", "text", "name"),
    Sent("add_lead", "middle_initial", "Q", "code", "name"),
    Sent("add_lead", "title", "Dr", "text", "name"),
    Sent("add_lead", "address1", "12 Quokka Lane", "text", "address"),
    Sent("add_lead", "city", "Wollongbar", "text", "address"),
    Sent("add_lead", "province", "Quebecia", "text", "address"),
    Sent("add_lead", "state", "NW", "code", "address"),
    Sent("add_lead", "country_code", "AUS", "code", "address"),
    Sent("add_lead", "postal_code", "Z9Q8X7", "code", "postal_code"),
    Sent("add_lead", "date_of_birth", "1961-07-14", "date", "birth_date"),
    Sent("add_lead", "gender", "F", "code", "gender"),
    Sent("add_lead", "email", "adelheid@example.invalid", "text", "email"),
    Sent("add_lead", "security_phrase", "purple-otter", "text", "security_phrase"),
    Sent("add_lead", "comments", "asked about her divorce", "text", "free_text"),
    # add_user: an agent's
    Sent("add_user", "agent_user", "7123", "id", "not_personal", "7123"),
    Sent("add_user", "agent_pass", "Agent-Pw_55xyz", "text", "secret"),
    Sent("add_user", "agent_user_level", "1", "int", "not_personal", "1"),
    Sent("add_user", "agent_user_group", "AGENTS", "id", "not_personal", "AGENTS"),
    Sent("add_user", "agent_full_name", "Hieronymus Bosch", "text", "name"),
    Sent("add_user", "email", "hbosch@example.invalid", "text", "email"),
    Sent("add_user", "custom_one", "works nights", "text", "free_text"),
    Sent("add_user", "agent_choose_ingroups", "1", "flag", "not_personal", "1"),
    Sent("add_user", "in_groups", ["SALESLINE", "SUPPORT"], "list", "not_personal"),
    # a list of phone numbers, and a date that is not personal
    Sent(
        "lead_search",
        "phone_number",
        ["3125557788", "3125550199"],
        "list",
        "phone",
        "******7788,******0199",
    ),
    Sent("lead_search", "records", "5", "int", "not_personal", "5"),
    Sent("recording_lookup", "agent_user", "7123", "id", "not_personal", "7123"),
    Sent("recording_lookup", "date", "2030-01-02", "date", "not_personal", "2030-01-02"),
)


def test_the_sent_values_cover_every_kind_and_category() -> None:
    assert {s.kind for s in SENT} == set(get_args(ParamKind))
    assert {s.category for s in SENT} == set(CATEGORIES)
    for s in SENT:
        param = CATALOG[s.function].param(s.param)
        assert param is not None and param.kind == s.kind, s
        assert category(s.param) == s.category, s


def _text(value: Any) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)


@pytest.mark.parametrize(
    "allowed",
    [None, [], ["postal_code"], ["birth_date", "email"], sorted(LOGGABLE)],
    ids=["unset", "none", "postal_code", "birth_date+email", "all"],
)
async def test_personal_data_stays_out_unless_allowed(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO, allowed: list[str] | None
) -> None:
    """Each value goes through the gateway (real sockets, the simulator); its line is checked."""
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["audit"] = {"file": str(tmp_path / "audit.log")}
    if allowed is not None:
        doc["audit"]["personal_data"] = allowed
    cfg = parse_config(doc)
    runner, base = await start_gateway(cfg)
    functions = list(dict.fromkeys(s.function for s in SENT))
    try:
        async with aiohttp.ClientSession() as session:
            gw = Gateway(base, cfg, sim, session, log_stream)
            for function in functions:
                body = {s.param: s.value for s in SENT if s.function == function}
                status, reply, _ = await gw.call(function, body)
                assert status != 400, reply
    finally:
        await runner.cleanup()
    lines = (tmp_path / "audit.log").read_text().splitlines()
    assert len(lines) == len(functions)
    for function, line in zip(functions, lines, strict=True):
        record = json.loads(line)
        assert record["function"] == function
        logged = record.get("params", {})
        for s in (s for s in SENT if s.function == function):
            if s.category in PERSONAL and s.category != "phone":
                expected = s.value if s.category in (allowed or []) else None
            else:
                expected = s.logged
            assert logged.get(s.param) == expected, (s, logged)
            if expected is None and len(_text(s.value)) > 3:
                assert _text(s.value) not in line, s
        for s in SENT:
            if s.category == "phone":
                for number in _text(s.value).split(","):
                    assert number not in line
    assert "Agent-Pw_55xyz" not in "\n".join(lines)


# --- the buffered writer ----------------------------------------------------------------------


def _record(n: int) -> AuditRecord:
    return AuditRecord(
        request_id=f"r{n}",
        app="crm",
        function="add_lead",
        effect="mutating",
        status=200,
        outcome="ok",
        total_seconds=0.001,
    )


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["request_id"] for line in path.read_text().splitlines()]


def test_records_arrive_complete_and_in_order_and_after_close(tmp_path: Path) -> None:
    audit = AuditLog(AuditConfig(file=tmp_path / "audit.log"))
    for n in range(500):
        audit.write(_record(n))
        assert _ids(tmp_path / "audit.log")[-1] == f"r{n}"  # in the file at once
    audit.close()
    audit.write(_record(500))  # a late record (a call ending during a reload) is not lost
    audit.close()
    assert _ids(tmp_path / "audit.log") == [f"r{n}" for n in range(501)]


def test_a_rotated_file_is_reopened_checked_at_most_once_per_interval(tmp_path: Path) -> None:
    now = [100.0]
    path = tmp_path / "audit.log"
    audit = AuditLog(AuditConfig(file=path), clock=lambda: now[0])
    audit.write(_record(1))
    path.rename(tmp_path / "audit.log.1")  # logrotate moves it away
    audit.write(_record(2))  # within the interval: no stat yet, lands in the moved file
    now[0] += ROTATION_CHECK_SECONDS
    audit.write(_record(3))  # checked: a new file
    audit.write(_record(4))
    path.unlink()  # removed outright
    now[0] += ROTATION_CHECK_SECONDS
    audit.write(_record(5))
    audit.close()
    assert _ids(tmp_path / "audit.log.1") == ["r1", "r2"]
    assert _ids(path) == ["r5"]


def test_stdout_mode_writes_the_same_lines(capsys: pytest.CaptureFixture[str]) -> None:
    audit = AuditLog(AuditConfig())
    audit.write(_record(1))
    audit.write(_record(2))
    audit.close()
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["request_id"] for line in lines] == ["r1", "r2"]
