"""Clients that never read: their writes have a deadline, and they cannot hold slots.

A raw client socket with a tiny receive buffer sends a request and then reads nothing, so the
gateway's writes to it stall as soon as the kernel buffers between them are full (a few MB on
loopback; the replies below are larger). Everything runs over real sockets against the
simulator; the assertions are about order and outcomes, not durations.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from gateway.config_load import parse_config
from gateway.errors import ConfigError
from gateway.sim import Faults, RunningSim

from .conftest import Gateway, config_dict
from .test_limits import make_doc, metric, running

DID = "3125551001"
DAY = "2024-07-02"
EXPORT = {"phone_number": DID, "date": DAY}


async def tiny_window_socket(gw: Gateway) -> tuple[socket.socket, str]:
    """A non-blocking socket connected to the gateway with a tiny receive window, and the host
    to name in requests."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
    sock.setblocking(False)
    url = urlsplit(gw.base_url)
    assert url.hostname is not None and url.port is not None
    await asyncio.get_running_loop().sock_connect(sock, (url.hostname, url.port))
    return sock, url.hostname


async def stalled_request(
    gw: Gateway, function: str, body: dict[str, Any], *, app: str = "crm", ndjson: bool = False
) -> socket.socket:
    """Send one request on a socket with a tiny receive window, and do not read the reply."""
    sock, host = await tiny_window_socket(gw)
    loop = asyncio.get_running_loop()
    payload = json.dumps(body).encode()
    head = (
        f"POST /v1/non-agent/{function} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {gw.token(app)}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n"
        + ("Accept: application/x-ndjson\r\n" if ndjson else "")
        + "\r\n"
    )
    await loop.sock_sendall(sock, head.encode() + payload)
    return sock


