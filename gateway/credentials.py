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

Beside its state, a credential may be **held** (``hold: true`` in the config): nothing is sent
with it, no call and no probe, until a config without the hold is loaded. The rotation runbook
(docs/operations.md) holds a credential while its password changes at VICIdial, so the gateway
never sends a password VICIdial no longer has, nor one it does not have yet.

Every change of state is logged as a warning ("credential state changed", with ``from``, ``to``
and the ``reason``, never a secret) and reported to ``on_change`` (the metrics). When no
credential is usable, :class:`NoCredential` says why (for the audit log) and how long until one
may be (``Retry-After``, see :meth:`CredentialPool.retry_after`).

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
import math
import os
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Literal

from .config import Credential, ServerConfig, UpstreamConfig
from .errors import NoCredential
from .refusal import REASONS, Kind
from .store import CredentialStateStore, StoreUnavailable

log = logging.getLogger("gateway.credentials")
# How long the record of a credential's state lives in the shared store without updates.
SHARED_TTL = 24 * 3600.0
PROBE_LOCK_SECONDS = 120.0

Status = Literal["unverified", "healthy", "failed"]

MAX_FAILURES = 3
FAILURE_WINDOW = 900.0  # VICIdial: LOCK_over = now - 900
DEFAULT_COOLDOWN = UpstreamConfig.credential_cooldown
# How soon a changed config (a new secret, a hold released) can be seen: the default of
# server.config_watch_interval.
DEFAULT_RECHECK = ServerConfig.config_watch_interval

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


def secret_time(cred: Credential) -> float | None:
    """When the credential's secret last changed, as far as the disk can tell: the latest
    modification time of its secret files (``{file: ...}``); None for env and inline secrets.
    Unlike the time the gateway first saw it, this survives a restart."""
    times: list[float] = []
    for ref in (cred.user_ref, cred.pass_ref):
        if ref.kind == "file":
            with contextlib.suppress(OSError):
                times.append(os.stat(ref.where).st_mtime)
    return max(times) if times else None


@dataclass
class CredentialState:
    fingerprint: str
    # When this secret last changed: its file's time, else when this process first saw it.
    changed_at: float
    status: Status = "unverified"
    # Login failure times in the window; only the last MAX_FAILURES matter (see _usable).
    failures: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_FAILURES))
    retry_at: float = 0.0  # failed: when it may be probed again
    probing: bool = False
    probe_done: asyncio.Event = field(default_factory=asyncio.Event)
    last_reason: str = ""
    kind: Kind | None = None  # failed: how VICIdial refused it
    held: bool = False  # hold: true in the config
    in_flight: int = 0  # calls holding a lease on it (they may still send it)

    @property
    def label(self) -> str:
        """What the metrics and logs call its state: held, or its status."""
        return "held" if self.held else self.status


@dataclass(frozen=True)
class Lease:
    """The credential a call may use now; ``probe`` when this call decides its state.

    ``state`` is the state of the secret the call sends: if the secret changes while the call
    is in flight, its outcome says nothing about the new one.
    """

    credential: Credential
    probe: bool
    state: CredentialState = field(compare=False, repr=False)


