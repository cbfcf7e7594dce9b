"""The config rules section by section: the keys each accepts and requires, each plain key read
by its declared reader into its field, every default the dataclass's own, and the checks that
look at several keys at once.

``tests/test_config.py`` loads whole documents; here each rule is driven on its own, and the
tables are built from the declarations where a new key should be covered without a new line.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gateway.catalog.personal import LOGGABLE
from gateway.config import (
    AppConfig,
    AuditConfig,
    AuthConfig,
    ClientCertRule,
    Config,
    Credential,
    CustomFieldsConfig,
    KeyConfig,
    ParamRule,
    RateLimit,
    ServerConfig,
    StateConfig,
    TLSConfig,
    UpstreamConfig,
    yaml_fields,
)
from gateway.config_load import parse_config
from gateway.config_rules import Validator
from gateway.config_values import (
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
from gateway.credentials import CredentialPool
from gateway.errors import ConfigError

from .conftest import API_PASS, API_USER, CRM_SECRET, config_dict

FP = "ab" * 32
Where = tuple[str | int, ...]


def minimal() -> dict[str, Any]:
    """A valid document with only the keys that are required."""
    return {
        "upstreams": {
            "main": {
                "base_url": "https://127.0.0.1:1",
                "credentials": [{"name": "api-a", "user": API_USER, "pass": API_PASS}],
            }
        },
        "apps": {
            "crm": {
                "keys": [{"kid": "crm-1", "alg": "HS256", "secret": CRM_SECRET}],
                "upstream": "main",
                "source": "crm",
                "functions": ["version", "add_lead"],
            }
        },
    }


def every_section(tmp_path: Path) -> dict[str, Any]:
    """A valid document where every section the config has is present, with required keys
    only: server.tls (with a client CA), an upstream's custom_fields, an app's rate_limit,
    client_cert and a parameter rule, and the sections that may be left out."""
    for name in ("cert.pem", "key.pem", "ca.pem"):
        (tmp_path / name).write_text("x")
        (tmp_path / name).chmod(0o600)
    doc = minimal()
    doc["server"] = {
        "tls": {"cert_file": "cert.pem", "key_file": "key.pem", "client_ca_file": "ca.pem"}
    }
    doc["auth"], doc["audit"], doc["state"] = {}, {}, {}
    doc["upstreams"]["main"]["custom_fields"] = {}
    crm = doc["apps"]["crm"]
    crm["rate_limit"] = {"per_second": 1}
    crm["client_cert"] = {}
    crm["params"] = {"add_lead": {"list_id": {}}}
    return doc


# Each config object given in YAML: where it is in the document, and where it is in a Config.
SECTIONS: list[tuple[Where, type[Any], Callable[[Config], Any]]] = [
    ((), Config, lambda c: c),
    (("server",), ServerConfig, lambda c: c.server),
    (("server", "tls"), TLSConfig, lambda c: c.server.tls),
    (("auth",), AuthConfig, lambda c: c.auth),
    (("state",), StateConfig, lambda c: c.state),
    (("audit",), AuditConfig, lambda c: c.audit),
    (("upstreams", "main"), UpstreamConfig, lambda c: c.upstreams["main"]),
    (
        ("upstreams", "main", "custom_fields"),
        CustomFieldsConfig,
        lambda c: c.upstreams["main"].custom_fields,
    ),
    (
        ("upstreams", "main", "credentials", 0),
        Credential,
        lambda c: c.upstreams["main"].credentials[0],
    ),
    (("apps", "crm"), AppConfig, lambda c: c.apps["crm"]),
    (("apps", "crm", "keys", 0), KeyConfig, lambda c: c.apps["crm"].keys[0]),
    (("apps", "crm", "rate_limit"), RateLimit, lambda c: c.apps["crm"].rate_limit),
    (("apps", "crm", "client_cert"), ClientCertRule, lambda c: c.apps["crm"].client_cert),
    (
        ("apps", "crm", "params", "add_lead", "list_id"),
        ParamRule,
        lambda c: c.apps["crm"].params["add_lead"]["list_id"],
    ),
]


def yaml_path(where: Where) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def node(doc: dict[str, Any], where: Where) -> Any:
    for part in where:
        doc = doc[part]  # type: ignore[index]
    return doc


def errors_of(doc: dict[str, Any], base_dir: Path | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(doc, base_dir=base_dir)
    return info.value.errors


def defaults(cls: type[Any]) -> dict[str, Any]:
    """The dataclass's own defaults, by field name (fields without one left out)."""
    out = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


