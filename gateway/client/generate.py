"""Writes :mod:`gateway.client.types`, the typed helpers of the client, from the catalog.

``python -m gateway.client.generate`` rewrites ``gateway/client/types.py``; ``--check`` exits 1
when the checked-in file differs from what the catalog gives (a test runs the same comparison,
so the module cannot drift). Nothing in it is written by hand:

- ``<Name>Request``: the parameters, from the request schema :mod:`gateway.openapi` publishes
  (the JSON types :func:`gateway.policy.build_params` accepts for each: ``str`` always, ``int``
  where digits pass, ``bool`` for two-valued flags, ``list[str | int]`` for lists), required
  parameters ``Required[...]``;
- ``<Name>Data`` (status-line replies: the fields of the success/notice templates) and
  ``<Name>Row`` (row replies: the columns), typed like the parser types them (``int``/``decimal``
  fields ``int | float``, the others ``str``; every value may be ``None``, an empty field);
- :class:`Functions` / :class:`AsyncFunctions`: one method per function (``client.fn.add_lead(
  phone_number=..., list_id=...)``), ``<name>_rows`` for the streamed exports.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..catalog import CATALOG
from ..catalog.fields import field_type
from ..catalog.spec import FunctionSpec
from ..catalog.stream import streamable
from ..custom_fields import FUNCTIONS as CUSTOM_FIELD_FUNCTIONS
from ..openapi import DROPPED_FIELDS, openapi_document

TARGET = Path(__file__).with_name("types.py")
_JSON_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "array": "list[str | int]"}
_ORDER = ["str", "int", "bool", "list[str | int]"]
CUSTOM_FIELDS_TYPE = "dict[str, str | int | None]"
GENERIC_DATA = "dict[str, Any] | list[dict[str, Any]]"

HEADER = '''"""Typed helpers of the gateway's functions, GENERATED from the catalog by
``python -m gateway.client.generate``: do not edit (a test fails when this file and the
catalog differ).

``client.fn.add_lead(phone_number="3125551212", list_id="101")`` is ``client.call("add_lead",
...)`` with its parameters checked by a type checker, and its ``Reply.data`` typed.
"""

# ruff: noqa: E501
# (no "from __future__ import annotations": TypedDict reads Required[...] when the class is made)

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack, cast

from .core import Reply

if TYPE_CHECKING:
    from .aio import AsyncClient
    from .sync import Client
'''


def class_name(function: str) -> str:
    return "".join(part.capitalize() for part in function.split("_"))


def _json_types(schema: Mapping[str, Any]) -> set[str]:
    if "anyOf" in schema:
        return set().union(*(_json_types(v) for v in schema["anyOf"]))
    kind = schema.get("type")
    if kind is None and isinstance(schema.get("const"), bool):
        kind = "boolean"
    if kind not in _JSON_TYPES:
        raise ValueError(f"no Python type for the parameter schema {schema!r}")
    return {_JSON_TYPES[kind]}


def value_type(schema: Mapping[str, Any]) -> str:
    """The Python type of a parameter's JSON values, from its request schema."""
    found = _json_types(schema)
    return " | ".join(t for t in _ORDER if t in found)


def _field(name: str, spec: FunctionSpec) -> str:
    kind = field_type(name, spec.field_types)
    return "int | float | None" if kind in ("int", "decimal") else "str | None"


def _typed_dict(name: str, doc: str, fields: Mapping[str, str]) -> list[str]:
    lines = [f"class {name}(TypedDict, total=False):", f'    """{doc}"""', ""]
    lines += [f"    {key}: {kind}" for key, kind in fields.items()]
    return [*lines, "", ""]


