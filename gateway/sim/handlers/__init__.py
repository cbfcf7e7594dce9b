"""The simulated functions, by name.

Adding a function: write a handler module with an ``IMPLS`` tuple of :class:`FunctionImpl` and
list it here. ``version`` (and the coffee joke) are answered before login by the server itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import add_lead, info, lead_read, leads, lists, reports, update_lead, users
from .base import Ctx, FunctionImpl, Out

HANDLERS: Mapping[str, FunctionImpl] = MappingProxyType(
    {
        impl.name: impl
        for module in (add_lead, update_lead, lead_read, info, users, lists, reports, leads)
        for impl in module.IMPLS
    }
)

__all__ = ["HANDLERS", "Ctx", "FunctionImpl", "Out"]
