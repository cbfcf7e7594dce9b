"""The blocking client, on the standard library's ``http.client`` (one kept-alive connection;
one :class:`Client` per thread)."""

from __future__ import annotations

import http.client
import ssl
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .core import (
    DEFAULT_RETRIES,
    Reply,
    Request,
    Retries,
    Rows,
    Token,
    build,
    reply,
    retry_after_of,
    retry_wait,
)
from .errors import TransportError

if TYPE_CHECKING:
    from .types import Functions


class Client:
    """``Client("https://gw:8443", token).call("add_lead", phone_number=..., list_id=...)``.

    ``token``: the app's JWT, or a function returning a fresh one for each call.
    ``auto_idempotency``: every mutating call gets a new ``Idempotency-Key`` (kept on retries).
    """

    def __init__(
        self,
        base_url: str,
        token: Token,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 60.0,
        retries: Retries = DEFAULT_RETRIES,
        auto_idempotency: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        url = urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("base_url must be http(s)://host[:port]")
        self._https = url.scheme == "https"
        self._host, self._port = url.hostname, url.port
        self._prefix = url.path.rstrip("/")
        self._ssl = ssl_context
        self.timeout = timeout
        self.token = token
        self.retries = retries
        self.auto_idempotency = auto_idempotency
        self._sleep = sleep
        self._conn: http.client.HTTPConnection | None = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def fn(self) -> Functions:
        """Typed helpers: ``fn.add_lead(phone_number=..., list_id=...)`` (:mod:`.types`)."""
        from .types import Functions  # imported here: the generator of types.py imports this

        return Functions(self)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def call(
        self, function: str, /, idempotency_key: str | bool | None = None, **params: Any
    ) -> Reply[Any]:
        """Call ``function`` with ``params``; its :class:`Reply`, or its error raised."""
        request = self._build(function, params, idempotency_key, stream=False)
        status, headers, raw = self._send(request, lambda r: r.read())
        return reply(status, headers, raw)

    def stream(
        self, function: str, /, idempotency_key: str | bool | None = None, **params: Any
    ) -> Iterator[dict[str, Any]]:
        """The rows of a streamed export (NDJSON), one dict each; the trailer's error raised."""
        request = self._build(function, params, idempotency_key, stream=True)
        try:
            response = self._open(request)
        except (OSError, http.client.HTTPException) as exc:
            raise TransportError(0, f"no reply: {type(exc).__name__}") from None
        try:
            if response.status != 200:
                reply(response.status, dict(response.getheaders()), response.read())
            rows = Rows(function)
            while line := response.readline():
                yield from rows.feed(line)
            rows.end()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise TransportError(
                0, f"the {function} stream was cut: {type(exc).__name__}"
            ) from None
        finally:
            if not response.isclosed():
                self.close()  # stopped early: the rest of the stream is not read

    # -- sending ---------------------------------------------------------------------------------

    def _build(
        self, function: str, params: dict[str, Any], key: str | bool | None, *, stream: bool
    ) -> Request:
        return build(
            function,
            params,
            token=self.token,
            idempotency_key=key,
            auto_idempotency=self.auto_idempotency,
            stream=stream,
        )

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self._https:
                context = self._ssl or ssl.create_default_context()
                self._conn = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self.timeout, context=context
                )
            else:
                self._conn = http.client.HTTPConnection(
                    self._host, self._port, timeout=self.timeout
                )
        return self._conn

    def _open(self, request: Request) -> http.client.HTTPResponse:
        conn = self._connection()
        try:
            conn.request("POST", self._prefix + request.path, request.body, request.headers)
            return conn.getresponse()
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def _send(
        self, request: Request, read: Callable[[http.client.HTTPResponse], bytes]
    ) -> tuple[int, dict[str, str], bytes]:
        attempt = 0
        while True:
            try:
                response = self._open(request)
                raw = read(response)
                status, headers = response.status, dict(response.getheaders())
            except (OSError, http.client.HTTPException) as exc:
                wait = retry_wait(request.function, None, None, attempt, self.retries)
                if wait is None:
                    raise TransportError(0, f"no reply: {type(exc).__name__}") from None
            else:
                retry_after = retry_after_of(headers.get("Retry-After"))
                wait = retry_wait(request.function, status, retry_after, attempt, self.retries)
                if status == 200 or wait is None:
                    return status, headers, raw
            self._sleep(wait)
            attempt += 1
