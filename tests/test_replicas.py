"""Two gateway replicas sharing one Redis: what one learns, the other knows.

Each test starts two real gateway processes (``python -m gateway serve --config FILE``, own
ports, ``state: {backend: redis}`` on ONE private redis-server with a prefix of its own) in
front of one simulator running in the test process, and checks that

- a rate limit is shared: the burst spent on replica A is gone on replica B;
- an idempotency key used on A is replayed by B (and is "in flight" on B while A runs it);
- a credential VICIdial refused on A is out of service on B too, without B spending a login.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from prometheus_client.parser import text_string_to_metric_families

from gateway.auth import mint_token
from gateway.config import Config
from gateway.config_load import parse_config
from gateway.sim import Faults, RunningSim

from .conftest import API_USER, config_dict
from .redis_server import RedisServer, free_port, redis_prefix, redis_server  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
LEAD = {"phone_number": "3125559001", "list_id": "101", "first_name": "Ada"}


class Replica:
    """One ``vicigw serve`` process on its own loopback port."""

    def __init__(self, name: str, config_file: Path, port: int, log_file: Path) -> None:
        self.name = name
        self.config_file = config_file
        self.base = f"http://127.0.0.1:{port}"
        self.log_file = log_file
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log_file.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "gateway",
                "serve",
                "--config",
                str(self.config_file),
                cwd=REPO,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )

    async def wait_ready(self, session: aiohttp.ClientSession) -> None:
        for _ in range(150):  # at most ~15 s
            assert self.proc is not None
            if self.proc.returncode is not None:
                break
            try:
                async with session.get(f"{self.base}/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"replica {self.name} did not start:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_file.read_text(errors="replace")[-4000:]

    async def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.returncode is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


class Pair:
    def __init__(self, config: Config, a: Replica, b: Replica, session: aiohttp.ClientSession):
        self.config = config
        self.a, self.b = a, b
        self.session = session

    async def call(
        self,
        replica: Replica,
        function: str,
        body: Any = None,
        *,
        app: str = "crm",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any], Any]:
        hdrs = {"Authorization": f"Bearer {mint_token(self.config, app)}", **(headers or {})}
        url = f"{replica.base}/v1/non-agent/{function}"
        async with self.session.post(url, json=body or {}, headers=hdrs) as r:
            return r.status, await r.json(), r.headers


@contextlib.asynccontextmanager
async def replicas(doc: dict[str, Any], tmp_path: Path) -> AsyncIterator[Pair]:
    """Replicas A and B of the gateway for ``doc`` (each on its own free port)."""
    made: list[Replica] = []
    for name in ("a", "b"):
        port = free_port()
        replica_doc = {**doc, "server": {**doc["server"], "port": port}}
        path = tmp_path / f"config-{name}.yaml"
        path.write_text(yaml.safe_dump(replica_doc))
        made.append(Replica(name, path, port, tmp_path / f"replica-{name}.log"))
    a, b = made
    try:
        await asyncio.gather(a.start(), b.start())
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(a.wait_ready(session), b.wait_ready(session))
            yield Pair(parse_config(doc), a, b, session)
    finally:
        await asyncio.gather(a.stop(), b.stop())


def shared_doc(sim: RunningSim, server: RedisServer, prefix: str, **kw: Any) -> dict[str, Any]:
    doc = config_dict(sim.base_url, sim.ca_file, **kw)
    doc["state"] = {"backend": "redis", "url": server.url, "prefix": prefix}
    return doc


# --- the tests ----------------------------------------------------------------------------


async def test_rate_limit_is_shared_between_replicas(
    sim: RunningSim,
    redis_server: RedisServer,  # noqa: F811
    redis_prefix: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    doc = shared_doc(sim, redis_server, redis_prefix)
    doc["apps"]["crm"]["rate_limit"] = {"per_second": 0.2, "burst": 3}
    async with replicas(doc, tmp_path) as pair:
        for _ in range(3):  # the whole burst, spent on A
            status, body, _ = await pair.call(pair.a, "version")
            assert status == 200, body
        status, body, headers = await pair.call(pair.b, "version")
        assert status == 429, body
        assert body["error"]["type"] == "rate_limited"
        # 0.2 tokens/s: the next token is at most 5 s away.
        assert 1 <= int(headers["Retry-After"]) <= 5
        status, body, _ = await pair.call(pair.a, "version")
        assert (status, body["error"]["type"]) == (429, "rate_limited")
        # The other app has its own bucket, on both replicas.
        for replica in (pair.a, pair.b):
            status, body, _ = await pair.call(replica, "campaigns_list", app="reports")
            assert status == 200, body
        assert sim.state.hits("version") == 3


async def test_idempotency_key_used_on_one_replica_is_replayed_by_the_other(
    sim: RunningSim,
    redis_server: RedisServer,  # noqa: F811
    redis_prefix: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    async with replicas(shared_doc(sim, redis_server, redis_prefix), tmp_path) as pair:
        key = {"Idempotency-Key": "order-42"}
        status, first, headers = await pair.call(pair.a, "add_lead", LEAD, headers=key)
        assert status == 200, first
        assert "Idempotent-Replayed" not in headers
        status, again, headers = await pair.call(pair.b, "add_lead", LEAD, headers=key)
        assert (status, again) == (200, first)
        assert headers["Idempotent-Replayed"] == "true"
        # Another request under the same key is refused on B too.
        other = {**LEAD, "first_name": "Bob"}
        status, body, _ = await pair.call(pair.b, "add_lead", other, headers=key)
        assert (status, body["error"]["type"]) == (422, "idempotency_key_reused")
        assert sim.state.hits("add_lead") == 1
        # In flight on A means in flight on B.
        sim.state.faults = Faults("slow", delay=1.0, functions=frozenset({"add_lead"}))
        lead = {**LEAD, "phone_number": "3125559002"}
        key = {"Idempotency-Key": "order-43"}
        on_a = asyncio.create_task(pair.call(pair.a, "add_lead", lead, headers=key))
        await asyncio.sleep(0.4)
        status, body, headers = await pair.call(pair.b, "add_lead", lead, headers=key)
        assert (status, body["error"]["type"]) == (409, "idempotency_in_progress"), body
        status, done, _ = await on_a
        assert status == 200, done
        status, body, headers = await pair.call(pair.b, "add_lead", lead, headers=key)
        assert (status, body) == (200, done) and headers["Idempotent-Replayed"] == "true"
        assert sim.state.hits("add_lead") == 2
        assert len(sim.state.find_leads(lambda x: x.phone_number == lead["phone_number"])) == 1


async def test_credential_refused_on_one_replica_is_out_of_service_on_the_other(
    sim: RunningSim,
    redis_server: RedisServer,  # noqa: F811
    redis_prefix: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    doc = shared_doc(sim, redis_server, redis_prefix, password="Wrong-Pass_777abc")
    async with replicas(doc, tmp_path) as pair:
        status, body, _ = await pair.call(pair.a, "campaigns_list")
        # The refusal itself is a 502 (the gateway's own account), the credential goes out.
        assert (status, body["error"]["type"]) == (502, "upstream_error"), body
        assert sim.state.login_attempts(API_USER) == 1
        for function, params in (("campaigns_list", None), ("add_lead", LEAD)):
            status, body, headers = await pair.call(pair.b, function, params)
            assert (status, body["error"]["type"]) == (503, "unavailable"), body
            assert "no VICIdial credential is usable" in body["error"]["message"]
            # A refused password is back when its secret file changes, seen within the config
            # watch interval (2 s): that is the wait, not A's 15-minute cool-down (issue 11).
            assert headers["Retry-After"] == "2"
        status, body, _ = await pair.call(pair.a, "campaigns_list")
        assert (status, body["error"]["type"]) == (503, "unavailable"), body
        # B never spent one of VICIdial's 10 allowed failures, and says so in its metrics.
        assert sim.state.login_attempts(API_USER) == 1
        assert sim.state.hits("add_lead") == 0
        async with pair.session.get(f"{pair.b.base}/metrics") as r:
            text = await r.text()
        healthy = [
            s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
            if s.name == "vicigw_credential_healthy" and s.labels.get("credential") == "api-a"
        ]
        assert healthy == [0.0]
