"""Attacks on caller authentication (the bearer JWT), through the real listener and VICIdial sim.

Every refused token must be a 401 ``unauthorized`` saying only "invalid token", with the exact
reason in the gateway's log and ``vicigw_auth_failures_total{reason}``, and must not reach
VICIdial. Apps of the config: ``crm`` (HS256, every function), ``reports`` (HS256,
``campaigns_list``/``list_info``), ``dialer`` (RS256 public key) and ``mobile`` (ES256 key from a
JWKS file).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from multidict import CIMultiDict

from gateway.config_load import parse_config
from gateway.errors import ConfigError
from gateway.sim import RunningSim

from .conftest import (
    ATTACKER_SECRET,
    CRM_SECRET,
    GW,
    REPORTS_SECRET,
    Reply,
    Seen,
    assert_refused,
    recorder,
    sec_config_dict,
    serve_gateway,
)

ISS = AUD = "vicidial-gateway"
REVOKED_JTI = "revoked-jti-0001"
MAX_LIFETIME = 3600


# --- keys and token helpers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def attacker_rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def attacker_ec() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims for now; ``name=None`` drops a claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISS,
        "aud": AUD,
        "sub": "svc",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": secrets.token_hex(8),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def craft(
    header: dict[str, Any], payload: dict[str, Any], signer: Callable[[bytes], bytes] | None
) -> str:
    """A compact JWS built by hand (PyJWT refuses to produce most of these)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = b"" if signer is None else signer(signing_input.encode())
    return f"{signing_input}.{b64(signature)}"


def hmac256(secret: bytes | str) -> Callable[[bytes], bytes]:
    key = secret.encode() if isinstance(secret, str) else secret
    return lambda data: hmac.new(key, data, hashlib.sha256).digest()


def hs(kid: str = "crm-1", secret: str = CRM_SECRET, **claim_overrides: Any) -> str:
    return jwt.encode(claims(**claim_overrides), secret, algorithm="HS256", headers={"kid": kid})


def self_signed(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "attacker")])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


def jwk_of(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, kid: str, alg: str
) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if alg.startswith("RS") else jwt.algorithms.ECAlgorithm
    out: dict[str, Any] = json.loads(algorithm.to_jwk(key.public_key()))
    out.update(kid=kid, alg=alg, use="sig")
    return out


# --- the gateway under attack -----------------------------------------------------------------


def jwt_config(
    sim: RunningSim, rsa_key: rsa.RSAPrivateKey, jwks_file: Path, **auth: Any
) -> dict[str, Any]:
    doc = sec_config_dict(
        sim.base_url,
        sim.ca_file,
        dialer={
            "keys": [{"kid": "rsa-1", "alg": "RS256", "public_key": pem(rsa_key)}],
            "upstream": "main",
            "source": "dialer",
            "functions": ["version", "campaigns_list"],
        },
        mobile={
            "jwks_file": str(jwks_file),
            "upstream": "main",
            "source": "mobile",
            "functions": ["version", "campaigns_list"],
        },
    )
    doc["auth"].update(
        max_token_lifetime=MAX_LIFETIME, leeway="30s", revoked_jti=[REVOKED_JTI], **auth
    )
    return doc


@pytest.fixture
def jwks_file(tmp_path: Path, ec_key: ec.EllipticCurvePrivateKey) -> Path:
    path = tmp_path / "mobile-jwks.json"
    path.write_text(json.dumps({"keys": [jwk_of(ec_key, "mobile-es-1", "ES256")]}))
    return path


@pytest.fixture
async def jgw(
    sec_sim: RunningSim, rsa_key: rsa.RSAPrivateKey, jwks_file: Path
) -> AsyncIterator[GW]:
    cfg = parse_config(jwt_config(sec_sim, rsa_key, jwks_file))
    async with serve_gateway(cfg) as gateway:
        yield gateway


