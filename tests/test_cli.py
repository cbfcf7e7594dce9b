"""The `vicigw` command: token minting and the demo, run as real processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from gateway.auth import Authenticator
from gateway.config_load import load_config

from .conftest import CRM_SECRET, config_dict, free_port
from .test_config import SECOND_APPS_BLOCK

REPO = Path(__file__).resolve().parent.parent


def _vicigw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def test_token_prints_only_a_valid_token(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config_dict()))
    res = _vicigw("token", "--config", str(path), "--app", "crm", "--ttl", "15m")
    assert res.returncode == 0, res.stderr
    token = res.stdout.strip()
    assert res.stdout == token + "\n" and token.count(".") == 2
    caller = Authenticator(load_config(path)).authenticate(f"Bearer {token}")
    assert caller.app.name == "crm"
    assert 14 * 60 < caller.expires_at - time.time() <= 15 * 60
    assert CRM_SECRET not in res.stdout + res.stderr


def test_token_refuses_unknown_app(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config_dict()))
    res = _vicigw("token", "--config", str(path), "--app", "nope")
    assert res.returncode != 0 and res.stdout == ""


def test_usage_error_exits_2() -> None:
    assert _vicigw("token").returncode == 2


def test_functions_lists_the_catalog() -> None:
    res = _vicigw("functions")
    names = {f["name"] for f in json.loads(res.stdout)}
    assert {"add_lead", "campaigns_list", "version"} <= names


def test_openapi_prints_the_whole_document() -> None:
    res = _vicigw("openapi")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["openapi"] == "3.1.0" and "/v1/non-agent/add_lead" in doc["paths"]


def test_openapi_for_an_app_has_its_functions_only(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config_dict()))
    res = _vicigw("openapi", "--app", "reports", "--config", str(path))
    assert res.returncode == 0, res.stderr
    paths = set(json.loads(res.stdout)["paths"])
    assert {p for p in paths if p.startswith("/v1/non-agent/")} == {
        "/v1/non-agent/campaigns_list",
        "/v1/non-agent/list_info",
    }
    assert _vicigw("openapi", "--app", "reports").returncode == 2  # --app needs --config
    bad = _vicigw("openapi", "--app", "nope", "--config", str(path))
    assert bad.returncode != 0 and bad.stdout == ""


def test_demo_prints_curl_commands_that_work() -> None:
    if shutil.which("curl") is None:  # CI (.ci/run installs curl) must run it
        if os.environ.get("CI"):
            pytest.fail("curl is missing (.ci/run installs it): CI runs the demo's commands")
        pytest.skip("the demo prints curl commands")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway", "demo"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        commands: list[str] = []
        deadline = time.monotonic() + 60
        while len(commands) < 2 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("curl "):
                commands.append(line.strip())
        assert len(commands) == 2, "the demo did not print two curl commands"
        add_lead, campaigns = commands
        assert "/v1/non-agent/add_lead" in add_lead
        out = json.loads(
            subprocess.run(
                ["bash", "-c", add_lead], capture_output=True, text=True, timeout=30
            ).stdout
        )
        assert out["ok"] is True and out["data"]["lead_id"]
        out = json.loads(
            subprocess.run(
                ["bash", "-c", campaigns], capture_output=True, text=True, timeout=30
            ).stdout
        )
        assert out["ok"] is True and out["data"][0]["campaign_id"] == "TESTCAMP"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0
    assert "demo stopped" in rest


def test_serve_speaks_https_when_tls_is_set(tmp_path: Path) -> None:
    import ssl
    import urllib.request

    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    for pem in cert.cert_chain_pems[1:]:
        pem.write_to_path(str(tmp_path / "cert.pem"), append=True)
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    doc = config_dict()
    port = free_port()
    doc["server"] = {
        "host": "127.0.0.1",
        "port": port,
        "tls": {"cert_file": "cert.pem", "key_file": "key.pem"},
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(doc))
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--config", str(tmp_path / "config.yaml")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ctx = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
        body = None
        deadline = time.monotonic() + 30
        while body is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"https://127.0.0.1:{port}/healthz", context=ctx, timeout=5
                ) as r:
                    body = json.loads(r.read())
            except OSError:
                time.sleep(0.2)
        assert body is not None and body["ok"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    # Startup warnings name the inline secrets' places, never their values.
    assert "inline secret literal" in err and CRM_SECRET not in err


def test_check_config_refuses_risky_setups(tmp_path: Path) -> None:
    doc = config_dict()
    doc["apps"]["reports"]["keys"][0]["secret"] = CRM_SECRET  # crm can mint reports' tokens
    doc["apps"]["crm"]["params"]["add_lead"]["comments"] = {"force": "a\\b"}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc))
    res = _vicigw("check-config", str(path))
    assert res.returncode == 1
    assert res.stdout.splitlines() == [
        "apps.crm.params.add_lead.comments.force: 'comments' contains a control or invisible "
        "formatting character, or a backslash",
        "apps.reports.keys[0].secret: the same HMAC secret as apps.crm.keys[0].secret "
        "(whoever holds it can mint tokens for both apps)",
    ]
    assert CRM_SECRET not in res.stdout + res.stderr


def test_check_config_and_serve_refuse_a_duplicate_key(tmp_path: Path) -> None:
    text = yaml.safe_dump(config_dict())
    path = tmp_path / "config.yaml"
    path.write_text(text + SECOND_APPS_BLOCK)
    res = _vicigw("check-config", str(path))
    assert res.returncode == 1
    assert res.stdout.startswith("apps: given twice (lines ")
    served = _vicigw("serve", "--config", str(path))
    assert served.returncode == 1 and "apps: given twice" in served.stderr


def test_check_config_warns_about_risky_setups(tmp_path: Path) -> None:
    (tmp_path / "pass.txt").write_text("FromFile_123\n")
    (tmp_path / "pass.txt").chmod(0o644)
    weak = "x" * 40
    doc = config_dict()
    doc["server"]["host"] = "0.0.0.0"
    doc["auth"].update(leeway="30d", max_token_lifetime="3650d")
    doc["state"] = {"backend": "redis", "url": "redis://:Redis-Pw_77@127.0.0.1:6379/0"}
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"file": "pass.txt"}
    doc["apps"]["crm"]["keys"][0]["secret"] = weak
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc))
    res = _vicigw("check-config", str(path))
    assert res.returncode == 0 and res.stdout == "OK\n"
    warnings = res.stderr.splitlines()
    for expected in (
        "warning: server.host: 0.0.0.0 is reachable from other hosts and server.tls is not set",
        "warning: auth.leeway: 30d is more than 5 minutes",
        "warning: auth.max_token_lifetime: 3650d is more than 7 days",
        "warning: state.url: holds a password",
        f"warning: upstreams.main.credentials[0].pass: secret file {tmp_path / 'pass.txt'} is "
        "open to group or others (mode 0644)",
        "warning: apps.crm.keys[0].secret: weak HMAC secret (low entropy)",
    ):
        assert any(w.startswith(expected) for w in warnings), (expected, warnings)
    for secret in (weak, "Redis-Pw_77", "FromFile_123"):
        assert secret not in res.stdout + res.stderr


# --- paths the gateway writes to, and startups that fail ----------------------------------------


def _doc_file(tmp_path: Path, doc: dict[str, object]) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize("kind", ["a folder", "under a file", "read-only file"])
def test_check_config_and_serve_refuse_an_audit_file_they_cannot_write(
    tmp_path: Path, kind: str
) -> None:
    if kind == "a folder":
        target = tmp_path / "logs"
        target.mkdir()
    elif kind == "under a file":
        (tmp_path / "plain").write_text("x")
        target = tmp_path / "plain" / "audit.log"
    else:
        # A file nobody may write: root may still write it, so mark it immutable-in-effect by
        # pointing at a path in /proc, which no user can create files in.
        target = Path("/proc/vicigw-audit.log")
    doc = config_dict()
    doc["audit"] = {"file": str(target)}
    doc["server"]["port"] = free_port()
    path = _doc_file(tmp_path, doc)
    res = _vicigw("check-config", str(path))
    assert res.returncode == 1, res.stdout + res.stderr
    assert any(line.startswith("audit.file:") for line in res.stdout.splitlines()), res.stdout
    res = _vicigw("serve", "--config", str(path))
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr and "Unclosed" not in res.stderr, res.stderr
    assert "audit.file:" in res.stderr


def test_serve_that_cannot_start_says_why_in_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        doc = config_dict()
        doc["server"]["port"] = taken.getsockname()[1]
        path = _doc_file(tmp_path, doc)
        res = _vicigw("serve", "--config", str(path))
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr and "Unclosed" not in res.stderr, res.stderr
    assert "cannot start" in res.stderr and str(doc["server"]["port"]) in res.stderr


@pytest.mark.parametrize(
    "broken",
    [
        "missing file",
        "a folder",
        "not yaml",
        "a yaml list",
        "secret file missing",
        "tls key missing",
        "binary",
        "binary secret file",
    ],
)
def test_check_config_and_serve_never_end_in_a_traceback(tmp_path: Path, broken: str) -> None:
    path = tmp_path / "config.yaml"
    doc = config_dict()
    doc["server"]["port"] = free_port()
    if broken == "missing file":
        path = tmp_path / "nowhere.yaml"
    elif broken == "a folder":
        path = tmp_path
    elif broken == "not yaml":
        path.write_text("server: {host: [\n")
    elif broken == "a yaml list":
        path.write_text("- 1\n- 2\n")
    elif broken == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01garbage")
    else:
        if broken == "secret file missing":
            doc["apps"]["crm"]["keys"][0]["secret"] = {"file": str(tmp_path / "nope")}
        elif broken == "binary secret file":
            (tmp_path / "secret").write_bytes(b"\xff\xfe")
            (tmp_path / "secret").chmod(0o600)
            doc["apps"]["crm"]["keys"][0]["secret"] = {"file": str(tmp_path / "secret")}
        else:
            doc["server"]["tls"] = {
                "cert_file": str(tmp_path / "cert.pem"),
                "key_file": str(tmp_path / "key.pem"),
            }
        path.write_text(yaml.safe_dump(doc))
    for args in (("check-config", str(path)), ("serve", "--config", str(path))):
        res = _vicigw(*args)
        assert res.returncode in (1, 2), (args, res.stdout, res.stderr)
        out = res.stdout + res.stderr
        assert "Traceback" not in out and "Unclosed" not in out, (args, out)
        assert out.strip(), args  # it says why
