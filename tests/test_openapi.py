"""The OpenAPI document: valid OpenAPI 3.1, every function, and true to what the gateway does.

Replies: every captured VICIdial reply (``tests/data/samples``) goes through the gateway's own
conversion (the parser, ``app.reply_error``/``reply_json``, ``errors.error_response``) and the
JSON must validate against the function's 200 schema or the error schema of the status it gets.
Requests: the schema of a request body accepts what ``policy.build_params`` accepts, and refuses
what it refuses wherever the schema can say it exactly (``ParamSchema.exact``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from gateway.call.convert import reply_error, reply_json
from gateway.catalog import AGENT_CATALOG, CATALOG
from gateway.catalog.parser import ReplyShapeError, parse_reply
from gateway.catalog.spec import FunctionSpec, Param
from gateway.config_load import parse_config
from gateway.errors import GatewayError, UpstreamError, error_response
from gateway.openapi import ERROR_SCOPES, error_types, openapi_document, tree
from gateway.openapi_params import ParamSchema
from gateway.policy import build_params

from .conftest import Gateway, config_dict
from .samples import SAMPLES, Sample, load_sample
from .test_documented_values import DOCUMENTED, REFUSED, REQUIRED

DOC = openapi_document(CATALOG)


def _app(**changes: Any) -> Any:
    doc = config_dict()
    doc["apps"]["crm"].update(changes)
    return parse_config(doc).apps["crm"]


# Every function, the list_id rule of config_dict (allow 101/102/999), no heavy options.
CRM = _app(functions=sorted(CATALOG))
CRM_DOC = openapi_document(CATALOG, CRM)


@cache
def _validator(doc_id: int, ref: str) -> Draft202012Validator:
    doc = DOC if doc_id == id(DOC) else CRM_DOC
    root = {"components": doc["components"], "$ref": ref}
    return Draft202012Validator(root)


def _check(doc: dict[str, Any], ref: str, instance: Any) -> list[str]:
    return [e.message for e in _validator(id(doc), ref).iter_errors(instance)]


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOC["openapi"] == "3.1.0"
    validate(DOC)  # raises on any fault


def test_the_document_filtered_to_an_app_is_valid_openapi() -> None:
    validate(openapi_document(CATALOG, parse_config(config_dict()).apps["reports"]))


def test_every_function_has_its_path_and_nothing_else_is_called() -> None:
    calls = {p.removeprefix("/v1/non-agent/") for p in DOC["paths"] if p.startswith("/v1/non-")}
    assert calls == set(CATALOG)
    for name in CATALOG:
        op = DOC["paths"][f"/v1/non-agent/{name}"]["post"]
        assert op["operationId"] == name and op["tags"], name
    assert {"/v1/functions", "/healthz", "/readyz"} <= set(DOC["paths"])


def test_filtering_to_an_app_gives_exactly_its_functions() -> None:
    reports = parse_config(config_dict()).apps["reports"]
    doc = openapi_document(CATALOG, reports)
    calls = {p.removeprefix("/v1/non-agent/") for p in doc["paths"] if p.startswith("/v1/non-")}
    assert calls == set(reports.functions) == {"campaigns_list", "list_info"}
    assert {s for s in doc["components"]["schemas"] if "." in s} == {
        f"{kind}.{fn}" for kind in ("request", "reply") for fn in reports.functions
    }
    assert {t["name"] for t in doc["tags"]} < {t["name"] for t in DOC["tags"]}


def test_the_document_is_deterministic_json() -> None:
    again = openapi_document(CATALOG)
    assert json.dumps(DOC) == json.dumps(again)
    assert json.loads(json.dumps(DOC)) == DOC


def test_every_error_class_of_the_tree_is_placed() -> None:
    """A new error class must say when it can happen (ERROR_SCOPES), or come from replies."""
    reply_only = {"not_found", "conflict", "invalid_input", "not_configured"}
    for cls in tree():
        scoped = any(k in ERROR_SCOPES for k in cls.__mro__[: cls.__mro__.index(GatewayError)])
        scoped = scoped or cls is GatewayError
        assert scoped or cls.type in reply_only, cls.__name__
    assert DOC["components"]["schemas"]["ErrorType"]["enum"] == sorted({c.type for c in tree()})


def test_error_statuses_follow_the_templates() -> None:
    add_lead, version = error_types(CATALOG["add_lead"]), error_types(CATALOG["version"])
    assert "conflict" in add_lead[409] and "idempotency_in_progress" in add_lead[409]
    assert 409 not in version  # read-only, no duplicate to report
    assert "not_found" not in version.get(404, set())
    responses = DOC["paths"]["/v1/non-agent/add_lead"]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    assert "Retry-After" in responses["409"]["headers"]  # idempotency_in_progress
    assert "Retry-After" not in responses["422"]["headers"]
    assert "WWW-Authenticate" in responses["401"]["headers"]


def test_headers_and_security() -> None:
    op = DOC["paths"]["/v1/non-agent/add_lead"]["post"]
    refs = {p["$ref"].rsplit("/", 1)[1] for p in op["parameters"]}
    assert refs == {"XRequestID", "IdempotencyKey"}
    assert "Idempotent-Replayed" in op["responses"]["200"]["headers"]
    read = DOC["paths"]["/v1/non-agent/lead_search"]["post"]
    assert "IdempotencyKey" not in json.dumps(read["parameters"])
    assert DOC["security"] == [{"bearer": []}]
    assert DOC["components"]["securitySchemes"]["bearer"]["bearerFormat"] == "JWT"
    assert DOC["paths"]["/healthz"]["get"]["security"] == []


def test_streamed_functions_have_both_media_types() -> None:
    content = DOC["paths"]["/v1/non-agent/did_log_export"]["post"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "application/x-ndjson"}
    plain = DOC["paths"]["/v1/non-agent/version"]["post"]["responses"]["200"]["content"]
    assert set(plain) == {"application/json"}


# --- every captured reply ------------------------------------------------------------------------


def gateway_json(sample: Sample) -> tuple[int, dict[str, Any]]:
    """The status and JSON body the gateway gives for this VICIdial reply (app._upstream_call's
    buffered path: an HTTP error or a reply of no known shape is a 502, else reply_error or
    reply_json)."""
    spec = CATALOG[sample.function]
    try:
        if sample.meta["status"] != "200":
            raise UpstreamError(f"VICIdial answered HTTP {sample.meta['status']}")
        try:
            parsed = parse_reply(spec, sample.text, params=sample.params)
        except ReplyShapeError:
            raise UpstreamError("VICIdial sent a reply the gateway does not recognise") from None
        error = reply_error(parsed)
        if error is not None:
            raise error
    except GatewayError as exc:
        response = error_response(exc, function=spec.name, request_id="r1")
        assert isinstance(response.body, bytes)
        return response.status, json.loads(response.body)
    return 200, json.loads(json.dumps({**reply_json(spec, parsed), "request_id": "r1"}))


SAMPLE_PATHS = sorted(SAMPLES.glob("**/*.txt"))  # custom_fields/ too


def test_there_are_samples() -> None:
    assert len(SAMPLE_PATHS) > 100


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_every_sample_reply_validates_against_its_schema(path: Any) -> None:
    sample = load_sample(path)
    status, body = gateway_json(sample)
    name = sample.function
    responses = DOC["paths"][f"/v1/non-agent/{name}"]["post"]["responses"]
    assert str(status) in responses, (status, body)
    if status == 200:
        errors = _check(DOC, f"#/components/schemas/reply.{name}", body)
    else:
        schema = responses[str(status)]["content"]["application/json"]["schema"]
        errors = [
            e.message
            for e in Draft202012Validator({"components": DOC["components"], **schema}).iter_errors(
                body
            )
        ]
    assert not errors, (status, body, errors[:3])


def test_a_reply_that_breaks_the_schema_is_caught() -> None:
    """The sample check can fail: a typed field of the wrong type does not validate."""
    sample = load_sample(SAMPLES / "add_lead__ok_callback.txt")
    status, body = gateway_json(sample)
    assert status == 200 and not _check(DOC, "#/components/schemas/reply.add_lead", body)
    body["data"]["gmt_offset"] = "-5.00"
    assert _check(DOC, "#/components/schemas/reply.add_lead", body)
    body["data"] = {"unknown": 1}
    assert _check(DOC, "#/components/schemas/reply.add_lead", body)


# --- request bodies against the policy ---------------------------------------------------------


def _policy_accepts(spec: FunctionSpec, body: dict[str, Any]) -> bool:
    try:
        build_params(CRM, spec, dict(body))
    except GatewayError:
        return False
    return True


def _exact(spec: FunctionSpec, param: Param) -> bool:
    schema = ParamSchema(spec, param, CRM.rule(spec, param.name), spec.name in CRM.allow_heavy)
    schema.schema()
    return schema.exact


def _compare(spec: FunctionSpec, name: str, value: Any) -> None:
    body = {**REQUIRED.get(spec.name, {}), name: value}
    policy = _policy_accepts(spec, body)
    schema = not _check(CRM_DOC, f"#/components/schemas/request.{spec.name}", body)
    if policy:
        assert schema, f"the schema refuses what the gateway takes: {spec.name} {body}"
    elif _exact(spec, spec.param(name) or Param(name)):
        assert not schema, f"the schema accepts what the gateway refuses: {spec.name} {body}"


def test_the_required_bodies_pass_both() -> None:
    for name, spec in CATALOG.items():
        body = REQUIRED.get(name, {})
        if _policy_accepts(spec, body):
            assert not _check(CRM_DOC, f"#/components/schemas/request.{name}", body), name


@pytest.mark.parametrize("case", DOCUMENTED, ids=lambda c: f"{c[0]}.{c[1]}={c[2]!r}")
def test_every_documented_value_gets_the_policys_answer(case: tuple[str, str, str]) -> None:
    fn, name, value = case
    spec = CATALOG[fn]
    if spec.param(name) is None:  # a gateway-owned option: refused by name
        assert case in REFUSED
        return
    _compare(spec, name, value)


PARAMS = sorted(
    (
        (fn, p.name)
        for fn, spec in CATALOG.items()
        for p in spec.params
        if p.name not in spec.gateway_params and p.name not in spec.fixed_params
    ),
)
# Characters every check cares about: kept ones, quotes, separators, refused ones, a typographic
# apostrophe (U+2019), invisible formatting, outside the basic plane.
_ALPHABET = st.sampled_from(
    [*"09azAZ-_ .,:|/@'\"+;#%&*=\\\n\t\x00\u00e9\u2019", "\u200b", "\u202e", "\U0001f600"]
)


@st.composite
def _value(draw: st.DrawFn, param: Param) -> Any:
    choice = draw(st.integers(0, 6))
    if choice == 0 and param.choices:
        return draw(st.sampled_from(param.choices))
    if choice == 1:
        return draw(st.integers(-(10**6), 10**6))
    if choice == 2:
        return draw(st.booleans())
    if choice == 3:
        return draw(
            st.lists(st.one_of(st.text(_ALPHABET, max_size=6), st.integers(0, 999)), max_size=3)
        )
    if choice == 4:  # around the length limit
        n = draw(st.sampled_from([param.max_len, param.max_len + 1]))
        return draw(st.sampled_from(["1", "a", "A"])) * min(n, 300)
    if choice == 5 and param.blank is not None:
        return param.blank
    return draw(st.text(_ALPHABET, max_size=12))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_request_schemas_answer_as_the_policy_does(data: st.DataObject) -> None:
    fn, name = data.draw(st.sampled_from(PARAMS))
    spec = CATALOG[fn]
    param = spec.param(name)
    assert param is not None
    _compare(spec, name, data.draw(_value(param)))


def test_the_comparison_sees_a_difference() -> None:
    """Against the unfiltered document, crm's list_id rule is not in the schema: the exact
    comparison must notice (so it is not vacuous)."""
    body = {"phone_number": "3125551212", "list_id": "555"}
    assert not _policy_accepts(CATALOG["add_lead"], body)
    assert not _check(DOC, "#/components/schemas/request.add_lead", body)
    assert _check(CRM_DOC, "#/components/schemas/request.add_lead", body)


def test_unknown_and_gateway_owned_parameters_are_refused() -> None:
    ref = "#/components/schemas/request.campaigns_list"
    assert not _check(DOC, ref, {})
    assert _check(DOC, ref, {"stage": "csv"})
    assert _check(DOC, ref, {"user": "x"})
    assert _check(DOC, ref, {"nope": "1"})


async def test_a_streamed_export_validates_as_json_and_as_ndjson(gateway: Gateway) -> None:
    """Through the real gateway and the simulator: both media types of a streamed export."""
    gateway.sim.state.reports.add_synthetic_did_calls(50, day="2024-07-02", did="3125551001")
    name = "did_log_export"
    content = DOC["paths"][f"/v1/non-agent/{name}"]["post"]["responses"]["200"]["content"]
    line_schema = {"components": DOC["components"], **content["application/x-ndjson"]["schema"]}
    headers = {"Authorization": f"Bearer {gateway.token()}", "X-Request-ID": "openapi-1"}
    body = {"phone_number": "3125551001", "date": "2024-07-02"}
    url = f"{gateway.base_url}/v1/non-agent/{name}"
    async with gateway.session.post(url, json=body, headers=headers) as resp:
        assert resp.status == 200
        document = await resp.json()
    assert len(document["data"]) == 50
    assert not _check(DOC, f"#/components/schemas/reply.{name}", document)
    ndjson = {**headers, "Accept": "application/x-ndjson"}
    async with gateway.session.post(url, json=body, headers=ndjson) as resp:
        assert resp.status == 200 and resp.headers["X-Request-ID"] == "openapi-1"
        lines = [json.loads(line) for line in (await resp.text()).splitlines()]
    assert len(lines) == 51 and "trailer" in lines[-1]
    validator = Draft202012Validator(line_schema)
    for line in lines:
        assert validator.is_valid(line), line
    assert not validator.is_valid({"trailer": {"ok": True}})  # the check can fail


def test_the_secured_gets_document_their_401() -> None:
    """Found by the fuzz run: GET /v1/functions without a token answers 401, so the document
    must say so (with the challenge), like every secured path."""
    for path in ("/v1/functions", "/openapi.json"):
        responses = DOC["paths"][path]["get"]["responses"]
        assert "401" in responses, path
        assert "WWW-Authenticate" in responses["401"]["headers"]
    assert "401" not in DOC["paths"]["/healthz"]["get"]["responses"]


# --- the Agent API ------------------------------------------------------------------------------

FULL = openapi_document(CATALOG, None, AGENT_CATALOG)


def test_the_agent_api_has_its_own_paths_and_schemas() -> None:
    validate(FULL)
    agent_paths = {p for p in FULL["paths"] if p.startswith("/v1/agent/")}
    assert agent_paths == {f"/v1/agent/{name}" for name in AGENT_CATALOG}
    # Both APIs have a version: two operations, two schemas, no clash.
    assert FULL["paths"]["/v1/non-agent/version"]["post"]["operationId"] == "version"
    assert FULL["paths"]["/v1/agent/version"]["post"]["operationId"] == "agent_version"
    schemas = FULL["components"]["schemas"]
    assert schemas["reply.version"] != schemas["reply.agent.version"]


def test_agent_busy_is_documented_where_a_call_takes_the_agents_turn() -> None:
    def types_409(path: str) -> set[str]:
        response = FULL["paths"][path]["post"]["responses"].get("409")
        if response is None:
            return set()
        schema = response["content"]["application/json"]["schema"]["allOf"][1]
        return set(schema["properties"]["error"]["properties"]["type"]["enum"])

    assert "agent_busy" in types_409("/v1/agent/external_dial")
    assert "agent_busy" not in types_409("/v1/agent/calls_in_queue_count")  # a read
    assert "agent_busy" not in types_409("/v1/non-agent/add_lead")


AGENT_SAMPLES = Path(__file__).parent / "data" / "agent_samples"
AGENT_MANIFEST: dict[str, Any] = json.loads((AGENT_SAMPLES / "manifest.json").read_text())


@pytest.mark.parametrize(
    "name", sorted(n for n in AGENT_MANIFEST if "login" not in n and "agent_api" not in n)
)
def test_every_recorded_agent_reply_validates_against_its_schema(name: str) -> None:
    entry = AGENT_MANIFEST[name]
    spec = AGENT_CATALOG[entry["function"]]
    parsed = parse_reply(spec, (AGENT_SAMPLES / name).read_text(), params=entry["params"])
    error = reply_error(parsed)
    responses = FULL["paths"][f"/v1/agent/{spec.name}"]["post"]["responses"]
    if error is None:
        body = json.loads(json.dumps({**reply_json(spec, parsed), "request_id": "r1"}))
        root = {
            "components": FULL["components"],
            "$ref": f"#/components/schemas/reply.agent.{spec.name}",
        }
        status = 200
    else:
        response = error_response(error, function=spec.name, request_id="r1")
        assert isinstance(response.body, bytes)
        status, body = response.status, json.loads(response.body)
        root = {
            "components": FULL["components"],
            **responses[str(status)]["content"]["application/json"]["schema"],
        }
    assert str(status) in responses, (status, body)
    errors = [e.message for e in Draft202012Validator(root).iter_errors(body)]
    assert not errors, (status, body, errors[:3])
