"""The rules of the configuration: checks every key of a YAML document and builds the objects.

:class:`Validator` walks a parsed document, appends ``"yaml.path: message"`` for every problem
it finds (it never stops at the first one), resolves secret references, and builds the frozen
objects of :mod:`gateway.config`. :func:`gateway.config.parse_config` drives it.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import math
import os
import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from .catalog import CATALOG
from .catalog.personal import LOGGABLE
from .catalog.spec import Param
from .config import (
    RESERVED_PARAMS,
    AppConfig,
    AuditConfig,
    AuthConfig,
    ClientCertRule,
    Credential,
    CustomFieldsConfig,
    KeyConfig,
    ParamRule,
    RateLimit,
    ServerConfig,
    StateConfig,
    TLSConfig,
    UpstreamConfig,
    parse_duration,
)
from .config_risks import (
    MAX_LEEWAY,
    MAX_TOKEN_LIFETIME,
    PRIVATE_FILE_MASK,
    TRUSTED_FILE_MASK,
    is_loopback,
    open_mode,
    secret_weakness,
    split_url_password,
)
from .custom_fields import FUNCTIONS as CUSTOM_FIELD_FUNCTIONS
from .custom_fields import LABEL_RE as CUSTOM_LABEL_RE
from .custom_fields import custom_param
from .errors import GatewayError
from .files import write_problem
from .policy import canonical, check_value
from .secrets import Secret, SecretError, SecretRef, resolve

SOURCE_RE = re.compile(r"[0-9A-Za-z]{2,20}")
# VICIdial deletes any other character from user/pass before the login check.
VICIDIAL_LOGIN_RE = re.compile(r"[-_0-9A-Za-z]{1,20}")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")

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


T = TypeVar("T")


# Shorter VICIdial passwords get a warning (see Validator.credential).
MIN_VICIDIAL_PASSWORD = 8


class Validator:
    """Walks the document, appending ``path: message`` for every problem found."""

    def __init__(self, base_dir: Path | None) -> None:
        self.base_dir = base_dir
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.files: list[Path] = []
        self.hmac_secrets: list[tuple[str, Secret]] = []  # (YAML path, secret), in order

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path or '(top level)'}: {message}")

    # -- generic helpers ------------------------------------------------------------------------

    def mapping(
        self,
        raw: Any,
        path: str,
        *,
        required: AbstractSet[str] = frozenset(),
        optional: AbstractSet[str] | None = None,
    ) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.error(path, f"must be a mapping, got {_kind(raw)}")
            return None
        allowed = set(optional or ()) | set(required)
        for key in raw:
            if not isinstance(key, str):
                self.error(path, f"keys must be strings, got {key!r}")
            elif optional is not None and key not in allowed:
                self.error(_join(path, key), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(raw)):
            self.error(_join(path, key), "is required")
        return raw

    def value(
        self, raw: dict[str, Any], key: str, path: str, conv: Callable[[Any], T], default: T
    ) -> T:
        if key not in raw:
            return default
        try:
            return conv(raw[key])
        except (ValueError, TypeError) as exc:
            self.error(_join(path, key), str(exc))
            return default

    def secret(
        self,
        raw: Any,
        path: str,
        *,
        kind: Literal["secret", "public_key", "name"] = "secret",
    ) -> tuple[Secret, SecretRef] | None:
        """A value given as a secret reference ({env}, {file} or inline). Only a true secret
        (a password, an HMAC secret) is warned about when inline or in a file others can read;
        a public key file must not be writable by others; a name (the VICIdial username, kept
        out of replies but no secret) is checked for neither."""
        try:
            secret, ref = resolve(raw, base_dir=self.base_dir)
        except SecretError as exc:
            self.error(path, str(exc))
            return None
        if ref.kind == "file":
            self.files.append(Path(ref.where))
            if kind == "public_key":
                self.trusted_file(Path(ref.where), path, "key file")
            elif kind == "secret":
                self.private_file(Path(ref.where), path, "secret file")
        if ref.kind == "literal" and kind == "secret":
            self.warnings.append(
                f"{path}: inline secret literal; use {{env: NAME}} or {{file: PATH}} outside demos"
            )
        return secret, ref

    def private_file(self, file: Path, path: str, what: str) -> None:
        mode = open_mode(file, PRIVATE_FILE_MASK)
        if mode is not None:
            self.warnings.append(
                f"{path}: {what} {file} is open to group or others (mode {mode:04o}); make it "
                "readable by the gateway's user only (chmod 600)"
            )

    def trusted_file(self, file: Path, path: str, what: str) -> None:
        mode = open_mode(file, TRUSTED_FILE_MASK)
        if mode is not None:
            self.warnings.append(
                f"{path}: {what} {file} is writable by group or others (mode {mode:04o}); "
                "whoever can write it decides whom the gateway trusts (chmod 644)"
            )

    # -- sections -------------------------------------------------------------------------------

    def server(self, raw: Any, path: str) -> ServerConfig | None:
        keys = {f.name for f in dataclasses.fields(ServerConfig)}
        m = self.mapping(raw, path, optional=keys)
        if m is None:
            return ServerConfig()
        tls = None
        if m.get("tls") is not None:
            tls = self.tls(m["tls"], f"{path}.tls", client_ca=True)
        host = self.value(m, "host", path, _str, "127.0.0.1")
        if tls is None and "tls" not in m and not is_loopback(host):
            self.warnings.append(
                f"{path}.host: {host} is reachable from other hosts and {path}.tls is not set: "
                "tokens and VICIdial data would cross the network in clear text"
            )
        return ServerConfig(
            host=host,
            port=self.value(m, "port", path, _port, 8443),
            tls=tls,
            max_body_bytes=self.value(m, "max_body_bytes", path, _positive_int, 1_048_576),
            max_header_bytes=self.value(m, "max_header_bytes", path, _positive_int, 8190),
            client_timeout=self.value(m, "client_timeout", path, parse_duration, 30.0),
            write_timeout=self.value(m, "write_timeout", path, parse_duration, 30.0),
            max_connections=self.value(m, "max_connections", path, _positive_int, 1024),
            shutdown_timeout=self.value(m, "shutdown_timeout", path, parse_duration, 30.0),
            config_watch_interval=self.value(m, "config_watch_interval", path, parse_duration, 2.0),
            metrics_port=None
            if "metrics_port" in m and m["metrics_port"] is None
            else self.value(m, "metrics_port", path, _port, 9108),
            metrics_host=self.value(m, "metrics_host", path, _str, None),
            readyz_details=self.value(m, "readyz_details", path, _bool, False),
        )

    def tls(self, raw: Any, path: str, *, client_ca: bool, watch: bool = False) -> TLSConfig | None:
        optional = {"cert_file", "key_file"}
        if client_ca:
            optional |= {"client_ca_file", "reload_interval"}
        t = self.mapping(raw, path, required={"cert_file", "key_file"}, optional=optional)
        if t is None or "cert_file" not in t or "key_file" not in t:
            return None
        files = {k: self.path(t[k]) for k in ("cert_file", "key_file", "client_ca_file") if k in t}
        for key, file in files.items():
            if not file.is_file():
                self.error(f"{path}.{key}", f"file not found: {file}")
            if watch:
                self.files.append(file)
        self.private_file(files["key_file"], f"{path}.key_file", "private key file")
        if "client_ca_file" in files:
            self.trusted_file(files["client_ca_file"], f"{path}.client_ca_file", "CA file")
        return TLSConfig(
            files["cert_file"],
            files["key_file"],
            client_ca_file=files.get("client_ca_file"),
            reload_interval=self.value(t, "reload_interval", path, parse_duration, 5.0),
        )

    def auth(self, raw: Any, path: str) -> AuthConfig | None:
        keys = {f.name for f in dataclasses.fields(AuthConfig)}
        m = self.mapping(raw, path, optional=keys)
        if m is None:
            return AuthConfig()
        lifetime = self.value(m, "max_token_lifetime", path, parse_duration, 86400.0)
        if lifetime > MAX_TOKEN_LIFETIME:
            self.warnings.append(
                f"{path}.max_token_lifetime: {m['max_token_lifetime']} is more than 7 days; a "
                "stolen token would stay valid that long"
            )
        leeway = self.value(m, "leeway", path, _duration_or_zero, 30.0)
        if leeway > MAX_LEEWAY:
            self.warnings.append(
                f"{path}.leeway: {m['leeway']} is more than 5 minutes; an expired token would "
                "still be accepted that long after its exp"
            )
        return AuthConfig(
            issuer=self.value(m, "issuer", path, _str, "vicidial-gateway"),
            audience=self.value(m, "audience", path, _str, "vicidial-gateway"),
            max_token_lifetime=lifetime,
            leeway=leeway,
            revoked_jti=self.value(m, "revoked_jti", path, _str_set, frozenset()),
            token_cache_size=self.value(m, "token_cache_size", path, _non_negative_int, 10_000),
        )

    def state(self, raw: Any, path: str) -> StateConfig:
        m = self.mapping(
            raw, path, optional={"backend", "url", "prefix", "password", "max_entries"}
        )
        if m is None:
            return StateConfig()
        backend = self.value(m, "backend", path, _str, "memory")
        url = self.value(m, "url", path, _str, None)
        inline = None
        if url is not None:
            # A password leaves the URL, so that no repr or log line can ever show it.
            try:
                url, inline = split_url_password(url)
            except ValueError:
                self.error(f"{path}.url", "is not a valid URL")
                url = None
        if backend not in ("memory", "redis"):
            self.error(f"{path}.backend", f"must be memory or redis, got {backend!r}")
        elif backend == "redis":
            if "url" not in m:
                self.error(f"{path}.url", "is required for the redis backend")
            elif url is not None and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
                self.error(f"{path}.url", "must be a redis://, rediss:// or unix:// URL")
        password = None
        if m.get("password") is not None:
            got = self.secret(m["password"], f"{path}.password")
            password = got[0] if got is not None else None
        if inline is not None and "password" in m:
            self.error(
                f"{path}.url",
                "holds a password and state.password is set too; keep state.password only",
            )
        elif inline is not None:
            self.warnings.append(
                f"{path}.url: holds a password; use state.password: {{file: PATH}} or "
                "{env: NAME} instead"
            )
            password = Secret(inline)
        return StateConfig(
            backend,
            url,
            self.value(m, "prefix", path, _str, "vicigw"),
            password=password,
            max_entries=self.value(m, "max_entries", path, _positive_int, 100_000),
        )

    def audit(self, raw: Any, path: str) -> AuditConfig:
        m = self.mapping(raw, path, optional={f.name for f in dataclasses.fields(AuditConfig)})
        if m is None:
            return AuditConfig()
        file = self.path(m["file"]) if m.get("file") is not None else None
        problem = write_problem(file) if file is not None else None
        if problem is not None:
            # The one file the gateway writes: checked as the user running this, which must be
            # the service's own user for check-config to speak for serve.
            self.error(f"{path}.file", f"cannot write {file} as uid {os.geteuid()}: {problem}")
        return AuditConfig(
            enabled=self.value(m, "enabled", path, _bool, True),
            file=file,
            phone_digits=self.value(m, "phone_digits", path, _non_negative_int, 4),
            personal_data=self.value(m, "personal_data", path, _personal_categories, frozenset()),
        )

    def upstreams(self, raw: Any, path: str) -> dict[str, UpstreamConfig]:
        m = self.mapping(raw, path)
        if m is None:
            return {}
        if not m:
            self.error(path, "at least one upstream is required")
        out: dict[str, UpstreamConfig] = {}
        for name, body in m.items():
            p = _join(path, str(name))
            if not NAME_RE.fullmatch(str(name)):
                self.error(p, f"name must match {NAME_RE.pattern}")
            up = self.upstream(str(name), body, p)
            if up is not None:
                out[str(name)] = up
        return out

    def upstream(self, name: str, raw: Any, path: str) -> UpstreamConfig | None:
        keys = {f.name for f in dataclasses.fields(UpstreamConfig)} - {"name"}
        m = self.mapping(raw, path, required={"base_url", "credentials"}, optional=keys)
        if m is None:
            return None
        insecure = self.value(m, "allow_insecure_http", path, _bool, False)
        base_url = self.value(m, "base_url", path, _str, "")
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in ("https", "http") or not parts.hostname:
                shown = split_url_password(base_url)[0]  # never echo a password
                self.error(f"{path}.base_url", f"must be an https:// URL, got {shown!r}")
            elif parts.scheme == "http" and not insecure:
                self.error(
                    f"{path}.base_url",
                    "http:// sends the VICIdial password in clear text; use https:// "
                    "(or set allow_insecure_http: true to accept the risk)",
                )
            elif parts.scheme == "http":
                self.warnings.append(
                    f"{path}.base_url: INSECURE: the VICIdial password will cross the network "
                    "in clear text (allow_insecure_http: true)"
                )
            if parts.query or parts.fragment or parts.username or parts.password:
                self.error(
                    f"{path}.base_url",
                    "must not carry a query string, fragment or user info (VICIdial logins "
                    "belong in credentials, as secret references)",
                )
        ca_file = None
        if m.get("ca_file") is not None:
            ca_file = self.path(m["ca_file"])
            self.files.append(ca_file)
            if not ca_file.is_file():
                self.error(f"{path}.ca_file", f"file not found: {ca_file}")
            self.trusted_file(ca_file, f"{path}.ca_file", "CA file")
        creds: list[Credential] = []
        raw_creds = m.get("credentials")
        if not isinstance(raw_creds, list) or not raw_creds:
            if "credentials" in m:
                self.error(f"{path}.credentials", "must be a non-empty list")
        else:
            names: set[str] = set()
            for i, c in enumerate(raw_creds):
                cred = self.credential(c, f"{path}.credentials[{i}]")
                if cred is None:
                    continue
                if cred.name in names:
                    self.error(f"{path}.credentials[{i}].name", f"duplicate name {cred.name!r}")
                names.add(cred.name)
                creds.append(cred)
        return UpstreamConfig(
            name=name,
            base_url=base_url.rstrip("/"),
            credentials=tuple(creds),
            ca_file=ca_file,
            timeout=self.value(m, "timeout", path, parse_duration, 30.0),
            max_concurrency=self.value(m, "max_concurrency", path, _positive_int, 20),
            allow_insecure_http=insecure,
            pin_sha256=self.value(m, "pin_sha256", path, _fingerprints, frozenset()),
            credential_cooldown=self.value(m, "credential_cooldown", path, parse_duration, 900.0),
            connect_timeout=self.value(m, "connect_timeout", path, parse_duration, 5.0),
            class_timeouts=self.value(
                m, "class_timeouts", path, _class_durations, MappingProxyType({})
            ),
            retries=self.value(m, "retries", path, _non_negative_int, 2),
            retry_backoff=self.value(m, "retry_backoff", path, parse_duration, 0.2),
            breaker_failures=self.value(m, "breaker_failures", path, _positive_int, 5),
            breaker_open_for=self.value(m, "breaker_open_for", path, parse_duration, 30.0),
            class_concurrency=self.value(
                m, "class_concurrency", path, _class_counts, MappingProxyType({})
            ),
            queue_timeout=self.value(m, "queue_timeout", path, _duration_or_zero, 5.0),
            cache=self.value(m, "cache", path, _cache_ttls, MappingProxyType({})),
            custom_fields=self.custom_fields_cache(m["custom_fields"], f"{path}.custom_fields")
            if m.get("custom_fields") is not None
            else CustomFieldsConfig(),
            client_cert=self.tls(
                m["client_cert"], f"{path}.client_cert", client_ca=False, watch=True
            )
            if m.get("client_cert") is not None
            else None,
        )

    def credential(self, raw: Any, path: str) -> Credential | None:
        m = self.mapping(raw, path, required={"name", "user", "pass"}, optional={"hold"})
        if m is None or not {"name", "user", "pass"} <= set(m):
            return None
        hold = self.value(m, "hold", path, _bool, False)
        name = self.value(m, "name", path, _str, "")
        if name and not NAME_RE.fullmatch(name):
            self.error(f"{path}.name", f"must match {NAME_RE.pattern}, got {name!r}")
        user = self.secret(m["user"], f"{path}.user", kind="name")
        password = self.secret(m["pass"], f"{path}.pass")
        if user is not None and not VICIDIAL_LOGIN_RE.fullmatch(user[0].reveal()):
            self.error(f"{path}.user", "VICIdial user must be 1-20 characters of [-_0-9A-Za-z]")
        if password is not None and not VICIDIAL_LOGIN_RE.fullmatch(password[0].reveal()):
            self.error(
                f"{path}.pass",
                "VICIdial password must be 1-20 characters of [-_0-9A-Za-z] (VICIdial strips "
                "other characters, so such a password could only fail and lock the account)",
            )
        if password is not None and len(password[0].reveal()) < MIN_VICIDIAL_PASSWORD:
            self.warnings.append(
                f"{path}.pass: shorter than {MIN_VICIDIAL_PASSWORD} characters: easy to guess, "
                "and likely to occur in VICIdial data, where it makes the gateway withhold the "
                "reply (see SECURITY.md)"
            )
        if user is None or password is None:
            return None
        return Credential(name, user[0], password[0], user[1], password[1], hold=hold)

    def apps(
        self, raw: Any, path: str, upstreams: Mapping[str, UpstreamConfig]
    ) -> dict[str, AppConfig]:
        m = self.mapping(raw, path)
        if m is None:
            return {}
        if not m:
            self.error(path, "at least one app is required")
        out: dict[str, AppConfig] = {}
        for name, body in m.items():
            p = _join(path, str(name))
            if not NAME_RE.fullmatch(str(name)):
                self.error(p, f"name must match {NAME_RE.pattern}")
            app = self.app(str(name), body, p, upstreams)
            if app is not None:
                out[str(name)] = app
        self.distinct_hmac_secrets()
        return out

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
                    self.error(path, f"the same HMAC secret as {other_path} ({why})")
                    break

    def app(
        self, name: str, raw: Any, path: str, upstreams: Mapping[str, UpstreamConfig]
    ) -> AppConfig | None:
        m = self.mapping(
            raw,
            path,
            required={"upstream", "source", "functions"},
            optional={
                "keys",
                "jwks_file",
                "params",
                "client_cert",
                "rate_limit",
                "max_concurrency",
                "allow_heavy",
            },
        )
        if m is None:
            return None
        upstream = self.value(m, "upstream", path, _str, "")
        if upstream and upstream not in upstreams:
            known = ", ".join(sorted(upstreams)) or "none"
            self.error(f"{path}.upstream", f"unknown upstream {upstream!r} (known: {known})")
        source = self.value(m, "source", path, _str, "")
        if "source" in m and not SOURCE_RE.fullmatch(source):
            self.error(f"{path}.source", f"must match {SOURCE_RE.pattern}, got {source!r}")
        elif source.lower() == "queuemetrics":
            self.error(f"{path}.source", "'queuemetrics' bypasses VICIdial permission checks")
        functions: set[str] = set()
        raw_fns = m.get("functions")
        if "functions" in m and (not isinstance(raw_fns, list) or not raw_fns):
            self.error(f"{path}.functions", "must be a non-empty list of function names")
        elif isinstance(raw_fns, list):
            for i, fn in enumerate(raw_fns):
                if not isinstance(fn, str) or fn not in CATALOG:
                    self.error(f"{path}.functions[{i}]", f"unknown function {fn!r}")
                else:
                    functions.add(fn)
        keys = self.keys(m.get("keys"), f"{path}.keys") if "keys" in m else ()
        jwks_file = None
        if m.get("jwks_file") is not None:
            jwks_file = self.path(m["jwks_file"])
            self.files.append(jwks_file)
            self.trusted_file(jwks_file, f"{path}.jwks_file", "key file")
            keys += self.jwks(jwks_file, f"{path}.jwks_file")
        elif "keys" not in m:
            self.error(path, "needs keys, a jwks_file, or both")
        params = self.params(m.get("params", {}), f"{path}.params", functions)
        custom_rules = self.custom_field_rules(m.get("params", {}), f"{path}.params", functions)
        client_cert = None
        if m.get("client_cert") is not None:
            client_cert = self.client_cert_rule(m["client_cert"], f"{path}.client_cert")
        rate_limit = None
        if m.get("rate_limit") is not None:
            rate_limit = self.rate_limit(m["rate_limit"], f"{path}.rate_limit")
        allow_heavy: frozenset[str] = self.value(m, "allow_heavy", path, _str_set, frozenset())
        for fn in sorted(allow_heavy - functions):
            self.error(f"{path}.allow_heavy", f"function {fn!r} is not in this app's functions")
        app = AppConfig(
            name,
            keys,
            upstream,
            source,
            frozenset(functions),
            params,
            client_cert=client_cert,
            jwks_file=jwks_file,
            rate_limit=rate_limit,
            max_concurrency=self.value(m, "max_concurrency", path, _positive_int, None),
            allow_heavy=allow_heavy,
            custom_fields=custom_rules,
        )
        self.forced_heavy(app, path)
        return app

    def rate_limit(self, raw: Any, path: str) -> RateLimit | None:
        m = self.mapping(raw, path, required={"per_second"}, optional={"burst"})
        if m is None or "per_second" not in m:
            return None
        per_second = self.value(m, "per_second", path, _positive_number, 1.0)
        burst = self.value(m, "burst", path, _positive_int, max(1, math.ceil(per_second)))
        return RateLimit(per_second, burst)

    def client_cert_rule(self, raw: Any, path: str) -> ClientCertRule | None:
        m = self.mapping(raw, path, optional={"required", "sha256"})
        if m is None:
            return None
        return ClientCertRule(
            required=self.value(m, "required", path, _bool, True),
            sha256=self.value(m, "sha256", path, _fingerprints, frozenset()),
        )

    def jwks(self, file: Path, path: str) -> tuple[KeyConfig, ...]:
        """Public keys of a JWKS document (RFC 7517); each must name its kid and alg."""
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            self.error(path, f"cannot read {file}: {exc.strerror}")
            return ()
        except ValueError:
            self.error(path, f"{file} is not JSON")
            return ()
        if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
            self.error(path, 'must hold a JSON object with a "keys" list')
            return ()
        out: list[KeyConfig] = []
        for i, jwk in enumerate(doc["keys"]):
            where = f"{path} keys[{i}]"
            if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str) or not jwk["kid"]:
                self.error(where, "needs a kid")
                continue
            alg = jwk.get("alg")
            if alg not in PUBLIC_KEY_ALGS:
                self.error(where, f"needs alg, one of {', '.join(PUBLIC_KEY_ALGS)}")
                continue
            if jwk.get("use", "sig") != "sig" or "d" in jwk or jwk.get("kty") == "oct":
                self.error(where, "must be a public signing key")
                continue
            try:
                key = jwt.PyJWK(jwk, algorithm=alg).key
                pem = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            except (jwt.PyJWTError, ValueError, TypeError, AttributeError):
                self.error(where, "is not a usable public key")
                continue
            checked = self.public_key({"public_key": pem.decode()}, where, alg, literal_ok=True)
            if checked is not None:
                out.append(KeyConfig(jwk["kid"], alg, public_key=checked))
        return tuple(out)

    def keys(self, raw: Any, path: str) -> tuple[KeyConfig, ...]:
        if not isinstance(raw, list) or not raw:
            self.error(path, "must be a non-empty list of keys")
            return ()
        out: list[KeyConfig] = []
        kids: set[str] = set()
        for i, k in enumerate(raw):
            p = f"{path}[{i}]"
            m = self.mapping(k, p, required={"kid", "alg"}, optional={"secret", "public_key"})
            if m is None or "kid" not in m or "alg" not in m:
                continue
            kid = self.value(m, "kid", p, _str, "")
            if kid in kids:
                self.error(f"{p}.kid", f"duplicate kid {kid!r}")
            kids.add(kid)
            alg = m["alg"]
            if alg in HMAC_ALGS:
                key = self.hmac_key(m, p, alg)
                if key is not None:
                    out.append(KeyConfig(kid, alg, secret=key))
            elif alg in PUBLIC_KEY_ALGS:
                pem = self.public_key(m, p, alg)
                if pem is not None:
                    out.append(KeyConfig(kid, alg, public_key=pem))
            else:
                allowed = ", ".join([*HMAC_ALGS, *PUBLIC_KEY_ALGS])
                self.error(f"{p}.alg", f"unsupported algorithm {alg!r} (allowed: {allowed})")
        return tuple(out)

    def hmac_key(self, m: dict[str, Any], path: str, alg: str) -> Secret | None:
        if "public_key" in m or "secret" not in m:
            self.error(path, f"{alg} keys take 'secret' (and no 'public_key')")
            return None
        got = self.secret(m["secret"], f"{path}.secret")
        if got is None:
            return None
        value = got[0].reveal().encode()
        if len(value) < HMAC_ALGS[alg]:
            self.error(f"{path}.secret", f"{alg} needs a secret of at least {HMAC_ALGS[alg]} bytes")
            return None
        weakness = secret_weakness(value)
        if weakness is not None:
            self.warnings.append(
                f"{path}.secret: weak HMAC secret ({weakness}); use at least 32 random bytes, "
                "e.g. from `openssl rand -base64 48`"
            )
        self.hmac_secrets.append((f"{path}.secret", got[0]))
        return got[0]

    def public_key(
        self, m: dict[str, Any], path: str, alg: str, *, literal_ok: bool = False
    ) -> Secret | None:
        if "secret" in m or "public_key" not in m:
            self.error(path, f"{alg} keys take 'public_key' (PEM) and no 'secret'")
            return None
        # A public key is no secret: inline PEM (or one from a JWKS file) needs no warning.
        got = (
            (Secret(m["public_key"]), SecretRef("literal", ""))
            if literal_ok
            else self.secret(m["public_key"], f"{path}.public_key", kind="public_key")
        )
        if got is None:
            return None
        try:
            key = load_pem_public_key(got[0].reveal().encode())
        except (ValueError, TypeError):
            self.error(f"{path}.public_key", "is not a PEM public key")
            return None
        if not isinstance(key, PUBLIC_KEY_ALGS[alg]):
            self.error(f"{path}.public_key", f"key type does not fit {alg}")
            return None
        if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
            self.error(f"{path}.public_key", f"RSA keys need >= 2048 bits, got {key.key_size}")
            return None
        if (
            alg in CURVES
            and isinstance(key, ec.EllipticCurvePublicKey)
            and key.curve.name != CURVES[alg]
        ):
            self.error(f"{path}.public_key", f"{alg} needs a {CURVES[alg]} key")
            return None
        return got[0]

    def params(
        self, raw: Any, path: str, functions: set[str]
    ) -> Mapping[str, Mapping[str, ParamRule]]:
        m = self.mapping(raw, path)
        out: dict[str, Mapping[str, ParamRule]] = {}
        if m is None:
            return MappingProxyType(out)
        for fn, rules in m.items():
            p = _join(path, str(fn))
            if fn not in functions:
                self.error(p, f"function {fn!r} is not in this app's functions")
                continue
            spec = CATALOG[fn]
            rm = self.mapping(rules, p)
            if rm is None:
                continue
            fn_rules: dict[str, ParamRule] = {}
            for pname, rule in rm.items():
                pp = _join(p, str(pname))
                if pname == "custom_fields" and fn in CUSTOM_FIELD_FUNCTIONS:
                    continue  # see custom_field_rules
                if pname in RESERVED_PARAMS or pname in spec.gateway_params:
                    self.error(pp, "is set by the gateway and cannot have rules")
                    continue
                param = spec.param(str(pname))
                if param is None:
                    self.error(pp, f"{fn} has no parameter {pname!r}")
                    continue
                built = self.param_rule(rule, pp, param)
                if built is not None:
                    fn_rules[str(pname)] = built
            out[str(fn)] = MappingProxyType(fn_rules)
        return MappingProxyType(out)

    def param_rule(self, rule: Any, pp: str, param: Param) -> ParamRule | None:
        """``{allow: [...], force: value}``, each value checked as ``param``."""
        r = self.mapping(rule, pp, optional={"allow", "force"})
        if r is None:
            return None
        allow = None
        if "allow" in r:
            if (
                not isinstance(r["allow"], list)
                or not r["allow"]
                or not all(_is_scalar(x) for x in r["allow"])
            ):
                self.error(f"{pp}.allow", "must be a non-empty list of values")
            else:
                allow = tuple(canonical(param, _scalar_str(x)) for x in r["allow"])
                self.rule_values(param, allow, f"{pp}.allow")
        force = None
        if "force" in r:
            if not _is_scalar(r["force"]):
                self.error(f"{pp}.force", "must be a single value")
            else:
                force = canonical(param, _scalar_str(r["force"]))
                self.rule_values(param, (force,), f"{pp}.force")
        if allow is not None and force is not None and force not in allow:
            self.error(pp, f"force value {force!r} is not in allow")
        return ParamRule(allow, force)

    def custom_field_rules(
        self, raw: Any, path: str, functions: set[str]
    ) -> Mapping[str, Mapping[str, ParamRule]]:
        """``params.<add_lead|update_lead>.custom_fields.<label>: {allow, force}``: values are
        checked as the custom field's value (:func:`gateway.custom_fields.custom_param`)."""
        out: dict[str, Mapping[str, ParamRule]] = {}
        if not isinstance(raw, dict):
            return MappingProxyType(out)  # reported by params()
        for fn in sorted(CUSTOM_FIELD_FUNCTIONS & functions):
            rules = raw.get(fn)
            if not isinstance(rules, dict) or "custom_fields" not in rules:
                continue
            p = _join(path, f"{fn}.custom_fields")
            labels = self.mapping(rules["custom_fields"], p)
            if labels is None:
                continue
            fn_rules: dict[str, ParamRule] = {}
            for label, rule in labels.items():
                lp = _join(p, str(label))
                if not isinstance(label, str) or not CUSTOM_LABEL_RE.fullmatch(label):
                    self.error(lp, "a custom field label is 1-50 of [A-Za-z0-9_]")
                    continue
                if label in RESERVED_PARAMS or label == "custom_fields":
                    self.error(lp, "is a form field the gateway sends; no custom field label")
                    continue
                built = self.param_rule(rule, lp, custom_param(label))
                if built is not None:
                    fn_rules[label] = built
            out[fn] = MappingProxyType(fn_rules)
        return MappingProxyType(out)

    def rule_values(self, param: Param, values: tuple[str, ...], path: str) -> None:
        """``allow``/``force`` values pass the very check a caller's value passes: a forced
        value is sent as it stands, so the config is the only place it can be checked. They are
        kept in the spelling the gateway sends (``policy.canonical``), like a caller's value."""
        for value in values:
            try:
                check_value(param, value)
            except GatewayError as exc:
                self.error(path, exc.message)
                return

    def custom_fields_cache(self, raw: Any, path: str) -> CustomFieldsConfig:
        m = self.mapping(raw, path, optional={"ttl", "max_lists"})
        if m is None:
            return CustomFieldsConfig()
        return CustomFieldsConfig(
            ttl=self.value(m, "ttl", path, _duration_or_zero, 300.0),
            max_lists=self.value(m, "max_lists", path, _positive_int, 1000),
        )

    def forced_heavy(self, app: AppConfig, path: str) -> None:
        """A forced heavy option would skip the ``allow_heavy`` check a caller's value gets."""
        for fn, rules in app.params.items():
            if fn in app.allow_heavy:
                continue
            for pname, rule in rules.items():
                param = CATALOG[fn].param(pname)
                if rule.force is not None and param is not None and rule.force in param.heavy:
                    self.error(
                        f"{path}.params.{fn}.{pname}.force",
                        f"{rule.force} is a heavy option; list {fn} in {path}.allow_heavy "
                        "to force it",
                    )

    def unique_kids(self, apps: Mapping[str, AppConfig]) -> None:
        """A token's ``kid`` names the key and with it the app, so kids are unique overall."""
        owner: dict[str, str] = {}
        for app in apps.values():
            for key in app.keys:
                if key.kid in owner and owner[key.kid] != app.name:
                    self.error(
                        f"apps.{app.name}.keys",
                        f"kid {key.kid!r} is already used by app {owner[key.kid]!r}",
                    )
                owner.setdefault(key.kid, app.name)

    def path(self, raw: Any) -> Path:
        p = Path(str(raw))
        if not p.is_absolute() and self.base_dir is not None:
            p = self.base_dir / p
        return p


