"""A circuit breaker per upstream: stop sending calls to a VICIdial that is not answering.

``closed``
    Normal. Each transport failure or timeout in a row counts; any answer from VICIdial (even
    an ERROR line) resets the count. At ``failures`` in a row the breaker opens.
``open``
    Calls are refused at once with 503 ``unavailable`` and ``Retry-After`` (the dialer is not
    hammered while it is down or overloaded) for ``open_for`` seconds.
``half-open``
    After that, the next call first asks VICIdial for ``version`` (no login, no data, no
    credential spent); only if that answers does the breaker close and the call proceed.
    Concurrent calls wait for that probe rather than each sending one.

An upstream has one breaker for the process's life (:class:`Breakers`): a reload may change its
limits, never what it has counted. ``vicigw_circuit_open`` shows whether it is open.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .config import UpstreamConfig
from .errors import GatewayError, Unavailable
from .metrics import Metrics


@dataclass
class CircuitBreaker:
    failures: int = 5
    open_for: float = 30.0
    clock: Callable[[], float] = time.monotonic
    on_change: Callable[[bool], None] | None = None
    consecutive: int = 0
    opened_at: float | None = None
    _probe: asyncio.Lock = field(default_factory=asyncio.Lock)

    def _open(self) -> None:
        self.opened_at = self.clock()
        if self.on_change:
            self.on_change(True)

    def _close(self) -> None:
        self.consecutive = 0
        if self.opened_at is not None:
            self.opened_at = None
            if self.on_change:
                self.on_change(False)

    async def before_call(self, ping: Callable[[], Awaitable[object]]) -> None:
        """Let a call through, probe first when half-open, or refuse it while open."""
        if self.opened_at is None:
            return
        remaining = self.opened_at + self.open_for - self.clock()
        if remaining > 0:
            raise Unavailable(
                "VICIdial is not answering; calls are paused (circuit breaker open)",
                retry_after=int(remaining) + 1,
            )
        async with self._probe:
            if self.opened_at is None:
                return  # another call's probe closed it meanwhile
            if self.opened_at + self.open_for > self.clock():
                raise Unavailable(
                    "VICIdial is not answering; calls are paused (circuit breaker open)",
                    retry_after=int(self.open_for) + 1,
                )
            try:
                await ping()
            except GatewayError:
                self._open()  # still down: another full period
                raise Unavailable(
                    "VICIdial is not answering; calls are paused (circuit breaker open)",
                    retry_after=int(self.open_for) + 1,
                ) from None
            self._close()

    def succeeded(self) -> None:
        """VICIdial answered (whatever it said)."""
        if self.consecutive or self.opened_at is not None:
            self._close()

    def failed(self) -> None:
        """A transport failure or timeout."""
        self.consecutive += 1
        if self.consecutive >= self.failures and self.opened_at is None:
            self._open()


class Breakers:
    """The breaker of each upstream, kept across reloads, each shown by ``vicigw_circuit_open``."""

    def __init__(self, metrics: Metrics, *, clock: Callable[[], float] = time.monotonic) -> None:
        """``clock``: the monotonic clock the breakers time their open periods by."""
        self._metrics = metrics
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}

    def __call__(self, cfg: UpstreamConfig) -> CircuitBreaker:
        """The upstream's breaker, with the limits ``cfg`` gives it now."""
        breaker = self._breakers.get(cfg.name)
        if breaker is None:
            gauge = self._metrics.circuit_open.labels(cfg.name)
            gauge.set(0)
            breaker = CircuitBreaker(
                cfg.breaker_failures,
                cfg.breaker_open_for,
                clock=self._clock,
                on_change=lambda o: gauge.set(int(o)),
            )
            self._breakers[cfg.name] = breaker
        breaker.failures, breaker.open_for = cfg.breaker_failures, cfg.breaker_open_for
        return breaker
