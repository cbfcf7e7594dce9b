"""Tests for gateway.auth: bearer-token authentication and mint_token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from gateway.auth import MAX_TOKEN_CHARS, REASONS, Authenticator, Caller, mint_token
from gateway.config import Config
from gateway.config_load import parse_config
from gateway.errors import Unauthorized

T0 = 1_700_000_000.0  # fake "now"
ISS = "test-issuer"
AUD = "test-gateway"
MAX_LIFETIME = 3600.0
LEEWAY = 30.0

HS256_OLD = "crm-old-secret-0123456789abcdefghijklmnop"  # >= 32 bytes
HS256_NEW = "crm-new-secret-zyxwvutsrqponmlkjihgfedcba"
HS384_SECRET = "reports-secret-" + "r" * 48
HS512_SECRET = "batch-secret-" + "b" * 64
OTHER_SECRET = "attacker-secret-0123456789abcdefghijklmnop"

# Everything a refusal must never echo back (filled in with generated keys by fixtures).
SENSITIVE: list[str] = [HS256_OLD, HS256_NEW, HS384_SECRET, HS512_SECRET, OTHER_SECRET]


# -- helpers ------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem_public(key: Any) -> str:
    pem: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


_DROP: Any = object()  # claims(name=_DROP) removes the claim
_NULL: Any = None


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iss": ISS,
        "aud": AUD,
        "sub": "someone",
        "iat": int(T0),
        "nbf": int(T0),
        "exp": int(T0) + 600,
        "jti": "jti-1",
    }
    for name, value in overrides.items():
        if value is _DROP:
            base.pop(name, None)
        else:
            base[name] = value
    return base


def sign(
    payload: dict[str, Any],
    key: Any,
    alg: str,
    kid: str | None,
    **headers: Any,
) -> str:
    hdrs: dict[str, Any] = dict(headers)
    if kid is not None:
        hdrs["kid"] = kid
    return jwt.encode(payload, key, algorithm=alg, headers=hdrs)


def craft(header: dict[str, Any] | str, payload: dict[str, Any] | str, signer: Any = None) -> str:
    """A compact token built by hand (for things PyJWT refuses to produce)."""
    h = header if isinstance(header, str) else json.dumps(header)
    p = payload if isinstance(payload, str) else json.dumps(payload)
    signing_input = f"{b64(h.encode())}.{b64(p.encode())}"
    sig = b"" if signer is None else signer(signing_input.encode())
    return f"{signing_input}.{b64(sig)}"


def hs256(secret: str) -> Any:
    return lambda data: hmac.new(secret.encode(), data, hashlib.sha256).digest()


def expect(auth: Authenticator, authorization: str | None, reason: str) -> Unauthorized:
    """authenticate() must fail with ``reason`` and leak nothing."""
    assert reason in REASONS
    with pytest.raises(Unauthorized) as info:
        auth.authenticate(authorization)
    err = info.value
    assert err.status == 401
    # The reason is for the gateway's log and metric; the caller is told nothing more.
    assert (err.reason, err.message, err.details) == (reason, "invalid token", {})
    challenge = "Bearer" if reason in ("missing", "not_bearer") else 'Bearer error="invalid_token"'
    assert err.headers == {"WWW-Authenticate": challenge}
    texts = [err.message, str(err), repr(err), json.dumps(err.details)]
    forbidden = list(SENSITIVE)
    if authorization:
        parts = authorization.split()
        forbidden += [p for p in parts if len(p) > 10]
        forbidden += [seg for p in parts for seg in p.split(".") if len(seg) > 10]
    for text in texts:
        for secret in forbidden:
            assert secret not in text
    assert err.__cause__ is None
    return err


def bearer(token: str) -> str:
    return f"Bearer {token}"


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def rsa_other() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def config(
    rsa_key: rsa.RSAPrivateKey,
    ec_key: ec.EllipticCurvePrivateKey,
    ed_key: ed25519.Ed25519PrivateKey,
) -> Config:
    SENSITIVE.extend(pem_public(k) for k in (rsa_key, ec_key, ed_key))
    upstream = {
        "base_url": "https://127.0.0.1:1",
        "credentials": [{"name": "a", "user": "6666", "pass": "pw"}],
    }

    def app(source: str, keys: list[dict[str, str]]) -> dict[str, Any]:
        return {"keys": keys, "upstream": "main", "source": source, "functions": ["add_lead"]}

    return parse_config(
        {
            "auth": {
                "issuer": ISS,
                "audience": AUD,
                "max_token_lifetime": MAX_LIFETIME,
                "leeway": LEEWAY,
            },
            "upstreams": {"main": upstream},
            "apps": {
                "crm": app(
                    "crm",
                    [
                        {"kid": "crm-2023", "alg": "HS256", "secret": HS256_OLD},
                        {"kid": "crm-2024", "alg": "HS256", "secret": HS256_NEW},
                    ],
                ),
                "reports": app(
                    "reports", [{"kid": "rep-1", "alg": "HS384", "secret": HS384_SECRET}]
                ),
                "batch": app("batch", [{"kid": "bat-1", "alg": "HS512", "secret": HS512_SECRET}]),
                "dialer": app(
                    "dialer", [{"kid": "rsa-1", "alg": "RS256", "public_key": pem_public(rsa_key)}]
                ),
                "mobile": app(
                    "mobile", [{"kid": "ec-1", "alg": "ES256", "public_key": pem_public(ec_key)}]
                ),
                "kiosk": app(
                    "kiosk", [{"kid": "ed-1", "alg": "EdDSA", "public_key": pem_public(ed_key)}]
                ),
            },
        }
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def auth(config: Config, clock: FakeClock) -> Authenticator:
    return Authenticator(config, clock=clock)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Record (and refuse) any outgoing connection attempt."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise AssertionError(f"unexpected connection to {address!r}")

    def refuse_create(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(address)
        raise AssertionError(f"unexpected connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    yield attempts
    assert attempts == []


def hs(kid: str = "crm-2024", secret: str = HS256_NEW, **overrides: Any) -> str:
    """An HS256 token built by hand, so that any claim value can be tested."""
    return craft({"alg": "HS256", "typ": "JWT", "kid": kid}, claims(**overrides), hs256(secret))


# -- the Authorization header -------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_header_is_missing(auth: Authenticator, value: str | None) -> None:
    expect(auth, value, "missing")


@pytest.mark.parametrize("scheme", ["Basic", "Token", "Digest", "JWT", "Bearer:"])
def test_other_scheme_is_not_bearer(auth: Authenticator, scheme: str) -> None:
    # Credentials came, but not as a bearer token: said precisely in the log and the metric
    # (the caller is still told only "invalid token").
    expect(auth, f"{scheme} {hs()}", "not_bearer")


def test_bare_token_without_scheme_is_not_bearer(auth: Authenticator) -> None:
    # The commonest client mistake: "Authorization: <token>" without "Bearer ".
    expect(auth, hs(), "not_bearer")
    assert "Bearer" in REASONS["not_bearer"]


@pytest.mark.parametrize("value", ["Bearer", "Bearer ", "bearer    ", "Bearer\t"])
def test_empty_token_is_malformed(auth: Authenticator, value: str) -> None:
    expect(auth, value, "malformed")


def test_two_tokens_are_malformed(auth: Authenticator) -> None:
    expect(auth, f"Bearer {hs()} {hs()}", "malformed")


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_scheme_is_case_insensitive(auth: Authenticator, scheme: str) -> None:
    assert auth.authenticate(f"{scheme} {hs()}").app.name == "crm"


def test_surrounding_whitespace_is_tolerated(auth: Authenticator) -> None:
    assert auth.authenticate(f"  Bearer   {hs()}  ").app.name == "crm"


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a.b",
        "a.b.c",
        "!!!.???.***",
        "eyJhbGciOiJIUzI1NiJ9..sig",
        "x" * 100 + "." + "y" * 100 + "." + "z" * 10,
        "a.b.c.d",
        "ünïcode.tøken.sig",
        "a=.b.c",
    ],
)
def test_garbage_token_is_malformed(auth: Authenticator, token: str) -> None:
    expect(auth, bearer(token), "malformed")


@pytest.mark.parametrize("header", ["[1, 2]", '"kid"', "null", "{not json", "{}" * 2])
def test_header_not_a_json_object_is_malformed(auth: Authenticator, header: str) -> None:
    expect(auth, bearer(craft(header, claims(), hs256(HS256_NEW))), "malformed")


def test_deeply_nested_header_is_malformed(auth: Authenticator) -> None:
    header = "[" * 2000 + "]" * 2000
    expect(auth, bearer(craft(header, claims(), hs256(HS256_NEW))), "malformed")


def test_payload_not_a_json_object_is_rejected(auth: Authenticator) -> None:
    header = {"alg": "HS256", "kid": "crm-2024", "typ": "JWT"}
    for payload in ('["exp"]', "{broken", "[" * 2000 + "]" * 2000):
        expect(auth, bearer(craft(header, payload, hs256(HS256_NEW))), "malformed")


def test_oversize_token_is_refused_before_decoding(
    auth: Authenticator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("decoded an oversize token")

    monkeypatch.setattr(base64, "urlsafe_b64decode", boom)
    monkeypatch.setattr(jwt, "get_unverified_header", boom)
    monkeypatch.setattr(jwt, "decode", boom)
    expect(auth, bearer("a" * (MAX_TOKEN_CHARS + 1)), "token_too_large")
    expect(auth, bearer("a" * 100_000), "token_too_large")


def test_oversize_but_well_formed_token(auth: Authenticator) -> None:
    token = hs(padding="p" * MAX_TOKEN_CHARS)
    assert len(token) > MAX_TOKEN_CHARS
    expect(auth, bearer(token), "token_too_large")


def test_token_at_size_limit_is_accepted(auth: Authenticator) -> None:
    token = hs(padding="")
    token = hs(padding="p" * ((MAX_TOKEN_CHARS - len(token)) * 3 // 4))
    assert MAX_TOKEN_CHARS - 4 <= len(token) <= MAX_TOKEN_CHARS
    assert auth.authenticate(bearer(token)).app.name == "crm"


# -- header: kid, alg, typ, crit ----------------------------------------------------------------


def test_unknown_kid(auth: Authenticator) -> None:
    expect(auth, bearer(hs(kid="nope")), "unknown_kid")


def test_missing_kid(auth: Authenticator) -> None:
    expect(auth, bearer(sign(claims(), HS256_NEW, "HS256", None)), "missing_kid")


@pytest.mark.parametrize("kid", [1, None, ["crm-2024"], {"k": "crm-2024"}])
def test_non_string_kid_is_malformed(auth: Authenticator, kid: Any) -> None:
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    expect(auth, bearer(craft(header, claims(), hs256(HS256_NEW))), "malformed")


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", ""])
def test_alg_none_is_refused(auth: Authenticator, alg: str) -> None:
    token = craft({"alg": alg, "typ": "JWT", "kid": "crm-2024"}, claims())
    assert token.endswith(".")
    expect(auth, bearer(token), "alg_mismatch")


def test_alg_none_for_a_public_key_kid_is_refused(auth: Authenticator) -> None:
    token = craft({"alg": "none", "kid": "rsa-1"}, claims())
    expect(auth, bearer(token), "alg_mismatch")


def test_missing_alg_is_refused(auth: Authenticator) -> None:
    token = craft({"typ": "JWT", "kid": "crm-2024"}, claims(), hs256(HS256_NEW))
    expect(auth, bearer(token), "alg_mismatch")


def test_hs256_signed_with_the_rsa_public_key_is_refused(
    auth: Authenticator, rsa_key: rsa.RSAPrivateKey
) -> None:
    """The classic key-confusion attack: the public PEM used as an HMAC secret."""
    pem = pem_public(rsa_key)
    token = craft({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, claims(), hs256(pem))
    err = expect(auth, bearer(token), "alg_mismatch")
    assert "BEGIN" not in err.message


def test_prepared_key_object_defeats_key_confusion(
    config: Config, rsa_key: rsa.RSAPrivateKey
) -> None:
    """Defence in depth: even with HS256 allowed, the prepared RSA key object is no HMAC key."""
    pem = pem_public(rsa_key)
    token = craft({"alg": "HS256", "kid": "rsa-1"}, claims(), hs256(pem))
    entry = Authenticator(config)._keys["rsa-1"]
    assert isinstance(entry.verify_key, rsa.RSAPublicKey)
    with pytest.raises((jwt.PyJWTError, TypeError)):
        jwt.decode(token, entry.verify_key, algorithms=["HS256", "RS256"], audience=AUD, issuer=ISS)


def test_other_hmac_alg_for_an_hs256_kid_is_refused(auth: Authenticator) -> None:
    token = sign(claims(), HS256_NEW + "x" * 40, "HS512", "crm-2024")
    expect(auth, bearer(token), "alg_mismatch")


def test_es384_token_for_es256_kid_is_refused(auth: Authenticator) -> None:
    other = ec.generate_private_key(ec.SECP384R1())
    expect(auth, bearer(sign(claims(), other, "ES384", "ec-1")), "alg_mismatch")


def test_ps256_token_for_rs256_kid_is_refused(
    auth: Authenticator, rsa_key: rsa.RSAPrivateKey
) -> None:
    expect(auth, bearer(sign(claims(), rsa_key, "PS256", "rsa-1")), "alg_mismatch")


@pytest.mark.parametrize("typ", ["JWT", "jwt", "Jwt", "at+jwt", "AT+JWT", "application/at+jwt"])
def test_accepted_typ(auth: Authenticator, typ: str) -> None:
    token = sign(claims(), HS256_NEW, "HS256", "crm-2024", typ=typ)
    assert auth.authenticate(bearer(token)).app.name == "crm"


def test_absent_typ_is_accepted(auth: Authenticator) -> None:
    token = craft({"alg": "HS256", "kid": "crm-2024"}, claims(), hs256(HS256_NEW))
    assert auth.authenticate(bearer(token)).app.name == "crm"


@pytest.mark.parametrize("typ", ["JWS", "jose", "JOSE+JSON", "secevent+jwt", "", 1, ["JWT"]])
def test_bad_typ(auth: Authenticator, typ: Any) -> None:
    token = craft({"alg": "HS256", "kid": "crm-2024", "typ": typ}, claims(), hs256(HS256_NEW))
    expect(auth, bearer(token), "bad_typ")


@pytest.mark.parametrize("crit", [["exp"], ["b64"], [], "b64"])
def test_crit_header_is_refused(auth: Authenticator, crit: Any) -> None:
    header = {"alg": "HS256", "kid": "crm-2024", "crit": crit, "exp": 1, "b64": True}
    expect(auth, bearer(craft(header, claims(), hs256(HS256_NEW))), "unsupported_header")


# -- header URLs and embedded keys are never used -----------------------------------------------


@pytest.mark.parametrize("param", ["jku", "x5u"])
def test_url_headers_are_ignored(auth: Authenticator, no_network: list[Any], param: str) -> None:
    token = sign(claims(), HS256_NEW, "HS256", "crm-2024", **{param: "http://127.0.0.1:9/"})
    assert auth.authenticate(bearer(token)).app.name == "crm"


@pytest.mark.parametrize("param", ["jku", "x5u"])
def test_url_headers_never_make_a_key_usable(
    auth: Authenticator, no_network: list[Any], param: str
) -> None:
    token = sign(claims(), OTHER_SECRET, "HS256", "crm-2024", **{param: "http://127.0.0.1:9/"})
    expect(auth, bearer(token), "bad_signature")


def test_url_header_pointing_at_a_listener_is_not_contacted(auth: Authenticator) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/jwks.json"
        good = sign(claims(), HS256_NEW, "HS256", "crm-2024", jku=url, x5u=url)
        bad = sign(claims(), OTHER_SECRET, "HS256", "crm-2024", jku=url, x5u=url)
        assert auth.authenticate(bearer(good)).app.name == "crm"
        expect(auth, bearer(bad), "bad_signature")
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_embedded_jwk_is_ignored(
    auth: Authenticator, rsa_other: rsa.RSAPrivateKey, no_network: list[Any]
) -> None:
    """A token carrying its own (attacker) key in ``jwk``/``x5c`` must not verify with it."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_other.public_key()))
    token = sign(claims(), rsa_other, "RS256", "rsa-1", jwk=jwk, x5c=["MIIB"])
    expect(auth, bearer(token), "bad_signature")


