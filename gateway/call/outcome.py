"""How a call ended (:class:`Outcome`), and the one place its audit line and metrics come from.

Along the way the pipeline notes what it learns in a :class:`Trace` (the app, the loggable
params, the credential, VICIdial's answer class, every VICIdial call made for the request...).
When the call ends, however it ends (a reply, an error raised by any step, a client that did
not take the reply, an export cut off), :meth:`Trace.end` turns it into one frozen
:class:`Outcome`, and :func:`record` derives from it, once, the audit record
(:class:`~gateway.audit.AuditRecord`) and every metric of the call: requests, latency, client
timeouts, and the VICIdial calls (its own and the gateway's lookups made for it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..audit import AuditLog, AuditRecord, identifiers
from ..catalog.spec import FunctionSpec
from ..metrics import Metrics


@dataclass(frozen=True)
class UpstreamUse:
    """One call made to VICIdial for the request: ``seconds`` for the request's own call (its
    latency is observed), ``None`` for the gateway's lookups (counted only)."""

    upstream: str
    credential: str
    function: str
    result: str
    seconds: float | None = None


@dataclass(frozen=True)
class Outcome:
    """What one call came to; ``outcome`` is ``ok``, ``replayed``, ``client_timeout``, an error
    type (:mod:`gateway.errors`) or ``internal_error`` (anything else: a bug, a cancelled call)."""

    request_id: str
    function: str | None
    effect: str | None
    app: str | None
    status: int
    outcome: str
    total_seconds: float
    result: str | None = None
    credential: str | None = None
    reason: str | None = None
    upstream_seconds: float | None = None
    rows: int | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    ids: Mapping[str, str] = field(default_factory=dict)
    upstream_calls: tuple[UpstreamUse, ...] = ()

    def audit_record(self) -> AuditRecord:
        return AuditRecord(
            request_id=self.request_id,
            app=self.app,
            function=self.function,
            effect=self.effect,
            status=self.status,
            outcome=self.outcome,
            total_seconds=self.total_seconds,
            result=self.result,
            credential=self.credential,
            reason=self.reason,
            upstream_seconds=self.upstream_seconds,
            rows=self.rows,
            params=self.params,
            ids=self.ids,
        )


@dataclass
class Trace:
    """What the pipeline learnt so far about a call in progress (``None``: not known, e.g. the
    call ended before it got there). Only :mod:`gateway.call.pipeline` writes it."""

    request_id: str
    spec: FunctionSpec | None
    started: float = field(default_factory=time.monotonic)
    app: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    request_ids: Mapping[str, Any] | None = None  # where the request's identifiers are
    reply_ids: Mapping[str, Any] | None = None  # and the reply's
    result: str | None = None
    credential: str | None = None
    reason: str | None = None
    upstream_seconds: float | None = None
    rows: int | None = None
    upstream_calls: list[UpstreamUse] = field(default_factory=list)

    def end(self, status: int, outcome: str) -> Outcome:
        spec = self.spec
        return Outcome(
            request_id=self.request_id,
            function=spec.label if spec is not None else None,
            effect=spec.effect if spec is not None else None,
            app=self.app,
            status=status,
            outcome=outcome,
            total_seconds=time.monotonic() - self.started,
            result=self.result,
            credential=self.credential,
            reason=self.reason,
            upstream_seconds=self.upstream_seconds,
            rows=self.rows,
            params=dict(self.params),
            ids=identifiers(self.request_ids, self.reply_ids),
            upstream_calls=tuple(self.upstream_calls),
        )


def record(outcome: Outcome, metrics: Metrics, audit: AuditLog) -> None:
    """The call's metrics and its audit line, from its outcome (the only place either is made)."""
    child = metrics.child
    for use in outcome.upstream_calls:
        labels = (use.upstream, use.credential, use.function)
        if use.seconds is not None:
            child(metrics.upstream_duration, *labels).observe(use.seconds)
        child(metrics.upstream_requests, *labels, use.result).inc()
    if outcome.app is not None:
        function = outcome.function or "_unknown"
        child(metrics.requests, outcome.app, function, outcome.outcome).inc()
        if outcome.outcome == "client_timeout":
            child(metrics.client_timeouts, outcome.app, function).inc()
        child(metrics.request_duration, outcome.app, function).observe(outcome.total_seconds)
    audit.write(outcome.audit_record())
