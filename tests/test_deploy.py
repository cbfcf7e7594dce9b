"""The shipped systemd unit agrees with the gateway, the README and the example config.

``systemd-analyze verify`` checks the unit itself (with ``ExecStart`` pointed at this checkout's
``vicigw``); the rest checks that the paths and environment the documented setup needs exist for
the service: the audit log's folder is writable under ``ProtectSystem=strict``, the example
config's ``{env: …}`` secrets have a place to come from, and systemd waits for the graceful
shutdown.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gateway.config import ServerConfig

REPO = Path(__file__).resolve().parent.parent
UNIT = REPO / "deploy" / "vicigw.service"
EXAMPLE = REPO / "config" / "example.yaml"


def _unit() -> dict[str, list[str]]:
    """The unit's [Service] settings; a key given several times keeps every value."""
    out: dict[str, list[str]] = {}
    section = ""
    for raw in UNIT.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        key, _, value = line.partition("=")
        if section == "[Service]":
            out.setdefault(key, []).append(value)
    return out


def _readme_audit_file() -> Path:
    text = (REPO / "README.md").read_text()
    m = re.search(r"audit: \{file: (\S+?),", text)
    assert m is not None, "the README's config example names an audit file"
    return Path(m.group(1))


def test_the_unit_verifies(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze is missing (.ci/run installs systemd)")
        pytest.skip("systemd-analyze is not installed here")
    vicigw = Path(sys.executable).with_name("vicigw")
    assert vicigw.exists(), vicigw
    text = UNIT.read_text().replace("/opt/vicigw/.venv/bin/vicigw", str(vicigw))
    unit = tmp_path / "vicigw.service"
    unit.write_text(text)
    res = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "vicigw.service" not in res.stdout + res.stderr, res.stdout + res.stderr


def test_the_audit_log_the_readme_uses_is_writable_under_the_unit() -> None:
    service = _unit()
    assert service.get("ProtectSystem") == ["strict"]
    audit = _readme_audit_file()
    writable = [Path("/var/log") / d for v in service.get("LogsDirectory", []) for d in v.split()]
    writable += [Path(p) for v in service.get("ReadWritePaths", []) for p in v.split()]
    assert any(audit.parent == w or w in audit.parents for w in writable), (audit, writable)


def test_the_example_configs_env_secrets_have_a_place_in_the_unit() -> None:
    settings = "\n".join(line.split("#", 1)[0] for line in EXAMPLE.read_text().splitlines())
    names = re.findall(r"\{env: ([A-Z0-9_]+)\}", settings)
    assert names, "the example config reads secrets from the environment"
    env_files = _unit().get("EnvironmentFile", [])
    assert env_files, "the unit has no EnvironmentFile for the {env: …} secrets"
    # The deploy README shows that file with every variable the example config reads.
    deploy = (REPO / "deploy" / "README.md").read_text()
    path = env_files[0].lstrip("-")
    assert path in deploy
    for name in names:
        assert f"{name}=" in deploy, name


def test_systemd_waits_for_the_graceful_shutdown() -> None:
    service = _unit()
    timeout = service.get("TimeoutStopSec", ["90"])[-1]  # systemd's default is 90 s
    doc = yaml.safe_load(EXAMPLE.read_text())
    shutdown = doc.get("server", {}).get("shutdown_timeout", ServerConfig().shutdown_timeout)
    assert float(timeout.rstrip("s")) > float(shutdown)
    assert service.get("KillSignal", ["SIGTERM"])[-1] == "SIGTERM"


def test_the_unit_is_an_ini_file_with_the_usual_sections() -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read_string(UNIT.read_text())
    assert {"Unit", "Service", "Install"} <= set(parser.sections())
