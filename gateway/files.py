"""Files the gateway watches (config, secrets, certificates) or writes (the audit log)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

Stamp = tuple[int, int, int]


def file_stamp(path: Path) -> Stamp:
    """(mtime ns, size, inode); all -1 when the file cannot be read.

    The inode catches a file replaced by rename (how secret mounts and editors update files),
    even within the same timestamp granularity. Symlinks are followed (``stat``, not ``lstat``):
    a key of a Kubernetes Secret volume is the symlink ``KEY -> ..data/KEY``, which never
    changes; the kubelet flips ``..data`` to a new folder, and the stamp is that of the target.
    """
    try:
        st = path.stat()
    except OSError:
        return (-1, -1, -1)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def write_problem(path: Path) -> str | None:
    """Why this process could not append to ``path`` (creating it if need be); None if it can.

    Tried, not guessed from permission bits: root passes every permission check, yet cannot
    write to a read-only mount or to /proc. A missing file is probed with a temporary file in
    its folder, removed at once, so nothing is left behind.
    """
    try:
        if path.is_dir():
            return "it is a folder"
        if path.exists():
            with path.open("a", encoding="utf-8"):
                return None
        if not path.parent.is_dir():
            return f"folder not found: {path.parent}"
        fd, probe = tempfile.mkstemp(dir=path.parent, prefix=".vicigw-write-check-")
        os.close(fd)
        os.unlink(probe)
        return None
    except OSError as exc:
        return exc.strerror or type(exc).__name__
