"""The signing-key rules: each key of apps.<app>.keys and each JWKS entry is checked alone, and
the keys of all apps together (kids unique, no HMAC secret shared)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from gateway.config import AppConfig, KeyConfig
from gateway.config_check import Checker
from gateway.config_keys import CURVES, HMAC_ALGS, PUBLIC_KEY_ALGS, SigningKeys
from gateway.secrets import Secret

from .conftest import CRM_SECRET, REPORTS_SECRET

ALLOWED = "HS256, HS384, HS512, RS256, RS384, RS512, PS256, ES256, ES384, EdDSA"
Private = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


def pem(key: Private) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def jwk(key: Private, kid: str, alg: str) -> dict[str, Any]:
    return {**_public_jwk(key), "kid": kid, "alg": alg}


def _public_jwk(key: Private) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        return json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    return json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def p256() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def rules() -> tuple[Checker, SigningKeys]:
    check = Checker(None)
    return check, SigningKeys(check)


def test_the_tables_agree() -> None:
    assert set(CURVES) <= set(PUBLIC_KEY_ALGS)
    assert not set(HMAC_ALGS) & set(PUBLIC_KEY_ALGS)
    assert ", ".join([*HMAC_ALGS, *PUBLIC_KEY_ALGS]) == ALLOWED
    # RFC 7518 3.2: an HMAC key at least as long as the hash.
    assert HMAC_ALGS == {"HS256": 32, "HS384": 48, "HS512": 64}


def test_hmac_and_public_keys_are_built(p256: ec.EllipticCurvePrivateKey) -> None:
    check, signing = rules()
    keys = signing.keys(
        [
            {"kid": "a", "alg": "HS256", "secret": CRM_SECRET},
            {"kid": "b", "alg": "ES256", "public_key": pem(p256)},
        ],
        "apps.crm.keys",
    )
    assert check.errors == []
    assert keys == (
        KeyConfig("a", "HS256", secret=Secret(CRM_SECRET)),
        KeyConfig("b", "ES256", public_key=Secret(pem(p256))),
    )
    assert signing.hmac_secrets == [("apps.crm.keys[0].secret", Secret(CRM_SECRET))]


@pytest.mark.parametrize("raw", [None, [], {"kid": "a"}, "HS256"])
def test_keys_must_be_a_non_empty_list(raw: Any) -> None:
    check, signing = rules()
    assert signing.keys(raw, "apps.crm.keys") == ()
    assert check.errors == ["apps.crm.keys: must be a non-empty list of keys"]


@pytest.mark.parametrize("alg", ["none", "HS1024", [], ["HS256"], {"HS256": 1}, 256, None])
def test_an_algorithm_not_in_the_tables_is_refused_by_name(alg: Any) -> None:
    """Whatever YAML gives as ``alg`` (a list or a mapping too) is an error, not a crash."""
    check, signing = rules()
    key = {"kid": "a", "alg": alg, "secret": CRM_SECRET}
    assert signing.keys([key], "apps.crm.keys") == ()
    assert check.errors == [
        f"apps.crm.keys[0].alg: unsupported algorithm {alg!r} (allowed: {ALLOWED})"
    ]


def test_a_kid_given_twice_in_one_app_is_refused() -> None:
    check, signing = rules()
    signing.keys(
        [
            {"kid": "a", "alg": "HS256", "secret": CRM_SECRET},
            {"kid": "a", "alg": "HS512", "secret": REPORTS_SECRET * 2},
        ],
        "apps.crm.keys",
    )
    assert check.errors == ["apps.crm.keys[1].kid: duplicate kid 'a'"]


@pytest.mark.parametrize(("alg", "need"), sorted(HMAC_ALGS.items()))
def test_an_hmac_secret_shorter_than_its_hash_is_refused(alg: str, need: int) -> None:
    check, signing = rules()
    secret = (CRM_SECRET * 2)[: need - 1]
    assert signing.keys([{"kid": "a", "alg": alg, "secret": secret}], "k") == ()
    assert check.errors == [f"k[0].secret: {alg} needs a secret of at least {need} bytes"]
    assert signing.keys([{"kid": "b", "alg": alg, "secret": (CRM_SECRET * 2)[:need]}], "k")
    assert len(check.errors) == 1
    assert secret not in "".join(check.errors + check.warnings)


@pytest.mark.parametrize(
    ("secret", "why"), [("a" * 32, "low entropy"), ("0123456789" * 4, "a repeated block")]
)
def test_a_weak_hmac_secret_is_warned_about_without_its_value(secret: str, why: str) -> None:
    check, signing = rules()
    assert signing.keys([{"kid": "a", "alg": "HS256", "secret": secret}], "k")
    assert check.errors == []
    assert f"k[0].secret: weak HMAC secret ({why}); use at least 32 random bytes" in "".join(
        check.warnings
    )
    assert all(secret not in w for w in check.warnings)


def test_an_hmac_key_takes_a_secret_and_a_public_key_takes_a_pem(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    check, signing = rules()
    signing.keys(
        [
            {"kid": "a", "alg": "HS256", "secret": CRM_SECRET, "public_key": pem(p256)},
            {"kid": "b", "alg": "HS256"},
            {"kid": "c", "alg": "ES256", "secret": CRM_SECRET},
            {"kid": "d", "alg": "ES256", "public_key": "-----BEGIN PUBLIC KEY-----\nAAAA\n"},
        ],
        "k",
    )
    assert check.errors == [
        "k[0]: HS256 keys take 'secret' (and no 'public_key')",
        "k[1]: HS256 keys take 'secret' (and no 'public_key')",
        "k[2]: ES256 keys take 'public_key' (PEM) and no 'secret'",
        "k[3].public_key: is not a PEM public key",
    ]


def test_a_public_key_must_fit_its_algorithm(
    rsa_key: rsa.RSAPrivateKey, p256: ec.EllipticCurvePrivateKey
) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    p384 = ec.generate_private_key(ec.SECP384R1())
    ed = ed25519.Ed25519PrivateKey.generate()
    check, signing = rules()
    keys = signing.keys(
        [
            {"kid": "a", "alg": "RS256", "public_key": pem(p256)},
            {"kid": "b", "alg": "RS256", "public_key": pem(small)},
            {"kid": "c", "alg": "ES256", "public_key": pem(p384)},
            {"kid": "d", "alg": "ES384", "public_key": pem(p256)},
            {"kid": "e", "alg": "EdDSA", "public_key": pem(rsa_key)},
            {"kid": "f", "alg": "PS256", "public_key": pem(rsa_key)},
            {"kid": "g", "alg": "ES384", "public_key": pem(p384)},
            {"kid": "h", "alg": "EdDSA", "public_key": pem(ed)},
        ],
        "k",
    )
    assert check.errors == [
        "k[0].public_key: key type does not fit RS256",
        "k[1].public_key: RSA keys need >= 2048 bits, got 1024",
        "k[2].public_key: ES256 needs a secp256r1 key",
        "k[3].public_key: ES384 needs a secp384r1 key",
        "k[4].public_key: key type does not fit EdDSA",
    ]
    assert [k.kid for k in keys] == ["f", "g", "h"]
    assert check.warnings == []  # a public key written inline is no secret


def test_a_public_key_file_must_not_be_writable_by_others(
    tmp_path: Path, p256: ec.EllipticCurvePrivateKey
) -> None:
    (tmp_path / "k.pem").write_text(pem(p256))
    (tmp_path / "k.pem").chmod(0o666)
    check = Checker(tmp_path)
    keys = SigningKeys(check).keys(
        [{"kid": "a", "alg": "ES256", "public_key": {"file": "k.pem"}}], "k"
    )
    assert len(keys) == 1 and check.errors == []
    assert check.files == [tmp_path / "k.pem"]
    assert check.warnings == [
        f"k[0].public_key: key file {tmp_path / 'k.pem'} is writable by group or others "
        "(mode 0666); whoever can write it decides whom the gateway trusts (chmod 644)"
    ]


# --- JWKS files -----------------------------------------------------------------------------


def jwks(tmp_path: Path, doc: Any) -> tuple[Checker, tuple[KeyConfig, ...]]:
    path = tmp_path / "jwks.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    check, signing = rules()
    return check, signing.jwks(path, "apps.m.jwks_file")


def test_the_public_keys_of_a_jwks_file_are_read(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, p256: ec.EllipticCurvePrivateKey
) -> None:
    check, keys = jwks(
        tmp_path,
        {"keys": [jwk(rsa_key, "r", "RS256"), jwk(p256, "e", "ES256") | {"use": "sig"}]},
    )
    assert check.errors == [] and check.warnings == []
    assert [(k.kid, k.alg, k.secret) for k in keys] == [("r", "RS256", None), ("e", "ES256", None)]
    assert keys[0].public_key == Secret(pem(rsa_key))
    assert keys[1].public_key == Secret(pem(p256))


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        ("{not json", "apps.m.jwks_file: {file} is not JSON"),
        ([], 'apps.m.jwks_file: must hold a JSON object with a "keys" list'),
        ({"keys": {}}, 'apps.m.jwks_file: must hold a JSON object with a "keys" list'),
        ({"keys": ["x"]}, "apps.m.jwks_file keys[0]: needs a kid"),
        ({"keys": [{"kid": ""}]}, "apps.m.jwks_file keys[0]: needs a kid"),
        (
            {"keys": [{"kid": "a", "alg": "HS256"}]},
            "apps.m.jwks_file keys[0]: needs alg, one of RS256, RS384, RS512, PS256, ES256, "
            "ES384, EdDSA",
        ),
        (
            {"keys": [{"kid": "a", "alg": ["ES256"]}]},
            "apps.m.jwks_file keys[0]: needs alg, one of RS256, RS384, RS512, PS256, ES256, "
            "ES384, EdDSA",
        ),
        (
            {"keys": [{"kid": "a", "alg": "ES256", "kty": "oct", "k": "AAAA"}]},
            "apps.m.jwks_file keys[0]: must be a public signing key",
        ),
        (
            {"keys": [{"kid": "a", "alg": "ES256", "use": "enc"}]},
            "apps.m.jwks_file keys[0]: must be a public signing key",
        ),
        (
            {"keys": [{"kid": "a", "alg": "ES256", "kty": "EC", "crv": "P-256", "x": "AA"}]},
            "apps.m.jwks_file keys[0]: is not a usable public key",
        ),
    ],
)
def test_a_jwks_file_problem_is_named(tmp_path: Path, doc: Any, error: str) -> None:
    check, keys = jwks(tmp_path, doc)
    assert keys == ()
    assert check.errors == [error.format(file=tmp_path / "jwks.json")]


def test_a_private_key_in_a_jwks_file_is_refused(
    tmp_path: Path, p256: ec.EllipticCurvePrivateKey
) -> None:
    private = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(p256))
    check, keys = jwks(tmp_path, {"keys": [jwk(p256, "e", "ES256") | {"d": private["d"]}]})
    assert keys == ()
    assert check.errors == ["apps.m.jwks_file keys[0]: must be a public signing key"]
    assert private["d"] not in "".join(check.errors)


def test_a_jwks_key_must_fit_its_algorithm(
    tmp_path: Path, p256: ec.EllipticCurvePrivateKey
) -> None:
    check, keys = jwks(tmp_path, {"keys": [jwk(p256, "e", "ES384")]})
    assert keys == ()
    assert check.errors == ["apps.m.jwks_file keys[0].public_key: ES384 needs a secp384r1 key"]


def test_an_unreadable_jwks_file_is_named(tmp_path: Path) -> None:
    check, signing = rules()
    assert signing.jwks(tmp_path / "none.json", "apps.m.jwks_file") == ()
    assert check.errors == [
        f"apps.m.jwks_file: cannot read {tmp_path / 'none.json'}: No such file or directory"
    ]


# --- the keys of all apps together ------------------------------------------------------------


def test_an_hmac_secret_shared_between_keys_is_refused_once_per_later_key() -> None:
    check, signing = rules()
    signing.keys([{"kid": "a", "alg": "HS256", "secret": CRM_SECRET}], "apps.crm.keys")
    signing.keys(
        [
            {"kid": "b", "alg": "HS256", "secret": CRM_SECRET},
            {"kid": "c", "alg": "HS256", "secret": REPORTS_SECRET},
        ],
        "apps.reports.keys",
    )
    signing.keys(
        [
            {"kid": "d", "alg": "HS384", "secret": CRM_SECRET * 2},
            {"kid": "e", "alg": "HS384", "secret": CRM_SECRET * 2},
        ],
        "apps.other.keys",
    )
    signing.distinct_hmac_secrets()
    assert check.errors == [
        "apps.reports.keys[0].secret: the same HMAC secret as apps.crm.keys[0].secret "
        "(whoever holds it can mint tokens for both apps)",
        "apps.other.keys[1].secret: the same HMAC secret as apps.other.keys[0].secret "
        "(a new key needs a new secret)",
    ]
    assert CRM_SECRET not in "".join(check.errors)


def _app(name: str, *kids: str) -> AppConfig:
    keys = tuple(KeyConfig(kid, "HS256", secret=Secret(CRM_SECRET)) for kid in kids)
    return AppConfig(name, keys, "main", name, frozenset({"version"}))


def test_a_kid_names_one_app_only() -> None:
    check, signing = rules()
    signing.unique_kids(
        {
            "crm": _app("crm", "k1", "k2"),
            "reports": _app("reports", "k3", "k1"),
            "x": _app("x", "k3"),
        }
    )
    assert check.errors == [
        "apps.reports.keys: kid 'k1' is already used by app 'crm'",
        "apps.x.keys: kid 'k3' is already used by app 'reports'",
    ]
