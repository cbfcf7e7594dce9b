"""VICIdial's SQL, as far as a gateway is concerned: would this request break out of it?

Real VICIdial pastes filtered request values unescaped between the quotes of its SQL. The
simulator checks every request against the facts the catalog records for that
(:mod:`gateway.catalog.sql_uses`): a value holding the quote of a string literal it lands in (or
a backslash, which escapes the closing quote), a value pasted without quotes that is more than
a number, list or name, a value ``update_list`` would forward with ``&``, ``%`` or ``+``, the
raw last form field, which VICIdial writes into ``vicidial_api_log`` unfiltered, and custom
lead field values (add_lead / update_lead with ``custom_fields=Y``: every form field the catalog
does not name counts as one) that would end their ``label="..."`` literal or break the
single-quoted SQL that reads the lead back.

Such a request gets what PHP 8 answers on a SQL syntax error (HTTP 500, nothing run) and is
recorded in ``SimState.sql_breakouts``; :meth:`~gateway.sim.runner.RunningSim.close` raises
:class:`SqlBreakout` when any was recorded, so a test fails whenever one reaches the simulator.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from gateway.catalog import CATALOG
from gateway.catalog.spec import BARE_SAFE, FORWARD_UNSAFE, FunctionSpec
from gateway.catalog.sql_uses import CUSTOM_FIELD_SQL

from .handlers.lead_custom import custom_value
from .params import Params

# Form fields that are never a custom field's value.
_NOT_CUSTOM = frozenset({"user", "pass", "source", "function", "DB", "custom_fields"})


class SqlBreakout(AssertionError):
    """Values that would have changed the meaning of VICIdial's SQL reached the simulator."""


def breakouts(function: str, params: Params) -> list[str]:
    """What in this request would break out of VICIdial's SQL (empty: nothing)."""
    found: list[str] = []
    last = params.last_posted
    if last is not None and ("'" in last or "\\" in last):
        found.append("api_log value (the raw last form field)")
    spec = CATALOG.get(function)
    if spec is None:
        return found
    sent = {p.name: params.as_vicidial_reads(p.name) for p in spec.params}
    present = {name: value for name, value in sent.items() if value is not None}
    for param in spec.params:
        value = present.get(param.name)
        if value is None:
            continue
        if param.forwarded and any(ch in value for ch in FORWARD_UNSAFE):
            found.append(f"{param.name}: forwarded to admin_lists_custom.php with & % or +")
        if param.decoded_when is not None and param.decoded_when in value:
            value = unquote_plus(value)
        for use in param.sql or ():
            if not use.applies(present):
                continue
            if use.quote == "bare":
                broken = not BARE_SAFE.fullmatch(value)
            else:
                broken = use.quote in value or "\\" in value
            if broken:
                found.append(f"{param.name}: {use.quote} {use.what}")
    found += _custom_breakouts(spec, params)
    return found


def _custom_breakouts(spec: FunctionSpec, params: Params) -> list[str]:
    uses = CUSTOM_FIELD_SQL.get(spec.name)
    if uses is None or params.get("custom_fields") != "Y":
        return []
    found: list[str] = []
    for name in dict.fromkeys([*params.query, *params.body]):
        if name in _NOT_CUSTOM or name in spec.param_names or name in spec.gateway_params:
            continue
        value = custom_value(params.raw(name) or "")
        for use in uses:
            if use.quote in value or "\\" in value:
                found.append(f"custom field {name}: {use.quote} {use.what}")
    return found
