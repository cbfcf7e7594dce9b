"""Config loading: valid shapes load frozen; every problem is reported with its YAML path."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.catalog import CATALOG
from gateway.config import (
    AppConfig,
    Config,
    Credential,
    ParamRule,
    ServerConfig,
    UpstreamConfig,
    YamlKey,
    accepted_keys,
    required_keys,
    yaml_fields,
)
from gateway.config_load import load_config, parse_config
from gateway.config_values import parse_duration, port_number
from gateway.errors import BadRequest, ConfigError, Forbidden
from gateway.policy import build_params

from .conftest import API_PASS, CRM_SECRET, config_dict

REPO = Path(__file__).resolve().parent.parent


def errors_of(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(doc)
    return info.value.errors


def test_valid_config_is_frozen() -> None:
    cfg = parse_config(config_dict())
    assert cfg.apps["crm"].source == "crm"
    assert cfg.upstreams["main"].credentials[0].password.reveal() == API_PASS
    assert cfg.upstreams["main"].timeout == 10.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.apps["crm"].source = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        cfg.apps["other"] = cfg.apps["crm"]  # type: ignore[index]


def test_inline_secrets_warn_without_the_value() -> None:
    cfg = parse_config(config_dict())
    assert any("upstreams.main.credentials[0].pass" in w for w in cfg.warnings)
    assert all(API_PASS not in w for w in cfg.warnings)
    assert API_PASS not in repr(cfg)


def test_only_secrets_warn_when_written_inline(tmp_path: Path) -> None:
    """A VICIdial username and a public key are no secrets: written inline, they are not
    reported as "inline secret literal" (on every load and reload); the password and an HMAC
    secret written inline are."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    doc = config_dict()
    doc["apps"]["reports"]["keys"].append({"kid": "reports-es", "alg": "ES256", "public_key": pem})
    inline = [w for w in warnings_of(doc) if "inline secret literal" in w]
    assert [w.split(":", 1)[0] for w in inline] == [
        "upstreams.main.credentials[0].pass",
        "apps.crm.keys[0].secret",
        "apps.reports.keys[0].secret",
    ]
    # The username alone inline, the password from a file: no warning about either.
    _private_file(tmp_path / "pass.txt", "FromFile_123\n")
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"file": "pass.txt"}
    assert not any("credentials[0]" in w for w in warnings_of(doc, tmp_path))