# --- defaults: the dataclass's, and nowhere else ---------------------------------------------


def node_or_nothing(doc: dict[str, Any], where: Where) -> Any:
    try:
        return node(doc, where)
    except (KeyError, IndexError):
        return {}


# Sections whose objects have defaults (a rate limit's burst has none: it follows per_second).
DEFAULTED = [s for s in SECTIONS if defaults(s[1])]


@pytest.mark.parametrize(
    ("where", "cls", "get"), DEFAULTED, ids=[yaml_path(w) or "top" for w, _, _ in DEFAULTED]
)
def test_a_key_left_out_gives_the_dataclass_default(
    tmp_path: Path, where: Where, cls: type[Any], get: Callable[[Config], Any]
) -> None:
    """Would catch a default written a second time in the rules (and changed in one place):
    every field a document leaves out holds exactly its dataclass default."""
    checked: set[str] = set()
    for doc in (minimal(), every_section(tmp_path)):
        try:
            obj = get(parse_config(doc, base_dir=tmp_path))
        except KeyError:
            obj = None
        if obj is None:  # the section is not in the minimal document
            continue
        assert isinstance(obj, cls)
        given = {yaml_fields(cls)[key][0] for key in node_or_nothing(doc, where)}
        expected = {
            name: value
            for name, value in defaults(cls).items()
            if name not in given and name not in ("warnings", "files")  # the loader's
        }
        assert {name: getattr(obj, name) for name in expected} == expected
        checked |= expected.keys()
    assert checked


@pytest.mark.parametrize(
    "section", ["server", "auth", "audit", "state", "upstreams.main.custom_fields"]
)
def test_an_empty_or_absent_section_is_its_class_built_without_arguments(section: str) -> None:
    classes = {
        "server": ServerConfig,
        "auth": AuthConfig,
        "audit": AuditConfig,
        "state": StateConfig,
        "upstreams.main.custom_fields": CustomFieldsConfig,
    }
    for value in ({}, None) if section.startswith("upstreams") else ({},):
        doc = minimal()
        where = section.split(".")
        node(doc, tuple(where[:-1]))[where[-1]] = value
        cfg = parse_config(doc)
        got = cfg.upstreams["main"].custom_fields if "." in section else getattr(cfg, section)
        assert got == classes[section]()
    cfg = parse_config(minimal())  # and left out altogether
    assert (cfg.server, cfg.auth, cfg.audit, cfg.state) == (
        ServerConfig(),
        AuthConfig(),
        AuditConfig(),
        StateConfig(),
    )


def test_the_credential_pool_takes_its_defaults_from_the_config() -> None:
    """The cool-down of a refused credential and how soon a changed one is seen were written
    in credentials.py too; a pool built without them uses the config's defaults."""
    cfg = parse_config(minimal())
    pool = CredentialPool("main", cfg.upstreams["main"].credentials)
    assert pool.cooldown == cfg.upstreams["main"].credential_cooldown == 900.0
    assert pool.recheck == cfg.server.config_watch_interval == 2.0


def test_a_rate_limit_without_burst_holds_one_seconds_worth() -> None:
    """burst has no default of its own: it follows per_second (at least one call)."""
    for per_second, burst in ((0.2, 1), (1, 1), (2.5, 3), (40, 40)):
        doc = minimal()
        doc["apps"]["crm"]["rate_limit"] = {"per_second": per_second}
        limit = parse_config(doc).apps["crm"].rate_limit
        assert limit == RateLimit(float(per_second), burst)
        assert burst == max(1, math.ceil(per_second))


# --- accepted and required keys ----------------------------------------------------------------

