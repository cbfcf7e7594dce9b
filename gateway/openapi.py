"""The OpenAPI 3.1 document of the gateway, generated from the catalog and the error tree.

:func:`openapi_document` is pure: the catalog (one ``POST /v1/non-agent/{name}`` per function),
:mod:`gateway.errors` (every status, its ``error.type`` values, which carry ``Retry-After``) and
optionally one app's config (only its functions, its ``allow``/``force`` rules) are all it reads.
Nothing in it is written by hand per function, so it cannot drift from what the gateway does;
``vicigw openapi`` prints it.

Reply schemas (``data`` of the 200 envelope):

- a status-line reply: the object of the template's fields, typed like the parser types them
  (``int`` integer, ``decimal`` number, anything else string; every value may be null, an empty
  field). A function with several success/notice templates gets ``anyOf`` the distinct objects,
  not ``oneOf``: two templates may have the same fields, and a reply matches them all;
- a row reply: an array of row objects (one object for ``Rows.single``); keys the columns,
  required the columns every header starts with, other keys allowed where VICIdial's header
  names the columns (new or custom columns). A row function can also answer with a status line
  (its data is then that template's object) and, where the catalog says so, with nothing (null);
- a custom reply shape (``FunctionSpec.custom_parse``: HTML pickers, key/value blocks, reports):
  the catalog's shapes above where it has them, or a documented generic schema (an object, an
  array of objects, or null): such a parser's output is code, not catalog facts.

Error replies have one schema (``Error``); each status a function can answer names the
``error.type`` values possible there. Which statuses apply is derived: the gateway's own
refusals (any call), the idempotency errors (mutating calls), the error types of the function's
templates and of the lines any function can print (:mod:`gateway.catalog.generic`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .catalog import functions as core_area
from .catalog import leads as leads_area
from .catalog import lists as lists_area
from .catalog import reports as reports_area
from .catalog import users as users_area
from .catalog.fields import field_type
from .catalog.generic import LOGIN_FAILURES, lines_for
from .catalog.spec import API_USER_FIELD, FunctionSpec, Rows, Template
from .catalog.stream import streamable
from .config import AppConfig
from .custom_fields import FUNCTIONS as CUSTOM_FIELD_FUNCTIONS
from .custom_fields import LABEL_RE, MAX_VALUE_CHARS
from .errors import (
    AgentBusy,
    BadRequest,
    Forbidden,
    GatewayError,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    MethodNotAllowed,
    NotFound,
    RateLimited,
    RequestTimeout,
    TooLarge,
    Unauthorized,
    Unavailable,
    UnknownFunction,
    UpstreamError,
    UpstreamTimeout,
)
from .limits import takes_agent_turn
from .openapi_params import ParamSchema
from .version import __version__

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
NDJSON = "application/x-ndjson"

# When each class of the error tree can end a call of a function (checked by a test against the
# whole tree, so a new class cannot be forgotten): "any" call, "mutating" calls only (the
# Idempotency-Key header), "reply": only when a VICIdial reply (a template's error_type) or a
# step of the function (custom fields) says so; "never": not for a catalog path.
ERROR_SCOPES: Mapping[type[GatewayError], str] = {
    GatewayError: "any",  # 500 internal_error
    BadRequest: "any",
    Unauthorized: "any",
    Forbidden: "any",
    UnknownFunction: "any",  # an older gateway without the function
    MethodNotAllowed: "any",
    RequestTimeout: "any",
    TooLarge: "any",
    RateLimited: "any",
    UpstreamError: "any",
    Unavailable: "any",
    UpstreamTimeout: "any",
    IdempotencyInProgress: "mutating",
    IdempotencyKeyReused: "mutating",
    AgentBusy: "agent_turn",  # a mutating Agent API call that names its agent_user
}
# Fields the parser never returns (parser._DROPPED_FIELDS): the gateway's login, a bad login's
# password, the SQL statement of a failed insert.
DROPPED_FIELDS = frozenset({API_USER_FIELD, "pass", "sql_statement"})
# The Agent API's functions, as one tag.
AGENT_TAG = "agent API"
# The catalog's areas, as tags.
AREAS: tuple[tuple[str, tuple[FunctionSpec, ...]], ...] = (
    ("leads and campaigns", core_area.FUNCTIONS),
    ("users", users_area.FUNCTIONS),
    ("lists, phones and DIDs", lists_area.FUNCTIONS),
    ("reports", reports_area.FUNCTIONS),
    ("lead details and pickers", leads_area.FUNCTIONS),
)
_REF = "#/components/schemas/"
_SCALAR_OR_NULL = {"type": ["string", "number", "null"]}


def tree() -> list[type[GatewayError]]:
    """Every class of the error tree, base first."""
    out: list[type[GatewayError]] = []
    todo: list[type[GatewayError]] = [GatewayError]
    while todo:
        cls = todo.pop(0)
        out.append(cls)
        todo += sorted(cls.__subclasses__(), key=lambda c: c.__name__)
    return out


def _scope(cls: type[GatewayError]) -> str:
    """The scope of the class or of the nearest ancestor below the base (the base's own scope,
    internal errors, is not inherited)."""
    for klass in cls.__mro__:
        if klass is GatewayError and cls is not GatewayError:
            break
        if klass in ERROR_SCOPES:
            return ERROR_SCOPES[klass]
    return "reply"


def error_types(spec: FunctionSpec) -> dict[int, set[str]]:
    """status -> the ``error.type`` values a call of ``spec`` can answer with there."""
    lines = (*spec.templates, *lines_for(spec.api), *LOGIN_FAILURES)
    named = {t.error_type for t in lines if t.error_type}
    if spec.name in CUSTOM_FIELD_FUNCTIONS:
        named.add(NotFound.type)  # update_lead with custom fields reads the lead first
    out: dict[int, set[str]] = {}
    for cls in tree():
        scope = _scope(cls)
        if (
            scope == "any"
            or (scope == "mutating" and spec.effect == "mutating")
            or (scope == "agent_turn" and takes_agent_turn(spec))
            or (scope == "reply" and cls.type in named)
        ):
            out.setdefault(cls.status, set()).add(cls.type)
    return out


def _retry_statuses() -> dict[int, set[str]]:
    """status -> the types there that carry Retry-After."""
    out: dict[int, set[str]] = {}
    for cls in tree():
        if cls.carries_retry_after:
            out.setdefault(cls.status, set()).add(cls.type)
    return out


# --- reply schemas ------------------------------------------------------------------------------


def _value(name: str, spec: FunctionSpec) -> dict[str, Any]:
    kind = field_type(name, spec.field_types)
    if kind == "int":
        return {"type": ["integer", "null"]}
    if kind == "decimal":
        return {"type": ["number", "null"]}
    return {"type": ["string", "null"]}


def template_schema(spec: FunctionSpec, template: Template) -> dict[str, Any]:
    names = [n for n in template.fields if n not in DROPPED_FIELDS]
    return {
        "type": "object",
        "properties": {n: _value(n, spec) for n in names},
        "required": names,
        "additionalProperties": False,
    }


def _row_schema(spec: FunctionSpec, rows: Rows) -> dict[str, Any]:
    split = dict(rows.split_columns)
    conditional = {c for c, _p, _v in rows.conditional_columns}
    tail = (
        set(rows.columns[len(rows.columns) - rows.optional_tail :]) if rows.optional_tail else set()
    )
    base: list[str] = []
    for c in rows.columns:
        if c in conditional:
            break
        base.append(c)
    props = {
        c: {"type": "array", "items": {"type": "string"}} if c in split else _value(c, spec)
        for c in rows.columns
    }
    open_columns = rows.request_header or rows.custom_columns is not None
    return {
        "type": "object",
        "properties": props,
        "required": [c for c in base if c not in tail],
        # Columns VICIdial's header names beyond the catalog's (custom fields, newer columns):
        # typed by name like any field, so a number, a string or null.
        "additionalProperties": _SCALAR_OR_NULL if open_columns else False,
    }


def _generic_data() -> dict[str, Any]:
    record = {"type": "object", "additionalProperties": True}
    return {
        "description": "a reply shape read by code (FunctionSpec.custom_parse): an object, an "
        "array of objects or null; see the function's description",
        "anyOf": [record, {"type": "array", "items": record}, {"type": "null"}],
    }


def _distinct(schemas: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for s in schemas:
        if s not in out:
            out.append(s)
    return out


def data_schema(spec: FunctionSpec) -> dict[str, Any]:
    """The ``data`` of a 200 reply of ``spec``."""
    variants = [template_schema(spec, t) for t in spec.templates if t.result != "ERROR"]
    if spec.rows is not None:
        row = _row_schema(spec, spec.rows)
        variants.insert(0, row if spec.rows.single else {"type": "array", "items": row})
    if spec.empty_ok:
        variants.append({"type": "null"})
    if spec.custom_parse is not None:
        # The function's own parser may give the catalog's shapes or one of its own.
        variants.append(_generic_data())
    variants = _distinct(variants)
    if not variants:
        return {"type": "null"}
    return variants[0] if len(variants) == 1 else {"anyOf": variants}


def reply_schema(spec: FunctionSpec) -> dict[str, Any]:
    """The 200 JSON envelope of ``spec`` (a streamed export may also end with ok false)."""
    props: dict[str, Any] = {
        "ok": {"const": True},
        "function": {"const": spec.name},
        "result": {"enum": ["SUCCESS", "NOTICE"]},
        "message": {"type": ["string", "null"]},
        "data": data_schema(spec),
        "notices": {"type": "array", "items": {"$ref": _REF + "Notice"}},
        "request_id": {"type": "string"},
    }
    required = ["ok", "function", "result", "message", "data", "notices", "request_id"]
    ok: dict[str, Any] = {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }
    if not streamable(spec):
        return ok
    broken = {
        **ok,
        "properties": {
            **props,
            "ok": {"const": False},
            "result": {"const": "ERROR"},
            "error": {"$ref": _REF + "StreamError"},
        },
        "required": [*required, "error"],
        "description": "the export broke off after rows were sent (the status was already 200)",
    }
    return {"anyOf": [ok, broken]}


def _ndjson_line(spec: FunctionSpec) -> dict[str, Any]:
    assert spec.rows is not None
    trailer = {
        "type": "object",
        "properties": {
            "trailer": {
                "type": "object",
                "properties": {
                    "ok": {"type": "boolean"},
                    "function": {"const": spec.name},
                    "rows": {"type": "integer", "minimum": 0},
                    "notices": {"type": "array", "items": {"$ref": _REF + "Notice"}},
                    "request_id": {"type": "string"},
                    "error": {"$ref": _REF + "StreamError"},
                },
                "required": ["ok", "function", "rows", "notices", "request_id"],
                "additionalProperties": False,
            }
        },
        "required": ["trailer"],
        "additionalProperties": False,
    }
    return {
        "description": "one JSON value per line: a row object each, then one trailer line "
        "(a stream without its trailer was cut off)",
        "anyOf": [_row_schema(spec, spec.rows), trailer],
    }


# --- shared components ----------------------------------------------------------------------------


def _components_schemas() -> dict[str, Any]:
    types = sorted({cls.type for cls in tree()})
    notice = {
        "type": "object",
        "properties": {
            "result": {"enum": ["SUCCESS", "ERROR", "NOTICE"]},
            "message": {"type": "string"},
            "data": {"type": "object", "additionalProperties": _SCALAR_OR_NULL},
        },
        "required": ["result", "message", "data"],
        "additionalProperties": False,
    }
    error = {
        "type": "object",
        "description": "every error reply, wherever the refusal happens",
        "properties": {
            "ok": {"const": False},
            "function": {"type": ["string", "null"]},
            "result": {"enum": ["SUCCESS", "ERROR", "NOTICE"]},
            "error": {
                "type": "object",
                "properties": {
                    "type": {"$ref": _REF + "ErrorType"},
                    "message": {"type": "string"},
                    "details": {"type": "object"},
                },
                "required": ["type", "message", "details"],
                "additionalProperties": False,
            },
            "notices": {"type": "array", "items": {"$ref": _REF + "Notice"}},
            "request_id": {"type": ["string", "null"]},
        },
        "required": ["ok", "function", "result", "error", "notices", "request_id"],
        "additionalProperties": False,
    }
    stream_error = {
        "type": "object",
        "properties": {
            "type": {"$ref": _REF + "ErrorType"},
            "message": {"type": "string"},
            "details": {
                "type": "object",
                "properties": {"rows_sent": {"type": "integer", "minimum": 0}},
                "required": ["rows_sent"],
            },
        },
        "required": ["type", "message", "details"],
        "additionalProperties": False,
    }
    return {
        "ErrorType": {
            "description": "error.type: one meaning, one reaction (README's error table)",
            "enum": types,
        },
        "Notice": notice,
        "Error": error,
        "StreamError": stream_error,
    }


def _headers() -> dict[str, Any]:
    return {
        "X-Request-ID": {
            "description": "the caller's request id (if made of [A-Za-z0-9._:-], up to 128 "
            "characters), else a new one",
            "schema": {"type": "string"},
        },
        "Retry-After": {
            "description": "seconds to wait before the same request may be sent again",
            "schema": {"type": "integer", "minimum": 0},
        },
        "Idempotent-Replayed": {
            "description": "the stored outcome of the first call with this Idempotency-Key",
            "schema": {"const": "true"},
        },
        "WWW-Authenticate": {"description": "RFC 6750 challenge", "schema": {"type": "string"}},
        "Allow": {"description": "the methods the path takes", "schema": {"type": "string"}},
    }


def _parameters() -> dict[str, Any]:
    return {
        "XRequestID": {
            "name": "X-Request-ID",
            "in": "header",
            "required": False,
            "description": "echoed in the reply and the audit log; a new one if absent or not "
            "of this shape",
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
        },
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "the same key with the same request gets the first call's outcome "
            "(Idempotent-Replayed: true); never sent to VICIdial twice",
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,255}$"},
        },
        "AcceptExport": {
            "name": "Accept",
            "in": "header",
            "required": False,
            "description": f"{NDJSON}: the rows one JSON object per line and a trailer line",
            "schema": {"type": "string"},
        },
    }


# --- paths ------------------------------------------------------------------------------------


def _header_ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/headers/{name}"}


def _error_response(status: int, types: set[str], retry: set[str]) -> dict[str, Any]:
    headers: dict[str, Any] = {"X-Request-ID": _header_ref("X-Request-ID")}
    if types & retry:
        headers["Retry-After"] = _header_ref("Retry-After")
    if status == 401:
        headers["WWW-Authenticate"] = _header_ref("WWW-Authenticate")
    if status == 405:
        headers["Allow"] = _header_ref("Allow")
    text = ", ".join(sorted(types))
    if types & retry and types - retry:
        text += f" (Retry-After with {', '.join(sorted(types & retry))})"
    schema = {
        "allOf": [
            {"$ref": _REF + "Error"},
            {"properties": {"error": {"properties": {"type": {"enum": sorted(types)}}}}},
        ]
    }
    return {"description": text, "headers": headers, "content": {JSON: {"schema": schema}}}


def _request_schema(spec: FunctionSpec, app: AppConfig | None) -> dict[str, Any]:
    rules = app.rules(spec) if app is not None else {}
    heavy_ok = app is None or spec.name in app.allow_heavy
    props: dict[str, Any] = {}
    required: list[str] = []
    for p in spec.params:
        if p.name in spec.gateway_params or p.name in spec.fixed_params:
            continue
        rule = rules.get(p.name)
        props[p.name] = ParamSchema(spec, p, rule, heavy_ok).schema()
        if p.required and not (rule is not None and rule.force is not None):
            required.append(p.name)
    if spec.name in CUSTOM_FIELD_FUNCTIONS:
        props["custom_fields"] = _custom_fields_schema(spec, app)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": props,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _custom_fields_schema(spec: FunctionSpec, app: AppConfig | None) -> dict[str, Any]:
    value = {
        "anyOf": [
            {
                "type": "string",
                "maxLength": MAX_VALUE_CHARS,
                "not": {"pattern": r'[;"+\x00-\x1f\x7f-\x9f\\]'},
            },
            {"type": "integer"},
            {"type": "null"},
        ]
    }
    schema: dict[str, Any] = {
        "type": "object",
        "description": "the list's custom fields, {label: value}, labels as VICIdial lists "
        "them; the gateway also refuses characters outside the basic plane, a quote where "
        "VICIdial pastes the value into SQL, and another label's '&label=' in a value",
        "propertyNames": {"pattern": f"^{LABEL_RE.pattern}$"},
        "additionalProperties": value,
    }
    rules = app.custom_fields.get(spec.name, {}) if app is not None else {}
    if rules:
        schema["properties"] = {
            label: {"enum": [r.force]} if r.force is not None else {"enum": list(r.allow or ())}
            for label, r in sorted(rules.items())
        }
    return schema


def _operation(spec: FunctionSpec, app: AppConfig | None, tag: str | None) -> dict[str, Any]:
    retry = _retry_statuses()
    ok_headers: dict[str, Any] = {"X-Request-ID": _header_ref("X-Request-ID")}
    parameters: list[dict[str, Any]] = [{"$ref": "#/components/parameters/XRequestID"}]
    if spec.effect == "mutating":
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
        ok_headers["Idempotent-Replayed"] = _header_ref("Idempotent-Replayed")
    content: dict[str, Any] = {JSON: {"schema": {"$ref": f"{_REF}reply.{schema_key(spec)}"}}}
    if streamable(spec):
        parameters.append({"$ref": "#/components/parameters/AcceptExport"})
        content[NDJSON] = {"schema": _ndjson_line(spec)}
    responses: dict[str, Any] = {
        "200": {
            "description": "VICIdial's reply as JSON",
            "headers": ok_headers,
            "content": content,
        }
    }
    for status, types in sorted(error_types(spec).items()):
        responses[str(status)] = _error_response(status, types, retry.get(status, set()))
    request = _request_schema(spec, app)
    description = f"{spec.summary}\n\neffect: {spec.effect}; idempotent: {spec.idempotent}" + (
        "; streamed (Accept: application/x-ndjson for NDJSON)" if streamable(spec) else ""
    )
    op: dict[str, Any] = {
        "operationId": schema_key(spec).replace(".", "_"),
        "summary": spec.summary.split("\n")[0][:120],
        "description": description,
        "parameters": parameters,
        "requestBody": {
            "required": bool(request.get("required")),
            "content": {JSON: {"schema": {"$ref": f"{_REF}request.{schema_key(spec)}"}}},
        },
        "responses": responses,
    }
    if tag is not None:
        op["tags"] = [tag]
    return op


def _area_of(name: str) -> str | None:
    for tag, specs in AREAS:
        if any(s.name == name for s in specs):
            return tag
    return None


def _plain_get(summary: str, schema: dict[str, Any], secured: bool) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            "200": {
                "description": summary,
                "headers": {"X-Request-ID": _header_ref("X-Request-ID")},
                "content": {JSON: {"schema": schema}},
            }
        },
    }
    if secured:
        op["responses"]["401"] = _error_response(401, {Unauthorized.type}, set())
    else:
        op["security"] = []
    return op


def _openapi_get() -> dict[str, Any]:
    op = _plain_get(
        "this document: with a token, the functions of the calling app with its rules; "
        "without one, the whole document if server.openapi_public (else 401)",
        {"type": "object", "required": ["openapi", "paths"]},
        secured=True,
    )
    op["security"] = [{"bearer": []}, {}]  # the token is optional where the switch allows
    return op


def schema_key(spec: FunctionSpec) -> str:
    """The function's name in the document's schema names (``request.<key>``, ``reply.<key>``):
    its name, and ``agent.<name>`` for the Agent API (both APIs have a ``version``)."""
    return spec.name if spec.api == "non_agent" else f"agent.{spec.name}"


def openapi_document(
    catalog: Mapping[str, FunctionSpec],
    rules: AppConfig | None = None,
    agent_catalog: Mapping[str, FunctionSpec] | None = None,
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the gateway: every function of ``catalog`` (and of the Agent
    API's ``agent_catalog``), or only those ``rules`` (one app's config) may call, with that
    app's ``allow``/``force`` rules."""
    names = sorted(n for n in catalog if rules is None or rules.may_call(catalog[n]))
    agent = agent_catalog or {}
    agent_names = sorted(n for n in agent if rules is None or rules.may_call(agent[n]))
    paths: dict[str, Any] = {}
    schemas = _components_schemas()
    for name in names:
        spec = catalog[name]
        schemas[f"request.{name}"] = _request_schema(spec, rules)
        schemas[f"reply.{name}"] = reply_schema(spec)
        paths[f"/v1/non-agent/{name}"] = {"post": _operation(spec, rules, _area_of(name))}
    for name in agent_names:
        spec = agent[name]
        schemas[f"request.{schema_key(spec)}"] = _request_schema(spec, rules)
        schemas[f"reply.{schema_key(spec)}"] = reply_schema(spec)
        paths[f"/v1/agent/{name}"] = {"post": _operation(spec, rules, AGENT_TAG)}
    paths["/v1/functions"] = {
        "get": _plain_get(
            "the functions the calling app may use, with their parameters and its rules",
            {"type": "object", "required": ["ok", "functions"]},
            secured=True,
        )
    }
    paths["/openapi.json"] = {"get": _openapi_get()}
    paths["/healthz"] = {
        "get": _plain_get("the process is alive", {"type": "object"}, secured=False)
    }
    paths["/readyz"] = {
        "get": _plain_get("the gateway can serve (503 when not)", {"type": "object"}, False)
    }
    tags = [{"name": tag} for tag, specs in AREAS if any(s.name in names for s in specs)]
    if agent_names:
        tags.append({"name": AGENT_TAG})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "vicidial-gateway",
            "version": __version__,
            "description": "VICIdial's Non-Agent API (and Agent API) as JSON, generated from "
            "the gateway's "
            "catalog" + (f" (the functions of app {rules.name!r})" if rules is not None else ""),
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "security": [{"bearer": []}],
        "tags": tags,
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "schemas": schemas,
            "headers": _headers(),
            "parameters": _parameters(),
        },
    }