def test_env_and_file_references(tmp_path: Path) -> None:
    _private_file(tmp_path / "pass.txt", "FromFile_123\n")
    os.environ["VG_TEST_USER"] = "7777"
    doc = config_dict()
    doc["upstreams"]["main"]["credentials"] = [
        {"name": "a", "user": {"env": "VG_TEST_USER"}, "pass": {"file": "pass.txt"}}
    ]
    cfg = parse_config(doc, base_dir=tmp_path)
    cred = cfg.upstreams["main"].credentials[0]
    assert cred.user.reveal() == "7777"
    assert cred.password.reveal() == "FromFile_123"
    assert not any("credentials[0]" in w for w in cfg.warnings)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(bogus=1), "bogus: unknown key"),
        (lambda d: d["apps"]["crm"].update(colour="red"), "apps.crm.colour: unknown key"),
        (lambda d: d["apps"]["crm"].update(source="c"), "apps.crm.source: must match"),
        (lambda d: d["apps"]["crm"].update(source="has space"), "apps.crm.source: must match"),
        (lambda d: d["apps"]["crm"].update(source="x" * 21), "apps.crm.source: must match"),
        (
            lambda d: d["apps"]["crm"].update(source="QueueMetrics"),
            "apps.crm.source: 'queuemetrics'",
        ),
        (lambda d: d["apps"]["crm"].update(upstream="nope"), "apps.crm.upstream: unknown upstream"),
        (
            lambda d: d["apps"]["crm"].update(functions=["add_lead", "launch_rockets"]),
            "apps.crm.functions[1]: unknown function 'launch_rockets'",
        ),
        (
            lambda d: d["upstreams"]["main"]["credentials"][0].update(**{"pass": "has space"}),
            "upstreams.main.credentials[0].pass: VICIdial password must be",
        ),
        (
            lambda d: d["upstreams"]["main"]["credentials"][0].update(**{"pass": "p" * 21}),
            "upstreams.main.credentials[0].pass: VICIdial password must be",
        ),
        (
            lambda d: d["upstreams"]["main"]["credentials"][0].update(
                **{"pass": {"env": "VG_MISSING_VAR"}}
            ),
            "upstreams.main.credentials[0].pass: environment variable VG_MISSING_VAR is not set",
        ),
        (
            lambda d: d["upstreams"]["main"]["credentials"][0].update(
                **{"pass": {"file": "/nonexistent/secret"}}
            ),
            "upstreams.main.credentials[0].pass: cannot read secret file",
        ),
        (
            lambda d: d["upstreams"]["main"].update(base_url="http://127.0.0.1:1"),
            "upstreams.main.base_url: http:// sends the VICIdial password in clear text",
        ),
        (
            lambda d: d["upstreams"]["main"].update(base_url="https://h/?pass=x"),
            "upstreams.main.base_url: must not carry a query string",
        ),
        (lambda d: d["upstreams"]["main"].update(timeout="soon"), "upstreams.main.timeout"),
        (
            lambda d: d["apps"]["crm"]["keys"][0].update(secret="short"),
            "apps.crm.keys[0].secret: HS256 needs a secret of at least 32 bytes",
        ),
        (
            lambda d: d["apps"]["crm"]["keys"][0].update(alg="none"),
            "apps.crm.keys[0].alg: unsupported algorithm 'none'",
        ),
        (
            lambda d: d["apps"]["reports"]["keys"][0].update(kid="crm-1"),
            "kid 'crm-1' is already used by app 'crm'",
        ),
        (
            lambda d: d["apps"]["crm"]["params"].update(lead_search={"pass": {"force": "x"}}),
            "apps.crm.params.lead_search.pass: is set by the gateway",
        ),
        (
            lambda d: d["apps"]["crm"]["params"].update(lead_search={"colour": {"force": "x"}}),
            "apps.crm.params.lead_search.colour: lead_search has no parameter 'colour'",
        ),
        (
            lambda d: d["apps"]["reports"].update(params={"add_lead": {}}),
            "apps.reports.params.add_lead: function 'add_lead' is not in this app's functions",
        ),
    ],
)
def test_errors_name_the_yaml_path(change: Any, expected: str) -> None:
    doc = config_dict()
    change(doc)
    errors = errors_of(doc)
    assert any(expected in e for e in errors), errors
    assert all(API_PASS not in e for e in errors)


def test_every_error_is_reported_at_once() -> None:
    doc = config_dict()
    doc["apps"]["crm"]["source"] = "x"
    doc["apps"]["crm"]["upstream"] = "nope"
    doc["upstreams"]["main"]["credentials"][0]["pass"] = "bad pass!"
    assert len(errors_of(doc)) == 3


def test_secret_values_never_in_errors() -> None:
    doc = config_dict()
    doc["upstreams"]["main"]["credentials"][0]["pass"] = "Leaky pass 99"
    errors = errors_of(doc)
    assert errors and all("Leaky pass 99" not in e for e in errors)


def test_example_and_demo_configs_load(tmp_path: Path) -> None:
    load_config(REPO / "config" / "demo.yaml")
    # The example points at production paths and env vars; give it stand-ins to load.
    doc = yaml.safe_load((REPO / "config" / "example.yaml").read_text())
    assert set(doc) == {"server", "auth", "upstreams", "apps", "audit", "state"}
    errors = errors_of(doc)
    assert all(("not set" in e) or ("not found" in e) or ("cannot read" in e) for e in errors), (
        errors
    )


def _vicigw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def test_check_config_cli(tmp_path: Path) -> None:
    ok = _vicigw("check-config", str(REPO / "config" / "demo.yaml"))
    assert ok.returncode == 0 and ok.stdout == "OK\n"
    bad = dict(config_dict())
    bad["apps"]["crm"]["source"] = "x"
    bad["bogus"] = True
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    res = _vicigw("check-config", str(path))
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert any(line.startswith("apps.crm.source:") for line in lines)
    assert any(line.startswith("bogus:") for line in lines)
    assert API_PASS not in res.stdout + res.stderr