async def refused(
    gw: GW, sim: RunningSim, reason: str, *, token: str | None = None, **call: Any
) -> Reply:
    if token is not None:
        call["authorization"] = f"Bearer {token}"
    reply = await gw.call("campaigns_list", **call)
    assert_refused(reply, 401, "unauthorized", reason=reason, sim=sim, gw=gw)
    return reply


# --- algorithm attacks ------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_alg_none_unsigned_token(jgw: GW, sec_sim: RunningSim, alg: str) -> None:
    token = craft({"alg": alg, "typ": "JWT", "kid": "crm-1"}, claims(), None)
    await refused(jgw, sec_sim, "alg_mismatch", token=token)


async def test_alg_none_for_a_public_key_kid(jgw: GW, sec_sim: RunningSim) -> None:
    token = craft({"alg": "none", "kid": "rsa-1"}, claims(), None)
    await refused(jgw, sec_sim, "alg_mismatch", token=token)


@pytest.mark.parametrize("strip", [False, True], ids=["pem", "pem-without-final-newline"])
async def test_hs256_signed_with_the_rsa_public_key_key_confusion(
    jgw: GW, sec_sim: RunningSim, rsa_key: rsa.RSAPrivateKey, strip: bool
) -> None:
    """The classic RS256→HS256 confusion: the public PEM (known to anyone) as HMAC secret."""
    public = pem(rsa_key).strip() if strip else pem(rsa_key)
    token = craft({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, claims(), hmac256(public))
    await refused(jgw, sec_sim, "alg_mismatch", token=token)


async def test_hs256_signed_with_the_jwks_ec_public_key_key_confusion(
    jgw: GW, sec_sim: RunningSim, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    token = craft({"alg": "HS256", "kid": "mobile-es-1"}, claims(), hmac256(pem(ec_key)))
    await refused(jgw, sec_sim, "alg_mismatch", token=token)


async def test_rs256_token_for_an_hmac_kid(
    jgw: GW, sec_sim: RunningSim, attacker_rsa: rsa.RSAPrivateKey
) -> None:
    token = jwt.encode(claims(), attacker_rsa, algorithm="RS256", headers={"kid": "crm-1"})
    await refused(jgw, sec_sim, "alg_mismatch", token=token)


async def test_hs512_token_for_an_hs256_kid(jgw: GW, sec_sim: RunningSim) -> None:
    token = jwt.encode(claims(), CRM_SECRET + "x" * 30, algorithm="HS512", headers={"kid": "crm-1"})
    await refused(jgw, sec_sim, "alg_mismatch", token=token)


# --- claims -----------------------------------------------------------------------------------


async def test_expired_token(jgw: GW, sec_sim: RunningSim) -> None:
    now = int(time.time())
    await refused(jgw, sec_sim, "expired", token=hs(iat=now - 3700, nbf=now - 3700, exp=now - 3600))


async def test_expired_just_beyond_the_leeway(jgw: GW, sec_sim: RunningSim) -> None:
    now = int(time.time())
    await refused(jgw, sec_sim, "expired", token=hs(iat=now - 100, nbf=now - 100, exp=now - 35))


async def test_not_yet_valid_token(jgw: GW, sec_sim: RunningSim) -> None:
    now = int(time.time())
    await refused(jgw, sec_sim, "not_yet_valid", token=hs(nbf=now + 600, exp=now + 900))


async def test_issued_in_the_future(jgw: GW, sec_sim: RunningSim) -> None:
    now = int(time.time())
    await refused(
        jgw, sec_sim, "issued_in_future", token=hs(iat=now + 600, nbf=None, exp=now + 900)
    )


@pytest.mark.parametrize(
    "aud",
    ["someone-else", ["crm", "reports"], "VICIDIAL-GATEWAY", "vicidial-gateway ", "vicidial"],
)
async def test_wrong_audience(jgw: GW, sec_sim: RunningSim, aud: Any) -> None:
    await refused(jgw, sec_sim, "bad_audience", token=hs(aud=aud))


@pytest.mark.parametrize("iss", ["someone-else", "VICIDIAL-GATEWAY", "vicidial-gateway\u0000"])
async def test_wrong_issuer(jgw: GW, sec_sim: RunningSim, iss: str) -> None:
    await refused(jgw, sec_sim, "bad_issuer", token=hs(iss=iss))


@pytest.mark.parametrize("claim", ["exp", "iss", "aud"])
async def test_required_claim_left_out(jgw: GW, sec_sim: RunningSim, claim: str) -> None:
    reply = await refused(jgw, sec_sim, "missing_claim", token=hs(**{claim: None}))
    request_id = reply.headers["X-Request-ID"]
    logged = [r for r in jgw.logs if getattr(r, "request_id", None) == request_id]
    assert [getattr(r, "claim", None) for r in logged] == [claim]  # in the log, not the reply


async def test_revoked_jti(jgw: GW, sec_sim: RunningSim) -> None:
    await refused(jgw, sec_sim, "revoked", token=hs(jti=REVOKED_JTI))


async def test_revoked_jti_never_reaches_vicidial(jgw: GW, sec_sim: RunningSim) -> None:
    """Whatever the status, a revoked token fails closed (also while the 500 above stands)."""
    reply = await jgw.call("campaigns_list", token=hs(jti=REVOKED_JTI))
    assert reply.status in (401, 500) and reply.body["ok"] is False, reply.text
    assert sec_sim.state.requests == []


async def test_lifetime_beyond_max_token_lifetime(jgw: GW, sec_sim: RunningSim) -> None:
    now = int(time.time())
    await refused(jgw, sec_sim, "lifetime_too_long", token=hs(exp=now + 2 * MAX_LIFETIME))


async def test_lifetime_beyond_max_without_iat(jgw: GW, sec_sim: RunningSim) -> None:
    now = int(time.time())
    token = hs(iat=None, nbf=None, exp=now + 2 * MAX_LIFETIME)
    await refused(jgw, sec_sim, "lifetime_too_long", token=token)


# --- kid ------------------------------------------------------------------------------------------


async def test_unknown_kid(jgw: GW, sec_sim: RunningSim) -> None:
    await refused(jgw, sec_sim, "unknown_kid", token=hs(kid="attacker-1", secret=ATTACKER_SECRET))


async def test_refusals_do_not_tell_which_check_failed(jgw: GW, sec_sim: RunningSim) -> None:
    """A refused caller learns only that its token was refused: an unknown kid gets the reply a
    known kid with a bad signature, the wrong alg or an old token gets (so kids cannot be
    enumerated). The gateway's log and metric still tell them apart."""
    now = int(time.time())
    tokens = {
        "unknown_kid": hs(kid="crm-9"),
        "missing_kid": jwt.encode(claims(), CRM_SECRET, algorithm="HS256"),
        "bad_signature": hs(secret=ATTACKER_SECRET),
        "alg_mismatch": jwt.encode(
            claims(), CRM_SECRET + "x" * 30, algorithm="HS512", headers={"kid": "crm-1"}
        ),
        "expired": hs(iat=now - 3700, nbf=now - 3700, exp=now - 3600),
        "bad_audience": hs(aud="someone-else"),
    }
    seen = set()
    for reason, token in tokens.items():
        reply = await jgw.call("campaigns_list", token=token)
        assert jgw.auth_failure(reply) == reason
        body = {k: v for k, v in reply.body.items() if k != "request_id"}
        seen.add((reply.status, json.dumps(body), reply.headers["WWW-Authenticate"]))
    assert len(seen) == 1, seen
    assert sec_sim.state.requests == []


async def test_missing_kid(jgw: GW, sec_sim: RunningSim) -> None:
    token = craft({"alg": "HS256", "typ": "JWT"}, claims(), hmac256(CRM_SECRET))
    await refused(jgw, sec_sim, "missing_kid", token=token)


@pytest.mark.parametrize(
    "kid",
    [
        "../../etc/passwd",
        "../../../../../../dev/null",
        "/dev/null",
        "/proc/self/environ",
        "crm-1\u0000",
        "crm-1\u0000../../etc/passwd",
        "crm-1 ",
        " crm-1",
        "CRM-1",
        "crm\u20111",  # non-breaking hyphen look-alike
        "' OR '1'='1",
        "crm-1' --",
        'crm-1"; DROP TABLE keys; --',
        "*",
        "%",
        "",
    ],
)
async def test_kid_path_and_injection_tricks(jgw: GW, sec_sim: RunningSim, kid: str) -> None:
    """Signed with the real crm secret: only an exact, configured kid selects a key."""
    token = craft({"alg": "HS256", "kid": kid}, claims(), hmac256(CRM_SECRET))
    await refused(jgw, sec_sim, "unknown_kid", token=token)


@pytest.mark.parametrize("kid", ["/dev/null", "../../../../dev/null"])
async def test_kid_dev_null_with_an_empty_hmac_key(jgw: GW, sec_sim: RunningSim, kid: str) -> None:
    """A kid that names an empty file, signed with the empty key that file would give."""
    token = craft({"alg": "HS256", "kid": kid}, claims(), hmac256(b""))
    await refused(jgw, sec_sim, "unknown_kid", token=token)


async def test_kid_of_another_app_with_this_apps_secret(jgw: GW, sec_sim: RunningSim) -> None:
    await refused(jgw, sec_sim, "bad_signature", token=hs(kid="reports-1", secret=CRM_SECRET))


@pytest.mark.parametrize("kid", [["crm-1"], {"kid": "crm-1"}, 1, None, True])
async def test_non_string_kid(jgw: GW, sec_sim: RunningSim, kid: Any) -> None:
    token = craft({"alg": "HS256", "kid": kid}, claims(), hmac256(CRM_SECRET))
    await refused(jgw, sec_sim, "malformed", token=token)


# --- keys named or carried by the token itself -------------------------------------------------


async def test_jku_and_x5u_pointing_at_a_local_server_are_never_fetched(
    jgw: GW, sec_sim: RunningSim, attacker_rsa: rsa.RSAPrivateKey
) -> None:
    """A server on 127.0.0.1 serves the attacker's JWKS and certificate; nobody may ask it."""
    jwks = {"keys": [jwk_of(attacker_rsa, "rsa-1", "RS256"), jwk_of(attacker_rsa, "evil", "RS256")]}
    cert_pem = self_signed(attacker_rsa).public_bytes(serialization.Encoding.PEM).decode()

    def respond(seen: Seen) -> web.Response:
        if seen.path.endswith(".pem"):
            return web.Response(text=cert_pem)
        return web.json_response(jwks)

    async with recorder(respond=respond) as attacker:
        jku, x5u = f"{attacker.base_url}/jwks.json", f"{attacker.base_url}/cert.pem"

        def evil(**headers: Any) -> str:
            return jwt.encode(claims(), attacker_rsa, "RS256", headers)

        cases: list[tuple[str, str]] = [
            (evil(kid="rsa-1", jku=jku), "bad_signature"),
            (evil(kid="rsa-1", x5u=x5u), "bad_signature"),
            (evil(kid="evil", jku=jku), "unknown_kid"),
            (evil(jku=jku, x5u=x5u), "missing_kid"),
            (
                jwt.encode(claims(), ATTACKER_SECRET, "HS256", {"kid": "crm-1", "jku": jku}),
                "bad_signature",
            ),
        ]
        for token, reason in cases:
            await refused(jgw, sec_sim, reason, token=token)
        # A valid token that also names a URL works, and still nobody fetches it.
        token = jwt.encode(claims(), CRM_SECRET, "HS256", {"kid": "crm-1", "jku": jku, "x5u": x5u})
        ok = await jgw.call("version", authorization=f"Bearer {token}")
        assert ok.status == 200, ok.text
        await asyncio.sleep(0.2)  # a background fetch would have happened by now
        assert attacker.seen == []


async def test_embedded_jwk_header_is_not_used(
    jgw: GW, sec_sim: RunningSim, attacker_rsa: rsa.RSAPrivateKey
) -> None:
    jwk = jwk_of(attacker_rsa, "rsa-1", "RS256")
    token = jwt.encode(claims(), attacker_rsa, "RS256", {"kid": "rsa-1", "jwk": jwk})
    await refused(jgw, sec_sim, "bad_signature", token=token)
    token = jwt.encode(claims(), attacker_rsa, "RS256", {"jwk": jwk})
    await refused(jgw, sec_sim, "missing_kid", token=token)


async def test_embedded_x5c_certificate_is_not_used(
    jgw: GW, sec_sim: RunningSim, attacker_rsa: rsa.RSAPrivateKey
) -> None:
    der = self_signed(attacker_rsa).public_bytes(serialization.Encoding.DER)
    x5c = [base64.b64encode(der).decode()]
    token = jwt.encode(claims(), attacker_rsa, "RS256", {"kid": "rsa-1", "x5c": x5c})
    await refused(jgw, sec_sim, "bad_signature", token=token)


async def test_crit_header_is_refused(jgw: GW, sec_sim: RunningSim) -> None:
    token = craft(
        {"alg": "HS256", "kid": "crm-1", "crit": ["exp"], "exp": 1}, claims(), hmac256(CRM_SECRET)
    )
    await refused(jgw, sec_sim, "unsupported_header", token=token)


@pytest.mark.parametrize("typ", ["JWE", "JOSE+JSON", "application/jwk+json"])
async def test_unexpected_typ(jgw: GW, sec_sim: RunningSim, typ: str) -> None:
    token = craft({"alg": "HS256", "kid": "crm-1", "typ": typ}, claims(), hmac256(CRM_SECRET))
    await refused(jgw, sec_sim, "bad_typ", token=token)


# --- signatures -------------------------------------------------------------------------------


async def test_stripped_signature_hmac(jgw: GW, sec_sim: RunningSim) -> None:
    head, body, _ = hs().split(".")
    await refused(jgw, sec_sim, "bad_signature", token=f"{head}.{body}.")


async def test_stripped_signature_rsa(
    jgw: GW, sec_sim: RunningSim, rsa_key: rsa.RSAPrivateKey
) -> None:
    head, body, _ = jwt.encode(claims(), rsa_key, "RS256", {"kid": "rsa-1"}).split(".")
    await refused(jgw, sec_sim, "bad_signature", token=f"{head}.{body}.")


async def test_forged_payload_with_a_valid_tokens_signature(jgw: GW, sec_sim: RunningSim) -> None:
    head, _, sig = hs().split(".")
    forged = b64(json.dumps(claims(sub="admin", exp=int(time.time()) + 3000)).encode())
    await refused(jgw, sec_sim, "bad_signature", token=f"{head}.{forged}.{sig}")


async def test_attackers_own_hmac_secret(jgw: GW, sec_sim: RunningSim) -> None:
    await refused(jgw, sec_sim, "bad_signature", token=hs(secret=ATTACKER_SECRET))


@pytest.mark.parametrize(
    "token", ["a.b", "a.b.c.d", "...", "not-a-token", "W10.e30.e30", "eyJ.eyJ.x"]
)
async def test_malformed_tokens(jgw: GW, sec_sim: RunningSim, token: str) -> None:
    await refused(jgw, sec_sim, "malformed", token=token)


async def test_oversized_token_within_the_header_limit(
    sec_sim: RunningSim, rsa_key: rsa.RSAPrivateKey, jwks_file: Path
) -> None:
    """With room in the header limit, a token over 8192 characters is refused undecoded."""
    doc = jwt_config(sec_sim, rsa_key, jwks_file)
    doc["server"]["max_header_bytes"] = 65536
    async with serve_gateway(parse_config(doc)) as gw:
        token = hs(pad="x" * 9000)
        assert len(token) > 8192
        await refused(gw, sec_sim, "token_too_large", token=token)
        await refused(gw, sec_sim, "token_too_large", token="A" * 20_000)


async def test_oversized_token_beyond_the_header_limit(jgw: GW, sec_sim: RunningSim) -> None:
    """The listener refuses it before authentication even starts, still in JSON."""
    reply = await jgw.call("campaigns_list", authorization="Bearer " + hs(pad="x" * 12_000))
    assert_refused(reply, 431, "too_large", sim=sec_sim)


# --- where the token may come from ------------------------------------------------------------


@pytest.mark.parametrize("name", ["access_token", "token", "jwt", "bearer", "Authorization"])
async def test_token_in_the_query_string(jgw: GW, sec_sim: RunningSim, name: str) -> None:
    await refused(jgw, sec_sim, "missing", send_auth=False, query=f"?{name}={hs()}")


async def test_token_in_a_cookie(jgw: GW, sec_sim: RunningSim) -> None:
    cookie = f"access_token={hs()}; token={hs()}; jwt={hs()}; Authorization=Bearer%20{hs()}"
    await refused(jgw, sec_sim, "missing", send_auth=False, headers={"Cookie": cookie})


@pytest.mark.parametrize(
    "header", ["X-Access-Token", "X-Api-Key", "X-Auth-Token", "Proxy-Authorization", "X-Token"]
)
async def test_token_in_another_header(jgw: GW, sec_sim: RunningSim, header: str) -> None:
    await refused(jgw, sec_sim, "missing", send_auth=False, headers={header: f"Bearer {hs()}"})


async def test_token_in_the_json_body(jgw: GW, sec_sim: RunningSim) -> None:
    body = {"access_token": hs(), "token": hs()}
    await refused(jgw, sec_sim, "missing", send_auth=False, body=body)


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer", "bEaReR"])
async def test_bearer_scheme_is_case_insensitive(jgw: GW, scheme: str) -> None:
    reply = await jgw.call("version", authorization=f"{scheme} {hs()}")
    assert reply.status == 200, reply.text


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(f"crm:{CRM_SECRET}".encode()).decode(),
        "Basic " + base64.b64encode(f"crm-1:{CRM_SECRET}".encode()).decode(),
        "BASIC {token}",
        "Token {token}",
        "JWT {token}",
        "Digest username=crm",
        "{token}",
    ],
)
async def test_other_schemes_are_refused(jgw: GW, sec_sim: RunningSim, authorization: str) -> None:
    # Logged and counted as not_bearer (a token without "Bearer " is the usual client slip),
    # never as missing: credentials did come. The reply still says only "invalid token".
    await refused(jgw, sec_sim, "not_bearer", authorization=authorization.format(token=hs()))


