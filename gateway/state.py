"""The gateway's shared state, built once from ``state:``: the five stores of one backend.

:func:`open_state` is the one place a backend is chosen: ``redis`` (with a ``url``) gives the
five Redis stores on one connection, anything else the five memory stores on one table of
``state.max_entries`` entries. The stores themselves are in :mod:`gateway.store_memory` and
:mod:`gateway.store_redis`; what each promises is in :mod:`gateway.store`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .config import StateConfig
from .store import (
    AgentLocks,
    CredentialStateStore,
    IdempotencyStore,
    RateLimiter,
    ReplyCacheStore,
)
from .store_memory import (
    MemoryAgentLocks,
    MemoryCredentialStateStore,
    MemoryIdempotencyStore,
    MemoryRateLimiter,
    MemoryReplyCacheStore,
    MemoryTable,
)
from .store_redis import (
    RedisAgentLocks,
    RedisConnection,
    RedisCredentialStateStore,
    RedisIdempotencyStore,
    RedisRateLimiter,
    RedisReplyCacheStore,
)


async def _nothing_to_close() -> None:
    return None


@dataclass(frozen=True)
class State:
    """The stores, and how to let go of what they share (the Redis connection)."""

    rate_limits: RateLimiter
    idempotency: IdempotencyStore
    reply_cache: ReplyCacheStore
    credentials: CredentialStateStore
    agents: AgentLocks
    closer: Callable[[], Awaitable[None]] = _nothing_to_close

    async def close(self) -> None:
        await self.closer()


def open_state(cfg: StateConfig, *, clock: Callable[[], float] = time.monotonic) -> State:
    """The stores ``cfg`` asks for. ``clock`` is the memory table's (Redis keeps its own time)."""
    if cfg.backend == "redis" and cfg.url:
        redis = RedisConnection(
            cfg.url,
            cfg.prefix,
            password=cfg.password.reveal() if cfg.password is not None else None,
        )
        return State(
            RedisRateLimiter(redis),
            RedisIdempotencyStore(redis),
            RedisReplyCacheStore(redis),
            RedisCredentialStateStore(redis),
            RedisAgentLocks(redis),
            redis.close,
        )
    table = MemoryTable(clock, max_entries=cfg.max_entries)
    return State(
        MemoryRateLimiter(table),
        MemoryIdempotencyStore(table),
        MemoryReplyCacheStore(table),
        MemoryCredentialStateStore(table),
        MemoryAgentLocks(table),
    )
