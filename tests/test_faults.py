"""The fault suite: a VICIdial that is slow, hangs, breaks, lies or is gone.

Each case runs a real gateway (in this process) against the simulator's fault modes
(``gateway/sim/faults.py``) and checks the exact JSON status and ``error.type``, and, from the
simulator's request log, how often the gateway really called: a read-only call is retried at
most twice (3 requests) and only after a transport failure or a web-server 5xx page; a mutating
call (``add_lead``) is never sent twice, and is re-sent only when no connection was made.

Expected statuses follow the README's error table: VICIdial unreachable or an unrecognised reply
is 502 ``upstream_error``, a timeout 504 ``upstream_timeout``, a lock of the gateway's login
503 ``unavailable`` with ``Retry-After: 900``; the breaker being open is 503 ``unavailable``
with ``Retry-After`` (ARCHITECTURE.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import io
import json
import os
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.config_load import parse_config
from gateway.refusal import PROBE_FUNCTION
from gateway.sim import (
    Faults,
    ManualClock,
    RunningSim,
    SimState,
    make_server_tls,
    start_simulator,
)

from .conftest import API_PASS, API_USER, Gateway, config_dict, start_gateway, without_request_ids

READ = ("campaigns_list", {})
WRITE = ("add_lead", {"phone_number": "3125558001", "list_id": "101"})


# --- helpers ------------------------------------------------------------------------------


async def _close_sim(sim: RunningSim) -> None:
    await sim.close()


@pytest.fixture
async def fsim() -> AsyncIterator[RunningSim]:
    """A simulator like conftest's ``sim`` that closes quickly even after ``hang`` faults."""
    state = SimState.seeded(api_users={API_USER: API_PASS})
    running = await start_simulator("127.0.0.1", 0, state=state)
    try:
        yield running
    finally:
        await _close_sim(running)


def make_doc(sim: RunningSim, **upstream: Any) -> dict[str, Any]:
    """Short timeouts and backoff; the breaker out of the way unless a test wants it."""
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"].update(
        {"timeout": "0.5s", "retry_backoff": "10ms", "breaker_failures": 1000, **upstream}
    )
    return doc


@asynccontextmanager
async def running(
    sim: RunningSim, doc: dict[str, Any], *, warm: bool = True, timer: ManualClock | None = None
) -> AsyncIterator[Gateway]:
    """A gateway for ``doc``; with ``warm`` one fault-free call verifies the credential first
    (later calls would otherwise queue behind the first one) and the simulator's log is cleared.
    ``timer``: the clock of the gateway's breakers (and memory store).
    """
    cfg = parse_config(doc)
    runner, base = await start_gateway(cfg, **({"timer": timer} if timer is not None else {}))
    try:
        async with aiohttp.ClientSession() as session:
            gw = Gateway(base, cfg, sim, session, io.StringIO())
            if warm:
                faults, sim.state.faults = sim.state.faults, None
                status, body, _ = await gw.call("list_info", {"list_id": "101"}, app="reports")
                assert status == 200, body
                sim.state.faults = faults
                sim.state.clear_log()
            yield gw
    finally:
        await runner.cleanup()


async def metric(gw: Gateway, name: str, **labels: str) -> float:
    async with gw.session.get(f"{gw.base_url}/metrics") as r:
        assert r.status == 200
        text = await r.text()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def leads_with(sim: RunningSim, phone: str) -> int:
    return len(sim.state.find_leads(lambda lead: lead.phone_number == phone))


def assert_error(status: int, body: dict[str, Any], headers: Any, code: int, kind: str) -> None:
    assert status == code, body
    assert headers["Content-Type"].startswith("application/json")  # never an HTML page
    assert body["ok"] is False and body["result"] == "ERROR"
    assert body["error"]["type"] == kind
    assert body["error"]["details"] == {}
    assert body["request_id"] == headers["X-Request-ID"]


# --- each fault mode, read and write ------------------------------------------------------


def case(
    mode: str,
    delay: float,
    kind: str,
    code: int,
    etype: str | None,
    message: str | None,
    requests: int,
    ran: bool,
    *marks: pytest.MarkDecorator,
) -> Any:
    """One fault case: what the caller gets, how many requests VICIdial saw, whether the
    function ran there (a lead was added)."""
    name = f"{mode}{'-over' if delay > 0.5 else ''}-{kind}"
    return pytest.param(
        mode, delay, kind, code, etype, message, requests, ran, id=name, marks=marks
    )


