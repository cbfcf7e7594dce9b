"""Benchmark: upstream calls saved by coalescing and the short cache.

    .venv/bin/python bench/coalescing.py [--clients 50] [--seconds 10] [--ttl 1s]

50 dashboard-like clients each call ``campaigns_list`` once a second, all through one gateway
in front of the simulator (real sockets, HTTPS to the simulator). Three runs: without
``upstreams.main.cache``; with ``cache: {campaigns_list: 0}`` (only identical calls in flight at
the same moment share one VICIdial call); with ``cache: {campaigns_list: <ttl>}``. Printed for
each: calls answered, calls that reached VICIdial (counted by the simulator), calls saved, and
the p50/p99 latency the clients saw. ``--burst`` makes every client poll at the same instant.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gateway.app import create_app  # noqa: E402
from gateway.auth import mint_token  # noqa: E402
from gateway.config_load import parse_config  # noqa: E402
from gateway.sim import RunningSim, SimState, start_simulator  # noqa: E402

API_USER, API_PASS = "6666", "Bench-Pass_01"
SECRET = "bench-hmac-secret-0123456789abcdef-0123456789"


def config(sim: RunningSim, ttl: str | None) -> dict[str, Any]:
    upstream: dict[str, Any] = {
        "base_url": sim.base_url,
        "ca_file": str(sim.ca_file),
        "credentials": [{"name": "bench", "user": API_USER, "pass": API_PASS}],
        "max_concurrency": 20,
    }
    if ttl is not None:
        upstream["cache"] = {"campaigns_list": ttl}
    return {
        "server": {"host": "127.0.0.1", "port": 0, "metrics_port": None},
        "upstreams": {"main": upstream},
        "apps": {
            "dash": {
                "keys": [{"kid": "dash", "alg": "HS256", "secret": SECRET}],
                "upstream": "main",
                "source": "dash",
                "functions": ["campaigns_list"],
            }
        },
        "audit": {"enabled": False},
    }


async def run(ttl: str | None, clients: int, seconds: float, burst: bool) -> dict[str, Any]:
    state = SimState.seeded(api_users={API_USER: API_PASS})
    sim = await start_simulator("127.0.0.1", 0, state=state)
    cfg = parse_config(config(sim, ttl))
    runner = web.AppRunner(create_app(cfg), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1/non-agent/campaigns_list"
    headers = {"Authorization": f"Bearer {mint_token(cfg, 'dash')}"}
    latencies: list[float] = []
    statuses: list[int] = []
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, headers=headers) as r:  # warm-up: the login is checked
                await r.read()
            state.clear_log()

            async def client(offset: float) -> None:
                start = time.monotonic() + offset
                deadline = time.monotonic() + seconds
                tick = start
                while tick < deadline:
                    await asyncio.sleep(max(0.0, tick - time.monotonic()))
                    t0 = time.monotonic()
                    async with session.post(url, headers=headers) as r:
                        await r.read()
                        statuses.append(r.status)
                    latencies.append(time.monotonic() - t0)
                    tick += 1.0

            # Dashboards poll on their own schedule (spread over a second), or all at once.
            await asyncio.gather(*(client(0 if burst else i / clients) for i in range(clients)))
            upstream = state.hits("campaigns_list")
    finally:
        await runner.cleanup()
        await sim.close()
    latencies.sort()
    return {
        "calls": len(statuses),
        "ok": sum(1 for s in statuses if s == 200),
        "upstream": upstream,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--ttl", default="1s")
    ap.add_argument("--burst", action="store_true", help="all clients poll at the same instant")
    args = ap.parse_args()
    how = "all at the same instant" if args.burst else "spread over each second"
    print(
        f"{args.clients} clients polling campaigns_list every second for {args.seconds:g} s, {how}"
    )
    print(f"{'':24}{'calls':>8}{'ok':>8}{'to VICIdial':>13}{'saved':>8}{'p50 ms':>9}{'p99 ms':>9}")
    modes = (
        ("no cache", None),
        ("coalescing only (ttl 0)", "0"),
        (f"cache ttl {args.ttl}", args.ttl),
    )
    for label, ttl in modes:
        r = await run(ttl, args.clients, args.seconds, args.burst)
        saved = 1 - r["upstream"] / r["calls"] if r["calls"] else 0.0
        print(
            f"{label:<24}{r['calls']:>8}{r['ok']:>8}{r['upstream']:>13}{saved:>8.0%}"
            f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
