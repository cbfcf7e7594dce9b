"""The aiohttp application: routes, middlewares, and the data path of one call.

``POST /v1/non-agent/{function}`` runs the steps in order, each in its own module::

    auth.Authenticator.authenticate   bearer JWT → Caller (app)          401
    catalog.CATALOG                   function name → spec               404
    policy.build_params               app, spec, JSON → form params      400 / 403
    limits.check_rate                 the app's token bucket             429
    custom_fields.CustomFields.plan   custom lead fields (may ask VICIdial) 400 / 403
    limits.begin_idempotent           Idempotency-Key: replay or start   409 / 422
    limits.Concurrency.slots          app, class, upstream caps          503
    cache.ReplyCache                  coalescing / short cache (opt-in)
    upstream.Upstream.call            POST to VICIdial, scrubbed text    502 / 503 / 504
    catalog.parser.parse_reply        text → ParsedReply                 502 on an unknown shape
    reply_error / reply_json (here)   ParsedReply → error (see errors) or JSON body
    export.stream_export              (streamed exports instead of the last three)

Each request runs on the configuration generation it started with (``reload.Generations``), and
writes one audit record (``audit``) however it ends. Every reply is sent within
``server.write_timeout`` (``client_writes``); a client that does not take it is cut off.

One middleware gives every response a request id and turns every failure, including aiohttp's
own (unknown route, wrong method, body too large), into the JSON error body. Anything unexpected
is a generic 500 with the request id and no internals.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .audit import AuditRecord, loggable_params
from .auth import Caller
from .catalog import CATALOG
from .catalog.describe import describe
from .catalog.generic import CALLER_MESSAGES
from .catalog.parser import ParsedReply, ReplyShapeError, parse_reply
from .catalog.reply import hide_logins, notices_json
from .catalog.spec import CustomParse, FunctionSpec
from .catalog.stream import streamable
from .client_writes import send
from .config import AppConfig, Config
from .custom_fields import Lookup, take
from .custom_fields import describe as describe_custom
from .errors import (
    ERROR_TYPES,
    BadRequest,
    GatewayError,
    NoCredential,
    NotSent,
    RequestTimeout,
    TooLarge,
    Unauthorized,
    UnknownFunction,
    UpstreamError,
    UpstreamTimeout,
    error_body,
    error_of_type,
    error_response,
    from_http_exception,
)
from .export import Export, stream_export
from .limits import IdempotentCall, begin_idempotent, check_rate
from .policy import build_params, gateway_params
from .refusal import refusal_reply
from .reload import Generation
from .services import RequestScope, Services, open_services
from .store import StoredResponse
from .upstream import Upstream, UpstreamReply, credential_used, function_class
from .version import __version__

log = logging.getLogger("gateway.app")

# Typed application state: every key in one place.
SERVICES = web.AppKey("services", Services)  # built on startup (see gateway.services)
SCOPE = web.RequestKey("scope", RequestScope)  # the services and generation of this request

_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Statuses whose VICIdial data is about the caller's own input and may be shown as details.
_DETAIL_STATUSES = {404, 409, 422}


def create_app(
    config: Config,
    *,
    upstreams: Mapping[str, Upstream] | None = None,
    clock: Callable[[], float] = time.time,
    watch: bool = False,
) -> web.Application:
    """Build the gateway application.

    ``upstreams`` replaces the real VICIdial clients (unit tests pass a fake); by default one
    :class:`~gateway.upstream.VicidialUpstream` per configured upstream is opened on startup and
    closed on cleanup. ``watch`` reloads the config on SIGHUP and when its files change.
    """
    app = web.Application(
        client_max_size=config.server.max_body_bytes,
        middlewares=[make_error_middleware()],
    )

    async def services_ctx(app: web.Application) -> AsyncIterator[None]:
        services = open_services(config, upstreams=upstreams, clock=clock)
        app[SERVICES] = services
        interval = config.server.config_watch_interval
        async with services.generations.watching(interval) if watch else _nothing():
            yield
        await services.close()

    app.cleanup_ctx.append(services_ctx)
    app.router.add_post("/v1/non-agent/{function}", non_agent_call)
    app.router.add_get("/v1/functions", functions_view)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if config.server.metrics_port is None:
        app.router.add_get("/metrics", metrics_view)  # else on its own listener (see server.py)
    return app


@contextlib.asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield


# --- middleware -----------------------------------------------------------------------------


def make_error_middleware() -> Middleware:
    @web.middleware
    async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID_RE.fullmatch(given) else uuid.uuid4().hex
        services = request.app[SERVICES]
        try:
            async with services.generations.use() as generation:
                request[SCOPE] = RequestScope(services, generation, request_id)
                response = await handler(request)
        except GatewayError as exc:
            response = _error_response(request, request_id, exc)
        except web.HTTPException as exc:
            response = _error_response(request, request_id, from_http_exception(exc))
        except Exception as exc:
            log.error(
                "unexpected error",
                extra={"request_id": request_id, "error": type(exc).__name__},
                exc_info=False,
            )
            response = _error_response(request, request_id, GatewayError("internal error"))
        if not response.prepared:
            response.headers["X-Request-ID"] = request_id
            timeout = services.generations.current.config.server.write_timeout
            if not await send(request, response, timeout):
                log.warning(
                    "client did not read the reply in time; connection cut",
                    extra={"request_id": request_id, "status": response.status},
                )
        return response

    return error_middleware


def _function_of(request: web.Request) -> str | None:
    """The catalog function a request is about (also for 405s, where the route did not match)."""
    prefix = "/v1/non-agent/"
    name = request.path[len(prefix) :] if request.path.startswith(prefix) else None
    return name if name in CATALOG else None


def _error_response(request: web.Request, request_id: str, exc: GatewayError) -> web.Response:
    return error_response(exc, function=_function_of(request), request_id=request_id)


# --- views ----------------------------------------------------------------------------------


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "status": "alive", "version": __version__})


async def readyz(request: web.Request) -> web.Response:
    """Ready or not, for anyone; the checks only with ``server.readyz_details``."""
    scope = request[SCOPE]
    gen = scope.generation
    return await _readiness(scope.services, gen, details=gen.config.server.readyz_details)


def make_readyz_details(api: web.Application) -> Handler:
    """``GET /readyz`` with every check, for the metrics listener (see :mod:`gateway.server`)."""

    async def readyz_details(request: web.Request) -> web.StreamResponse:
        services = api[SERVICES]
        async with services.generations.use() as gen:
            return await _readiness(services, gen, details=True)

    return readyz_details


async def _readiness(services: Services, gen: Generation, *, details: bool) -> web.Response:
    # The checks name the VICIdial version and how many credentials are in service: what an
    # attacker probing the API listener would like to know, so they are not shown there.
    rejected = services.generations.rejected_on_disk()
    ok, checks = await services.readiness.check(gen, rejected)
    status = ("degraded" if rejected is not None else "ready") if ok else "not ready"
    body: dict[str, Any] = {"ok": ok, "status": status}
    if details:
        body["checks"] = checks
    return web.json_response(body, status=200 if ok else 503)


async def metrics_view(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[SERVICES].metrics.render(),
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )


def _authenticate(request: web.Request) -> Caller:
    """The calling app (first step of every /v1 call); failures are logged and counted by reason.

    An app with a ``client_cert`` rule must also have presented a client certificate on this
    connection (verified by TLS against ``server.tls.client_ca_file``; optionally pinned).
    """
    try:
        headers = request.headers.getall("Authorization", [])
        if len(headers) > 1:
            # Which one a proxy or a framework would pick is not defined: accept neither.
            raise Unauthorized("malformed", challenge='Bearer error="invalid_request"')
        caller = request[SCOPE].generation.auth.authenticate(headers[0] if headers else None)
        _check_client_cert(request, caller.app)
    except Unauthorized as exc:
        # The caller is told only "invalid token"; why is for the operators.
        request[SCOPE].services.metrics.auth_failures.labels(reason=exc.reason).inc()
        extra = {"request_id": request[SCOPE].request_id, "reason": exc.reason}
        if exc.claim is not None:
            extra["claim"] = exc.claim
        log.warning("authentication failed", extra=extra)
        raise
    return caller


def _check_client_cert(request: web.Request, app: AppConfig) -> None:
    rule = app.client_cert
    if rule is None or not rule.required:
        return
    transport = request.transport
    sslobj = transport.get_extra_info("ssl_object") if transport is not None else None
    der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
    if der is None:
        raise Unauthorized("client_cert_required")  # this app must present a certificate
    if rule.sha256 and hashlib.sha256(der).hexdigest() not in rule.sha256:
        raise Unauthorized("client_cert_mismatch")  # not a certificate this app may use


async def functions_view(request: web.Request) -> web.Response:
    """The functions the calling app may use, with their parameters and this app's rules."""
    app = _authenticate(request).app
    functions = [
        describe(
            spec,
            {p: (r.allow, r.force) for p, r in app.params.get(spec.name, {}).items()},
        )
        for spec in CATALOG.values()
        if spec.name in app.functions
    ]
    for function in functions:
        custom = describe_custom(app, function["name"])
        if custom is not None:
            function["params"].append(custom)
    return web.json_response(
        {
            "ok": True,
            "app": app.name,
            "functions": functions,
            "request_id": request[SCOPE].request_id,
        }
    )


