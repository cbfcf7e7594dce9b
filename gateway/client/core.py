"""What the sync and async clients share: the request, the reading of a reply, when to retry.

Retries (:func:`retry_wait`): a 429 or 503 that carries ``Retry-After`` is sent again after that
wait whatever the function (the gateway refused it before VICIdial saw it); a read-only function
(the catalog's ``effect``) is also sent again after a failed connection or a 502/503/504, with a
doubling backoff. A mutating call is never sent again otherwise: the first may have reached
VICIdial. A retried mutating call keeps its ``Idempotency-Key``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..catalog import CATALOG
from .errors import ApiError, TransportError, error_from_reply

JSON = "application/json"
NDJSON = "application/x-ndjson"
RETRY_STATUSES = frozenset({429, 503})  # with Retry-After: refused before VICIdial saw the call
READ_RETRY_STATUSES = frozenset({502, 503, 504})

Token = str | Callable[[], str]
T = TypeVar("T")


@dataclass(frozen=True)
class Retries:
    """How many times a call may be sent again, and how long to wait at most between tries."""

    attempts: int = 2
    backoff: float = 0.2  # read-only calls without Retry-After: 0.2 s, 0.4 s, ...
    max_wait: float = 30.0  # a longer Retry-After is not waited for: the error is raised


DEFAULT_RETRIES = Retries()


@dataclass(frozen=True)
class Reply(Generic[T]):
    """A successful call: ``data`` as the gateway converted it, and what came with it (``T``:
    the type of ``data``, given by the typed helpers of :mod:`gateway.client.types`)."""

    data: T
    result: str | None
    notices: list[Any]
    request_id: str | None
    replayed: bool = False  # Idempotent-Replayed: the stored outcome of an earlier call
    body: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    function: str
    idempotency_key: str | None


def read_only(function: str) -> bool:
    spec = CATALOG.get(function)
    return spec is not None and spec.effect == "read_only"


def mutating(function: str) -> bool:
    return not read_only(function)


def build(
    function: str,
    params: Mapping[str, Any],
    *,
    token: Token,
    idempotency_key: str | bool | None,
    auto_idempotency: bool,
    stream: bool = False,
) -> Request:
    """The request of one call. ``idempotency_key``: a key, True for a new one, or None (a new
    one for a mutating function when the client was made with ``auto_idempotency``)."""
    key: str | None
    if isinstance(idempotency_key, str):
        key = idempotency_key
    elif idempotency_key is True or (
        idempotency_key is None and auto_idempotency and mutating(function)
    ):
        key = uuid.uuid4().hex
    else:
        key = None
    headers = {
        "Authorization": f"Bearer {token() if callable(token) else token}",
        "Content-Type": JSON,
        "Accept": NDJSON if stream else JSON,
    }
    if key is not None:
        headers["Idempotency-Key"] = key
    body = json.dumps(dict(params), separators=(",", ":")).encode()
    return Request(f"/v1/non-agent/{function}", headers, body, function, key)


def retry_after_of(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date: the gateway sends seconds only
    return max(seconds, 0.0)


def retry_wait(
    function: str, status: int | None, retry_after: float | None, attempt: int, retries: Retries
) -> float | None:
    """Seconds to wait before try ``attempt + 1`` (None: do not retry). ``status`` None: the
    connection failed."""
    if attempt >= retries.attempts:
        return None
    if status in RETRY_STATUSES and retry_after is not None:
        return retry_after if retry_after <= retries.max_wait else None
    if read_only(function) and (status is None or status in READ_RETRY_STATUSES):
        return float(min(retries.backoff * 2**attempt, retries.max_wait))
    return None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def reply(status: int, headers: Mapping[str, str], raw: bytes) -> Reply[Any]:
    """The reply of a buffered call, or its error raised."""
    body = _json(raw)
    if status != 200 or not isinstance(body, dict):
        raise error_from_reply(status, body, retry_after_of(headers.get("Retry-After")))
    return Reply(
        data=body.get("data"),
        result=body.get("result"),
        notices=list(body.get("notices") or []),
        request_id=body.get("request_id"),
        replayed=headers.get("Idempotent-Replayed") == "true",
        body=body,
    )


class Rows:
    """Reads an NDJSON export line by line: :meth:`feed` gives the rows of a line, and raises
    the trailer's error; :meth:`end` raises if no trailer came (the stream was cut off)."""

    def __init__(self, function: str) -> None:
        self.function = function
        self.trailer: dict[str, Any] | None = None

    def feed(self, line: bytes) -> Iterator[dict[str, Any]]:
        if not line.strip():
            return
        item = _json(line)
        if not isinstance(item, dict):
            raise TransportError(200, "the stream sent a line that is not a JSON object")
        trailer = item.get("trailer") if len(item) == 1 else None
        if isinstance(trailer, dict):
            self.trailer = trailer
            if not trailer.get("ok"):
                error = error_from_reply(200, {**trailer, "error": trailer.get("error")}, None)
                raise error
            return
        yield item

    def end(self) -> dict[str, Any]:
        if self.trailer is None:
            raise TransportError(200, f"the {self.function} stream ended without its trailer")
        return self.trailer


__all__ = ["ApiError", "Reply", "Request", "Retries", "Rows", "build", "reply", "retry_wait"]
