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
  :func:`gateway.views.read_json`). Request lines and header fields longer than
  ``max_header_bytes`` are refused.
- Errors aiohttp answers itself, before any middleware runs (malformed HTTP, oversized headers),
  are JSON too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .config import Config, ServerConfig, TLSConfig
from .errors import GatewayError, Unavailable, error_response, from_http_layer, new_request_id
from .files import file_stamp

log = logging.getLogger("gateway.server")

# A connection over the limit on the TLS listener gets this long to finish its handshake and
# receive its JSON 503; a stalled one is cut then, without holding a slot.
REFUSE_HANDSHAKE_SECONDS = 0.25


def server_ssl_context(tls: TLSConfig) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(tls.cert_file, tls.key_file)
    if tls.client_ca_file is not None:
        ctx.load_verify_locations(cafile=str(tls.client_ca_file))
        # Optional at the TLS layer; apps that need a certificate are checked per request.
        ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def raw_error(exc: GatewayError) -> bytes:
    """The error's reply as complete raw HTTP/1.1 bytes (the connection then closes), for
    connections refused before aiohttp sees them."""
    response = error_response(exc, request_id=new_request_id())
    body = response.body
    assert isinstance(body, bytes)
    lines = [f"HTTP/1.1 {response.status} {response.reason}"]
    lines += [f"{name}: {value}" for name, value in response.headers.items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _too_many_connections() -> bytes:
    return raw_error(Unavailable("too many open connections"))


class _Refuse(asyncio.Protocol):
    """Answers a connection over the limit with a JSON 503 and closes it."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(_too_many_connections())
        transport.close()

    def data_received(self, data: bytes) -> None:
        return None


class _Handler(web.RequestHandler):
    """aiohttp's per-connection protocol, answering its own errors in the gateway's JSON."""

    seen_request = False
    on_lost: Callable[[_Handler], None] | None = None

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        if self.on_lost is not None:
            self.on_lost(self)

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
        resp = error_response(from_http_layer(status, exc), request_id=new_request_id())
        resp.force_close()
        return resp


class _TlsAccept(asyncio.Protocol):
    """A TCP connection of the TLS listener: counted first, then upgraded, then handed over.

    Over the connection limit it is closed at once (no handshake is spent on it; a client gets
    a reset rather than a JSON 503, which would need the handshake). Otherwise the TLS handshake
    runs (bounded by ``client_timeout``) and aiohttp's protocol takes the TLS transport.
    """

    def __init__(
        self,
        new_handler: Callable[[], _Handler | None],
        ssl_ctx: ssl.SSLContext,
        timeout: float,
        forget: Callable[[_Handler], None],
    ) -> None:
        self._new_handler = new_handler
        self._ssl = ssl_ctx
        self._timeout = timeout
        self._forget = forget
        self._task: asyncio.Task[None] | None = None
        # Data that arrives between the end of the handshake and the handover.
        self._early: list[bytes] = []
        self._eof = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        handler = self._new_handler()
        loop = asyncio.get_running_loop()
        transport.pause_reading()  # the ClientHello is for start_tls, not for this protocol
        if handler is None:
            self._task = loop.create_task(self._refuse(transport))
        else:
            self._task = loop.create_task(self._upgrade(transport, handler))

    async def _handshake(self, transport: asyncio.Transport, timeout: float) -> asyncio.Transport:
        loop = asyncio.get_running_loop()
        tls = await loop.start_tls(
            transport, self, self._ssl, server_side=True, ssl_handshake_timeout=timeout
        )
        if tls is None:
            raise ConnectionError("TLS handshake gave no transport")
        return tls

    async def _upgrade(self, transport: asyncio.Transport, handler: _Handler) -> None:
        try:
            tls = await self._handshake(transport, self._timeout)
        except (OSError, ssl.SSLError, TimeoutError, ConnectionError):
            transport.abort()
            self._forget(handler)
            return
        tls.set_protocol(handler)
        handler.connection_made(tls)
        for data in self._early:
            handler.data_received(data)
        if self._eof:
            handler.eof_received()

    async def _refuse(self, transport: asyncio.Transport) -> None:
        """Over the limit: a JSON 503 if the handshake is quick, else the connection is cut."""
        try:
            tls = await self._handshake(transport, REFUSE_HANDSHAKE_SECONDS)
        except (OSError, ssl.SSLError, TimeoutError, ConnectionError):
            transport.abort()
            return
        tls.write(_too_many_connections())
        tls.close()

    def data_received(self, data: bytes) -> None:
        self._early.append(data)

    def eof_received(self) -> bool | None:
        self._eof = True
        return None

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()


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
    """Keyword arguments for aiohttp's RequestHandler (also given to AppRunner).

    The keep-alive timeout also bounds how long a later request on a kept-alive connection may
    take to arrive, so it is never longer than ``client_timeout``.
    """
    return {
        "max_line_size": cfg.max_header_bytes,
        "max_field_size": cfg.max_header_bytes,
        "keepalive_timeout": min(15.0, cfg.client_timeout),
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
        if handler.transport is None and not handler.seen_request:
            live.discard(handler)  # never connected (TLS handshake failed or still stalled)
        elif not handler.seen_request and handler.transport is not None:
            log.info("closing a connection that sent no complete request in time")
            handler.transport.close()

    # Every connection from accept on (a TLS handshake in progress counts too); aiohttp's own
    # list only has connections past the handshake. A handler leaves on connection_lost, or at
    # its first-request deadline if its connection never came up (a failed handshake).
    live: set[_Handler] = set()

    def new_handler() -> _Handler | None:
        if len(live) >= cfg.max_connections:
            return None
        handler = _Handler(server, loop=loop, **kwargs)
        handler.on_lost = live.discard
        live.add(handler)
        loop.call_later(cfg.client_timeout, first_request_deadline, handler)
        return handler

    ssl_ctx = server_ssl_context(cfg.tls) if cfg.tls is not None else None

    def factory() -> asyncio.Protocol:
        if ssl_ctx is not None:
            # TLS is started by the protocol itself, after the connection was counted, so a
            # connection over the limit is closed at once instead of holding a handshake.
            return _TlsAccept(new_handler, ssl_ctx, cfg.client_timeout, live.discard)
        return new_handler() or _Refuse()

    aserver = await loop.create_server(factory, cfg.host, cfg.port, reuse_address=True)
    port = int(aserver.sockets[0].getsockname()[1])
    listener = Listener(aserver, port, ssl_ctx)
    if cfg.tls is not None and ssl_ctx is not None:
        listener.tasks.append(asyncio.create_task(_watch_tls(ssl_ctx, cfg.tls)))
    return listener


async def _watch_tls(ctx: ssl.SSLContext, tls: TLSConfig) -> None:
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
            # Check the pair on a throwaway context first: a failed load_cert_chain can leave
            # the live context with the new certificate and no usable key.
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
                tls.cert_file, tls.key_file
            )
            ctx.load_cert_chain(tls.cert_file, tls.key_file)
        except (OSError, ssl.SSLError, ValueError) as exc:
            log.error(
                "new TLS certificate not loaded; keeping the old one",
                extra={"error": type(exc).__name__, "cert_file": str(tls.cert_file)},
            )
        else:
            log.info("TLS certificate reloaded", extra={"cert_file": str(tls.cert_file)})


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
    """``GET /metrics`` and ``GET /readyz`` with its details, on ``metrics_host:metrics_port``
    (kept off the API listener)."""
    from .views import SERVICES, make_readyz_details, metrics_view

    app = web.Application()
    app[SERVICES] = api.app[SERVICES]
    app.router.add_get("/metrics", metrics_view)
    app.router.add_get("/readyz", make_readyz_details(api.app))
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    host = cfg.metrics_host or cfg.host
    site = web.TCPSite(runner, host, cfg.metrics_port)
    await site.start()
    log.info("metrics listening", extra={"host": host, "port": cfg.metrics_port})
    return runner
