"""The rules for the keys that sign apps' tokens: ``apps.<app>.keys`` and ``jwks_file``.

:class:`SigningKeys` checks each key (its algorithm, an HMAC secret's length and strength, a
public key's type and size) and the keys together: kids unique across apps, no HMAC secret
shared by two keys. The algorithm tables are :mod:`gateway.auth`'s too, so a key the config
accepts is one a token can be verified with.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from .config import AppConfig, KeyConfig
from .config_check import Checker
from .config_risks import secret_weakness
from .secrets import Secret, SecretRef

HMAC_ALGS = {"HS256": 32, "HS384": 48, "HS512": 64}  # minimum key bytes (RFC 7518 3.2)
PUBLIC_KEY_ALGS: dict[str, tuple[type, ...]] = {
    "RS256": (rsa.RSAPublicKey,),
    "RS384": (rsa.RSAPublicKey,),
    "RS512": (rsa.RSAPublicKey,),
    "PS256": (rsa.RSAPublicKey,),
    "ES256": (ec.EllipticCurvePublicKey,),
    "ES384": (ec.EllipticCurvePublicKey,),
    "EdDSA": (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey),
}
CURVES = {"ES256": "secp256r1", "ES384": "secp384r1"}


class SigningKeys:
    """Checks the signing keys of the apps of one document, reporting through ``check``."""

    def __init__(self, check: Checker) -> None:
        self.check = check
        self.hmac_secrets: list[tuple[str, Secret]] = []  # (YAML path, secret), in order

    def keys(self, raw: Any, path: str) -> tuple[KeyConfig, ...]:
        check = self.check
        if not isinstance(raw, list) or not raw:
            check.error(path, "must be a non-empty list of keys")
            return ()
        out: list[KeyConfig] = []
        kids: set[str] = set()
        for i, k in enumerate(raw):
            p = f"{path}[{i}]"
            m = check.section(k, p, KeyConfig)
            if m is None or "kid" not in m or "alg" not in m:
                continue
            kid: str = check.settings(m, p, KeyConfig).get("kid", "")
            if kid in kids:
                check.error(f"{p}.kid", f"duplicate kid {kid!r}")
            kids.add(kid)
            alg = m["alg"]
            known = alg if isinstance(alg, str) else ""  # a list or mapping names no algorithm
            if known in HMAC_ALGS:
                key = self.hmac_key(m, p, alg)
                if key is not None:
                    out.append(KeyConfig(kid, alg, secret=key))
            elif known in PUBLIC_KEY_ALGS:
                pem = self.public_key(m, p, alg)
                if pem is not None:
                    out.append(KeyConfig(kid, alg, public_key=pem))
            else:
                allowed = ", ".join([*HMAC_ALGS, *PUBLIC_KEY_ALGS])
                check.error(f"{p}.alg", f"unsupported algorithm {alg!r} (allowed: {allowed})")
        return tuple(out)

    def hmac_key(self, m: dict[str, Any], path: str, alg: str) -> Secret | None:
        check = self.check
        if "public_key" in m or "secret" not in m:
            check.error(path, f"{alg} keys take 'secret' (and no 'public_key')")
            return None
        got = check.secret(m["secret"], f"{path}.secret")
        if got is None:
            return None
        value, need = got[0].reveal().encode(), HMAC_ALGS[alg]
        if len(value) < need:
            check.error(f"{path}.secret", f"{alg} needs a secret of at least {need} bytes")
            return None
        weakness = secret_weakness(value)
        if weakness is not None:
            check.warnings.append(
                f"{path}.secret: weak HMAC secret ({weakness}); use at least 32 random bytes, "
                "e.g. from `openssl rand -base64 48`"
            )
        self.hmac_secrets.append((f"{path}.secret", got[0]))
        return got[0]

    def public_key(
        self, m: dict[str, Any], path: str, alg: str, *, literal_ok: bool = False
    ) -> Secret | None:
        check = self.check
        if "secret" in m or "public_key" not in m:
            check.error(path, f"{alg} keys take 'public_key' (PEM) and no 'secret'")
            return None
        # A public key is no secret: inline PEM (or one from a JWKS file) needs no warning.
        got = (
            (Secret(m["public_key"]), SecretRef("literal", ""))
            if literal_ok
            else check.secret(m["public_key"], f"{path}.public_key", kind="public_key")
        )
        if got is None:
            return None
        try:
            key = load_pem_public_key(got[0].reveal().encode())
        except (ValueError, TypeError):
            check.error(f"{path}.public_key", "is not a PEM public key")
            return None
        if not isinstance(key, PUBLIC_KEY_ALGS[alg]):
            check.error(f"{path}.public_key", f"key type does not fit {alg}")
            return None
        if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
            check.error(f"{path}.public_key", f"RSA keys need >= 2048 bits, got {key.key_size}")
            return None
        if (
            alg in CURVES
            and isinstance(key, ec.EllipticCurvePublicKey)
            and key.curve.name != CURVES[alg]
        ):
            check.error(f"{path}.public_key", f"{alg} needs a {CURVES[alg]} key")
            return None
        return got[0]

    def jwks(self, file: Path, path: str) -> tuple[KeyConfig, ...]:
        """Public keys of a JWKS document (RFC 7517); each must name its kid and alg."""
        check = self.check
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            check.error(path, f"cannot read {file}: {exc.strerror}")
            return ()
        except ValueError:
            check.error(path, f"{file} is not JSON")
            return ()
        if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
            check.error(path, 'must hold a JSON object with a "keys" list')
            return ()
        out: list[KeyConfig] = []
        for i, jwk in enumerate(doc["keys"]):
            where = f"{path} keys[{i}]"
            if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str) or not jwk["kid"]:
                check.error(where, "needs a kid")
                continue
            alg = jwk.get("alg")
            if not isinstance(alg, str) or alg not in PUBLIC_KEY_ALGS:
                check.error(where, f"needs alg, one of {', '.join(PUBLIC_KEY_ALGS)}")
                continue
            if jwk.get("use", "sig") != "sig" or "d" in jwk or jwk.get("kty") == "oct":
                check.error(where, "must be a public signing key")
                continue
            try:
                key = jwt.PyJWK(jwk, algorithm=alg).key
                pem = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            except (jwt.PyJWTError, ValueError, TypeError, AttributeError):
                check.error(where, "is not a usable public key")
                continue
            checked = self.public_key({"public_key": pem.decode()}, where, alg, literal_ok=True)
            if checked is not None:
                out.append(KeyConfig(jwk["kid"], alg, public_key=checked))
        return tuple(out)

    def distinct_hmac_secrets(self) -> None:
        """Each HMAC key has a secret of its own: whoever holds a key's secret can mint tokens
        under every key that shares it, so two apps sharing one could act as each other."""
        for i, (path, secret) in enumerate(self.hmac_secrets):
            for other_path, other in self.hmac_secrets[:i]:
                if hmac.compare_digest(secret.reveal().encode(), other.reveal().encode()):
                    same_app = _key_owner(path) == _key_owner(other_path)
                    why = (
                        "a new key needs a new secret"
                        if same_app
                        else "whoever holds it can mint tokens for both apps"
                    )
                    self.check.error(path, f"the same HMAC secret as {other_path} ({why})")
                    break

    def unique_kids(self, apps: Mapping[str, AppConfig]) -> None:
        """A token's ``kid`` names the key and with it the app, so kids are unique overall."""
        owner: dict[str, str] = {}
        for app in apps.values():
            for key in app.keys:
                if key.kid in owner and owner[key.kid] != app.name:
                    self.check.error(
                        f"apps.{app.name}.keys",
                        f"kid {key.kid!r} is already used by app {owner[key.kid]!r}",
                    )
                owner.setdefault(key.kid, app.name)


def _key_owner(path: str) -> str:
    """``apps.crm`` for ``apps.crm.keys[0].secret`` (app names cannot hold a ``[``)."""
    return path.rsplit(".keys[", 1)[0]
