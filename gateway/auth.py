"""Caller authentication: ``Authorization: Bearer <JWT>`` → which app is calling.

This is the first step of the data path. Every request is authenticated here before anything
else looks at it: :meth:`Authenticator.authenticate` turns the ``Authorization`` header into a
:class:`Caller` (the app, with its allowlist, and the token's subject/id/expiry) or raises
:class:`~gateway.errors.Unauthorized`. Only then are the app's allowlist and parameter rules
applied and VICIdial called with the server-side credentials.

Rules (RFC 8725, JWT best current practice):

* Only ``Authorization: Bearer <token>``: the scheme is case-insensitive, exactly one token
  follows, and the token is at most :data:`MAX_TOKEN_CHARS` characters of compact JWS
  (``base64url.base64url.base64url``) -- checked before anything is decoded.
* The unverified header is read only for ``kid`` (required, a string). The key comes only from
  configuration, through an index ``kid → (app, key)`` built once in ``__init__``; kids are
  unique across apps, so the kid also names the app. Key material is prepared once (HMAC bytes or
  loaded public-key objects). ``jku``, ``x5u``, ``jwk`` and ``x5c`` headers are ignored: never
  fetched, never used. Tokens with ``crit`` are refused (no extension is understood).
* The algorithm is the configured key's ``alg``, never the token's: PyJWT gets
  ``algorithms=[key.alg]`` and a token whose ``alg`` differs (``none``; ``HS256`` "signed" with an
  RSA public key used as an HMAC secret; ...) is refused before the signature is looked at.
  ``typ``, when present, must be ``JWT`` or ``at+jwt`` (case-insensitive, optional
  ``application/`` prefix).
* PyJWT verifies the signature (HMAC comparisons are constant time there) and the ``iss``/``aud``
  claims; ``iss``/``aud`` are checked here again with exact matching. ``exp``, ``iss`` and ``aud``
  are required; ``aud`` may be a list containing the configured audience.
* Every time check uses the injectable clock (PyJWT's own time checks are switched off because
  they read the real clock): ``exp`` (expired once ``now >= exp + leeway``), ``nbf`` and ``iat``
  when present (not after ``now + leeway``), and the lifetime cap
  ``exp - (iat or now) <= max_token_lifetime + leeway``. Times must be finite numbers.
* Every failure is :class:`~gateway.errors.Unauthorized` with a ``reason`` (a stable code, see
  :data:`REASONS`; ``missing`` when no header came, ``not_bearer`` for another scheme or a token
  without ``Bearer``) and a ``WWW-Authenticate`` header (``Bearer`` when no bearer credentials
  were sent, ``Bearer error="invalid_token"`` otherwise, RFC 6750 §3). The caller is only told
  "invalid token": the reason goes to the log and the ``auth_failures`` metric, so a refusal
  does not tell an unknown ``kid`` from a bad signature. Nothing raised here contains the token,
  a header value from it, a key or a secret.

:func:`mint_token` issues tokens for apps with an HMAC key in the config (demos, tests, the CLI);
:func:`sign_token` signs with any key material the gateway accepts (an HMAC secret, or the
private half of a configured public key), so it needs no config at all. An
:class:`Authenticator` is immutable: build a new one when the configuration is reloaded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NoReturn, TypeAlias

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from jwt.algorithms import get_default_algorithms

from .config import AppConfig, AuthConfig, Config, KeyConfig
from .config_keys import CURVES, HMAC_ALGS, PUBLIC_KEY_ALGS
from .errors import Unauthorized

__all__ = [
    "MAX_TOKEN_CHARS",
    "REASONS",
    "SIGNING_ALGS",
    "Authenticator",
    "Caller",
    "mint_app_token",
    "mint_token",
    "sign_token",
]

#: Algorithms a token may be signed with (the ones a configured key may have).
SIGNING_ALGS: tuple[str, ...] = (*HMAC_ALGS, *PUBLIC_KEY_ALGS)

#: Longest accepted token (characters of the compact serialization), checked before decoding.
MAX_TOKEN_CHARS = 8192

#: Every ``reason`` code :meth:`Authenticator.authenticate` can raise, with its meaning.
REASONS: Mapping[str, str] = MappingProxyType(
    {
        "missing": "no Authorization header (or an empty one)",
        "not_bearer": "the Authorization header must be Bearer <token> (another scheme, or a "
        "token without the Bearer prefix)",
        "malformed": "Authorization header or token is not well-formed",
        "token_too_large": f"token longer than {MAX_TOKEN_CHARS} characters",
        "missing_kid": "token header has no kid",
        "unknown_kid": "kid does not name a configured key",
        "bad_typ": "typ header is not JWT or at+jwt",
        "unsupported_header": "token header carries crit (no extension is supported)",
        "alg_mismatch": "token alg differs from the configured key's alg",
        "bad_signature": "signature does not verify with the configured key",
        "missing_claim": "exp, iss or aud is missing",
        "bad_claim": "a claim has the wrong type (times must be finite numbers, sub/jti strings)",
        "bad_issuer": "iss is not the configured issuer",
        "bad_audience": "aud is not (and does not contain) the configured audience",
        "revoked": "the token's jti is on the revocation list (auth.revoked_jti)",
        "expired": "exp has passed",
        "not_yet_valid": "nbf is in the future",
        "issued_in_future": "iat is in the future",
        "lifetime_too_long": "exp - iat (or exp - now) exceeds auth.max_token_lifetime",
    }
)

# Compact JWS: three base64url segments. The signature is allowed to be empty here so that an
# unsigned ``alg: none`` token is logged with the precise ``alg_mismatch`` reason.
_COMPACT_JWS_RE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_TYPES = frozenset({"jwt", "at+jwt"})
_REQUIRED_CLAIMS = ("exp", "iss", "aud")

_PUBLIC_KEY_TYPES = (
    rsa.RSAPublicKey,
    ec.EllipticCurvePublicKey,
    ed25519.Ed25519PublicKey,
    ed448.Ed448PublicKey,
)
_VerifyKey: TypeAlias = (
    bytes
    | rsa.RSAPublicKey
    | ec.EllipticCurvePublicKey
    | ed25519.Ed25519PublicKey
    | ed448.Ed448PublicKey
)


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: the app the token's key belongs to, and token facts."""

    app: AppConfig
    kid: str
    subject: str | None
    token_id: str | None  # jti
    expires_at: float


