"""The compose demo (deploy/compose/) is valid and agrees with the gateway.

No container engine runs here, so the stack is never brought up as containers. What is checked:
compose.yaml validates against the Compose specification's JSON schema (check-jsonschema's
vendored copy, shown to refuse a misspelled key); every file it mounts or builds from exists;
Prometheus scrapes exactly the gateway services, on the config's metrics port, and its config
passes ``promtool check config`` with the alert rules beside it; Grafana's data source is the
Prometheus service. The gateway config loads with the gateway's own loader (``vicigw
check-config``), its secrets made by the compose file's own ``make-secrets`` script. And the stack's
processes run here on loopback, each started as compose starts it (paths and hosts mapped):
the simulator with its certificate valid for the name ``sim``, two gateway replicas sharing a
real Redis, and the demo's traffic script calling both.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
import yaml

from gateway.config_load import load_config
from gateway.config_values import parse_duration

from .conftest import start_gateway
from .redis_server import RedisServer, redis_prefix, redis_server  # noqa: F401
from .scrape import scrape

REPO = Path(__file__).resolve().parent.parent
COMPOSE_DIR = REPO / "deploy" / "compose"
COMPOSE = COMPOSE_DIR / "compose.yaml"
GATEWAY_CONFIG = COMPOSE_DIR / "gateway.yaml"
IN_CONTAINER = "/etc/vicigw"  # the image's WORKDIR, where the config is mounted
CONFIG_MOUNT = f"./gateway.yaml:{IN_CONTAINER}/config.yaml:ro"


def compose() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())  # resolves the << merges
    return doc


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def gateway_services() -> list[str]:
    """The services running the gateway: its config mounted, the image's command (serve)."""
    return sorted(
        name
        for name, s in services().items()
        if CONFIG_MOUNT in s.get("volumes", []) and "command" not in s and "entrypoint" not in s
    )


