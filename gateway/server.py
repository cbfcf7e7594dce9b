"""The listener: TLS (reloaded when its files change), connection limits, slow-client deadlines.

:func:`start_listener` puts an application on a socket the way ``vicigw serve`` runs it:

- HTTPS with ``server.tls``; the certificate and key are re-read whenever either file changes
  (polled every ``reload_interval``), into the same SSL context, so new handshakes get the new
  certificate and open connections carry on. A broken new pair is logged and the old one stays.
  With ``client_ca_file`` clients may present a certificate (apps can require one).
- At most ``max_connections`` open connections: a connection beyond that gets a JSON 503 and is
  closed at once, before any request is read.
- A new connection must deliver its first request's headers within ``client_timeout`` (and the
  TLS handshake too), else it is closed; the body has the same deadline (see
  :func:`gateway.app.read_json`). Request lines and header fields longer than
  ``max_header_bytes`` are refused.
- Errors aiohttp answers itself, before any middleware runs (malformed HTTP, oversized headers),
  are JSON too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .config import Config, ServerConfig, TLSConfig
from .errors import error_body
from .files import file_stamp

log = logging.getLogger("gateway.server")

_ERROR_TYPES = {
    400: "bad_request",
    408: "request_timeout",
    413: "too_large",
    431: "too_large",
    503: "unavailable",
}


def server_ssl_context(tls: TLSConfig) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(tls.cert_file, tls.key_file)
    if tls.client_ca_file is not None:
        ctx.load_verify_locations(cafile=str(tls.client_ca_file))
        # Optional at the TLS layer; apps that need a certificate are checked per request.
        ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def _json_error(status: int, message: str) -> bytes:
    """A complete raw HTTP response, for connections refused before aiohttp sees them."""
    body = json.dumps(error_body(_ERROR_TYPES.get(status, "internal_error"), message)).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n"
    )
    if status == 503:
        head += "Retry-After: 1\r\n"
    return (head + "\r\n").encode() + body


class _Refuse(asyncio.Protocol):
    """Answers a connection over the limit with a JSON 503 and closes it."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(_json_error(503, "too many open connections"))
        transport.close()

    def data_received(self, data: bytes) -> None:
        return None


class _Handler(web.RequestHandler):
    """aiohttp's per-connection protocol, answering its own errors in the gateway's JSON."""

    seen_request = False

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:
            raise ConnectionError("response already started; cannot send an error")
        log.info(
            "request refused by the HTTP layer",
            extra={"status": status, "error": type(exc).__name__ if exc else None},
        )
        text = {
            400: "malformed HTTP request",
            413: "request too large",
            431: "request header too large",
        }.get(status, "internal error")
        if status == 400 and exc is not None and "bytes" in str(exc):
            status, text = 431, "request line or header too large"
        resp = web.json_response(
            error_body(_ERROR_TYPES.get(status, "internal_error"), text), status=status
        )
        resp.force_close()
        return resp


@dataclass
class Listener:
    """A running listener; ``close()`` stops accepting (in-flight requests are the runner's)."""

    server: asyncio.AbstractServer
    port: int
    ssl_context: ssl.SSLContext | None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.server.close()
        await self.server.wait_closed()


def handler_args(cfg: ServerConfig) -> dict[str, Any]:
    """Keyword arguments for aiohttp's RequestHandler (also given to AppRunner)."""
    return {
        "max_line_size": cfg.max_header_bytes,
        "max_field_size": cfg.max_header_bytes,
        "keepalive_timeout": 15.0,
    }