TIMEOUT = "did not answer within 0.5 s"
UNRECOGNISED = "VICIdial sent a reply the gateway does not recognise"
CASES = [
    case("slow", 0.1, "read", 200, None, None, 1, True),
    case("slow", 0.1, "write", 200, None, None, 1, True),
    case("slow", 0.8, "read", 504, "upstream_timeout", TIMEOUT, 3, True),
    case("slow", 0.8, "write", 504, "upstream_timeout", TIMEOUT, 1, True),
    case("hang", 0.0, "read", 504, "upstream_timeout", TIMEOUT, 3, True),
    case("hang", 0.0, "write", 504, "upstream_timeout", TIMEOUT, 1, True),
    case("http500", 0.0, "read", 502, "upstream_error", "VICIdial answered HTTP 500", 3, False),
    case("http500", 0.0, "write", 502, "upstream_error", "VICIdial answered HTTP 500", 1, False),
    case("html", 0.0, "read", 502, "upstream_error", "VICIdial answered HTTP 503", 3, False),
    case("html", 0.0, "write", 502, "upstream_error", "VICIdial answered HTTP 503", 1, False),
    case("garbage", 0.0, "read", 502, "upstream_error", UNRECOGNISED, 1, False),
    case("garbage", 0.0, "write", 502, "upstream_error", UNRECOGNISED, 1, False),
    case("truncate", 0.0, "read", 502, "upstream_error", UNRECOGNISED, 1, True),
    case("truncate", 0.0, "write", 502, "upstream_error", UNRECOGNISED, 1, True),
    case(
        "reset",
        0.0,
        "read",
        502,
        "upstream_error",
        "the connection to VICIdial failed during the call",
        3,
        True,
    ),
    # A write cut mid-reply is answered 502 whatever the wording (today: "does not recognise",
    # once the read is fixed: "failed during the call"); it is never sent again.
    case("reset", 0.0, "write", 502, "upstream_error", None, 1, True),
]


@pytest.mark.parametrize(
    ("mode", "delay", "kind", "code", "etype", "message", "requests", "ran"), CASES
)
async def test_fault_mode(
    fsim: RunningSim,
    mode: str,
    delay: float,
    kind: str,
    code: int,
    etype: str | None,
    message: str | None,
    requests: int,
    ran: bool,
) -> None:
    function, body = READ if kind == "read" else WRITE
    async with running(fsim, make_doc(fsim)) as gw:
        fsim.state.faults = Faults(mode, delay=delay)  # type: ignore[arg-type]
        status, reply, headers = await gw.call(function, body)
        if etype is None:
            assert status == code == 200, reply
            assert reply["ok"] is True
        else:
            assert_error(status, reply, headers, code, etype)
            assert reply["function"] == function
            if message is not None:
                assert message in reply["error"]["message"]
                if message != TIMEOUT:
                    assert reply["error"]["message"] == message
        # Read-only: at most 2 retries; a write: exactly one request, whatever happened.
        assert fsim.state.hits(function) == requests
        assert len(fsim.state.requests) == requests  # no other request (no login probe etc.)
        if kind == "write":
            assert leads_with(fsim, WRITE[1]["phone_number"]) == (1 if ran else 0)


async def test_reply_larger_than_one_chunk_is_read_whole(fsim: RunningSim) -> None:
    """Not a fault, but the same read: a long reply must arrive whole."""
    template = next(iter(fsim.state.campaigns.values()))
    for i in range(2000):
        cid = f"C{i:05d}"
        fsim.state.campaigns[cid] = dataclasses.replace(
            template, campaign_id=cid, campaign_name=f"Campaign {i} with a longer name"
        )
    async with running(fsim, make_doc(fsim)) as gw:
        status, body, _ = await gw.call("campaigns_list")
    assert status == 200, body
    assert len(body["data"]) == len(fsim.state.campaigns)
    assert fsim.state.hits("campaigns_list") == 1


# --- VICIdial gone, or not the VICIdial we trust ------------------------------------------


