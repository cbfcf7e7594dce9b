"""The error contract: one body shape wherever the refusal happens, one meaning per error.type,
and every error.type documented in the README's table."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from gateway import errors
from gateway.errors import GatewayError, error_body

from .conftest import Gateway

README = Path(__file__).resolve().parent.parent / "README.md"
BODY_KEYS = ["ok", "function", "result", "error", "notices", "request_id"]


def test_error_body_has_every_key_in_order() -> None:
    body = error_body("bad_request", "the request body is not valid JSON")
    assert list(body) == BODY_KEYS
    assert body["notices"] == []
    assert list(body["error"]) == ["type", "message", "details"]


async def _raw(gateway: Gateway, method: str, path: str, **kw: Any) -> tuple[int, Any]:
    async with gateway.session.request(method, gateway.base_url + path, **kw) as r:
        return r.status, await r.json()


async def test_every_error_has_the_same_keys(gateway: Gateway) -> None:
    """Refusals of the gateway itself (400, 401, 403, 404, 405, 413, 422 of an Idempotency-Key)
    carry ``notices`` like VICIdial's own errors (409, 422), so a client reads one shape."""
    auth = {"Authorization": f"Bearer {gateway.token()}"}
    lead = {"phone_number": "3125554321", "list_id": "101", "duplicate_check": "DUPLIST"}
    got: dict[str, tuple[int, Any]] = {}
    got["bad json"] = (await gateway.call("add_lead", raw=b"{nope"))[:2]
    got["no token"] = await _raw(gateway, "POST", "/v1/non-agent/version")
    got["forbidden"] = (await gateway.call("add_lead", lead, app="reports"))[:2]
    got["unknown function"] = (await gateway.call("no_such_function", {}))[:2]
    got["no endpoint"] = await _raw(gateway, "GET", "/v2/anything", headers=auth)
    got["method"] = await _raw(gateway, "GET", "/v1/non-agent/add_lead", headers=auth)
    got["too large"] = (await gateway.call("add_lead", raw=b" " * 70_000))[:2]
    assert (await gateway.call("add_lead", lead))[0] == 200
    got["duplicate"] = (await gateway.call("add_lead", lead))[:2]
    got["vicidial rejects"] = (
        await gateway.call("add_lead", {"phone_number": "12345", "list_id": "101"})
    )[:2]
    key = {"Idempotency-Key": "shape-1"}
    assert (await gateway.call("add_lead", {**lead, "phone_number": "3125554322"}, headers=key))[
        0
    ] == 200
    got["key reused"] = (
        await gateway.call("add_lead", {**lead, "phone_number": "3125554323"}, headers=key)
    )[:2]
    statuses = {what: status for what, (status, _) in got.items()}
    assert statuses == {
        "bad json": 400,
        "no token": 401,
        "forbidden": 403,
        "unknown function": 404,
        "no endpoint": 404,
        "method": 405,
        "too large": 413,
        "duplicate": 409,
        "vicidial rejects": 422,
        "key reused": 422,
    }
    for what, (_, body) in got.items():
        assert list(body) == BODY_KEYS, what
        assert list(body["error"]) == ["type", "message", "details"], what
        assert body["ok"] is False and body["result"] == "ERROR", what
        assert body["notices"] == [], what
        assert isinstance(body["request_id"], str) and body["request_id"], what


def _all_error_classes() -> list[type[GatewayError]]:
    found: list[type[GatewayError]] = [GatewayError]
    for cls in found:
        found += [sub for sub in cls.__subclasses__() if sub not in found]
    return [cls for cls in found if cls.__module__ == errors.__name__]


def _readme_error_table() -> list[tuple[str, str, str]]:
    """(situation, status, type) rows of the README's table of error types."""
    text = README.read_text(encoding="utf-8")
    header = "| situation | status | `error.type` |"
    lines = text[text.index(header) :].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def test_each_error_type_has_one_meaning_and_is_documented() -> None:
    """The README's table has one row per error.type (one situation, so one reaction), and
    every type the gateway can answer with, with its status."""
    rows = _readme_error_table()
    types = [re.fullmatch(r"`([a-z_]+)`", t) for _, _, t in rows]
    assert all(types), rows
    names = [m.group(1) for m in types if m]
    assert [t for t, n in Counter(names).items() if n > 1] == []
    classes = _all_error_classes()
    assert set(names) == {cls.type for cls in classes}
    documented = {m.group(1): status for m, (_, status, _) in zip(types, rows, strict=True) if m}
    for cls in classes:
        statuses = re.findall(r"\d{3}", documented[cls.type])
        assert str(cls.status) in statuses, cls