def test_audit_personal_data_lists_categories() -> None:
    assert parse_config(config_dict()).audit.personal_data == frozenset()
    doc = config_dict()
    doc["audit"] = {"personal_data": ["postal_code", "birth_date"]}
    assert parse_config(doc).audit.personal_data == {"postal_code", "birth_date"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["zodiac_sign"], "audit.personal_data: unknown category 'zodiac_sign' (categories: "),
        (["phone"], "audit.personal_data: phone numbers are masked by audit.phone_digits"),
        (["secret"], "audit.personal_data: unknown category 'secret'"),
        ("postal_code", "audit.personal_data: must be a list of categories"),
    ],
)
def test_audit_personal_data_errors(value: Any, expected: str) -> None:
    doc = config_dict()
    doc["audit"] = {"personal_data": value}
    errors = errors_of(doc)
    assert any(e.startswith(expected) for e in errors), errors


# --- risky setups: refused -------------------------------------------------------------------


def _private_file(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_hmac_secret_shared_by_two_apps_is_refused(tmp_path: Path) -> None:
    # The same value from two different references: values are compared, not references.
    os.environ["VG_SHARED_SECRET"] = CRM_SECRET
    doc = config_dict()
    doc["apps"]["reports"]["keys"][0]["secret"] = {"env": "VG_SHARED_SECRET"}
    errors = errors_of(doc)
    assert (
        "apps.reports.keys[0].secret: the same HMAC secret as apps.crm.keys[0].secret "
        "(whoever holds it can mint tokens for both apps)"
    ) in errors, errors
    assert all(CRM_SECRET not in e for e in errors)


def test_hmac_secret_shared_by_two_keys_of_one_app_is_refused() -> None:
    doc = config_dict()
    doc["apps"]["crm"]["keys"].append({"kid": "crm-2", "alg": "HS384", "secret": CRM_SECRET * 2})
    doc["apps"]["crm"]["keys"].append({"kid": "crm-3", "alg": "HS256", "secret": CRM_SECRET})
    errors = errors_of(doc)
    assert any(
        e.startswith("apps.crm.keys[2].secret: the same HMAC secret as apps.crm.keys[0].secret")
        for e in errors
    ), errors
    assert len(errors) == 1 and CRM_SECRET not in errors[0]


def _load_text(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.errors


def _line_of(text: str, needle: str, nth: int = 0) -> int:
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith(needle)]
    return lines[nth]


# A valid apps block on its own: appended to a config, it would replace the first one.
SECOND_APPS_BLOCK = """\
apps:
  other:
    keys: [{kid: other-1, alg: HS256, secret: other-test-hmac-secret-0123456789abcdef-J}]
    upstream: main
    source: other
    functions: [version]
"""


def test_duplicate_top_level_key_is_refused_with_its_lines(tmp_path: Path) -> None:
    # PyYAML keeps the last of two equal keys: this second apps: block would silently replace
    # the first one, apps and all.
    text = yaml.safe_dump(config_dict()) + SECOND_APPS_BLOCK
    errors = _load_text(tmp_path, text)
    first, second = _line_of(text, "apps:"), _line_of(text, "apps:", 1)
    assert errors == [
        f"apps: given twice (lines {first} and {second}); a YAML mapping takes each key once"
    ]


def test_duplicate_keys_are_refused_at_any_level(tmp_path: Path) -> None:
    text = """\
upstreams:
  main:
    base_url: https://127.0.0.1:1
    credentials:
      - {name: api-a, user: "6666", pass: Sim-Pass_0042xyz, name: api-b}
apps:
  crm:
    keys: [{kid: crm-1, alg: HS256, secret: crm-test-hmac-secret-0123456789abcdef-XYZ}]
    upstream: main
    source: crm
    functions: [add_lead]
    params:
      add_lead:
        list_id: {allow: ["101"]}
        duplicate_check: {force: DUPLIST}
        list_id: {allow: ["101", "102", "999"]}
"""
    errors = _load_text(tmp_path, text)
    assert errors == [
        "upstreams.main.credentials[0].name: given twice (lines 5 and 5); "
        "a YAML mapping takes each key once",
        "apps.crm.params.add_lead.list_id: given twice (lines 14 and 16); "
        "a YAML mapping takes each key once",
    ]
    assert all(API_PASS not in e for e in errors)


def test_merge_keys_still_override_without_complaint(tmp_path: Path) -> None:
    # `<<: *base` then a key of its own is YAML's way to override: not a duplicate.
    text = """\
upstreams:
  main: &main
    base_url: https://127.0.0.1:1
    timeout: 10s
    credentials: [{name: api-a, user: "6666", pass: Sim-Pass_0042xyz}]
  backup:
    <<: *main
    timeout: 20s
apps:
  crm:
    keys: [{kid: crm-1, alg: HS256, secret: crm-test-hmac-secret-0123456789abcdef-XYZ}]
    upstream: main
    source: crm
    functions: [add_lead]
"""
    path = tmp_path / "config.yaml"
    path.write_text(text)
    cfg = load_config(path)
    assert cfg.upstreams["backup"].timeout == 20.0 and cfg.upstreams["main"].timeout == 10.0


@pytest.mark.parametrize(
    ("function", "param", "rule", "expected"),
    [
        # A forced value is sent as it stands: a backslash reaches VICIdial's SQL unescaped.
        ("add_lead", "comments", {"force": "a\\b"}, "or a backslash"),
        ("add_lead", "comments", {"allow": ["fine", "two\nlines"]}, "control or invisible"),
        ("add_lead", "comments", {"force": "abc\u202edef"}, "control or invisible"),
        ("add_lead", "title", {"force": "Doctor"}, "longer than 4 characters"),
        ("add_lead", "gender", {"allow": ["M", "X"]}, "must be one of M, F, U"),
        ("add_lead", "phone_number", {"force": "555-1234"}, "VICIdial would silently delete"),
        ("add_lead", "first_name", {"allow": ["Ann;DROP"]}, "VICIdial would silently delete"),
        ("update_cid_group_entry", "areacode", {"force": "a-b"}, "must match ---ALL---"),
        # The SQL rules, with every statement counted (a config value has no request around it).
        ("update_user", "email", {"force": "x' -- "}, "pastes it unescaped into SQL"),
        ("add_lead", "last_name", {"allow": ["Smith", "O'Brien"]}, "unescaped into SQL"),
        ("update_list", "field_help", {"force": "a&b"}, "admin_lists_custom.php"),
    ],
)
def test_force_and_allow_values_get_the_request_checks(
    function: str, param: str, rule: dict[str, Any], expected: str
) -> None:
    doc = config_dict()
    doc["apps"]["crm"]["params"][function] = {param: rule}
    key = "force" if "force" in rule else "allow"
    errors = errors_of(doc)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"apps.crm.params.{function}.{param}.{key}: "), errors
    assert expected in errors[0], errors


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("DUPLIST", False),
        ("DUPSYS-DUPCAMP", False),
        ("DUPLIST\\", True),
        ("DUP LIST", True),
        ("DUP;LIST", True),
        ("x" * 101, True),
        ("DUP\tLIST", True),
        ("DUP\u200bX", True),
    ],
)
def test_config_and_request_refuse_the_same_values(value: str, refused: bool) -> None:
    """One check for both: a value a request may not send cannot be forced by the config."""
    body = {"phone_number": "3125551212", "list_id": "101", "duplicate_check": value}
    request_refuses = False
    try:
        build_params(parse_config(config_dict()).apps["crm"], CATALOG["add_lead"], body)
    except BadRequest:
        request_refuses = True
    doc = config_dict()
    doc["apps"]["crm"]["params"]["add_lead"]["duplicate_check"] = {"force": value}
    try:
        parse_config(doc)
        config_refuses = False
    except ConfigError:
        config_refuses = True
    assert (request_refuses, config_refuses) == (refused, refused)


