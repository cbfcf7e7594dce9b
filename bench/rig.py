"""The harness's three services and the processes' figures (cores, CPU time, peak memory).

:func:`running_rig` starts the stand-in dialer, the floor proxy and the gateway, each pinned to
its core (:class:`Layout`), and stops them afterwards; :class:`Rig` says how to reach each one
for a scenario (:class:`Target`). CPU time and peak RSS are read from ``/proc``.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import jwt
import yaml
from scenarios import Scenario

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(REPO))

from gateway.auth import mint_token  # noqa: E402
from gateway.catalog import CATALOG  # noqa: E402
from gateway.config_load import parse_config  # noqa: E402
from gateway.policy import gateway_params  # noqa: E402

API_USER, API_PASS, SOURCE = "6666", "Bench-Pass_01", "bench"
TARGETS = ("direct", "floor", "gateway")
MB = 1_000_000
FORM = "application/x-www-form-urlencoded"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- cores and /proc -------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The core each process is pinned to (None: not pinned, on a one-core machine)."""

    serving: int | None  # the floor and the gateway (only one of them is loaded at a time)
    standin: int | None
    load: int | None  # the load generator, and the harness (it reads the export)

    @staticmethod
    def for_cores(cores: list[int]) -> Layout:
        if shutil.which("taskset") is None:
            return Layout(None, None, None)
        if len(cores) >= 3:
            return Layout(cores[0], cores[1], cores[2])
        if len(cores) == 2:
            return Layout(cores[0], cores[1], cores[1])
        return Layout(None, None, None)

    def describe(self) -> str:
        if self.serving is None:
            return "not pinned (one core, or no taskset)"
        return (
            f"floor and gateway on core {self.serving}, stand-in on core {self.standin}, "
            f"load generator (and the export's reader) on core {self.load}"
        )


def pinned(core: int | None, argv: list[str]) -> list[str]:
    return argv if core is None else ["taskset", "-c", str(core), *argv]


def cpu_seconds(pid: int) -> float:
    """CPU time of the whole process (every thread, user and system).

    The sum of the threads' ``schedstat`` run times (nanoseconds), so that short runs measure
    something; ``/proc/<pid>/stat``'s utime + stime (10 ms ticks) where schedstat is missing.
    """
    with suppress(OSError, ValueError):
        total = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def core_busy_seconds(core: int) -> float | None:
    """Time the core has spent busy since boot, whoever ran on it (``/proc/stat``: user, nice,
    system, irq, softirq and steal; 10 ms ticks). None where it cannot be read."""
    with suppress(OSError, ValueError, StopIteration):
        text = Path("/proc/stat").read_text()
        line = next(x for x in text.splitlines() if x.startswith(f"cpu{core} "))
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, line.split()[1:9])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    return None


class CoreShare:
    """How much of a core went to other processes than one, over a stretch of time: the core's
    busy time minus the process's CPU time, as a percentage of the wall time. The process must
    be pinned to that core (its CPU time is all spent there); anything else on the core (other
    people's work, or an idle service of the harness's, which costs next to nothing) counts."""

    def __init__(self, core: int | None, pid: int) -> None:
        self.core, self.pid = core, pid
        self.busy0 = None if core is None else core_busy_seconds(core)
        self.cpu0, self.wall0 = cpu_seconds(pid), time.monotonic()

    def other_pct(self) -> float | None:
        if self.core is None or self.busy0 is None:
            return None
        busy = core_busy_seconds(self.core)
        wall = time.monotonic() - self.wall0
        if busy is None or wall <= 0:
            return None
        other = (busy - self.busy0) - (cpu_seconds(self.pid) - self.cpu0)
        return max(0.0, other / wall * 100)


async def settled(pid: int, timeout: float = 10.0) -> None:
    """Wait until the process is idle (less than 1 ms of CPU in 50 ms): the calls still in
    flight when a load generator stops are finished before CPU time is read."""
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        now = cpu_seconds(pid)
        if now - before < 0.001:
            return
        before = now


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / MB
    raise RuntimeError(f"no VmHWM for process {pid}")


