"""The top of the gateway's cProfile statistics, as two Markdown tables (own, cumulative time).

    .venv/bin/python bench/harness.py --scenarios a --profile /tmp/a.prof
    .venv/bin/python bench/profile_top.py /tmp/a.prof [--limit 25] [--calls N]

``--calls``: the gateway calls the profile covers (the audit log's lines, which the harness
prints), to show each entry's time per call too. Left out of both tables: the event loop waiting
for I/O (``epoll.poll``: idle time, given once as a total) and the frames every call runs under
(the interpreter's start, ``asyncio.run``, the loop's ``_run_once``), which would only repeat the
total, and the imports (at start: given once as a total too). The rest of the start (reading
the config) is in the tables; over a 10 s run it is small.
cProfile counts every resumption of a coroutine as a call: the calls of ``async`` functions are
higher than the requests they served.
"""

from __future__ import annotations

import argparse
import pstats
import re
from collections.abc import Iterator
from typing import Any

Key = tuple[str, int, str]

IDLE = ("~", 0, "<method 'poll' of 'select.epoll' objects>")
# Frames that enclose everything (the process, the loop): their cumulative time is the total.
ENCLOSING = re.compile(
    r"<string>|<frozen runpy>|gateway/__main__\.py|gateway/cli\.py:\d+\((main|cmd_serve)\)"
    r"|asyncio/(runners|base_events)\.py:\d+\((run|run_until_complete|run_forever|_run_once)\)"
    r"|asyncio/events\.py:\d+\(_run\)|selectors\.py:\d+\(select\)|_contextvars\.Context"
    r"|builtins\.exec|cProfile"
)
# Importing modules (at start, or a late import): the time is given once, as a total. Without
# .pyc files (PYTHONDONTWRITEBYTECODE) the imports compile their sources, hence ``compile``.
STARTUP = re.compile(r"<frozen importlib|builtins\.__import__|builtins\.compile|marshal\.loads")
IMPORTS = ("<frozen importlib._bootstrap>", "_find_and_load")  # file, function
LIB = re.compile(r"^.*?/(?:site-packages|python3\.\d+)/")
PROJECT = re.compile(r"^.*?/(gateway/)")


def where(key: Key) -> str:
    file, line, name = key
    if file == "~":  # a built-in
        return name
    file = PROJECT.sub(r"\1", LIB.sub("", file))
    return f"{file}:{line}({name})"


def top(entries: dict[Key, Any], field: int, limit: int, calls: int | None) -> Iterator[str]:
    ranked = sorted(entries.items(), key=lambda kv: kv[1][field], reverse=True)[:limit]
    per = f" | µs per call ({'own' if field == 2 else 'cumulative'})" if calls else ""
    yield f"| function | calls | own s | cumulative s{per} |"
    yield "|---|---|---|---|" + ("---|" if calls else "")
    for key, (_cc, ncalls, tottime, cumtime, _callers) in ranked:
        extra = f" | {(tottime if field == 2 else cumtime) / calls * 1e6:,.1f}" if calls else ""
        yield f"| `{where(key)}` | {ncalls:,} | {tottime:.3f} | {cumtime:.3f}{extra} |"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("stats")
    p.add_argument("--limit", type=int, default=25)
    p.add_argument("--calls", type=int, help="gateway calls in the profile (µs per call)")
    args = p.parse_args()
    stats: Any = pstats.Stats(args.stats)
    imports = max(
        (v[3] for k, v in stats.stats.items() if (k[0], k[2]) == IMPORTS),
        default=0.0,
    )
    entries = {
        k: v
        for k, v in stats.stats.items()
        if not ENCLOSING.search(where(k)) and not STARTUP.search(where(k))
    }
    idle = entries.pop(IDLE, (0, 0, 0.0, 0.0, {}))[2]
    busy = stats.total_tt - idle - imports
    per_call = f", {busy / args.calls * 1e6:,.0f} µs per call" if args.calls else ""
    print(
        f"Profiled: {stats.total_tt:.2f} s: {idle:.2f} s waiting for I/O (epoll), {imports:.2f} s "
        f"importing modules, {busy:.2f} s running{per_call}.\n"
    )
    print("By own time:\n")
    for line in top(entries, 2, args.limit, args.calls):
        print(line)
    print("\nBy cumulative time:\n")
    for line in top(entries, 3, args.limit, args.calls):
        print(line)


if __name__ == "__main__":
    main()
