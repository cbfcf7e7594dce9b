"""The catalog of VICIdial functions: one frozen spec per function, and the reply parser.

``CATALOG`` maps each exposed function name to its :class:`~gateway.catalog.spec.FunctionSpec`.
Everything that knows about VICIdial functions (policy, parser, simulator, ``GET /v1/functions``)
reads it from here. The specs live in one module per area: :mod:`.functions` (the core lead and
campaign functions), :mod:`.users`, :mod:`.lists`, :mod:`.reports` and :mod:`.leads`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import agent, functions, leads, lists, reports, users
from .agent_sql import AGENT_SQL_USES
from .spec import FunctionSpec, Param, Rows, Template
from .sql_uses import SQL_USES, SqlFacts, with_sql


def _merge(
    *groups: tuple[FunctionSpec, ...], uses: Mapping[str, SqlFacts] = SQL_USES
) -> Mapping[str, FunctionSpec]:
    """Every spec once, each parameter with its SQL facts (:mod:`.sql_uses`) attached."""
    out: dict[str, FunctionSpec] = {}
    for group in groups:
        for spec in group:
            if spec.name in out:
                raise ValueError(f"function {spec.name!r} is specified twice")
            out[spec.name] = with_sql(spec, uses)
    return MappingProxyType(out)


CATALOG: Mapping[str, FunctionSpec] = _merge(
    functions.FUNCTIONS, users.FUNCTIONS, lists.FUNCTIONS, reports.FUNCTIONS, leads.FUNCTIONS
)

# The Agent API (``/agc/api.php``): a catalog of its own, since both APIs have a ``version``;
# each parameter with its SQL facts from :mod:`.agent_sql`.
AGENT_CATALOG: Mapping[str, FunctionSpec] = _merge(agent.FUNCTIONS, uses=AGENT_SQL_USES)

__all__ = ["AGENT_CATALOG", "CATALOG", "FunctionSpec", "Param", "Rows", "Template"]
