"""Simulated reports functions (see gateway/catalog/reports.py)."""

from __future__ import annotations

from .base import FunctionImpl

IMPLS: tuple[FunctionImpl, ...] = ()