async def non_agent_call(request: web.Request) -> web.StreamResponse:
    """``POST /v1/non-agent/{function}``: the whole data path of one call (see module doc)."""
    metrics = request[SCOPE].services.metrics
    gen = request[SCOPE].generation
    record = AuditRecord(request[SCOPE].request_id)
    spec = CATALOG.get(request.match_info["function"])
    if spec is not None:
        record.function, record.effect = spec.name, spec.effect
    try:
        caller = _authenticate(request)
        record.app = caller.app.name
        response = await _call(request, caller, spec, record)
        record.status = response.status
        if not response.prepared:  # sent here, so that this record says if it was taken
            response.headers["X-Request-ID"] = request[SCOPE].request_id
            if not await send(request, response, gen.config.server.write_timeout):
                record.outcome = "client_timeout"
        if record.outcome == "internal_error":  # not set on the way (an error, a replay)
            record.outcome = "ok"
        return response
    except GatewayError as exc:
        record.status, record.outcome = exc.status, exc.type
        record.credential = record.credential or credential_used()
        if isinstance(exc, NoCredential):
            record.reason = exc.reason
        raise
    finally:
        if record.app is not None:
            fn_label = spec.name if spec else "_unknown"
            metrics.requests.labels(record.app, fn_label, record.outcome).inc()
            if record.outcome == "client_timeout":
                metrics.client_timeouts.labels(record.app, fn_label).inc()
            metrics.request_duration.labels(record.app, fn_label).observe(
                time.monotonic() - record.started
            )
        gen.audit.write(record)


