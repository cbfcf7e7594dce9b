"""The gateway's per-call cost next to the Python floor, in one table (issue 13).

    .venv/bin/python bench/harness.py [--duration 10] [--connections 16] [--scenarios a,b3,e]
                                      [--generator auto|wrk|python] [--json out.json] [--smoke]

Three processes on loopback, each pinned to a core where the machine has enough (see
``bench/README.md``): the stand-in dialer (``bench/standin.py``: precomputed replies made from the
captured samples, HTTPS with a throwaway CA), the "floor" (``bench/floor.py``: a do-nothing aiohttp
proxy, JSON in, the same form out over pooled verified HTTPS, the text back as is) and the gateway
as deployed (``vicigw serve`` with a generated config: audit log to a file, metrics on their port,
a real JWT on every call). A separate load generator (wrk, or ``bench/loadgen.py`` where wrk is
missing) drives the stand-in directly, then the floor, then the gateway, for every scenario; the
streamed export is read by this process. Progress goes to stderr; the table (Markdown) to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import sys
import time
from pathlib import Path

import aiohttp
from measure import Figures, check_replies, measure, measure_export
from report import OtherLoad, Row, as_json, describe_load, machine, table
from rig import TARGETS, Layout, log, running_rig
from scenarios import EXPORT_ROWS, scenarios


def options(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=10.0, help="seconds per measured run (10)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of load before each (2)")
    p.add_argument("--connections", type=int, default=16, help="for (a) to (c) (16)")
    p.add_argument("--scenarios", default="all", help="comma-separated: a,b3,b200,c,c2,d1,d200,e")
    p.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument("--export-rows", type=int, default=EXPORT_ROWS)
    p.add_argument("--export-runs", type=int, default=3)
    p.add_argument("--json", type=Path, help="also write the figures here")
    p.add_argument(
        "--smoke",
        action="store_true",
        help="only show that it works: 1 s per run, no warm-up, one 20,000-row export",
    )
    p.add_argument(
        "--profile",
        type=Path,
        metavar="PATH",
        help="run the gateway under cProfile and write its statistics here (bench/profile_top.py "
        "prints them); its figures are then not a baseline",
    )
    args = p.parse_args(argv)
    if args.smoke:
        args.duration, args.warmup, args.export_rows, args.export_runs = 1.0, 0.0, 20_000, 1
    if args.generator == "auto":
        args.generator = "wrk" if shutil.which("wrk") else "python"
    if args.generator == "wrk" and not shutil.which("wrk"):
        p.error("wrk is not installed (apt-get install wrk); or use --generator python")
    every = scenarios(args.export_rows)
    if args.scenarios == "all":
        args.chosen = every
    else:
        keys = args.scenarios.split(",")
        unknown = set(keys) - {s.key for s in every}
        if unknown:
            p.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
        args.chosen = [s for s in every if s.key in keys]
    return args


async def run(args: argparse.Namespace, layout: Layout) -> tuple[list[Row], int]:
    """Every chosen scenario against the three targets; the rows and the audit log's lines."""
    if layout.load is not None:
        os.sched_setaffinity(0, {layout.load})  # this process reads the export
    pool = max(20, args.connections)  # the gateway's default max_concurrency, or more
    dialers = {s.dialer: (s.function, s.rows) for s in args.chosen}
    rows: list[Row] = []
    async with (
        running_rig(dialers, layout, pool, args.profile) as rig,
        aiohttp.ClientSession() as session,
    ):
        for s in args.chosen:
            log(s.label)
            if s.export:  # each run checks its rows (a whole export is not read at once)
                rows.append(Row(s, 1, await measure_export(s, rig, args.export_runs)))
                continue
            await check_replies(s, rig, session)
            conns = s.connections or args.connections
            figures: dict[str, Figures] = {}
            for name in TARGETS:
                target = rig.target(name, s)
                figures[name] = await measure(
                    args.generator, target, conns, args.duration, args.warmup, rig
                )
                log(f"  {name:8} {figures[name].throughput:10,.0f} req/s")
            rows.append(Row(s, conns, figures))
    return rows, rig.audit_lines  # counted once the gateway has stopped


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    info = machine()
    layout = Layout.for_cores(sorted(os.sched_getaffinity(0)))
    command = shlex.join([".venv/bin/python", "bench/harness.py", *(argv or sys.argv[1:])])
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    other = OtherLoad()
    rows, audit_lines = asyncio.run(run(args, layout))
    load = other.stop()
    print(f"command: {command}")
    print(f"started: {started}")
    print(
        f"machine: {info['nproc']} cores ({info['cores_usable']} usable), {info['cpu']}, "
        f"Python {info['python']}, Linux {info['kernel']}"
    )
    print(f"layout: {layout.describe()}")
    if args.profile:
        print(f"the gateway ran under cProfile (statistics in {args.profile}): slower than it is")
    print(
        f"load generator: {args.generator}, {args.duration:g} s per run after "
        f"{args.warmup:g} s of warm-up; export: median of {args.export_runs} run(s); "
        f"gateway audit log: {audit_lines} lines"
    )
    print(describe_load(load))
    print()
    for line in table(rows):
        print(line)
    if args.json:
        doc = as_json(
            rows,
            machine=info,
            layout=layout.describe(),
            generator=args.generator,
            duration=args.duration,
            warmup=args.warmup,
            audit_lines=audit_lines,
            load=load,
            command=command,
            started=started,
        )
        args.json.write_text(json.dumps(doc, indent=2))
    return 1 if any(r.errors() for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
