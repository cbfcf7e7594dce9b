"""Simulator tables and seed data for the lists functions (see gateway/catalog/lists.py).

One :class:`ListAdminData` hangs off every :class:`~gateway.sim.state.SimState` as
``state.listadmin``; :func:`seed` fills it when a seeded state is built. Shared tables
(users, campaigns, lists, leads, callbacks, hopper) live on the state itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import SimState


@dataclass
class ListAdminData:
    """Tables only the lists functions use."""


def seed(state: SimState) -> None:
    """Fill ``state.listadmin`` (and add shared rows these functions need)."""
