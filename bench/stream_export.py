"""Benchmark: a 500,000-row export streamed through the gateway.

    .venv/bin/python bench/stream_export.py [--rows 500000] [--format json|ndjson]

Three processes on loopback: the VICIdial simulator (seeded with N synthetic recordings, its
export limit raised: real VICIdial stops at 100,000 rows per call), the gateway
(``vicigw serve``), and this client. The client calls ``recording_lookup`` (a streamed export)
and reads the answer in chunks. Printed: rows, bytes VICIdial sent, bytes the gateway sent, the
time from request to last byte, throughput in MB/s (of VICIdial's text, and of the JSON) end to
end and while streaming (first to last byte: the simulator builds its whole reply before it sends
anything, so end to end includes the simulator's own work), and
the gateway process's peak resident memory (VmHWM) before and after.

Targets (issue 3): >= 50 MB/s and <= 120 MB peak RSS on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gateway.auth import mint_token  # noqa: E402
from gateway.config_load import parse_config  # noqa: E402

API_USER, API_PASS = "6666", "Bench-Pass_01"
SECRET = "bench-hmac-secret-0123456789abcdef-0123456789"
MB = 1_000_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def vm_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found")


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--format", choices=("json", "ndjson"), default="json")
    args = ap.parse_args()

    print(f"seeding the simulator with {args.rows:,} recordings ...", flush=True)
    sim = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "bench" / "_sim_process.py"),
        "--recordings",
        str(args.rows),
        "--password",
        API_PASS,
        stdout=asyncio.subprocess.PIPE,
        cwd=REPO,
    )
    assert sim.stdout is not None
    info = json.loads(await sim.stdout.readline())
    tmp = Path(tempfile.mkdtemp(prefix="vicigw-bench-"))
    port = free_port()
    doc = {
        "server": {"host": "127.0.0.1", "port": port, "metrics_port": None},
        "upstreams": {
            "main": {
                "base_url": info["base_url"],
                "ca_file": info["ca_file"],
                "timeout": "10m",
                "credentials": [{"name": "bench", "user": API_USER, "pass": API_PASS}],
            }
        },
        "apps": {
            "bench": {
                "keys": [{"kid": "bench", "alg": "HS256", "secret": SECRET}],
                "upstream": "main",
                "source": "bench",
                "functions": ["recording_lookup"],
            }
        },
        "audit": {"file": str(tmp / "audit.log")},
    }
    (tmp / "config.yaml").write_text(yaml.safe_dump(doc))
    gw = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "serve",
        "--config",
        str(tmp / "config.yaml"),
        "--log-level",
        "WARNING",
        cwd=REPO,
    )
    token = mint_token(parse_config(doc), "bench", ttl=3600)
    body = {"agent_user": "1001", "date": "2024-06-04"}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=900)) as s:
            for _ in range(200):
                try:
                    async with s.get(f"http://127.0.0.1:{port}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            # VICIdial's own reply, fetched directly: its size and how fast the simulator is.
            form = {
                "function": "recording_lookup",
                "user": API_USER,
                "pass": API_PASS,
                "source": "bench",
                "stage": "tab",
                **body,
            }
            ctx = ssl.create_default_context(cafile=info["ca_file"])
            t0 = time.perf_counter()
            upstream_bytes = 0
            async with s.post(
                f"{info['base_url']}/vicidial/non_agent_api.php", data=form, ssl=ctx
            ) as r:
                async for chunk in r.content.iter_chunked(1 << 20):
                    upstream_bytes += len(chunk)
            direct = time.perf_counter() - t0
            # A warm-up call through the gateway, then the measured one.
            headers = {"Authorization": f"Bearer {token}"}
            if args.format == "ndjson":
                headers["Accept"] = "application/x-ndjson"
            url = f"http://127.0.0.1:{port}/v1/non-agent/recording_lookup"
            async with s.post(
                url, json={"lead_id": 5001, "uniqueid": "no-such-call-x"}, headers=headers
            ) as r:
                await r.read()
            rss_before = vm_kb(gw.pid, "VmHWM")
            t0 = time.perf_counter()
            out_bytes = 0
            first_byte = None
            tail = b""
            async with s.post(url, json=body, headers=headers) as r:
                assert r.status == 200, await r.text()
                async for chunk in r.content.iter_chunked(1 << 16):
                    if first_byte is None:
                        first_byte = time.perf_counter() - t0
                    out_bytes += len(chunk)
                    tail = (tail + chunk)[-4096:]
            elapsed = time.perf_counter() - t0
            rss_after = vm_kb(gw.pid, "VmHWM")
    finally:
        for proc in (gw, sim):
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        await gw.wait()
        await sim.wait()
    if args.format == "ndjson":
        trailer = json.loads(tail.decode().strip().splitlines()[-1])["trailer"]
        ok, rows = trailer["ok"], trailer["rows"]
    else:
        end = json.loads("{" + tail.decode().rsplit("]", 1)[1].lstrip(","))
        ok, rows = end["ok"], args.rows
    print(f"format                 {args.format}")
    print(f"rows                   {rows:,} (ok={ok})")
    print(
        f"VICIdial reply         {upstream_bytes / MB:8.1f} MB  "
        f"(simulator alone: {direct:5.2f} s, {upstream_bytes / MB / direct:6.1f} MB/s)"
    )
    print(f"gateway reply          {out_bytes / MB:8.1f} MB")
    streaming = elapsed - (first_byte or 0.0)
    print(
        f"through the gateway    {elapsed:8.2f} s   first byte after {first_byte or 0:.2f} s "
        "(the simulator builds its whole reply before sending)"
    )
    print(
        f"end to end             {upstream_bytes / MB / elapsed:8.1f} MB/s of VICIdial text, "
        f"{out_bytes / MB / elapsed:6.1f} MB/s of JSON"
    )
    print(
        f"gateway streaming      {upstream_bytes / MB / streaming:8.1f} MB/s of VICIdial text, "
        f"{out_bytes / MB / streaming:6.1f} MB/s of JSON, {rows / streaming:,.0f} rows/s "
        "(first to last byte)"
    )
    print(
        f"gateway peak RSS       {rss_after / 1024:8.1f} MB "
        f"(before the export: {rss_before / 1024:.1f} MB)"
    )
    os.system(f"rm -rf {tmp}")


if __name__ == "__main__":
    asyncio.run(main())
