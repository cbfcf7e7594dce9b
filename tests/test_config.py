"""Config loading: valid shapes load frozen; every problem is reported with its YAML path."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.config import load_config, parse_config, parse_duration
from gateway.errors import ConfigError

from .conftest import API_PASS, config_dict

REPO = Path(__file__).resolve().parent.parent


def errors_of(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(doc)
    return info.value.errors


def test_valid_config_is_frozen() -> None:
    cfg = parse_config(config_dict())
    assert cfg.apps["crm"].source == "crm"
    assert cfg.upstreams["main"].credentials[0].password.reveal() == API_PASS
    assert cfg.upstreams["main"].timeout == 10.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.apps["crm"].source = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        cfg.apps["other"] = cfg.apps["crm"]  # type: ignore[index]


def test_inline_secrets_warn_without_the_value() -> None:
    cfg = parse_config(config_dict())
    assert any("upstreams.main.credentials[0].pass" in w for w in cfg.warnings)
    assert all(API_PASS not in w for w in cfg.warnings)
    assert API_PASS not in repr(cfg)


def test_env_and_file_references(tmp_path: Path) -> None:
    (tmp_path / "pass.txt").write_text("FromFile_123\n")
    os.environ["VG_TEST_USER"] = "7777"
    doc = config_dict()
    doc["upstreams"]["main"]["credentials"] = [
        {"name": "a", "user": {"env": "VG_TEST_USER"}, "pass": {"file": "pass.txt"}}
    ]
    cfg = parse_config(doc, base_dir=tmp_path)
    cred = cfg.upstreams["main"].credentials[0]
    assert cred.user.reveal() == "7777"
    assert cred.password.reveal() == "FromFile_123"
    assert not any("credentials[0]" in w for w in cfg.warnings)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(bogus=1), "bogus: unknown key"),
        (lambda d: d["apps"]["crm"].update(colour="red"), "apps.crm.colour: unknown key"),
        (lambda d: d["apps"]["crm"].update(source="c"), "apps.crm.source: must match"),
        (lambda d: d["apps"]["crm"].update(source="has space"), "apps.crm.source: must match"),
        (lambda d: d["apps"]["crm"].update(source="x" * 21), "apps.crm.source: must match"),
        (
            lambda d: d["apps"]["crm"].update(source="QueueMetrics"),
            "apps.crm.source: 'queuemetrics'",
        ),
        (lambda d: d["apps"]["crm"].update(upstream="nope"), "apps.crm.upstream: unknown upstream"),
        (
            lambda d: d["apps"]["crm"].update(functions=["add_lead", "launch_rockets"]),
            "apps.crm.functions[1]: unknown function 'launch_rockets'",
        ),
        (
            lambda d: d["upstreams"]["main"]["credentials"][0].update(**{"pass": "has space"}),
            "upstreams.main.credentials[0].pass: VICIdial password must be",
        ),
        (
            lambda d: d["upstreams"]["main"]["credentials"][0].update(**{"pass": "p" * 21}),
            "upstreams.main.credentials[0].pass: VICIdial password must be",
        ),
        (
            lambda d: d["upstreams"]["main"]["credentials"][0].update(
                **{"pass": {"env": "VG_MISSING_VAR"}}
            ),
            "upstreams.main.credentials[0].pass: environment variable VG_MISSING_VAR is not set",
        ),
        (
            lambda d: d["upstreams"]["main"]["credentials"][0].update(
                **{"pass": {"file": "/nonexistent/secret"}}
            ),
            "upstreams.main.credentials[0].pass: cannot read secret file",
        ),
        (
            lambda d: d["upstreams"]["main"].update(base_url="http://127.0.0.1:1"),
            "upstreams.main.base_url: http:// sends the VICIdial password in clear text",
        ),
        (
            lambda d: d["upstreams"]["main"].update(base_url="https://h/?pass=x"),
            "upstreams.main.base_url: must not carry a query string",
        ),
        (lambda d: d["upstreams"]["main"].update(timeout="soon"), "upstreams.main.timeout"),
        (
            lambda d: d["apps"]["crm"]["keys"][0].update(secret="short"),
            "apps.crm.keys[0].secret: HS256 needs a secret of at least 32 bytes",
        ),
        (
            lambda d: d["apps"]["crm"]["keys"][0].update(alg="none"),
            "apps.crm.keys[0].alg: unsupported algorithm 'none'",
        ),
        (
            lambda d: d["apps"]["reports"]["keys"][0].update(kid="crm-1"),
            "kid 'crm-1' is already used by app 'crm'",
        ),
        (
            lambda d: d["apps"]["crm"]["params"].update(lead_search={"pass": {"force": "x"}}),
            "apps.crm.params.lead_search.pass: is set by the gateway",
        ),
        (
            lambda d: d["apps"]["crm"]["params"].update(lead_search={"colour": {"force": "x"}}),
            "apps.crm.params.lead_search.colour: lead_search has no parameter 'colour'",
        ),
        (
            lambda d: d["apps"]["reports"].update(params={"add_lead": {}}),
            "apps.reports.params.add_lead: function 'add_lead' is not in this app's functions",
        ),
    ],
)
def test_errors_name_the_yaml_path(change: Any, expected: str) -> None:
    doc = config_dict()
    change(doc)
    errors = errors_of(doc)
    assert any(expected in e for e in errors), errors
    assert all(API_PASS not in e for e in errors)


def test_every_error_is_reported_at_once() -> None:
    doc = config_dict()
    doc["apps"]["crm"]["source"] = "x"
    doc["apps"]["crm"]["upstream"] = "nope"
    doc["upstreams"]["main"]["credentials"][0]["pass"] = "bad pass!"
    assert len(errors_of(doc)) == 3


def test_secret_values_never_in_errors() -> None:
    doc = config_dict()
    doc["upstreams"]["main"]["credentials"][0]["pass"] = "Leaky pass 99"
    errors = errors_of(doc)
    assert errors and all("Leaky pass 99" not in e for e in errors)


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("30s", 30), ("5m", 300), ("1h", 3600), ("500ms", 0.5), (12, 12), ("2d", 172800)],
)
def test_durations(raw: object, seconds: float) -> None:
    assert parse_duration(raw) == seconds


def test_example_and_demo_configs_load(tmp_path: Path) -> None:
    load_config(REPO / "config" / "demo.yaml")
    # The example points at production paths and env vars; give it stand-ins to load.
    doc = yaml.safe_load((REPO / "config" / "example.yaml").read_text())
    assert set(doc) == {"server", "auth", "upstreams", "apps", "state"}
    errors = errors_of(doc)
    assert all(("not set" in e) or ("not found" in e) or ("cannot read" in e) for e in errors), (
        errors
    )


def _vicigw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def test_check_config_cli(tmp_path: Path) -> None:
    ok = _vicigw("check-config", str(REPO / "config" / "demo.yaml"))
    assert ok.returncode == 0 and ok.stdout == "OK\n"
    bad = dict(config_dict())
    bad["apps"]["crm"]["source"] = "x"
    bad["bogus"] = True
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    res = _vicigw("check-config", str(path))
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert any(line.startswith("apps.crm.source:") for line in lines)
    assert any(line.startswith("bogus:") for line in lines)
    assert API_PASS not in res.stdout + res.stderr
