"""The gateway's version, in a module that imports nothing (any module may depend on it)."""

from __future__ import annotations

__version__ = "0.1.0"