async def _call(
    request: web.Request, caller: Caller, spec: FunctionSpec | None, record: AuditRecord
) -> web.StreamResponse:
    if spec is None:
        name = request.match_info["function"]
        raise UnknownFunction(
            "unknown function", details={"function": name[:64].encode("unicode_escape").decode()}
        )
    gen = request[SCOPE].generation
    runtime = request[SCOPE].services
    metrics = request[SCOPE].services.metrics
    body = await read_json(request)
    custom = take(spec, body)
    params = build_params(caller.app, spec, body)
    audit = gen.config.audit
    record.params = loggable_params(spec, params, audit.phone_digits, audit.personal_data)
    record.note_ids(params)
    await check_rate(runtime.state.rate_limits, caller.app, metrics)
    upstream_cfg = gen.config.upstreams[caller.app.upstream]
    plan = await runtime.custom_fields.plan(
        caller.app, upstream_cfg, spec, params, custom, _own_calls(request, caller)
    )
    params = plan.params
    idempotent: IdempotentCall | None = None
    key = request.headers.get("Idempotency-Key")
    if key is not None and spec.effect == "mutating":
        started = await begin_idempotent(
            runtime.state.idempotency, caller.app, key, spec.name, plan.fingerprint
        )
        if isinstance(started, StoredResponse):
            record.outcome = "replayed"
            return web.json_response(
                started.body, status=started.status, headers={"Idempotent-Replayed": "true"}
            )
        idempotent = started
    try:
        response, acted = await _upstream_call(
            request, caller, spec, params, record, after=plan.after
        )
    except GatewayError as exc:
        if idempotent is not None:
            if isinstance(exc, UpstreamError | UpstreamTimeout) and not isinstance(exc, NotSent):
                # Sent, so the write may have happened (a timeout, a cut or unreadable reply):
                # the outcome is stored, and the call is never sent twice.
                body = error_body(
                    exc.type, exc.message, function=spec.name, request_id=request[SCOPE].request_id
                )
                await idempotent.finish(exc.status, body)
            else:
                await idempotent.abort()  # VICIdial never got it: a retry may send it
        raise
    if idempotent is not None:
        if acted and isinstance(response, web.Response) and isinstance(response.body, bytes):
            await idempotent.finish(response.status, json.loads(response.body))
        else:
            # VICIdial refused the gateway's own login or permissions before doing anything:
            # a retry (once that is fixed) must be able to do the write.
            await idempotent.abort()
    return response