# The keys each section accepts, as the error names them: a user-visible list, pinned here so
# that a field added to a config object is a YAML key only on purpose.
ALLOWED = {
    "": "apps, audit, auth, server, state, upstreams",
    "server": "client_timeout, config_watch_interval, host, max_body_bytes, max_connections, "
    "max_header_bytes, metrics_host, metrics_port, openapi_public, port, readyz_details, "
    "shutdown_timeout, tls, write_timeout",
    "server.tls": "cert_file, client_ca_file, key_file, reload_interval",
    "auth": "audience, issuer, leeway, max_token_lifetime, revoked_jti, token_cache_size",
    "state": "backend, max_entries, password, prefix, url",
    "audit": "enabled, file, personal_data, phone_digits",
    "upstreams.main": "allow_insecure_http, base_url, breaker_failures, breaker_open_for, "
    "ca_file, cache, class_concurrency, class_timeouts, client_cert, connect_timeout, "
    "credential_cooldown, credentials, custom_fields, max_concurrency, pin_sha256, "
    "queue_timeout, retries, retry_backoff, timeout",
    "upstreams.main.custom_fields": "max_lists, ttl",
    "upstreams.main.credentials[0]": "hold, name, pass, user",
    "upstreams.main.client_cert": "cert_file, key_file",
    "apps.crm": "agent_functions, agent_params, agent_users, allow_heavy, client_cert, "
    "functions, jwks_file, keys, max_concurrency, params, rate_limit, source, upstream",
    "apps.crm.keys[0]": "alg, kid, public_key, secret",
    "apps.crm.rate_limit": "burst, per_second",
    "apps.crm.client_cert": "required, sha256",
    "apps.crm.params.add_lead.list_id": "allow, force",
}


@pytest.mark.parametrize("section", sorted(ALLOWED))
def test_a_section_names_the_keys_it_accepts(tmp_path: Path, section: str) -> None:
    doc = every_section(tmp_path)
    doc["upstreams"]["main"]["client_cert"] = {"cert_file": "cert.pem", "key_file": "key.pem"}
    parse_config(doc, base_dir=tmp_path)  # valid as it stands
    where: Where = tuple(
        int(p[:-1]) if p.endswith("]") else p for p in section.replace("[", ".").split(".") if p
    )
    node(doc, where)["colour"] = "red"
    bogus = f"{section}.colour" if section else "colour"
    assert errors_of(doc, tmp_path) == [f"{bogus}: unknown key (allowed: {ALLOWED[section]})"]


REQUIRED = [
    ((), "upstreams"),
    ((), "apps"),
    (("upstreams", "main"), "base_url"),
    (("upstreams", "main"), "credentials"),
    (("upstreams", "main", "credentials", 0), "name"),
    (("upstreams", "main", "credentials", 0), "user"),
    (("upstreams", "main", "credentials", 0), "pass"),
    (("apps", "crm"), "upstream"),
    (("apps", "crm"), "source"),
    (("apps", "crm", "keys", 0), "kid"),
    (("apps", "crm", "keys", 0), "alg"),
    (("apps", "crm", "rate_limit"), "per_second"),
    (("server", "tls"), "cert_file"),
    (("server", "tls"), "key_file"),
]


@pytest.mark.parametrize(("where", "key"), REQUIRED)
def test_a_required_key_left_out_is_named(tmp_path: Path, where: Where, key: str) -> None:
    doc = every_section(tmp_path)
    del node(doc, where)[key]
    path = f"{yaml_path(where)}.{key}" if where else key
    assert f"{path}: is required" in errors_of(doc, tmp_path)


def test_an_app_needs_functions_of_one_api_or_both(tmp_path: Path) -> None:
    """``functions`` may be left out only for ``agent_functions`` (an app that drives agents
    only), and ``agent_functions`` needs ``agent_users``."""
    doc = every_section(tmp_path)
    app = doc["apps"]["crm"]
    del app["functions"], app["params"]
    assert "apps.crm.functions: is required (or agent_functions, or both)" in errors_of(
        doc, tmp_path
    )
    app["agent_functions"] = ["external_dial"]
    assert errors_of(doc, tmp_path) == [
        'apps.crm.agent_users: is required with agent_functions (user ids or patterns; "*": '
        "every agent)"
    ]
    app["agent_users"] = ["10*", 2001]
    cfg = parse_config(doc, base_dir=tmp_path)
    assert cfg.apps["crm"].functions == frozenset()
    assert cfg.apps["crm"].agent_users == ("10*", "2001")


