"""The Python client (gateway.client) against a live gateway in front of the simulator: a read,
a write with an idempotency key, errors as exceptions, retries, and a streamed export; sync (the
servers in their own thread) and async (the ``gateway`` fixture)."""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from typing import Any

import pytest

from gateway.client import (
    ERRORS,
    AsyncClient,
    Client,
    Conflict,
    InvalidInput,
    NotFound,
    RateLimited,
    Retries,
    TransportError,
    Unauthorized,
    UpstreamTimeout,
)
from gateway.client.core import Rows, retry_wait
from gateway.openapi import tree

from .conftest import API_PASS, API_USER, Gateway, free_port
from .live import Live, live_gateway


def _rate_limited(doc: dict[str, Any]) -> None:
    doc["apps"]["reports"]["rate_limit"] = {"per_second": 1, "burst": 1}


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with live_gateway({API_USER: API_PASS}, _rate_limited) as running:
        yield running


def _client(live: Live, **kw: Any) -> Client:
    return Client(live.base_url, live.token(kw.pop("app", "crm")), **kw)


def test_every_error_type_of_the_gateway_has_its_exception() -> None:
    assert {cls.type for cls in tree()} == set(ERRORS)


def test_a_read(live: Live) -> None:
    with _client(live) as gw:
        reply = gw.call("campaigns_list")
        again = gw.call("campaigns_list")  # the same kept-alive connection
    assert reply.result == "SUCCESS" and reply.request_id and not reply.replayed
    assert {row["campaign_id"] for row in reply.data} >= {"TESTCAMP"}
    assert again.data == reply.data


def test_a_write_with_an_idempotency_key_is_replayed(live: Live) -> None:
    with _client(live) as gw:
        first = gw.call("add_lead", "key-client-1", phone_number="3125557301", list_id="101")
        second = gw.call("add_lead", "key-client-1", phone_number="3125557301", list_id="101")
    assert first.result == "SUCCESS" and not first.replayed
    assert second.replayed and second.data == first.data
    leads = [lead for lead in live.sim.state.leads.values() if lead.phone_number == "3125557301"]
    assert len(leads) == 1  # sent to VICIdial once


def test_auto_idempotency_gives_each_mutating_call_a_new_key(live: Live) -> None:
    with _client(live, auto_idempotency=True) as gw:
        first = gw.call("add_lead", phone_number="3125557302", list_id="101")
        second = gw.call("add_lead", phone_number="3125557302", list_id="101")
    assert not first.replayed and not second.replayed
    assert first.data["lead_id"] != second.data["lead_id"]  # two leads, as asked


def test_errors_are_their_exceptions(live: Live) -> None:
    with _client(live) as gw:
        with pytest.raises(NotFound) as not_found:
            gw.call("lead_all_info", lead_id=987654)
        assert not_found.value.status == 404 and not_found.value.request_id
        with pytest.raises(InvalidInput):
            gw.call("add_lead", phone_number="", list_id="101")

        async def archive() -> None:
            state = live.sim.state
            state.archived_leads[5002] = state.leads[5002]

        live.run(archive())
        with pytest.raises(Conflict) as conflict:
            gw.call("lead_dearchive", lead_id=5002)
        assert conflict.value.lead_id == "5002" and conflict.value.status == 409
    with Client(live.base_url, "not-a-token") as bad, pytest.raises(Unauthorized):
        bad.call("version")


def test_429_with_retry_after_is_raised_or_waited_for(live: Live) -> None:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    with _client(live, app="reports", retries=Retries(attempts=0)) as gw:
        gw.call("campaigns_list")
        with pytest.raises(RateLimited) as limited:
            gw.call("campaigns_list")
        assert limited.value.retry_after is not None and limited.value.retry_after >= 1
    with _client(live, app="reports", sleep=sleep) as gw:
        reply = gw.call("campaigns_list")  # refused, waited for, then served
    assert reply.result == "SUCCESS" and waits and waits[0] >= 1


def test_only_read_only_calls_are_retried_after_a_failed_connection() -> None:
    waits: list[float] = []
    url = f"http://127.0.0.1:{free_port()}"
    with Client(url, "t", sleep=waits.append, retries=Retries(attempts=2, backoff=0.01)) as gw:
        with pytest.raises(TransportError):
            gw.call("version")
        assert waits == [0.01, 0.02]  # two more tries
        waits.clear()
        with pytest.raises(TransportError):
            gw.call("add_lead", "k1", phone_number="3125557303", list_id="101")
        assert waits == []  # a write is never sent again


