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


def test_credential_reference_reads_the_file_systemd_gives_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # systemd's LoadCredential=vicidial_pass:/etc/... copies the file to
    # $CREDENTIALS_DIRECTORY/vicidial_pass (mode 0400, the service user's).
    (tmp_path / "vicidial_pass").write_text("Cred-Value_771\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    secret, ref = resolve({"credential": "vicidial_pass"}, base_dir=Path("/elsewhere"))
    assert secret.reveal() == "Cred-Value_771"
    # Resolved, it is a file reference: watched for changes, its mtime the secret's age.
    assert ref.kind == "file" and ref.where == str(tmp_path / "vicidial_pass")


def test_credential_reference_errors_say_what_is_missing_never_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    with pytest.raises(SecretError) as unset:
        resolve({"credential": "vicidial_pass"})
    assert str(unset.value) == (
        "credential vicidial_pass: CREDENTIALS_DIRECTORY is not set (systemd sets it for a "
        "service with LoadCredential=vicidial_pass:PATH)"
    )
    (tmp_path / "other").write_text("Other-Value_123")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    with pytest.raises(SecretError) as missing:
        resolve({"credential": "vicidial_pass"})
    assert str(missing.value) == (
        f"credential vicidial_pass: no file {tmp_path / 'vicidial_pass'} "
        "(is LoadCredential=vicidial_pass:PATH in the unit?)"
    )
    assert "Other-Value" not in str(missing.value)


@pytest.mark.parametrize("name", ["", "../etc/passwd", "a/b", ".", ".."])
def test_a_credential_name_is_a_file_name(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    with pytest.raises(SecretError, match="NAME is a file name"):
        resolve({"credential": name})


@pytest.mark.parametrize("raw", [{"credential": 5}, {"credential": None}])
def test_a_credential_name_is_text(raw: object) -> None:
    with pytest.raises(SecretError, match="must be"):
        resolve(raw)