def test_embedded_jwk_does_not_disturb_a_good_token(
    auth: Authenticator, rsa_key: rsa.RSAPrivateKey, rsa_other: rsa.RSAPrivateKey
) -> None:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_other.public_key()))
    token = sign(claims(), rsa_key, "RS256", "rsa-1", jwk=jwk, x5c=["MIIB"])
    assert auth.authenticate(bearer(token)).app.name == "dialer"


# -- signatures ---------------------------------------------------------------------------------


def test_public_key_algorithms_succeed(
    auth: Authenticator,
    rsa_key: rsa.RSAPrivateKey,
    ec_key: ec.EllipticCurvePrivateKey,
    ed_key: ed25519.Ed25519PrivateKey,
) -> None:
    for key, alg, kid, app in [
        (rsa_key, "RS256", "rsa-1", "dialer"),
        (ec_key, "ES256", "ec-1", "mobile"),
        (ed_key, "EdDSA", "ed-1", "kiosk"),
    ]:
        caller = auth.authenticate(bearer(sign(claims(sub=f"{app}-svc"), key, alg, kid)))
        assert caller == Caller(
            app=caller.app, kid=kid, subject=f"{app}-svc", token_id="jti-1", expires_at=T0 + 600
        )
        assert caller.app.name == app


def test_hmac_algorithms_succeed(auth: Authenticator) -> None:
    assert auth.authenticate(bearer(sign(claims(), HS384_SECRET, "HS384", "rep-1"))).app.name == (
        "reports"
    )
    assert auth.authenticate(bearer(sign(claims(), HS512_SECRET, "HS512", "bat-1"))).app.name == (
        "batch"
    )