def reset_peak_rss(pid: int) -> bool:
    """Start the process's peak RSS afresh from its current RSS (Linux: clear_refs 5)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the services ------------------------------------------------------------------------------


@dataclass
class Target:
    """One thing the load generator drives: where, with what, and which process serves it."""

    name: str
    url: str
    body: bytes
    content_type: str
    pid: int
    authorization: str | None = None
    ssl: ssl.SSLContext | None = None

    def headers(self) -> dict[str, str]:
        out = {"Content-Type": self.content_type}
        if self.authorization:
            out["Authorization"] = self.authorization
        return out


@dataclass
class Rig:
    layout: Layout
    tmp: Path
    ca_file: Path
    standin_ports: dict[str, int]  # dialer -> port
    floor_port: int
    gateway_port: int
    pids: dict[str, int]  # direct (the stand-in), floor, gateway (and floor+: the floor's)
    tokens: dict[str, str]  # dialer -> a token of the gateway app that uses that dialer
    plus_token: str = ""  # a token of the floor's "plus" route (bench/floor_plus.py)
    audit_lines: int = 0  # lines in the gateway's audit log, counted once it has stopped

    def form(self, s: Scenario) -> dict[str, str]:
        """What the gateway (and the floor) send VICIdial for this scenario."""
        return {
            **s.body,
            **gateway_params(CATALOG[s.function]),
            "function": s.function,
            "user": API_USER,
            "pass": API_PASS,
            "source": SOURCE,
        }

    def target(self, name: str, s: Scenario) -> Target:
        body = json.dumps(s.body).encode()
        pid = self.pids[name]
        if name == "direct":
            url = f"https://127.0.0.1:{self.standin_ports[s.dialer]}/vicidial/non_agent_api.php"
            tls = ssl.create_default_context(cafile=str(self.ca_file))
            return Target(name, url, urlencode(self.form(s)).encode(), FORM, pid, ssl=tls)
        if name == "floor":
            url = f"http://127.0.0.1:{self.floor_port}/{s.dialer}/v1/non-agent/{s.function}"
            return Target(name, url, body, "application/json", pid)
        if name == "floor+":
            url = f"http://127.0.0.1:{self.floor_port}/{s.dialer}/plus/v1/non-agent/{s.function}"
            return Target(name, url, body, "application/json", pid, f"Bearer {self.plus_token}")
        url = f"http://127.0.0.1:{self.gateway_port}/v1/non-agent/{s.function}"
        return Target(name, url, body, "application/json", pid, f"Bearer {self.tokens[s.dialer]}")


def _private(path: Path, value: str) -> Path:
    path.touch(mode=0o600)
    path.write_text(value, encoding="utf-8")
    return path


def gateway_config(
    tmp: Path, dialers: dict[str, tuple[str, int]], ports: dict[str, int], ca_file: Path, pool: int
) -> dict[str, Any]:
    """The deployed shape: secrets in files, audit log to a file, metrics on their own port.
    One upstream and one app (its own HMAC key) per dialer."""
    password = _private(tmp / "vicidial_pass", API_PASS)
    upstreams: dict[str, Any] = {}
    apps: dict[str, Any] = {}
    for i, dialer in enumerate(sorted(dialers)):
        function = dialers[dialer][0]
        upstream: dict[str, Any] = {
            "base_url": f"https://127.0.0.1:{ports[dialer]}",
            "ca_file": str(ca_file),
            "max_concurrency": pool,
            "credentials": [{"name": "bench", "user": API_USER, "pass": {"file": str(password)}}],
        }
        if CATALOG[function].stream:
            upstream["timeout"] = "10m"
        upstreams[f"dialer{i}"] = upstream
        key = _private(tmp / f"jwt_app{i}", secrets.token_urlsafe(32))
        apps[f"app{i}"] = {
            "keys": [{"kid": f"app{i}", "alg": "HS256", "secret": {"file": str(key)}}],
            "upstream": f"dialer{i}",
            "source": SOURCE,
            "functions": [function],
        }
    return {
        "server": {"host": "127.0.0.1", "port": free_port(), "metrics_port": free_port()},
        "upstreams": upstreams,
        "apps": apps,
        "audit": {"enabled": True, "file": str(tmp / "audit.log")},
    }


def floor_spec(
    dialers: dict[str, tuple[str, int]],
    ports: dict[str, int],
    ca_file: Path,
    pool: int,
    plus: dict[str, Any] | None = None,
) -> dict[str, Any]:
    routes = {}
    for dialer, (function, _rows) in dialers.items():
        routes[dialer] = {
            "url": f"https://127.0.0.1:{ports[dialer]}/vicidial/non_agent_api.php",
            "options": {function: gateway_params(CATALOG[function])},
            "stream": [function] if CATALOG[function].stream else [],
        }
    return {
        "port": 0,
        "ca_file": str(ca_file),
        "user": API_USER,
        "pass": API_PASS,
        "source": SOURCE,
        "pool": pool,
        "routes": routes,
        **({"plus": plus} if plus is not None else {}),
    }


async def _first_line(proc: asyncio.subprocess.Process, what: str) -> Any:
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 300)
    except TimeoutError:
        raise RuntimeError(f"{what} did not start in time") from None
    if not line:
        raise RuntimeError(f"{what} exited before it listened (exit {await proc.wait()})")
    return json.loads(line)


async def _wait_http(url: str, proc: asyncio.subprocess.Process, what: str, log_file: Path) -> None:
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                tail = log_file.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{what} exited (exit {proc.returncode}):\n{tail}")
            with suppress(aiohttp.ClientError):
                async with session.get(url) as r:
                    if r.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{what} did not answer {url} in time")


@asynccontextmanager
async def running_rig(
    dialers: dict[str, tuple[str, int]], layout: Layout, pool: int, profile: Path | None = None
) -> AsyncIterator[Rig]:
    """Start the stand-in (``dialers``: name -> (function, rows)), the floor and the gateway
    (under cProfile, its statistics written to ``profile`` when it stops, if that is given)."""
    tmp = Path(tempfile.mkdtemp(prefix="vicigw-bench-"))
    procs: list[asyncio.subprocess.Process] = []
    rig: Rig | None = None
    py = sys.executable
    try:
        log(f"starting the stand-in ({len(dialers)} dialers), the floor and the gateway ...")
        spec = json.dumps({"dialers": dialers})
        argv = [py, str(BENCH / "standin.py"), "--dir", str(tmp), "--spec", spec]
        standin = await asyncio.create_subprocess_exec(
            *pinned(layout.standin, argv),
            stdout=asyncio.subprocess.PIPE,
            cwd=REPO,
        )
        procs.append(standin)
        info = await _first_line(standin, "the stand-in")
        ca_file, ports = Path(info["ca_file"]), info["ports"]

        plus_key = secrets.token_urlsafe(32)
        plus = {
            "jwt_key": plus_key,
            "audit_file": str(tmp / "plus_audit.log"),
            "functions": sorted({function for function, _rows in dialers.values()}),
        }
        plus_token = jwt.encode({"sub": "app0", "exp": int(time.time()) + 6 * 3600}, plus_key)
        spec_file = _private(
            tmp / "floor.json", json.dumps(floor_spec(dialers, ports, ca_file, pool, plus))
        )
        argv = [py, str(BENCH / "floor.py"), "--spec-file", str(spec_file)]
        floor = await asyncio.create_subprocess_exec(
            *pinned(layout.serving, argv),
            stdout=asyncio.subprocess.PIPE,
            cwd=REPO,
        )
        procs.append(floor)
        floor_port = (await _first_line(floor, "the floor proxy"))["port"]

        doc = gateway_config(tmp, dialers, ports, ca_file, pool)
        config_file = tmp / "config.yaml"
        config_file.write_text(yaml.safe_dump(doc))
        gw_log = tmp / "gateway.log"
        argv = [py, "-m", "gateway", "serve", "--config", str(config_file)]
        if profile is not None:
            argv[1:1] = ["-m", "cProfile", "-o", str(profile)]
        with gw_log.open("wb") as out:
            gateway = await asyncio.create_subprocess_exec(
                *pinned(layout.serving, argv),
                stdout=out,
                stderr=out,
                cwd=REPO,
            )
        procs.append(gateway)
        server = doc["server"]
        health = f"http://127.0.0.1:{server['port']}/healthz"
        metrics = f"http://127.0.0.1:{server['metrics_port']}/metrics"
        await _wait_http(health, gateway, "the gateway", gw_log)
        await _wait_http(metrics, gateway, "the gateway's metrics", gw_log)
        cfg = parse_config(doc)
        tokens = {
            dialer: mint_token(cfg, f"app{i}", ttl=6 * 3600)
            for i, dialer in enumerate(sorted(dialers))
        }
        pids = {
            "direct": standin.pid,
            "floor": floor.pid,
            "gateway": gateway.pid,
            "floor+": floor.pid,
        }
        rig = Rig(
            layout, tmp, ca_file, ports, floor_port, server["port"], pids, tokens, plus_token
        )
        yield rig
    finally:
        for proc in reversed(procs):
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in reversed(procs):
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        audit = tmp / "audit.log"
        if rig is not None and audit.exists():
            rig.audit_lines = audit.read_bytes().count(b"\n")
        shutil.rmtree(tmp, ignore_errors=True)
