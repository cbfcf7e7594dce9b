"""Third step of the data path: protect the dialer, and never do a write twice.

- **Rate limits** per app (``rate_limit: {per_second, burst}``): a token bucket, shared by all
  replicas through the store (a :class:`~gateway.store.RateLimiter`). Over the limit: 429
  ``rate_limited`` with ``Retry-After``. If the shared store cannot be reached, rate limits
  *fail open* (calls go through, a warning is logged): a Redis outage must not stop the call
  center.
- **Concurrency caps** per upstream (``max_concurrency``), per app (``max_concurrency``) and per
  function class of an upstream (``class_concurrency: {export, read, write}``), each waiting at
  most ``queue_timeout`` for a slot: then 503 ``unavailable`` with ``Retry-After``. They are per
  process (each replica protects its own share).
- **Idempotency keys** (``Idempotency-Key`` header on a mutating call): the first outcome is
  stored per app and key for 24 hours with a fingerprint of the request. A replay gets the stored
  JSON (``Idempotent-Replayed: true``); the same key with another request is 422
  ``idempotency_key_reused``; a replay while the first call is still running is 409
  ``idempotency_in_progress`` (with ``Retry-After``). If the shared store cannot be reached,
  idempotent calls *fail closed* (503): without the store the gateway cannot promise "at most
  once". So do they when the memory store is full of records it must keep
  (``state.max_entries``): a finished call's record is never dropped to make room (see
  :class:`~gateway.store_memory.MemoryTable`). The records are kept by an
  :class:`~gateway.store.IdempotencyStore`.
- **One Agent API call in flight per agent** (:func:`agent_turn`): a mutating Agent API call
  holds its agent's lock (a :class:`~gateway.store.AgentLocks`, shared by replicas) until it
  ends; a second one for the same agent meanwhile is 409 ``agent_busy`` with ``Retry-After``, so
  two clicks cannot dial twice. The lock expires after the call's timeout, should a replica die
  holding it. If the shared store cannot be reached these calls *fail closed* (503).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from .catalog.spec import FunctionSpec
from .config import AppConfig, UpstreamConfig
from .digest import request_digest
from .errors import (
    AgentBusy,
    BadRequest,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    RateLimited,
    Unavailable,
)
from .metrics import Metrics
from .store import (
    IDEMPOTENCY,
    AgentLocks,
    IdempotencyStore,
    RateLimiter,
    StoredResponse,
    StoreFull,
    StoreUnavailable,
)

log = logging.getLogger("gateway.limits")

IDEMPOTENCY_TTL = 24 * 3600.0
# How long an in-flight record lives if the gateway dies before finishing it.
IN_FLIGHT_TTL = 15 * 60.0
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:")


async def check_rate(limiter: RateLimiter, app: AppConfig, metrics: Metrics) -> None:
    limit = app.rate_limit
    if limit is None:
        return
    try:
        wait = await limiter.take(app.name, limit.per_second, limit.burst)
    except StoreUnavailable as exc:
        log.warning(
            "rate limit not checked: shared store unreachable (failing open)",
            extra={"app": app.name, "error": str(exc)},
        )
        return
    if wait > 0:
        metrics.rate_limited.labels(app.name).inc()
        raise RateLimited(
            f"app {app.name!r} is over its rate limit",
            retry_after=max(1, math.ceil(wait)),
        )


class Concurrency:
    """Bounded waiting for a slot; a semaphore per (scope, name, limit) while anyone uses it.

    A semaphore nobody holds or waits for is dropped (a new one is the same), so apps, classes
    and limits that a reload removed leave nothing behind: at most three per call in progress.
    """

    def __init__(self) -> None:
        self._sems: dict[tuple[str, str, int], _Slot] = {}

    def __len__(self) -> int:
        return len(self._sems)

    async def _acquire(self, key: tuple[str, str, int], timeout: float) -> _Slot:
        slot = self._sems.get(key)
        if slot is None:
            slot = self._sems[key] = _Slot(asyncio.Semaphore(key[2]))
        slot.users += 1
        try:
            if slot.sem.locked():
                await asyncio.wait_for(slot.sem.acquire(), timeout)
            else:  # a free slot is taken at once (no task, no timer: there is nothing to wait for)
                await slot.sem.acquire()
        except BaseException:
            self._leave(key, slot)
            raise
        return slot

    def _release(self, key: tuple[str, str, int], slot: _Slot) -> None:
        slot.sem.release()
        self._leave(key, slot)

    def _leave(self, key: tuple[str, str, int], slot: _Slot) -> None:
        slot.users -= 1
        if slot.users == 0 and self._sems.get(key) is slot:
            del self._sems[key]

    @contextlib.asynccontextmanager
    async def slots(
        self, app: AppConfig, upstream: UpstreamConfig, klass: str
    ) -> AsyncIterator[None]:
        # Narrowest first: a call queued behind its own app's cap holds no slot others need.
        wanted: list[tuple[str, str, int]] = []
        if app.max_concurrency is not None:
            wanted.append(("app", app.name, app.max_concurrency))
        class_limit = upstream.class_concurrency.get(klass)
        if class_limit is not None:
            wanted.append(("class", f"{upstream.name}/{klass}", class_limit))
        wanted.append(("upstream", upstream.name, upstream.max_concurrency))
        taken: list[tuple[tuple[str, str, int], _Slot]] = []
        try:
            for key in wanted:
                try:
                    slot = await self._acquire(key, upstream.queue_timeout)
                except TimeoutError:
                    scope, name, _limit = key
                    raise Unavailable(
                        f"too many calls in progress ({scope} {name}); try again shortly",
                        retry_after=1,
                    ) from None
                taken.append((key, slot))
            yield
        finally:
            for key, slot in taken:
                self._release(key, slot)


@dataclass
class _Slot:
    sem: asyncio.Semaphore
    users: int = 0  # holding or waiting


@dataclass(frozen=True)
class IdempotentCall:
    """A started idempotent call: finish() stores its outcome, abort() frees the key."""

    store: IdempotencyStore
    key: str  # <app>:<sha256 of the Idempotency-Key>
    fingerprint: str

    async def finish(self, status: int, body: Mapping[str, object]) -> None:
        try:
            await self.store.finish(
                self.key, self.fingerprint, StoredResponse(status, dict(body)), IDEMPOTENCY_TTL
            )
        except StoreUnavailable:
            log.error(
                "idempotency record not stored: shared store unreachable",
                extra={"key": IDEMPOTENCY + self.key},
            )

    async def abort(self) -> None:
        with contextlib.suppress(StoreUnavailable):
            await self.store.abort(self.key, self.fingerprint)


def request_fingerprint(function: str, params: Mapping[str, str]) -> str:
    return request_digest(function, params=params)


async def begin_idempotent(
    store: IdempotencyStore, app: AppConfig, key: str, function: str, params: Mapping[str, str]
) -> IdempotentCall | StoredResponse:
    """Start the call under ``key``, or return the stored outcome of its first run."""
    if not 1 <= len(key) <= 255 or not set(key) <= _KEY_CHARS:
        raise BadRequest(
            "Idempotency-Key must be 1-255 characters of [A-Za-z0-9-_.:]",
            details={"header": "Idempotency-Key"},
        )
    digest = hashlib.sha256(key.encode()).hexdigest()
    store_key = f"{app.name}:{digest}"
    fingerprint = request_fingerprint(function, params)
    try:
        got = await store.begin(store_key, fingerprint, IN_FLIGHT_TTL)
    except StoreFull:
        log.error("idempotent call refused: the memory store is full (state.max_entries)")
        raise Unavailable(
            "too many idempotency records are held; try again later",
            retry_after=60,
        ) from None
    except StoreUnavailable:
        raise Unavailable(
            "idempotency keys need the shared store, which cannot be reached",
            retry_after=5,
        ) from None
    if got == "new":
        return IdempotentCall(store, store_key, fingerprint)
    if got == "mismatch":
        raise IdempotencyKeyReused(
            "this Idempotency-Key was used with a different request",
            details={"header": "Idempotency-Key"},
        )
    if got == "in_flight":
        raise IdempotencyInProgress(
            "a call with this Idempotency-Key is still in progress",
            details={"header": "Idempotency-Key"},
            retry_after=1,
        )
    assert isinstance(got, StoredResponse)
    return got


# How long past the call's own timeout an agent's lock outlives a replica that died holding it.
AGENT_LOCK_MARGIN = 5.0


def takes_agent_turn(spec: FunctionSpec) -> bool:
    """Does a call of ``spec`` hold its agent's turn: a mutating Agent API function that names
    its agent (``agent_user``)? A read (``calls_in_queue_count``) may run beside it."""
    names_agent = spec.param("agent_user") is not None
    return spec.api == "agent" and spec.effect == "mutating" and names_agent


@contextlib.asynccontextmanager
async def agent_turn(
    locks: AgentLocks, upstream: str, agent: str, timeout: float
) -> AsyncIterator[None]:
    """Hold ``agent``'s turn at ``upstream`` for one call (409 ``agent_busy`` if another call
    holds it; 503 if the shared store cannot say)."""
    key = f"{upstream}:{agent}"
    token = secrets.token_hex(16)
    try:
        got = await locks.acquire(key, token, timeout + AGENT_LOCK_MARGIN)
    except StoreUnavailable:
        raise Unavailable(
            "one call per agent needs the shared store, which cannot be reached", retry_after=5
        ) from None
    if not got:
        raise AgentBusy(
            f"agent {agent!r} already has a call in flight through the gateway",
            details={"agent_user": agent},
            retry_after=1,
        )
    try:
        yield
    finally:
        try:
            await locks.release(key, token)
        except StoreUnavailable:
            log.warning(
                "agent lock not released (it expires by itself): shared store unreachable",
                extra={"agent_user": agent},
            )