async def test_connection_refused_is_502_and_only_unsent_writes_are_resent(
    tmp_path: Path,
) -> None:
    gone = await start_simulator("127.0.0.1", 0, state=SimState.seeded({API_USER: API_PASS}))
    await gone.close()  # the simulator is stopped: nothing listens on its port any more
    doc = make_doc(gone, breaker_failures=3, breaker_open_for="30s")
    doc["upstreams"]["main"]["ca_file"] = str(make_server_tls().write_ca(tmp_path / "ca.pem"))
    async with running(gone, doc, warm=False) as gw:
        status, body, headers = await gw.call(*WRITE)
        # README: "VICIdial unreachable" is 502 upstream_error.
        assert_error(status, body, headers, 502, "upstream_error")
        assert body["error"]["message"] == "could not reach VICIdial"
        # Nothing was sent, so add_lead was tried 1 + retries (2) times: that is 3 transport
        # failures in a row, exactly enough to open the breaker (breaker_failures: 3).
        assert await metric(gw, "vicigw_circuit_open", upstream="main") == 1
        status, body, headers = await gw.call(*READ)
        assert_error(status, body, headers, 503, "unavailable")
        assert "circuit breaker open" in body["error"]["message"]
        assert 1 <= int(headers["Retry-After"]) <= 31


class DropAfterRequest:
    """A TLS server (the simulator's kind of certificate) that reads a whole request and then
    closes the connection without answering: the request may have been acted on."""

    def __init__(self) -> None:
        self.tls = make_server_tls()
        self.connections = 0
        self.requests = 0
        self.server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            found = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            await reader.readexactly(int(found.group(1)) if found else 0)
            self.requests += 1
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.transport.abort()

    async def __aenter__(self) -> DropAfterRequest:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.tls.context)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])


async def test_connection_dropped_after_the_request_write_not_resent_read_retried(
    fsim: RunningSim, tmp_path: Path
) -> None:
    async with DropAfterRequest() as dropper:
        doc = make_doc(fsim)
        doc["upstreams"]["main"]["base_url"] = f"https://127.0.0.1:{dropper.port}"
        doc["upstreams"]["main"]["ca_file"] = str(dropper.tls.write_ca(tmp_path / "ca.pem"))
        async with running(fsim, doc, warm=False) as gw:
            status, body, headers = await gw.call(*WRITE)
            assert_error(status, body, headers, 502, "upstream_error")
            assert body["error"]["message"] == "the connection to VICIdial failed during the call"
            assert (dropper.connections, dropper.requests) == (1, 1)  # never sent twice
            status, body, headers = await gw.call(*READ)
            assert_error(status, body, headers, 502, "upstream_error")
            assert (dropper.connections, dropper.requests) == (4, 4)  # read: 1 + 2 retries


class SilentServer:
    """Accepts TCP connections and never says a word (no TLS handshake): a VICIdial whose web
    server is wedged before any request can be written."""

    def __init__(self) -> None:
        self.connections = 0
        self.server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        with contextlib.suppress(ConnectionError):
            await reader.read()  # until the client gives up

    async def __aenter__(self) -> SilentServer:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self._writers:
            writer.transport.abort()
        await self.server.wait_closed()

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])


async def test_connect_timeout_nothing_sent_so_even_a_write_is_tried_again(
    fsim: RunningSim, tmp_path: Path
) -> None:
    async with SilentServer() as silent:
        doc = make_doc(fsim, connect_timeout="0.2s", timeout="5s")
        doc["upstreams"]["main"]["base_url"] = f"https://127.0.0.1:{silent.port}"
        async with running(fsim, doc, warm=False) as gw:
            status, body, headers = await gw.call(*WRITE)
            assert_error(status, body, headers, 502, "upstream_error")
            assert body["error"]["message"] == "could not connect to VICIdial in time"
            # No request could be written (no TLS session): add_lead was tried 1 + 2 times,
            # each given up after connect_timeout, not after the 5 s call timeout.
            assert silent.connections == 3


async def test_class_timeouts_override_the_call_timeout(fsim: RunningSim) -> None:
    doc = make_doc(fsim, timeout="0.3s", class_timeouts={"write": "2s"})
    async with running(fsim, doc) as gw:
        fsim.state.faults = Faults("slow", delay=0.6)
        status, body, _ = await gw.call(*WRITE)  # a write may take 2 s
        assert status == 200, body
        status, body, headers = await gw.call(*READ)  # a read only 0.3 s
        assert_error(status, body, headers, 504, "upstream_timeout")
        assert body["error"]["message"] == "VICIdial did not answer within 0.3 s"
        assert fsim.state.hits("add_lead") == 1 and fsim.state.hits("campaigns_list") == 3