def test_forced_heavy_option_needs_allow_heavy() -> None:
    doc = config_dict()
    doc["apps"]["crm"]["params"]["hopper_list"] = {"search_method": {"force": "BLOCK"}}
    errors = errors_of(doc)
    assert errors == [
        "apps.crm.params.hopper_list.search_method.force: BLOCK is a heavy option; "
        "list hopper_list in apps.crm.allow_heavy to force it"
    ]
    doc["apps"]["crm"]["allow_heavy"] = ["hopper_list"]
    parse_config(doc)


# --- risky setups: warned --------------------------------------------------------------------


def warnings_of(doc: dict[str, Any], base_dir: Path | None = None) -> list[str]:
    return list(parse_config(doc, base_dir=base_dir).warnings)


def test_test_secrets_are_not_called_weak() -> None:
    assert not any("weak" in w for w in warnings_of(config_dict()))


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("a" * 32, "low entropy"),
        ("ab" * 20, "low entropy"),
        ("0123456789abcdef" * 2, "a repeated block"),
        ("Password1" * 4, "low entropy"),
        ("Tr0ub4dor&3x" * 3, "a repeated block"),
        ("aaaaaaaabbbbbbbbccccccccdddddddd", "low entropy"),
    ],
)
def test_weak_hmac_secret_warns(secret: str, why: str) -> None:
    doc = config_dict()
    doc["apps"]["crm"]["keys"][0]["secret"] = secret
    weak = [w for w in warnings_of(doc) if "weak" in w]
    assert weak == [
        f"apps.crm.keys[0].secret: weak HMAC secret ({why}); use at least 32 random bytes, "
        "e.g. from `openssl rand -base64 48`"
    ]
    assert secret not in weak[0]


