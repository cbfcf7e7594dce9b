"""The error contract: one body shape wherever the refusal happens, one meaning per error.type,
and every error.type documented in the README's table."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong

import gateway
from gateway import errors
from gateway.errors import (
    ERROR_TYPES,
    BadRequest,
    GatewayError,
    HeaderTooLarge,
    MethodNotAllowed,
    NoCredential,
    NotFound,
    RateLimited,
    TooLarge,
    Unauthorized,
    Unavailable,
    UpstreamError,
    error_body,
    error_of_type,
    error_response,
    from_http_exception,
    from_http_layer,
)

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


# --- one tree: every error the gateway answers with is defined in gateway.errors -------------


def _gateway_modules() -> list[Any]:
    """Every module of the package (``__main__`` runs the CLI when imported: not that one)."""
    names = [
        info.name
        for info in pkgutil.walk_packages(gateway.__path__, "gateway.")
        if not info.name.endswith("__main__")
    ]
    return [importlib.import_module(name) for name in names]


def _tree() -> list[type[GatewayError]]:
    _gateway_modules()
    found: list[type[GatewayError]] = [GatewayError]
    for cls in found:
        found += [sub for sub in cls.__subclasses__() if sub not in found]
    return found


def test_every_error_class_of_the_gateway_is_in_errors() -> None:
    outside = [
        f"{c.__module__}.{c.__qualname__}" for c in _tree() if c.__module__ != errors.__name__
    ]
    assert outside == []


def _documented_signals() -> set[str]:
    """The exceptions the module doc of gateway.errors says are not in the tree."""
    doc = errors.__doc__ or ""
    section = doc[doc.index("Exceptions that are not in the tree") : doc.index("Messages must")]
    return set(re.findall(r"``(gateway\.[\w.]+)``", section))


def test_exceptions_outside_the_tree_are_the_documented_internal_signals() -> None:
    """Any other exception class is a signal inside one step, and the module doc of
    gateway.errors says which and why: a new one is either added to the tree or explained."""
    defined = {
        f"{module.__name__}.{obj.__qualname__}"
        for module in _gateway_modules()
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and obj.__module__ == module.__name__
        and issubclass(obj, BaseException)
        and not issubclass(obj, GatewayError)
    }
    assert defined == _documented_signals()


# --- each error knows its status, its type and whether it carries Retry-After -----------------


def _example(cls: type[GatewayError]) -> GatewayError:
    """An instance of ``cls``, built the way the gateway builds one."""
    if cls is Unauthorized:
        return Unauthorized("bad_signature")
    if cls is NoCredential:
        return NoCredential("api-a on hold", 2)
    if cls is MethodNotAllowed:
        return MethodNotAllowed("method not allowed", allowed=["POST"])
    return cls("something happened", details={"parameter": "list_id"})


def _readme_retry_after_types() -> set[str]:
    """The error types whose row in the README's table says they come with Retry-After."""
    found = set()
    for situation, _, error_type in _readme_error_table():
        if "Retry-After" in situation:
            found.add(error_type.strip("`"))
    return found


def test_the_errors_that_carry_retry_after_are_the_documented_ones() -> None:
    carrying = {cls.type for cls in _tree() if cls.carries_retry_after}
    assert carrying == _readme_retry_after_types()
    # A type is one reaction: no class of a type that carries it may answer without it.
    for cls in _tree():
        assert cls.carries_retry_after == (cls.type in carrying), cls


@pytest.mark.parametrize("cls", _tree(), ids=lambda c: c.__name__)
def test_the_reply_of_every_error(cls: type[GatewayError]) -> None:
    exc = _example(cls)
    response = error_response(exc, function="add_lead", request_id="req-1")
    assert response.status == cls.status
    assert response.headers["X-Request-ID"] == "req-1"
    assert response.content_type == "application/json"
    assert ("Retry-After" in response.headers) == cls.carries_retry_after
    assert isinstance(response.body, bytes)
    body = json.loads(response.body)
    assert list(body) == BODY_KEYS
    assert body["error"]["type"] == cls.type
    assert body["function"] == "add_lead" and body["request_id"] == "req-1"
    assert body["error"]["message"] == exc.message
    assert body["error"]["details"] == exc.details


def test_retry_after_is_the_wait_of_the_instance_else_one_second() -> None:
    assert error_response(RateLimited("over", retry_after=7)).headers["Retry-After"] == "7"
    assert error_response(Unavailable("busy")).headers["Retry-After"] == "1"
    refused = NoCredential("api-a locked by VICIdial", 900)
    assert refused.retry_after == 900
    assert error_response(refused).headers["Retry-After"] == "900"


def test_an_error_that_carries_no_retry_after_takes_no_wait() -> None:
    with pytest.raises(TypeError, match="BadRequest carries no Retry-After"):
        BadRequest("bad", retry_after=3)
    assert "Retry-After" not in error_response(UpstreamError("down")).headers


