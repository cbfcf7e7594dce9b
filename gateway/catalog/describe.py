"""The catalog as JSON-ready data: for ``GET /v1/functions`` and ``vicigw functions``."""

from __future__ import annotations

from typing import Any

from .spec import FunctionSpec, Param
from .stream import streamable


def describe_param(
    param: Param, *, allow: tuple[str, ...] | None = None, force: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": param.name,
        "kind": param.kind,
        "required": param.required,
        "max_length": param.max_len,
    }
    if param.choices:
        out["choices"] = list(param.choices)
    if param.kind == "list":
        out["list_separator"] = param.list_sep
    if param.summary:
        out["summary"] = param.summary
    if allow is not None:
        out["allowed_values"] = list(allow)
    if force is not None:
        out["fixed_value"] = force
    return out


def describe(
    spec: FunctionSpec, rules: dict[str, tuple[tuple[str, ...] | None, str | None]] | None = None
) -> dict[str, Any]:
    """One function: name, summary, effect, idempotency, parameters (with an app's rules)."""
    rules = rules or {}
    return {
        "name": spec.name,
        "api": spec.api,
        "path": f"/v1/{'agent' if spec.api == 'agent' else 'non-agent'}/{spec.name}",
        "summary": spec.summary,
        "effect": spec.effect,
        "idempotent": spec.idempotent,
        "streamed": streamable(spec),
        "params": [
            describe_param(
                p,
                allow=rules.get(p.name, (None, None))[0],
                force=rules.get(p.name, (None, None))[1],
            )
            for p in spec.params
        ],
    }
