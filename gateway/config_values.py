"""Readers of plain YAML values: each takes what YAML gave and returns the typed value.

A reader raises :class:`ValueError` (or :class:`TypeError`) whose text is what the user reads
after the key's YAML path, e.g. ``server.port: must be a port number 0-65535, got 'x'``. The
config objects of :mod:`gateway.config` name a reader for each of their plain keys (see
:func:`gateway.config.setting`); :class:`gateway.config_check.Checker` runs it. Readers are pure
and never quote a secret (no secret is read by one: secrets are references, resolved by
:mod:`gateway.secrets`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .catalog import CATALOG
from .catalog.personal import LOGGABLE

FUNCTION_CLASSES = ("export", "read", "write")

_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)?")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}
_FINGERPRINT_RE = re.compile(r"[0-9a-f]{64}")


def parse_duration(raw: Any) -> float:
    """``30s``, ``500ms``, ``5m``, ``1h``, ``2d`` or a plain number of seconds."""
    if isinstance(raw, bool):
        raise ValueError("must be a duration like 30s, 5m, 1h")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str) and (m := _DURATION_RE.fullmatch(raw.strip())):
        value = float(m.group(1)) * _UNITS[m.group(2)]
    else:
        raise ValueError(f"must be a duration like 30s, 5m, 1h, got {raw!r}")
    if value <= 0:
        raise ValueError(f"must be > 0, got {raw!r}")
    return value


def duration_or_zero(raw: Any) -> float:
    """A duration, or 0 (``0``, ``"0"``, ``"0s"``) for "none"."""
    if raw in (0, "0", "0s"):
        return 0.0
    return parse_duration(raw)


def text(raw: Any) -> str:
    if not isinstance(raw, str) or not raw:
        raise ValueError(f"must be a non-empty string, got {raw!r}")
    return raw


def flag(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"must be true or false, got {raw!r}")
    return raw


def positive_int(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        raise ValueError(f"must be an integer > 0, got {raw!r}")
    return raw


def non_negative_int(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise ValueError(f"must be an integer >= 0, got {raw!r}")
    return raw


def positive_number(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        raise ValueError(f"must be a number > 0, got {raw!r}")
    return float(raw)


def port_number(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 65535:
        raise ValueError(f"must be a port number 0-65535, got {raw!r}")
    return raw


def fingerprints(raw: Any) -> frozenset[str]:
    """SHA-256 fingerprints, hex, with or without colons, any case."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("must be a non-empty list of SHA-256 fingerprints (hex)")
    out = set()
    for item in raw:
        value = str(item).replace(":", "").lower()
        if not _FINGERPRINT_RE.fullmatch(value):
            raise ValueError(f"not a SHA-256 fingerprint: {item!r}")
        out.add(value)
    return frozenset(out)


def str_set(raw: Any) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise ValueError("must be a list of non-empty strings")
    return frozenset(raw)


def personal_categories(raw: Any) -> frozenset[str]:
    """``[postal_code, birth_date]``: categories of personal data the audit log may keep."""
    if not isinstance(raw, list):
        raise ValueError("must be a list of categories")
    for item in raw:
        if item == "phone":
            raise ValueError("phone numbers are masked by audit.phone_digits, not listed here")
        if item not in LOGGABLE:
            raise ValueError(
                f"unknown category {item!r} (categories: {', '.join(sorted(LOGGABLE))})"
            )
    return frozenset(raw)


def class_durations(raw: Any) -> Mapping[str, float]:
    """``{export: 5m, read: 30s, write: 30s}``: per function class."""
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping of function class to duration")
    out: dict[str, float] = {}
    for key, value in raw.items():
        _function_class(key)
        out[key] = parse_duration(value)
    return MappingProxyType(out)


def class_counts(raw: Any) -> Mapping[str, int]:
    """``{export: 2, read: 10, write: 5}``: concurrent calls per function class."""
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping of function class to a number of calls")
    out: dict[str, int] = {}
    for key, value in raw.items():
        _function_class(key)
        out[key] = positive_int(value)
    return MappingProxyType(out)


def cache_ttls(raw: Any) -> Mapping[str, float]:
    """``{campaigns_list: 2s}``: read-only functions only."""
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping of function name to a time to live")
    out: dict[str, float] = {}
    for key, value in raw.items():
        spec = CATALOG.get(key)
        if spec is None:
            raise ValueError(f"unknown function {key!r}")
        if spec.effect != "read_only":
            raise ValueError(f"{key} changes data; only read-only functions can be cached")
        out[key] = duration_or_zero(value)
    return MappingProxyType(out)


def _function_class(key: Any) -> None:
    if key not in FUNCTION_CLASSES:
        raise ValueError(f"unknown function class {key!r} (classes: export, read, write)")
