"""A closed-loop HTTP/1.1 load generator: the harness's fallback where wrk is not installed.

    BENCH_BODY=... BENCH_CONTENT_TYPE=... [BENCH_AUTHORIZATION=...] \\
        python bench/loadgen.py -c 16 -d 10 https://127.0.0.1:8443/path

The same contract as ``wrk -s bench/wrk_post.lua``: N keep-alive connections, each sending the
same POST as soon as the previous answer is complete, until ``-d`` seconds are up or SIGINT; then
one line ``BENCH_RESULT {...}`` with the same fields. The requests are built once as bytes and
the answers are read with asyncio streams (status line, Content-Length or chunked body), so a
call costs the generator a few tens of microseconds. That is cheap next to the aiohttp servers it
drives, but it is Python on the stand-in's core: the "direct" figures it gives are lower than
wrk's, which is why the harness uses wrk whenever it is on PATH. Like wrk, it does not verify
the server's certificate (loopback only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    non_2xx: int = 0
    socket_errors: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)


def build_request(url: str, body: bytes, content_type: str, authorization: str | None) -> bytes:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
    ]
    if authorization:
        lines.append(f"Authorization: {authorization}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one whole response; its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    at = lower.find(b"\r\ncontent-length:")
    if at >= 0:
        end = lower.index(b"\r\n", at + 2)
        await reader.readexactly(int(lower[at + 17 : end]))
    elif b"\r\ntransfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF (the last: the end CRLF)
            if size == 0:
                break
    else:
        raise ValueError("a response without Content-Length or chunked body")
    return status


async def connection(
    host: str, port: int, tls: ssl.SSLContext | None, request: bytes, tally: Tally
) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port, ssl=tls, limit=1 << 20)
    except OSError:
        tally.socket_errors += 1
        return
    clock = time.perf_counter
    try:
        while not tally.stop.is_set():
            started = clock()
            writer.write(request)
            status = await read_response(reader)
            tally.latencies.append(clock() - started)
            if not 200 <= status < 300:
                tally.non_2xx += 1
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        tally.socket_errors += 1
    finally:
        writer.close()


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(url: str, request: bytes, connections: int, duration: float) -> dict[str, int]:
    parts = urlsplit(url)
    tls = None
    if parts.scheme == "https":
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    port = parts.port or (443 if tls else 80)
    tally = Tally()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, tally.stop.set)
    loop.call_later(duration, tally.stop.set)
    started = time.perf_counter()
    host = parts.hostname or "127.0.0.1"
    await asyncio.gather(*(connection(host, port, tls, request, tally) for _ in range(connections)))
    elapsed = time.perf_counter() - started
    ordered = sorted(tally.latencies)
    return {
        "requests": len(ordered),
        "duration_us": round(elapsed * 1e6),
        "p50_us": round(percentile(ordered, 0.50) * 1e6),
        "p99_us": round(percentile(ordered, 0.99) * 1e6),
        "non_2xx": tally.non_2xx,
        "socket_errors": tally.socket_errors,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-c", "--connections", type=int, default=16)
    p.add_argument("-d", "--duration", type=float, default=10.0, help="seconds (at most)")
    p.add_argument("url")
    args = p.parse_args()
    request = build_request(
        args.url,
        os.environ.get("BENCH_BODY", "").encode(),
        os.environ.get("BENCH_CONTENT_TYPE", "application/json"),
        os.environ.get("BENCH_AUTHORIZATION"),
    )
    result = asyncio.run(run(args.url, request, args.connections, args.duration))
    print("BENCH_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
