"""/healthz, /readyz (cached, no login), metrics on their own port, graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import io
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from gateway.auth import mint_token
from gateway.config_load import parse_config
from gateway.sim import Faults, RunningSim

from .conftest import API_PASS, API_USER, Gateway, config_dict, free_port, start_gateway

REPO = Path(__file__).resolve().parent.parent


async def _readyz(gw: Gateway) -> tuple[int, dict]:  # type: ignore[type-arg]
    async with gw.session.get(f"{gw.base_url}/readyz") as r:
        return r.status, await r.json()


@contextlib.asynccontextmanager
async def _gateway(sim: RunningSim, log_stream: io.StringIO, **cfg: Any) -> AsyncIterator[Gateway]:
    """A gateway on the API listener with ``server.readyz_details: true`` (or what ``cfg`` says)."""
    doc = config_dict(sim.base_url, sim.ca_file, password=cfg.pop("password", API_PASS))
    doc["server"].update({"readyz_details": True, **cfg})
    config = parse_config(doc)
    runner, base = await start_gateway(config)
    try:
        async with aiohttp.ClientSession() as session:
            yield Gateway(base, config, sim, session, log_stream)
    finally:
        await runner.cleanup()


async def test_readyz_tells_anyone_only_ready_or_not(sim: RunningSim, gateway: Gateway) -> None:
    """No VICIdial version, no credential count, no upstream names for whoever asks."""
    assert await _readyz(gateway) == (200, {"ok": True, "status": "ready"})
    wrong = "Wrong-Pass_777abc"
    async with _gateway(sim, gateway.logs, password=wrong, readyz_details=False) as gw:
        await gw.call("campaigns_list")  # refused: the only credential goes out of service
        assert await _readyz(gw) == (503, {"ok": False, "status": "not ready"})


async def test_ready_checks_version_without_any_login(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    async with _gateway(sim, log_stream) as gateway:
        status, body = await _readyz(gateway)
        assert status == 200 and body["ok"] is True and body["status"] == "ready"
        up = body["checks"]["upstream:main"]
        assert up == {
            "credentials_in_service": 1,
            "reachable": True,
            "version": "2.14-194",
            "ok": True,
        }
        seen = gateway.sim.state.requests
        assert [r.function for r in seen] == ["version"]
        assert "user" not in seen[0].param_names and "pass" not in seen[0].param_names
        assert gateway.sim.state.login_attempts(API_USER) == 0
        # Cached: a second probe right away does not reach VICIdial.
        await _readyz(gateway)
        assert len(gateway.sim.state.requests) == 1


async def test_not_ready_when_vicidial_is_down(sim: RunningSim, log_stream: io.StringIO) -> None:
    async with _gateway(sim, log_stream) as gw:
        sim.state.faults = Faults("html")
        status, body = await _readyz(gw)
        assert status == 503 and body["ok"] is False
        assert body["checks"]["upstream:main"]["reachable"] is False


async def test_not_ready_without_a_usable_credential(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    async with _gateway(sim, log_stream, password="Wrong-Pass_777abc") as gw:
        await gw.call("campaigns_list")  # refused: the only credential goes out of service
        status, body = await _readyz(gw)
        assert status == 503, body
        assert body["checks"]["upstream:main"]["credentials_in_service"] == 0


async def test_serve_metrics_port_and_graceful_shutdown(sim: RunningSim, tmp_path: Path) -> None:
    doc = config_dict(sim.base_url, sim.ca_file)
    port, metrics_port = free_port(), free_port()
    doc["server"].update(port=port, metrics_port=metrics_port, shutdown_timeout="20s")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "serve",
        "--config",
        str(path),
        cwd=REPO,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    token = mint_token(parse_config(doc), "crm")
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}"
    terminated = False
    try:
        async with aiohttp.ClientSession() as s:
            for _ in range(100):
                try:
                    async with s.get(f"{base}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            async with s.post(f"{base}/v1/non-agent/version", headers=headers) as r:
                assert r.status == 200
            # Metrics live on their own port, not on the API listener.
            async with s.get(f"http://127.0.0.1:{metrics_port}/metrics") as r:
                assert r.status == 200
                assert 'vicigw_requests_total{app="crm",function="version",outcome="ok"}' in (
                    await r.text()
                )
            async with s.get(f"{base}/metrics") as r:
                assert r.status == 404
            # Readiness details are there too; the API listener says only ready or not.
            async with s.get(f"http://127.0.0.1:{metrics_port}/readyz") as r:
                assert r.status == 200
                details = await r.json()
            assert details["ok"] is True and details["status"] == "ready"
            assert details["checks"]["upstream:main"] == {
                "credentials_in_service": 1,
                "reachable": True,
                "version": "2.14-194",
                "ok": True,
            }
            async with s.get(f"{base}/readyz") as r:
                assert (r.status, await r.json()) == (200, {"ok": True, "status": "ready"})
            # Calls in flight when SIGTERM arrives are finished, not cut.
            sim.state.faults = Faults("slow", delay=1.5, functions=frozenset({"campaigns_list"}))
            calls = [
                asyncio.create_task(s.post(f"{base}/v1/non-agent/campaigns_list", headers=headers))
                for _ in range(5)
            ]
            await asyncio.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            terminated = True
            responses = await asyncio.gather(*calls)
            assert [r.status for r in responses] == [200] * 5
            for r in responses:
                assert (await r.json())["ok"] is True
                r.release()
            await asyncio.sleep(0.3)
            try:
                async with aiohttp.ClientSession() as fresh, fresh.get(f"{base}/healthz") as r:
                    accepted = r.status
            except aiohttp.ClientConnectionError:
                accepted = None
            assert accepted is None  # no new connections once shutting down
    finally:
        if not terminated:
            proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "finishing requests in flight" in err.decode()