@dataclass(frozen=True, slots=True)
class _Entry:
    app: AppConfig
    key: KeyConfig
    verify_key: _VerifyKey


def _fail(reason: str, *, claim: str | None = None) -> NoReturn:
    # No bearer credentials came (RFC 6750 §3.1): the challenge carries no error code.
    challenge = "Bearer" if reason in ("missing", "not_bearer") else 'Bearer error="invalid_token"'
    raise Unauthorized(reason, claim=claim, challenge=challenge)


def _prepare_key(app: AppConfig, key: KeyConfig) -> _VerifyKey:
    """The verification key object for ``key``, prepared (and checked) by PyJWT once."""
    where = f"apps.{app.name}.keys kid {key.kid!r}"
    algorithm = get_default_algorithms().get(key.alg)
    if algorithm is None:
        raise ValueError(f"{where}: unsupported algorithm {key.alg!r}")
    material = key.secret if key.secret is not None else key.public_key
    if material is None:
        raise ValueError(f"{where}: no key material")
    try:
        prepared = algorithm.prepare_key(material.reveal().encode())
    except (jwt.PyJWTError, ValueError, TypeError):
        raise ValueError(f"{where}: key cannot be used for {key.alg}") from None
    if key.secret is not None and isinstance(prepared, bytes):
        return prepared
    if key.public_key is not None and isinstance(prepared, _PUBLIC_KEY_TYPES):
        return prepared
    raise ValueError(f"{where}: key cannot be used for {key.alg} (a public key is required)")


def _number(payload: Mapping[str, Any], claim: str) -> float | None:
    """A NumericDate claim as a finite float, None when absent; ``bad_claim`` otherwise."""
    if claim not in payload:
        return None
    value = payload[claim]
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail("bad_claim", claim=claim)
    try:
        number = float(value)
    except OverflowError:
        _fail("bad_claim", claim=claim)
    if not math.isfinite(number):
        _fail("bad_claim", claim=claim)
    return number