def venv_tool(name: str, how: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing ({how})")
        pytest.skip(f"{name} is not installed here ({how})")
    return found


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    tool = venv_tool("check-jsonschema", "the test extras install check-jsonschema")
    return subprocess.run(
        [tool, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the files -----------------------------------------------------------------------------


def test_compose_validates_against_the_compose_spec() -> None:
    result = check_jsonschema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_refuses_a_misspelled_key(tmp_path: Path) -> None:
    text = COMPOSE.read_text()
    assert text.count("stop_grace_period:") == 1
    bad = tmp_path / "compose.yaml"
    bad.write_text(text.replace("stop_grace_period:", "stop_grace_periods:"))
    result = check_jsonschema(bad)
    assert result.returncode != 0
    assert "stop_grace_periods" in result.stdout + result.stderr


def _bind_sources(service: dict[str, Any]) -> list[str]:
    return [v.split(":")[0] for v in service.get("volumes", []) if v.startswith((".", "/"))]


def test_every_mounted_file_exists() -> None:
    mounted = 0
    for name, service in services().items():
        for source in _bind_sources(service):
            assert (COMPOSE_DIR / source).exists(), (name, source)
            mounted += 1
        build = service.get("build")
        if build is not None:
            context = COMPOSE_DIR / build["context"]
            assert (context / build["dockerfile"]).is_file(), name
            assert (context / ".dockerignore").is_file(), name
    assert mounted >= 8
    named = set(compose()["volumes"])
    for name, service in services().items():
        for volume in service.get("volumes", []):
            if not volume.startswith((".", "/")):
                assert volume.split(":")[0] in named, (name, volume)


def test_two_gateway_replicas_share_redis() -> None:
    gateways = gateway_services()
    assert gateways == ["gateway-1", "gateway-2"]
    doc = yaml.safe_load(GATEWAY_CONFIG.read_text())
    assert doc["state"]["backend"] == "redis"
    assert urlsplit(doc["state"]["url"]).hostname in services()
    for name in gateways:
        service = services()[name]
        assert service["stop_signal"] == "SIGTERM"
        grace = parse_duration(service["stop_grace_period"])
        assert grace > parse_duration(doc["server"]["shutdown_timeout"])
        assert {"sim", "redis", "make-secrets"} <= set(service["depends_on"])


def test_every_port_is_published_on_loopback_only() -> None:
    """The demo has no TLS and default passwords: nothing is reachable from other hosts."""
    published = [(n, p) for n, s in services().items() for p in s.get("ports", [])]
    assert {n for n, _ in published} == {"gateway-1", "gateway-2", "prometheus", "grafana"}
    for name, port in published:
        assert isinstance(port, str) and port.startswith("127.0.0.1:"), (name, port)


def test_prometheus_scrapes_each_gateway_on_its_metrics_port() -> None:
    metrics_port = yaml.safe_load(GATEWAY_CONFIG.read_text())["server"]["metrics_port"]
    prometheus = yaml.safe_load((COMPOSE_DIR / "prometheus.yml").read_text())
    targets = {
        target
        for job in prometheus["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert targets == {f"{name}:{metrics_port}" for name in gateway_services()}
    # The rules file it names is the one compose mounts beside it.
    mounts = dict(v.split(":")[:2] for v in services()["prometheus"]["volumes"])
    assert mounts["./prometheus.yml"] == "/etc/prometheus/prometheus.yml"
    assert mounts["../prometheus/alerts.yaml"] == "/etc/prometheus/" + prometheus["rule_files"][0]


def test_promtool_checks_the_prometheus_config(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing (.ci/run installs Debian's prometheus package)")
        pytest.skip("promtool is not installed here (apt-get install prometheus)")
    # Laid out as compose mounts them: prometheus.yml with alerts.yaml beside it.
    for source, target in (v.split(":")[:2] for v in services()["prometheus"]["volumes"]):
        shutil.copy(COMPOSE_DIR / source, tmp_path / Path(target).name)
    result = subprocess.run(
        [promtool, "check", "config", "prometheus.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rules = yaml.safe_load((tmp_path / "alerts.yaml").read_text())
    count = sum(len(g["rules"]) for g in rules["groups"])
    assert f"SUCCESS: {count} rules found" in result.stdout


def test_grafana_is_provisioned_with_prometheus_and_the_dashboard() -> None:
    provisioning = COMPOSE_DIR / "grafana" / "provisioning"
    (source,) = yaml.safe_load((provisioning / "datasources" / "prometheus.yaml").read_text())[
        "datasources"
    ]
    url = urlsplit(source["url"])
    assert source["type"] == "prometheus" and source["isDefault"] is True
    assert url.hostname == "prometheus" and "prometheus" in services()
    assert services()["prometheus"]["ports"] == [f"127.0.0.1:{url.port}:{url.port}"]
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "vicigw.yaml").read_text())[
        "providers"
    ]
    mounts = dict(v.split(":")[:2] for v in services()["grafana"]["volumes"])
    dashboard = mounts["../grafana/vicigw.json"]
    assert Path(dashboard).parent == Path(provider["options"]["path"])
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"


# --- the gateway config and the stack's processes ------------------------------------------


def local(path: str, root: Path) -> Path:
    """A path in the containers (under /etc/vicigw) mapped into ``root``."""
    assert path.startswith(IN_CONTAINER + "/"), path
    return root / path.removeprefix(IN_CONTAINER + "/")


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


@pytest.fixture
def laid_out(tmp_path: Path) -> Path:
    """/etc/vicigw as the gateway containers see it: the config, the secrets made by the
    compose file's own script, and the simulator's CA (from a simulator started as compose
    starts it, see ``sim_process``)."""
    shutil.copy(GATEWAY_CONFIG, tmp_path / "config.yaml")
    script = services()["make-secrets"]
    assert script["entrypoint"] == ["python", "-c"]
    folder = local(script["environment"]["SECRETS_DIR"], tmp_path)
    folder.mkdir()
    env = {**os.environ, "SECRETS_DIR": str(folder)}
    made: dict[str, str] = {}
    for start in ("first", "again"):  # a second `up` keeps what the first made
        subprocess.run([sys.executable, "-c", *script["command"]], env=env, check=True)
        found = {p.name: p.read_text() for p in folder.iterdir()}
        assert set(found) == {"vicidial_pass", "jwt_secret"}, start
        made = made or found
        assert found == made, start
    for path in folder.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path
    return tmp_path


@pytest.fixture
async def sim_process(laid_out: Path) -> AsyncIterator[str]:
    """``vicigw sim`` with the compose service's arguments; host and port made local."""
    argv = list(services()["sim"]["command"])
    assert argv[0] == "sim"
    argv[argv.index("--host") + 1] = "127.0.0.1"
    argv[argv.index("--port") + 1] = "0"
    for option in ("--ca-out", "--password-file"):
        argv[argv.index(option) + 1] = str(local(_option(argv, option), laid_out))
    local(_option(services()["sim"]["command"], "--ca-out"), laid_out).parent.mkdir()
    vicigw = Path(sys.executable).with_name("vicigw")
    proc = await asyncio.create_subprocess_exec(
        str(vicigw), *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        m = re.search(r"https://127\.0\.0\.1:(\d+)/", line)
        assert m is not None, line
        yield m.group(1)
    finally:
        proc.terminate()
        await proc.wait()


async def test_the_gateway_config_loads(laid_out: Path, sim_process: str) -> None:
    """``vicigw check-config`` on the file compose mounts, as the containers see it."""
    vicigw = Path(sys.executable).with_name("vicigw")
    result = subprocess.run(
        [str(vicigw), "check-config", str(laid_out / "config.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "OK\n"
    # The one warning: the demo's listener has no TLS (published on loopback only).
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and "server.host: 0.0.0.0" in warnings[0], warnings
    cfg = load_config(laid_out / "config.yaml")
    upstream = cfg.upstreams["main"]
    sim_argv = services()["sim"]["command"]
    assert urlsplit(upstream.base_url).hostname == "sim" and "sim" in services()
    assert urlsplit(upstream.base_url).port == int(_option(sim_argv, "--port"))
    assert _option(sim_argv, "--tls-name") == "sim"
    assert upstream.ca_file == local(_option(sim_argv, "--ca-out"), laid_out)
    doc = yaml.safe_load(GATEWAY_CONFIG.read_text())
    (cred,) = doc["upstreams"]["main"]["credentials"]
    assert cred["user"] == _option(sim_argv, "--user")
    assert f"{IN_CONTAINER}/{cred['pass']['file']}" == _option(sim_argv, "--password-file")
    assert cfg.server.metrics_port is not None


async def test_the_simulator_certificate_is_valid_for_its_service_name(
    laid_out: Path, sim_process: str
) -> None:
    ca = local(_option(services()["sim"]["command"], "--ca-out"), laid_out)
    context = ssl.create_default_context(cafile=str(ca))
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", int(sim_process), ssl=context, server_hostname="sim"
    )
    writer.write(b"GET /vicidial/non_agent_api.php?function=version HTTP/1.0\r\nHost: sim\r\n\r\n")
    reply = await reader.read()
    writer.close()
    assert re.match(rb"HTTP/1\.[01] 200 ", reply) and b"VERSION: " in reply
    with pytest.raises(ssl.SSLCertVerificationError):
        await asyncio.open_connection(
            "127.0.0.1", int(sim_process), ssl=context, server_hostname="not-sim"
        )


async def test_the_stack_runs_on_loopback(
    laid_out: Path,
    sim_process: str,
    redis_server: RedisServer,  # noqa: F811
    redis_prefix: str,  # noqa: F811
    log_stream: io.StringIO,
) -> None:
    """Two replicas with the demo config (the dialer and Redis addresses made local, /metrics
    on the API listener) share a real Redis; the traffic script, started as compose starts it,
    calls both."""
    doc = yaml.safe_load(GATEWAY_CONFIG.read_text())
    doc["upstreams"]["main"]["base_url"] = f"https://localhost:{sim_process}"
    doc["state"]["url"] = redis_server.url
    doc["state"]["prefix"] = redis_prefix
    doc["server"]["metrics_port"] = None  # /metrics on the one listener start_gateway opens
    local_config = laid_out / "local.yaml"
    local_config.write_text(yaml.safe_dump(doc))
    cfg = load_config(local_config)
    replicas = [await start_gateway(cfg) for _ in range(2)]
    try:
        traffic = services()["traffic"]
        assert traffic["entrypoint"][0] == "python"
        script_mount = next(v for v in traffic["volumes"] if v.startswith("./traffic.py:"))
        assert script_mount.split(":")[1] == traffic["entrypoint"][1]
        argv = list(traffic["command"])
        argv[argv.index("--config") + 1] = str(laid_out / "config.yaml")
        gateways = [i for i, a in enumerate(argv) if a == "--gateway"]
        assert [urlsplit(argv[i + 1]).hostname for i in gateways] == gateway_services()
        for i, (_, base) in zip(gateways, replicas, strict=True):
            argv[i + 1] = base
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(COMPOSE_DIR / "traffic.py"),
            *argv,
            "--rounds",
            "4",
            "--interval",
            "0",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out = (await asyncio.wait_for(proc.communicate(), 60))[0].decode()
        assert proc.returncode == 0, out
        rounds = re.findall(r"^round \d+: ([\d ]+)$", out, re.MULTILINE)
        assert len(rounds) == 4, out
        for line in rounds:
            statuses = line.split()
            assert statuses[:5] == ["200", "200", "200", "200", "403"], out
            assert statuses[5:] in ([], ["401"]), out
        async with aiohttp.ClientSession() as s:
            pages = [await scrape(s, base) for _, base in replicas]
    finally:
        for runner, _ in replicas:
            await runner.cleanup()
    for page in pages:  # both replicas took calls
        assert sum(x.value for x in page.find("vicigw_requests_total", outcome="ok")) >= 4
    # One VICIdial call for campaigns_list in all: the replicas share the cache through Redis.
    lookups = [s for page in pages for s in page.find("vicigw_cache_lookups_total")]
    assert sum(s.value for s in lookups) == 4
    assert sum(s.value for s in lookups if s.labels["result"] == "miss") == 1
