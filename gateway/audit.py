"""The audit log: one JSON line per call, answering "who did what" without leaking data.

Each record has the time, request id, app, function, its effect (read-only or mutating), the
outcome (``ok`` or the error type) and HTTP status, the class of VICIdial's answer (SUCCESS /
ERROR / NOTICE), the name of the credential the call was sent with (never its value; also when
the call then failed), the upstream and total latency, and the identifiers a support person
needs: ``lead_id``, ``list_id`` and ``campaign_id`` from the request or the reply. A 503 because
no credential was usable has a ``reason``: each credential and its state, by name.

Parameter values are not written, except those the catalog's kinds make safe (flags, numbers,
ids, codes and dates, never free text) and never anything whose name says it is a password.
Personal data (:mod:`gateway.catalog.personal`: names, addresses, postal codes, dates of birth,
emails...) is left out whatever its kind, unless ``audit.personal_data`` lists its category. Phone
numbers are masked to their last digits (``******1212``). Records go to stdout by default, or to
a file (``audit.file``; reopened when rotated away, for logrotate).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .catalog.personal import category
from .catalog.spec import FunctionSpec
from .config import AuditConfig
from .jsonenc import dumps

# How often, at most, the audit file's path is checked for a rotation (a stat).
ROTATION_CHECK_SECONDS = 0.2

IDENTIFIERS = ("lead_id", "list_id", "campaign_id")
_SAFE_KINDS = frozenset({"flag", "int", "id", "code", "date"})
_SECRET_WORDS = ("pass", "secret", "token", "key")


def mask_phone(value: str, keep: int) -> str:
    """All but the last ``keep`` digits replaced by ``*`` (commas kept between numbers)."""
    return ",".join(
        "*" * max(0, len(p) - keep) + p[-keep:] if keep else "*" * len(p) for p in value.split(",")
    )


def loggable_params(
    spec: FunctionSpec,
    params: Mapping[str, str],
    phone_digits: int,
    personal_data: AbstractSet[str] = frozenset(),
) -> dict[str, str]:
    """The parameter values fit for the audit log (the gateway's own stage/header left out).

    ``personal_data``: the categories of personal data that may be logged (``audit.personal_data``).
    """
    out: dict[str, str] = {}
    for name, value in params.items():
        param = spec.param(name)
        if param is None or any(word in name.lower() for word in _SECRET_WORDS):
            continue
        cat = category(name)
        if cat == "phone":
            out[name] = mask_phone(value, phone_digits)
        elif cat in personal_data or (cat == "not_personal" and param.kind in _SAFE_KINDS):
            out[name] = value
    return out


def identifiers(*sources: Mapping[str, Any] | None) -> dict[str, str]:
    """The :data:`IDENTIFIERS` found in ``sources`` (the request's params, then the reply's data);
    the first source that has one gives it."""
    ids: dict[str, str] = {}
    for source in sources:
        if not isinstance(source, Mapping):
            continue
        for name in IDENTIFIERS:
            value = source.get(name)
            if value not in (None, "") and name not in ids and isinstance(value, str | int):
                ids[name] = str(value)
    return ids


@dataclass(frozen=True)
class AuditRecord:
    """One call, as written to the audit log: built once when the call ends (from its
    :class:`~gateway.call.outcome.Outcome`), never changed."""

    request_id: str
    app: str | None
    function: str | None
    effect: str | None
    status: int
    outcome: str
    total_seconds: float
    result: str | None = None  # VICIdial's answer class
    credential: str | None = None
    # Why no credential could serve the call (a 503): each credential's state, by name.
    reason: str | None = None
    upstream_seconds: float | None = None
    rows: int | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    ids: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": self.request_id,
            "app": self.app,
            "function": self.function,
            "effect": self.effect,
            "outcome": self.outcome,
            "status": self.status,
            "result": self.result,
            "credential": self.credential,
            "upstream_ms": None
            if self.upstream_seconds is None
            else round(self.upstream_seconds * 1000, 1),
            "total_ms": round(self.total_seconds * 1000, 1),
            **self.ids,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.rows is not None:
            out["rows"] = self.rows
        if self.params:
            out["params"] = dict(self.params)
        return out


class AuditLog:
    """Where records go: stdout (default) or a file.

    A record is written with one ``os.write`` of its line (stdout: one write and flush): no
    ``logging``, no ``stat`` per record. The line is in the file when the call's reply is sent,
    so nothing is lost at a crash or a reload. The file is reopened when it was moved away
    (logrotate's ``create`` or a removal): its path is checked at most once every
    :data:`ROTATION_CHECK_SECONDS`, before a write, so the records of the first fraction of a
    second after a rotation may still land in the rotated file (never lost).
    """

    def __init__(self, cfg: AuditConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.cfg = cfg
        self._clock = clock
        self._fd: int | None = None
        self._ident: tuple[int, int] | None = None
        self._checked = clock()
        self._stream = sys.stdout if cfg.file is None else None
        if cfg.file is not None:
            self._open()

    def _open(self) -> None:
        assert self.cfg.file is not None
        fd = os.open(self.cfg.file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        st = os.fstat(fd)
        self._close_fd()
        self._fd, self._ident = fd, (st.st_dev, st.st_ino)

    def _reopen_if_moved(self) -> None:
        """Reopen the file when its path no longer names the open file (rotated, removed)."""
        now = self._clock()
        if self._fd is not None and now - self._checked < ROTATION_CHECK_SECONDS:
            return
        self._checked = now
        assert self.cfg.file is not None
        try:
            st = os.stat(self.cfg.file)
        except FileNotFoundError:
            self._open()
            return
        if self._fd is None or (st.st_dev, st.st_ino) != self._ident:
            self._open()

    def write(self, record: AuditRecord) -> None:
        if not self.cfg.enabled:
            return
        line = dumps(record.as_dict()) + b"\n"  # compact UTF-8 JSON, as the replies
        if self._stream is not None:
            self._stream.write(line.decode("utf-8"))
            self._stream.flush()
            return
        self._reopen_if_moved()
        assert self._fd is not None
        view = memoryview(line)
        while view:
            view = view[os.write(self._fd, view) :]

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        """Close the file; a record written later (a call still ending) opens it again."""
        self._close_fd()
