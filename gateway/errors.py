"""One exception tree for everything the gateway can refuse or fail with.

Every error a request can end in is a :class:`GatewayError` subclass. Each carries its HTTP status
and a stable ``type`` string (the ``error.type`` of the JSON body) as class attributes; the error
middleware in :mod:`gateway.app` turns any of them into the JSON error body::

    GatewayError                 (500 internal_error)
    ├── BadRequest               (400 bad_request)
    ├── Unauthorized             (401 unauthorized)
    ├── Forbidden                (403 forbidden)
    ├── UnknownFunction          (404 unknown_function)
    ├── NotFound                 (404 not_found)        VICIdial: not found / no matches
    ├── MethodNotAllowed         (405 method_not_allowed)
    ├── RequestTimeout           (408 request_timeout)  the client was too slow sending
    ├── Conflict                 (409 conflict)         VICIdial: duplicate, already exists
    ├── IdempotencyInProgress    (409 idempotency_in_progress)  the key's first call still runs
    ├── TooLarge                 (413 too_large)
    ├── InvalidInput             (422 invalid_input)    VICIdial rejected the input
    ├── IdempotencyKeyReused     (422 idempotency_key_reused)   the key came with another request
    ├── NotConfigured            (422 not_configured)   VICIdial is not set up for the option
    ├── RateLimited              (429 rate_limited)
    ├── UpstreamError            (502 upstream_error)   login/permission failure, unparseable reply
    ├── Unavailable              (503 unavailable)
    └── UpstreamTimeout          (504 upstream_timeout)

Each ``type`` has one meaning, so one reaction: ``conflict`` is never worth retrying (the lead
or user exists), ``idempotency_in_progress`` is (after ``Retry-After``); ``invalid_input`` needs
another value, ``idempotency_key_reused`` another key. The README's error table lists them all.

Messages must never contain a secret: they are shown to callers and written to logs as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class GatewayError(Exception):
    """Base class; ``status`` and ``type`` are the HTTP status and the JSON ``error.type``."""

    status: ClassVar[int] = 500
    type: ClassVar[str] = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        result: str | None = None,
        notices: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.headers: dict[str, str] = dict(headers or {})
        # The VICIdial result class ("ERROR", "NOTICE", ...) when the error comes from a reply.
        self.result = result
        self.notices = notices or []


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
        super().__init__("invalid token", headers={"WWW-Authenticate": challenge})
        self.reason = reason
        self.claim = claim


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
    status = 405
    type = "method_not_allowed"


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


class TooLarge(GatewayError):
    status = 413
    type = "too_large"


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


class UpstreamError(GatewayError):
    status = 502
    type = "upstream_error"


class Unavailable(GatewayError):
    status = 503
    type = "unavailable"


class UpstreamTimeout(GatewayError):
    status = 504
    type = "upstream_timeout"


# error.type -> class, for the catalog's message table (which names types, not classes).
ERROR_TYPES: dict[str, type[GatewayError]] = {
    cls.type: cls
    for cls in (
        BadRequest,
        Unauthorized,
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


class ConfigError(Exception):
    """Raised by config loading; ``errors`` lists every problem as ``"yaml.path: message"``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