def test_a_streamed_export_is_an_iterator_of_rows(live: Live) -> None:
    async def calls() -> None:
        live.sim.state.reports.add_synthetic_did_calls(40, day="2024-07-03", did="3125551002")

    live.run(calls())
    with _client(live) as gw:
        rows = list(gw.stream("did_log_export", phone_number="3125551002", date="2024-07-03"))
        assert len(rows) == 40 and rows[0]["did_number"] == "3125551002"
        with pytest.raises(NotFound):
            list(gw.stream("did_log_export", phone_number="3125551002", date="2024-07-09"))
        # a stream left early closes its connection; the next call opens a new one
        first = next(gw.stream("did_log_export", phone_number="3125551002", date="2024-07-03"))
        assert first == rows[0]
        assert gw.call("version").result == "SUCCESS"


async def test_the_async_client(gateway: Gateway) -> None:
    gateway.sim.state.reports.add_synthetic_did_calls(30, day="2024-07-04", did="3125551003")
    async with AsyncClient(gateway.base_url, gateway.token(), auto_idempotency=True) as gw:
        reply = await gw.call("campaigns_list")
        assert reply.result == "SUCCESS" and reply.data
        write = await gw.call("add_lead", "key-async-1", phone_number="3125557304", list_id="101")
        again = await gw.call("add_lead", "key-async-1", phone_number="3125557304", list_id="101")
        assert again.replayed and again.data == write.data
        with pytest.raises(NotFound):
            await gw.call("lead_all_info", lead_id=987654)
        rows = [
            row
            async for row in gw.stream(
                "did_log_export", phone_number="3125551003", date="2024-07-04"
            )
        ]
        assert len(rows) == 30
    async with AsyncClient(gateway.base_url, "bad") as gw:
        with pytest.raises(Unauthorized):
            await gw.call("version")


def test_https_with_a_ca(live: Live) -> None:
    """The sync client verifies TLS with the given context (here: against the simulator's CA,
    which is no gateway: any answer proves the handshake, a wrong CA fails it)."""
    context = ssl.create_default_context(cafile=str(live.sim.ca_file))
    with Client(live.sim.base_url, "t", ssl_context=context, retries=Retries(attempts=0)) as sim:
        with pytest.raises(Exception) as answer:
            sim.call("version")
        assert not isinstance(answer.value, TransportError)
    untrusting = Client(live.sim.base_url, "t", retries=Retries(attempts=0))
    with untrusting as sim, pytest.raises(TransportError):
        sim.call("version")  # the system trust store does not know the test CA


def test_a_stream_without_its_trailer_or_with_a_failed_one_raises() -> None:
    rows = Rows("did_log_export")
    assert list(rows.feed(b'{"did_number": "1"}\n')) == [{"did_number": "1"}]
    with pytest.raises(TransportError):
        rows.end()  # cut off: no trailer
    failed = Rows("did_log_export")
    trailer = (
        b'{"trailer": {"ok": false, "function": "did_log_export", "rows": 1, "notices": [],'
        b' "request_id": "r1", "error": {"type": "upstream_timeout", "message": "late",'
        b' "details": {"rows_sent": 1}}}}\n'
    )
    with pytest.raises(UpstreamTimeout) as late:
        list(failed.feed(trailer))
    assert late.value.details == {"rows_sent": 1} and late.value.request_id == "r1"


@pytest.mark.parametrize(
    ("function", "status", "retry_after", "wait"),
    [
        ("add_lead", 429, 2.0, 2.0),  # refused before VICIdial: any function
        ("add_lead", 503, 1.0, 1.0),
        ("add_lead", 503, None, None),  # no Retry-After: a write is not sent again
        ("add_lead", None, None, None),  # failed connection: it may have been sent
        ("add_lead", 502, None, None),
        ("version", None, None, 0.2),
        ("version", 504, None, 0.2),
        ("version", 429, 60.0, None),  # longer than max_wait: raised
        ("version", 404, None, None),
        ("no_such_function", None, None, None),  # unknown: treated as a write
    ],
)
def test_when_a_call_is_sent_again(
    function: str, status: int | None, retry_after: float | None, wait: float | None
) -> None:
    assert retry_wait(function, status, retry_after, 0, Retries()) == wait
    assert retry_wait(function, status, retry_after, 2, Retries()) is None  # attempts used up