def test_only_the_required_keys_are_required(tmp_path: Path) -> None:
    """Every other key of every section may be left out (every_section has no other)."""
    declared = {
        (yaml_path(where), key)
        for where, cls, _ in SECTIONS
        for key, (_, how) in yaml_fields(cls).items()
        if how.required
    }
    assert declared == {(yaml_path(where), key) for where, key in REQUIRED}
    parse_config(every_section(tmp_path), base_dir=tmp_path)


# --- plain values: each read by its declared reader into its field -----------------------------

# A value each reader takes, and what it reads it as (none is a default).
SAMPLES: dict[Callable[[Any], Any], tuple[Any, Any]] = {
    parse_duration: ("7s", 7.0),
    duration_or_zero: ("7s", 7.0),
    text: ("x7", "x7"),
    positive_int: (7, 7),
    non_negative_int: (7, 7),
    positive_number: (7, 7.0),
    port_number: (7, 7),
    str_set: (["version"], frozenset({"version"})),
    fingerprints: ([FP], frozenset({FP})),
    personal_categories: (["postal_code"], frozenset({"postal_code"})),
    class_durations: ({"read": "7s"}, {"read": 7.0}),
    class_counts: ({"read": 7}, {"read": 7}),
    cache_ttls: ({"version": "7s"}, {"version": 7.0}),
}
# Keys whose sample must fit other rules too: the value to give and the one to find.
SPECIAL: dict[str, tuple[Any, Any]] = {
    "upstreams.main.base_url": ("https://127.0.0.1:7/", "https://127.0.0.1:7"),
    "apps.crm.upstream": ("main", "main"),
    "state.backend": ("redis", "redis"),
}
PLAIN_KEYS = [
    (where, cls, get, key, field_name, how.read)
    for where, cls, get in SECTIONS
    for key, (field_name, how) in yaml_fields(cls).items()
    if how.read is not None
]


def test_the_plain_keys_cover_every_reader() -> None:
    assert {read for *_, read in PLAIN_KEYS} == set(SAMPLES) | {flag}
    assert len(PLAIN_KEYS) >= 50


@pytest.mark.parametrize(
    ("where", "cls", "get", "key", "field_name", "read"),
    PLAIN_KEYS,
    ids=[f"{yaml_path(w)}.{k}".lstrip(".") for w, _, _, k, _, _ in PLAIN_KEYS],
)
def test_a_plain_key_is_read_into_its_field(
    tmp_path: Path,
    where: Where,
    cls: type[Any],
    get: Callable[[Config], Any],
    key: str,
    field_name: str,
    read: Callable[[Any], Any],
) -> None:
    path = f"{yaml_path(where)}.{key}".lstrip(".")
    doc = every_section(tmp_path)
    if read is flag:
        raw = value = not defaults(cls)[field_name]
    else:
        raw, value = SPECIAL.get(path, SAMPLES[read])
    if path == "state.backend":
        doc["state"]["url"] = "redis://127.0.0.1:7"
    node(doc, where)[key] = raw
    obj = get(parse_config(doc, base_dir=tmp_path))
    assert getattr(obj, field_name) == value
    assert value != defaults(cls).get(field_name)
    # A value no reader takes is reported at the key's path, and only there.
    node(doc, where)[key] = {"nested": [1]}
    errors = errors_of(doc, tmp_path)
    assert errors and all(e.startswith(f"{path}: ") for e in errors), errors


def test_a_null_metrics_port_means_none_and_other_nulls_are_refused() -> None:
    doc = minimal()
    doc["server"] = {"metrics_port": None}
    assert parse_config(doc).server.metrics_port is None
    doc["server"] = {"metrics_host": None, "port": None}
    assert errors_of(doc) == [
        "server.port: must be a port number 0-65535, got None",
        "server.metrics_host: must be a non-empty string, got None",
    ]


# --- checks across keys ------------------------------------------------------------------------


