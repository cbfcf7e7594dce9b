"""One measured run of the harness: a load generator against one target, or the export read.

:func:`measure` drives a target with wrk (``bench/wrk_post.lua``) or ``bench/loadgen.py`` in a
process of its own on the load core; :func:`measure_export` reads the streamed export itself.
Both read the serving process's CPU time and peak RSS around the run. :func:`check_replies`
makes sure, before anything is timed, that every target answers what it should.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import statistics
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field

import aiohttp
from rig import (
    BENCH,
    MB,
    TARGETS,
    CoreShare,
    Rig,
    Target,
    cpu_seconds,
    log,
    peak_rss_mb,
    pinned,
    reset_peak_rss,
    settled,
)
from scenarios import Scenario


@dataclass
class Figures:
    throughput: float  # req/s, or MB/s of VICIdial's text for an export
    p50_ms: float
    p99_ms: float
    cpu_ms_per_call: float  # the same number as CPU seconds per 1,000 calls
    peak_rss_mb: float
    calls: int
    errors: int = 0
    notes: list[str] = field(default_factory=list)
    # Floor and gateway: % of their core that other processes took during the run (None: the
    # direct target, whose core the load generator shares, or an unpinned run).
    other_on_core_pct: float | None = None


def generator_argv(generator: str, target: Target, connections: int, seconds: float) -> list[str]:
    if generator == "wrk":  # -d: whole seconds; otherwise a ceiling, the run ended by SIGINT
        limit = int(seconds) if _whole(seconds) else math.ceil(seconds) + 5
        return [
            "wrk", "-t", "1", "-c", str(connections), "-d", f"{limit}s",
            "--timeout", "60s", "-s", str(BENCH / "wrk_post.lua"), target.url,
        ]  # fmt: skip
    return [
        sys.executable, str(BENCH / "loadgen.py"), "-c", str(connections), "-d", f"{seconds:g}",
        target.url,
    ]  # fmt: skip


def _whole(seconds: float) -> bool:
    return seconds >= 1 and float(seconds).is_integer()


async def drive(
    generator: str, target: Target, connections: int, seconds: float, rig: Rig
) -> dict[str, int]:
    """Run the load generator against ``target`` for ``seconds``; its BENCH_RESULT figures."""
    env = {
        **os.environ,
        "BENCH_BODY": target.body.decode(),
        "BENCH_CONTENT_TYPE": target.content_type,
        "BENCH_AUTHORIZATION": target.authorization or "",
    }
    argv = generator_argv(generator, target, connections, seconds)
    proc = await asyncio.create_subprocess_exec(
        *pinned(rig.layout.load, argv), stdout=asyncio.subprocess.PIPE, env=env
    )
    if generator == "wrk" and not _whole(seconds):
        # wrk's -d takes whole seconds: a shorter run is ended by SIGINT (wrk then reports as
        # usual, over the time it really ran). On a busy machine a SIGINT after a fraction of a
        # second can reach wrk before it has made a call, so whole seconds are left to wrk.
        await asyncio.sleep(seconds)
        with suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
    # loadgen.py takes fractions of a second and stops by itself: no SIGINT, which could reach
    # it before its handler is set while Python is still starting (a slow start on a busy machine
    # would then kill it without its figures).
    out, _ = await proc.communicate()
    for line in out.decode().splitlines():
        if line.startswith("BENCH_RESULT "):
            return dict(json.loads(line.removeprefix("BENCH_RESULT ")))
    raise RuntimeError(f"{generator} gave no result (exit {proc.returncode}): {out.decode()!r}")


async def measure(
    generator: str, target: Target, connections: int, seconds: float, warmup: float, rig: Rig
) -> Figures:
    """A warm-up, then the measured run. CPU time is read once the process is idle again: the
    calls in flight when the generator stops (one per connection: it is a closed loop) are
    served too, so they count as calls."""
    if warmup > 0:
        await drive(generator, target, connections, warmup, rig)
    await settled(target.pid)
    notes = [] if reset_peak_rss(target.pid) else ["peak RSS over the process's life"]
    cpu0 = cpu_seconds(target.pid)
    share = CoreShare(serving_core(target, rig), target.pid)
    got = await drive(generator, target, connections, seconds, rig)
    await settled(target.pid)
    cpu = cpu_seconds(target.pid) - cpu0
    other = share.other_pct()
    calls = got["requests"]
    return Figures(
        throughput=calls / (got["duration_us"] / 1e6),
        p50_ms=got["p50_us"] / 1000,
        p99_ms=got["p99_us"] / 1000,
        cpu_ms_per_call=cpu / (calls + connections) * 1000,
        peak_rss_mb=peak_rss_mb(target.pid),
        calls=calls,
        errors=got["non_2xx"] + got["socket_errors"],
        notes=notes,
        other_on_core_pct=other,
    )


def serving_core(target: Target, rig: Rig) -> int | None:
    """The core the floor or the gateway has to itself while it is measured (None: direct)."""
    return None if target.name == "direct" else rig.layout.serving


# --- checking the replies ----------------------------------------------------------------------


def vicidial_rows(s: Scenario, form: dict[str, str], text: str) -> int:
    if s.function == "lead_status_search":
        return text.count(";---------- START OF RECORD ")
    if s.function == "add_lead":
        return int(text.startswith("SUCCESS: add_lead "))
    return text.count("\n") - (1 if form.get("header") == "YES" else 0)


async def check_replies(s: Scenario, rig: Rig, session: aiohttp.ClientSession) -> None:
    """One call to each target: the stand-in's reply has the rows, the floor passes it on as it
    is, and the gateway parses it (200, ok, as many rows)."""
    texts = {}
    for name in ("direct", "floor"):
        t = rig.target(name, s)
        async with session.post(t.url, data=t.body, headers=t.headers(), ssl=t.ssl or True) as r:
            texts[name] = await r.text()
            if r.status != 200:
                raise RuntimeError(f"{s.key} {name}: HTTP {r.status}: {texts[name][:200]!r}")
    got = vicidial_rows(s, rig.form(s), texts["direct"])
    if got != s.rows:
        raise RuntimeError(f"{s.key}: the stand-in sent {got} rows, not {s.rows}")
    if texts["floor"] != texts["direct"]:
        raise RuntimeError(f"{s.key}: the floor changed the reply")
    t = rig.target("gateway", s)
    async with session.post(t.url, data=t.body, headers=t.headers()) as r:
        reply = await r.json()
        if r.status != 200 or not reply.get("ok"):
            raise RuntimeError(f"{s.key} gateway: HTTP {r.status}: {json.dumps(reply)[:300]}")
    data = reply.get("data")
    rows = len(data) if isinstance(data, list) else 1
    if rows != s.rows:
        raise RuntimeError(f"{s.key}: the gateway returned {rows} rows, not {s.rows}")


# --- the streamed export ---------------------------------------------------------------------

ROW_KEY = b'"recording_id":'  # once in every row of the gateway's JSON


async def export_once(
    target: Target, session: aiohttp.ClientSession
) -> tuple[float, int, int, bytes]:
    """One export read to its end: seconds, bytes, rows, the last bytes."""
    rows = size = 0
    carry = tail = b""
    started = time.perf_counter()
    async with session.post(
        target.url, data=target.body, headers=target.headers(), ssl=target.ssl or True
    ) as r:
        if r.status != 200:
            raise RuntimeError(f"export {target.name}: HTTP {r.status}: {(await r.read())[:300]!r}")
        async for chunk in r.content.iter_chunked(1 << 20):
            size += len(chunk)
            if target.name == "gateway":
                joined = carry + chunk
                rows += joined.count(ROW_KEY)
                carry = joined[-(len(ROW_KEY) - 1) :]
            else:
                rows += chunk.count(b"\n")
            tail = (tail + chunk)[-4096:]
    return time.perf_counter() - started, size, rows, tail


def export_ok(tail: bytes) -> bool:
    """The gateway's JSON export ends with its status after the rows: ``...],"ok":true...}``."""
    end = tail.decode("utf-8", "replace").rsplit("]", 1)[-1].lstrip(",")
    try:
        return json.loads("{" + end).get("ok") is True
    except ValueError:
        return False


