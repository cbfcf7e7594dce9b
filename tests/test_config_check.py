"""The walker under the config rules: mappings and their keys, plain values read by the reader
their field declares, secret references and file permissions, every problem named by its path."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from gateway.config import setting, yaml_key
from gateway.config_check import Checker, join, kind_of
from gateway.config_values import flag, port_number, positive_int, text
from gateway.secrets import Secret, SecretRef


@dataclass(frozen=True)
class Sample:
    """Every kind of declaration, on a class of the test's own."""

    need: str = field(metadata=yaml_key(text, required=True))
    size: int = setting(3, positive_int)
    maybe: int | None = setting(9, port_number, nullable=True)
    enabled: bool = field(default=False, metadata=yaml_key(flag, key="on"))
    built: str | None = field(default=None, metadata=yaml_key())
    internal: int = 0  # not a YAML key


def test_a_mapping_is_returned_as_it_is() -> None:
    check = Checker(None)
    raw = {"a": 1, "b": 2}
    assert check.mapping(raw, "x") is raw
    assert check.mapping(raw, "x", required={"a"}, optional={"b"}) is raw
    assert check.errors == []


@pytest.mark.parametrize(
    ("raw", "path", "error"),
    [
        (None, "server", "server: must be a mapping, got nothing"),
        ([1], "server", "server: must be a mapping, got list"),
        ("x", "", "(top level): must be a mapping, got str"),
    ],
)
def test_what_is_no_mapping_is_named(raw: Any, path: str, error: str) -> None:
    check = Checker(None)
    assert check.mapping(raw, path, required={"a"}) is None
    assert check.errors == [error]


def test_keys_must_be_strings_known_and_the_required_ones_present() -> None:
    check = Checker(None)
    raw = {1: "x", "zeta": 1, "alpha": 2}
    check.mapping(raw, "s", required={"need", "also"}, optional={"zeta"})
    assert check.errors == [
        "s: keys must be strings, got 1",
        "s.alpha: unknown key (allowed: also, need, zeta)",
        "s.also: is required",
        "s.need: is required",
    ]


def test_without_optional_keys_any_key_is_accepted() -> None:
    check = Checker(None)
    check.mapping({"anything": 1, "else": 2}, "s")
    check.mapping({"else": 2}, "t", required={"need"})
    assert check.errors == ["t.need: is required"]


def test_a_section_accepts_and_requires_the_declared_keys() -> None:
    check = Checker(None)
    check.section({"need": "x", "on": True, "internal": 1, "enabled": True}, "s", Sample)
    assert check.errors == [
        "s.internal: unknown key (allowed: built, maybe, need, on, size)",
        "s.enabled: unknown key (allowed: built, maybe, need, on, size)",
    ]
    check = Checker(None)
    check.section({}, "s", Sample)
    assert check.errors == ["s.need: is required"]


def test_settings_reads_each_plain_key_given_into_its_field() -> None:
    check = Checker(None)
    got = check.settings(
        {"need": "x", "size": 5, "maybe": None, "on": True, "built": "b", "internal": 7},
        "s",
        Sample,
    )
    # By field name; a key a rule builds (built) or no YAML key (internal) is not read.
    assert got == {"need": "x", "size": 5, "maybe": None, "enabled": True}
    assert check.errors == []
    assert Sample(**got) == Sample("x", 5, None, True)


def test_settings_leaves_out_what_is_absent_so_the_default_holds() -> None:
    check = Checker(None)
    assert check.settings({}, "s", Sample) == {}
    assert Sample(**{"need": "x", **check.settings({}, "s", Sample)}) == Sample("x", 3, 9, False)


def test_a_refused_value_is_named_by_its_yaml_key_and_left_out() -> None:
    check = Checker(None)
    got = check.settings({"need": "", "size": 0, "maybe": "x", "on": "yes"}, "a.b", Sample)
    assert got == {}
    assert check.errors == [
        "a.b.need: must be a non-empty string, got ''",
        "a.b.size: must be an integer > 0, got 0",
        "a.b.maybe: must be a port number 0-65535, got 'x'",
        "a.b.on: must be true or false, got 'yes'",
    ]


