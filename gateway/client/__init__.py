"""A Python client of the gateway, sync (:class:`Client`) and async (:class:`AsyncClient`).

``client.call("add_lead", phone_number="3125551212", list_id="101")`` returns a :class:`Reply`
(``.data``, ``.notices``, ``.request_id``, ``.replayed``) or raises the exception of the reply's
``error.type`` (:mod:`gateway.client.errors`: ``RateLimited`` with ``retry_after``, ``Conflict``
with ``lead_id``, ...). ``client.stream(...)`` iterates the rows of a streamed export.
Retries and idempotency keys: :mod:`gateway.client.core`.
"""

from __future__ import annotations

from .aio import AsyncClient
from .core import Reply, Retries
from .errors import (
    ERRORS,
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InternalError,
    InvalidInput,
    MethodNotAllowed,
    NotConfigured,
    NotFound,
    RateLimited,
    RequestTimeout,
    TooLarge,
    TransportError,
    Unauthorized,
    Unavailable,
    UnknownFunction,
    UpstreamError,
    UpstreamTimeout,
)
from .sync import Client

__all__ = [
    "ERRORS",
    "ApiError",
    "AsyncClient",
    "BadRequest",
    "Client",
    "Conflict",
    "Forbidden",
    "IdempotencyInProgress",
    "IdempotencyKeyReused",
    "InternalError",
    "InvalidInput",
    "MethodNotAllowed",
    "NotConfigured",
    "NotFound",
    "RateLimited",
    "Reply",
    "RequestTimeout",
    "Retries",
    "TooLarge",
    "TransportError",
    "Unauthorized",
    "Unavailable",
    "UnknownFunction",
    "UpstreamError",
    "UpstreamTimeout",
]
