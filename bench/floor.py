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

With a ``plus`` entry (``{"jwt_key": ..., "audit_file": ..., "functions": [...]}``) it also
serves ``POST /{dialer}/plus/v1/non-agent/{function}``: the same proxy plus the least that any
gateway with this project's contract must add per call (see :func:`plus_route`). The harness
does not use it; ``bench/floor_plus.py`` does.

``pool``: connections kept per dialer (the harness gives the gateway's upstream
``max_concurrency``). ``routes``: ``{dialer: {"url": ..., "options": {function: {param: value}},
"stream": [function, ...]}}``.
Prints ``{"port": ...}`` when it listens, then serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import ssl
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import orjson
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram

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
    if "plus" in spec:
        post = plus_route(spec["plus"], login, routes, lambda: app[session_key])
        app.router.add_post("/{dialer}/plus/v1/non-agent/{function}", post)
    app.router.add_get("/healthz", healthz)
    return app


def plus_route(
    plus: dict[str, Any],
    login: dict[str, str],
    routes: dict[str, dict[str, Any]],
    session: Callable[[], aiohttp.ClientSession],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The floor plus the least any gateway with this project's contract adds to a call, each
    done the cheapest way: a request id; a real HS256 JWT, verified once per token and then
    found in a dict (its expiry still checked); the function looked up in the app's allowlist;
    VICIdial's first line read as result and message (a header row and tab-separated rows as
    plain dicts, nothing typed or checked) and answered as JSON (orjson); one audit line (one
    ``os.write`` of an orjson record, the password left out); a counter and a histogram, their
    children made once. No policy on values, no parsing beyond that, no password scan, no rate
    or concurrency limits, no credential pool: what is left out only makes the gap to the
    floor smaller."""
    key: str = plus["jwt_key"]
    allowed = frozenset(plus["functions"])
    audit = os.open(plus["audit_file"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    registry = CollectorRegistry()
    calls = Counter("plus_calls", "calls", ["app", "function", "status"], registry=registry)
    seconds = Histogram("plus_seconds", "time", ["app", "function"], registry=registry)
    children: dict[tuple[str, str], tuple[Any, Any]] = {}
    tokens: dict[str, tuple[str, float]] = {}  # Authorization -> (app, expiry)

    def caller(authorization: str) -> str | None:
        known = tokens.get(authorization)
        if known is None:
            try:
                claims = jwt.decode(
                    authorization.removeprefix("Bearer "), key, algorithms=["HS256"]
                )
            except jwt.PyJWTError:
                return None
            known = tokens[authorization] = (str(claims["sub"]), float(claims["exp"]))
        return known[0] if known[1] > time.time() else None

    def answer(status: int, body: dict[str, Any], request_id: str) -> web.Response:
        return web.Response(
            status=status,
            body=orjson.dumps(body),
            content_type="application/json",
            headers={"X-Request-ID": request_id},
        )

    async def post(request: web.Request) -> web.Response:
        started = time.monotonic()
        request_id = os.urandom(16).hex()
        function = request.match_info["function"]
        app = caller(request.headers.get("Authorization", ""))
        if app is None:
            return answer(401, {"ok": False, "error": "unauthorized"}, request_id)
        if function not in allowed:
            return answer(403, {"ok": False, "error": "forbidden"}, request_id)
        route = routes[request.match_info["dialer"]]
        body = await request.json()
        form = {k: str(v) for k, v in body.items()}
        form.update(route["options"].get(function, {}))
        form["function"] = function
        sent = {**form, "source": login["source"]}
        form.update(login)
        async with session().post(route["url"], data=form) as upstream:
            text = await upstream.text()
        first, _, rest = text.partition("\n")
        if "\t" in first:  # a header row: the rows as dicts
            names = first.split("\t")
            lines = rest.splitlines()
            rows = [dict(zip(names, line.split("\t"), strict=False)) for line in lines if line]
            result, message, data = "SUCCESS", None, rows
        else:
            result, _, message = first.partition(": ")
            data = None
        reply = {
            "ok": result == "SUCCESS",
            "function": function,
            "result": result,
            "message": message,
            "data": data,
            "request_id": request_id,
        }
        response = answer(200, reply, request_id)
        elapsed = time.monotonic() - started
        record = {"request_id": request_id, "app": app, "function": function, "params": sent}
        os.write(audit, orjson.dumps({**record, "status": 200, "ms": elapsed * 1000}) + b"\n")
        child = children.get((app, function))
        if child is None:
            child = children[(app, function)] = (
                calls.labels(app, function, "200"),
                seconds.labels(app, function),
            )
        child[0].inc()
        child[1].observe(elapsed)
        return response

    return post


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
