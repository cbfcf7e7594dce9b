"""The config entry points: reading a file, validating a whole document, and the two partial
loads a tool needs (an app's signing keys; the upstreams and state)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.config import AuthConfig, Config, KeyConfig, StateConfig
from gateway.config_load import (
    UpstreamsOnly,
    load_config,
    load_signing_keys,
    load_upstreams,
    parse_config,
)
from gateway.errors import ConfigError
from gateway.secrets import Secret

from .conftest import API_PASS, CRM_SECRET, config_dict


def write(tmp_path: Path, doc: Any, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc))
    return path


def errors(call: Any, *args: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        call(*args)
    return info.value.errors


# --- load_config: a file --------------------------------------------------------------------


def test_a_loaded_config_knows_its_file_and_reads_others_beside_it(tmp_path: Path) -> None:
    (tmp_path / "pass.txt").write_text("FromFile_123\n")
    (tmp_path / "pass.txt").chmod(0o600)
    doc = config_dict()
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"file": "pass.txt"}
    doc["upstreams"]["backup"] = doc["upstreams"]["main"]  # the same file twice
    path = write(tmp_path, doc)
    cfg = load_config(path)
    assert isinstance(cfg, Config)
    assert cfg.path == path
    assert cfg.upstreams["main"].credentials[0].password == Secret("FromFile_123")
    assert cfg.files == (tmp_path / "pass.txt",)  # each file once, to watch for changes
    assert load_config(str(path)).path == path


def test_systemd_credentials_are_watched_files_and_their_errors_name_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    creds = tmp_path / "credentials"  # what systemd makes for LoadCredential= (0400 files)
    creds.mkdir()
    (creds / "vicidial_pass").write_text("FromCred_123\n")
    (creds / "crm_jwt").write_text(CRM_SECRET)
    for f in creds.iterdir():
        f.chmod(0o400)
    doc = config_dict()
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"credential": "vicidial_pass"}
    doc["apps"]["crm"]["keys"][0]["secret"] = {"credential": "crm_jwt"}
    path = write(tmp_path, doc)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    cfg = load_config(path)
    assert cfg.upstreams["main"].credentials[0].password == Secret("FromCred_123")
    assert cfg.apps["crm"].keys[0].secret == Secret(CRM_SECRET)
    assert set(cfg.files) == {creds / "vicidial_pass", creds / "crm_jwt"}  # watched
    assert not [w for w in cfg.warnings if "credential" in w or "secret file" in w]
    (creds / "crm_jwt").unlink()
    assert errors(load_config, path) == [
        f"apps.crm.keys[0].secret: credential crm_jwt: no file {creds / 'crm_jwt'} "
        "(is LoadCredential=crm_jwt:PATH in the unit?)"
    ]
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")
    found = errors(load_config, path)
    assert len(found) == 2 and all("CREDENTIALS_DIRECTORY is not set" in e for e in found)
    assert all("FromCred" not in e for e in found)


def test_parse_config_is_the_same_without_a_file() -> None:
    cfg = parse_config(config_dict())
    assert cfg.path is None
    assert cfg.apps["crm"].keys[0].secret == Secret(CRM_SECRET)
    assert cfg.warnings and all(API_PASS not in w for w in cfg.warnings)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (None, "{path}: cannot read: No such file or directory"),
        (b"apps: \xff\n", "{path}: not UTF-8 text (byte 6)"),
        ("apps: [\n", "{path}: line 2: expected the node content"),
        ("apps: {a: 1, a: 2}\n", "apps.a: given twice (lines 1 and 1); a YAML mapping takes"),
        ("- a\n- b\n", "(top level): must be a mapping, got list"),
        ("", "(top level): must be a mapping, got nothing"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(
    tmp_path: Path, content: str | bytes | None, error: str
) -> None:
    path = tmp_path / "config.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    for load in (load_config, load_upstreams):
        found = errors(load, path)
        assert len(found) == 1 and found[0].startswith(error.format(path=path)), found
    assert errors(load_signing_keys, path, "crm")[0].startswith(error.format(path=path))


def test_a_document_without_its_required_sections_names_them() -> None:
    found = errors(parse_config, {"server": {}})
    assert found[:2] == ["apps: is required", "upstreams: is required"]


def test_an_app_that_requires_client_certificates_needs_the_ca_that_signs_them() -> None:
    doc = config_dict()
    doc["apps"]["crm"]["client_cert"] = {"required": True}
    assert errors(parse_config, doc) == [
        "apps.crm.client_cert: needs server.tls.client_ca_file (the CA that signs client "
        "certificates)"
    ]
    doc["apps"]["crm"]["client_cert"] = {"required": False}
    assert parse_config(doc).apps["crm"].client_cert is not None


def test_kids_are_unique_across_apps() -> None:
    doc = config_dict()
    doc["apps"]["reports"]["keys"][0]["kid"] = "crm-1"
    assert errors(parse_config, doc) == [
        "apps.reports.keys: kid 'crm-1' is already used by app 'crm'"
    ]


# --- load_signing_keys: what `vicigw token --config` needs -----------------------------------


def test_signing_keys_need_only_auth_and_the_apps_keys(tmp_path: Path) -> None:
    os.environ.pop("VG_LOAD_NOT_SET", None)
    doc = config_dict()
    doc["auth"] = {"issuer": "me", "max_token_lifetime": "2h"}
    # Neither the VICIdial password nor the other app's key need to be there.
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"env": "VG_LOAD_NOT_SET"}
    doc["apps"]["reports"]["keys"][0]["secret"] = {"env": "VG_LOAD_NOT_SET"}
    doc["apps"]["reports"]["source"] = "!"
    path = write(tmp_path, doc)
    auth, keys = load_signing_keys(path, "crm")
    assert auth == AuthConfig(issuer="me", max_token_lifetime=7200.0)
    assert keys == (KeyConfig("crm-1", "HS256", secret=Secret(CRM_SECRET)),)
    with pytest.raises(ConfigError):
        load_config(path)


def test_signing_keys_of_an_unknown_app_or_one_without_keys(tmp_path: Path) -> None:
    doc = config_dict()
    doc["auth"] = {"leeway": "soon"}
    del doc["apps"]["reports"]["keys"]
    doc["apps"]["reports"]["jwks_file"] = "jwks.json"
    path = write(tmp_path, doc)
    assert errors(load_signing_keys, path, "nope") == [
        "auth.leeway: must be a duration like 30s, 5m, 1h, got 'soon'",
        "apps.nope: no such app",
    ]
    assert errors(load_signing_keys, path, "reports")[1:] == [
        "apps.reports.keys: the app has no keys (a jwks_file holds public keys)"
    ]
    doc["apps"] = ["crm"]
    assert errors(load_signing_keys, write(tmp_path, doc), "crm") == [
        "apps: must be a mapping, got list",
        "auth.leeway: must be a duration like 30s, 5m, 1h, got 'soon'",
    ]


# --- load_upstreams: what `vicigw credentials check` needs -----------------------------------


def test_upstreams_need_only_upstreams_and_state(tmp_path: Path) -> None:
    os.environ.pop("VG_LOAD_NOT_SET", None)
    doc = config_dict()
    doc["apps"]["crm"]["keys"][0]["secret"] = {"env": "VG_LOAD_NOT_SET"}
    doc["server"] = "not even a mapping"
    doc["state"] = {"prefix": "gw2"}
    got = load_upstreams(write(tmp_path, doc))
    assert isinstance(got, UpstreamsOnly)
    assert list(got.upstreams) == ["main"]
    assert got.upstreams["main"].timeout == 10.0
    assert got.state == StateConfig(prefix="gw2")
    assert got.warnings == (
        "upstreams.main.credentials[0].pass: inline secret literal; use {env: NAME} or "
        "{file: PATH} outside demos",
    )


def test_upstreams_are_required_and_checked(tmp_path: Path) -> None:
    assert errors(load_upstreams, write(tmp_path, {"apps": {}}))[0] == "upstreams: is required"
    doc = config_dict()
    doc["upstreams"]["main"]["timeout"] = "soon"
    doc["state"] = {"backend": "disk"}
    assert errors(load_upstreams, write(tmp_path, doc)) == [
        "state.backend: must be memory or redis, got 'disk'",
        "upstreams.main.timeout: must be a duration like 30s, 5m, 1h, got 'soon'",
    ]
