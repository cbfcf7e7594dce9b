"""gateway.files: telling whether a file changed, and whether the gateway could write a file."""

from __future__ import annotations

import os
from pathlib import Path

from gateway.files import file_stamp, write_problem


def test_a_stamp_changes_with_the_content_and_with_a_file_replaced_by_rename(
    tmp_path: Path,
) -> None:
    path = tmp_path / "secret"
    path.write_text("one")
    first = file_stamp(path)
    assert first == file_stamp(path)
    path.write_text("two!")  # another size
    second = file_stamp(path)
    assert second != first
    # Same size and the same mtime, but a new inode: how secret mounts and editors swap files.
    other = tmp_path / "secret.new"
    other.write_text("two?")
    os.utime(other, ns=(second[0], second[0]))
    other.replace(path)
    assert file_stamp(path) != second


def test_a_missing_file_has_the_unreadable_stamp(tmp_path: Path) -> None:
    assert file_stamp(tmp_path / "nope") == (-1, -1, -1)


def test_write_problem_is_none_where_the_gateway_can_append(tmp_path: Path) -> None:
    existing = tmp_path / "audit.log"
    existing.write_text("line\n")
    assert write_problem(existing) is None
    assert existing.read_text() == "line\n"  # appended to nothing, changed nothing
    assert write_problem(tmp_path / "new.log") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.log"]  # the probe is gone


def test_write_problem_says_why_it_cannot_write(tmp_path: Path) -> None:
    assert write_problem(tmp_path) == "it is a folder"
    (tmp_path / "plain").write_text("x")
    assert write_problem(tmp_path / "plain" / "audit.log") == (
        f"folder not found: {tmp_path / 'plain'}"
    )
    assert write_problem(tmp_path / "missing" / "audit.log") == (
        f"folder not found: {tmp_path / 'missing'}"
    )
    # /proc takes no new files, whoever asks (root included: permission bits would say yes).
    problem = write_problem(Path("/proc/vicigw-audit.log"))
    assert problem is not None and problem != "it is a folder"
