"""Step 2, authorize: which function, and what the calling app may send to it.

- :func:`find_function`: the name in the path → the catalog's spec (404 if there is none);
- :func:`authorize`: the JSON body → VICIdial form params, by the app's rules
  (:func:`gateway.policy.build_params`: 400 / 403), with the caller's custom lead fields taken
  apart (:func:`gateway.custom_fields.take`) and the params fit for the audit log;
- :func:`authorize_custom`: the custom lead fields, by the app's rules and the list's labels
  (:meth:`gateway.custom_fields.CustomFields.plan`; it may ask VICIdial, through ``lookup``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..audit import loggable_params
from ..catalog import AGENT_CATALOG, CATALOG
from ..catalog.spec import Api, FunctionSpec
from ..config import AppConfig, AuditConfig, UpstreamConfig
from ..custom_fields import CustomFields, Lookup, Plan, take
from ..errors import UnknownFunction
from ..policy import build_params


def catalog_of(api: Api) -> Mapping[str, FunctionSpec]:
    """The functions of one of VICIdial's two APIs."""
    return AGENT_CATALOG if api == "agent" else CATALOG


def find_function(name: str, api: Api = "non_agent") -> FunctionSpec:
    """The catalog's spec of ``name`` in ``api``; 404 (with the name, escaped and cut) if it has
    none."""
    spec = catalog_of(api).get(name)
    if spec is None:
        raise UnknownFunction(
            "unknown function", details={"function": name[:64].encode("unicode_escape").decode()}
        )
    return spec


@dataclass(frozen=True)
class Authorized:
    """The form to send (before custom fields), the caller's custom field values (``None``: the
    body had none) and the params as the audit log may show them."""

    params: dict[str, str]
    custom: dict[str, str] | None
    loggable: dict[str, str]


def authorize(app: AppConfig, spec: FunctionSpec, body: Any, audit: AuditConfig) -> Authorized:
    custom = take(spec, body)
    params = build_params(app, spec, body)
    loggable = loggable_params(spec, params, audit.phone_digits, audit.personal_data)
    return Authorized(params, custom, loggable)


async def authorize_custom(
    custom_fields: CustomFields,
    app: AppConfig,
    upstream: UpstreamConfig,
    spec: FunctionSpec,
    authorized: Authorized,
    lookup: Lookup,
) -> Plan:
    """The call to make, custom fields included (and the step after VICIdial's answer, if
    any: add_lead's custom fields are stored by a second call)."""
    return await custom_fields.plan(
        app, upstream, spec, authorized.params, authorized.custom, lookup
    )
