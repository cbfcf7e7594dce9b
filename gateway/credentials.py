"""Which VICIdial credential a call uses, and lockout protection.

VICIdial locks an account for 15 minutes after 10 failed logins, and then refuses even the right
password. A gateway with a stale password could lock the shared API account for every app in ten
calls. So every credential of an upstream has a state:

``unverified``
    New, or its secret changed, or its cool-down is over. Used by **one call at a time** (a
    probe); other calls use another credential or wait for the probe's answer.
``healthy``
    A login with it succeeded since its secret last changed. Used freely.
``failed``
    VICIdial refused its login. Out of service at once; the call that saw the failure is re-sent
    with the next credential (safe even for ``add_lead``: VICIdial checks the login before it does
    anything). It becomes ``unverified`` again when its secret changes, or after ``cooldown``.

On top of that, a credential never spends more than :data:`MAX_FAILURES` login failures in any
:data:`FAILURE_WINDOW` (VICIdial's own 15 minutes): once it has, it is not probed again until the
oldest failure leaves the window, whatever the cool-down says.

State is keyed by upstream and credential name and remembers a fingerprint of the secret, so a
config reload keeps it, and a changed secret starts afresh. The store is in memory here; several
replicas share it through Redis (see the state backend).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .config import Credential
from .errors import Unavailable
from .store import Store, StoreUnavailable

log = logging.getLogger("gateway.credentials")
# How long the record of a credential's state lives in the shared store without updates.
SHARED_TTL = 24 * 3600.0
PROBE_LOCK_SECONDS = 120.0

Status = Literal["unverified", "healthy", "failed"]

MAX_FAILURES = 3
FAILURE_WINDOW = 900.0  # VICIdial: LOCK_over = now - 900
DEFAULT_COOLDOWN = 900.0

# A fingerprint tells "the secret changed" and lets replicas agree on a credential's state
# without storing the secret: PBKDF2 over user and password, salted with where the credential is
# configured, so the value in the shared store is no cheap way to test password guesses.
_FINGERPRINT_ROUNDS = 50_000


@functools.lru_cache(maxsize=256)
def _fingerprint(upstream: str, name: str, user: str, password: str) -> str:
    material = f"{user}\x00{password}".encode()
    salt = f"vicigw:{upstream}:{name}".encode()
    return hashlib.pbkdf2_hmac("sha256", material, salt, _FINGERPRINT_ROUNDS).hex()[:32]


def fingerprint(upstream: str, cred: Credential) -> str:
    return _fingerprint(upstream, cred.name, cred.user.reveal(), cred.password.reveal())


@dataclass
class CredentialState:
    fingerprint: str
    changed_at: float  # when this secret was first seen (epoch seconds)
    status: Status = "unverified"
    # Login failure times in the window; only the last MAX_FAILURES matter (see _usable).
    failures: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_FAILURES))
    retry_at: float = 0.0  # failed: when it may be probed again
    probing: bool = False
    probe_done: asyncio.Event = field(default_factory=asyncio.Event)
    last_reason: str = ""


@dataclass(frozen=True)
class Lease:
    """The credential a call may use now; ``probe`` when this call decides its state."""

    credential: Credential
    probe: bool


class CredentialPool:
    """The credentials of one upstream, in configured order (failover order)."""

    def __init__(
        self,
        upstream: str,
        credentials: Sequence[Credential],
        *,
        states: dict[tuple[str, str], CredentialState] | None = None,
        cooldown: float = DEFAULT_COOLDOWN,
        clock: Callable[[], float] = time.time,
        on_change: Callable[[str, CredentialState], None] | None = None,
        store: Store | None = None,
    ) -> None:
        self.upstream = upstream
        self.credentials = tuple(credentials)
        self.cooldown = cooldown
        self.clock = clock
        self.on_change = on_change
        # With a shared store (several replicas), what one replica learns about a credential
        # (refused, healthy) and its probe are shared, so replicas never spend more failures.
        self.store = store
        # Shared between pools of successive configs, so a reload keeps what was learnt.
        self.states = states if states is not None else {}
        now = clock()
        for cred in self.credentials:
            key = (upstream, cred.name)
            fp = fingerprint(upstream, cred)
            state = self.states.get(key)
            if state is None or state.fingerprint != fp:
                # New credential or new secret: forget old failures, probe it afresh.
                self.states[key] = CredentialState(fp, now)
            self._notify(cred.name)

    def state(self, name: str) -> CredentialState:
        return self.states[(self.upstream, name)]

    def _notify(self, name: str) -> None:
        if self.on_change is not None:
            self.on_change(name, self.state(name))

    def _usable(self, state: CredentialState, now: float) -> bool:
        while state.failures and state.failures[0] <= now - FAILURE_WINDOW:
            state.failures.popleft()
        if state.status == "failed":
            if now < state.retry_at or len(state.failures) >= MAX_FAILURES:
                return False
            state.status = "unverified"
        return True

    def usable_count(self) -> int:
        """Credentials in service now (healthy, unverified, or failed but due for a probe)."""
        now = self.clock()
        return sum(1 for cred in self.credentials if self._usable(self.state(cred.name), now))

    def retry_after(self) -> float:
        """Seconds until some credential may be tried again (for Retry-After)."""
        now = self.clock()
        waits = []
        for cred in self.credentials:
            state = self.state(cred.name)
            until = state.retry_at
            if len(state.failures) >= MAX_FAILURES:
                until = max(until, state.failures[0] + FAILURE_WINDOW)
            waits.append(max(1.0, until - now))
        return min(waits) if waits else 1.0

    # -- shared state -------------------------------------------------------------------------

    def _key(self, name: str) -> str:
        return f"cred:{self.upstream}:{name}"

    async def _pull(self, name: str) -> None:
        """Adopt what the shared store knows about this credential (same secret only)."""
        if self.store is None:
            return
        state = self.state(name)
        try:
            record = await self.store.get_json(self._key(name))
        except StoreUnavailable:
            return  # fall back to what this process knows
        if not record or record.get("fp") != state.fingerprint:
            return
        before = state.status
        state.status = record["status"]
        state.retry_at = float(record["retry_at"])
        state.failures = deque((float(t) for t in record["failures"]), maxlen=MAX_FAILURES)
        state.changed_at = min(state.changed_at, float(record["changed_at"]))
        state.last_reason = str(record.get("reason", ""))
        if state.status != before:
            self._notify(name)

    async def _push(self, name: str) -> None:
        if self.store is None:
            return
        state = self.state(name)
        record = {
            "fp": state.fingerprint,
            "status": state.status,
            "retry_at": state.retry_at,
            "failures": list(state.failures),
            "changed_at": state.changed_at,
            "reason": state.last_reason,
        }
        try:
            await self.store.set_json(self._key(name), record, SHARED_TTL)
        except StoreUnavailable:
            log.warning(
                "credential state not shared: store unreachable",
                extra={"upstream": self.upstream, "credential": name},
            )

    async def _lock_probe(self, name: str) -> bool:
        if self.store is None:
            return True
        try:
            return await self.store.lock(f"{self._key(name)}:probe", PROBE_LOCK_SECONDS)
        except StoreUnavailable:
            return True  # this process alone decides; its own probe is still single

    async def _unlock_probe(self, name: str) -> None:
        if self.store is not None:
            with contextlib.suppress(StoreUnavailable):
                await self.store.unlock(f"{self._key(name)}:probe")

    # -- leasing --------------------------------------------------------------------------------

    async def acquire(self, exclude: set[str], *, wait: float = 30.0) -> Lease:
        """A credential for one call, preferring configured order; 503 if none is usable."""
        deadline = time.monotonic() + wait
        while True:
            pending: list[asyncio.Event] = []
            elsewhere = False  # another replica is probing a credential
            for cred in self.credentials:
                if cred.name in exclude:
                    continue
                await self._pull(cred.name)
                state = self.state(cred.name)
                if not self._usable(state, self.clock()):
                    continue
                if state.status == "healthy":
                    return Lease(cred, probe=False)
                if state.probing:
                    pending.append(state.probe_done)
                    continue
                state.probing = True
                state.probe_done = asyncio.Event()
                if await self._lock_probe(cred.name):
                    return Lease(cred, probe=True)
                state.probing = False
                state.probe_done.set()
                elsewhere = True
            remaining = deadline - time.monotonic()
            if not (pending or elsewhere) or remaining <= 0:
                raise Unavailable(
                    "no VICIdial credential is usable now (all failed or locked out)",
                    headers={"Retry-After": str(int(self.retry_after()) + 1)},
                )
            # A probe of an unverified credential is under way: wait for its answer.
            waiters = [asyncio.ensure_future(e.wait()) for e in pending]
            try:
                await asyncio.wait(
                    waiters or [asyncio.ensure_future(asyncio.sleep(0.1))],
                    timeout=min(remaining, 0.1) if elsewhere else remaining,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                for w in waiters:
                    w.cancel()

    async def succeeded(self, lease: Lease) -> None:
        name = lease.credential.name
        state = self.state(name)
        changed = state.status != "healthy"
        state.status = "healthy"
        state.last_reason = ""
        if changed:
            await self._push(name)
            self._notify(name)
        await self._end_probe(state, lease)

    async def login_failed(self, lease: Lease, reason: str) -> None:
        name = lease.credential.name
        await self._pull(name)  # another replica's failures count toward the budget too
        state = self.state(name)
        now = self.clock()
        state.failures.append(now)
        state.status = "failed"
        state.retry_at = now + self.cooldown
        state.last_reason = reason
        await self._push(name)
        self._notify(name)
        await self._end_probe(state, lease)

    async def released(self, lease: Lease) -> None:
        """The call ended without telling anything about the login (transport failure)."""
        await self._end_probe(self.state(lease.credential.name), lease)

    async def _end_probe(self, state: CredentialState, lease: Lease) -> None:
        if lease.probe:
            state.probing = False
            state.probe_done.set()
            await self._unlock_probe(lease.credential.name)
