"""Step 6, reply: the caller's reply made from VICIdial's parsed answer (or from the stored
outcome of an idempotent call), and sent within ``server.write_timeout``
(:mod:`gateway.client_writes`: a client that does not take it is cut off)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..catalog.reply import ParsedReply
from ..catalog.spec import FunctionSpec
from ..errors import error_response
from ..jsonenc import dumps
from ..store import StoredResponse
from .convert import reply_error, reply_json

# Sends a whole (not yet prepared) response within a timeout; False if the client was cut off.
Send = Callable[[web.StreamResponse, float], Awaitable[bool]]


@dataclass(frozen=True)
class Reply:
    """A response and the outcome it stands for (``ok``, ``replayed`` or an error type)."""

    response: web.StreamResponse
    outcome: str

    def body(self) -> dict[str, Any] | None:
        """The JSON body (``None`` for a streamed response)."""
        response = self.response
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            body: dict[str, Any] = json.loads(response.body)
            return body
        return None


def json_reply(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response encoded by :func:`gateway.jsonenc.dumps` (the Content-Type aiohttp's
    ``json_response`` gives)."""
    return web.Response(
        body=dumps(body),
        status=status,
        headers=headers,
        content_type="application/json",
        charset="utf-8",
    )


def answer(
    spec: FunctionSpec, parsed: ParsedReply, retry_after: int | None, request_id: str
) -> Reply:
    """VICIdial's parsed answer as the caller gets it: the error it is, or its JSON."""
    error = reply_error(parsed, retry_after)
    if error is not None:
        return Reply(error_response(error, function=spec.name, request_id=request_id), error.type)
    payload = {**reply_json(spec, parsed), "request_id": request_id}
    return Reply(json_reply(payload), "ok")


def replayed(stored: StoredResponse) -> Reply:
    """The stored outcome of an idempotent call's first run, again."""
    response = json_reply(stored.body, stored.status, {"Idempotent-Replayed": "true"})
    return Reply(response, "replayed")


async def deliver(
    send: Send, response: web.StreamResponse, request_id: str, timeout: float
) -> bool:
    """Send ``response`` (with its request id) unless it is already on its way (a stream);
    False if the client did not take it within ``timeout`` and was cut off."""
    if response.prepared:
        return True
    response.headers["X-Request-ID"] = request_id
    return await send(response, timeout)
