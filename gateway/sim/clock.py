"""Time as the simulated server sees it: an injectable clock, UTC, and PHP's number printing.

The simulator's clock is any callable returning epoch seconds, so tests can move time forward
(lockout windows, callback dates, DST) without sleeping. The simulated server runs in UTC, which
is why ``version`` prints ``TZ: 0.00|TZNOW: 0.00``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


def datetime_text(epoch: float) -> str:
    """PHP ``date("Y-m-d H:i:s")`` on a UTC server."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def php_number(value: float) -> str:
    """How PHP echoes a float that came out of arithmetic: ``-5.0`` prints as ``-5``."""
    return f"{value:.14G}"


@dataclass
class ManualClock:
    """A clock that only moves when told to (for tests and reproducible demos)."""

    now: float

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
