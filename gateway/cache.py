"""Coalescing and a short cache for read-only lists (opt-in per function, ``upstreams.<n>.cache``).

Fifty dashboards polling ``campaigns_list`` every second need not cost VICIdial fifty queries a
second. For a function listed in the upstream's ``cache`` (with a time to live):

- identical calls that arrive while one is already on its way to VICIdial wait for that one and
  share its reply (coalescing; always on for listed functions, even with a TTL of 0);
- a reply is then served from the cache for its TTL, from the shared store (a
  :class:`~gateway.store.ReplyCacheStore`), so replicas share it.

"Identical" means same upstream, function and parameters: the app's allowlist and rules have
already been applied, so sharing a reply never shows an app more than it may see. Only ordinary
VICIdial answers (HTTP 200, no login refusal) are cached; the cached text is already scrubbed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping

from .digest import request_digest
from .metrics import Metrics
from .store import ReplyCacheStore, StoreUnavailable
from .upstream import UpstreamReply

log = logging.getLogger("gateway.cache")


class ReplyCache:
    def __init__(self, store: ReplyCacheStore, metrics: Metrics) -> None:
        self.store = store
        self.metrics = metrics
        self._inflight: dict[str, asyncio.Future[UpstreamReply]] = {}

    @staticmethod
    def key(upstream: str, function: str, params: Mapping[str, str]) -> str:
        return request_digest(upstream, function, params=params)

    async def get_or_call(
        self,
        upstream: str,
        function: str,
        params: Mapping[str, str],
        ttl: float,
        call: Callable[[], Awaitable[UpstreamReply]],
    ) -> UpstreamReply:
        key = self.key(upstream, function, params)
        if ttl > 0:
            cached = await self._get(key)
            if cached is not None:
                self.metrics.cache.labels(upstream, function, "hit").inc()
                return cached
        running = self._inflight.get(key)
        if running is not None:
            self.metrics.cache.labels(upstream, function, "shared").inc()
            return await asyncio.shield(running)
        future: asyncio.Future[UpstreamReply] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            reply = await call()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs to
            raise
        else:
            future.set_result(reply)
            self.metrics.cache.labels(upstream, function, "miss").inc()
            if ttl > 0 and reply.status == 200 and reply.refusal is None:
                await self._put(key, reply, ttl)
            return reply
        finally:
            del self._inflight[key]

    async def _get(self, key: str) -> UpstreamReply | None:
        try:
            raw = await self.store.get(key)
        except StoreUnavailable:
            return None  # no cache: call VICIdial
        if raw is None:
            return None
        item = json.loads(raw)
        return UpstreamReply(
            item["status"], item["content_type"], item["text"], item["credential"], 0.0
        )

    async def _put(self, key: str, reply: UpstreamReply, ttl: float) -> None:
        item = {
            "status": reply.status,
            "content_type": reply.content_type,
            "text": reply.text,
            "credential": reply.credential,
        }
        try:
            await self.store.set(key, json.dumps(item).encode(), ttl)
        except StoreUnavailable:
            log.warning("reply not cached: shared store unreachable")
