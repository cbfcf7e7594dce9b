"""The listener (``gateway.server``) on its own: the replies it sends before the application sees
a request (a connection over ``max_connections``, HTTP that aiohttp's parser refuses), over a real
socket. They are built by the error tree like every other error reply (``gateway.errors``).
With the whole gateway, TLS and slow clients: ``security/test_transport.py``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

from gateway.config import ServerConfig
from gateway.config_load import parse_config
from gateway.errors import error_body
from gateway.server import Listener, handler_args, start_listener

from .conftest import config_dict


def server_config(**server: Any) -> ServerConfig:
    doc = config_dict()
    doc["server"].update(server)
    return parse_config(doc).server


@dataclass(frozen=True)
class RawReply:
    status_line: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


async def exchange(port: int, data: bytes = b"") -> RawReply:
    """Send ``data`` (if any) on a new connection and read until the server closes it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        if data:
            writer.write(data)
            await writer.drain()
        async with asyncio.timeout(5):
            raw = await reader.read()  # to EOF: each of these replies closes the connection
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        assert name.lower() not in headers, f"{name} twice"
        headers[name.lower()] = value.strip()
    return RawReply(status_line, headers, body)


def assert_error_reply(reply: RawReply, status: str, error_type: str, message: str) -> None:
    """The JSON error reply, complete: framed by its Content-Length (and the connection closed:
    see exchange), the request id in the header and the body."""
    version, _, said = reply.status_line.partition(" ")
    assert version in ("HTTP/1.0", "HTTP/1.1") and said == status
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    assert int(reply.headers["content-length"]) == len(reply.body)
    request_id = reply.headers["x-request-id"]
    assert len(request_id) == 32 and int(request_id, 16) >= 0
    assert reply.json() == error_body(error_type, message, request_id=request_id)


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/hello", hello)
    cfg = server_config(max_connections=1, max_header_bytes=1024)
    runner = web.AppRunner(app, access_log=None, **handler_args(cfg))
    await runner.setup()
    listening = await start_listener(runner, cfg)
    try:
        yield listening
    finally:
        await listening.close()
        await runner.cleanup()


async def test_a_connection_over_the_limit_gets_a_503_with_retry_after(
    listener: Listener,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
    try:
        writer.write(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")  # in: the one allowed
        assert (await reader.readline()).startswith(b"HTTP/1.1 200")
        reply = await exchange(listener.port)  # refused before any request is read
        assert_error_reply(
            reply, "503 Service Unavailable", "unavailable", "too many open connections"
        )
        assert reply.headers["retry-after"] == "1"
        assert reply.headers["connection"] == "close"
    finally:
        writer.close()


@pytest.mark.parametrize(
    ("request_bytes", "status", "error_type", "message"),
    [
        (b"GARBAGE\r\n\r\n", "400 Bad Request", "bad_request", "malformed HTTP request"),
        (
            b"GET /" + b"a" * 2000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            "431 Request Header Fields Too Large",
            "too_large",
            "request line or header too large",
        ),
        (
            b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 2000 + b"\r\n\r\n",
            "431 Request Header Fields Too Large",
            "too_large",
            "request line or header too large",
        ),
    ],
    ids=["malformed", "request-line", "header"],
)
async def test_requests_the_http_layer_refuses(
    listener: Listener, request_bytes: bytes, status: str, error_type: str, message: str
) -> None:
    reply = await exchange(listener.port, request_bytes)
    assert_error_reply(reply, status, error_type, message)
    assert "retry-after" not in reply.headers


def test_handler_args() -> None:
    """Header limits from ``max_header_bytes``; a kept-alive connection waits for its next
    request no longer than ``client_timeout`` (nor 15 s)."""
    assert handler_args(server_config(max_header_bytes=2048, client_timeout="4s")) == {
        "max_line_size": 2048,
        "max_field_size": 2048,
        "keepalive_timeout": 4.0,
    }
    assert handler_args(server_config(client_timeout="60s"))["keepalive_timeout"] == 15.0
