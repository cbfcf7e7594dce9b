"""The asyncio client, on aiohttp (one session per client)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp

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
    from .types import AsyncFunctions


class AsyncClient:
    """``async with AsyncClient(url, token) as gw: await gw.call("version")``; the same options
    as :class:`gateway.client.Client`."""

    def __init__(
        self,
        base_url: str,
        token: Token,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 60.0,
        retries: Retries = DEFAULT_RETRIES,
        auto_idempotency: bool = False,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.retries = retries
        self.auto_idempotency = auto_idempotency
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def fn(self) -> AsyncFunctions:
        """Typed helpers: ``fn.add_lead(phone_number=..., list_id=...)`` (:mod:`.types`)."""
        from .types import AsyncFunctions  # imported here: the generator of types.py imports this

        return AsyncFunctions(self)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

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

    async def call(
        self, function: str, /, idempotency_key: str | bool | None = None, **params: Any
    ) -> Reply[Any]:
        """Call ``function`` with ``params``; its :class:`Reply`, or its error raised."""
        request = self._build(function, params, idempotency_key, stream=False)
        attempt = 0
        while True:
            try:
                async with self._http().post(
                    self.base_url + request.path,
                    data=request.body,
                    headers=request.headers,
                    ssl=self._ssl,
                ) as response:
                    raw = await response.read()
                    status, headers = response.status, dict(response.headers)
            except (aiohttp.ClientError, TimeoutError) as exc:
                wait = retry_wait(request.function, None, None, attempt, self.retries)
                if wait is None:
                    raise TransportError(0, f"no reply: {type(exc).__name__}") from None
            else:
                retry_after = retry_after_of(headers.get("Retry-After"))
                wait = retry_wait(request.function, status, retry_after, attempt, self.retries)
                if status == 200 or wait is None:
                    return reply(status, headers, raw)
            await self._sleep(wait)
            attempt += 1

    async def stream(
        self, function: str, /, idempotency_key: str | bool | None = None, **params: Any
    ) -> AsyncIterator[dict[str, Any]]:
        """The rows of a streamed export (NDJSON), one dict each; the trailer's error raised."""
        request = self._build(function, params, idempotency_key, stream=True)
        try:
            async with self._http().post(
                self.base_url + request.path,
                data=request.body,
                headers=request.headers,
                ssl=self._ssl,
            ) as response:
                if response.status != 200:
                    reply(response.status, dict(response.headers), await response.read())
                rows = Rows(function)
                async for line in response.content:
                    for row in rows.feed(line):
                        yield row
                rows.end()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransportError(
                0, f"the {function} stream was cut: {type(exc).__name__}"
            ) from None
