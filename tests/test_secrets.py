"""Secret references and the masked Secret type."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gateway.secrets import Secret, SecretError, resolve


def test_secret_is_masked_everywhere_but_reveal() -> None:
    s = Secret("hunter2-Value")
    assert "hunter2" not in repr(s) and "hunter2" not in str(s) and "hunter2" not in f"{s}"
    assert "hunter2" not in repr([s, {"k": s}])
    assert s.reveal() == "hunter2-Value"
    assert s == Secret("hunter2-Value") and s != Secret("other")


def test_env_reference() -> None:
    os.environ["VG_SECRET_TEST"] = "from-env"
    secret, ref = resolve({"env": "VG_SECRET_TEST"})
    assert secret.reveal() == "from-env" and ref.describe() == "env var VG_SECRET_TEST"
    with pytest.raises(SecretError, match="VG_SECRET_ABSENT is not set"):
        resolve({"env": "VG_SECRET_ABSENT"})


def test_file_reference_relative_and_one_trailing_newline(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("value\n")
    (tmp_path / "crlf.txt").write_bytes(b"value\r\n")
    assert resolve({"file": "s.txt"}, base_dir=tmp_path)[0].reveal() == "value"
    assert resolve({"file": str(tmp_path / "crlf.txt")})[0].reveal() == "value"


def test_unreadable_file_names_the_path_not_a_value(tmp_path: Path) -> None:
    with pytest.raises(SecretError) as info:
        resolve({"file": "missing.txt"}, base_dir=tmp_path)
    assert "missing.txt" in str(info.value)


@pytest.mark.parametrize("raw", [{"env": ""}, {"vault": "x"}, {"env": "A", "file": "B"}, 12, None])
def test_malformed_references(raw: object) -> None:
    with pytest.raises(SecretError, match="must be"):
        resolve(raw)


def test_literal_is_flagged() -> None:
    secret, ref = resolve("inline")
    assert secret.reveal() == "inline" and ref.kind == "literal"