async def start_listener(runner: web.AppRunner, cfg: ServerConfig) -> Listener:
    """Listen on ``cfg.host:cfg.port`` for an already set-up runner."""
    loop = asyncio.get_running_loop()
    server = runner.server
    assert server is not None, "runner.setup() first"
    kwargs = handler_args(cfg)
    original_factory = server.request_factory

    def request_factory(message: Any, payload: Any, protocol: Any, writer: Any, task: Any) -> Any:
        if isinstance(protocol, _Handler):
            protocol.seen_request = True
        return original_factory(message, payload, protocol, writer, task)

    server.request_factory = request_factory

    def first_request_deadline(handler: _Handler) -> None:
        if not handler.seen_request and handler.transport is not None:
            log.info("closing a connection that sent no complete request in time")
            handler.transport.close()

    def factory() -> asyncio.Protocol:
        if len(server.connections) >= cfg.max_connections:
            return _Refuse()
        handler = _Handler(server, loop=loop, **kwargs)
        loop.call_later(cfg.client_timeout, first_request_deadline, handler)
        return handler

    ssl_ctx = server_ssl_context(cfg.tls) if cfg.tls is not None else None
    aserver = await loop.create_server(
        factory,
        cfg.host,
        cfg.port,
        ssl=ssl_ctx,
        ssl_handshake_timeout=cfg.client_timeout if ssl_ctx else None,
        reuse_address=True,
    )
    port = int(aserver.sockets[0].getsockname()[1])
    listener = Listener(aserver, port, ssl_ctx)
    if cfg.tls is not None and ssl_ctx is not None:
        listener.tasks.append(asyncio.create_task(_watch_tls(ssl_ctx, cfg.tls)))
    return listener


async def _watch_tls(
    ctx: ssl.SSLContext, tls: TLSConfig, *, on_reload: Callable[[bool], None] | None = None
) -> None:
    """Reload the certificate chain into ``ctx`` when its files change."""
    files = (tls.cert_file, tls.key_file)
    seen = [file_stamp(f) for f in files]
    while True:
        await asyncio.sleep(tls.reload_interval)
        now = [file_stamp(f) for f in files]
        if now == seen:
            continue
        seen = now
        try:
            ctx.load_cert_chain(tls.cert_file, tls.key_file)
        except (OSError, ssl.SSLError, ValueError) as exc:
            log.error(
                "new TLS certificate not loaded; keeping the old one",
                extra={"error": type(exc).__name__, "cert_file": str(tls.cert_file)},
            )
            if on_reload:
                on_reload(False)
        else:
            log.info("TLS certificate reloaded", extra={"cert_file": str(tls.cert_file)})
            if on_reload:
                on_reload(True)


async def serve(
    cfg: Config,
    *,
    stop: asyncio.Event | None = None,
    ready: Callable[[Listener], None] | None = None,
) -> None:
    """Run the gateway until SIGTERM/SIGINT (or ``stop``), then shut down gracefully.

    Shutdown stops accepting connections first, then lets requests in flight finish (up to
    ``server.shutdown_timeout``), then closes the upstream pools.
    """
    from .app import create_app  # the app module does not depend on this one

    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(
        create_app(cfg, watch=True),
        access_log=None,
        handle_signals=False,
        shutdown_timeout=cfg.server.shutdown_timeout,
        **handler_args(cfg.server),
    )
    await runner.setup()
    try:
        listener = await start_listener(runner, cfg.server)
    except BaseException:
        await runner.cleanup()
        raise
    metrics_runner: web.AppRunner | None = None
    if cfg.server.metrics_port is not None:
        metrics_runner = await _metrics_listener(runner, cfg.server)
    log.info(
        "listening",
        extra={"host": cfg.server.host, "port": listener.port, "tls": cfg.server.tls is not None},
    )
    if ready is not None:
        ready(listener)
    try:
        await stop.wait()
    finally:
        log.info("shutting down: no new connections; finishing requests in flight")
        await listener.close()
        await runner.cleanup()
        if metrics_runner is not None:
            await metrics_runner.cleanup()
        log.info("stopped")


async def _metrics_listener(api: web.AppRunner, cfg: ServerConfig) -> web.AppRunner:
    """``GET /metrics`` alone, on ``metrics_host:metrics_port`` (kept off the API listener)."""
    from .app import METRICS_KEY, metrics_view

    app = web.Application()
    app[METRICS_KEY] = api.app[METRICS_KEY]
    app.router.add_get("/metrics", metrics_view)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    host = cfg.metrics_host or cfg.host
    site = web.TCPSite(runner, host, cfg.metrics_port)
    await site.start()
    log.info("metrics listening", extra={"host": host, "port": cfg.metrics_port})
    return runner