def test_a_public_host_without_tls_is_warned_about_and_loopback_is_not() -> None:
    v = Validator(None)
    assert v.server({"host": "localhost"}, "server").host == "localhost"
    assert v.server({"host": "::1"}, "server").host == "::1"
    assert v.warnings == []
    v.server({"host": "10.1.2.3"}, "server")
    assert v.warnings == [
        "server.host: 10.1.2.3 is reachable from other hosts and server.tls is not set: "
        "tokens and VICIdial data would cross the network in clear text"
    ]
    assert v.errors == []


def test_auth_limits_warn_with_the_value_as_written() -> None:
    v = Validator(None)
    auth = v.auth({"max_token_lifetime": "8d", "leeway": "6m"}, "auth")
    assert (auth.max_token_lifetime, auth.leeway) == (8 * 86400.0, 360.0)
    assert v.warnings == [
        "auth.max_token_lifetime: 8d is more than 7 days; a stolen token would stay valid "
        "that long",
        "auth.leeway: 6m is more than 5 minutes; an expired token would still be accepted "
        "that long after its exp",
    ]
    v = Validator(None)
    v.auth({"max_token_lifetime": "7d", "leeway": "5m"}, "auth")
    assert v.warnings == [] and v.errors == []


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ({"backend": "disk"}, "state.backend: must be memory or redis, got 'disk'"),
        ({"backend": "redis"}, "state.url: is required for the redis backend"),
        (
            {"backend": "redis", "url": "http://127.0.0.1:6379"},
            "state.url: must be a redis://, rediss:// or unix:// URL",
        ),
        ({"url": "redis://[::1"}, "state.url: is not a valid URL"),
    ],
)
def test_state_backend_and_url_rules(state: dict[str, Any], error: str) -> None:
    v = Validator(None)
    v.state(state, "state")
    assert v.errors == [error]


def test_a_password_in_the_state_url_is_taken_out_of_it() -> None:
    v = Validator(None)
    state = v.state({"backend": "redis", "url": "redis://:Hunter2-x@127.0.0.1:6379/0"}, "state")
    assert state.url == "redis://127.0.0.1:6379/0"
    assert state.password is not None and state.password.reveal() == "Hunter2-x"
    assert "Hunter2-x" not in repr(state) + "".join(v.warnings)
    assert v.errors == []


def test_a_socket_url_keeps_its_form_when_its_password_is_taken_out() -> None:
    """redis-py takes unix:///path only; without its "//" the store could not start."""
    v = Validator(None)
    state = v.state({"backend": "redis", "url": "unix://:Hunter2-x@/run/redis.sock"}, "state")
    assert state.url == "unix:///run/redis.sock"
    assert state.password is not None and state.password.reveal() == "Hunter2-x"
    assert v.errors == []


@pytest.mark.parametrize(
    ("url", "insecure", "problem"),
    [
        ("ftp://127.0.0.1", False, "error: must be an https:// URL, got 'ftp://127.0.0.1'"),
        ("https://", False, "error: must be an https:// URL, got 'https://'"),
        ("http://127.0.0.1", False, "error: http:// sends the VICIdial password in clear text"),
        ("http://127.0.0.1", True, "warning: INSECURE: the VICIdial password will cross"),
        ("https://127.0.0.1/#x", False, "error: must not carry a query string, fragment or"),
        ("https://u:Secret-1@127.0.0.1", False, "error: must not carry a query string"),
    ],
)
def test_base_url_rules(url: str, insecure: bool, problem: str) -> None:
    v = Validator(None)
    v.base_url(url, "upstreams.main.base_url", insecure=insecure)
    kind, text_ = problem.split(": ", 1)
    found = v.errors if kind == "error" else v.warnings
    assert len(v.errors + v.warnings) == 1
    assert found[0].startswith(f"upstreams.main.base_url: {text_}"), found
    assert "Secret-1" not in found[0]


def test_https_base_urls_pass_without_a_word() -> None:
    v = Validator(None)
    v.base_url("https://vicidial.example.com/", "p", insecure=False)
    v.base_url("https://127.0.0.1:8443", "p", insecure=True)
    assert v.errors == v.warnings == []


