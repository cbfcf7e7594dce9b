"""Specs of the Agent API functions (``/agc/api.php``), served at ``POST /v1/agent/{function}``.

Facts from ``shared/vicidial-api/agent_functions.yaml`` and the replies recorded from the real
``agc/api.php`` (``tests/data/agent_samples/``); where the two differ, the recording wins. Field
order and literal text of every template are VICIdial's. Every spec has ``api="agent"``.
"""

from __future__ import annotations

from .spec import FunctionSpec

FUNCTIONS: tuple[FunctionSpec, ...] = ()