@pytest.mark.parametrize(
    "secret",
    [
        "C8ZJiTQ61w1-rw72mta3Q9OtV-mA3t3oX7tEu7LM78E",  # secrets.token_urlsafe(32)
        "94109d22fb84b6fe5f5c73ef979a102405a4db6cde64777643d00b8231fc9b18",  # token_hex(32)
        "correct horse battery staple, then seven more words",
    ],
)
def test_strong_hmac_secret_does_not_warn(secret: str) -> None:
    doc = config_dict()
    doc["apps"]["crm"]["keys"][0]["secret"] = secret
    assert not any("weak" in w for w in warnings_of(doc))


@pytest.mark.parametrize(
    ("mode", "warns"), [(0o644, True), (0o640, True), (0o604, True), (0o600, False), (0o400, False)]
)
def test_secret_file_open_to_others_warns(tmp_path: Path, mode: int, warns: bool) -> None:
    _private_file(tmp_path / "pass.txt", "FromFile_123\n", mode)
    _private_file(tmp_path / "jwt.txt", CRM_SECRET + "\n", mode)
    doc = config_dict()
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"file": "pass.txt"}
    doc["apps"]["crm"]["keys"][0]["secret"] = {"file": "jwt.txt"}
    found = [w for w in warnings_of(doc, tmp_path) if "mode" in w]
    expected = [
        f"upstreams.main.credentials[0].pass: secret file {tmp_path / 'pass.txt'} is open to "
        f"group or others (mode {mode:04o}); make it readable by the gateway's user only "
        "(chmod 600)",
        f"apps.crm.keys[0].secret: secret file {tmp_path / 'jwt.txt'} is open to "
        f"group or others (mode {mode:04o}); make it readable by the gateway's user only "
        "(chmod 600)",
    ]
    assert found == (expected if warns else [])


def test_tls_key_file_open_to_others_warns(tmp_path: Path) -> None:
    _private_file(tmp_path / "cert.pem", "not read at load", 0o644)
    _private_file(tmp_path / "key.pem", "not read at load", 0o644)
    doc = config_dict()
    doc["server"]["tls"] = {"cert_file": "cert.pem", "key_file": "key.pem"}
    _private_file(tmp_path / "gw.pem", "not read at load", 0o644)
    _private_file(tmp_path / "gw.key", "not read at load", 0o660)
    doc["upstreams"]["main"]["client_cert"] = {"cert_file": "gw.pem", "key_file": "gw.key"}
    found = [w for w in warnings_of(doc, tmp_path) if "mode" in w]
    assert found == [
        f"server.tls.key_file: private key file {tmp_path / 'key.pem'} is open to group or "
        "others (mode 0644); make it readable by the gateway's user only (chmod 600)",
        f"upstreams.main.client_cert.key_file: private key file {tmp_path / 'gw.key'} is open "
        "to group or others (mode 0660); make it readable by the gateway's user only (chmod 600)",
    ]


