"""The harness's output: one Markdown table (direct, floor and gateway side by side, the
gateway/floor ratios and the issue's targets), the machine it ran on, and the same as JSON."""

from __future__ import annotations

import os
import platform
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from measure import Figures
from rig import TARGETS
from scenarios import Scenario


@dataclass
class Row:
    scenario: Scenario
    connections: int
    figures: dict[str, Figures]

    @property
    def ratio(self) -> float:
        """Gateway over floor throughput."""
        floor = self.figures["floor"].throughput
        return self.figures["gateway"].throughput / floor if floor else 0.0

    @property
    def cpu_ratio(self) -> float:
        """Gateway over floor CPU time per call (per export for a streamed export)."""
        floor = self.figures["floor"].cpu_ms_per_call
        return self.figures["gateway"].cpu_ms_per_call / floor if floor else 0.0

    def target(self) -> tuple[str, bool]:
        """The issue's target for this row, with the figure it is about, and whether it is met."""
        s, g = self.scenario, self.figures["gateway"]
        if s.export:
            assert s.min_mb_s is not None and s.max_rss_mb is not None
            met = g.throughput >= s.min_mb_s and g.peak_rss_mb <= s.max_rss_mb
            return f"≥ {s.min_mb_s:g} MB/s at ≤ {s.max_rss_mb:g} MB", met
        if s.max_added_p50_ms is not None:
            added = g.p50_ms - self.figures["floor"].p50_ms
            text = f"gateway p50 - floor p50 ≤ {s.max_added_p50_ms:g} ms: {added:+.2f} ms"
            return text, added <= s.max_added_p50_ms
        assert s.min_ratio is not None
        return f"ratio ≥ {s.min_ratio:.2f}", self.ratio >= s.min_ratio

    def errors(self) -> int:
        return sum(self.figures[t].errors for t in TARGETS)


def _three(row: Row, get: Callable[[Figures], float], fmt: str) -> str:
    return " / ".join(format(get(row.figures[t]), fmt) for t in TARGETS)


HEADER = (
    "| scenario | conns | direct | floor | gateway | gateway / floor | target | "
    "p50 ms (d / f / g) | p99 ms (d / f / g) | p50 added to direct, ms (f / g) | "
    "CPU s per 1,000 calls (d / f / g) | CPU gateway / floor | peak RSS MB (d / f / g) | "
    "other work on the serving core, % (f / g) |"
)


def table(rows: list[Row]) -> Iterator[str]:
    yield HEADER
    yield "|" + "---|" * HEADER.count(" | ") + "---|"
    for row in rows:
        s, f = row.scenario, row.figures
        fmt, unit = (",.1f", " MB/s") if s.export else (",.0f", "")
        speeds = " | ".join(format(f[t].throughput, fmt) + unit for t in TARGETS)
        target, met = row.target()
        added = " / ".join(f"{f[t].p50_ms - f['direct'].p50_ms:+.2f}" for t in ("floor", "gateway"))
        label = s.label + (f" (ERRORS: {row.errors()})" if row.errors() else "")
        yield (
            f"| {label} | {row.connections} | {speeds} | {row.ratio:.2f} | "
            f"{target}: {'met' if met else 'MISSED'} | "
            f"{_three(row, lambda x: x.p50_ms, ',.2f')} | "
            f"{_three(row, lambda x: x.p99_ms, ',.2f')} | {added} | "
            f"{_three(row, lambda x: x.cpu_ms_per_call, ',.3f')} | {row.cpu_ratio:.1f} | "
            f"{_three(row, lambda x: x.peak_rss_mb, ',.1f')} | {_other(row)} |"
        )


def _other(row: Row) -> str:
    shares = (row.figures[t].other_on_core_pct for t in ("floor", "gateway"))
    return " / ".join("-" if x is None else f"{x:.0f}" for x in shares)


def machine() -> dict[str, str]:
    model = "unknown"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cores_usable": str(len(os.sched_getaffinity(0))),
        "cpu": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def _busy_seconds() -> float:
    """CPU time the whole machine has spent busy (every core; /proc/stat, idle and iowait out)."""
    with suppress(OSError):
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    return float("nan")


def _own_seconds() -> float:
    """CPU time of the harness and of every process it started and has waited for."""
    return sum(
        u.ru_utime + u.ru_stime
        for u in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def _loadavg() -> str:
    with suppress(OSError):
        return Path("/proc/loadavg").read_text().split()[0]
    return "?"


class OtherLoad:
    """How busy the machine was with other work while the harness ran: the machine's busy CPU
    time minus the harness's own and its children's (the stand-in, the floor, the gateway, the
    load generators: all of them exited and waited for by then)."""

    def __init__(self) -> None:
        self.wall0, self.busy0, self.own0 = time.monotonic(), _busy_seconds(), _own_seconds()
        self.loadavg0 = _loadavg()

    def stop(self) -> dict[str, Any]:
        wall = time.monotonic() - self.wall0
        other = (_busy_seconds() - self.busy0) - (_own_seconds() - self.own0)
        return {
            "wall_s": round(wall, 1),
            "other_cpu_s": round(max(other, 0.0), 1),
            "other_cores": round(max(other, 0.0) / wall, 2) if wall > 0 else 0.0,
            "loadavg_start": self.loadavg0,
            "loadavg_end": _loadavg(),
        }


def describe_load(load: dict[str, Any]) -> str:
    return (
        f"other work on the machine during the run: {load['other_cpu_s']:g} CPU-s in "
        f"{load['wall_s']:g} s (on average {load['other_cores']:.2f} of a core busy with "
        f"processes outside the harness); 1-min load average {load['loadavg_start']} at the "
        f"start, {load['loadavg_end']} at the end"
    )


def as_json(rows: list[Row], **context: Any) -> dict[str, Any]:
    return {
        **context,
        "rows": [
            {
                "scenario": r.scenario.key,
                "label": r.scenario.label,
                "connections": r.connections,
                "unit": "MB/s" if r.scenario.export else "req/s",
                "figures": {t: asdict(r.figures[t]) for t in TARGETS},
                "gateway_floor_ratio": r.ratio,
                "gateway_floor_cpu_ratio": r.cpu_ratio,
                "target": r.target()[0],
                "met": r.target()[1],
            }
            for r in rows
        ],
    }