class CredentialPool:
    """The credentials of one upstream, in configured order (failover order)."""

    def __init__(
        self,
        upstream: str,
        credentials: Sequence[Credential],
        *,
        states: dict[tuple[str, str], CredentialState] | None = None,
        cooldown: float = DEFAULT_COOLDOWN,
        recheck: float = DEFAULT_RECHECK,
        clock: Callable[[], float] = time.time,
        on_change: Callable[[str, CredentialState], None] | None = None,
        store: CredentialStateStore | None = None,
    ) -> None:
        self.upstream = upstream
        self.credentials = tuple(credentials)
        self.cooldown = cooldown
        self.recheck = recheck
        self.clock = clock
        self.on_change = on_change
        # `vicigw credentials check --force`: a failed credential may be tried before its
        # cool-down is over (never beyond MAX_FAILURES in FAILURE_WINDOW).
        self.ignore_cooldown = False
        # With a shared store (several replicas), what one replica learns about a credential
        # (refused, healthy) and its probe are shared, so replicas never spend more failures.
        self.store = store
        # Shared between pools of successive configs, so a reload keeps what was learnt.
        self.states = states if states is not None else {}
        # Credentials this configuration made unverified (new, new secret, hold released): a
        # reload has them verified at once (see gateway.upstream.VicidialUpstream.verify).
        self.fresh: list[str] = []
        # The secret of each credential as this configuration has it (see _outdated).
        self._fingerprints: dict[str, str] = {}
        now = clock()
        for cred in self.credentials:
            key = (upstream, cred.name)
            fp = fingerprint(upstream, cred)
            self._fingerprints[cred.name] = fp
            old = self.states.get(key)
            before = old.label if old is not None else None
            if old is None or old.fingerprint != fp:
                # New credential or new secret: forget old failures, probe it afresh.
                when = secret_time(cred)
                state = CredentialState(fp, when if when is not None else now, held=cred.hold)
                if old is not None:
                    state.in_flight = old.in_flight  # calls with the old secret, still going
                self.states[key] = state
                self.fresh.append(cred.name)
                reason = "secret changed" if old is not None else "configured"
            else:
                state = old
                if state.held and not cred.hold:
                    self.fresh.append(cred.name)
                state.held = cred.hold
                reason = "hold: true in the config" if cred.hold else "hold released"
            if before is not None:
                self._log_change(cred.name, before, state.label, reason)
            self._notify(cred.name)

    def state(self, name: str) -> CredentialState:
        return self.states[(self.upstream, name)]

    def _outdated(self, name: str) -> bool:
        """A newer configuration has another secret for this credential: this pool (of a call
        that started before the reload) must not send its own, outdated one."""
        return self.state(name).fingerprint != self._fingerprints[name]

    def _current(self, lease: Lease) -> bool:
        """Whether the lease's secret is still the configured one."""
        return self.states.get((self.upstream, lease.credential.name)) is lease.state

    def _notify(self, name: str) -> None:
        if self.on_change is not None:
            self.on_change(name, self.state(name))

    def _log_change(self, name: str, before: str, after: str, reason: str) -> None:
        if before != after:
            log.warning(
                "credential state changed",
                extra={
                    "upstream": self.upstream,
                    "credential": name,
                    "from": before,
                    "to": after,
                    "reason": reason,
                },
            )

    def _usable(self, name: str, state: CredentialState, now: float) -> bool:
        while state.failures and state.failures[0] <= now - FAILURE_WINDOW:
            state.failures.popleft()
        if state.held:
            return False
        if state.status == "failed":
            if len(state.failures) >= MAX_FAILURES:
                return False
            if now < state.retry_at and not self.ignore_cooldown:
                return False
            state.status = "unverified"
            why = "cool-down over: probe due" if now >= state.retry_at else "tried now (--force)"
            self._log_change(name, "failed", "unverified", why)
            self._notify(name)
        return True

    def usable_count(self) -> int:
        """Credentials in service now (healthy, unverified, or failed but due for a probe)."""
        now = self.clock()
        return sum(1 for c in self.credentials if self._usable(c.name, self.state(c.name), now))

    def held_count(self) -> int:
        return sum(1 for c in self.credentials if self.state(c.name).held)

    # -- when, and why not ------------------------------------------------------------------

    def _usable_at(self, name: str, now: float) -> float:
        """The earliest time this credential may be used (epoch seconds)."""
        state = self.state(name)
        if state.held:
            return now + self.recheck  # a config without the hold is seen that soon
        if state.status != "failed" or self._outdated(name):
            # Usable, or its probe's answer is on the way; outdated: a new call gets the
            # configuration with its new secret.
            return now
        probe_at = state.retry_at
        if len(state.failures) >= MAX_FAILURES:
            probe_at = max(probe_at, state.failures[0] + FAILURE_WINDOW)
        if state.kind == "bad_login":
            # A refused password is put right by writing the new one: a changed secret is
            # unverified at once, and the gateway sees the change within `recheck`.
            return min(probe_at, now + self.recheck)
        return probe_at  # a lock or an IP block ends at VICIdial: the next probe tells

    def retry_after(self) -> int:
        """Seconds until some credential may be used (for Retry-After), at least 1."""
        now = self.clock()
        waits = [self._usable_at(c.name, now) - now for c in self.credentials]
        return max(1, math.ceil(min(waits))) if waits else 1

    def describe(self, name: str) -> str:
        """A credential's state in words, e.g. ``api-a failed (login incorrect; probed again in
        840 s or when its secret changes)``: no secret, only names, states and times."""
        state = self.state(name)
        now = self.clock()
        if self._outdated(name):
            return f"{name} secret changed since this call started"
        if state.held:
            return f"{name} on hold"
        if state.status == "healthy":
            return f"{name} healthy"
        if state.status == "unverified":
            return f"{name} being verified" if state.probing else f"{name} unverified"
        notes = []
        if len(state.failures) >= MAX_FAILURES:
            notes.append(f"{MAX_FAILURES} failed logins in {FAILURE_WINDOW / 60:g} minutes")
        probe_at = max(state.retry_at, state.failures[0] + FAILURE_WINDOW if notes else 0.0)
        when = f"probed again in {max(0, math.ceil(probe_at - now))} s"
        if state.kind == "bad_login":
            when += " or when its secret changes"
        notes.append(when)
        what = "locked by VICIdial" if state.kind == "locked" else "failed"
        return f"{name} {what} ({state.last_reason}; {'; '.join(notes)})"

    def _none_usable(self) -> NoCredential:
        reason = ", ".join(self.describe(c.name) for c in self.credentials)
        return NoCredential(reason, self.retry_after())

    # -- shared state -------------------------------------------------------------------------

    def _key(self, name: str) -> str:
        return f"{self.upstream}:{name}"

    async def refresh(self, name: str) -> None:
        """Adopt what the shared store knows about this credential (same secret only)."""
        if self.store is None:
            return
        state = self.state(name)
        try:
            record = await self.store.get(self._key(name))
        except StoreUnavailable:
            return  # fall back to what this process knows
        if not record or record.get("fp") != state.fingerprint:
            return
        before = state.label
        state.status = record["status"]
        state.retry_at = float(record["retry_at"])
        state.failures = deque((float(t) for t in record["failures"]), maxlen=MAX_FAILURES)
        state.changed_at = min(state.changed_at, float(record["changed_at"]))
        state.last_reason = str(record.get("reason", ""))
        kind = record.get("kind")
        state.kind = kind if kind in REASONS else None
        if state.label != before:
            reason = f"shared state: {state.last_reason or state.status}"
            self._log_change(name, before, state.label, reason)
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
            "kind": state.kind,
        }
        try:
            await self.store.set(self._key(name), record, SHARED_TTL)
        except StoreUnavailable:
            log.warning(
                "credential state not shared: store unreachable",
                extra={"upstream": self.upstream, "credential": name},
            )

    async def _lock_probe(self, name: str) -> bool:
        if self.store is None:
            return True
        try:
            return await self.store.lock(self._key(name), PROBE_LOCK_SECONDS)
        except StoreUnavailable:
            return True  # this process alone decides; its own probe is still single

    async def _unlock_probe(self, name: str) -> None:
        if self.store is not None:
            with contextlib.suppress(StoreUnavailable):
                await self.store.unlock(self._key(name))

    # -- leasing --------------------------------------------------------------------------------

    def _lease(self, cred: Credential, state: CredentialState, *, probe: bool) -> Lease:
        state.in_flight += 1
        self._notify(cred.name)
        return Lease(cred, probe, state)

    async def _start_probe(self, cred: Credential, state: CredentialState) -> Lease | None:
        """This call probes the unverified credential, unless another replica already does."""
        state.probing = True
        state.probe_done = asyncio.Event()
        if await self._lock_probe(cred.name):
            return self._lease(cred, state, probe=True)
        state.probing = False
        state.probe_done.set()
        return None

    async def acquire(self, exclude: set[str], *, wait: float = 30.0) -> Lease:
        """A credential for one call, preferring configured order; 503 if none is usable."""
        deadline = time.monotonic() + wait
        while True:
            pending: list[asyncio.Event] = []
            elsewhere = False  # another replica is probing a credential
            for cred in self.credentials:
                if cred.name in exclude or self._outdated(cred.name):
                    continue
                await self.refresh(cred.name)
                state = self.state(cred.name)
                if not self._usable(cred.name, state, self.clock()):
                    continue
                if state.status == "healthy":
                    return self._lease(cred, state, probe=False)
                if state.probing:
                    pending.append(state.probe_done)
                    continue
                lease = await self._start_probe(cred, state)
                if lease is not None:
                    return lease
                elsewhere = True
            remaining = deadline - time.monotonic()
            if not (pending or elsewhere) or remaining <= 0:
                raise self._none_usable()
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

    async def probe_lease(self, name: str) -> Lease | None:
        """A probe of an unverified credential now, if nothing else is deciding its state."""
        cred = next((c for c in self.credentials if c.name == name), None)
        if cred is None or self._outdated(name):
            return None
        await self.refresh(name)
        state = self.state(name)
        if state.status != "unverified" or state.probing:
            return None
        if not self._usable(name, state, self.clock()):
            return None
        return await self._start_probe(cred, state)

    async def succeeded(self, lease: Lease) -> None:
        name = lease.credential.name
        state = lease.state
        if self._current(lease) and state.status != "healthy":
            before = state.label
            state.status = "healthy"
            state.last_reason = ""
            state.kind = None
            await self._push(name)
            self._log_change(name, before, state.label, "login accepted")
        await self._end(lease)

    async def login_failed(self, lease: Lease, kind: Kind) -> None:
        name = lease.credential.name
        if self._current(lease):
            await self.refresh(name)  # another replica's failures count toward the budget too
            state = lease.state
            before = state.label
            now = self.clock()
            state.failures.append(now)
            state.status = "failed"
            state.retry_at = now + self.cooldown
            state.last_reason = REASONS[kind]
            state.kind = kind
            await self._push(name)
            self._log_change(name, before, state.label, state.last_reason)
        await self._end(lease)

    async def released(self, lease: Lease) -> None:
        """The call ended without telling anything about the login (transport failure)."""
        await self._end(lease)

    async def _end(self, lease: Lease) -> None:
        name = lease.credential.name
        current = self.states.get((self.upstream, name))
        if current is not None:
            current.in_flight = max(0, current.in_flight - 1)
        if lease.probe:
            lease.state.probing = False
            lease.state.probe_done.set()
            await self._unlock_probe(name)
        if current is not None:
            self._notify(name)


