"""The README's examples, run as written: the calls and their replies, and the way an app mints
its own tokens (PyJWT directly, not the gateway's helper), against a real gateway and simulator.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.algorithms import RSAAlgorithm

from gateway.app import SERVICES
from gateway.config_load import load_config
from gateway.sim import RunningSim

from .conftest import CRM_SECRET, Gateway, config_dict, start_gateway

README = Path(__file__).resolve().parent.parent / "README.md"


def section(heading: str) -> str:
    """The README text from ``heading`` to the next heading of the same or a higher level."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading + "\n")
    level = heading.split(" ", 1)[0]
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", text, re.M)]
    end = min([e for e in ends if e > start] + [len(text)])
    return text[start:end]


def blocks(text: str, lang: str) -> list[str]:
    """The fenced code blocks of a language, unindented (list items indent theirs)."""
    found = re.findall(r"^( *)```" + lang + r"\n(.*?)^\1```$", text, re.S | re.M)
    return [textwrap.dedent(indent + body) for indent, body in found]


# --- calling the gateway -------------------------------------------------------------------------


async def test_the_duplicate_example_needs_duplicate_check(gateway: Gateway) -> None:
    """The README's add_lead call, sent twice, gives its duplicate error; without
    duplicate_check VICIdial adds a second lead, as the README says."""
    text = section("## Calling the gateway")
    curl = blocks(text, "sh")[0]
    request = json.loads(re.search(r"-d '(\{.*\})'", curl).group(1))  # type: ignore[union-attr]
    success, error = (json.loads(b) for b in blocks(text, "json")[:2])
    assert request["duplicate_check"] == "DUPLIST"
    status, first, _ = await gateway.call("add_lead", request)
    assert status == 200 and list(first) == list(success)
    assert list(first["data"]) == list(success["data"])
    status, again, _ = await gateway.call("add_lead", request)
    assert status == 409 and list(again) == list(error)
    assert again["error"]["type"] == error["error"]["type"] == "conflict"
    assert again["error"]["message"] == error["error"]["message"]
    assert list(again["error"]["details"]) == list(error["error"]["details"])
    assert again["error"]["details"]["duplicate_lead_id"] == first["data"]["lead_id"]
    without = {k: v for k, v in request.items() if k != "duplicate_check"}
    status, body, _ = await gateway.call("add_lead", without)
    assert status == 200 and body["data"]["lead_id"] != first["data"]["lead_id"]


# --- tokens an app mints itself ------------------------------------------------------------------


def readme_minting() -> Callable[..., str]:
    """The README's ``gateway_token`` function, defined by running the README's own code."""
    (code,) = blocks(section("### Tokens"), "python")
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # the documented example itself
    return namespace["gateway_token"]  # type: ignore[no-any-return]