def _optional_str(payload: Mapping[str, Any], claim: str) -> str | None:
    value = payload.get(claim)
    if value is not None and not isinstance(value, str):
        _fail("bad_claim", claim=claim)
    return value


class Authenticator:
    """Verifies bearer JWTs against the keys in a :class:`~gateway.config.Config`."""

    def __init__(self, config: Config, *, clock: Callable[[], float] = time.time) -> None:
        self._issuer = config.auth.issuer
        self._audience = config.auth.audience
        self._max_lifetime = config.auth.max_token_lifetime
        self._leeway = config.auth.leeway
        self._clock = clock
        index: dict[str, _Entry] = {}
        for app in config.apps.values():
            for key in app.keys:
                if key.kid in index:  # config validation already refuses this
                    raise ValueError(f"kid {key.kid!r} is configured more than once")
                index[key.kid] = _Entry(app, key, _prepare_key(app, key))
        self._keys: Mapping[str, _Entry] = index
        self._revoked = config.auth.revoked_jti
        self._cache_size = config.auth.token_cache_size
        # SHA-256 of a verified token -> its Caller; least recently used first.
        self._cache: OrderedDict[bytes, Caller] = OrderedDict()
        #: Signature checks made (one per token not answered from the cache), and cache answers.
        self.verified = 0
        self.cache_hits = 0

    def authenticate(self, authorization: str | None) -> Caller:
        """Verify the ``Authorization`` header value; return the caller or raise Unauthorized.

        A token verified before is answered from a bounded cache until its ``exp`` (with the
        leeway): the signature and claims of that exact token string were checked then, and an
        Authenticator's keys and revocation list never change (a reload builds a new one).
        """
        token = self._bearer_token(authorization)
        digest = hashlib.sha256(token.encode()).digest()
        cached = self._cache.get(digest)
        if cached is not None:
            if self._clock() < cached.expires_at + self._leeway:
                self._cache.move_to_end(digest)
                self.cache_hits += 1
                return cached
            del self._cache[digest]
        entry = self._entry_for(token)
        self.verified += 1
        payload = self._verify(token, entry)
        caller = self._check_claims(payload, entry)
        if self._cache_size:
            self._cache[digest] = caller
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return caller

    # -- steps ----------------------------------------------------------------------------------

    @staticmethod
    def _bearer_token(authorization: str | None) -> str:
        if authorization is None or not authorization.strip():
            _fail("missing")
        if len(authorization) > MAX_TOKEN_CHARS + 64:
            _fail("token_too_large")
        parts = authorization.split()
        if parts[0].lower() != "bearer":
            # Another scheme, or a bare token: credentials came, but not as Bearer ones.
            _fail("not_bearer")
        if len(parts) != 2:
            _fail("malformed")
        token = parts[1]
        if len(token) > MAX_TOKEN_CHARS:
            _fail("token_too_large")
        if not _COMPACT_JWS_RE.fullmatch(token):
            _fail("malformed")
        return token

    def _entry_for(self, token: str) -> _Entry:
        # Parsed here rather than with jwt.get_unverified_header() so that the reason codes do
        # not depend on the PyJWT version's header checks; PyJWT parses it again (strictly).
        segment = token.split(".", 1)[0]
        try:
            header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        except (ValueError, RecursionError):  # binascii.Error, JSON and UTF decoding errors
            _fail("malformed")
        if not isinstance(header, dict):
            _fail("malformed")
        if "kid" not in header:
            _fail("missing_kid")
        kid = header["kid"]
        if not isinstance(kid, str):
            _fail("malformed")
        entry = self._keys.get(kid)
        if entry is None:
            _fail("unknown_kid")
        if "crit" in header:
            _fail("unsupported_header")
        typ = header.get("typ")
        if typ is not None:
            if not isinstance(typ, str):
                _fail("bad_typ")
            typ = typ.lower().removeprefix("application/")
            if typ not in _TYPES:
                _fail("bad_typ")
        # jku / x5u / jwk / x5c are deliberately not read: the key comes from config only.
        if header.get("alg") != entry.key.alg:
            _fail("alg_mismatch")
        return entry

    def _verify(self, token: str, entry: _Entry) -> dict[str, Any]:
        """Signature (with the configured key and alg only), required claims, iss and aud."""
        try:
            payload = jwt.decode(
                token,
                entry.verify_key,
                algorithms=[entry.key.alg],
                options={
                    "verify_signature": True,
                    "require": list(_REQUIRED_CLAIMS),
                    "verify_aud": True,
                    "verify_iss": True,
                    # Checked in _check_claims with the injectable clock.
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_sub": False,
                    "verify_jti": False,
                },
                audience=self._audience,
                issuer=self._issuer,
            )
        except jwt.InvalidSignatureError:  # before DecodeError: it is a subclass
            _fail("bad_signature")
        except jwt.InvalidAlgorithmError:
            _fail("alg_mismatch")
        except jwt.MissingRequiredClaimError as exc:
            _fail("missing_claim", claim=exc.claim if exc.claim in _REQUIRED_CLAIMS else None)
        except jwt.InvalidAudienceError:
            _fail("bad_audience")
        except jwt.InvalidIssuerError:
            _fail("bad_issuer")
        except jwt.DecodeError:
            _fail("malformed")
        except jwt.InvalidTokenError:
            _fail("bad_claim")
        except (jwt.PyJWTError, ValueError, TypeError, RecursionError):
            _fail("malformed")
        if not isinstance(payload, dict):
            _fail("malformed")
        return payload

    def _check_claims(self, payload: dict[str, Any], entry: _Entry) -> Caller:
        for claim in _REQUIRED_CLAIMS:
            # An empty audience is no audience (as PyJWT sees it too).
            if payload.get(claim) is None or (claim == "aud" and payload[claim] in ("", [])):
                _fail("missing_claim", claim=claim)
        # PyJWT checked these already; exact matching again, independent of its version.
        if not isinstance(payload["iss"], str) or payload["iss"] != self._issuer:
            _fail("bad_issuer")
        aud = payload["aud"]
        if isinstance(aud, str):
            aud = [aud]
        if (
            not isinstance(aud, list)
            or not all(isinstance(a, str) for a in aud)
            or self._audience not in aud
        ):
            _fail("bad_audience")

        exp = _number(payload, "exp")
        nbf = _number(payload, "nbf")
        iat = _number(payload, "iat")
        assert exp is not None  # required above
        subject = _optional_str(payload, "sub")
        token_id = _optional_str(payload, "jti")

        now = self._clock()
        leeway = self._leeway
        if now >= exp + leeway:
            _fail("expired")
        if nbf is not None and nbf > now + leeway:
            _fail("not_yet_valid")
        if iat is not None and iat > now + leeway:
            _fail("issued_in_future")
        start = iat if iat is not None else now
        if exp - start > self._max_lifetime + leeway:
            _fail("lifetime_too_long")
        if token_id is not None and token_id in self._revoked:
            _fail("revoked")

        return Caller(
            app=entry.app,
            kid=entry.key.kid,
            subject=subject,
            token_id=token_id,
            expires_at=exp,
        )


