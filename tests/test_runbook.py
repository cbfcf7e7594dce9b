"""docs/operations.md, "Rotating the VICIdial API password", followed step by step under load.

The gateway runs as in production: its config and secret files on disk, the file watcher on,
its metrics read over HTTP. Clients call it all along and behave as the README asks of them:
a 503 ``unavailable`` with ``Retry-After`` is retried after that many seconds.

A call is **lost** when it ends in anything but 200: an error other than a 503 with
``Retry-After``, or no 200 within the test's time (retries included). A 503 whose
``Retry-After`` the client honoured and whose retry then succeeded is not lost. Every lead an
``add_lead`` reported is in VICIdial exactly once, and VICIdial never saw a failed login.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from aiohttp import web

from gateway.app import create_app
from gateway.auth import mint_token
from gateway.config_load import load_config
from gateway.sim import RunningSim

from .conftest import API_PASS, API_USER, config_dict
from .scrape import Scrape, scrape

SECOND_USER, SECOND_PASS = "6667", "Second-Pass_0043"
CALL_DEADLINE = 60.0  # a call not answered 200 by then (retries included) is lost


class Clients:
    """Callers that honour Retry-After; each call is retried until it gets a 200."""

    def __init__(self, base: str, token: str, workers: int = 6) -> None:
        self.base, self.token, self.workers = base, token, workers
        self.ok = 0
        self.honoured: list[int] = []  # the Retry-After of each 503 that was waited out
        self.lost: list[tuple[str, int, Any]] = []
        self.leads: list[str] = []  # phone numbers add_lead reported added
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def _call(self, session: aiohttp.ClientSession, fn: str, body: dict[str, str]) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        if fn == "add_lead":
            headers["Idempotency-Key"] = f"lead-{body['phone_number']}"
        give_up = time.monotonic() + CALL_DEADLINE
        while True:
            async with session.post(
                f"{self.base}/v1/non-agent/{fn}", json=body, headers=headers
            ) as r:
                status, reply, wait = r.status, await r.json(), r.headers.get("Retry-After")
            if status == 200:
                self.ok += 1
                if fn == "add_lead":
                    self.leads.append(body["phone_number"])
                return
            retryable = status == 503 and reply["error"]["type"] == "unavailable"
            if not retryable or wait is None or time.monotonic() > give_up:
                self.lost.append((fn, status, reply))
                return
            self.honoured.append(int(wait))
            await asyncio.sleep(int(wait))

    async def _worker(self, i: int, session: aiohttp.ClientSession) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            if n % 3 == 0:
                await self._call(session, "add_lead", {"phone_number": f"3{i:02d}{n:07d}"})
            else:
                await self._call(session, "campaigns_list", {})

    async def __aenter__(self) -> Clients:
        self.session = aiohttp.ClientSession()
        self._tasks = [
            asyncio.create_task(self._worker(i, self.session)) for i in range(self.workers)
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        await self.session.close()


class Deployment:
    """The gateway's files on disk, the gateway watching them, and its metrics."""

    def __init__(self, tmp: Path, sim: RunningSim, credentials: list[tuple[str, str, str]]):
        self.tmp, self.sim, self.credentials = tmp, sim, credentials
        self.held: set[str] = set()
        self.path = tmp / "config.yaml"

    def write_config(self) -> None:
        """Write a new file and rename it over the old one, as the runbook says."""
        doc = config_dict(self.sim.base_url, self.sim.ca_file)
        doc["upstreams"]["main"]["credentials"] = [
            {"name": name, "user": user, "pass": {"file": file}}
            | ({"hold": True} if name in self.held else {})
            for name, user, file in self.credentials
        ]
        doc["server"]["config_watch_interval"] = "100ms"
        doc["apps"]["crm"]["functions"] = ["campaigns_list", "add_lead"]
        doc["apps"]["crm"]["params"] = {"add_lead": {"list_id": {"force": "101"}}}
        new = self.tmp / "config.yaml.new"
        new.write_text(yaml.safe_dump(doc))
        new.replace(self.path)

    def write_secret(self, file: str, value: str) -> None:
        new = self.tmp / f"{file}.new"
        new.write_text(value + "\n")
        new.replace(self.tmp / file)

    async def start(self) -> None:
        self.app = create_app(load_config(self.path), watch=True)
        self.runner = web.AppRunner(self.app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.base = f"http://127.0.0.1:{self.runner.addresses[0][1]}"
        self.session = aiohttp.ClientSession()
        self.token = mint_token(load_config(self.path), "crm", ttl=600)

    async def stop(self) -> None:
        await self.session.close()
        await self.runner.cleanup()

    async def metrics(self) -> Scrape:
        return await scrape(self.session, self.base)

    async def until(self, what: str, check: Callable[[Scrape], bool]) -> Scrape:
        """Watch the metrics (every 50 ms, at most 20 s) until ``check`` holds."""
        for _ in range(400):
            page = await self.metrics()
            if check(page):
                return page
            await asyncio.sleep(0.05)
        raise AssertionError(f"never true: {what}\n{page.text}")

    async def rotate(self, name: str, user: str, file: str, new_password: str) -> Scrape:
        """The runbook's steps 1-6 for one credential; returns the scrape that says "done"."""
        # 1. Hold the credential: `hold: true` in its entry, file written and renamed over.
        self.held.add(name)
        self.write_config()
        await self.until(
            f"{name} held",
            lambda m: m.value("vicigw_credential_state", credential=name, state="held") == 1,
        )
        # 2. Wait until no call uses it.
        await self.until(
            f"{name} idle",
            lambda m: m.value("vicigw_credential_calls_in_flight", credential=name) == 0,
        )
        # 3. Change its password in VICIdial.
        self.sim.state.set_password(user, new_password)
        # 4. Write the new password to its secret file (a new file, renamed over the old one).
        self.write_secret(file, new_password)
        written = (self.tmp / file).stat().st_mtime
        # 5. Release it: remove `hold: true`.
        self.held.discard(name)
        self.write_config()
        # 6. Done when it is healthy and its last change is the new secret's.
        return await self.until(
            f"{name} rotated",
            lambda m: (
                m.value("vicigw_credential_state", credential=name, state="healthy") == 1
                and m.value("vicigw_credential_last_change_timestamp_seconds", credential=name)
                == written
            ),
        )


def served_by(page: Scrape, credential: str) -> float:
    return sum(s.value for s in page.find("vicigw_upstream_requests_total", credential=credential))


def assert_nothing_lost(sim: RunningSim, clients: Clients) -> None:
    assert clients.lost == [], clients.lost[:3]
    for phone in clients.leads:  # added once each, none twice
        assert len(sim.state.find_leads(lambda lead, p=phone: lead.phone_number == p)) == 1
    assert clients.ok > 50


async def test_one_credential_rotated_by_the_runbook_loses_no_call(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    deployment = Deployment(tmp_path, sim, [("api-a", API_USER, "pass_a")])
    deployment.write_secret("pass_a", API_PASS)
    deployment.write_config()
    await deployment.start()
    try:
        async with Clients(deployment.base, deployment.token) as clients:
            await asyncio.sleep(0.3)
            done = await deployment.rotate("api-a", API_USER, "pass_a", "A-Rotated_2026x")
            await asyncio.sleep(0.3)
        after = await deployment.metrics()
    finally:
        await deployment.stop()
    assert_nothing_lost(sim, clients)
    # The gap was real, and safe: calls waited it out (Retry-After: the 100 ms watch interval,
    # rounded up), and VICIdial never saw the old password after the change, nor the new before.
    assert clients.honoured and set(clients.honoured) == {1}
    assert sim.state.failed_logins(API_USER) == 0
    assert served_by(after, "api-a") > served_by(done, "api-a")


async def test_two_credentials_rotated_by_the_runbook_no_call_even_waits(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    creds = [("api-a", API_USER, "pass_a"), ("api-b", SECOND_USER, "pass_b")]
    deployment = Deployment(tmp_path, sim, creds)
    deployment.write_secret("pass_a", API_PASS)
    deployment.write_secret("pass_b", SECOND_PASS)
    deployment.write_config()
    await deployment.start()
    try:
        async with Clients(deployment.base, deployment.token) as clients:
            await asyncio.sleep(0.3)
            start = await deployment.metrics()
            # api-a serves (first in the list): rotating it moves the calls to api-b and back.
            done_a = await deployment.rotate("api-a", API_USER, "pass_a", "A-Rotated_2026x")
            assert served_by(done_a, "api-b") > served_by(start, "api-b")
            await asyncio.sleep(0.3)
            back = await deployment.metrics()
            assert served_by(back, "api-a") > served_by(done_a, "api-a")
            # api-b is the standby: the gateway verifies its new password itself (no traffic).
            done_b = await deployment.rotate("api-b", SECOND_USER, "pass_b", "B-Rotated_2026x")
            await asyncio.sleep(0.3)
        after = await deployment.metrics()
    finally:
        await deployment.stop()
    assert_nothing_lost(sim, clients)
    assert clients.honoured == []  # no call got even a 503
    assert sim.state.failed_logins(API_USER) == 0
    assert sim.state.failed_logins(SECOND_USER) == 0
    assert served_by(after, "api-b") == served_by(done_b, "api-b")  # traffic stayed on api-a
