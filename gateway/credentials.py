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
import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .config import Credential
from .errors import Unavailable

Status = Literal["unverified", "healthy", "failed"]

MAX_FAILURES = 3
FAILURE_WINDOW = 900.0  # VICIdial: LOCK_over = now - 900
DEFAULT_COOLDOWN = 900.0

# Fingerprints are keyed hashes with a per-process key: they tell "the secret changed" without
# being a plain hash of a password anyone could test guesses against.
_FINGERPRINT_KEY = secrets.token_bytes(32)


def fingerprint(cred: Credential) -> str:
    material = f"{cred.user.reveal()}\x00{cred.password.reveal()}".encode()
    return hmac.new(_FINGERPRINT_KEY, material, hashlib.sha256).hexdigest()


@dataclass
class CredentialState:
    fingerprint: str
    changed_at: float  # when this secret was first seen (epoch seconds)
    status: Status = "unverified"
    failures: deque[float] = field(default_factory=deque)  # login failure times, in window
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
    ) -> None:
        self.upstream = upstream
        self.credentials = tuple(credentials)
        self.cooldown = cooldown
        self.clock = clock
        self.on_change = on_change
        # Shared between pools of successive configs, so a reload keeps what was learnt.
        self.states = states if states is not None else {}
        now = clock()
        for cred in self.credentials:
            key = (upstream, cred.name)
            fp = fingerprint(cred)
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

    async def acquire(self, exclude: set[str], *, wait: float = 30.0) -> Lease:
        """A credential for one call, preferring configured order; 503 if none is usable."""
        deadline = time.monotonic() + wait
        while True:
            now = self.clock()
            pending: list[asyncio.Event] = []
            for cred in self.credentials:
                if cred.name in exclude:
                    continue
                state = self.state(cred.name)
                if not self._usable(state, now):
                    continue
                if state.status == "healthy":
                    return Lease(cred, probe=False)
                if not state.probing:
                    state.probing = True
                    state.probe_done = asyncio.Event()
                    return Lease(cred, probe=True)
                pending.append(state.probe_done)
            remaining = deadline - time.monotonic()
            if not pending or remaining <= 0:
                raise Unavailable(
                    "no VICIdial credential is usable now (all failed or locked out)",
                    headers={"Retry-After": str(int(self.retry_after()) + 1)},
                )
            # Another call is probing an unverified credential: wait for its answer.
            waiters = [asyncio.ensure_future(e.wait()) for e in pending]
            try:
                await asyncio.wait(waiters, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waiters:
                    w.cancel()

    def succeeded(self, lease: Lease) -> None:
        state = self.state(lease.credential.name)
        changed = state.status != "healthy"
        state.status = "healthy"
        state.last_reason = ""
        self._end_probe(state, lease)
        if changed:
            self._notify(lease.credential.name)

    def login_failed(self, lease: Lease, reason: str) -> None:
        state = self.state(lease.credential.name)
        now = self.clock()
        state.failures.append(now)
        state.status = "failed"
        state.retry_at = now + self.cooldown
        state.last_reason = reason
        self._end_probe(state, lease)
        self._notify(lease.credential.name)

    def released(self, lease: Lease) -> None:
        """The call ended without telling anything about the login (transport failure)."""
        self._end_probe(self.state(lease.credential.name), lease)

    @staticmethod
    def _end_probe(state: CredentialState, lease: Lease) -> None:
        if lease.probe:
            state.probing = False
            state.probe_done.set()
