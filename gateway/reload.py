"""The configuration in use, swapped atomically on SIGHUP or when its files change.

A :class:`Generation` is everything built from one configuration: the config itself, its
authenticator, its upstream clients and its audit log. :class:`Generations` holds the current
one. A request takes it once when it starts (:meth:`Generations.use`) and uses it to the end, so
a reload never changes the rules under a call in flight; new calls get the new generation. What
lives as long as the process (the state stores, caps, cache, breakers, metrics) is not here but
in :mod:`gateway.services`.

A reload loads and validates the new file completely first. If anything is wrong, nothing
changes: the old generation stays, the reason is logged and ``config_reloads_total{result=
"failure"}`` counts it; until the files change again, :meth:`Generations.rejected_on_disk` says so
(``/readyz`` shows it as degraded) and ``config_last_reload_successful`` is 0. Each reload logs
what triggered it (``SIGHUP``, ``file`` with the files that changed, or ``api``) and what it
changed, by name (:mod:`gateway.config_diff`). What a reload keeps:

- connection pools, for upstreams whose TLS settings did not change (and whose CA / client
  certificate files did not change);
- what is known about each credential (its state is keyed by upstream and credential name and
  reset only when the secret itself changed; a credential no longer configured is forgotten once
  the calls of older configurations have finished and no refusal of it is recent);
- the old passwords, which stay on the scrub list, so a reply to a call sent with a rotated
  password is still scrubbed.

Pools no longer used are closed once the calls of the old generations have finished. The metric
series of credentials no longer configured are removed. Credentials a reload made unverified (a
new secret, a hold released, a new credential) are verified at once with a login that runs
nothing, so their state is known without waiting for a call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .audit import AuditLog
from .auth import Authenticator
from .breaker import Breakers
from .config import Config
from .config_diff import config_changes
from .config_load import load_config
from .credentials import KnownCredentials
from .custom_fields import CustomFields
from .errors import ConfigError
from .files import Stamp, file_stamp
from .metrics import Metrics
from .store import CredentialStateStore
from .upstream import ConnectionPool, Upstream, VicidialUpstream, pool_key

log = logging.getLogger("gateway.reload")


@dataclass(frozen=True)
class Rejected:
    """The last reload attempt failed: when, what triggered it, why, and the files it read."""

    at: float
    trigger: str
    errors: tuple[str, ...]
    stamps: Mapping[Path, Stamp]

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at, "trigger": self.trigger, "errors": list(self.errors)}


@dataclass
class Generation:
    config: Config
    auth: Authenticator
    upstreams: Mapping[str, Upstream]
    audit: AuditLog
    loaded_at: float
    inflight: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)


class Generations:
    """The current generation and those retiring; reloads build and swap them.

    What outlives a generation is given to it (:mod:`gateway.services` builds it once): the
    metrics, what is known about credentials, the breakers, the shared credential state store
    and the custom-field labels. Connection pools are the generations' own: a new one takes
    over the pool of an upstream whose TLS settings did not change.
    """

    def __init__(
        self,
        config: Config,
        *,
        metrics: Metrics,
        credentials: KnownCredentials,
        breakers: Breakers,
        store: CredentialStateStore,
        custom_fields: CustomFields,
        upstreams: Mapping[str, Upstream] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.metrics = metrics
        self.credentials = credentials
        self.breakers = breakers
        self.store = store
        self.custom_fields = custom_fields
        self.clock = clock
        self._fixed_upstreams = upstreams  # tests: fake upstreams, never rebuilt
        # The state backend is chosen once, at start (see gateway.state).
        self._state_config = config.state
        self._pools: dict[str, ConnectionPool] = {}
        self._retired: list[tuple[Generation, list[ConnectionPool]]] = []
        self._lock = asyncio.Lock()
        self._stamps: dict[Path, Stamp] = {}
        self.rejected: Rejected | None = None
        self._verifying: set[asyncio.Task[None]] = set()
        self._commit(*self._build(config))

    # -- building ---------------------------------------------------------------------------

    def _build(self, config: Config) -> tuple[Generation, dict[str, ConnectionPool]]:
        """A generation for ``config``, and the pools it uses; shared state is not touched."""
        auth = Authenticator(config, clock=self.clock)
        # Opened before any connection pool, so that a file it cannot open leaves none behind.
        audit = AuditLog(config.audit)
        pools: dict[str, ConnectionPool] = {}
        upstreams: dict[str, Upstream] = {}
        if self._fixed_upstreams is not None:
            upstreams.update(self._fixed_upstreams)
            return Generation(config, auth, upstreams, audit, time.time()), pools
        try:
            for name, cfg in config.upstreams.items():
                old = self._pools.get(name)
                client = VicidialUpstream(
                    cfg,
                    pool=old if old is not None and old.key == pool_key(cfg) else None,
                    states=self.credentials.states,
                    previous_secrets=self.credentials.passwords(name),
                    metrics=self.metrics,
                    breaker=self.breakers(cfg),
                    store=self.store,
                    clock=self.clock,
                    recheck=config.server.config_watch_interval,
                )
                upstreams[name] = client
                pools[name] = client.pool
        except BaseException:
            for name, pool in pools.items():
                if pool is not self._pools.get(name):
                    asyncio.get_running_loop().create_task(pool.close())
            raise
        return Generation(config, auth, upstreams, audit, time.time()), pools

    def _commit(self, gen: Generation, pools: dict[str, ConnectionPool]) -> Generation:
        """Make ``gen`` current; return the previous generation (or ``gen`` the first time)."""
        old = getattr(self, "current", gen)
        self.current = gen
        self._pools = pools
        self.credentials.learn(gen.config.upstreams)
        self._stamps = self._file_stamps(gen.config)
        self.custom_fields.retain(gen.config.upstreams)
        self.metrics.config_last_reload.set(gen.loaded_at)
        self.metrics.retain_credentials(self._configured())
        return old

    def _configured(self) -> set[tuple[str, str]]:
        """(upstream, credential) of the current configuration."""
        return {
            (name, cred.name)
            for name, cfg in self.current.config.upstreams.items()
            for cred in cfg.credentials
        }

    @staticmethod
    def _file_stamps(config: Config) -> dict[Path, Stamp]:
        files = [config.path] if config.path is not None else []
        files += list(config.files)
        return {f: file_stamp(f) for f in files}

    # -- using ------------------------------------------------------------------------------

    @asynccontextmanager
    async def use(self) -> AsyncIterator[Generation]:
        """The current generation, held for the duration of one call."""
        gen = self.current
        gen.inflight += 1
        gen.idle.clear()
        try:
            yield gen
        finally:
            gen.inflight -= 1
            if gen.inflight == 0:
                gen.idle.set()

    # -- reloading ----------------------------------------------------------------------------

    def changed_files(self) -> list[Path]:
        """The config's files (itself and those it references) changed since the last load."""
        return [f for f, s in self._stamps.items() if file_stamp(f) != s]

    def rejected_on_disk(self) -> Rejected | None:
        """The last reload attempt, if it failed and its files are still the ones on disk."""
        rejected = self.rejected
        if rejected is None:
            return None
        if any(file_stamp(f) != s for f, s in rejected.stamps.items()):
            return None  # changed since: a reload is due (the watcher will try it)
        return rejected

    async def reload(
        self, path: Path | None = None, *, trigger: str = "api", files: list[Path] | None = None
    ) -> bool:
        """Load, validate and swap in the config file; keep the old one on any error.

        ``trigger`` (``SIGHUP``, ``file``, ``api``) and ``files`` (those whose change triggered
        it) are for the log line.
        """
        async with self._lock:
            path = path or self.current.config.path
            if path is None:
                log.error("config reload impossible: the config was not loaded from a file")
                return False
            stamps = self._file_stamps(self.current.config)
            why = {"trigger": trigger, "files": [str(f) for f in files or ()]}
            try:
                config = await asyncio.to_thread(load_config, path)
                new, pools = self._build(config)
            except ConfigError as exc:
                self._rejected(stamps, trigger, exc.errors)
                log.error(
                    "config reload rejected; the old config stays in use",
                    extra={**why, "errors": exc.errors},
                )
                return False
            except Exception as exc:  # building clients: a bad certificate file, ...
                self._rejected(stamps, trigger, [f"cannot build the clients: {type(exc).__name__}"])
                log.error(
                    "config reload failed; the old config stays in use",
                    extra={**why, "error": type(exc).__name__},
                )
                return False
            if config.state != self._state_config:
                log.warning("state backend changes take effect at the next restart")
            old = self._commit(new, pools)
            self.rejected = None
            self.metrics.config_last_reload_ok.set(1)
            self.metrics.config_reloads.labels("success").inc()
            for warning in config.warnings:
                log.warning(warning)
            in_use = {id(p) for p in self._pools.values()}
            unused = [
                u.pool
                for u in old.upstreams.values()
                if isinstance(u, VicidialUpstream) and id(u.pool) not in in_use
            ]
            self._retire(old, unused)
            changes = config_changes(old.config, config)
            log.info("config reloaded", extra={"path": str(path), **why, "changes": changes})
            self._verify_fresh(new)
            return True

    def _rejected(self, stamps: dict[Path, Stamp], trigger: str, errors: list[str]) -> None:
        self._stamps = stamps  # do not retry the same broken files in a loop
        self.rejected = Rejected(time.time(), trigger, tuple(errors), stamps)
        self.metrics.config_reloads.labels("failure").inc()
        self.metrics.config_last_reload_ok.set(0)

    def _verify_fresh(self, gen: Generation) -> None:
        """Verify, in the background, the credentials this reload made unverified."""
        for upstream in gen.upstreams.values():
            if isinstance(upstream, VicidialUpstream) and upstream.credentials.fresh:
                task = asyncio.get_running_loop().create_task(upstream.verify_fresh())
                self._verifying.add(task)
                task.add_done_callback(self._verifying.discard)

    def _retire(self, gen: Generation, pools: list[ConnectionPool]) -> None:
        """Close what only ``gen`` used, once its last call has finished."""
        if gen.inflight == 0:
            gen.idle.set()

        async def close_when_idle() -> None:
            await gen.idle.wait()
            self._forget_credentials(retiring=gen)
            self.metrics.retain_credentials(self._configured())
            gen.audit.close()
            for pool in pools:
                await pool.close()

        task = asyncio.get_running_loop().create_task(close_when_idle())
        self._retired.append((gen, pools))
        task.add_done_callback(lambda _t: self._retired.remove((gen, pools)))

    def _forget_credentials(self, retiring: Generation) -> None:
        """Drop the state of credentials no configuration in use still has (see
        :meth:`~gateway.credentials.KnownCredentials.forget`)."""
        in_use = [self.current] + [g for g, _ in self._retired if g is not retiring]
        configured = {
            (name, cred.name)
            for g in in_use
            for name, cfg in g.config.upstreams.items()
            for cred in cfg.credentials
        }
        self.credentials.forget(configured, self.clock())

    async def watch(self, interval: float) -> None:
        """Reload when the config file or a file it references changes (polled)."""
        while True:
            await asyncio.sleep(interval)
            changed = self.changed_files()
            if changed:
                await self.reload(trigger="file", files=changed)

    def install_sighup(self) -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(
                signal.SIGHUP, lambda: loop.create_task(self.reload(trigger="SIGHUP"))
            )

    @asynccontextmanager
    async def watching(self, interval: float) -> AsyncIterator[None]:
        """Reload on SIGHUP and when the config's files change, while in this block."""
        self.install_sighup()
        task = asyncio.create_task(self.watch(interval))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def close(self) -> None:
        """Close what the generations hold: the audit log, every pool (retiring ones too)."""
        for task in list(self._verifying):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.current.audit.close()
        pools = {id(p): p for p in self._pools.values()}
        for _gen, retired in list(self._retired):
            for p in retired:
                pools[id(p)] = p
        for pool in pools.values():
            await pool.close()