async def measure_export(s: Scenario, rig: Rig, runs: int) -> dict[str, Figures]:
    """``runs`` exports from each target, one after the other; MB/s is VICIdial's text (the
    stand-in's reply) over the median time from request to last byte."""
    out: dict[str, Figures] = {}
    text_bytes = 0
    timeout = aiohttp.ClientTimeout(total=1800)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for name in TARGETS:
            target = rig.target(name, s)
            await settled(target.pid)
            notes = [] if reset_peak_rss(target.pid) else ["peak RSS over the process's life"]
            cpu0 = cpu_seconds(target.pid)
            share = CoreShare(serving_core(target, rig), target.pid)
            times = []
            for _ in range(runs):
                seconds, size, rows, tail = await export_once(target, session)
                if rows != s.rows:
                    raise RuntimeError(f"export {name}: {rows} rows, not {s.rows}: {tail[-300:]!r}")
                if name == "gateway" and not export_ok(tail):
                    raise RuntimeError(f"export gateway: no ok status at the end: {tail[-300:]!r}")
                if name == "direct":
                    text_bytes = size
                times.append(seconds)
            await settled(target.pid)
            cpu = cpu_seconds(target.pid) - cpu0
            other = share.other_pct()
            median = statistics.median(times)
            out[name] = Figures(
                throughput=text_bytes / MB / median,
                p50_ms=median * 1000,
                p99_ms=max(times) * 1000,
                cpu_ms_per_call=cpu / runs * 1000,
                peak_rss_mb=peak_rss_mb(target.pid),
                calls=runs,
                notes=notes,
                other_on_core_pct=other,
            )
            log(f"  {name:8} {out[name].throughput:8.1f} MB/s")
    return out