async def _upstream_call(
    request: web.Request,
    caller: Caller,
    spec: FunctionSpec,
    params: dict[str, str],
    record: AuditRecord,
    *,
    after: Callable[[ParsedReply], Awaitable[ParsedReply]] | None = None,
) -> tuple[web.StreamResponse, bool]:
    """The response, and whether VICIdial got as far as the function itself (past its login,
    source and permission checks, which it makes before doing anything). ``after`` may add to
    the parsed reply (a second call: add_lead's custom fields)."""
    gen = request[SCOPE].generation
    runtime = request[SCOPE].services
    metrics = request[SCOPE].services.metrics
    upstream_name = caller.app.upstream
    upstream = gen.upstreams[upstream_name]
    upstream_cfg = gen.config.upstreams[upstream_name]
    klass = function_class(spec)
    sent = time.monotonic()
    inflight = metrics.inflight.labels(upstream_name)
    if streamable(spec):
        async with runtime.concurrency.slots(caller.app, upstream_cfg, klass):
            # The whole export, writing to the client included, ends by its class timeout: a
            # client that does not read cannot keep the slots.
            limit = upstream_cfg.class_timeouts.get(klass, upstream_cfg.timeout)
            inflight.inc()
            try:
                export = await stream_export(
                    request,
                    spec,
                    params,
                    upstream,
                    source=caller.app.source,
                    request_id=request[SCOPE].request_id,
                    deadline=asyncio.get_running_loop().time() + limit,
                    write_timeout=gen.config.server.write_timeout,
                    logins=runtime.credentials.logins(upstream_name),
                )
            finally:
                inflight.dec()
            if isinstance(export, Export):
                record.credential = export.credential
                record.upstream_seconds = time.monotonic() - sent
                record.result, record.rows = "SUCCESS", export.rows
                if export.cut:
                    record.outcome = "client_timeout"
                metrics.upstream_duration.labels(
                    upstream=upstream_name, credential=export.credential, function=spec.name
                ).observe(record.upstream_seconds)
                metrics.upstream_requests.labels(
                    upstream=upstream_name,
                    credential=export.credential,
                    function=spec.name,
                    result="SUCCESS",
                ).inc()
                return export.response, True
        # No rows: answered like any other reply.
        parsed, record.credential = export.parsed, export.credential
        retry_after, record.reason = export.retry_after, export.reason
    else:

        async def call(form: Mapping[str, str] = params) -> UpstreamReply:
            async with runtime.concurrency.slots(caller.app, upstream_cfg, klass):
                inflight.inc()
                try:
                    return await upstream.call(spec, form, source=caller.app.source)
                finally:
                    inflight.dec()

        ttl = upstream_cfg.cache.get(spec.name)
        # Coalescing comes first: calls that join one in progress take no slot of their own.
        reply = (
            await call()
            if ttl is None
            else await runtime.cache.get_or_call(upstream_name, spec.name, params, ttl, call)
        )
        record.credential = reply.credential
        retry_after, record.reason = reply.retry_after, reply.reason
        parsed = (
            refusal_reply(reply.refusal)
            if reply.refusal is not None
            else _parse(request, spec, reply.status, reply.text, params)
        )
        if spec.raw_value is not None and parsed.message is not None and not parsed.login_failure:
            parsed = await _recheck_status(request, spec, params, parsed, reply.text, call)
    # The gateway's own VICIdial login, stored by VICIdial as data, is shown as its name.
    parsed = hide_logins(parsed, runtime.credentials.logins(upstream_name))
    record.upstream_seconds = time.monotonic() - sent
    record.result = parsed.result
    record.note_ids(parsed.data if isinstance(parsed.data, dict) else None)
    labels = {
        "upstream": upstream_name,
        "credential": record.credential or "",
        "function": spec.name,
    }
    metrics.upstream_duration.labels(**labels).observe(record.upstream_seconds)
    metrics.upstream_requests.labels(**labels, result=parsed.result).inc()
    if after is not None and not parsed.generic:
        parsed = await after(parsed)
    error = reply_error(parsed, retry_after)
    if error is not None:
        record.outcome = error.type
        response = error_response(error, function=spec.name, request_id=request[SCOPE].request_id)
    else:
        payload = {**reply_json(spec, parsed), "request_id": request[SCOPE].request_id}
        response = web.json_response(payload)
    return response, not parsed.generic


