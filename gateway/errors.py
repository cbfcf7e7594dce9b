"""One exception tree for everything the gateway can refuse or fail with.

Every error a request can end in is a :class:`GatewayError` subclass, defined here and nowhere
else. Each class carries its HTTP status, a stable ``type`` string (the ``error.type`` of the
JSON body) and whether its reply says when to try again (``Retry-After``, marked ⟳ below; the
wait is per error, e.g. the credential pool's real wait, 1 s unless the raiser says otherwise).
:func:`error_response` turns any of them into the JSON reply with its headers::

    GatewayError                 (500 internal_error)
    ├── BadRequest               (400 bad_request)
    ├── Unauthorized             (401 unauthorized)     with WWW-Authenticate
    ├── Forbidden                (403 forbidden)
    ├── UnknownFunction          (404 unknown_function)
    ├── NotFound                 (404 not_found)        VICIdial: not found / no matches
    ├── MethodNotAllowed         (405 method_not_allowed)  with Allow
    ├── RequestTimeout           (408 request_timeout)  the client was too slow sending
    ├── Conflict                 (409 conflict)         VICIdial: duplicate, already exists
    ├── IdempotencyInProgress    (409 idempotency_in_progress) ⟳ the key's first call still runs
    ├── AgentBusy                (409 agent_busy) ⟳ the agent's previous Agent API call still runs
    ├── TooLarge                 (413 too_large)
    │   └── HeaderTooLarge       (431 too_large)        a request line or header field
    ├── InvalidInput             (422 invalid_input)    VICIdial rejected the input
    ├── IdempotencyKeyReused     (422 idempotency_key_reused)  the key came with another request
    ├── NotConfigured            (422 not_configured)   VICIdial is not set up for the option
    ├── RateLimited              (429 rate_limited) ⟳
    ├── UpstreamError            (502 upstream_error)   login/permission failure, unparseable reply
    │   ├── ReplyTooLarge                               a buffered reply over the size cap
    │   ├── NotSent                                     no connection: VICIdial cannot have seen it
    │   │   └── TLSRefused                              TLS verification (CA, host, pin) failed
    │   └── MaybeSent                                   the connection failed mid-call
    ├── Unavailable              (503 unavailable) ⟳
    │   └── NoCredential                                no credential of the upstream usable now
    └── UpstreamTimeout          (504 upstream_timeout)

Each ``type`` has one meaning, so one reaction: ``conflict`` is never worth retrying (the lead
or user exists), ``idempotency_in_progress`` is (after ``Retry-After``); ``invalid_input`` needs
another value, ``idempotency_key_reused`` another key. The README's error table lists them all.
The subclasses of :class:`UpstreamError` answer alike; the upstream client tells them apart to
decide what it may send again (:meth:`gateway.upstream.VicidialUpstream.call`).

Errors that do not come from a ``raise`` are built from the same classes: a VICIdial reply read
as an error (:func:`error_of_type`, by the catalog's ``error.type``), aiohttp's refusals of a
request (:func:`from_http_exception`) and those of its HTTP layer, made before the application
sees the request (:func:`from_http_layer`).

Exceptions that are not in the tree are signals inside one step of the data path; none reaches a
caller as it is, each is turned into a tree error or a decision where it is caught:

- ``gateway.store.StoreUnavailable`` and ``gateway.store.StoreFull``: the shared store's
  failure; each caller decides what it means (rate limits fail open, idempotency fails closed
  with :class:`Unavailable`, credential state falls back to this process's own knowledge).
- ``gateway.client_writes.ClientTooSlow``: a streamed export's client did not take a write by
  its deadline and has been cut off; no reply can reach it, the export just ends.
- ``gateway.upstream.PinMismatch``: raised inside aiohttp's connector (so it must be an
  ``aiohttp.ClientError``), turned into :class:`TLSRefused` by the upstream client.
- ``gateway.catalog.reply.ReplyShapeError`` and ``gateway.catalog.parser.Misfit``: the pure
  parser's verdicts; the data path turns a reply of no known shape into :class:`UpstreamError`.
- ``gateway.views._DuplicateKey``: the JSON decoder's hook stopping at a repeated key; becomes
  :class:`BadRequest`.
- ``gateway.errors.ConfigError`` and ``gateway.secrets.SecretError``: configuration that cannot
  be loaded; shown by ``vicigw`` and the reload log, never in a reply.
- ``gateway.sim.sqlguard.SqlBreakout`` and ``gateway.sim.handlers.lists_campaigns._Refused``:
  the VICIdial simulator's (a test double, not the gateway).
- the Python client's exceptions, the error table as seen by a caller (one per ``error.type``, and
  one when no reply came), never raised by the gateway: ``gateway.client.errors.ApiError``,
  ``gateway.client.errors.TransportError``, ``gateway.client.errors.InternalError``,
  ``gateway.client.errors.BadRequest``, ``gateway.client.errors.Unauthorized``,
  ``gateway.client.errors.Forbidden``, ``gateway.client.errors.UnknownFunction``,
  ``gateway.client.errors.NotFound``, ``gateway.client.errors.MethodNotAllowed``,
  ``gateway.client.errors.RequestTimeout``, ``gateway.client.errors.Conflict``,
  ``gateway.client.errors.IdempotencyInProgress``, ``gateway.client.errors.AgentBusy``,
  ``gateway.client.errors.TooLarge``,
  ``gateway.client.errors.InvalidInput``, ``gateway.client.errors.IdempotencyKeyReused``,
  ``gateway.client.errors.NotConfigured``, ``gateway.client.errors.RateLimited``,
  ``gateway.client.errors.UpstreamError``, ``gateway.client.errors.Unavailable``,
  ``gateway.client.errors.UpstreamTimeout``.

Messages must never contain a secret: they are shown to callers and written to logs as they are.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self

from aiohttp import web

# The Retry-After of an error that carries one when its raiser computes no wait of its own.
DEFAULT_RETRY_AFTER = 1


class GatewayError(Exception):
    """Base class; ``status`` and ``type`` are the HTTP status and the JSON ``error.type``.

    A class with ``carries_retry_after`` always answers with ``Retry-After``: ``retry_after``
    seconds, given where the wait is computed, else :data:`DEFAULT_RETRY_AFTER`. The others
    never do (giving them a wait is a programming error)::

        raise RateLimited("app 'crm' is over its rate limit", retry_after=3)
    """

    status: ClassVar[int] = 500
    type: ClassVar[str] = "internal_error"
    carries_retry_after: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        details: Mapping[str, Any] | None = None,
        result: str | None = None,
        notices: list[dict[str, Any]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        if retry_after is not None and not self.carries_retry_after:
            raise TypeError(f"{type(self).__name__} carries no Retry-After")
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        # The VICIdial result class ("ERROR", "NOTICE", ...) when the error comes from a reply.
        self.result = result
        self.notices: list[dict[str, Any]] = list(notices or [])
        self.retry_after: int | None = (
            (DEFAULT_RETRY_AFTER if retry_after is None else retry_after)
            if self.carries_retry_after
            else None
        )

    @property
    def headers(self) -> dict[str, str]:
        """The headers this error's reply carries."""
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}

    def reworded(self, message: str) -> Self:
        """The same error (class, details, wait, reason ...) with another message."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        Exception.__init__(copy, message)
        copy.message = message
        return copy


class BadRequest(GatewayError):
    status = 400
    type = "bad_request"


class Unauthorized(GatewayError):
    """The caller's credentials were refused; the reply says only "invalid token".

    ``reason`` (a stable code, see :data:`gateway.auth.REASONS`) and ``claim`` (the claim at
    fault, when there is one) are for the gateway's log and the ``auth_failures`` metric only: a
    reply that told an unknown key id from a bad signature would let anyone list the key ids.
    ``challenge`` is the ``WWW-Authenticate`` value (RFC 6750 §3: ``Bearer`` when no bearer
    credentials came, else with ``error="invalid_token"`` or ``error="invalid_request"``).
    """

    status = 401
    type = "unauthorized"

    def __init__(
        self,
        reason: str,
        *,
        claim: str | None = None,
        challenge: str = 'Bearer error="invalid_token"',
    ) -> None:
        super().__init__("invalid token")
        self.reason = reason
        self.claim = claim
        self.challenge = challenge

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": self.challenge}


class Forbidden(GatewayError):
    status = 403
    type = "forbidden"


class UnknownFunction(GatewayError):
    status = 404
    type = "unknown_function"


class NotFound(GatewayError):
    status = 404
    type = "not_found"


class MethodNotAllowed(GatewayError):
    """``allowed``: the methods the resource takes (the ``Allow`` header, when known)."""

    status = 405
    type = "method_not_allowed"

    def __init__(self, message: str, *, allowed: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.allowed = tuple(sorted(allowed))

    @property
    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allowed)} if self.allowed else {}


class RequestTimeout(GatewayError):
    status = 408
    type = "request_timeout"


class Conflict(GatewayError):
    status = 409
    type = "conflict"


class IdempotencyInProgress(GatewayError):
    """A call with this Idempotency-Key is still running: retry after ``Retry-After`` and get
    its outcome (unlike ``conflict``, which no retry changes)."""

    status = 409
    type = "idempotency_in_progress"
    carries_retry_after = True


class AgentBusy(GatewayError):
    """An Agent API call for this agent is already in flight through the gateway (one at a
    time per agent, so two clicks cannot dial twice): retry after ``Retry-After``."""

    status = 409
    type = "agent_busy"
    carries_retry_after = True


class TooLarge(GatewayError):
    status = 413
    type = "too_large"


class HeaderTooLarge(TooLarge):
    """A request line or header field over ``server.max_header_bytes`` (refused by the HTTP
    layer, before the request reaches the application)."""

    status = 431


class InvalidInput(GatewayError):
    status = 422
    type = "invalid_input"


class IdempotencyKeyReused(GatewayError):
    """The Idempotency-Key was first used with another request (function or parameters): the
    caller reused a key, VICIdial was not asked (unlike ``invalid_input``)."""

    status = 422
    type = "idempotency_key_reused"


class NotConfigured(GatewayError):
    """VICIdial is not set up for an option the request asks for (check_phone_number's NANPA
    checks on a server without NANPA prefix data). Neither the caller's values nor the gateway's
    login are at fault, and the same request without the option works: a 4xx that says so,
    with VICIdial's own message, and nothing to retry."""

    status = 422
    type = "not_configured"


