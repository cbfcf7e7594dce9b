"""The client's exceptions: one per ``error.type`` of the gateway's error table.

A reply that is not 200 raises the class of its ``error.type`` (:func:`error_from_reply`);
every class is an :class:`ApiError` with the status, type, message, details, request id and,
where the gateway sent one, ``retry_after`` (seconds). A test checks that every type of the
gateway's error tree has its class here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class ApiError(Exception):
    """An error reply of the gateway (``error.type`` unknown to this client: this class)."""

    type: ClassVar[str] = ""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        error_type: str | None = None,
        details: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        function: str | None = None,
    ) -> None:
        super().__init__(f"{status} {error_type or self.type}: {message}")
        self.status = status
        self.error_type = error_type or self.type
        self.message = message
        self.details = dict(details or {})
        self.request_id = request_id
        self.retry_after = retry_after
        self.function = function


class TransportError(ApiError):
    """No reply: the connection failed or was cut (for a stream: no trailer arrived)."""

    type = "transport_error"


class InternalError(ApiError):
    type = "internal_error"


class BadRequest(ApiError):
    type = "bad_request"


class Unauthorized(ApiError):
    type = "unauthorized"


class Forbidden(ApiError):
    type = "forbidden"


class UnknownFunction(ApiError):
    type = "unknown_function"


class NotFound(ApiError):
    type = "not_found"


class MethodNotAllowed(ApiError):
    type = "method_not_allowed"


class RequestTimeout(ApiError):
    type = "request_timeout"


class Conflict(ApiError):
    """VICIdial found a duplicate (a lead, a user, ...): never worth sending again."""

    type = "conflict"

    @property
    def lead_id(self) -> str | None:
        """The id of the lead that already exists, when VICIdial names it."""
        value = self.details.get("lead_id")
        return None if value is None else str(value)


class IdempotencyInProgress(ApiError):
    type = "idempotency_in_progress"


class AgentBusy(ApiError):
    """An Agent API call for this agent is already in flight: retry after ``retry_after``."""

    type = "agent_busy"


class TooLarge(ApiError):
    type = "too_large"


class InvalidInput(ApiError):
    type = "invalid_input"


class IdempotencyKeyReused(ApiError):
    type = "idempotency_key_reused"


class NotConfigured(ApiError):
    type = "not_configured"


class RateLimited(ApiError):
    type = "rate_limited"


class UpstreamError(ApiError):
    type = "upstream_error"


class Unavailable(ApiError):
    type = "unavailable"


class UpstreamTimeout(ApiError):
    type = "upstream_timeout"


ERRORS: Mapping[str, type[ApiError]] = {
    cls.type: cls
    for cls in (
        InternalError,
        BadRequest,
        Unauthorized,
        Forbidden,
        UnknownFunction,
        NotFound,
        MethodNotAllowed,
        RequestTimeout,
        Conflict,
        IdempotencyInProgress,
        AgentBusy,
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


def error_from_reply(status: int, body: Any, retry_after: float | None) -> ApiError:
    """The exception for an error reply (``body``: its JSON, or anything else it held)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return ApiError(status, "the gateway sent no error body", error_type="unknown")
    error_type = str(error.get("type", ""))
    cls = ERRORS.get(error_type, ApiError)
    details = error.get("details")
    return cls(
        status,
        str(error.get("message", "")),
        error_type=error_type,
        details=details if isinstance(details, dict) else None,
        request_id=body.get("request_id"),
        retry_after=retry_after,
        function=body.get("function"),
    )
