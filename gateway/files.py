"""Telling whether a file changed, for the watchers (config, secrets, certificates)."""

from __future__ import annotations

from pathlib import Path

Stamp = tuple[int, int, int]


def file_stamp(path: Path) -> Stamp:
    """(mtime ns, size, inode); all -1 when the file cannot be read.

    The inode catches a file replaced by rename (how secret mounts and editors update files),
    even within the same timestamp granularity.
    """
    try:
        st = path.stat()
    except OSError:
        return (-1, -1, -1)
    return (st.st_mtime_ns, st.st_size, st.st_ino)
