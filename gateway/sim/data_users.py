"""Simulator tables and seed data for the users functions (see gateway/catalog/users.py).

One :class:`UserAdminData` hangs off every :class:`~gateway.sim.state.SimState` as
``state.useradmin``; :func:`seed` fills it when a seeded state is built. Shared tables
(users, campaigns, lists, leads, callbacks, hopper) live on the state itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import SimState


@dataclass
class UserAdminData:
    """Tables only the users functions use."""


def seed(state: SimState) -> None:
    """Fill ``state.useradmin`` (and add shared rows these functions need)."""
