"""The catalog of VICIdial functions: one frozen spec per function, and the reply parser.

``CATALOG`` maps each exposed function name to its :class:`~gateway.catalog.spec.FunctionSpec`.
Everything that knows about VICIdial functions (policy, parser, simulator, ``GET /v1/functions``)
reads it from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .functions import FUNCTIONS
from .spec import FunctionSpec, Param, Rows, Template

CATALOG: Mapping[str, FunctionSpec] = MappingProxyType({f.name: f for f in FUNCTIONS})

__all__ = ["CATALOG", "FunctionSpec", "Param", "Rows", "Template"]