def test_tampered_payload_is_bad_signature(auth: Authenticator) -> None:
    head, _, sig = hs().split(".")
    forged = b64(json.dumps(claims(sub="admin")).encode())
    expect(auth, bearer(f"{head}.{forged}.{sig}"), "bad_signature")


def test_tampered_signature_is_bad_signature(auth: Authenticator) -> None:
    head, body, sig = hs().split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[0] ^= 1
    expect(auth, bearer(f"{head}.{body}.{b64(bytes(raw))}"), "bad_signature")


def test_stripped_signature_is_bad_signature(auth: Authenticator) -> None:
    head, body, _ = hs().split(".")
    expect(auth, bearer(f"{head}.{body}."), "bad_signature")


def test_wrong_secret_for_kid(auth: Authenticator) -> None:
    expect(auth, bearer(hs(secret=OTHER_SECRET)), "bad_signature")


def test_other_apps_secret_for_kid(auth: Authenticator) -> None:
    """The kid decides the key: crm's old secret does not verify under crm's new kid."""
    expect(auth, bearer(hs(kid="crm-2024", secret=HS256_OLD)), "bad_signature")


def test_wrong_rsa_key_for_kid(auth: Authenticator, rsa_other: rsa.RSAPrivateKey) -> None:
    expect(auth, bearer(sign(claims(), rsa_other, "RS256", "rsa-1")), "bad_signature")