def _request(spec: FunctionSpec, schema: Mapping[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    fields: dict[str, str] = {}
    for param, sub in schema["properties"].items():
        custom = param == "custom_fields" and spec.name in CUSTOM_FIELD_FUNCTIONS
        kind = CUSTOM_FIELDS_TYPE if custom else value_type(sub)
        fields[param] = f"Required[{kind}]" if param in required else kind
    return _typed_dict(f"{class_name(spec.name)}Request", f"The parameters of {spec.name}.", fields)


def _data(spec: FunctionSpec) -> tuple[list[str], str, str | None]:
    """The reply's TypedDicts, the type of ``Reply.data`` and the row type (row replies)."""
    lines: list[str] = []
    variants: list[str] = []
    row: str | None = None
    base = class_name(spec.name)
    if spec.rows is not None:
        split = dict(spec.rows.split_columns)
        columns = {
            c: "list[str] | None" if c in split else _field(c, spec) for c in spec.rows.columns
        }
        row = f"{base}Row"
        doc = f"One row of {spec.name} (VICIdial's header names the columns)."
        lines += _typed_dict(row, doc, columns)
        variants.append(row if spec.rows.single else f"list[{row}]")
    fields: dict[str, str] = {}
    for template in spec.templates:
        if template.result == "ERROR":
            continue
        for name in template.fields:
            if name not in DROPPED_FIELDS:
                fields[name] = _field(name, spec)
    if fields:
        lines += _typed_dict(f"{base}Data", f"The data of {spec.name}'s status lines.", fields)
        variants.append(f"{base}Data")
    if spec.custom_parse is not None:
        variants.append(GENERIC_DATA)
    if spec.empty_ok or not variants:
        variants.append("None")
    return lines, " | ".join(variants), row


def _methods(spec: FunctionSpec, data: str, row: str | None, *, aio: bool) -> list[str]:
    name = spec.name
    request = f"{class_name(name)}Request"
    args = f"self, *, idempotency_key: str | bool | None = None, **params: Unpack[{request}]"
    prefix, wait = ("async ", "await ") if aio else ("", "")
    summary = spec.summary.split("\n")[0].replace('"', "'").rstrip(".")
    lines = [
        f"    {prefix}def {name}({args}) -> Reply[{data}]:",
        f'        """{summary}."""',
        f'        return {wait}self._client.call("{name}", idempotency_key, **params)',
        "",
    ]
    if row is not None and streamable(spec):
        rows = f"AsyncIterator[{row}]" if aio else f"Iterator[{row}]"
        lines += [
            f"    def {name}_rows({args}) -> {rows}:",
            f'        """The rows of {name}, streamed (NDJSON)."""',
            f'        rows = self._client.stream("{name}", idempotency_key, **params)',
            f'        return cast("{rows}", rows)',
            "",
        ]
    return lines


def render(catalog: Mapping[str, FunctionSpec] = CATALOG) -> str:
    """The text of ``types.py`` for ``catalog``."""
    schemas = openapi_document(catalog)["components"]["schemas"]
    names = sorted(catalog)
    out = [HEADER, ""]
    sync = ["class Functions:", '    """``Client.fn``: one method per function."""', ""]
    sync += [
        '    def __init__(self, client: "Client") -> None:',
        "        self._client = client",
        "",
    ]
    aio = ["class AsyncFunctions:", '    """``AsyncClient.fn``: one method per function."""', ""]
    aio += [
        '    def __init__(self, client: "AsyncClient") -> None:',
        "        self._client = client",
        "",
    ]
    for name in names:
        spec = catalog[name]
        out += _request(spec, schemas[f"request.{name}"])
        lines, data, row = _data(spec)
        out += lines
        sync += _methods(spec, data, row, aio=False)
        aio += _methods(spec, data, row, aio=True)
    text = "\n".join([*out, *sync, "", *aio]).rstrip() + "\n"
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text.replace("\n\n\n    ", "\n\n    ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.client.generate")
    parser.add_argument("--check", action="store_true", help="exit 1 if types.py is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if TARGET.read_text() != text:
            print(f"{TARGET} is stale: run python -m gateway.client.generate", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