def test_the_other_headers_an_error_calls_for() -> None:
    assert (
        error_response(Unauthorized("malformed", challenge="Bearer")).headers["WWW-Authenticate"]
        == "Bearer"
    )
    allow = error_response(MethodNotAllowed("no", allowed=["POST", "GET"]))
    assert allow.headers["Allow"] == "GET, POST"
    assert "Allow" not in error_response(MethodNotAllowed("no")).headers
    assert "X-Request-ID" not in error_response(BadRequest("bad")).headers


def test_an_error_from_vicidial_keeps_its_result_and_notices() -> None:
    notices = [{"result": "NOTICE", "message": "USER DOES NOT HAVE PERMISSION", "data": {}}]
    exc = error_of_type("invalid_input", "INVALID PHONE NUMBER", notices=notices)
    exc.result = "NOTICE"
    body = json.loads(error_response(exc).body)  # type: ignore[arg-type]
    assert (body["result"], body["notices"]) == ("NOTICE", notices)


def test_reworded_keeps_the_class_and_what_the_instance_knows() -> None:
    """A message said again with context (the gateway's own calls) is the same error."""
    exc = NoCredential("api-a locked by VICIdial", 840)
    again = exc.reworded(f"the gateway's own call failed: {exc.message}")
    assert type(again) is NoCredential
    assert (again.reason, again.retry_after, again.headers) == (
        "api-a locked by VICIdial",
        840,
        {"Retry-After": "840"},
    )
    assert str(again) == again.message == f"the gateway's own call failed: {exc.message}"
    assert exc.message.startswith("no VICIdial credential")  # the original is unchanged
    auth = Unauthorized("malformed", challenge='Bearer error="invalid_request"').reworded("x")
    assert auth.headers == {"WWW-Authenticate": 'Bearer error="invalid_request"'}
    bad = BadRequest("x", details={"parameter": "list_id"}).reworded("y")
    assert (type(bad), bad.details) == (BadRequest, {"parameter": "list_id"})


# --- errors that come from somewhere else than a raise ----------------------------------------


def test_error_of_type_builds_the_class_of_each_type() -> None:
    for error_type, cls in ERROR_TYPES.items():
        assert type(error_of_type(error_type, "m")) is cls
        assert cls.type == error_type
    assert type(error_of_type("no_such_type", "m")) is UpstreamError
    # A VICIdial lock (503) says the pool's wait; a refused login (502) carries none.
    assert error_of_type("unavailable", "locked", retry_after=900).headers == {"Retry-After": "900"}
    assert error_of_type("upstream_error", "refused", retry_after=900).headers == {}


@pytest.mark.parametrize(
    ("exc", "cls", "message", "headers"),
    [
        (web.HTTPNotFound(), NotFound, "no such endpoint", {}),
        (
            web.HTTPMethodNotAllowed("GET", ["POST", "OPTIONS"]),
            MethodNotAllowed,
            "method not allowed",
            {"Allow": "OPTIONS, POST"},
        ),
        (web.HTTPRequestEntityTooLarge(100, 200), TooLarge, "request body too large", {}),
        (web.HTTPBadRequest(reason="Bad thing"), BadRequest, "Bad thing", {}),
        (web.HTTPUnsupportedMediaType(), BadRequest, "Unsupported Media Type", {}),
    ],
    ids=["404", "405", "413", "400", "415"],
)
def test_from_http_exception(
    exc: web.HTTPException, cls: type[GatewayError], message: str, headers: dict[str, str]
) -> None:
    got = from_http_exception(exc)
    assert (type(got), got.message, got.headers) == (cls, message, headers)


@pytest.mark.parametrize(
    ("status", "exc", "cls", "reply_status", "message"),
    [
        (400, BadHttpMessage("Invalid method"), BadRequest, 400, "malformed HTTP request"),
        (400, None, BadRequest, 400, "malformed HTTP request"),
        (
            400,
            LineTooLong(b"x" * 10, 8190),
            HeaderTooLarge,
            431,
            "request line or header too large",
        ),
        (413, None, TooLarge, 413, "request too large"),
        (431, None, HeaderTooLarge, 431, "request header too large"),
        (500, RuntimeError("boom"), GatewayError, 500, "internal error"),
        (504, None, GatewayError, 500, "internal error"),
    ],
    ids=["400", "400-no-exc", "line-too-long", "413", "431", "500", "504"],
)
def test_from_http_layer(
    status: int,
    exc: BaseException | None,
    cls: type[GatewayError],
    reply_status: int,
    message: str,
) -> None:
    """aiohttp's HTTP layer refuses before any application code: the same tree answers."""
    got = from_http_layer(status, exc)
    assert (type(got), got.status, got.message) == (cls, reply_status, message)
    assert "boom" not in got.message  # an unexpected failure's text is never shown