def test_wrong_ec_and_ed_keys_for_kid(auth: Authenticator) -> None:
    other_ec = ec.generate_private_key(ec.SECP256R1())
    other_ed = ed25519.Ed25519PrivateKey.generate()
    expect(auth, bearer(sign(claims(), other_ec, "ES256", "ec-1")), "bad_signature")
    expect(auth, bearer(sign(claims(), other_ed, "EdDSA", "ed-1")), "bad_signature")


def test_signature_is_checked_before_claims(auth: Authenticator) -> None:
    """A forged token learns nothing about claim checks (expired, iss, ...)."""
    token = sign(claims(iss="evil", exp=1), OTHER_SECRET, "HS256", "crm-2024")
    expect(auth, bearer(token), "bad_signature")


def test_key_rotation_both_kids_work(auth: Authenticator) -> None:
    old = auth.authenticate(bearer(hs(kid="crm-2023", secret=HS256_OLD)))
    new = auth.authenticate(bearer(hs(kid="crm-2024", secret=HS256_NEW)))
    assert (old.app.name, old.kid) == ("crm", "crm-2023")
    assert (new.app.name, new.kid) == ("crm", "crm-2024")
    assert old.app is new.app


def test_keys_are_prepared_once(
    config: Config, rsa_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = Authenticator(config, clock=FakeClock())

    def no_loading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("key material loaded per request")

    monkeypatch.setattr(jwt.algorithms, "load_pem_public_key", no_loading)
    monkeypatch.setattr(serialization, "load_pem_public_key", no_loading)
    assert auth.authenticate(bearer(sign(claims(), rsa_key, "RS256", "rsa-1"))).kid == "rsa-1"


# -- claims -------------------------------------------------------------------------------------


@pytest.mark.parametrize("claim", ["exp", "iss", "aud"])
def test_missing_required_claim(auth: Authenticator, claim: str) -> None:
    err = expect(auth, bearer(hs(**{claim: _DROP})), "missing_claim")
    assert err.claim == claim  # for the log; the reply names no claim


@pytest.mark.parametrize("claim", ["exp", "iss", "aud"])
def test_null_required_claim(auth: Authenticator, claim: str) -> None:
    expect(auth, bearer(hs(**{claim: _NULL})), "missing_claim")


def test_optional_claims_may_be_absent(auth: Authenticator) -> None:
    caller = auth.authenticate(bearer(hs(sub=_DROP, jti=_DROP, iat=_DROP, nbf=_DROP)))
    assert (caller.subject, caller.token_id, caller.expires_at) == (None, None, T0 + 600)


@pytest.mark.parametrize("iss", ["other", "test", "issuer", "TEST-ISSUER", "test-issuer ", ""])
def test_wrong_issuer(auth: Authenticator, iss: str) -> None:
    expect(auth, bearer(hs(iss=iss)), "bad_issuer")


@pytest.mark.parametrize("iss", [[ISS], 1, {"iss": ISS}])
def test_non_string_issuer(auth: Authenticator, iss: Any) -> None:
    expect(auth, bearer(hs(iss=iss)), "bad_issuer")


@pytest.mark.parametrize(
    "aud", ["other", "test", "gateway", f"{AUD} ", ["other", "x"], 5, [AUD, 5], {"aud": AUD}]
)
def test_wrong_audience(auth: Authenticator, aud: Any) -> None:
    expect(auth, bearer(hs(aud=aud)), "bad_audience")


@pytest.mark.parametrize("aud", ["", []])
def test_empty_audience_is_missing(auth: Authenticator, aud: Any) -> None:
    expect(auth, bearer(hs(aud=aud)), "missing_claim")


def test_audience_list_containing_ours(auth: Authenticator) -> None:
    assert auth.authenticate(bearer(hs(aud=["other", AUD]))).app.name == "crm"
    assert auth.authenticate(bearer(hs(aud=[AUD]))).app.name == "crm"


def test_expired(auth: Authenticator, clock: FakeClock) -> None:
    token = bearer(hs(exp=int(T0) + 600))
    clock.now = T0 + 600 + LEEWAY - 1
    assert auth.authenticate(token).expires_at == T0 + 600
    clock.now = T0 + 600 + LEEWAY
    expect(auth, token, "expired")
    clock.now = T0 + 10 * 86400
    expect(auth, token, "expired")


def test_fake_clock_is_used_not_the_real_one(auth: Authenticator, clock: FakeClock) -> None:
    """A token long expired in real time is valid at the fake time, and vice versa."""
    clock.now = 1000.0
    token = hs(iat=1000, nbf=1000, exp=1600)
    assert auth.authenticate(bearer(token)).expires_at == 1600
    clock.now = 5000.0
    expect(auth, bearer(token), "expired")


def test_not_yet_valid(auth: Authenticator) -> None:
    expect(auth, bearer(hs(nbf=int(T0 + LEEWAY) + 1)), "not_yet_valid")
    assert auth.authenticate(bearer(hs(nbf=int(T0 + LEEWAY)))).app.name == "crm"


def test_iat_in_the_future(auth: Authenticator) -> None:
    expect(auth, bearer(hs(iat=int(T0 + LEEWAY) + 1, nbf=_DROP)), "issued_in_future")
    assert auth.authenticate(bearer(hs(iat=int(T0 + LEEWAY), nbf=_DROP))).app.name == "crm"


def test_lifetime_too_long_from_iat(auth: Authenticator) -> None:
    iat = int(T0) - 100
    too_long = hs(iat=iat, exp=iat + int(MAX_LIFETIME + LEEWAY) + 1)
    expect(auth, bearer(too_long), "lifetime_too_long")
    ok = hs(iat=iat, exp=iat + int(MAX_LIFETIME))
    assert auth.authenticate(bearer(ok)).app.name == "crm"


def test_lifetime_too_long_without_iat(auth: Authenticator) -> None:
    too_long = hs(iat=_DROP, exp=int(T0 + MAX_LIFETIME + LEEWAY) + 1)
    expect(auth, bearer(too_long), "lifetime_too_long")
    ok = hs(iat=_DROP, exp=int(T0 + MAX_LIFETIME))
    assert auth.authenticate(bearer(ok)).app.name == "crm"


def test_far_future_exp_is_lifetime_too_long(auth: Authenticator) -> None:
    expect(auth, bearer(hs(exp=2**62)), "lifetime_too_long")
    expect(auth, bearer(hs(iat=_DROP, exp=1e300)), "lifetime_too_long")


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", ["1700000600", True, [1], {"t": 1}])
def test_non_numeric_times_are_bad_claims(auth: Authenticator, claim: str, value: Any) -> None:
    expect(auth, bearer(hs(**{claim: value})), "bad_claim")


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1" * 400])
def test_non_finite_times_are_bad_claims(auth: Authenticator, claim: str, literal: str) -> None:
    """Python's json accepts NaN/Infinity: NaN would slip through every comparison."""
    body = claims(**{claim: 0})
    text = json.dumps(body).replace(f'"{claim}": 0', f'"{claim}": {literal}')
    token = craft({"alg": "HS256", "kid": "crm-2024", "typ": "JWT"}, text, hs256(HS256_NEW))
    expect(auth, bearer(token), "bad_claim")


def test_float_times_are_accepted(auth: Authenticator) -> None:
    caller = auth.authenticate(bearer(hs(iat=T0 - 0.5, nbf=T0 - 0.5, exp=T0 + 99.25)))
    assert caller.expires_at == T0 + 99.25


@pytest.mark.parametrize("claim", ["sub", "jti"])
@pytest.mark.parametrize("value", [1, ["x"], {"x": 1}, True])
def test_non_string_sub_and_jti_are_bad_claims(auth: Authenticator, claim: str, value: Any) -> None:
    expect(auth, bearer(hs(**{claim: value})), "bad_claim")


# -- Authenticator construction -----------------------------------------------------------------


def test_caller_is_frozen(auth: Authenticator) -> None:
    caller = auth.authenticate(bearer(hs()))
    with pytest.raises(FrozenInstanceError):
        caller.kid = "other"  # type: ignore[misc]


def test_default_clock_is_real_time(config: Config) -> None:
    auth = Authenticator(config)
    assert auth.authenticate(bearer(mint_token(config, "crm", ttl=60))).app.name == "crm"
    expect(auth, bearer(hs()), "expired")  # T0 is in the past


# -- mint_token ---------------------------------------------------------------------------------


def test_mint_token_round_trip(config: Config, auth: Authenticator) -> None:
    token = mint_token(config, "crm", ttl=900, subject="crm-worker-7", now=T0 + 0.75)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT", "kid": "crm-2024"}
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["iss"] == ISS and payload["aud"] == AUD
    assert payload["iat"] == payload["nbf"] == int(T0)
    assert payload["exp"] == int(T0) + 900
    assert isinstance(payload["jti"], str) and len(payload["jti"]) >= 16
    caller = auth.authenticate(bearer(token))
    assert caller == Caller(
        app=config.apps["crm"],
        kid="crm-2024",
        subject="crm-worker-7",
        token_id=payload["jti"],
        expires_at=int(T0) + 900,
    )


def test_mint_token_defaults(config: Config, auth: Authenticator) -> None:
    token = mint_token(config, "crm", now=T0)
    caller = auth.authenticate(bearer(token))
    assert caller.subject == "crm"
    assert caller.expires_at == T0 + 3600
    assert caller.kid == "crm-2024"  # the last-listed (newest) HMAC key


def test_mint_token_jti_is_random(config: Config) -> None:
    jtis = {
        jwt.decode(mint_token(config, "crm", now=T0), options={"verify_signature": False})["jti"]
        for _ in range(20)
    }
    assert len(jtis) == 20


def test_mint_token_with_old_kid_and_other_algs(config: Config, auth: Authenticator) -> None:
    assert auth.authenticate(bearer(mint_token(config, "crm", kid="crm-2023", now=T0))).kid == (
        "crm-2023"
    )
    for app, kid, alg in [("reports", "rep-1", "HS384"), ("batch", "bat-1", "HS512")]:
        token = mint_token(config, app, now=T0)
        assert jwt.get_unverified_header(token)["alg"] == alg
        assert auth.authenticate(bearer(token)).kid == kid


def test_mint_token_max_ttl_is_accepted(config: Config) -> None:
    auth = Authenticator(config, clock=FakeClock(T0 + 0.9))
    token = mint_token(config, "crm", ttl=MAX_LIFETIME, now=T0 + 0.9)
    assert auth.authenticate(bearer(token)).expires_at == int(T0) + MAX_LIFETIME


@pytest.mark.parametrize("app", ["dialer", "mobile", "kiosk"])
def test_mint_token_refuses_public_key_apps(config: Config, app: str) -> None:
    with pytest.raises(ValueError, match="HMAC"):
        mint_token(config, app)


def test_mint_token_refuses_an_rs_kid(config: Config) -> None:
    with pytest.raises(ValueError, match="HMAC"):
        mint_token(config, "dialer", kid="rsa-1")


@pytest.mark.parametrize("ttl", [MAX_LIFETIME + 1, 86400.0, float("inf"), float("nan"), 0.5, 0, -5])
def test_mint_token_refuses_bad_ttl(config: Config, ttl: float) -> None:
    with pytest.raises(ValueError, match="ttl"):
        mint_token(config, "crm", ttl=ttl)


def test_mint_token_refuses_unknown_app_and_kid(config: Config) -> None:
    with pytest.raises(ValueError, match="unknown app"):
        mint_token(config, "nope")
    with pytest.raises(ValueError, match="kid"):
        mint_token(config, "crm", kid="nope")
    with pytest.raises(ValueError, match="kid"):
        mint_token(config, "crm", kid="rep-1")  # another app's key


def test_mint_token_errors_never_contain_secrets(config: Config) -> None:
    for kwargs in [{"kid": "nope"}, {"ttl": 1e9}, {"subject": ""}]:
        with pytest.raises(ValueError) as info:
            mint_token(config, "crm", **kwargs)  # type: ignore[arg-type]
        for secret in SENSITIVE:
            assert secret not in str(info.value)


def test_every_reason_code_is_documented() -> None:
    assert set(REASONS) >= {
        "missing",
        "not_bearer",
        "malformed",
        "unknown_kid",
        "bad_signature",
        "expired",
        "not_yet_valid",
        "bad_issuer",
        "bad_audience",
        "missing_claim",
        "lifetime_too_long",
        "bad_typ",
        "alg_mismatch",
    }


# -- the verified-token cache -------------------------------------------------------------------


def test_a_repeated_token_is_verified_once_then_answered_from_the_cache(
    auth: Authenticator, clock: FakeClock
) -> None:
    token = bearer(sign(claims(), HS256_NEW, "HS256", "crm-2024"))
    first = auth.authenticate(token)
    for _ in range(5):
        assert auth.authenticate(token) is first
    assert (auth.verified, auth.cache_hits) == (1, 5)
    # Another token is verified on its own; a bad one is verified (and refused) every time.
    auth.authenticate(bearer(sign(claims(jti="jti-2"), HS256_NEW, "HS256", "crm-2024")))
    forged = bearer(sign(claims(jti="jti-3"), OTHER_SECRET, "HS256", "crm-2024"))
    expect(auth, forged, "bad_signature")
    expect(auth, forged, "bad_signature")
    assert (auth.verified, auth.cache_hits) == (4, 5)
    # Past exp (with the leeway) the cached answer is dropped: the token is checked again.
    clock.now = T0 + 600 + LEEWAY
    expect(auth, token, "expired")
    assert auth.verified == 5
