"""The aiohttp application: routes, the middleware, and the wiring of the process's services.

:func:`create_app` builds the application; its cleanup context builds the process's services
once (:func:`gateway.services.open_services`), watches the configuration if asked, and closes
them at shutdown. The handlers are in :mod:`gateway.views`; the steps of a call are in
:mod:`gateway.call`.

One middleware gives every request its :class:`~gateway.services.RequestScope` (the services,
the configuration generation it runs on to its end, and a request id) and every response its
``X-Request-ID``, and turns every failure, aiohttp's own included (unknown route, wrong method,
body too large), into the JSON error body (:func:`gateway.errors.error_response`). Anything
unexpected is a generic 500 with the request id and no internals. Every reply is sent within
``server.write_timeout`` (:mod:`gateway.client_writes`); a client that does not take it is cut
off.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .catalog import AGENT_CATALOG, CATALOG
from .client_writes import send
from .config import Config
from .errors import GatewayError, error_response, from_http_exception, new_request_id
from .services import RequestScope, open_services
from .upstream import Upstream
from .views import (
    SCOPE,
    SERVICES,
    agent_call,
    functions_view,
    healthz,
    make_readyz_details,
    metrics_view,
    non_agent_call,
    openapi_view,
    readyz,
)

__all__ = [
    "SCOPE",
    "SERVICES",
    "create_app",
    "make_error_middleware",
    "make_readyz_details",
]

log = logging.getLogger("gateway.app")

_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def create_app(
    config: Config,
    *,
    upstreams: Mapping[str, Upstream] | None = None,
    clock: Callable[[], float] = time.time,
    timer: Callable[[], float] = time.monotonic,
    watch: bool = False,
) -> web.Application:
    """Build the gateway application.

    ``upstreams`` replaces the real VICIdial clients (unit tests pass a fake); by default one
    :class:`~gateway.upstream.VicidialUpstream` per configured upstream is opened on startup and
    closed on cleanup. ``clock`` (wall) and ``timer`` (monotonic) are the clocks of the services
    that keep time (see :func:`~gateway.services.open_services`). ``watch`` reloads the config
    on SIGHUP and when its files change.
    """
    app = web.Application(
        client_max_size=config.server.max_body_bytes,
        middlewares=[make_error_middleware()],
    )

    async def services_ctx(app: web.Application) -> AsyncIterator[None]:
        services = open_services(config, upstreams=upstreams, clock=clock, timer=timer)
        app[SERVICES] = services
        interval = config.server.config_watch_interval
        async with services.generations.watching(interval) if watch else _nothing():
            yield
        await services.close()

    app.cleanup_ctx.append(services_ctx)
    app.router.add_post("/v1/non-agent/{function}", non_agent_call)
    app.router.add_post("/v1/agent/{function}", agent_call)
    app.router.add_get("/v1/functions", functions_view)
    app.router.add_get("/openapi.json", openapi_view)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if config.server.metrics_port is None:
        app.router.add_get("/metrics", metrics_view)  # else on its own listener (see server.py)
    return app


@contextlib.asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield


def make_error_middleware() -> Middleware:
    @web.middleware
    async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID_RE.fullmatch(given) else new_request_id()
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
    for prefix, catalog in (("/v1/non-agent/", CATALOG), ("/v1/agent/", AGENT_CATALOG)):
        if request.path.startswith(prefix):
            name = request.path[len(prefix) :]
            return name if name in catalog else None
    return None


def _error_response(request: web.Request, request_id: str, exc: GatewayError) -> web.Response:
    return error_response(exc, function=_function_of(request), request_id=request_id)