class RateLimited(GatewayError):
    status = 429
    type = "rate_limited"
    carries_retry_after = True


class UpstreamError(GatewayError):
    status = 502
    type = "upstream_error"


class ReplyTooLarge(UpstreamError):
    """A buffered reply over ``gateway.upstream.MAX_REPLY_BYTES`` (exports are streamed)."""


class NotSent(UpstreamError):
    """No connection was made: VICIdial cannot have seen the call (safe to send again)."""


class TLSRefused(NotSent):
    """The TLS handshake failed verification (CA, host name or pin): nothing was sent. Not a
    passing failure: the upstream client neither retries it nor counts it for the breaker."""


class MaybeSent(UpstreamError):
    """The connection failed after the request may have reached VICIdial (a write is never
    sent again)."""


class Unavailable(GatewayError):
    status = 503
    type = "unavailable"
    carries_retry_after = True


class NoCredential(Unavailable):
    """503: no credential of the upstream is usable now. ``reason`` names each credential and
    its state (for the audit log, never the caller); ``retry_after`` is the wait in seconds."""

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(
            "no VICIdial credential is usable now (all failed, locked out or on hold)",
            retry_after=retry_after,
        )
        self.reason = reason


class UpstreamTimeout(GatewayError):
    status = 504
    type = "upstream_timeout"


