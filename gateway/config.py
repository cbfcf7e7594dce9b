"""The configuration's objects: frozen dataclasses, each field with its YAML key and default.

A field given in YAML carries, in its metadata, how it is read (:class:`YamlKey`): a plain value
is declared with :func:`setting` (its default and its reader from :mod:`gateway.config_values`),
anything else (a nested mapping, a file, a secret) with ``field(metadata=yaml_key(...))`` and is
built by a rule of :mod:`gateway.config_rules` (keys: :mod:`gateway.config_keys`). That
declaration is the one place a key and its default are written: the rules accept exactly the
keys declared here (:func:`accepted_keys`), read each plain one with its reader, and leave a
missing one to the dataclass default. A new plain key is one line here (and its documentation).

The entry points that read a file and build these objects are in :mod:`gateway.config_load`; the
shape is documented in ``config/example.yaml`` and the README.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from .config_values import (
    cache_ttls,
    class_counts,
    class_durations,
    duration_or_zero,
    fingerprints,
    flag,
    non_negative_int,
    parse_duration,
    personal_categories,
    port_number,
    positive_int,
    positive_number,
    str_set,
    text,
)
from .secrets import Secret, SecretRef

if TYPE_CHECKING:
    from .catalog.spec import FunctionSpec

T = TypeVar("T")

# Parameters only the gateway sets, whatever the function.
RESERVED_PARAMS = frozenset({"user", "pass", "source", "function", "DB"})

_YAML = "yaml"


@dataclass(frozen=True)
class YamlKey:
    """How a field of a config object is given in YAML (kept in the field's metadata)."""

    # Reads a plain value (see gateway.config_values); None: a rule of gateway.config_rules
    # builds the value (a nested mapping, a file, a secret reference).
    read: Callable[[Any], Any] | None = None
    required: bool = False
    key: str | None = None  # the YAML key, when it is not the field's name
    nullable: bool = False  # ``null`` gives None (else null is read like any value)


def setting(default: T, read: Callable[[Any], T], *, nullable: bool = False) -> T:
    """An optional YAML key of the field's name, holding a plain value read by ``read``;
    ``default`` when the key is absent (None when it is ``null`` and ``nullable``)."""
    metadata = {_YAML: YamlKey(read, nullable=nullable)}
    if type(default).__hash__ is None:  # a mapping: dataclasses wants a factory
        return field(default_factory=lambda: default, metadata=metadata)
    return field(default=default, metadata=metadata)


def yaml_key(
    read: Callable[[Any], Any] | None = None, *, required: bool = False, key: str | None = None
) -> Mapping[str, YamlKey]:
    """The metadata of a YAML key declared with ``field(...)``: one that is required, that has
    no default of its own (a rule fills it), or that a rule builds (``read`` None)."""
    return {_YAML: YamlKey(read, required, key)}


def yaml_fields(cls: type[Any]) -> dict[str, tuple[str, YamlKey]]:
    """YAML key -> (field name, how it is read), for each field of ``cls`` given in YAML."""
    out: dict[str, tuple[str, YamlKey]] = {}
    for f in fields(cls):
        how = f.metadata.get(_YAML)
        if isinstance(how, YamlKey):
            out[how.key or f.name] = (f.name, how)
    return out


def accepted_keys(cls: type[Any]) -> frozenset[str]:
    return frozenset(yaml_fields(cls))


def required_keys(cls: type[Any]) -> frozenset[str]:
    return frozenset(key for key, (_, how) in yaml_fields(cls).items() if how.required)


def _no_rules() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class TLSConfig:
    cert_file: Path = field(metadata=yaml_key(required=True))
    key_file: Path = field(metadata=yaml_key(required=True))
    # CA that signs client certificates; set it to let apps require one (mTLS beside the JWT).
    client_ca_file: Path | None = field(default=None, metadata=yaml_key())
    # How often the certificate and key files are checked for changes (seconds).
    reload_interval: float = setting(5.0, parse_duration)


@dataclass(frozen=True)
class ServerConfig:
    host: str = setting("127.0.0.1", text)
    port: int = setting(8443, port_number)
    tls: TLSConfig | None = field(default=None, metadata=yaml_key())
    max_body_bytes: int = setting(1_048_576, positive_int)
    # Longest request line and header field (bytes); longer ones get 400 / 431.
    max_header_bytes: int = setting(8190, positive_int)
    # Time a client has to send its whole request (headers and body) once it starts one.
    client_timeout: float = setting(30.0, parse_duration)
    # Time a client has to take a whole reply (a streamed export: each batch of rows; the whole
    # export is bounded by its class timeout). A client that does not read in time is cut off.
    write_timeout: float = setting(30.0, parse_duration)
    # Open connections beyond this are answered 503 and closed at once.
    max_connections: int = setting(1024, positive_int)
    # On SIGTERM, how long requests in flight may take to finish before they are cut.
    shutdown_timeout: float = setting(30.0, parse_duration)
    # How often the config file and the files it references are checked for changes.
    config_watch_interval: float = setting(2.0, parse_duration)
    # Prometheus metrics on their own listener (plain HTTP); None: /metrics on the API listener.
    metrics_port: int | None = setting(9108, port_number, nullable=True)
    metrics_host: str | None = setting(None, text)  # None: the same as host
    # /readyz on the API listener shows its checks (VICIdial version, credentials in service).
    # Off: it says only ready or not; the details are on the metrics listener's /readyz.
    readyz_details: bool = setting(False, flag)
    # GET /openapi.json without a token: the whole document (every function) when true; 401 when
    # false. With a token it is always that app's functions only.
    openapi_public: bool = setting(False, flag)


@dataclass(frozen=True)
class AuthConfig:
    issuer: str = setting("vicidial-gateway", text)
    audience: str = setting("vicidial-gateway", text)
    max_token_lifetime: float = setting(86400.0, parse_duration)
    leeway: float = setting(30.0, duration_or_zero)
    # Token ids (jti) refused whatever their signature says.
    revoked_jti: frozenset[str] = setting(frozenset(), str_set)
    # Verified tokens remembered (until their exp) so verification is not paid on every call.
    token_cache_size: int = setting(10_000, non_negative_int)


@dataclass(frozen=True)
class Credential:
    name: str = field(metadata=yaml_key(text, required=True))
    user: Secret = field(metadata=yaml_key(required=True))
    password: Secret = field(metadata=yaml_key(required=True, key="pass"))
    user_ref: SecretRef
    pass_ref: SecretRef
    # On hold (``hold: true``): the gateway sends nothing with it, no call and no probe, until
    # a config without the hold is loaded (the rotation runbook in docs/operations.md).
    hold: bool = setting(False, flag)


@dataclass(frozen=True)
class CustomFieldsConfig:
    """How long the custom field labels of a list (asked of VICIdial with list_custom_fields) are
    kept, and for how many lists at most (least recently used out first); ttl 0: not kept."""

    ttl: float = setting(300.0, duration_or_zero)
    max_lists: int = setting(1000, positive_int)


@dataclass(frozen=True)
class UpstreamConfig:
    name: str
    base_url: str = field(metadata=yaml_key(text, required=True))
    credentials: tuple[Credential, ...] = field(metadata=yaml_key(required=True))
    ca_file: Path | None = field(default=None, metadata=yaml_key())
    timeout: float = setting(30.0, parse_duration)
    max_concurrency: int = setting(20, positive_int)
    allow_insecure_http: bool = setting(False, flag)
    # SHA-256 fingerprints (hex) of accepted server certificates, checked after CA verification.
    pin_sha256: frozenset[str] = setting(frozenset(), fingerprints)
    # Client certificate for mutual TLS with VICIdial's web server.
    client_cert: TLSConfig | None = field(default=None, metadata=yaml_key())
    # A credential VICIdial refused is probed again after this long (or when its secret changes).
    credential_cooldown: float = setting(900.0, parse_duration)
    # Time to open a connection; the whole-call timeout is ``timeout``, per class overridable.
    connect_timeout: float = setting(5.0, parse_duration)
    class_timeouts: Mapping[str, float] = setting(MappingProxyType({}), class_durations)
    # Read-only calls are retried this many times on transport failures (jittered backoff).
    retries: int = setting(2, non_negative_int)
    retry_backoff: float = setting(0.2, parse_duration)
    # Circuit breaker: opens after this many transport failures in a row, for this long.
    breaker_failures: int = setting(5, positive_int)
    breaker_open_for: float = setting(30.0, parse_duration)
    # Concurrent calls per function class (export, read, write), beside max_concurrency.
    class_concurrency: Mapping[str, int] = setting(MappingProxyType({}), class_counts)
    # How long a call may wait for a free slot before it is refused with 503.
    queue_timeout: float = setting(5.0, duration_or_zero)
    # Read-only functions whose replies are shared and cached for a while: function -> seconds.
    # Identical concurrent calls always share one upstream call while this is set (even 0).
    cache: Mapping[str, float] = setting(MappingProxyType({}), cache_ttls)
    custom_fields: CustomFieldsConfig = field(default=CustomFieldsConfig(), metadata=yaml_key())


@dataclass(frozen=True)
class KeyConfig:
    kid: str = field(metadata=yaml_key(text, required=True))
    alg: str = field(metadata=yaml_key(required=True))
    secret: Secret | None = field(default=None, metadata=yaml_key())  # HMAC algorithms
    # PEM, for RS*/PS*/ES*/EdDSA
    public_key: Secret | None = field(default=None, metadata=yaml_key())


@dataclass(frozen=True)
class ParamRule:
    allow: tuple[str, ...] | None = field(default=None, metadata=yaml_key())
    force: str | None = field(default=None, metadata=yaml_key())


@dataclass(frozen=True)
class ClientCertRule:
    """The app must present a client certificate (signed by server.tls.client_ca_file)."""

    required: bool = setting(True, flag)
    # When set, the certificate's SHA-256 fingerprint (hex) must be one of these.
    sha256: frozenset[str] = setting(frozenset(), fingerprints)


@dataclass(frozen=True)
class RateLimit:
    per_second: float = field(metadata=yaml_key(positive_number, required=True))
    # Optional in YAML: by default the bucket holds one second's worth (at least one call).
    burst: int = field(metadata=yaml_key(positive_int))


@dataclass(frozen=True)
class AppConfig:
    name: str
    keys: tuple[KeyConfig, ...] = field(metadata=yaml_key())
    upstream: str = field(metadata=yaml_key(text, required=True))
    source: str = field(metadata=yaml_key(text, required=True))
    # The Non-Agent API functions the app may call, and rules for their parameters.
    functions: frozenset[str] = field(default=frozenset(), metadata=yaml_key())
    params: Mapping[str, Mapping[str, ParamRule]] = field(
        default_factory=_no_rules, metadata=yaml_key()
    )
    # The Agent API's (/v1/agent/): a list of its own (both APIs have a "version"), rules for
    # the values, and the agents the app may act on (exact user ids or glob patterns, "10*").
    agent_functions: frozenset[str] = field(default=frozenset(), metadata=yaml_key())
    agent_params: Mapping[str, Mapping[str, ParamRule]] = field(
        default_factory=_no_rules, metadata=yaml_key()
    )
    agent_users: tuple[str, ...] = field(default=(), metadata=yaml_key())
    client_cert: ClientCertRule | None = field(default=None, metadata=yaml_key())
    jwks_file: Path | None = field(default=None, metadata=yaml_key())
    rate_limit: RateLimit | None = field(default=None, metadata=yaml_key())
    max_concurrency: int | None = setting(None, positive_int)
    # Functions whose heavy options (e.g. hopper_list search_method=BLOCK) this app may use.
    allow_heavy: frozenset[str] = setting(frozenset(), str_set)
    # Rules for custom lead fields: function -> field label -> rule (params.<fn>.custom_fields).
    custom_fields: Mapping[str, Mapping[str, ParamRule]] = field(default_factory=_no_rules)

    def may_call(self, spec: FunctionSpec) -> bool:
        """Is ``spec`` in this app's list for its API (``functions`` or ``agent_functions``)?"""
        allowed = self.agent_functions if spec.api == "agent" else self.functions
        return spec.name in allowed

    def rules(self, spec: FunctionSpec) -> Mapping[str, ParamRule]:
        """The rules for ``spec``'s parameters (``params`` or ``agent_params``)."""
        rules = self.agent_params if spec.api == "agent" else self.params
        return rules.get(spec.name, {})

    def rule(self, spec: FunctionSpec, param: str) -> ParamRule | None:
        return self.rules(spec).get(param)

    def may_act_on(self, agent: str) -> bool:
        """May this app act on the agent ``agent`` (an exact id or a glob of ``agent_users``)?"""
        return any(fnmatch.fnmatchcase(agent, pattern) for pattern in self.agent_users)

    def may_act_on_all(self) -> bool:
        """Does ``agent_users`` hold ``"*"`` (every agent)?"""
        return "*" in self.agent_users


@dataclass(frozen=True)
class StateConfig:
    """Where state shared by replicas lives: ``memory`` (one process) or ``redis``."""

    backend: str = setting("memory", text)
    url: str | None = setting(None, text)  # never holds the password: taken out into password
    prefix: str = setting("vicigw", text)
    # state.password (or a password found in the URL)
    password: Secret | None = field(default=None, metadata=yaml_key())
    # The memory backend's size limit (idempotency records, cached replies, rate buckets, ...).
    max_entries: int = setting(100_000, positive_int)


@dataclass(frozen=True)
class AuditConfig:
    enabled: bool = setting(True, flag)
    file: Path | None = field(default=None, metadata=yaml_key())  # None: stdout
    phone_digits: int = setting(4, non_negative_int)  # digits of a phone number left visible
    # Categories of personal data (gateway.catalog.personal.LOGGABLE) whose values are logged;
    # by default none is.
    personal_data: frozenset[str] = setting(frozenset(), personal_categories)


@dataclass(frozen=True)
class Config:
    server: ServerConfig = field(metadata=yaml_key())
    auth: AuthConfig = field(metadata=yaml_key())
    upstreams: Mapping[str, UpstreamConfig] = field(metadata=yaml_key(required=True))
    apps: Mapping[str, AppConfig] = field(metadata=yaml_key(required=True))
    audit: AuditConfig = field(default=AuditConfig(), metadata=yaml_key())
    state: StateConfig = field(default=StateConfig(), metadata=yaml_key())
    warnings: tuple[str, ...] = ()
    path: Path | None = None
    # Files the config reads besides itself (secrets, JWKS, CA and client certificates): a change
    # to any of them triggers a reload.
    files: tuple[Path, ...] = ()
