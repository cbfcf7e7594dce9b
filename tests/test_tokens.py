"""Tokens for production: `vicigw token` from just an app's key material, as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from gateway.auth import Authenticator
from gateway.config_load import load_config
from gateway.errors import Unauthorized

from .conftest import API_PASS, CRM_SECRET, config_dict

REPO = Path(__file__).resolve().parent.parent


def vicigw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )


def private_file(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o600)
    return path


def es256_pair(directory: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    pub = directory / f"{name}.pub"
    pub.write_text(public.decode())
    pub.chmod(0o644)
    return private_file(directory / f"{name}.key", private), pub


def gateway_config(tmp_path: Path, **auth: str) -> Path:
    """A full gateway config: crm's HMAC secret and the VICIdial password in files, an ES256
    app whose config holds only its public key."""
    private_file(tmp_path / "crm_jwt", CRM_SECRET + "\n")
    private_file(tmp_path / "vicidial_pass", API_PASS + "\n")
    _, pub = es256_pair(tmp_path, "billing")
    doc = config_dict()
    doc["auth"].update(auth)
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"file": "vicidial_pass"}
    doc["apps"]["crm"]["keys"] = [{"kid": "crm-1", "alg": "HS256", "secret": {"file": "crm_jwt"}}]
    doc["apps"]["billing"] = {
        "keys": [{"kid": "billing-es-1", "alg": "ES256", "public_key": {"file": pub.name}}],
        "upstream": "main",
        "source": "billing",
        "functions": ["version"],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def verified(config: Path, token: str) -> tuple[str, float]:
    caller = Authenticator(load_config(config)).authenticate(f"Bearer {token}")
    return caller.app.name, caller.expires_at - time.time()


def test_token_from_the_config_reads_only_auth_and_the_apps_keys(tmp_path: Path) -> None:
    """The host that mints crm's tokens needs crm's key, not the VICIdial password file nor
    another app's secret."""
    config = gateway_config(tmp_path)
    doc = yaml.safe_load(config.read_text())
    doc["apps"]["reports"]["keys"][0]["secret"] = {"env": "VG_UNSET_REPORTS_SECRET"}
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"file": "/nonexistent/vicidial_pass"}
    minting = tmp_path / "minting.yaml"
    minting.write_text(yaml.safe_dump(doc))
    res = vicigw("token", "--config", str(minting), "--app", "crm", "--ttl", "10m")
    assert res.returncode == 0, res.stderr
    token = res.stdout.strip()
    assert res.stdout == token + "\n"
    app, left = verified(config, token)
    assert app == "crm" and 9 * 60 < left <= 10 * 60
    assert CRM_SECRET not in res.stdout + res.stderr
    # The app's own keys are still checked, and named on failure.
    doc["apps"]["crm"]["keys"][0]["secret"] = {"file": "missing_jwt"}
    minting.write_text(yaml.safe_dump(doc))
    res = vicigw("token", "--config", str(minting), "--app", "crm")
    assert res.returncode == 1 and res.stdout == ""
    assert "apps.crm.keys[0].secret" in res.stderr and "vicidial_pass" not in res.stderr
    res = vicigw("token", "--config", str(minting), "--app", "nope")
    assert res.returncode == 1 and "apps.nope" in res.stderr


def test_token_from_the_config_keeps_to_its_max_token_lifetime(tmp_path: Path) -> None:
    config = gateway_config(tmp_path, max_token_lifetime="2h")
    res = vicigw("token", "--config", str(config), "--app", "crm", "--ttl", "3h")
    assert res.returncode == 2 and res.stdout == ""
    assert "auth.max_token_lifetime" in res.stderr
    res = vicigw("token", "--config", str(config), "--app", "crm", "--ttl", "2h")
    assert res.returncode == 0, res.stderr


def test_token_from_a_key_file_without_any_config(tmp_path: Path) -> None:
    config = gateway_config(tmp_path)
    secret = tmp_path / "crm_jwt"
    res = vicigw(
        "token", "--key-file", str(secret), "--kid", "crm-1", "--alg", "HS256", "--ttl", "15m"
    )
    assert res.returncode == 0, res.stderr
    app, left = verified(config, res.stdout.strip())
    assert app == "crm" and 14 * 60 < left <= 15 * 60
    # The same secret from the environment, as an app's deployment would hold it.
    res = vicigw(
        "token", "--key-env", "VG_CRM_JWT", "--kid", "crm-1", "--alg", "HS256",
        env={"VG_CRM_JWT": CRM_SECRET},
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert verified(config, res.stdout.strip())[0] == "crm"
    assert CRM_SECRET not in res.stdout + res.stderr


def test_token_signed_with_an_apps_private_key(tmp_path: Path) -> None:
    """An app with a key pair: the gateway's config holds the public key only, the private key
    stays with the app (or whoever mints for it)."""
    config = gateway_config(tmp_path)
    private, _ = es256_pair(tmp_path, "other")
    key = tmp_path / "billing.key"
    args = ["token", "--kid", "billing-es-1", "--alg", "ES256", "--ttl", "5m"]
    res = vicigw(*args, "--key-file", str(key))
    assert res.returncode == 0, res.stderr
    assert verified(config, res.stdout.strip())[0] == "billing"
    # Signed with another key pair: refused by the gateway.
    res = vicigw(*args, "--key-file", str(private))
    assert res.returncode == 0, res.stderr
    with pytest.raises(Unauthorized) as info:
        verified(config, res.stdout.strip())
    assert info.value.reason == "bad_signature"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--ttl", "25h"], "24h"),  # the gateway's default auth.max_token_lifetime
        (["--alg", "HS384"], "at least 48 bytes"),
        (["--alg", "ES256"], "private key"),
        (["--alg", "none"], "algorithm"),
    ],
)
def test_token_from_a_key_file_is_refused_when_the_gateway_would(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    secret = private_file(tmp_path / "crm_jwt", CRM_SECRET)
    base = ["token", "--key-file", str(secret), "--kid", "crm-1", "--alg", "HS256"]
    res = vicigw(*base, *extra)
    assert res.returncode == 2 and res.stdout == "", res.stderr
    assert message in res.stderr and CRM_SECRET not in res.stderr


def test_token_max_lifetime_follows_the_gateways_setting(tmp_path: Path) -> None:
    config = gateway_config(tmp_path, max_token_lifetime="48h")
    secret = tmp_path / "crm_jwt"
    args = ["token", "--key-file", str(secret), "--kid", "crm-1", "--alg", "HS256"]
    res = vicigw(*args, "--ttl", "30h", "--max-lifetime", "48h")
    assert res.returncode == 0, res.stderr
    assert verified(config, res.stdout.strip())[0] == "crm"


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--app", "crm"],
        ["--config", "x.yaml"],
        ["--key-file", "k", "--alg", "HS256"],
        ["--key-file", "k", "--kid", "crm-1"],
        ["--key-file", "k", "--key-env", "K", "--kid", "crm-1", "--alg", "HS256"],
        ["--config", "x.yaml", "--app", "crm", "--key-file", "k"],
    ],
)
def test_token_usage_errors_exit_2(args: list[str]) -> None:
    res = vicigw("token", *args)
    assert res.returncode == 2 and res.stdout == ""