def mint_token(
    config: Config,
    app: str,
    *,
    kid: str | None = None,
    ttl: float = 3600.0,
    subject: str | None = None,
    now: float | None = None,
) -> str:
    """Issue a token for ``app`` signed with one of its HMAC keys in ``config``.

    See :func:`mint_app_token`; raises ValueError for an unknown app too.
    """
    app_config = config.apps.get(app)
    if app_config is None:
        raise ValueError(f"unknown app {app!r}")
    return mint_app_token(
        config.auth, app, app_config.keys, kid=kid, ttl=ttl, subject=subject, now=now
    )


def mint_app_token(
    auth: AuthConfig,
    app: str,
    keys: Sequence[KeyConfig],
    *,
    kid: str | None = None,
    ttl: float = 3600.0,
    subject: str | None = None,
    now: float | None = None,
) -> str:
    """Issue a token for ``app`` signed with one of its HMAC ``keys``.

    ``kid`` defaults to the app's last-listed HMAC key (the newest, when rotating by appending a
    key). The claims are those of :func:`sign_token`, with ``sub`` defaulting to the app name.

    Raises ValueError for an unknown kid, a key without an HMAC secret (public keys cannot
    sign), or a ``ttl`` below 1 second or above ``auth.max_token_lifetime``.
    """
    if kid is None:
        hmac_keys = [k for k in keys if k.secret is not None]
        if not hmac_keys:
            raise ValueError(f"app {app!r} has no HMAC key to sign with")
        key = hmac_keys[-1]
    else:
        found = [k for k in keys if k.kid == kid]
        if not found:
            raise ValueError(f"app {app!r} has no key with kid {kid!r}")
        key = found[0]
    if key.secret is None:
        raise ValueError(
            f"key {key.kid!r} is {key.alg} (public key only); sign with the app's private key "
            "(vicigw token --key-file) or use an HMAC key"
        )
    return sign_token(
        key.secret.reveal(),
        key.alg,
        key.kid,
        issuer=auth.issuer,
        audience=auth.audience,
        ttl=ttl,
        max_lifetime=auth.max_token_lifetime,
        max_lifetime_name="auth.max_token_lifetime",
        subject=app if subject is None else subject,
        now=now,
    )


