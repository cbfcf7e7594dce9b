"""The tests behind the config's warnings: weak secrets, open files, public hosts, passwords in
URLs. Pure functions; none returns a secret value other than the password it takes out."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import redis.asyncio

from gateway.config_risks import (
    MAX_LEEWAY,
    MAX_TOKEN_LIFETIME,
    PRIVATE_FILE_MASK,
    TRUSTED_FILE_MASK,
    is_loopback,
    open_mode,
    secret_weakness,
    split_url_password,
)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (b"", "low entropy"),
        (b"a" * 64, "low entropy"),
        (b"ab" * 32, "low entropy"),  # 1 bit a byte
        (b"abcd" * 16, "low entropy"),  # 2 bits a byte
        (b"0123456789abcdef" * 3, "a repeated block"),  # 4 bits a byte, but a period of 16
        (b"Tr0ub4dor&3-Tr0ub4dor&3-Tr0ub4dor&3-", "a repeated block"),
        (b"0123456789abcdef0123456789abcdef0", "a repeated block"),  # half and one more
    ],
)
def test_weak_secrets_say_why(value: bytes, why: str) -> None:
    assert secret_weakness(value) == why


@pytest.mark.parametrize(
    "value",
    [
        secrets.token_hex(32).encode(),
        secrets.token_urlsafe(48).encode(),
        b"crm-test-hmac-secret-0123456789abcdef-XYZ",
        # A block repeated less than twice over is no repetition worth a warning.
        b"0123456789abcdefghijklmnopq0123456789",
    ],
)
def test_strong_secrets_pass(value: bytes) -> None:
    assert secret_weakness(value) is None


def test_masks_and_limits() -> None:
    assert (PRIVATE_FILE_MASK, TRUSTED_FILE_MASK) == (0o077, 0o022)
    assert (MAX_LEEWAY, MAX_TOKEN_LIFETIME) == (300.0, 7 * 86400.0)


@pytest.mark.parametrize(
    ("mode", "mask", "expected"),
    [
        (0o600, PRIVATE_FILE_MASK, None),
        (0o400, PRIVATE_FILE_MASK, None),
        (0o640, PRIVATE_FILE_MASK, 0o640),
        (0o601, PRIVATE_FILE_MASK, 0o601),
        (0o644, TRUSTED_FILE_MASK, None),
        (0o664, TRUSTED_FILE_MASK, 0o664),
        (0o646, TRUSTED_FILE_MASK, 0o646),
    ],
)
def test_open_mode_reports_the_mode_when_a_masked_bit_is_set(
    tmp_path: Path, mode: int, mask: int, expected: int | None
) -> None:
    f = tmp_path / "f"
    f.write_text("x")
    f.chmod(mode)
    assert open_mode(f, mask) == expected


def test_open_mode_follows_links_and_ignores_missing_files(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("x")
    target.chmod(0o640)
    link = tmp_path / "link"
    link.symlink_to(target)  # the link's own mode is 0777; the file read is what counts
    assert open_mode(link, PRIVATE_FILE_MASK) == 0o640
    assert open_mode(tmp_path / "missing", PRIVATE_FILE_MASK) is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LocalHost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("gateway.example.com", False),
        ("localhost.example.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("url", "without", "password"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0", None),
        ("redis://:pw-1@127.0.0.1:6379/0", "redis://127.0.0.1:6379/0", "pw-1"),
        ("redis://app:pw-1@h:6379", "redis://app@h:6379", "pw-1"),
        ("redis://app@h:6379", "redis://app@h:6379", None),
        ("redis://app:@h", "redis://app@h", None),
        ("rediss://:p%40ss%3Aword@h/1", "rediss://h/1", "p@ss:word"),
        ("redis://h/0?password=pw-2&db=1", "redis://h/0?db=1", "pw-2"),
        # A socket path has no host: the URL keeps its "//", which redis-py requires.
        ("unix:///run/redis.sock?password=pw-3", "unix:///run/redis.sock", "pw-3"),
        ("unix://:pw-4@/run/redis.sock?db=2", "unix:///run/redis.sock?db=2", "pw-4"),
        ("redis://:pw-1@h/0?password=pw-2", "redis://h/0", "pw-1"),  # userinfo first
    ],
)
def test_a_password_is_taken_out_of_a_url(url: str, without: str, password: str | None) -> None:
    assert split_url_password(url) == (without, password)
    if password is not None:
        assert password not in without
    redis.asyncio.from_url(without)  # a URL the Redis client takes (it connects on first use)
