"""Simulator tables and seed data for the leads functions (see gateway/catalog/leads.py).

One :class:`LeadMediaData` hangs off every :class:`~gateway.sim.state.SimState` as
``state.leadmedia``; :func:`seed` fills it when a seeded state is built. Shared tables
(users, campaigns, lists, leads, callbacks, hopper) live on the state itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import SimState


@dataclass
class LeadMediaData:
    """Tables only the leads functions use."""


def seed(state: SimState) -> None:
    """Fill ``state.leadmedia`` (and add shared rows these functions need)."""