async def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the gateway still lets through, up to the end of the connection.

    Fails (TimeoutError) if the gateway keeps the connection open: a kept-alive connection
    would answer nothing more and stay open for the keep-alive timeout (15 s), well past the
    bound here.
    """
    loop = asyncio.get_running_loop()
    data = bytearray()
    try:
        async with asyncio.timeout(12):
            while chunk := await loop.sock_recv(sock, 1 << 20):
                data += chunk
    except ConnectionResetError:
        pass  # reset by the gateway: also closed
    finally:
        sock.close()
    return bytes(data)


async def eventually(check: Callable[[], Any], within: float = 20.0) -> None:
    async with asyncio.timeout(within):
        while not await check():
            await asyncio.sleep(0.05)


def audit_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_export_to_a_client_that_never_reads_is_cut_at_its_class_timeout(
    sim: RunningSim, tmp_path: Path
) -> None:
    sim.state.reports.add_synthetic_did_calls(100_000, day=DAY, did=DID)  # about 11 MB of JSON
    doc = make_doc(
        sim, class_timeouts={"export": "2s"}, class_concurrency={"export": 1}, queue_timeout="8s"
    )
    doc["apps"]["reports"]["functions"].append("did_log_export")
    doc["audit"] = {"file": str(tmp_path / "audit.log")}
    async with running(sim, doc) as gw:
        sock = await stalled_request(gw, "did_log_export", EXPORT, ndjson=True)

        async def export_started() -> bool:
            return sim.state.hits("did_log_export") == 1

        await eventually(export_started)
        # Another app's export needs the only export slot, held by the stalled one. It waits
        # (queue_timeout 8 s) and gets the slot once the stalled export's 2 s are over.
        status, body, _ = await gw.call(
            "did_log_export", {"phone_number": "3125551000", "date": "2024-06-03"}, app="reports"
        )
        assert status == 200, body
        assert body["ok"] is True and body["data"]
        # The stalled export ended (cut) before the other app's export was answered.
        records = audit_records(tmp_path / "audit.log")
        exports = [r for r in records if r["function"] == "did_log_export"]
        assert [(r["app"], r["outcome"]) for r in exports] == [
            ("crm", "client_timeout"),
            ("reports", "ok"),
        ]
        cut = exports[0]
        assert cut["status"] == 200  # the rows had started: the status line was already sent
        assert isinstance(cut["rows"], int) and 0 < cut["rows"] < 100_000
        assert (
            await metric(gw, "vicigw_client_timeouts_total", app="crm", function="did_log_export")
            == 1
        )
        assert (
            await metric(
                gw,
                "vicigw_requests_total",
                app="crm",
                function="did_log_export",
                outcome="client_timeout",
            )
            == 1
        )
        # The gateway closed the connection: the stream ends without its trailer line and
        # without the chunked encoding's last chunk, so the client can tell it was cut.
        data = await read_until_closed(sock)
        assert b'"trailer"' not in data
        assert not data.endswith(b"0\r\n\r\n")
        assert sim.state.hits("did_log_export") == 2


async def test_buffered_reply_to_a_client_that_never_reads_is_cut_at_write_timeout(
    sim: RunningSim, tmp_path: Path
) -> None:
    template = sim.state.campaigns["TESTCAMP"]
    for i in range(40_000):  # campaigns_list: about 8 MB of JSON, read whole
        cid = f"C{i:07d}"
        sim.state.campaigns[cid] = dataclasses.replace(
            template, campaign_id=cid, campaign_name=f"Synthetic campaign number {i:07d}"
        )
    doc = make_doc(sim)
    doc["server"]["write_timeout"] = "1s"
    doc["audit"] = {"file": str(tmp_path / "audit.log")}
    async with running(sim, doc) as gw:
        sock = await stalled_request(gw, "campaigns_list", {})

        async def cut() -> bool:
            labels = {"app": "crm", "function": "campaigns_list"}
            return await metric(gw, "vicigw_client_timeouts_total", **labels) == 1

        await eventually(cut)
        record = audit_records(tmp_path / "audit.log")[-1]
        assert (record["function"], record["outcome"]) == ("campaigns_list", "client_timeout")
        data = await read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 200")
        length = int(data.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        assert len(data.split(b"\r\n\r\n", 1)[1]) < length  # cut short
        # The gateway answers others as before.
        status, body, _ = await gw.call("version")
        assert status == 200, body


def test_write_timeout_setting() -> None:
    assert parse_config(config_dict()).server.write_timeout == 30.0
    doc = config_dict()
    doc["server"]["write_timeout"] = "5s"
    assert parse_config(doc).server.write_timeout == 5.0
    doc["server"]["write_timeout"] = 0
    with pytest.raises(ConfigError) as info:
        parse_config(doc)
    assert any(e.startswith("server.write_timeout") for e in info.value.errors)


async def test_export_vicidial_stops_sending_ends_with_an_error_at_its_class_timeout(
    sim: RunningSim,
) -> None:
    """The same deadline bounds the VICIdial side: the rows already sent are closed with an
    error trailer, and the slot is free again."""
    sim.state.reports.add_synthetic_did_calls(1_000, day=DAY, did=DID)
    doc = make_doc(sim, class_timeouts={"export": "1s"}, class_concurrency={"export": 1})
    async with running(sim, doc) as gw:
        sim.state.faults = Faults("stall", functions=frozenset({"did_log_export"}), remaining=1)
        async with gw.session.post(
            f"{gw.base_url}/v1/non-agent/did_log_export",
            json=EXPORT,
            headers={"Authorization": f"Bearer {gw.token()}", "Accept": "application/x-ndjson"},
        ) as resp:
            assert resp.status == 200
            lines = (await resp.text()).splitlines()
        trailer = json.loads(lines[-1])["trailer"]
        assert trailer["ok"] is False and trailer["error"]["type"] == "upstream_timeout"
        assert 0 < trailer["rows"] == len(lines) - 1 < 1_000
        status, body, _ = await gw.call("did_log_export", EXPORT)  # the slot is free
        assert status == 200 and len(body["data"]) == 1_000


async def test_any_reply_not_taken_within_write_timeout_cuts_the_connection(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    """Not only calls: here a client pipelines requests for /v1/functions (about 100 KB each)
    and reads none of the answers."""
    doc = make_doc(sim)
    doc["server"]["write_timeout"] = "1s"
    async with running(sim, doc) as gw:
        sock, host = await tiny_window_socket(gw)
        loop = asyncio.get_running_loop()
        request = (
            f"GET /v1/functions HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {gw.token()}\r\n\r\n"
        ).encode()
        await loop.sock_sendall(sock, request * 100)

        async def cut() -> bool:
            return "connection cut" in log_stream.getvalue()

        await eventually(cut)
        data = await read_until_closed(sock)
        assert 0 < data.count(b"HTTP/1.1 200 OK") < 100
        status, body, _ = await gw.call("version")
        assert status == 200, body


async def test_small_replies_not_taken_still_cut_the_connection(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    """A small reply that cannot wait goes out without a timer (client_writes._takes_at_once),
    so this is the case the deadline must still catch: pipelined /healthz requests whose small
    answers are never read. Once the kernel's buffers are full, the gateway's own buffer
    fills, a reply has to wait, and the connection is cut."""
    doc = make_doc(sim)
    doc["server"]["write_timeout"] = "1s"
    async with running(sim, doc) as gw:
        sock, host = await tiny_window_socket(gw)
        loop = asyncio.get_running_loop()
        request = f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()

        async def cut() -> bool:
            return "connection cut" in log_stream.getvalue()

        async def pipeline() -> None:
            with contextlib.suppress(ConnectionError):
                while not await cut():
                    await loop.sock_sendall(sock, request * 1000)

        sender = asyncio.create_task(pipeline())
        await eventually(cut, within=60)
        await sender
        data = await read_until_closed(sock)
        assert data.count(b"HTTP/1.1 200 OK") > 0
        status, body, _ = await gw.call("version")
        assert status == 200, body
