"""Step 6 of a call, without a server: the reply made from VICIdial's parsed answer or from a
stored outcome, and handed to the client's writer with its request id."""

from __future__ import annotations

import json

from aiohttp import web

from gateway.call.convert import read
from gateway.call.reply import Reply, answer, deliver, replayed
from gateway.catalog import CATALOG
from gateway.store import StoredResponse

from .call_parts import ADDED, DUPLICATE, upstream_reply


def _body(reply: Reply) -> dict[str, object]:
    response = reply.response
    assert isinstance(response, web.Response) and isinstance(response.body, bytes)
    body: dict[str, object] = json.loads(response.body)
    assert reply.body() == body
    return body


def test_a_success_is_its_json_with_the_request_id() -> None:
    spec = CATALOG["add_lead"]
    reply = answer(spec, read(spec, upstream_reply(ADDED), {}, "r1"), None, "r1")
    assert (reply.response.status, reply.outcome) == (200, "ok")
    body = _body(reply)
    assert (body["ok"], body["function"], body["request_id"]) == (True, "add_lead", "r1")
    assert body["data"] == {
        "phone_number": "3125557006",
        "list_id": "101",
        "lead_id": "5026",
        "gmt_offset": -6.0,
    }


def test_an_error_is_the_error_reply_and_its_type_the_outcome() -> None:
    spec = CATALOG["add_lead"]
    reply = answer(spec, read(spec, upstream_reply(DUPLICATE), {}, "r1"), None, "r1")
    assert (reply.response.status, reply.outcome) == (409, "conflict")
    body = _body(reply)
    assert body["ok"] is False and body["request_id"] == "r1"
    refused = read(spec, upstream_reply("", refusal="locked"), {}, "r2")
    locked = answer(spec, refused, 900, "r2")
    assert (locked.response.status, locked.outcome) == (503, "unavailable")
    assert locked.response.headers["Retry-After"] == "900"


def test_a_replay_is_the_stored_reply_marked_as_replayed() -> None:
    reply = replayed(StoredResponse(409, {"ok": False, "request_id": "first"}))
    assert (reply.response.status, reply.outcome) == (409, "replayed")
    assert reply.response.headers["Idempotent-Replayed"] == "true"
    assert _body(reply) == {"ok": False, "request_id": "first"}


async def test_a_reply_goes_out_with_its_request_id_within_the_write_timeout() -> None:
    sent: list[tuple[web.StreamResponse, float]] = []

    async def send(response: web.StreamResponse, timeout: float) -> bool:
        sent.append((response, timeout))
        return len(sent) == 1  # the second client does not take it

    first, second = web.json_response({}), web.json_response({})
    assert await deliver(send, first, "r1", 7.5) is True
    assert await deliver(send, second, "r2", 7.5) is False
    assert sent == [(first, 7.5), (second, 7.5)]
    assert (first.headers["X-Request-ID"], second.headers["X-Request-ID"]) == ("r1", "r2")
