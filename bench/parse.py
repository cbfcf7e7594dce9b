"""The parser's row paths side by side: the general reading search and the plain-row fast path.

    .venv/bin/python bench/parse.py [--core 1] [--rounds 5]

For each reply it parses the same text with ``parse_reply`` under
``row_paths(fast=False)`` (every row through the general search, the reference and what every
buffered reply took before the fast path) and under ``row_paths()`` (the default: plain rows read
field by field), checks that both give the same ParsedReply, and prints microseconds per call,
microseconds per row and rows per second (best of ``--rounds``), and the speed-up. The process is
pinned to one core with ``os.sched_setaffinity`` so figures from one run compare.

Replies (VICIdial's text as the gateway asks for it, ``stage=tab`` and ``header=YES``):

- ``campaigns_list`` with 3 and with 200 rows (12 columns, one free-text column);
- a 1,000-row lead list: ``hopper_list`` (17 columns of lead data, two free-text columns, run
  through its own reading of the padded ``last_call_time``), standing in for a
  ``lead_status_search``-sized buffered reply;
- a one-line ``add_lead`` reply (a status line, no rows: both paths are the same code).

It prints figures only; no test asserts a time.
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from collections.abc import Callable

from gateway.catalog import CATALOG
from gateway.catalog.parser import parse_reply, row_paths
from gateway.catalog.spec import FunctionSpec

Reply = tuple[str, FunctionSpec, str, dict[str, str], int]


def _columns(name: str) -> tuple[str, ...]:
    rows = CATALOG[name].rows
    assert rows is not None
    return rows.columns


def campaigns(n: int) -> Reply:
    rows = [
        f"C{i:04d}\tCampaign number {i}\tY\t---ALL---\tRATIO\t1.5\tDOWN\tNEW NA B\t26\t9\t\t"
        for i in range(n)
    ]
    text = "\t".join(_columns("campaigns_list")) + "\n" + "\n".join(rows) + "\n"
    params = {"stage": "tab", "header": "YES"}
    return f"campaigns_list {n} rows", CATALOG["campaigns_list"], text, params, n


def lead_list(n: int) -> Reply:
    rows = [
        f"{i}\t0\t{5000 + i}\t101\t312555{i % 10000:04d}\t1\tIL\tNEW\t0\t-5.00\t0\tNONE\tA"
        f"\tVL{5000 + i}\tWEB\t909\tNEVER    "
        for i in range(n)
    ]
    text = "\t".join(_columns("hopper_list")) + "\n" + "\n".join(rows) + "\n"
    params = {"stage": "tab", "header": "YES", "campaign_id": "TESTCAMP"}
    return f"hopper_list {n:,} rows", CATALOG["hopper_list"], text, params, n


def add_lead() -> Reply:
    text = "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|-6.00|6666\n"
    params = {"phone_number": "3125557006", "list_id": "101"}
    return "add_lead 1 line", CATALOG["add_lead"], text, params, 1


def best_seconds(call: Callable[[], object], per_round: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            call()
        best = min(best, (time.perf_counter() - start) / per_round)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--core", type=int, default=None, help="CPU to pin to (default: the last)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    core = cores[-1] if args.core is None else args.core
    os.sched_setaffinity(0, {core})
    print(f"pinned to core {core}; best of {args.rounds} rounds")
    head = f"{'reply':24} {'path':8} {'us/call':>10} {'us/row':>8} {'rows/s':>11} {'speed-up':>9}"
    print(head)
    print("-" * len(head))
    for label, spec, text, params, rows in (
        campaigns(3),
        campaigns(200),
        lead_list(1000),
        add_lead(),
    ):
        per_round = max(1, 20_000 // rows)
        call = functools.partial(parse_reply, spec, text, params=params)
        with row_paths(fast=False):
            general = call()
            figures = {"general": best_seconds(call, per_round, args.rounds)}
        with row_paths() as paths:
            fast = call()
        if rows > 1:
            assert paths.plain > 0 and paths.searched == 0, "the fast path was not taken"
        figures["fast"] = best_seconds(call, per_round, args.rounds)  # as deployed: no counting
        results = {"general": general, "fast": fast}
        assert results["fast"] == results["general"], f"{label}: the paths differ"
        for path, seconds in figures.items():
            speedup = figures["general"] / seconds
            print(
                f"{label:24} {path:8} {seconds * 1e6:10.1f} {seconds * 1e6 / rows:8.2f}"
                f" {rows / seconds:11,.0f} {speedup:8.2f}x"
            )


if __name__ == "__main__":
    main()