# --- which app a token stands for --------------------------------------------------------------


async def test_app_a_token_cannot_call_a_function_only_app_b_may_call(
    jgw: GW, sec_sim: RunningSim
) -> None:
    body = {"phone_number": "3125550000", "list_id": "101"}
    reply = await jgw.call("add_lead", body, app="reports")
    assert_refused(reply, 403, "forbidden", sim=sec_sim)
    assert reply.details == {"function": "add_lead"}


async def test_claims_naming_another_app_change_nothing(jgw: GW, sec_sim: RunningSim) -> None:
    token = hs(
        kid="reports-1",
        secret=REPORTS_SECRET,
        sub="crm",
        app="crm",
        azp="crm",
        scope="add_lead",
        aud=[AUD, "crm"],
    )
    reply = await jgw.call("add_lead", {"phone_number": "3125550000"}, token=token)
    assert_refused(reply, 403, "forbidden", sim=sec_sim)


# --- JWKS-file keys ---------------------------------------------------------------------------


async def test_jwks_file_key_is_accepted(jgw: GW, ec_key: ec.EllipticCurvePrivateKey) -> None:
    token = jwt.encode(claims(), ec_key, "ES256", {"kid": "mobile-es-1"})
    reply = await jgw.call("campaigns_list", token=token)
    assert reply.status == 200, reply.text