def test_ca_files_writable_by_others_warn(tmp_path: Path) -> None:
    _private_file(tmp_path / "dialer-ca.pem", "not read at load", 0o646)
    _private_file(tmp_path / "clients-ca.pem", "not read at load", 0o664)
    _private_file(tmp_path / "cert.pem", "not read at load", 0o644)
    _private_file(tmp_path / "key.pem", "not read at load")
    doc = config_dict(ca_file=tmp_path / "dialer-ca.pem")
    doc["server"]["tls"] = {
        "cert_file": "cert.pem",
        "key_file": "key.pem",
        "client_ca_file": "clients-ca.pem",
    }
    found = [w for w in warnings_of(doc, tmp_path) if "mode" in w]
    assert found == [
        f"server.tls.client_ca_file: CA file {tmp_path / 'clients-ca.pem'} is writable by group "
        "or others (mode 0664); whoever can write it decides whom the gateway trusts (chmod 644)",
        f"upstreams.main.ca_file: CA file {tmp_path / 'dialer-ca.pem'} is writable by group "
        "or others (mode 0646); whoever can write it decides whom the gateway trusts (chmod 644)",
    ]


@pytest.mark.parametrize(("mode", "warns"), [(0o644, False), (0o664, True), (0o666, True)])
def test_jwks_and_public_key_files_writable_by_others_warn(
    tmp_path: Path, mode: int, warns: bool
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from jwt.algorithms import ECAlgorithm

    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    jwk = json.loads(ECAlgorithm.to_jwk(public))
    _private_file(
        tmp_path / "keys.json", json.dumps({"keys": [{**jwk, "kid": "r-1", "alg": "ES256"}]}), mode
    )
    pem = public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    _private_file(tmp_path / "es.pem", pem, mode)
    doc = config_dict()
    doc["apps"]["reports"]["jwks_file"] = "keys.json"
    doc["apps"]["reports"]["keys"] = [
        {"kid": "r-2", "alg": "ES256", "public_key": {"file": "es.pem"}}
    ]
    found = [w for w in warnings_of(doc, tmp_path) if "mode" in w]
    expected = [
        f"apps.reports.keys[0].public_key: key file {tmp_path / 'es.pem'} is writable by group "
        f"or others (mode {mode:04o}); whoever can write it decides whom the gateway trusts "
        "(chmod 644)",
        f"apps.reports.jwks_file: key file {tmp_path / 'keys.json'} is writable by group "
        f"or others (mode {mode:04o}); whoever can write it decides whom the gateway trusts "
        "(chmod 644)",
    ]
    assert found == (expected if warns else [])


@pytest.mark.parametrize(
    "url",
    [
        "redis://:Redis-Pw_77@127.0.0.1:6379/0",
        "redis://gw:Redis-Pw_77@127.0.0.1:6379/0",
        "rediss://gw:Redis-Pw_77@[::1]:6380/1",
        "redis://127.0.0.1:6379/0?password=Redis-Pw_77",
        "unix://gw:Redis-Pw_77@/run/redis.sock?db=0",
    ],
)
def test_redis_url_with_password_warns_and_keeps_it_out_of_the_url(url: str) -> None:
    doc = config_dict()
    doc["state"] = {"backend": "redis", "url": url}
    cfg = parse_config(doc)
    assert (
        "state.url: holds a password; use state.password: {file: PATH} or {env: NAME} instead"
    ) in cfg.warnings
    assert cfg.state.password is not None and cfg.state.password.reveal() == "Redis-Pw_77"
    assert cfg.state.url is not None and "Redis-Pw_77" not in cfg.state.url
    assert "Redis-Pw_77" not in repr(cfg) + "".join(cfg.warnings)


def test_redis_url_without_password_keeps_its_user() -> None:
    doc = config_dict()
    doc["state"] = {"backend": "redis", "url": "rediss://gw@[::1]:6380/1?ssl_cert_reqs=required"}
    cfg = parse_config(doc)
    assert cfg.state.url == "rediss://gw@[::1]:6380/1?ssl_cert_reqs=required"
    assert cfg.state.password is None
    assert not any(w.startswith("state.") for w in cfg.warnings)


def test_redis_password_from_a_secret_reference(tmp_path: Path) -> None:
    _private_file(tmp_path / "redis.txt", "Redis-Pw_77\n")
    doc = config_dict()
    doc["state"] = {
        "backend": "redis",
        "url": "redis://127.0.0.1:6379/0",
        "password": {"file": "redis.txt"},
    }
    cfg = parse_config(doc, base_dir=tmp_path)
    assert cfg.state.password is not None and cfg.state.password.reveal() == "Redis-Pw_77"
    assert tmp_path / "redis.txt" in cfg.files
    assert not any(w.startswith("state.") for w in cfg.warnings)
    doc["state"]["url"] = "redis://:Other-Pw_1@127.0.0.1:6379/0"
    doc["state"]["password"] = {"file": str(tmp_path / "redis.txt")}
    assert errors_of(doc) == [
        "state.url: holds a password and state.password is set too; keep state.password only"
    ]


@pytest.mark.parametrize("base_url", ["ftp://u:Leaky-99@h/", "https://u:Leaky-99@h/"])
def test_upstream_url_with_a_password_is_refused_without_echoing_it(base_url: str) -> None:
    doc = config_dict()
    doc["upstreams"]["main"]["base_url"] = base_url
    errors = errors_of(doc)
    assert any(e.startswith("upstreams.main.base_url: ") for e in errors), errors
    assert not any("Leaky-99" in e for e in errors)


@pytest.mark.parametrize(
    ("host", "tls", "warns"),
    [
        ("0.0.0.0", False, True),
        ("::", False, True),
        ("10.1.2.3", False, True),
        ("gateway.internal", False, True),
        ("0.0.0.0", True, False),
        ("127.0.0.1", False, False),
        ("127.8.9.10", False, False),
        ("::1", False, False),
        ("localhost", False, False),
    ],
)
def test_listener_reachable_from_other_hosts_without_tls_warns(
    tmp_path: Path, host: str, tls: bool, warns: bool
) -> None:
    doc = config_dict()
    doc["server"]["host"] = host
    if tls:
        _private_file(tmp_path / "cert.pem", "x", 0o644)
        _private_file(tmp_path / "key.pem", "x")
        doc["server"]["tls"] = {"cert_file": "cert.pem", "key_file": "key.pem"}
    found = [w for w in warnings_of(doc, tmp_path) if w.startswith("server.")]
    expected = [
        f"server.host: {host} is reachable from other hosts and server.tls is not set: tokens "
        "and VICIdial data would cross the network in clear text"
    ]
    assert found == (expected if warns else [])


LEEWAY_WARNING = (
    "is more than 5 minutes; an expired token would still be accepted that long after its exp"
)


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ({"leeway": "30d"}, [f"auth.leeway: 30d {LEEWAY_WARNING}"]),
        ({"leeway": 301}, [f"auth.leeway: 301 {LEEWAY_WARNING}"]),
        ({"leeway": "5m"}, []),
        (
            {"max_token_lifetime": "3650d"},
            [
                "auth.max_token_lifetime: 3650d is more than 7 days; a stolen token would "
                "stay valid that long"
            ],
        ),
        (
            {"max_token_lifetime": "169h"},
            [
                "auth.max_token_lifetime: 169h is more than 7 days; "
                "a stolen token would stay valid that long"
            ],
        ),
        ({"max_token_lifetime": "7d"}, []),
        ({}, []),
    ],
)
def test_extreme_leeway_and_token_lifetime_warn(auth: dict[str, Any], expected: list[str]) -> None:
    doc = config_dict()
    doc["auth"].update(auth)
    assert [w for w in warnings_of(doc) if w.startswith("auth.")] == expected


