"""State that several gateway replicas must share, as five small protocols, one per user.

- :class:`RateLimiter` (``take``): rate limits, :func:`gateway.limits.check_rate`;
- :class:`IdempotencyStore` (``begin``, ``finish``, ``abort``): idempotency records,
  :func:`gateway.limits.begin_idempotent`;
- :class:`ReplyCacheStore` (``get``, ``set``): the reply cache, :class:`gateway.cache.ReplyCache`;
- :class:`CredentialStateStore` (``get``, ``set``, ``lock``, ``unlock``): what replicas know
  about each VICIdial credential, :class:`gateway.credentials.CredentialPool`;
- :class:`AgentLocks` (``acquire``, ``release``): one Agent API call in flight per agent,
  :func:`gateway.limits.agent_turn`.

Each has two implementations: in memory (:mod:`gateway.store_memory`, one process; the five share
one bounded table) and in Redis (:mod:`gateway.store_redis`, shared by replicas; the five share
one connection). :func:`gateway.state.open_state` picks the backend (``state.backend``) and builds
the five. A new backend for one of them implements that one protocol, nothing else.

Each operation is atomic in both backends (Redis: one Lua script or one command), so two replicas
never both take the last token, both start the same idempotent call, both drive the same
agent, or both probe the same failed credential.

Keys: the caller names the thing (an app, an idempotency key, a reply, a credential); each store
puts its own namespace in front (:data:`RATE`, :data:`IDEMPOTENCY`, :data:`REPLY_CACHE`,
:data:`CREDENTIAL`,
:data:`AGENT`), so they never meet in a shared table or Redis database. Redis puts
``state.prefix`` and ``:`` in front of that. These are the names existing Redis data is found
under: changing one forgets what replicas stored.

When the backend cannot be reached every operation raises :class:`StoreUnavailable`; each caller
decides what that means (rate limits fail open, idempotency fails closed with 503, credential
state falls back to this process's own knowledge, the cache is skipped). See the README.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Begin = Literal["new", "in_flight", "mismatch"]

# Each store's namespace in the shared keyspace (in Redis, after ``state.prefix:``).
RATE = "rate:"  # rate:<app>: a token bucket
IDEMPOTENCY = "idem:"  # idem:<app>:<sha256 of the Idempotency-Key>: a call's record
REPLY_CACHE = "cache:"  # cache:<sha256 of upstream, function, parameters>: a reply
CREDENTIAL = "cred:"  # cred:<upstream>:<credential>: its state; + PROBE: its probe lock
PROBE = ":probe"
AGENT = "agent:"  # agent:<upstream>:<agent_user>: the one Agent API call in flight for the agent


class StoreUnavailable(Exception):
    """The shared store could not be reached, or cannot take a new idempotency record."""


class StoreFull(StoreUnavailable):
    """The memory store is full of entries it must keep (a new idempotency record is refused)."""


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]

    def record(self, fingerprint: str) -> dict[str, Any]:
        """The idempotency record of a finished call (both backends store this shape; Redis's
        scripts read its ``fp`` and ``state``)."""
        return {"fp": fingerprint, "state": "done", "status": self.status, "body": self.body}

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> StoredResponse:
        """The response kept in a finished call's record."""
        return cls(int(record["status"]), record["body"])


class RateLimiter(Protocol):
    """A token bucket per key: ``rate`` tokens a second, at most ``burst`` saved up."""

    async def take(self, key: str, rate: float, burst: int) -> float:
        """Take one token; 0 when allowed, else the seconds until one is available (a refused
        take takes nothing)."""
        ...


class IdempotencyStore(Protocol):
    """One record per idempotency key: which request it is for (``fingerprint``), and its
    outcome once finished."""

    async def begin(self, key: str, fingerprint: str, ttl: float) -> Begin | StoredResponse:
        """Start the call (``"new"``: a record in flight for ``ttl`` seconds), or say why not:
        ``"in_flight"``, ``"mismatch"`` (another request's key), or its stored outcome."""
        ...

    async def finish(
        self, key: str, fingerprint: str, response: StoredResponse, ttl: float
    ) -> None:
        """Store the call's outcome for ``ttl`` seconds (never refused for want of room)."""
        ...

    async def abort(self, key: str, fingerprint: str) -> None:
        """Forget the call's in-flight record (not another request's, not a finished one)."""
        ...


class ReplyCacheStore(Protocol):
    """Cached replies, each kept for its own time to live (dropping one early is allowed)."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl: float) -> None: ...


class CredentialStateStore(Protocol):
    """What is known about each credential (a JSON object), and one probe lock per credential."""

    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def set(self, key: str, value: dict[str, Any], ttl: float) -> None: ...

    async def lock(self, key: str, ttl: float) -> bool:
        """Take the credential's probe lock for ``ttl`` seconds; False if it is held."""
        ...

    async def unlock(self, key: str) -> None: ...


class AgentLocks(Protocol):
    """One Agent API call in flight per agent: a lock per agent, held by one call's token."""

    async def acquire(self, key: str, token: str, ttl: float) -> bool:
        """Take the agent's lock for ``ttl`` seconds with ``token``; False if it is held."""
        ...

    async def release(self, key: str, token: str) -> None:
        """Let go of the lock if ``token`` still holds it (an expired lock taken since by
        another call stays with that call)."""
        ...