def test_a_credential_name_and_login_are_checked() -> None:
    v = Validator(None)
    v.credential({"name": "bad name", "user": "has space", "pass": "short"}, "c")
    assert v.errors == [
        "c.name: must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62}, got 'bad name'",
        "c.user: VICIdial user must be 1-20 characters of [-_0-9A-Za-z]",
    ]
    assert v.warnings[-1].startswith("c.pass: shorter than 8 characters")


def test_two_credentials_of_one_upstream_cannot_share_a_name() -> None:
    doc = minimal()
    creds = doc["upstreams"]["main"]["credentials"]
    creds.append({"name": "api-a", "user": "7777", "pass": "Other-Pass_9"})
    assert errors_of(doc) == ["upstreams.main.credentials[1].name: duplicate name 'api-a'"]


def test_an_app_needs_keys_or_a_jwks_file_and_allow_heavy_within_its_functions() -> None:
    doc = minimal()
    del doc["apps"]["crm"]["keys"]
    doc["apps"]["crm"]["allow_heavy"] = ["hopper_list", "version"]
    assert errors_of(doc) == [
        "apps.crm: needs keys, a jwks_file, or both",
        "apps.crm.allow_heavy: function 'hopper_list' is not in this app's functions",
    ]


def test_an_upstream_client_certificate_is_a_file_the_config_watches(tmp_path: Path) -> None:
    (tmp_path / "c.pem").write_text("x")
    (tmp_path / "k.pem").write_text("x")
    (tmp_path / "k.pem").chmod(0o644)
    v = Validator(tmp_path)
    tls = v.tls(
        {"cert_file": "c.pem", "key_file": "k.pem"}, "u.client_cert", client_ca=False, watch=True
    )
    assert tls == TLSConfig(tmp_path / "c.pem", tmp_path / "k.pem")
    assert v.files == [tmp_path / "c.pem", tmp_path / "k.pem"]
    assert v.warnings == [
        f"u.client_cert.key_file: private key file {tmp_path / 'k.pem'} is open to group or "
        "others (mode 0644); make it readable by the gateway's user only (chmod 600)"
    ]
    assert v.tls({"cert_file": "nope.pem", "key_file": "k.pem"}, "t", client_ca=True) is not None
    assert v.errors == [f"t.cert_file: file not found: {tmp_path / 'nope.pem'}"]


def test_the_audit_file_must_be_writable(tmp_path: Path) -> None:
    v = Validator(tmp_path)
    audit = v.audit({"file": "no/such/dir/audit.log"}, "audit")
    assert audit.file == tmp_path / "no/such/dir/audit.log"
    assert len(v.errors) == 1 and v.errors[0].startswith(
        f"audit.file: cannot write {tmp_path / 'no/such/dir/audit.log'} as uid "
    )
    assert Validator(tmp_path).audit({"file": "audit.log"}, "audit").file == tmp_path / "audit.log"


def test_the_loggable_categories_are_the_catalogs() -> None:
    assert Validator(None).audit({"personal_data": sorted(LOGGABLE)}, "a").personal_data == LOGGABLE


def test_the_gateways_own_fields_hold_no_field_name_update_fields_reads() -> None:
    """update_fields reads a lead field as sent when its name appears anywhere in the request
    body, the gateway's own source label and login included: such a config is refused (a
    password is never quoted, not even the word it holds)."""

    def doc(source: str, password: str) -> dict[str, Any]:
        return config_dict(
            password=password,
            widget={
                "keys": [{"kid": "w-1", "alg": "HS256", "secret": "w" * 40}],
                "upstream": "main",
                "source": source,
                "agent_functions": ["update_fields"],
                "agent_users": ["*"],
            },
        )

    parse_config(doc("widget", "Zq8-k2Lw-9xPt-77Hb"))
    errors = errors_of(doc("Felicity", "Zq8-k2Lw-9xPt-77Hb"))
    assert any(e.startswith("apps.widget.source: holds 'city'") for e in errors), errors
    password = "Zq8-Email-9xPt-77Hb"
    errors = errors_of(doc("widget", password))
    where = "upstreams.main.credentials[0].pass: holds a lead field"
    assert any(e.startswith(where) for e in errors), errors
    assert not any(password in e or "email" in e.lower() for e in errors), errors