class KnownCredentials:
    """What the process knows about credentials beyond one configuration (reloads keep it):

    - each credential's state, by upstream and name (every :class:`CredentialPool` of the
      upstream shares it);
    - every password the upstream's credentials have had: a reply to a call sent with a
      rotated password is still scrubbed of it;
    - every VICIdial login they have used, by credential name: data a caller reads shows the
      name instead of the login (:func:`gateway.catalog.reply.hide_logins`).
    """

    def __init__(self) -> None:
        self.states: dict[tuple[str, str], CredentialState] = {}
        self._passwords: dict[str, set[str]] = {}
        self._logins: dict[str, dict[str, str]] = {}

    def learn(self, upstreams: Mapping[str, UpstreamConfig]) -> None:
        """Remember the passwords and logins of a configuration's credentials."""
        for name, cfg in upstreams.items():
            self._passwords.setdefault(name, set()).update(
                c.password.reveal() for c in cfg.credentials
            )
            self._logins.setdefault(name, {}).update(
                (c.user.reveal(), c.name) for c in cfg.credentials
            )

    def passwords(self, upstream: str) -> AbstractSet[str]:
        """Every password the upstream's credentials have had (the scrub list)."""
        return self._passwords.get(upstream, set())

    def logins(self, upstream: str) -> Mapping[str, str]:
        """The VICIdial logins the upstream's credentials use or have used, by credential name
        (records made with a rotated-away login still name it)."""
        return self._logins.get(upstream, {})

    def forget(self, configured: AbstractSet[tuple[str, str]], now: float) -> None:
        """Drop the state of every credential not in ``configured`` (upstream, name), unless
        VICIdial refused it within :data:`FAILURE_WINDOW` of ``now``: re-added, it must not get
        a fresh budget of failures. So the states are at most one per credential in use, plus
        the ones removed (renamed) in the last 15 minutes that had failed."""
        recent = now - FAILURE_WINDOW
        for key, state in list(self.states.items()):
            if key not in configured and not any(t > recent for t in state.failures):
                del self.states[key]