# error.type -> class, for the catalog's message table (which names types, not classes): the
# classes a VICIdial reply can be read as, each built by error_of_type. Not Unauthorized: the
# caller's token is the gateway's business, never VICIdial's answer.
ERROR_TYPES: dict[str, type[GatewayError]] = {
    cls.type: cls
    for cls in (
        BadRequest,
        Forbidden,
        UnknownFunction,
        NotFound,
        Conflict,
        IdempotencyInProgress,
        TooLarge,
        InvalidInput,
        IdempotencyKeyReused,
        NotConfigured,
        RateLimited,
        UpstreamError,
        Unavailable,
        UpstreamTimeout,
    )
}


def error_of_type(
    error_type: str,
    message: str,
    *,
    details: Mapping[str, Any] | None = None,
    notices: list[dict[str, Any]] | None = None,
    retry_after: int | None = None,
) -> GatewayError:
    """The error for a VICIdial reply the catalog reads as ``error_type`` (an unknown type is an
    :class:`UpstreamError`). ``retry_after`` is kept if the class carries one, else dropped."""
    cls = ERROR_TYPES.get(error_type, UpstreamError)
    wait = retry_after if cls.carries_retry_after else None
    return cls(message, details=details, notices=notices, retry_after=wait)


def from_http_exception(exc: web.HTTPException) -> GatewayError:
    """The error for a refusal aiohttp's application layer raised (no route, wrong method,
    body over ``client_max_size``)."""
    if exc.status == 404:
        return NotFound("no such endpoint")
    if exc.status == 405:
        allowed = getattr(exc, "allowed_methods", None) or ()
        return MethodNotAllowed("method not allowed", allowed=allowed)
    if exc.status == 413:
        return TooLarge("request body too large")
    return BadRequest(exc.reason or "bad request")