def _own_calls(request: web.Request, caller: Caller) -> Lookup:
    """Calls the gateway makes to VICIdial for a request, beside the request's own (a list's
    custom field labels, a lead's list): with the app's source and concurrency slots; a refusal
    of the gateway's own account ends the request as it would end its own call."""
    gen = request[SCOPE].generation
    runtime = request[SCOPE].services
    metrics = request[SCOPE].services.metrics
    name = caller.app.upstream
    upstream, cfg = gen.upstreams[name], gen.config.upstreams[name]

    async def call(spec: FunctionSpec, params: Mapping[str, str]) -> ParsedReply:
        form = {**params, **gateway_params(spec)}
        async with runtime.concurrency.slots(caller.app, cfg, function_class(spec)):
            reply = await upstream.call(spec, form, source=caller.app.source)
        parsed = (
            refusal_reply(reply.refusal)
            if reply.refusal is not None
            else _parse(request, spec, reply.status, reply.text, form)
        )
        metrics.upstream_requests.labels(
            upstream=name, credential=reply.credential, function=spec.name, result=parsed.result
        ).inc()
        error = reply_error(parsed, reply.retry_after) if parsed.generic else None
        if error is not None:
            # What happened, not the own call's notices: they are not about the caller's request.
            raise error_of_type(error.type, error.message, retry_after=error.retry_after)
        return parsed

    return call


async def _recheck_status(
    request: web.Request,
    spec: FunctionSpec,
    params: Mapping[str, str],
    parsed: ParsedReply,
    text: str,
    call: Callable[[Mapping[str, str]], Awaitable[UpstreamReply]],
) -> ParsedReply:
    """A reply that read as a status line, when the whole reply may be a stored value
    (``spec.raw_value``): it stands unless a second call, whose answer data cannot forge,
    proves it data."""
    raw = spec.raw_value
    assert raw is not None
    recheck = raw.recheck(params)
    again = await call(recheck)
    if again.status != 200 or again.refusal is not None or not raw.proves_data(again.text, recheck):
        return parsed
    log.info(
        "a reply that read as a status line was stored data (recheck)",
        extra={"request_id": request[SCOPE].request_id, "function": spec.name},
    )
    return _parse(request, spec, 200, text, params, raw.as_data)