def test_null_is_none_only_for_a_nullable_key() -> None:
    check = Checker(None)
    assert check.settings({"maybe": None}, "s", Sample) == {"maybe": None}
    assert check.settings({"size": None}, "s", Sample) == {}
    assert check.errors == ["s.size: must be an integer > 0, got None"]


def test_setting_gives_a_mapping_default_through_a_factory() -> None:
    @dataclass(frozen=True)
    class WithMapping:
        table: Mapping[str, int] = setting(MappingProxyType({"a": 1}), MappingProxyType)

    assert WithMapping().table == {"a": 1}
    assert WithMapping().table is WithMapping().table  # read-only, so one is enough


# --- secrets and files ------------------------------------------------------------------------


def test_an_inline_secret_is_resolved_and_warned_about_without_its_value() -> None:
    check = Checker(None)
    got = check.secret("Hunter2-x", "a.pass")
    assert got == (Secret("Hunter2-x"), SecretRef("literal", ""))
    assert check.warnings == [
        "a.pass: inline secret literal; use {env: NAME} or {file: PATH} outside demos"
    ]
    # A name (the VICIdial user) or a public key is no secret: not warned about.
    assert check.secret("6666", "a.user", kind="name") is not None
    assert check.secret("PEM", "a.public_key", kind="public_key") is not None
    assert len(check.warnings) == 1


def test_a_secret_reference_that_cannot_be_resolved_is_an_error() -> None:
    os.environ.pop("VG_CHECK_MISSING", None)
    check = Checker(None)
    assert check.secret({"env": "VG_CHECK_MISSING"}, "a.pass") is None
    assert check.errors == ["a.pass: environment variable VG_CHECK_MISSING is not set"]


@pytest.mark.parametrize(
    ("kind", "mode", "warning"),
    [
        ("secret", 0o600, None),
        ("secret", 0o640, "secret file {f} is open to group or others (mode 0640)"),
        ("secret", 0o604, "secret file {f} is open to group or others (mode 0604)"),
        ("public_key", 0o644, None),
        ("public_key", 0o664, "key file {f} is writable by group or others (mode 0664)"),
        ("name", 0o666, None),
    ],
)
def test_a_file_reference_is_watched_and_its_mode_checked(
    tmp_path: Path, kind: Any, mode: int, warning: str | None
) -> None:
    f = tmp_path / "s.txt"
    f.write_text("Value-1\n")
    f.chmod(mode)
    check = Checker(tmp_path)
    got = check.secret({"file": "s.txt"}, "a.x", kind=kind)
    assert got is not None and got[0] == Secret("Value-1")
    assert check.files == [f]
    if warning is None:
        assert check.warnings == []
    else:
        assert len(check.warnings) == 1
        assert check.warnings[0].startswith(f"a.x: {warning.format(f=f)}; ")
        assert "Value-1" not in check.warnings[0]


def test_file_modes_follow_links_and_a_missing_file_is_not_warned_about(tmp_path: Path) -> None:
    target = tmp_path / "key.pem"
    target.write_text("x")
    target.chmod(0o644)
    (tmp_path / "link.pem").symlink_to(target)
    check = Checker(tmp_path)
    check.private_file(tmp_path / "link.pem", "p", "private key file")
    check.trusted_file(tmp_path / "link.pem", "q", "CA file")
    check.private_file(tmp_path / "none.pem", "r", "private key file")
    assert check.warnings == [
        f"p: private key file {tmp_path / 'link.pem'} is open to group or others (mode 0644); "
        "make it readable by the gateway's user only (chmod 600)"
    ]


def test_a_relative_path_is_relative_to_the_config(tmp_path: Path) -> None:
    assert Checker(tmp_path).path("certs/a.pem") == tmp_path / "certs/a.pem"
    assert Checker(tmp_path).path("/etc/a.pem") == Path("/etc/a.pem")
    assert Checker(None).path("a.pem") == Path("a.pem")


def test_paths_and_kinds() -> None:
    assert join("", "apps") == "apps"
    assert join("apps", "crm") == "apps.crm"
    assert (kind_of(None), kind_of([]), kind_of({}), kind_of(1)) == (
        "nothing",
        "list",
        "dict",
        "int",
    )
