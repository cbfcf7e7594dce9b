"""YAML configuration → frozen, fully validated config objects.

:func:`load_config` reads a file; :func:`parse_config` validates an already-parsed mapping. Both
collect *every* problem before failing and raise :class:`~gateway.errors.ConfigError` whose
``errors`` are ``"yaml.path: message"`` lines, e.g.
``apps.crm.source: must match [0-9A-Za-z]{2,20}, got 'c'``. Secret values never appear in those
messages. Secret references are resolved here, so a config object always carries usable secrets.

The shape is documented in ``config/example.yaml`` and the README. This module holds the config
objects and the entry points; the rules that check a document and build the objects are in
:mod:`gateway.config_rules`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .config_yaml import load_yaml
from .errors import ConfigError
from .secrets import Secret, SecretRef

# Parameters only the gateway sets, whatever the function.
RESERVED_PARAMS = frozenset({"user", "pass", "source", "function", "DB"})

_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)?")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


@dataclass(frozen=True)
class TLSConfig:
    cert_file: Path
    key_file: Path
    # CA that signs client certificates; set it to let apps require one (mTLS beside the JWT).
    client_ca_file: Path | None = None
    # How often the certificate and key files are checked for changes (seconds).
    reload_interval: float = 5.0


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8443
    tls: TLSConfig | None = None
    max_body_bytes: int = 1_048_576
    # Longest request line and header field (bytes); longer ones get 400 / 431.
    max_header_bytes: int = 8190
    # Time a client has to send its whole request (headers and body) once it starts one.
    client_timeout: float = 30.0
    # Time a client has to take a whole reply (a streamed export: each batch of rows; the whole
    # export is bounded by its class timeout). A client that does not read in time is cut off.
    write_timeout: float = 30.0
    # Open connections beyond this are answered 503 and closed at once.
    max_connections: int = 1024
    # On SIGTERM, how long requests in flight may take to finish before they are cut.
    shutdown_timeout: float = 30.0
    # How often the config file and the files it references are checked for changes.
    config_watch_interval: float = 2.0
    # Prometheus metrics on their own listener (plain HTTP); None: /metrics on the API listener.
    metrics_port: int | None = 9108
    metrics_host: str | None = None  # None: the same as host
    # /readyz on the API listener shows its checks (VICIdial version, credentials in service).
    # Off: it says only ready or not; the details are on the metrics listener's /readyz.
    readyz_details: bool = False


@dataclass(frozen=True)
class AuthConfig:
    issuer: str = "vicidial-gateway"
    audience: str = "vicidial-gateway"
    max_token_lifetime: float = 86400.0
    leeway: float = 30.0
    # Token ids (jti) refused whatever their signature says.
    revoked_jti: frozenset[str] = frozenset()
    # Verified tokens remembered (until their exp) so verification is not paid on every call.
    token_cache_size: int = 10_000


@dataclass(frozen=True)
class Credential:
    name: str
    user: Secret
    password: Secret
    user_ref: SecretRef
    pass_ref: SecretRef
    # On hold (``hold: true``): the gateway sends nothing with it, no call and no probe, until
    # a config without the hold is loaded (the rotation runbook in docs/operations.md).
    hold: bool = False


@dataclass(frozen=True)
class CustomFieldsConfig:
    """How long the custom field labels of a list (asked of VICIdial with list_custom_fields) are
    kept, and for how many lists at most (least recently used out first); ttl 0: not kept."""

    ttl: float = 300.0
    max_lists: int = 1000


@dataclass(frozen=True)
class UpstreamConfig:
    name: str
    base_url: str
    credentials: tuple[Credential, ...]
    ca_file: Path | None = None
    timeout: float = 30.0
    max_concurrency: int = 20
    allow_insecure_http: bool = False
    # SHA-256 fingerprints (hex) of accepted server certificates, checked after CA verification.
    pin_sha256: frozenset[str] = frozenset()
    # Client certificate for mutual TLS with VICIdial's web server.
    client_cert: TLSConfig | None = None
    # A credential VICIdial refused is probed again after this long (or when its secret changes).
    credential_cooldown: float = 900.0
    # Time to open a connection; the whole-call timeout is ``timeout``, per class overridable.
    connect_timeout: float = 5.0
    class_timeouts: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    # Read-only calls are retried this many times on transport failures (jittered backoff).
    retries: int = 2
    retry_backoff: float = 0.2
    # Circuit breaker: opens after this many transport failures in a row, for this long.
    breaker_failures: int = 5
    breaker_open_for: float = 30.0
    # Concurrent calls per function class (export, read, write), beside max_concurrency.
    class_concurrency: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    # How long a call may wait for a free slot before it is refused with 503.
    queue_timeout: float = 5.0
    # Read-only functions whose replies are shared and cached for a while: function -> seconds.
    # Identical concurrent calls always share one upstream call while this is set (even 0).
    cache: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    custom_fields: CustomFieldsConfig = CustomFieldsConfig()


@dataclass(frozen=True)
class KeyConfig:
    kid: str
    alg: str
    secret: Secret | None = None  # HMAC algorithms
    public_key: Secret | None = None  # PEM, for RS*/PS*/ES*/EdDSA


@dataclass(frozen=True)
class ParamRule:
    allow: tuple[str, ...] | None = None
    force: str | None = None


@dataclass(frozen=True)
class ClientCertRule:
    """The app must present a client certificate (signed by server.tls.client_ca_file)."""

    required: bool = True
    # When set, the certificate's SHA-256 fingerprint (hex) must be one of these.
    sha256: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RateLimit:
    per_second: float
    burst: int


@dataclass(frozen=True)
class AppConfig:
    name: str
    keys: tuple[KeyConfig, ...]
    upstream: str
    source: str
    functions: frozenset[str]
    params: Mapping[str, Mapping[str, ParamRule]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    client_cert: ClientCertRule | None = None
    jwks_file: Path | None = None
    rate_limit: RateLimit | None = None
    max_concurrency: int | None = None
    # Functions whose heavy options (e.g. hopper_list search_method=BLOCK) this app may use.
    allow_heavy: frozenset[str] = frozenset()
    # Rules for custom lead fields: function -> field label -> rule (params.<fn>.custom_fields).
    custom_fields: Mapping[str, Mapping[str, ParamRule]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def rule(self, function: str, param: str) -> ParamRule | None:
        return self.params.get(function, {}).get(param)


@dataclass(frozen=True)
class StateConfig:
    """Where state shared by replicas lives: ``memory`` (one process) or ``redis``."""

    backend: str = "memory"
    url: str | None = None  # never holds the password: that is taken out into ``password``
    prefix: str = "vicigw"
    password: Secret | None = None  # state.password (or a password found in the URL)
    # The memory backend's size limit (idempotency records, cached replies, rate buckets, ...).
    max_entries: int = 100_000


@dataclass(frozen=True)
class AuditConfig:
    enabled: bool = True
    file: Path | None = None  # None: stdout
    phone_digits: int = 4  # digits of a phone number left visible
    # Categories of personal data (gateway.catalog.personal.LOGGABLE) whose values are logged;
    # by default none is.
    personal_data: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Config:
    server: ServerConfig
    auth: AuthConfig
    upstreams: Mapping[str, UpstreamConfig]
    apps: Mapping[str, AppConfig]
    audit: AuditConfig = AuditConfig()
    state: StateConfig = StateConfig()
    warnings: tuple[str, ...] = ()
    path: Path | None = None
    # Files the config reads besides itself (secrets, JWKS, CA and client certificates): a change
    # to any of them triggers a reload.
    files: tuple[Path, ...] = ()


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config file."""
    path = Path(path)
    cfg = parse_config(_read_document(path), base_dir=path.parent)
    return dataclasses.replace(cfg, path=path)


