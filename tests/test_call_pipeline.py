"""The whole call, without a server: every step in order on the process's real services, with
VICIdial scripted at the edge and the client as a writer that takes the reply or not. Whatever
ends the call, one Outcome is recorded: one audit line, the call's metrics once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from gateway.auth import mint_token
from gateway.call.pipeline import CallRequest, run
from gateway.errors import Forbidden, Unauthorized
from gateway.export import Buffered, Export
from gateway.services import Services

from .call_parts import ADDED, ScriptedUpstream, config, sample, scope, services, upstream_reply


class Client:
    """The client's side: the body it sent, and whether it takes the reply."""

    def __init__(self, body: Any = None, *, takes: bool = True) -> None:
        self.body, self.takes = body, takes
        self.sent: list[web.StreamResponse] = []

    async def read_body(self) -> Any:
        return {} if self.body is None else self.body

    async def send(self, response: web.StreamResponse, timeout: float) -> bool:
        self.sent.append(response)
        return self.takes

    async def export(self, *args: Any, **kwargs: Any) -> Export | Buffered:
        raise AssertionError("no export expected")


def _request(
    svc: Services, function: str, client: Client, *, app: str | None = "crm", key: str | None = None
) -> CallRequest:
    token = mint_token(svc.generations.current.config, app) if app else None
    return CallRequest(
        function=function,
        authorization=(f"Bearer {token}",) if token else (),
        idempotency_key=key,
        peer_cert=lambda: None,
        read_body=client.read_body,
        send=client.send,
        export=client.export,
    )


def _audit(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (tmp_path / "audit.log").read_text().splitlines()]


@pytest.fixture
async def edge() -> ScriptedUpstream:
    return ScriptedUpstream({"add_lead": upstream_reply(ADDED)})


@pytest.fixture
async def svc(tmp_path: Path, edge: ScriptedUpstream) -> Any:
    running = services(config(tmp_path), edge)
    yield running
    await running.close()


LEAD = {"phone_number": "3125557006", "list_id": "101"}


async def test_a_call_is_answered_and_recorded_once(
    svc: Services, edge: ScriptedUpstream, tmp_path: Path
) -> None:
    client = Client(LEAD)
    response = await run(scope(svc, "r1"), _request(svc, "add_lead", client))
    assert client.sent == [response] and response.status == 200
    assert response.headers["X-Request-ID"] == "r1"
    assert [(name, params["phone_number"]) for name, params, _ in edge.calls] == [
        ("add_lead", "3125557006")
    ]
    [line] = _audit(tmp_path)
    assert (line["outcome"], line["status"], line["app"], line["credential"]) == (
        "ok",
        200,
        "crm",
        "api-a",
    )
    assert (line["lead_id"], line["params"]["phone_number"]) == ("5026", "******7006")
    labels = {"upstream": "main", "credential": "api-a", "function": "add_lead"}
    assert sample(svc, "vicigw_upstream_requests_total", {**labels, "result": "SUCCESS"}) == 1
    assert sample(svc, "vicigw_upstream_duration_seconds_count", labels) == 1
    app_fn = {"app": "crm", "function": "add_lead"}
    assert sample(svc, "vicigw_requests_total", {**app_fn, "outcome": "ok"}) == 1


async def test_a_refusal_by_any_step_is_raised_and_recorded(
    svc: Services, edge: ScriptedUpstream, tmp_path: Path
) -> None:
    with pytest.raises(Unauthorized):
        await run(scope(svc, "r1"), _request(svc, "add_lead", Client(LEAD), app=None))
    with pytest.raises(Forbidden):
        await run(scope(svc, "r2"), _request(svc, "add_lead", Client(LEAD), app="reports"))
    assert edge.calls == []
    first, second = _audit(tmp_path)
    assert (first["request_id"], first["app"], first["outcome"], first["status"]) == (
        "r1",
        None,
        "unauthorized",
        401,
    )
    assert (second["request_id"], second["app"], second["outcome"], second["status"]) == (
        "r2",
        "reports",
        "forbidden",
        403,
    )
    fn = {"app": "reports", "function": "add_lead"}
    assert sample(svc, "vicigw_requests_total", {**fn, "outcome": "forbidden"}) == 1


async def test_a_client_that_does_not_take_the_reply_is_a_client_timeout(
    svc: Services, tmp_path: Path
) -> None:
    client = Client(LEAD, takes=False)
    await run(scope(svc), _request(svc, "add_lead", client))
    [line] = _audit(tmp_path)
    assert (line["outcome"], line["status"]) == ("client_timeout", 200)
    app_fn = {"app": "crm", "function": "add_lead"}
    assert sample(svc, "vicigw_client_timeouts_total", app_fn) == 1


async def test_an_idempotent_call_is_sent_once_and_replayed(
    svc: Services, edge: ScriptedUpstream, tmp_path: Path
) -> None:
    first = await run(scope(svc, "r1"), _request(svc, "add_lead", Client(LEAD), key="k-1"))
    again = await run(scope(svc, "r2"), _request(svc, "add_lead", Client(LEAD), key="k-1"))
    assert len(edge.calls) == 1
    assert again.headers["Idempotent-Replayed"] == "true"
    assert isinstance(first, web.Response) and isinstance(again, web.Response)
    assert again.body == first.body  # the first run's reply, its request id included
    assert [line["outcome"] for line in _audit(tmp_path)] == ["ok", "replayed"]
    labels = {"upstream": "main", "credential": "api-a", "function": "add_lead"}
    assert sample(svc, "vicigw_upstream_requests_total", {**labels, "result": "SUCCESS"}) == 1


async def test_an_error_reply_of_vicidial_is_its_error_and_outcome(
    svc: Services, edge: ScriptedUpstream, tmp_path: Path
) -> None:
    edge.replies["add_lead"] = upstream_reply("", refusal="locked", retry_after=900)
    client = Client(LEAD)
    response = await run(scope(svc), _request(svc, "add_lead", client))
    assert (response.status, response.headers["Retry-After"]) == (503, "900")
    [line] = _audit(tmp_path)
    assert (line["outcome"], line["status"], line["result"]) == ("unavailable", 503, "ERROR")
