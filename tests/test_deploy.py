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


DEPLOY_DOC = REPO / "docs" / "deploy.md"


def _systemd_config() -> str:
    """The config that docs/deploy.md's "systemd" section shows for this unit."""
    text = DEPLOY_DOC.read_text()
    section = text.split("\n## systemd\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the systemd section shows one config"
    return blocks[0]


def _load_credentials() -> dict[str, Path]:
    """LoadCredential=ID:PATH lines of the unit: ID -> PATH."""
    out: dict[str, Path] = {}
    for value in _unit().get("LoadCredential", []):
        ident, sep, path = value.partition(":")
        assert sep and path.startswith("/"), value
        assert ident not in out, f"LoadCredential={ident} given twice"
        out[ident] = Path(path)
    return out


def test_the_unit_reloads_with_sighup() -> None:
    assert _unit()["ExecReload"] == ["/bin/kill -HUP $MAINPID"]


def test_every_credential_of_the_documented_config_is_loaded_by_the_unit() -> None:
    wanted = set(re.findall(r"\{credential: ([A-Za-z0-9_.-]+)\}", _systemd_config()))
    assert wanted, "the documented config reads its secrets as systemd credentials"
    loaded = _load_credentials()
    # Each one the config reads is loaded; none is loaded for nothing (systemd may refuse to
    # start over a missing source file, so an unused line would only be a way to fail).
    assert set(loaded) == wanted
    # Credentials are root's files outside what the service may read directly.
    for path in loaded.values():
        assert path.parent == Path("/etc/vicigw/credentials"), path
    # The deploy README and docs/deploy.md tell the operator to make each file.
    readme = (REPO / "deploy" / "README.md").read_text()
    doc = DEPLOY_DOC.read_text()
    for ident, path in loaded.items():
        assert str(path) in doc, ident
        assert ident in readme, ident


def test_the_documented_config_loads_with_the_credentials_systemd_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the service sees: $CREDENTIALS_DIRECTORY with one file per LoadCredential= (mode
    0400, the service user's), the config, its certificate; /etc/vicigw and /var/log/vicigw
    moved under tmp_path. `vicigw check-config` (the unit's ExecStartPre) accepts it."""
    import trustme

    creds = tmp_path / "credentials"  # what systemd makes: /run/credentials/vicigw.service
    creds.mkdir()
    for ident in _load_credentials():
        value = os.urandom(8).hex() if ident.startswith("vicidial_pass") else os.urandom(40).hex()
        (creds / ident).write_text(value + "\n")
        (creds / ident).chmod(0o400)
    etc, logs = tmp_path / "etc", tmp_path / "log"
    (etc / "tls").mkdir(parents=True)
    logs.mkdir()
    cert = trustme.CA().issue_cert("vicigw.example.com")
    cert.private_key_pem.write_to_path(str(etc / "tls" / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(etc / "tls" / "cert.pem"))
    (etc / "tls" / "key.pem").chmod(0o600)
    text = _systemd_config().replace("/etc/vicigw/", f"{etc}/")
    config = etc / "config.yaml"
    config.write_text(text.replace("/var/log/vicigw/", f"{logs}/"))
    check = [str(Path(sys.executable).with_name("vicigw")), "check-config", str(config)]
    env = {**os.environ, "CREDENTIALS_DIRECTORY": str(creds)}
    res = subprocess.run(check, capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip() == "OK" and "warning" not in res.stderr, res.stderr
    # Without the credentials (not under the unit), it says which, never a value.
    env.pop("CREDENTIALS_DIRECTORY")
    res = subprocess.run(check, capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 1
    said = res.stdout + res.stderr
    assert (
        "apps.crm.keys[0].secret: credential crm_jwt_secret: CREDENTIALS_DIRECTORY is not set"
        in said
    ), said
    for f in creds.iterdir():
        assert f.read_text().strip() not in said