def load_signing_keys(path: str | Path, app: str) -> tuple[AuthConfig, tuple[KeyConfig, ...]]:
    """Only ``auth`` and ``apps.<app>.keys`` of a config file: what minting a token for ``app``
    needs (``vicigw token --config``). No other secret is resolved, so the host that mints
    needs neither the VICIdial passwords nor the other apps' keys; those parts are not checked.
    """
    from .config_rules import Validator

    path = Path(path)
    data = _read_document(path)
    v = Validator(path.parent)
    root = v.mapping(data, "")
    apps = v.mapping(root.get("apps"), "apps") if root is not None else None
    auth = v.auth(root.get("auth", {}), "auth") if root is not None else None
    keys: tuple[KeyConfig, ...] = ()
    if apps is not None:
        if app not in apps:
            v.error(f"apps.{app}", "no such app")
        else:
            body = v.mapping(apps[app], f"apps.{app}")
            if body is not None and "keys" not in body:
                v.error(f"apps.{app}.keys", "the app has no keys (a jwks_file holds public keys)")
            elif body is not None:
                keys = v.keys(body["keys"], f"apps.{app}.keys")
    if v.errors or auth is None:
        raise ConfigError(v.errors)
    return auth, keys


@dataclass(frozen=True)
class UpstreamsOnly:
    """The VICIdial side of a config file: its upstreams and where shared state lives."""

    upstreams: Mapping[str, UpstreamConfig]
    state: StateConfig
    warnings: tuple[str, ...] = ()