async def test_jwks_kid_signed_by_another_key(
    jgw: GW, sec_sim: RunningSim, attacker_ec: ec.EllipticCurvePrivateKey
) -> None:
    token = jwt.encode(claims(), attacker_ec, "ES256", {"kid": "mobile-es-1"})
    await refused(jgw, sec_sim, "bad_signature", token=token)


async def test_jwks_app_may_not_call_beyond_its_functions(
    jgw: GW, sec_sim: RunningSim, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    token = jwt.encode(claims(), ec_key, "ES256", {"kid": "mobile-es-1"})
    reply = await jgw.call("add_lead", {"phone_number": "3125550000"}, token=token)
    assert_refused(reply, 403, "forbidden", sim=sec_sim)


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param({"kty": "oct", "k": b64(CRM_SECRET.encode()), "alg": "HS256"}, id="oct-key"),
        pytest.param({"alg": "none"}, id="alg-none"),
        pytest.param({"use": "enc"}, id="encryption-key"),
        pytest.param({"private": True}, id="private-key"),
    ],
)
def test_jwks_file_with_unsafe_entries_is_refused(
    tmp_path: Path, ec_key: ec.EllipticCurvePrivateKey, entry: dict[str, Any]
) -> None:
    """Symmetric, unsigned, encryption or private keys never make it into the key index."""
    jwk = jwk_of(ec_key, "mobile-es-1", "ES256")
    entry = dict(entry)
    if entry.pop("private", False):
        private: dict[str, Any] = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_key))
        jwk["d"] = private["d"]
    else:
        jwk.update(entry)
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    doc = sec_config_dict(
        mobile={
            "jwks_file": str(path),
            "upstream": "main",
            "source": "mobile",
            "functions": ["version"],
        }
    )
    with pytest.raises(ConfigError) as info:
        parse_config(doc)
    assert any(e.startswith("apps.mobile.jwks_file") for e in info.value.errors), info.value.errors


