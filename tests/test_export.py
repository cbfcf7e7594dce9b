"""Streamed exports (``gateway.export``): what :func:`stream_export` gives back for each kind of
reply, in a real aiohttp server over a socket, with a fake at the seam to VICIdial (the real
client against the simulator: ``test_reports.py`` and ``test_slow_clients.py``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from gateway.catalog import CATALOG
from gateway.export import Buffered, Export, stream_export
from gateway.refusal import Kind, refusal_reply
from gateway.upstream import UpstreamStream

SPEC = CATALOG["recording_lookup"]
HEADER = "start_time|user|recording_id|lead_id|location"
ROWS = [
    "2024-06-03 10:00:05|1001|1|5001|http://127.0.0.1/RECORDINGS/MP3/a-all.mp3",
    "2024-06-03 13:00:12|1001|2|5001|http://127.0.0.1/RECORDINGS/MP3/b-all.mp3",
]


@dataclass
class StreamingUpstream:
    """Streams fixed lines, one batch each, as the real client would have read them."""

    lines: list[str] = field(default_factory=list)
    refusal: Kind | None = None
    retry_after: int | None = None
    reason: str | None = None

    @asynccontextmanager
    async def stream(
        self, function: Any, params: Mapping[str, str], *, source: str
    ) -> AsyncIterator[UpstreamStream]:
        async def batches() -> AsyncIterator[list[str]]:
            for line in self.lines:
                yield [line]

        yield UpstreamStream(
            200,
            "text/html; charset=utf-8",
            "api-a",
            time.monotonic(),
            batches(),
            self.refusal,
            self.retry_after,
            self.reason,
        )


@dataclass
class Exporting:
    upstream: StreamingUpstream
    session: aiohttp.ClientSession
    url: str
    outcomes: list[Export | Buffered] = field(default_factory=list)

    async def get(self) -> tuple[Export | Buffered, int, Any]:
        async with self.session.post(self.url) as reply:
            body = await reply.json(content_type=None)
            return self.outcomes[-1], reply.status, body


@pytest.fixture
async def exporting() -> AsyncIterator[Exporting]:
    upstream = StreamingUpstream()
    outcomes: list[Export | Buffered] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        outcome = await stream_export(
            request,
            SPEC,
            {"lead_id": "5001", "header": "YES"},
            upstream,
            source="crm",
            request_id="req-1",
            deadline=asyncio.get_running_loop().time() + 10,
            write_timeout=10,
            logins={},
        )
        outcomes.append(outcome)
        if isinstance(outcome, Export):
            return outcome.response
        return web.json_response({"buffered": outcome.parsed.result})

    app = web.Application()
    app.router.add_post("/export", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/export"
    try:
        async with aiohttp.ClientSession() as session:
            yield Exporting(upstream, session, url, outcomes)
    finally:
        await runner.cleanup()


async def test_rows_are_streamed_and_counted(exporting: Exporting) -> None:
    exporting.upstream.lines = [HEADER, *ROWS]
    outcome, status, body = await exporting.get()
    assert isinstance(outcome, Export)
    assert (outcome.rows, outcome.credential, outcome.cut) == (2, "api-a", False)
    assert status == 200 and body["ok"] is True and body["request_id"] == "req-1"
    assert [row["recording_id"] for row in body["data"]] == ["1", "2"]


async def test_a_reply_without_rows_is_given_back_not_sent(exporting: Exporting) -> None:
    """An export that fails before its first row is answered like any other reply (its own
    status): stream_export returns it, having sent nothing."""
    exporting.upstream.lines = ["ERROR: recording_lookup INVALID SEARCH PARAMETERS: 6666||||"]
    outcome, status, body = await exporting.get()
    assert isinstance(outcome, Buffered)
    assert (outcome.parsed.result, outcome.parsed.error_type) == ("ERROR", "invalid_input")
    assert (outcome.credential, outcome.retry_after, outcome.reason) == ("api-a", None, None)
    assert (status, body) == (200, {"buffered": "ERROR"})  # the handler's reply, not an export


async def test_a_refused_login_is_given_back_with_its_wait_and_reason(
    exporting: Exporting,
) -> None:
    exporting.upstream.lines = ["ERROR: Too many login attempts, try again in 15 minutes: |x|LOCK|"]
    exporting.upstream.refusal = "locked"
    exporting.upstream.retry_after = 900
    exporting.upstream.reason = "api-a locked by VICIdial"
    outcome, _, _ = await exporting.get()
    assert outcome == Buffered(refusal_reply("locked"), "api-a", 900, "api-a locked by VICIdial")