def load_upstreams(path: str | Path) -> UpstreamsOnly:
    """Read and validate only ``upstreams`` and ``state`` of a config file (the other sections
    are neither checked nor resolved: no app's key secret needs to be present), for tools that
    talk to VICIdial alone (``vicigw credentials check``)."""
    from .config_rules import Validator

    path = Path(path)
    data = _read_document(path)
    v = Validator(path.parent)
    root = v.mapping(data, "", required={"upstreams"})
    if root is None:
        raise ConfigError(v.errors)
    state = v.state(root.get("state", {}), "state")
    upstreams = v.upstreams(root.get("upstreams"), "upstreams")
    if v.errors:
        raise ConfigError(v.errors)
    return UpstreamsOnly(MappingProxyType(upstreams), state, tuple(v.warnings))


def _read_document(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    try:
        return load_yaml(text)  # safe_load, but a key given twice is an error
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError([f"{path}:{where}: {problem}"]) from None


def parse_config(data: Any, *, base_dir: Path | None = None) -> Config:
    """Validate a parsed YAML document; raise ConfigError listing every problem."""
    from .config_rules import Validator  # the rules build the objects defined here

    v = Validator(base_dir)
    root = v.mapping(
        data,
        "",
        required={"upstreams", "apps"},
        optional={"server", "auth", "upstreams", "apps", "audit", "state"},
    )
    if root is None:
        raise ConfigError(v.errors)
    server = v.server(root.get("server", {}), "server")
    auth = v.auth(root.get("auth", {}), "auth")
    audit = v.audit(root.get("audit", {}), "audit")
    state = v.state(root.get("state", {}), "state")
    upstreams = v.upstreams(root.get("upstreams"), "upstreams")
    apps = v.apps(root.get("apps"), "apps", upstreams)
    v.unique_kids(apps)
    if server is not None and (server.tls is None or server.tls.client_ca_file is None):
        for app in apps.values():
            if app.client_cert is not None and app.client_cert.required:
                v.error(
                    f"apps.{app.name}.client_cert",
                    "needs server.tls.client_ca_file (the CA that signs client certificates)",
                )
    if v.errors:
        raise ConfigError(v.errors)
    assert server is not None and auth is not None
    return Config(
        server=server,
        auth=auth,
        upstreams=MappingProxyType(upstreams),
        apps=MappingProxyType(apps),
        audit=audit,
        state=state,
        warnings=tuple(v.warnings),
        files=tuple(dict.fromkeys(v.files)),
    )


def parse_duration(raw: Any) -> float:
    """``30s``, ``500ms``, ``5m``, ``1h``, ``2d`` or a plain number of seconds."""
    if isinstance(raw, bool):
        raise ValueError("must be a duration like 30s, 5m, 1h")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str) and (m := _DURATION_RE.fullmatch(raw.strip())):
        value = float(m.group(1)) * _UNITS[m.group(2)]
    else:
        raise ValueError(f"must be a duration like 30s, 5m, 1h, got {raw!r}")
    if value <= 0:
        raise ValueError(f"must be > 0, got {raw!r}")
    return value
