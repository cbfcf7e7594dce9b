"""Simulated lists functions (see gateway/catalog/lists.py)."""

from __future__ import annotations

from .base import FunctionImpl

IMPLS: tuple[FunctionImpl, ...] = ()
