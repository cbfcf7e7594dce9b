"""Builders shared by the test suites: configs, tokens, a running simulator and gateway.

Everything runs on loopback over real sockets: the simulator is an HTTPS server with a throwaway
CA, the gateway an aiohttp server whose upstream client verifies that CA.
"""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import settings

from gateway.app import create_app
from gateway.auth import mint_token
from gateway.catalog import CATALOG
from gateway.config import Config
from gateway.config_load import parse_config
from gateway.logs import setup_logging
from gateway.sim import RunningSim, SimState, start_simulator

# Property tests explore new examples on every local run; in CI they run a fixed, derandomized
# set, so a CI run cannot fail at random (a failure found locally is replayed from the database).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

API_USER = "6666"
API_PASS = "Sim-Pass_0042xyz"  # distinctive so leak searches cannot match by chance
CRM_SECRET = "crm-test-hmac-secret-0123456789abcdef-XYZ"
REPORTS_SECRET = "reports-test-hmac-secret-0123456789abcdef-QRS"
ALL_FUNCTIONS = list(CATALOG)


@pytest.fixture(autouse=True)
def _clean_env() -> Iterator[None]:
    """Tests that set environment variables for secret references leave no trace."""
    before = dict(os.environ)
    yield
    for key in set(os.environ) - set(before):
        if not key.startswith("PYTEST_"):
            del os.environ[key]
    os.environ.update(before)


def config_dict(
    base_url: str = "https://127.0.0.1:1",
    ca_file: Path | None = None,
    password: str = API_PASS,
    **apps_extra: Any,
) -> dict[str, Any]:
    """A valid config document; tests change pieces of it."""
    upstream: dict[str, Any] = {
        "base_url": base_url,
        "timeout": "10s",
        "credentials": [{"name": "api-a", "user": API_USER, "pass": password}],
    }
    if ca_file is not None:
        upstream["ca_file"] = str(ca_file)
    apps: dict[str, Any] = {
        "crm": {
            "keys": [{"kid": "crm-1", "alg": "HS256", "secret": CRM_SECRET}],
            "upstream": "main",
            "source": "crm",
            "functions": list(ALL_FUNCTIONS),
            "params": {"add_lead": {"list_id": {"allow": ["101", "102", "999"]}}},
        },
        "reports": {
            "keys": [{"kid": "reports-1", "alg": "HS256", "secret": REPORTS_SECRET}],
            "upstream": "main",
            "source": "reports",
            "functions": ["campaigns_list", "list_info"],
        },
    }
    apps.update(apps_extra)
    return {
        "server": {"host": "127.0.0.1", "port": 0, "max_body_bytes": 65536, "metrics_port": None},
        "auth": {"issuer": "vicidial-gateway", "audience": "vicidial-gateway"},
        "upstreams": {"main": upstream},
        "apps": apps,
    }


@dataclass
class Gateway:
    base_url: str
    config: Config
    sim: RunningSim
    session: aiohttp.ClientSession
    logs: io.StringIO

    def token(self, app: str = "crm", **kw: Any) -> str:
        return mint_token(self.config, app, **kw)

    async def call(
        self,
        function: str,
        body: Any = None,
        *,
        app: str = "crm",
        token: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, dict[str, Any], aiohttp.typedefs.LooseHeaders]:
        hdrs = {"Authorization": f"Bearer {token or self.token(app)}"}
        hdrs.update(headers or {})
        kwargs: dict[str, Any] = {"headers": hdrs}
        if raw is not None:
            kwargs["data"] = raw
        elif body is not None:
            kwargs["json"] = body
        async with self.session.post(f"{self.base_url}/v1/non-agent/{function}", **kwargs) as r:
            return r.status, await r.json(), r.headers


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    state = SimState.seeded(api_users={API_USER: API_PASS, "6667": "Second-Pass_0043"})
    running = await start_simulator("127.0.0.1", 0, state=state)
    try:
        yield running
    finally:
        await running.close()


async def start_gateway(cfg: Config, **kwargs: Any) -> tuple[web.AppRunner, str]:
    """The gateway for ``cfg`` on a free loopback port (``kwargs``: :func:`create_app`'s)."""
    runner = web.AppRunner(create_app(cfg, **kwargs), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    setup_logging("DEBUG", stream)
    yield stream
    logging.getLogger("gateway").handlers.clear()


@pytest.fixture
async def gateway(sim: RunningSim, log_stream: io.StringIO) -> AsyncIterator[Gateway]:
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file))
    runner, base = await start_gateway(cfg)
    async with aiohttp.ClientSession() as session:
        try:
            yield Gateway(base, cfg, sim, session, log_stream)
        finally:
            await runner.cleanup()


_REQUEST_IDS = re.compile(r'"request_id":\s*"[^"]*"|X-Request-ID: \S*', re.IGNORECASE)


def without_request_ids(text: str) -> str:
    """Text a caller sees, minus the request ids: a random hex id can hold "6666" (the test
    API user's name) by chance, about once in two thousand ids, and is no VICIdial data."""
    return _REQUEST_IDS.sub("", text)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def now() -> float:
    return time.time()