def _key_owner(path: str) -> str:
    """``apps.crm`` for ``apps.crm.keys[0].secret`` (app names cannot hold a ``[``)."""
    return path.rsplit(".keys[", 1)[0]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(raw: Any) -> str:
    return "nothing" if raw is None else type(raw).__name__


def _str(raw: Any) -> str:
    if not isinstance(raw, str) or not raw:
        raise ValueError(f"must be a non-empty string, got {raw!r}")
    return raw


def _bool(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"must be true or false, got {raw!r}")
    return raw


def _positive_int(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        raise ValueError(f"must be an integer > 0, got {raw!r}")
    return raw


def _port(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 65535:
        raise ValueError(f"must be a port number 0-65535, got {raw!r}")
    return raw


def _duration_or_zero(raw: Any) -> float:
    if raw in (0, "0", "0s"):
        return 0.0
    return parse_duration(raw)


def _is_scalar(raw: Any) -> bool:
    return isinstance(raw, str | int | float) and not isinstance(raw, bool)


def _scalar_str(raw: Any) -> str:
    return str(raw)


_FINGERPRINT_RE = re.compile(r"[0-9a-f]{64}")


def _fingerprints(raw: Any) -> frozenset[str]:
    """SHA-256 fingerprints, hex, with or without colons, any case."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("must be a non-empty list of SHA-256 fingerprints (hex)")
    out = set()
    for item in raw:
        value = str(item).replace(":", "").lower()
        if not _FINGERPRINT_RE.fullmatch(value):
            raise ValueError(f"not a SHA-256 fingerprint: {item!r}")
        out.add(value)
    return frozenset(out)


def _str_set(raw: Any) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise ValueError("must be a list of non-empty strings")
    return frozenset(raw)


def _non_negative_int(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise ValueError(f"must be an integer >= 0, got {raw!r}")
    return raw


def _personal_categories(raw: Any) -> frozenset[str]:
    """``[postal_code, birth_date]``: categories of personal data the audit log may keep."""
    if not isinstance(raw, list):
        raise ValueError("must be a list of categories")
    for item in raw:
        if item == "phone":
            raise ValueError("phone numbers are masked by audit.phone_digits, not listed here")
        if item not in LOGGABLE:
            raise ValueError(
                f"unknown category {item!r} (categories: {', '.join(sorted(LOGGABLE))})"
            )
    return frozenset(raw)


FUNCTION_CLASSES = ("export", "read", "write")


def _class_durations(raw: Any) -> Mapping[str, float]:
    """``{export: 5m, read: 30s, write: 30s}``: per function class."""
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping of function class to duration")
    out: dict[str, float] = {}
    for key, value in raw.items():
        if key not in FUNCTION_CLASSES:
            raise ValueError(f"unknown function class {key!r} (classes: export, read, write)")
        out[key] = parse_duration(value)
    return MappingProxyType(out)


def _positive_number(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        raise ValueError(f"must be a number > 0, got {raw!r}")
    return float(raw)


def _class_counts(raw: Any) -> Mapping[str, int]:
    """``{export: 2, read: 10, write: 5}``: concurrent calls per function class."""
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping of function class to a number of calls")
    out: dict[str, int] = {}
    for key, value in raw.items():
        if key not in FUNCTION_CLASSES:
            raise ValueError(f"unknown function class {key!r} (classes: export, read, write)")
        out[key] = _positive_int(value)
    return MappingProxyType(out)


def _cache_ttls(raw: Any) -> Mapping[str, float]:
    """``{campaigns_list: 2s}``: read-only functions only."""
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping of function name to a time to live")
    out: dict[str, float] = {}
    for key, value in raw.items():
        spec = CATALOG.get(key)
        if spec is None:
            raise ValueError(f"unknown function {key!r}")
        if spec.effect != "read_only":
            raise ValueError(f"{key} changes data; only read-only functions can be cached")
        out[key] = _duration_or_zero(value)
    return MappingProxyType(out)