async def test_tls_handshake_failure_is_502_and_nothing_reaches_vicidial(
    fsim: RunningSim, tmp_path: Path
) -> None:
    doc = make_doc(fsim, breaker_failures=2)
    # A CA that did not sign the simulator's certificate.
    doc["upstreams"]["main"]["ca_file"] = str(make_server_tls().write_ca(tmp_path / "other.pem"))
    async with running(fsim, doc, warm=False) as gw:
        for function, body in (READ, WRITE, READ):
            status, reply, headers = await gw.call(function, body)
            assert_error(status, reply, headers, 502, "upstream_error")
            assert reply["error"]["message"] == "TLS verification of VICIdial failed"
        assert fsim.state.requests == []  # no request (and no credential) was ever sent
        assert fsim.state.login_attempts(API_USER) == 0
        # Not a transport failure of a VICIdial that is down: the breaker stays closed.
        assert await metric(gw, "vicigw_circuit_open", upstream="main") == 0


async def test_vicidial_lock_is_503_retry_after_900_and_costs_a_login_and_its_probe(
    fsim: RunningSim,
) -> None:
    async with running(fsim, make_doc(fsim)) as gw:
        user = fsim.state.users[API_USER]
        user.failed_login_count, user.last_login_date = 10, time.time()  # locked 15 minutes
        status, body, headers = await gw.call(*READ)
        assert status == 503, body
        assert body["error"]["type"] == "unavailable"
        assert headers["Retry-After"] == "900"
        assert body["error"]["message"] == (
            "VICIdial has locked the gateway's login after too many failed attempts"
        )
        assert API_USER not in without_request_ids(json.dumps(body))
        assert API_PASS not in str(body)
        # The lock line carries no password, so a probe (a login that runs no function, whose
        # reply can hold no stored data) confirmed it; a locked login is not counted by VICIdial.
        assert fsim.state.login_attempts(API_USER) == 2
        assert fsim.state.hits(PROBE_FUNCTION) == 1
        assert user.failed_login_count == 10
        # Out of service now: later calls, reads and writes, are answered without a login.
        for function, params in (READ, WRITE):
            status, body, headers = await gw.call(function, params)
            assert (status, body["error"]["type"]) == (503, "unavailable"), body
            assert 890 <= int(headers["Retry-After"]) <= 901
        assert fsim.state.login_attempts(API_USER) == 2
        assert fsim.state.hits("add_lead") == 0
        assert (
            await metric(gw, "vicigw_credential_healthy", upstream="main", credential="api-a") == 0
        )


# --- the circuit breaker ------------------------------------------------------------------


async def test_breaker_opens_answers_fast_then_closes_after_a_version_probe(
    fsim: RunningSim,
) -> None:
    doc = make_doc(fsim, timeout="0.3s", retries=0, breaker_failures=3, breaker_open_for="0.6s")
    timer = ManualClock(1000.0)
    async with running(fsim, doc, timer=timer) as gw:
        fsim.state.faults = Faults("hang")
        for _ in range(3):
            status, body, headers = await gw.call(*READ)
            assert_error(status, body, headers, 504, "upstream_timeout")
        assert fsim.state.hits() == 3
        assert await metric(gw, "vicigw_circuit_open", upstream="main") == 1
        # Open: refused at once, nothing sent.
        for function, params in (READ, WRITE):
            status, body, headers = await gw.call(function, params)
            assert_error(status, body, headers, 503, "unavailable")
            assert "circuit breaker open" in body["error"]["message"]
            assert headers["Retry-After"] == "1"
        assert fsim.state.hits() == 3
        # Half-open, VICIdial still hanging: the version probe fails, the breaker stays open.
        timer.advance(0.7)
        status, body, headers = await gw.call(*READ)
        assert_error(status, body, headers, 503, "unavailable")
        assert [r.function for r in fsim.state.requests[3:]] == ["version"]
        assert await metric(gw, "vicigw_circuit_open", upstream="main") == 1
        # VICIdial is back: the next call after the period probes with version, then goes on.
        fsim.state.faults = None
        timer.advance(0.7)
        status, body, _ = await gw.call(*READ)
        assert status == 200, body
        probe, call = fsim.state.requests[4:]
        assert (probe.function, call.function) == ("version", "campaigns_list")
        assert "user" not in probe.body_names and "pass" not in probe.body_names  # no login
        assert await metric(gw, "vicigw_circuit_open", upstream="main") == 0
        status, body, _ = await gw.call(*WRITE)
        assert status == 200, body
        assert fsim.state.hits("version") == 2