async def read_json(request: web.Request) -> Any:
    """The body as JSON; an empty body is an empty object. Duplicate keys are refused.

    The whole body must arrive within ``server.client_timeout`` (a slow client holds a
    connection and a request slot for nothing).
    """
    try:
        async with asyncio.timeout(request[SCOPE].generation.config.server.client_timeout):
            raw = await request.read()
    except TimeoutError:
        raise RequestTimeout("the request body did not arrive in time") from None
    except web.HTTPRequestEntityTooLarge:
        raise TooLarge("request body too large") from None
    if not raw.strip():
        return {}
    try:
        # Strict UTF-8 first (a BOM is allowed): json.loads on bytes would let encoded
        # surrogates and other encodings through.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not valid JSON (UTF-8 expected)") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        raise BadRequest(
            f"duplicate key {exc.key!r} in the JSON body", details={"parameter": exc.key}
        ) from None
    except (ValueError, RecursionError):
        raise BadRequest("the request body is not valid JSON") from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key[:64]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _parse(
    request: web.Request,
    spec: FunctionSpec,
    status: int,
    text: str,
    params: Mapping[str, str],
    reader: CustomParse | None = None,
) -> ParsedReply:
    """The parsed reply (by the catalog, or by ``reader``); 502 for an HTTP error or no shape."""
    if status != 200:
        log.warning(
            "upstream answered with an HTTP error",
            extra={
                "request_id": request[SCOPE].request_id,
                "function": spec.name,
                "http_status": status,
            },
        )
        raise UpstreamError(f"VICIdial answered HTTP {status}")
    try:
        return (reader or _parse_reply)(spec, text, params)
    except ReplyShapeError as exc:
        log.warning(
            "unrecognised VICIdial reply",
            extra={
                "request_id": request[SCOPE].request_id,
                "function": spec.name,
                "excerpt": exc.excerpt,
            },
        )
        raise UpstreamError("VICIdial sent a reply the gateway does not recognise") from None


def _parse_reply(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    return parse_reply(spec, text, params=params)


def reply_json(spec: FunctionSpec, parsed: ParsedReply) -> dict[str, Any]:
    """The JSON body of a parsed reply that is no error (see :func:`reply_error`; request_id is
    added by the caller)."""
    return {
        "ok": True,
        "function": spec.name,
        "result": parsed.result,
        "message": parsed.message,
        "data": parsed.data,
        "notices": notices_json(parsed.notices),
    }


def reply_error(parsed: ParsedReply, retry_after: int | None = None) -> GatewayError | None:
    """The error a parsed reply is, if it is one; ``retry_after`` is the wait the credential
    pool computed when the call ran out of credentials (kept if the error carries one: a 503
    for VICIdial's lock of the gateway's login)."""
    if parsed.result != "ERROR" or parsed.error_type is None:
        return None
    cls = ERROR_TYPES.get(parsed.error_type, UpstreamError)
    if parsed.generic:
        message = CALLER_MESSAGES.get(
            parsed.message or "", "VICIdial refused the gateway's account"
        )
    elif cls.status in _DETAIL_STATUSES:
        message = parsed.message or "VICIdial refused the request"
    else:
        message = f"VICIdial refused the gateway's account: {parsed.message}"
    details = (
        parsed.data if cls.status in _DETAIL_STATUSES and isinstance(parsed.data, dict) else {}
    )
    return error_of_type(
        parsed.error_type,
        message,
        details=details,
        notices=notices_json(parsed.notices),
        retry_after=retry_after,
    )
