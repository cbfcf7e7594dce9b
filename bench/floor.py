"""The benchmark's "floor": the least a JSON-to-VICIdial proxy in aiohttp can do per call.

    python bench/floor.py --spec-file floor.json

``floor.json``: ``{"port": 8080, "ca_file": ..., "user": ..., "pass": ..., "source": ...,
"routes": {...}}`` (a file, so that the login is not on a command line).

``POST /{dialer}/v1/non-agent/{function}`` with a JSON object: the same form the gateway would
send (the JSON's values, the options the gateway adds for the function, ``function``, the login
and ``source``) is POSTed to the dialer over one pooled, verified HTTPS session, and VICIdial's
text comes back as it is (status and Content-Type included). No token, no policy, no parsing, no
metrics, no log. Streamed exports (the route's ``stream`` functions) are piped through in chunks
rather than read whole. ``GET /healthz`` answers "ok".

``pool``: connections kept per dialer (the harness gives the gateway's upstream
``max_concurrency``). ``routes``: ``{dialer: {"url": ..., "options": {function: {param: value}},
"stream": [function, ...]}}``.
Prints ``{"port": ...}`` when it listens, then serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import ssl
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

CHUNK = 1 << 16


def floor_app(spec: dict[str, Any]) -> web.Application:
    login = {"user": spec["user"], "pass": spec["pass"], "source": spec["source"]}
    routes: dict[str, dict[str, Any]] = spec["routes"]
    session_key = web.AppKey("session", aiohttp.ClientSession)

    async def proxy(request: web.Request) -> web.StreamResponse:
        route = routes[request.match_info["dialer"]]
        function = request.match_info["function"]
        body = await request.json()
        form = {k: str(v) for k, v in body.items()}
        form.update(route["options"].get(function, {}))
        form["function"] = function
        form.update(login)
        session = request.app[session_key]
        async with session.post(route["url"], data=form) as upstream:
            headers = {"Content-Type": upstream.headers.get("Content-Type", "text/plain")}
            if function not in route["stream"]:
                text = await upstream.read()
                return web.Response(status=upstream.status, body=text, headers=headers)
            out = web.StreamResponse(status=upstream.status, headers=headers)
            await out.prepare(request)
            async for chunk in upstream.content.iter_chunked(CHUNK):
                await out.write(chunk)
            await out.write_eof()
            return out

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def session_ctx(app: web.Application) -> Any:
        tls = ssl.create_default_context(cafile=spec["ca_file"])
        connector = aiohttp.TCPConnector(ssl=tls, limit=0, limit_per_host=int(spec.get("pool", 20)))
        timeout = aiohttp.ClientTimeout(total=600)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            app[session_key] = session
            yield

    app = web.Application()
    app.cleanup_ctx.append(session_ctx)
    app.router.add_post("/{dialer}/v1/non-agent/{function}", proxy)
    app.router.add_get("/healthz", healthz)
    return app


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--spec-file", required=True, type=Path)
    args = p.parse_args()
    spec = json.loads(args.spec_file.read_text(encoding="utf-8"))
    runner = web.AppRunner(floor_app(spec), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", int(spec["port"]), backlog=1024)
    await site.start()
    print(json.dumps({"port": runner.addresses[0][1]}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
