"""gateway.client_writes: writes to a client within a deadline, and cutting off those that
do not read. A real server and raw sockets: a client with a tiny receive window never reads."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from gateway.client_writes import ClientTooSlow, send, write_by

BIG = b"x" * (8 * 1024 * 1024)  # far more than any socket buffer holds


async def _serve(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> tuple[web.AppRunner, int]:
    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


def _stalled_client(port: int) -> socket.socket:
    """Asks for / and never reads a byte."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    return sock


@pytest.fixture
async def results() -> AsyncIterator[list[object]]:
    yield []


async def test_send_cuts_off_a_client_that_does_not_take_the_reply(results: list[object]) -> None:
    done = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.Response(body=BIG)
        results.append(await send(request, response, 0.3))
        done.set()
        return response

    runner, port = await _serve(handler)
    sock = _stalled_client(port)
    try:
        await asyncio.wait_for(done.wait(), 10)
        assert results == [False]
        # Reset: the client sees the connection end without the whole body.
        sock.setblocking(True)
        sock.settimeout(5)
        received = 0
        with pytest.raises(ConnectionResetError):
            while chunk := sock.recv(1 << 20):
                received += len(chunk)
        assert received < len(BIG)
    finally:
        sock.close()
        await runner.cleanup()


async def test_send_delivers_a_reply_the_client_takes(results: list[object]) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.Response(body=b"hello")
        results.append(await send(request, response, 5))
        return response

    runner, port = await _serve(handler)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        assert data.endswith(b"hello") and results == [True]
    finally:
        await runner.cleanup()


async def test_write_by_raises_client_too_slow_at_the_deadline(results: list[object]) -> None:
    done = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        deadline = asyncio.get_running_loop().time() + 0.3
        try:
            while True:
                await write_by(request, deadline, response.write(BIG))
        except ClientTooSlow:
            results.append("cut")
        done.set()
        return response

    runner, port = await _serve(handler)
    sock = _stalled_client(port)
    try:
        await asyncio.wait_for(done.wait(), 10)
        assert results == ["cut"]
    finally:
        sock.close()
        await runner.cleanup()
