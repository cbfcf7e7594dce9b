"""Hot reload: atomic swaps under load, rejected configs, file watching, SIGHUP, rotation."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from aiohttp import web

from gateway.app import SERVICES, create_app
from gateway.auth import mint_token
from gateway.config_load import load_config
from gateway.sim import RunningSim
from gateway.upstream import VicidialUpstream

from .conftest import API_PASS, API_USER, config_dict, free_port
from .scrape import scrape

REPO = Path(__file__).resolve().parent.parent
SECOND_USER, SECOND_PASS = "6667", "Second-Pass_0043"


def write_config(tmp: Path, sim: RunningSim, **changes: Any) -> Path:
    """A config file whose VICIdial passwords come from secret files in ``tmp``."""
    doc = config_dict(sim.base_url, sim.ca_file)
    creds = changes.pop("credentials", [("api-a", API_USER, "pass_a")])
    doc["upstreams"]["main"]["credentials"] = [
        {"name": name, "user": user, "pass": {"file": file}} for name, user, file in creds
    ]
    doc["server"]["config_watch_interval"] = "100ms"
    for key, value in changes.items():
        doc["apps"]["crm"][key] = value
    path = tmp / "config.yaml"
    tmp_path = tmp / "config.yaml.new"
    tmp_path.write_text(yaml.safe_dump(doc))
    tmp_path.replace(path)  # atomic, as config management tools do
    return path


def write_secret(tmp: Path, name: str, value: str) -> None:
    new = tmp / f"{name}.new"
    new.write_text(value + "\n")
    new.replace(tmp / name)


class Load:
    """Callers hammering the gateway until stopped; every answer is counted by status."""

    def __init__(self, base: str, token: str, workers: int = 8) -> None:
        self.base, self.token, self.workers = base, token, workers
        self.statuses: Counter[int] = Counter()
        self.bodies: list[dict[str, Any]] = []
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def _worker(self, i: int, session: aiohttp.ClientSession) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            fn, body = (
                ("add_lead", {"phone_number": f"31255{i:02d}{n:04d}"[:10], "list_id": "101"})
                if n % 3 == 0
                else ("campaigns_list", {})
            )
            async with session.post(
                f"{self.base}/v1/non-agent/{fn}",
                json=body,
                headers={"Authorization": f"Bearer {self.token}"},
            ) as r:
                self.statuses[r.status] += 1
                if r.status != 200:
                    self.bodies.append(await r.json())

    async def __aenter__(self) -> Load:
        self.session = aiohttp.ClientSession()
        self._tasks = [
            asyncio.create_task(self._worker(i, self.session)) for i in range(self.workers)
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        await self.session.close()


async def start(path: Path, *, watch: bool = False) -> tuple[web.AppRunner, web.Application, str]:
    app = create_app(load_config(path), watch=watch)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, app, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def test_twenty_reloads_under_load_lose_no_call(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    path = write_config(tmp_path, sim)
    runner, app, base = await start(path)
    generations = app[SERVICES].generations
    token = mint_token(generations.current.config, "crm", ttl=600)
    first_pool = generations.current.upstreams["main"].pool  # type: ignore[attr-defined]
    try:
        async with Load(base, token) as load:
            for i in range(20):
                # Alternate between two different (valid) configs.
                fns = ["campaigns_list", "add_lead"] + (["list_info"] if i % 2 else [])
                write_config(tmp_path, sim, functions=fns)
                assert await generations.reload() is True
                await asyncio.sleep(0.05)
        assert sum(load.statuses.values()) > 50
        assert set(load.statuses) == {200}, (load.statuses, load.bodies[:3])
        # TLS settings never changed: the same connection pool served every generation.
        assert generations.current.upstreams["main"].pool is first_pool  # type: ignore[attr-defined]
        assert "list_info" in generations.current.config.apps["crm"].functions  # the 20th config
        metrics = app[SERVICES].metrics.render().decode()
        assert 'vicigw_config_reloads_total{result="success"} 20.0' in metrics
    finally:
        await runner.cleanup()


async def test_an_invalid_config_is_rejected_whole(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    path = write_config(tmp_path, sim)
    runner, app, base = await start(path)
    generations = app[SERVICES].generations
    before = generations.current
    try:
        path.write_text("apps: [this is: not valid")
        assert await generations.reload() is False
        doc = yaml.safe_load(yaml.safe_dump(config_dict(sim.base_url, sim.ca_file)))
        doc["apps"]["crm"]["source"] = "x"  # invalid: the whole file is refused
        path.write_text(yaml.safe_dump(doc))
        assert await generations.reload() is False
        assert generations.current is before
        async with aiohttp.ClientSession() as s:
            token = mint_token(before.config, "crm")
            async with s.post(
                f"{base}/v1/non-agent/campaigns_list",
                headers={"Authorization": f"Bearer {token}"},
            ) as r:
                assert r.status == 200
        metrics = app[SERVICES].metrics.render().decode()
        assert 'vicigw_config_reloads_total{result="failure"} 2.0' in metrics
        logged = log_stream.getvalue()
        assert "config reload rejected" in logged and "apps.crm.source" in logged
    finally:
        await runner.cleanup()


async def test_a_changed_secret_file_is_picked_up(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    write_secret(tmp_path, "pass_a", "Old-Pass_xyz123")
    sim.state.set_password(API_USER, "Old-Pass_xyz123")
    path = write_config(tmp_path, sim)
    runner, app, base = await start(path, watch=True)
    generations = app[SERVICES].generations
    try:
        async with aiohttp.ClientSession() as s:
            token = mint_token(generations.current.config, "crm")
            headers = {"Authorization": f"Bearer {token}"}
            url = f"{base}/v1/non-agent/campaigns_list"
            async with s.post(url, headers=headers) as r:
                assert r.status == 200
            sim.state.set_password(API_USER, "New-Pass_abc987")
            write_secret(tmp_path, "pass_a", "New-Pass_abc987")
            for _ in range(100):  # the watcher polls every 100 ms
                await asyncio.sleep(0.05)
                current = generations.current.config.upstreams["main"].credentials[0]
                if current.password.reveal() == "New-Pass_abc987":
                    break
            async with s.post(url, headers=headers) as r:
                assert r.status == 200, await r.text()
        assert sim.state.failed_logins(API_USER) == 0
    finally:
        await runner.cleanup()


def kubelet_secret_volume(folder: Path, files: dict[str, str], *, stamp: str) -> None:
    """Write a Secret volume the way the kubelet does (its "atomic writer"): the files in a
    new timestamped folder, ``..data`` a symlink to that folder, each key a symlink
    ``KEY -> ..data/KEY``; an update makes a new folder and renames a new ``..data`` symlink
    over the old one (one atomic flip for every key), then removes the old folder."""
    folder.mkdir(exist_ok=True)
    new = folder / f"..{stamp}"
    new.mkdir()
    for name, value in files.items():
        (new / name).write_text(value)
        (new / name).chmod(0o400)
    old = (folder / "..data").resolve() if (folder / "..data").is_symlink() else None
    tmp_link = folder / "..data_tmp"
    tmp_link.symlink_to(new.name)
    tmp_link.replace(folder / "..data")  # rename(2): the flip
    for name in files:
        if not (folder / name).is_symlink():
            (folder / name).symlink_to(Path("..data") / name)
    if old is not None:
        for f in old.iterdir():
            f.unlink()
        old.rmdir()


async def test_a_kubernetes_secret_volume_update_is_picked_up(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    volume = tmp_path / "secrets"
    kubelet_secret_volume(volume, {"pass_a": "Old-Pass_k8s123"}, stamp="2026_12_05_06_00_00.1")
    sim.state.set_password(API_USER, "Old-Pass_k8s123")
    path = write_config(tmp_path, sim, credentials=[("api-a", API_USER, str(volume / "pass_a"))])
    runner, app, base = await start(path, watch=True)
    generations = app[SERVICES].generations
    try:
        assert volume / "pass_a" in generations.current.config.files  # the key's own path
        async with aiohttp.ClientSession() as s:
            token = mint_token(generations.current.config, "crm")
            headers = {"Authorization": f"Bearer {token}"}
            url = f"{base}/v1/non-agent/campaigns_list"
            async with s.post(url, headers=headers) as r:
                assert r.status == 200
            sim.state.set_password(API_USER, "New-Pass_k8s987")
            kubelet_secret_volume(
                volume, {"pass_a": "New-Pass_k8s987"}, stamp="2026_12_05_06_05_00.2"
            )
            # The key's own symlink never changed; only ..data was flipped.
            assert os.readlink(volume / "pass_a") == "..data/pass_a"
            for _ in range(100):  # the watcher polls every 100 ms
                await asyncio.sleep(0.05)
                current = generations.current.config.upstreams["main"].credentials[0]
                if current.password.reveal() == "New-Pass_k8s987":
                    break
            assert current.password.reveal() == "New-Pass_k8s987"
            async with s.post(url, headers=headers) as r:
                assert r.status == 200, await r.text()
        assert sim.state.failed_logins(API_USER) == 0
        reloads = [r for r in _reload_logs(log_stream) if r.get("trigger") == "file"]
        assert reloads and reloads[-1]["files"] == [str(volume / "pass_a")]
    finally:
        await runner.cleanup()


async def test_changed_ca_file_gets_a_new_pool(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(sim.ca_file.read_bytes())
    doc_path = write_config(tmp_path, sim)
    doc = yaml.safe_load(doc_path.read_text())
    doc["upstreams"]["main"]["ca_file"] = str(ca)
    doc_path.write_text(yaml.safe_dump(doc))
    runner, app, _ = await start(doc_path)
    generations = app[SERVICES].generations
    try:
        first = generations.current.upstreams["main"]
        assert isinstance(first, VicidialUpstream)
        await generations.reload()
        assert generations.current.upstreams["main"].pool is first.pool  # type: ignore[attr-defined]
        new_ca = tmp_path / "ca2.pem"
        new_ca.write_bytes(sim.ca_file.read_bytes() + b"\n")
        new_ca.replace(ca)
        await generations.reload()
        assert generations.current.upstreams["main"].pool is not first.pool  # type: ignore[attr-defined]
    finally:
        await runner.cleanup()


async def test_sighup_reloads_a_running_server(sim: RunningSim, tmp_path: Path) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    path = write_config(tmp_path, sim, functions=["campaigns_list"], params={})
    doc = yaml.safe_load(path.read_text())
    port = free_port()
    doc["server"]["port"] = port
    doc["server"]["config_watch_interval"] = "1h"  # only SIGHUP can trigger the reload
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
    try:
        token = mint_token(load_config(path), "crm")
        headers = {"Authorization": f"Bearer {token}"}
        url = f"http://127.0.0.1:{port}/v1/functions"
        async with aiohttp.ClientSession() as s:
            names = await _functions(s, url, headers)
            assert names == ["campaigns_list"]
            doc["apps"]["crm"]["functions"] = ["campaigns_list", "list_info"]
            path.write_text(yaml.safe_dump(doc))
            assert proc.pid is not None
            os.kill(proc.pid, signal.SIGHUP)
            for _ in range(100):
                await asyncio.sleep(0.1)
                names = await _functions(s, url, headers)
                if "list_info" in names:
                    break
            assert names == ["campaigns_list", "list_info"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
    logged = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    reloads = [r for r in logged if r["message"] == "config reloaded"]
    assert [(r["trigger"], r["changes"]) for r in reloads] == [("SIGHUP", ["apps.crm"])]


async def _functions(s: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> list[str]:
    for _ in range(100):
        try:
            async with s.get(url, headers=headers) as r:
                return [f["name"] for f in (await r.json())["functions"]]
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.1)
    raise AssertionError("the gateway did not come up")


# --- what a reload removes, says and leaves on disk (issue 11, items 3 and 8) ---------------


async def test_a_removed_credential_leaves_the_metrics(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    write_secret(tmp_path, "pass_b", SECOND_PASS)
    a, b = ("api-a", API_USER, "pass_a"), ("api-b", SECOND_USER, "pass_b")
    path = write_config(tmp_path, sim, credentials=[b, a])
    runner, app, base = await start(path)
    generations = app[SERVICES].generations
    try:
        async with aiohttp.ClientSession() as s:
            token = mint_token(generations.current.config, "crm")
            async with s.post(
                f"{base}/v1/non-agent/campaigns_list", headers={"Authorization": f"Bearer {token}"}
            ) as r:
                assert r.status == 200
            before = await scrape(s, base)
            write_config(tmp_path, sim, credentials=[a])
            assert await generations.reload()
            after = await scrape(s, base)
    finally:
        await runner.cleanup()
    gauges = (
        "vicigw_credential_healthy",
        "vicigw_credential_last_change_timestamp_seconds",
        "vicigw_credential_state",
        "vicigw_credential_calls_in_flight",
    )
    for name in gauges:
        assert before.find(name, credential="api-b"), name
        assert after.find(name, credential="api-b") == [], name
        assert after.find(name, credential="api-a"), name


def _reload_logs(stream: io.StringIO) -> list[dict[str, Any]]:
    return [
        r
        for r in (json.loads(line) for line in stream.getvalue().splitlines())
        if r["message"].startswith("config reload")
    ]


async def test_a_reload_says_what_triggered_it_and_what_changed(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    path = write_config(tmp_path, sim)
    runner, app, _ = await start(path, watch=True)
    generations = app[SERVICES].generations

    async def reloaded(count: int) -> dict[str, Any]:
        for _ in range(100):
            logs = _reload_logs(log_stream)
            if len(logs) >= count:
                return logs[count - 1]
            await asyncio.sleep(0.05)
        raise AssertionError(_reload_logs(log_stream))

    try:
        write_config(tmp_path, sim, functions=["campaigns_list", "add_lead"])
        first = await reloaded(1)
        assert first["message"] == "config reloaded"
        assert (first["trigger"], first["files"]) == ("file", [str(path)])
        assert first["changes"] == ["apps.crm"]
        sim.state.set_password(API_USER, "New-Pass_abc987")
        write_secret(tmp_path, "pass_a", "New-Pass_abc987")
        second = await reloaded(2)
        assert (second["trigger"], second["files"]) == ("file", [str(tmp_path / "pass_a")])
        assert second["changes"] == ["upstreams.main.credentials.api-a: secret changed"]
        assert await generations.reload()
        third = await reloaded(3)
        assert (third["trigger"], third["changes"]) == ("api", [])
    finally:
        await runner.cleanup()
    assert "New-Pass_abc987" not in log_stream.getvalue()


async def test_readyz_is_degraded_while_a_rejected_config_is_on_disk(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    path = write_config(tmp_path, sim)
    good = path.read_text()
    doc = yaml.safe_load(good)
    doc["server"]["readyz_details"] = True
    path.write_text(yaml.safe_dump(doc))
    runner, app, base = await start(path)
    generations = app[SERVICES].generations

    async def readyz(s: aiohttp.ClientSession) -> tuple[int, dict[str, Any]]:
        async with s.get(f"{base}/readyz") as r:
            return r.status, await r.json()

    try:
        async with aiohttp.ClientSession() as s:
            status, body = await readyz(s)
            assert (status, body["status"]) == (200, "ready")
            doc["apps"]["crm"]["source"] = "x"
            path.write_text(yaml.safe_dump(doc))
            assert await generations.reload() is False
            status, body = await readyz(s)
            # The old config serves on: ready, but degraded, with the reason.
            assert (status, body["ok"], body["status"]) == (200, True, "degraded")
            rejected = body["checks"]["config"]["rejected"]
            assert rejected["trigger"] == "api"
            assert any(e.startswith("apps.crm.source") for e in rejected["errors"])
            page = await scrape(s, base)
            assert page.value("vicigw_config_last_reload_successful") == 0
            doc["apps"]["crm"]["source"] = "crm"
            path.write_text(yaml.safe_dump(doc))
            assert await generations.reload() is True
            status, body = await readyz(s)
            assert (status, body["status"]) == (200, "ready")
            assert "rejected" not in body["checks"]["config"]
            page = await scrape(s, base)
            assert page.value("vicigw_config_last_reload_successful") == 1
    finally:
        await runner.cleanup()