@pytest.mark.parametrize(
    ("password", "warned"),
    [("1234", True), ("Abc-123", True), ("Abc-1234", False), (API_PASS, False)],
)
def test_short_vicidial_password_warns(password: str, warned: bool) -> None:
    doc = config_dict(password=password)
    found = [w for w in warnings_of(doc) if w.startswith("upstreams.main.credentials[0].pass:")]
    found = [w for w in found if "inline secret literal" not in w]
    assert bool(found) is warned, found
    assert all(password not in w for w in found)


def test_allow_and_force_values_in_another_spelling_mean_the_value_sent() -> None:
    """A rule written with a spelling VICIdial reads the same way holds for every spelling of it
    (the rule is kept in the spelling the gateway sends)."""
    doc = config_dict()
    doc["apps"]["crm"]["params"]["call_dispo_report"] = {"status_breakdown": {"allow": ["Y"]}}
    doc["apps"]["crm"]["params"]["add_phone"] = {"local_gmt": {"force": "-5"}}
    app = parse_config(doc).apps["crm"]
    assert app.rule(CATALOG["call_dispo_report"], "status_breakdown") == ParamRule(("1",), None)
    assert app.rule(CATALOG["add_phone"], "local_gmt") == ParamRule(None, "-5.00")
    for value in ("1", "Y", True):
        body = {"campaigns": "TESTCAMP", "status_breakdown": value}
        assert build_params(app, CATALOG["call_dispo_report"], body)["status_breakdown"] == "1"
    with pytest.raises(Forbidden):
        build_params(app, CATALOG["call_dispo_report"], {"campaigns": "X", "status_breakdown": 0})
    phone = {
        "extension": "1101", "dialplan_number": "1101", "voicemail_id": "1101",
        "phone_login": "1101phone", "phone_pass": "test", "server_ip": "127.0.0.1",
        "protocol": "SIP", "registration_password": "regpass1101",
        "phone_full_name": "Api Phone", "outbound_cid": "3125550100",
    }  # fmt: skip
    assert build_params(app, CATALOG["add_phone"], phone)["local_gmt"] == "-5.00"
    assert build_params(app, CATALOG["add_phone"], {**phone, "local_gmt": -5})["local_gmt"] == (
        "-5.00"
    )
    with pytest.raises(Forbidden):
        build_params(app, CATALOG["add_phone"], {**phone, "local_gmt": "-6"})


