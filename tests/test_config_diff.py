"""What a reload changed, by name: sections, apps, upstreams and credentials, never a value."""

from __future__ import annotations

import dataclasses
from typing import Any

from gateway.config import Config, Credential
from gateway.config_diff import SECTIONS, config_changes
from gateway.config_load import parse_config
from gateway.secrets import Secret, SecretRef

from .conftest import API_PASS, config_dict


def config(change: Any = None) -> Config:
    doc = config_dict()
    doc["upstreams"]["main"]["credentials"].append(
        {"name": "api-b", "user": "7777", "pass": "Other-Pass_77"}
    )
    if change is not None:
        change(doc)
    return parse_config(doc)


def test_the_same_config_changes_nothing() -> None:
    assert config_changes(config(), config()) == []


def test_the_sections_are_those_of_a_config() -> None:
    names = {f.name for f in dataclasses.fields(Config)}
    assert set(SECTIONS) == names - {"upstreams", "apps", "warnings", "path", "files"}


def test_a_changed_section_is_named() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["server"]["max_body_bytes"] = 1024
        doc["auth"]["leeway"] = "1s"
        doc["audit"] = {"phone_digits": 2}
        doc["state"] = {"prefix": "x"}

    assert config_changes(config(), config(change)) == ["server", "auth", "audit", "state"]


def test_apps_are_named_when_added_removed_or_changed() -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["apps"]["reports"]
        doc["apps"]["crm"]["functions"].remove("version")
        doc["apps"]["new"] = dict(doc["apps"]["crm"], keys=[], jwks_file=None)
        doc["apps"]["new"]["keys"] = [
            {"kid": "new-1", "alg": "HS256", "secret": "new-test-hmac-secret-0123456789abcdef-Q"}
        ]

    assert config_changes(config(), config(change)) == [
        "apps.crm",
        "apps.new: added",
        "apps.reports: removed",
    ]


def test_upstreams_are_named_apart_from_their_credentials() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["upstreams"]["main"]["timeout"] = "20s"
        doc["upstreams"]["backup"] = doc["upstreams"]["main"]

    assert config_changes(config(), config(change)) == ["upstreams.backup: added", "upstreams.main"]
    assert config_changes(config(change), config()) == [
        "upstreams.backup: removed",
        "upstreams.main",
    ]


def _with_credentials(cfg: Config, *credentials: Credential) -> Config:
    main = dataclasses.replace(cfg.upstreams["main"], credentials=credentials)
    return dataclasses.replace(cfg, upstreams={"main": main})


def test_what_happened_to_each_credential_is_said_without_a_secret() -> None:
    cfg = config()
    a, b = cfg.upstreams["main"].credentials
    new_secret = dataclasses.replace(a, password=Secret("New-Pass_0001"))
    new_ref = dataclasses.replace(b, pass_ref=SecretRef("env", "VG_B_PASS"))
    held = dataclasses.replace(a, hold=True)
    c = dataclasses.replace(a, name="api-c")
    path = "upstreams.main.credentials"

    changes = config_changes(
        _with_credentials(cfg, a, b), _with_credentials(cfg, new_secret, new_ref)
    )
    assert changes == [f"{path}.api-a: secret changed", f"{path}.api-b: secret reference changed"]
    assert config_changes(_with_credentials(cfg, a, b), _with_credentials(cfg, held, b)) == [
        f"{path}.api-a: on hold"
    ]
    assert config_changes(_with_credentials(cfg, held, b), _with_credentials(cfg, a, b)) == [
        f"{path}.api-a: hold released"
    ]
    assert config_changes(
        _with_credentials(cfg, a, b),
        _with_credentials(cfg, dataclasses.replace(new_secret, hold=True), b),
    ) == [f"{path}.api-a: secret changed", f"{path}.api-a: on hold"]
    assert config_changes(_with_credentials(cfg, a, b), _with_credentials(cfg, b, c)) == [
        f"{path}.api-a: removed",
        f"{path}.api-c: added",
    ]
    assert config_changes(_with_credentials(cfg, a, b), _with_credentials(cfg, b, a)) == [
        f"{path}: order changed"
    ]
    assert all(API_PASS not in line and "New-Pass" not in line for line in changes)
