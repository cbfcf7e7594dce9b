"""Writing to clients within a time limit, and cutting off those that do not read.

aiohttp waits for a client's socket to drain for as long as the client likes. A client that asks
for a large reply and never reads it would keep the reply in memory, keep its connection, and
(for a streamed export) keep VICIdial concurrency slots that other apps need. So every write to a
client has a deadline:

- a reply that is not streamed must be taken whole within ``server.write_timeout``
  (:func:`send`, used for every reply by :mod:`gateway.app` and :mod:`gateway.call.reply`);
- a streamed export writes each batch within ``server.write_timeout`` and the whole export
  within its class timeout (:func:`write_by`, used by :mod:`gateway.export`).

A client that misses a deadline is cut off (:func:`cut`): its connection is reset, so neither the
gateway nor its kernel keeps the unsent bytes, and a chunked reply ends without its last chunk
(for NDJSON, without its trailer line): the client can tell it was cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Awaitable

from aiohttp import web


class ClientTooSlow(Exception):
    """The client did not take a write by its deadline (it has been cut off)."""


async def send(request: web.Request, response: web.StreamResponse, timeout: float) -> bool:
    """Send a whole (not yet prepared) reply within ``timeout`` seconds.

    False if the client did not take it in time and was cut off. A client that left on its own
    is no concern here (True: nothing more can be done for it).
    """
    deadline = (
        contextlib.nullcontext() if _takes_at_once(request, response) else asyncio.timeout(timeout)
    )
    try:
        async with deadline:
            await response.prepare(request)
            await response.write_eof()
    except TimeoutError:
        cut(request)
        return False
    except ConnectionError:
        pass
    return True


_HEADERS_ROOM = 8192  # more than a reply's status line and headers take


def _takes_at_once(request: web.Request, response: web.StreamResponse) -> bool:
    """Whether sending ``response`` cannot wait for the client, so needs no deadline: nothing
    of an earlier reply is still waiting in the connection's buffer, and this reply with its
    headers fits under the buffer's high-water mark (aiohttp waits for a client only when a
    write takes the buffer above it). When in doubt, False."""
    transport = request.transport
    body = response.body if isinstance(response, web.Response) else None
    if transport is None or not isinstance(body, bytes):
        return False
    try:
        _low, high = transport.get_write_buffer_limits()
    except (AttributeError, NotImplementedError):
        return False
    return transport.get_write_buffer_size() == 0 and len(body) + _HEADERS_ROOM <= high


async def write_by(request: web.Request, deadline: float, write: Awaitable[None]) -> None:
    """Await one write of a streamed reply by ``deadline`` (event-loop time).

    Raises :class:`ClientTooSlow` (after cutting the client off) when the deadline passes first.
    A deadline already past still lets a write through that needs no waiting.
    """
    try:
        async with asyncio.timeout_at(deadline):
            await write
    except TimeoutError:
        cut(request)
        raise ClientTooSlow from None


def cut(request: web.Request) -> None:
    """Reset the client's connection at once, dropping whatever it has not read yet."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # Linger 0: the kernel drops the unsent bytes and resets the connection, instead of
        # keeping them (possibly for minutes) for a client that does not read.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