def from_http_layer(status: int, exc: BaseException | None = None) -> GatewayError:
    """The error for a request aiohttp's HTTP layer refused before any application code ran
    (``RequestHandler.handle_error``: malformed HTTP is 400, a line over ``max_line_size`` or
    ``max_field_size`` is a 400 whose message counts bytes; anything else is internal)."""
    if status == 400:
        if exc is not None and "bytes" in str(exc):
            return HeaderTooLarge("request line or header too large")
        return BadRequest("malformed HTTP request")
    if status == 413:
        return TooLarge("request too large")
    if status == 431:
        return HeaderTooLarge("request header too large")
    return GatewayError("internal error")


def error_body(
    error_type: str,
    message: str,
    *,
    details: Mapping[str, Any] | None = None,
    function: str | None = None,
    request_id: str | None = None,
    result: str = "ERROR",
    notices: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The JSON error body, the same keys wherever the refusal happens (``notices`` is empty
    unless VICIdial printed more lines than its error)."""
    return {
        "ok": False,
        "function": function,
        "result": result,
        "error": {"type": error_type, "message": message, "details": dict(details or {})},
        "notices": list(notices or []),
        "request_id": request_id,
    }


def new_request_id() -> str:
    """A request id for a request that brought none: 32 hex digits from the OS's random
    source (what ``uuid.uuid4().hex`` looks like, without building a UUID per request)."""
    return os.urandom(16).hex()


def error_response(
    exc: GatewayError, *, function: str | None = None, request_id: str | None = None
) -> web.Response:
    """The JSON reply for any gateway error: its status, its body, its headers (``Retry-After``,
    ``WWW-Authenticate``, ``Allow``) and ``X-Request-ID``. Every error reply is built here."""
    body = error_body(
        exc.type,
        exc.message,
        details=exc.details,
        function=function,
        request_id=request_id,
        result=exc.result or "ERROR",
        notices=exc.notices,
    )
    headers = exc.headers
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    return web.json_response(body, status=exc.status, headers=headers)


class ConfigError(Exception):
    """Raised by config loading; ``errors`` lists every problem as ``"yaml.path: message"``.
    Not in the tree: a configuration is refused before any request (see the module doc)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