def sign_token(
    key: str,
    alg: str,
    kid: str,
    *,
    issuer: str,
    audience: str,
    ttl: float,
    max_lifetime: float,
    max_lifetime_name: str = "the maximum lifetime",
    subject: str | None = None,
    now: float | None = None,
) -> str:
    """A token the gateway accepts for the key ``kid``: ``key`` is the HMAC secret (HS*) or the
    PEM private key (RS*, PS*, ES*, EdDSA) whose public half the gateway holds.

    Header: ``kid``, ``typ: JWT``, ``alg``. Claims: ``iss``, ``aud``, ``sub`` (when given),
    integer ``iat``/``nbf`` (``now``, floored), ``exp`` (``iat + floor(ttl)``, so the lifetime
    never exceeds ``ttl``) and a random ``jti``. Raises ValueError (never holding the key) for
    an algorithm the gateway does not accept, key material that does not fit it, or a ``ttl``
    below 1 second or above ``max_lifetime``.
    """
    if alg not in SIGNING_ALGS:
        raise ValueError(f"unsupported algorithm {alg!r} (one of {', '.join(SIGNING_ALGS)})")
    if alg in HMAC_ALGS:
        if len(key.encode()) < HMAC_ALGS[alg]:
            raise ValueError(f"{alg} needs a secret of at least {HMAC_ALGS[alg]} bytes")
    else:
        _check_private_key(key, alg)
    if not math.isfinite(ttl) or ttl < 1:
        raise ValueError(f"ttl must be at least 1 second, got {ttl!r}")
    if ttl > max_lifetime:
        raise ValueError(
            f"ttl {_duration(ttl)} exceeds {max_lifetime_name} ({_duration(max_lifetime)})"
        )
    if subject is not None and not subject:
        raise ValueError("subject must not be empty")
    issued = math.floor(time.time() if now is None else now)
    payload: dict[str, Any] = {"iss": issuer, "aud": audience}
    if subject is not None:
        payload["sub"] = subject
    payload |= {
        "iat": issued,
        "nbf": issued,
        "exp": issued + math.floor(ttl),
        "jti": secrets.token_urlsafe(16),
    }
    signing_key: Any = key.encode() if alg in HMAC_ALGS else key
    return jwt.encode(payload, signing_key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


def _check_private_key(key: str, alg: str) -> None:
    """The PEM private key fits ``alg`` as the gateway's check of its public half would."""
    try:
        loaded = serialization.load_pem_private_key(key.encode(), password=None)
    except (ValueError, TypeError):
        raise ValueError(f"{alg} needs an unencrypted PEM private key") from None
    public = loaded.public_key()
    if not isinstance(public, PUBLIC_KEY_ALGS[alg]):
        raise ValueError(f"the private key does not fit {alg}")
    if isinstance(public, rsa.RSAPublicKey) and public.key_size < 2048:
        raise ValueError(f"RSA keys need >= 2048 bits, got {public.key_size}")
    curve = CURVES.get(alg)
    if isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name != curve:
        raise ValueError(f"{alg} needs a {curve} key")


def _duration(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
