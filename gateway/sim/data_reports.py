"""Simulator tables and seed data for the reports functions (see gateway/catalog/reports.py).

One :class:`ReportData` hangs off every :class:`~gateway.sim.state.SimState` as
``state.reports``; :func:`seed` fills it when a seeded state is built. Shared tables
(users, campaigns, lists, leads, callbacks, hopper) live on the state itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import SimState


@dataclass
class ReportData:
    """Tables only the reports functions use."""


def seed(state: SimState) -> None:
    """Fill ``state.reports`` (and add shared rows these functions need)."""