# --- the verified-token cache ---------------------------------------------------------------------


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("leeway", [0, 30])
async def test_token_cache_never_outlives_exp(
    sec_sim: RunningSim, rsa_key: rsa.RSAPrivateKey, jwks_file: Path, leeway: int
) -> None:
    """A token verified (and cached) while valid is refused from exp + leeway on."""
    t0 = float(int(time.time()))
    clock = Clock(t0)
    doc = jwt_config(sec_sim, rsa_key, jwks_file)
    doc["auth"]["leeway"] = leeway
    token = hs(iat=int(t0), nbf=int(t0), exp=int(t0) + 60)
    async with serve_gateway(parse_config(doc), clock=clock) as gw:
        for at in (t0, t0 + 30, t0 + 59 + leeway):
            clock.now = at
            reply = await gw.call("version", token=token)
            assert reply.status == 200, (at - t0, reply.text)
        hits = sec_sim.state.hits()
        for at in (t0 + 60 + leeway, t0 + 60 + leeway + 0.5, t0 + 10_000):
            clock.now = at
            reply = await gw.call("version", token=token)
            assert_refused(reply, 401, "unauthorized", reason="expired", gw=gw)
        assert sec_sim.state.hits() == hits


async def test_two_authorization_headers_are_refused(jgw: GW, sec_sim: RunningSim) -> None:
    """A valid token beside another one: which one wins is not defined, so neither does."""
    headers = CIMultiDict([("Authorization", f"Bearer {hs()}"), ("Authorization", "Bearer x.y.z")])
    async with jgw.session.post(f"{jgw.base_url}/v1/non-agent/version", headers=headers) as r:
        text = await r.text()
        reply = Reply(r.status, json.loads(text), r.headers, text)
    assert_refused(reply, 401, "unauthorized", reason="malformed", sim=sec_sim, gw=jgw)
    assert reply.headers["WWW-Authenticate"] == 'Bearer error="invalid_request"'
