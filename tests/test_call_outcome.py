"""How a call ended, without a server: the Outcome is built once and frozen, and the audit line
and every metric of the call come from it, in one place."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from gateway.audit import AuditLog
from gateway.call.outcome import Outcome, Trace, UpstreamUse, record
from gateway.catalog import CATALOG
from gateway.config_load import parse_config
from gateway.metrics import Metrics

from .conftest import config_dict


def _audit(tmp_path: Path) -> AuditLog:
    doc = config_dict()
    doc["audit"] = {"file": str(tmp_path / "audit.log")}
    return AuditLog(parse_config(doc).audit)


def _lines(tmp_path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (tmp_path / "audit.log").read_text().splitlines()]


def test_the_outcome_is_frozen_and_takes_ids_from_the_request_first() -> None:
    trace = Trace("r1", CATALOG["add_lead"])
    trace.app, trace.credential = "crm", "api-a"
    trace.request_ids = {"list_id": "101", "phone_number": "3125557006"}
    trace.reply_ids = {"list_id": "999", "lead_id": 5026, "campaign_id": ""}
    outcome = trace.end(200, "ok")
    assert (outcome.function, outcome.effect, outcome.app) == ("add_lead", "mutating", "crm")
    assert outcome.ids == {"list_id": "101", "lead_id": "5026"}
    assert outcome.total_seconds >= 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.outcome = "changed"  # type: ignore[misc]
    trace.upstream_calls.append(UpstreamUse("main", "api-a", "add_lead", "SUCCESS", 0.1))
    assert outcome.upstream_calls == ()  # what the trace learns later is not in it
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.audit_record().status = 500  # type: ignore[misc]


def test_one_record_writes_the_audit_line_and_every_metric_of_the_call(tmp_path: Path) -> None:
    metrics, audit = Metrics(), _audit(tmp_path)
    outcome = Outcome(
        request_id="r1",
        function="add_lead",
        effect="mutating",
        app="crm",
        status=200,
        outcome="client_timeout",
        total_seconds=0.25,
        result="SUCCESS",
        credential="api-a",
        upstream_seconds=0.125,
        params={"list_id": "101"},
        ids={"lead_id": "5026"},
        upstream_calls=(
            UpstreamUse("main", "api-a", "list_custom_fields", "SUCCESS"),  # a lookup
            UpstreamUse("main", "api-a", "add_lead", "SUCCESS", 0.125),
        ),
    )
    record(outcome, metrics, audit)
    audit.close()
    [line] = _lines(tmp_path)
    assert {k: line[k] for k in ("request_id", "app", "function", "outcome", "status")} == {
        "request_id": "r1",
        "app": "crm",
        "function": "add_lead",
        "outcome": "client_timeout",
        "status": 200,
    }
    assert (line["upstream_ms"], line["total_ms"], line["lead_id"]) == (125.0, 250.0, "5026")
    assert line["params"] == {"list_id": "101"}
    get = metrics.registry.get_sample_value
    app_fn = {"app": "crm", "function": "add_lead"}
    assert get("vicigw_requests_total", {**app_fn, "outcome": "client_timeout"}) == 1
    assert get("vicigw_client_timeouts_total", app_fn) == 1
    assert get("vicigw_request_duration_seconds_sum", app_fn) == 0.25
    own = {"upstream": "main", "credential": "api-a", "function": "add_lead"}
    lookup = {**own, "function": "list_custom_fields"}
    assert get("vicigw_upstream_requests_total", {**own, "result": "SUCCESS"}) == 1
    assert get("vicigw_upstream_requests_total", {**lookup, "result": "SUCCESS"}) == 1
    assert get("vicigw_upstream_duration_seconds_sum", own) == 0.125
    assert get("vicigw_upstream_duration_seconds_count", lookup) is None  # counted only


def test_a_call_refused_before_its_app_is_known_is_audited_but_not_counted(
    tmp_path: Path,
) -> None:
    metrics, audit = Metrics(), _audit(tmp_path)
    record(Trace("r2", None).end(401, "unauthorized"), metrics, audit)
    audit.close()
    [line] = _lines(tmp_path)
    assert (line["app"], line["function"], line["outcome"], line["status"]) == (
        None,
        None,
        "unauthorized",
        401,
    )
    counted = [
        s for m in metrics.registry.collect() if m.name == "vicigw_requests" for s in m.samples
    ]
    assert counted == []
