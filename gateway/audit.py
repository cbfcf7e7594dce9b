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

import json
import logging
import logging.handlers
import sys
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .catalog.personal import category
from .catalog.spec import FunctionSpec
from .config import AuditConfig

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
    """Where records go: stdout (default) or a file."""

    def __init__(self, cfg: AuditConfig) -> None:
        self.cfg = cfg
        self._logger = logging.getLogger(f"gateway.audit.{id(self)}")
        self._logger.propagate = False
        self._logger.setLevel(logging.INFO)
        handler: logging.Handler
        if cfg.file is not None:
            handler = logging.handlers.WatchedFileHandler(cfg.file, encoding="utf-8")
        else:
            handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        self._handler = handler
        self._logger.addHandler(handler)

    def write(self, record: AuditRecord) -> None:
        if self.cfg.enabled:
            self._logger.info(json.dumps(record.as_dict(), ensure_ascii=False, default=str))

    def close(self) -> None:
        self._logger.removeHandler(self._handler)
        self._handler.close()
