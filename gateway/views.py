"""The HTTP handlers: each reads its request, runs what it stands for, writes the reply.

- ``POST /v1/non-agent/{function}``: :func:`non_agent_call`, the call's steps in
  :mod:`gateway.call`;
- ``GET /v1/functions``: the functions the calling app may use, with its rules;
- ``GET /openapi.json``: the OpenAPI document of those functions (:mod:`gateway.openapi`); the
  whole one without a token only with ``server.openapi_public``;
- ``GET /healthz`` (alive), ``GET /readyz`` (ready; the checks only with
  ``server.readyz_details``, or on the metrics listener) and ``GET /metrics``.

A handler gets what it works with from the request's :class:`~gateway.services.RequestScope`
(:data:`SCOPE`, set by the middleware of :mod:`gateway.app`): the process's services, the
configuration generation the request runs on, and its request id.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from .call.authenticate import authenticate
from .call.forward import Exporter
from .call.pipeline import CallRequest, run
from .catalog import AGENT_CATALOG, CATALOG
from .catalog.describe import describe
from .catalog.spec import Api
from .client_writes import send
from .custom_fields import describe as describe_custom
from .errors import BadRequest, RequestTimeout, TooLarge
from .export import stream_export
from .reload import Generation
from .services import RequestScope, Services
from .version import __version__

# Typed application state: every key in one place.
SERVICES = web.AppKey("services", Services)  # built on startup (see gateway.services)
SCOPE = web.RequestKey("scope", RequestScope)  # the services and generation of this request


async def non_agent_call(request: web.Request) -> web.StreamResponse:
    """``POST /v1/non-agent/{function}``: the whole data path of one call (:mod:`gateway.call`)."""
    return await _call(request, "non_agent")


async def agent_call(request: web.Request) -> web.StreamResponse:
    """``POST /v1/agent/{function}``: the same data path, for an Agent API function."""
    return await _call(request, "agent")


async def _call(request: web.Request, api: Api) -> web.StreamResponse:
    scope = request[SCOPE]
    timeout = scope.generation.config.server.client_timeout

    async def body() -> Any:
        return await read_json(request, timeout)

    async def reply(response: web.StreamResponse, timeout: float) -> bool:
        return await send(request, response, timeout)

    call = CallRequest(
        api=api,
        function=request.match_info["function"],
        authorization=tuple(request.headers.getall("Authorization", [])),
        idempotency_key=request.headers.get("Idempotency-Key"),
        peer_cert=lambda: peer_cert(request),
        read_body=body,
        send=reply,
        export=_exporter(request),
    )
    return await run(scope, call)


def _exporter(request: web.Request) -> Exporter:
    """The export streamer, bound to the request it answers."""
    return functools.partial(stream_export, request)


async def functions_view(request: web.Request) -> web.Response:
    """The functions the calling app may use, with their parameters and this app's rules."""
    scope = request[SCOPE]
    app = authenticate(
        scope.generation.auth,
        request.headers.getall("Authorization", []),
        lambda: peer_cert(request),
        metrics=scope.services.metrics,
        request_id=scope.request_id,
    ).app
    functions = [
        describe(spec, {p: (r.allow, r.force) for p, r in app.rules(spec).items()})
        for spec in (*CATALOG.values(), *AGENT_CATALOG.values())
        if app.may_call(spec)
    ]
    for function in functions:
        custom = describe_custom(app, function["name"]) if function["api"] == "non_agent" else None
        if custom is not None:
            function["params"].append(custom)
    return web.json_response(
        {"ok": True, "app": app.name, "functions": functions, "request_id": scope.request_id}
    )


async def openapi_view(request: web.Request) -> web.Response:
    """The OpenAPI document of the functions the calling app may use, with its rules; the whole
    document for a request without ``Authorization`` when ``server.openapi_public`` allows it.
    A token that is given must be valid (401 otherwise), switch or not."""
    scope = request[SCOPE]
    config = scope.generation.config
    authorization = request.headers.getall("Authorization", [])
    app = None
    if authorization or not config.server.openapi_public:
        app = authenticate(
            scope.generation.auth,
            authorization,
            lambda: peer_cert(request),
            metrics=scope.services.metrics,
            request_id=scope.request_id,
        ).app
    body = scope.services.openapi.document(config, app)
    return web.Response(body=body, content_type="application/json", charset="utf-8")


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


def peer_cert(request: web.Request) -> bytes | None:
    """The client certificate of the request's connection (DER; verified by TLS), if any."""
    transport = request.transport
    sslobj = transport.get_extra_info("ssl_object") if transport is not None else None
    der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
    return der if isinstance(der, bytes) else None


async def read_json(request: web.Request, timeout: float) -> Any:
    """The body as JSON; an empty body is an empty object. Duplicate keys are refused.

    The whole body must arrive within ``timeout`` (``server.client_timeout``: a slow client
    holds a connection and a request slot for nothing).
    """
    # A body that has all arrived is read without waiting: no deadline needed.
    deadline = contextlib.nullcontext() if request.content.is_eof() else asyncio.timeout(timeout)
    try:
        async with deadline:
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
