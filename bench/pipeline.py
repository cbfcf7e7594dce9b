"""The gateway's own per-call work, without a network: ``pipeline.run`` in a loop.

    taskset -c 1 .venv/bin/python bench/pipeline.py [--calls 20000] [--rounds 3] [--profile]

One ``add_lead`` call through every step of :mod:`gateway.call` (token, policy, limits, the
forwarder, the reading of the reply, the JSON reply, the metrics and the audit line, to a file)
on the process's real services, with VICIdial scripted at the edge and a client that takes the
reply at once (``tests/call_parts.py``, as ``tests/test_call_pipeline.py`` uses them): what
the gateway adds per call outside aiohttp and outside ``upstream.py``. It prints the process
CPU time per call (best of ``--rounds``); ``--profile`` also prints the top of a cProfile run.
No figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway.call.pipeline import CallRequest, run
from tests.call_parts import ADDED, ScriptedUpstream, config, scope, services, upstream_reply
from tests.test_call_pipeline import LEAD, Client, _request


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="vicigw-pipeline-") as tmp:  # the audit log
        await measure(args, Path(tmp))


async def measure(args: argparse.Namespace, tmp: Path) -> None:
    edge = ScriptedUpstream({"add_lead": upstream_reply(ADDED)})
    svc = services(config(tmp), edge)
    client = Client(LEAD)
    call: CallRequest = _request(svc, "add_lead", client)
    request_scope = scope(svc)

    async def calls(n: int) -> None:
        for _ in range(n):
            await run(request_scope, call)
        edge.calls.clear()
        client.sent.clear()

    await calls(2000)  # warm: the token cached, the metrics' children made
    best = float("inf")
    for _ in range(args.rounds):
        start = time.process_time()
        await calls(args.calls)
        best = min(best, (time.process_time() - start) / args.calls)
    print(f"pipeline.run, add_lead, VICIdial scripted: {best * 1e6:.1f} us of CPU per call")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        await calls(args.calls)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    await svc.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--profile", action="store_true")
    asyncio.run(main(p.parse_args()))
