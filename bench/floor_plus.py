"""How close to the floor any gateway with this project's contract can come: the floor, the
floor plus the least such a gateway must add per call, and the gateway, side by side.

    .venv/bin/python bench/floor_plus.py [--scenarios a,b3] [--duration 10] [--rounds 2]

The floor (``bench/floor.py``) proxies JSON to VICIdial's form and passes the text back; "floor+"
is the same process's ``plus`` route, which adds only what the issue's run of the gateway cannot
go without (``floor.plus_route``: a request id, a cached real JWT, the allowlist, the reply as
JSON, one audit line, two metrics), each the cheapest way. The gateway's own extra work comes on
top of floor+ (value policy and SQL checks, the catalog's reading of each reply, the password
scan, limits, the credential pool, the metrics and audit fields it documents). The same rig as
``harness.py`` (stand-in, cores, wrk or the Python generator); the three targets are measured in
turn, ``--rounds`` times, and each figure is the median. It prints one Markdown table: req/s and
CPU per call of each, and floor+/floor and gateway/floor throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import sys
import time

import aiohttp
from measure import Figures, check_replies, measure
from report import machine
from rig import Layout, log, running_rig
from scenarios import scenarios

NAMES = ("floor", "floor+", "gateway")


async def run(args: argparse.Namespace, layout: Layout) -> list[tuple[str, dict[str, Figures]]]:
    chosen = [s for s in scenarios() if s.key in args.scenarios.split(",") and not s.export]
    dialers = {s.dialer: (s.function, s.rows) for s in chosen}
    out = []
    async with running_rig(dialers, layout, 20) as rig, aiohttp.ClientSession() as session:
        for s in chosen:
            log(s.label)
            await check_replies(s, rig, session)
            plus = rig.target("floor+", s)
            async with session.post(plus.url, data=plus.body, headers=plus.headers()) as resp:
                reply = await resp.json()
            if resp.status != 200 or not reply["ok"] or len(reply["data"] or [None]) != s.rows:
                raise RuntimeError(f"{s.key}: floor+ answered {resp.status} {reply!r:.300}")
            runs: dict[str, list[Figures]] = {name: [] for name in NAMES}
            for _round in range(args.rounds):
                for name in NAMES:
                    got = await measure(
                        args.generator,
                        rig.target(name, s),
                        s.connections or args.connections,
                        args.duration,
                        args.warmup,
                        rig,
                    )
                    if got.errors:
                        raise RuntimeError(f"{s.key} {name}: {got.errors} failed calls")
                    runs[name].append(got)
                    log(f"  {name:8} {got.throughput:10,.0f} req/s")
            out.append((s.label, {name: _median(runs[name]) for name in NAMES}))
    return out


def _median(figures: list[Figures]) -> Figures:
    by_rate = sorted(figures, key=lambda f: f.throughput)
    return by_rate[len(by_rate) // 2]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenarios", default="a,b3")
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--generator", choices=("wrk", "python"), default=None)
    args = p.parse_args()
    args.generator = args.generator or ("wrk" if shutil.which("wrk") else "python")
    layout = Layout.for_cores(sorted(os.sched_getaffinity(0)))
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = asyncio.run(run(args, layout))
    info = machine()
    print(f"command: {shlex.join(['.venv/bin/python', 'bench/floor_plus.py', *sys.argv[1:]])}")
    print(f"started: {started}; {info['nproc']} cores, {info['cpu']}, Python {info['python']}")
    print(f"layout: {layout.describe()}; load generator: {args.generator}")
    print(f"figures: the median of {args.rounds} round(s) of {args.duration:g} s each\n")
    print(
        "| scenario | floor req/s | floor+ req/s | gateway req/s | floor+ / floor | "
        "gateway / floor | CPU ms per call (floor / floor+ / gateway) |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, f in rows:
        base = f["floor"].throughput
        cpu = " / ".join(f"{f[n].cpu_ms_per_call:.3f}" for n in NAMES)
        print(
            f"| {label} | {base:,.0f} | {f['floor+'].throughput:,.0f} | "
            f"{f['gateway'].throughput:,.0f} | {f['floor+'].throughput / base:.2f} | "
            f"{f['gateway'].throughput / base:.2f} | {cpu} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
