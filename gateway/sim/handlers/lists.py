"""Simulated lists functions (see gateway/catalog/lists.py), one module per group:
:mod:`.lists_admin` (lists and custom fields), :mod:`.lists_campaigns` (campaign settings, alternate
URLs, presets, hopper, an agent's campaigns) and :mod:`.lists_dids` (DIDs and CID groups).
"""

from __future__ import annotations

from . import lists_admin, lists_campaigns, lists_dids
from .base import FunctionImpl

IMPLS: tuple[FunctionImpl, ...] = (
    *lists_admin.IMPLS,
    *lists_campaigns.IMPLS,
    *lists_dids.IMPLS,
)