@pytest.fixture
def key_pairs(tmp_path: Path) -> Path:
    """The key pairs made by the README's openssl commands."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    commands = [b for b in blocks(section("### Tokens"), "sh") if "openssl genpkey" in b]
    assert len(commands) == 1
    subprocess.run(["bash", "-euc", commands[0]], cwd=tmp_path, check=True, timeout=120)
    for name in ("billing-es256", "billing-rs256"):
        assert (tmp_path / f"{name}.key").is_file() and (tmp_path / f"{name}.pub").is_file()
    return tmp_path


@asynccontextmanager
async def gateway_on(sim: RunningSim, doc: dict[str, Any], tmp: Path) -> AsyncIterator[Any]:
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(doc))
    runner, base = await start_gateway(load_config(path))
    try:
        async with aiohttp.ClientSession() as session:

            async def call(token: str) -> tuple[int, Any]:
                headers = {"Authorization": f"Bearer {token}"}
                async with session.post(f"{base}/v1/non-agent/version", headers=headers) as r:
                    return r.status, await r.json()

            call.generations = runner.app[SERVICES].generations  # type: ignore[attr-defined]
            call.path = path  # type: ignore[attr-defined]
            yield call
    finally:
        await runner.cleanup()


def app(keys: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"keys": keys, "upstream": "main", "source": "billing", "functions": ["version"]} | extra


async def test_tokens_minted_as_the_readme_shows(
    sim: RunningSim, key_pairs: Path, log_stream: Any
) -> None:
    """HS256 with a shared secret; ES256 and RS256 where the gateway holds only the public key
    (a PEM file, or a JWKS file)."""
    gateway_token = readme_minting()
    rs_public = load_pem_public_key((key_pairs / "billing-rs256.pub").read_bytes())
    jwk = json.loads(RSAAlgorithm.to_jwk(rs_public))  # type: ignore[arg-type]
    (key_pairs / "billing-jwks.json").write_text(
        json.dumps({"keys": [{**jwk, "kid": "billing-rs-2026-11", "alg": "RS256", "use": "sig"}]})
    )
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["apps"]["crm"]["keys"] = [{"kid": "crm-2026-11", "alg": "HS256", "secret": CRM_SECRET}]
    doc["apps"]["billing"] = app(
        [{"kid": "billing-2026-11", "alg": "ES256", "public_key": {"file": "billing-es256.pub"}}],
        jwks_file="billing-jwks.json",
    )
    async with gateway_on(sim, doc, key_pairs) as call:
        tokens = {
            "HS256": gateway_token(CRM_SECRET, "crm-2026-11", "HS256"),
            "ES256": gateway_token(
                (key_pairs / "billing-es256.key").read_text(), "billing-2026-11", "ES256"
            ),
            "RS256": gateway_token(
                (key_pairs / "billing-rs256.key").read_text(), "billing-rs-2026-11", "RS256"
            ),
        }
        for alg, token in tokens.items():
            status, body = await call(token)
            assert (status, body["ok"]) == (200, True), (alg, body)
        # The README's ttl is what the gateway allows: a day is, a day and a minute is not.
        assert (await call(gateway_token(CRM_SECRET, "crm-2026-11", "HS256", ttl=86400)))[0] == 200
        too_long = gateway_token(CRM_SECRET, "crm-2026-11", "HS256", ttl=86400 + 60)
        assert (await call(too_long))[0] == 401
        # The ES256 key does not sign for the RS256 kid.
        wrong = gateway_token(
            (key_pairs / "billing-es256.key").read_text(), "billing-rs-2026-11", "ES256"
        )
        assert (await call(wrong))[0] == 401


async def test_key_rotation_with_two_kids_as_the_readme_says(
    sim: RunningSim, tmp_path: Path, log_stream: Any
) -> None:
    gateway_token = readme_minting()
    new_secret = "crm-new-hmac-secret-9876543210fedcba-ABC"
    old = {"kid": "crm-2026-11", "alg": "HS256", "secret": {"file": "crm_old"}}
    new = {"kid": "crm-2027-05", "alg": "HS256", "secret": {"file": "crm_new"}}
    for name, value in (("crm_old", CRM_SECRET), ("crm_new", new_secret)):
        (tmp_path / name).write_text(value + "\n")
        (tmp_path / name).chmod(0o600)
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["apps"]["crm"]["keys"] = [old]

    def reconfigure(call: Any, keys: list[dict[str, Any]]) -> None:
        doc["apps"]["crm"]["keys"] = keys
        call.path.write_text(yaml.safe_dump(doc))

    async with gateway_on(sim, doc, tmp_path) as call:
        old_token = gateway_token(CRM_SECRET, "crm-2026-11", "HS256")
        assert (await call(old_token))[0] == 200
        # 1. The new key beside the old one, reloaded: both kids are accepted.
        reconfigure(call, [old, new])
        assert await call.generations.reload()
        new_token = gateway_token(new_secret, "crm-2027-05", "HS256")
        assert (await call(old_token))[0] == 200
        assert (await call(new_token))[0] == 200
        # 2. The app signs with the new kid; its earlier tokens still work.
        # 3. The old key removed: only tokens of the new kid are accepted.
        reconfigure(call, [new])
        assert await call.generations.reload()
        status, body = await call(old_token)
        assert (status, body["error"]["type"]) == (401, "unauthorized")
        assert (await call(new_token))[0] == 200
    reasons = [json.loads(line).get("reason") for line in log_stream.getvalue().splitlines()]
    assert "unknown_kid" in reasons
