"""A simulator process for the benchmarks: seeds synthetic rows, prints its address, runs.

    python bench/_sim_process.py --recordings 500000 --user 6666 --password PW

Prints one JSON line ``{"base_url": ..., "ca_file": ...}`` when it listens, then serves until it
receives SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal

from gateway.sim import SimState, start_simulator


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--recordings", type=int, default=0)
    p.add_argument("--user", default="6666")
    p.add_argument("--password", required=True)
    args = p.parse_args()
    state = SimState.seeded(api_users={args.user: args.password})
    if args.recordings:
        state.reports.export_limit = max(state.reports.export_limit, args.recordings)
        state.reports.add_synthetic_recordings(args.recordings, user="1001", lead_id=5001)
    sim = await start_simulator("127.0.0.1", 0, state=state)
    print(json.dumps({"base_url": sim.base_url, "ca_file": str(sim.ca_file)}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await sim.close()


if __name__ == "__main__":
    asyncio.run(main())
