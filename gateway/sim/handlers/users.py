"""Simulated users functions (see gateway/catalog/users.py)."""

from __future__ import annotations

from .base import FunctionImpl

IMPLS: tuple[FunctionImpl, ...] = ()