async def test_vicidial_answers_do_not_open_the_breaker(fsim: RunningSim) -> None:
    """HTTP 500 pages and garbage are answers (the server is up), not transport failures."""
    async with running(fsim, make_doc(fsim, breaker_failures=2)) as gw:
        for mode in ("http500", "garbage", "html", "http500"):
            fsim.state.faults = Faults(mode)  # type: ignore[arg-type]
            status, body, _ = await gw.call(*WRITE)
            assert (status, body["error"]["type"]) == (502, "upstream_error")
        assert await metric(gw, "vicigw_circuit_open", upstream="main") == 0
        fsim.state.faults = None
        assert (await gw.call(*READ))[0] == 200


# --- no leaks, and the rest keeps working -------------------------------------------------


def _fds() -> int:
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


async def test_no_connection_or_fd_leak_after_a_burst_of_faults(fsim: RunningSim) -> None:
    max_concurrency = 2
    doc = make_doc(fsim, timeout="0.2s", max_concurrency=max_concurrency, queue_timeout="5s")
    cfg = parse_config(doc)
    initial = _fds()
    runner, base = await start_gateway(cfg)
    try:

        async def burst(modes: list[str]) -> list[int]:
            statuses = []
            async with aiohttp.ClientSession() as session:
                gw = Gateway(base, cfg, fsim, session, io.StringIO())
                for mode in modes:
                    fault = Faults(mode, delay=0.4) if mode else None  # type: ignore[arg-type]
                    fsim.state.faults = fault
                    calls = [gw.call(*READ), gw.call(*WRITE)] * 2
                    statuses += [r[0] for r in await asyncio.gather(*calls)]
            fsim.state.faults = None
            await asyncio.sleep(0.2)  # let the closed sockets go
            return statuses

        assert set(await burst([""])) == {200}  # warm: the pool's connections exist
        before = _fds()
        modes = ["hang", "slow", "reset", "truncate", "http500", "html", "garbage"]
        statuses = await burst(modes)
        assert len(statuses) == 4 * len(modes) and 200 not in statuses
        assert set(await burst([""])) == {200}  # still serving
        after = _fds()
        # The only fds allowed to differ: idle keep-alive connections of the upstream pool
        # (at most max_concurrency, each one socket at the gateway and one at the simulator).
        assert after - before <= 2 * max_concurrency, (before, after)
    finally:
        await runner.cleanup()
    await asyncio.sleep(0.1)
    # Stopped, the gateway holds nothing at all: its listener and every pooled connection
    # (and the simulator's ends of them) are closed.
    assert _fds() == initial


async def test_other_apps_and_functions_keep_working_while_one_function_hangs(
    fsim: RunningSim,
) -> None:
    async with running(fsim, make_doc(fsim, timeout="0.5s")) as gw:
        fsim.state.faults = Faults("hang", functions=frozenset({"lead_search"}))
        hanging = [
            asyncio.create_task(gw.call("lead_search", {"phone_number": "3125550000"}))
            for _ in range(3)
        ]
        served = 0
        started = time.monotonic()
        while not all(t.done() for t in hanging) and time.monotonic() - started < 5:
            status, body, _ = await gw.call("campaigns_list", app="reports")
            assert status == 200, body
            status, body, _ = await gw.call(*WRITE if served == 0 else READ)
            assert status == 200, body
            if served == 0:
                # Served while every hanging call was still waiting on VICIdial.
                assert not any(t.done() for t in hanging)
            served += 1
            await asyncio.sleep(0.05)
        for status, body, _ in await asyncio.gather(*hanging):
            assert (status, body["error"]["type"]) == (504, "upstream_timeout")
        assert served >= 1
        assert fsim.state.hits("lead_search") == 9  # 3 calls, each retried twice
        # Answers in between reset the breaker's count: it never opened for the others.
        assert await metric(gw, "vicigw_circuit_open", upstream="main") == 0


async def test_simulator_does_not_keep_hung_requests_after_the_client_left(
    fsim: RunningSim,
) -> None:
    async with running(fsim, make_doc(fsim, timeout="0.2s", retries=0)) as gw:
        fsim.state.faults = Faults("hang")
        status, _, _ = await gw.call(*READ)
        assert status == 504
    await asyncio.sleep(0.2)  # the gateway is stopped: its connections are closed
    assert fsim._runner.server is not None
    assert fsim._runner.server.connections == []  # else close() waits for them for 60 s
