"""Simulated leads functions (see gateway/catalog/leads.py)."""

from __future__ import annotations

from .base import FunctionImpl

IMPLS: tuple[FunctionImpl, ...] = ()