# --- the config objects and the config modules ------------------------------------------------


def test_a_yaml_key_is_declared_on_its_field() -> None:
    # The YAML key can differ from the field's name; the field holds how it is read.
    assert yaml_fields(Credential)["pass"] == ("password", YamlKey(required=True, key="pass"))
    assert yaml_fields(UpstreamConfig)["timeout"] == ("timeout", YamlKey(parse_duration))
    assert yaml_fields(ServerConfig)["metrics_port"] == (
        "metrics_port",
        YamlKey(port_number, nullable=True),
    )
    # Fields that are no YAML keys: names (the mapping's key), and what the loader adds.
    assert "name" not in accepted_keys(UpstreamConfig) | accepted_keys(AppConfig)
    assert "custom_fields" not in accepted_keys(AppConfig)  # params.<fn>.custom_fields
    assert not {"user_ref", "pass_ref", "password"} & accepted_keys(Credential)
    assert not {"warnings", "path", "files"} & accepted_keys(Config)
    assert required_keys(Config) == {"upstreams", "apps"}
    assert required_keys(ServerConfig) == frozenset()


def test_mapping_defaults_are_read_only() -> None:
    up = parse_config(config_dict()).upstreams["main"]
    for name in ("class_timeouts", "class_concurrency", "cache"):
        value = getattr(up, name)
        assert value == {}
        with pytest.raises(TypeError):
            value["read"] = 1


def _imports(path: Path, module: str) -> set[str]:
    """The gateway modules ``module`` imports, at the top or inside a function; imports under
    ``if TYPE_CHECKING:`` (never run) are left out."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def test_no_config_module_imports_one_that_imports_it_back() -> None:
    """config.py holds the objects and imports none of the rules; the rules and the loader
    build on it. No module imports back one that imports it, even inside a function."""
    root = REPO / "gateway"
    modules = {
        ".".join(("gateway", *p.relative_to(root).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): p
        for p in root.rglob("*.py")
    }
    graph = {m: _imports(p, m) & modules.keys() - {m} for m, p in modules.items()}

    def reaches(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    config_modules = sorted(m for m in modules if m.startswith("gateway.config"))
    assert len(config_modules) == 9, config_modules
    assert {m: m in reaches(m) for m in config_modules} == dict.fromkeys(config_modules, False)
    rules = {"gateway.config_check", "gateway.config_keys", "gateway.config_rules"}
    assert not reaches("gateway.config") & (rules | {"gateway.config_load"})
