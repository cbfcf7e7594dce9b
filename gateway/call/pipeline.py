"""The steps of one call in order (see :mod:`gateway.call`): :func:`run`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..auth import Caller
from ..catalog.reply import ParsedReply, hide_logins
from ..catalog.spec import Api, FunctionSpec
from ..catalog.stream import streamable
from ..custom_fields import After
from ..errors import GatewayError, NoCredential
from ..export import Export
from ..limits import check_rate
from ..services import RequestScope
from ..store import StoredResponse
from ..upstream import UpstreamReply, credential_used
from .authenticate import PeerCert, authenticate
from .authorize import authorize, authorize_custom, catalog_of, find_function
from .convert import needs_recheck, read, recheck
from .forward import Exporter, Forwarder
from .limit import agent_turn, begin, settle, settle_error
from .outcome import Trace, UpstreamUse, record
from .reply import Reply, Send, answer, deliver, replayed


@dataclass(frozen=True)
class CallRequest:
    """One ``POST /v1/non-agent/{function}`` or ``/v1/agent/{function}``, as the pipeline needs
    it (read by :mod:`gateway.views`): plain values, and the ways to read the body and to
    answer."""

    function: str
    authorization: tuple[str, ...]  # every Authorization header value
    idempotency_key: str | None
    peer_cert: PeerCert
    read_body: Callable[[], Awaitable[Any]]  # the JSON body (400 / 408 / 413)
    send: Send
    export: Exporter
    api: Api = "non_agent"  # the route's: /v1/non-agent/ or /v1/agent/


async def run(scope: RequestScope, call: CallRequest) -> web.StreamResponse:
    """The response of the call (already sent); a gateway error is raised for the middleware to
    answer. Whatever happens, the call's outcome is recorded once (:mod:`gateway.call.outcome`)."""
    services, gen, request_id = scope.services, scope.generation, scope.request_id
    trace = Trace(request_id, catalog_of(call.api).get(call.function))
    status, ended = 500, "internal_error"
    try:
        caller = authenticate(
            gen.auth,
            call.authorization,
            call.peer_cert,
            metrics=services.metrics,
            request_id=request_id,
        )
        trace.app = caller.app.name
        reply = await _call(scope, call, caller, trace)
        status, ended = reply.response.status, reply.outcome
        if not await deliver(
            call.send, reply.response, request_id, gen.config.server.write_timeout
        ):
            ended = "client_timeout"
        return reply.response
    except GatewayError as exc:
        status, ended = exc.status, exc.type
        trace.credential = trace.credential or credential_used()
        if isinstance(exc, NoCredential):
            trace.reason = exc.reason
        raise
    finally:
        record(trace.end(status, ended), services.metrics, gen.audit)


async def _call(scope: RequestScope, call: CallRequest, caller: Caller, trace: Trace) -> Reply:
    services, gen, request_id = scope.services, scope.generation, scope.request_id
    spec = find_function(call.function, call.api)
    body = await call.read_body()
    authorized = authorize(caller.app, spec, body, gen.config.audit)
    trace.params, trace.request_ids = authorized.loggable, authorized.params
    await check_rate(services.state.rate_limits, caller.app, services.metrics)
    upstream = caller.app.upstream
    forwarder = Forwarder(
        app=caller.app,
        upstream=gen.upstreams[upstream],
        config=gen.config.upstreams[upstream],
        concurrency=services.concurrency,
        cache=services.cache,
        metrics=services.metrics,
        logins=services.credentials.logins(upstream),
        write_timeout=gen.config.server.write_timeout,
        request_id=request_id,
        calls=trace.upstream_calls,
    )
    plan = await authorize_custom(
        services.custom_fields, caller.app, forwarder.config, spec, authorized, forwarder.lookup
    )
    idempotent = await begin(
        services.state.idempotency, caller.app, spec, call.idempotency_key, plan.fingerprint
    )
    if isinstance(idempotent, StoredResponse):
        return replayed(idempotent)
    try:
        async with agent_turn(services.state.agents, forwarder.config, spec, plan.params):
            reply, acted = await _forward(
                forwarder, call.export, spec, plan.params, plan.after, trace
            )
    except GatewayError as exc:
        if idempotent is not None:
            await settle_error(idempotent, exc, spec.name, request_id)
        raise
    if idempotent is not None:
        await settle(idempotent, reply.response.status, reply.body(), acted=acted)
    return reply


async def _forward(
    forwarder: Forwarder,
    exporter: Exporter,
    spec: FunctionSpec,
    params: Mapping[str, str],
    after: After | None,
    trace: Trace,
) -> tuple[Reply, bool]:
    """Forward, convert, and the reply made: with whether VICIdial got as far as the function
    itself (past its login, source and permission checks, which it makes before doing
    anything). ``after`` may add to the parsed reply (a second call: add_lead's custom
    fields)."""
    upstream, request_id = forwarder.config.name, forwarder.request_id
    sent = time.monotonic()
    parsed: ParsedReply
    if streamable(spec):
        export = await forwarder.export(spec, params, exporter)
        trace.credential = export.credential
        if isinstance(export, Export):
            seconds = time.monotonic() - sent
            trace.upstream_seconds, trace.result, trace.rows = seconds, "SUCCESS", export.rows
            trace.upstream_calls.append(
                UpstreamUse(upstream, export.credential, spec.label, "SUCCESS", seconds)
            )
            return Reply(export.response, "client_timeout" if export.cut else "ok"), True
        # No rows: answered like any other reply.
        parsed, retry_after, trace.reason = export.parsed, export.retry_after, export.reason
    else:
        reply = await forwarder.fetch(spec, params)
        trace.credential, trace.reason, retry_after = (
            reply.credential,
            reply.reason,
            reply.retry_after,
        )
        parsed = read(spec, reply, params, request_id)
        if needs_recheck(spec, parsed):

            async def again(form: Mapping[str, str]) -> UpstreamReply:
                return await forwarder.post(spec, form)

            parsed = await recheck(spec, params, parsed, reply.text, again, request_id)
    # The gateway's own VICIdial login, stored by VICIdial as data, is shown as its name.
    parsed = hide_logins(parsed, forwarder.logins)
    seconds = time.monotonic() - sent
    trace.upstream_seconds, trace.result = seconds, parsed.result
    trace.reply_ids = parsed.data if isinstance(parsed.data, dict) else None
    trace.upstream_calls.append(
        UpstreamUse(upstream, trace.credential or "", spec.label, parsed.result, seconds)
    )
    if after is not None and not parsed.generic:
        parsed = await after(parsed)
    return answer(spec, parsed, retry_after, request_id), not parsed.generic
