"""A property-based fuzz run (schemathesis) of the gateway in front of the simulator.

The gateway and the HTTPS simulator run on loopback in a thread of their own (schemathesis calls
with ``requests``, which blocks); the document is the one ``GET /openapi.json`` serves to an app
allowed every function, loaded with that app's real token. For every operation of it, a bounded
number of generated requests (derandomized under the ``ci`` profile) must get: no 5xx, a status,
content type, headers and body that the document allows, and no secret (the VICIdial login, the
app's JWT key) anywhere in the reply.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.catalog import AGENT_CATALOG

from .conftest import CRM_SECRET
from .live import Live, live_gateway

# Distinctive, so that finding them in a reply cannot be chance.
FUZZ_USER = "fz7731api"
FUZZ_PASS = "Fuzz-Pass_9917qrs"
# Generated requests per operation; FUZZ_EXAMPLES=50 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def _no_rules(doc: dict[str, Any]) -> None:
    doc["apps"]["crm"].pop("params")  # no rule: every documented value is the gateway's
    # The Agent API too, on every agent.
    doc["apps"]["crm"]["agent_functions"] = sorted(AGENT_CATALOG)
    doc["apps"]["crm"]["agent_users"] = ["*"]


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with live_gateway({FUZZ_USER: FUZZ_PASS}, _no_rules) as running:
        yield running


SECRETS = (FUZZ_USER, FUZZ_PASS, CRM_SECRET)


def no_secret(ctx: Any, response: Any, case: Any) -> bool | None:
    """No VICIdial login and no JWT key in the reply's headers or body."""
    text = response.content.decode("utf-8", "replace") + repr(dict(response.headers))
    for secret in SECRETS:
        assert secret not in text, f"{case.operation.label}: a secret is in the reply"
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

def fuzz(live: Live, max_examples: int) -> tuple[int, int, list[str]]:
    """Every operation of the served document, ``max_examples`` generated requests each (valid
    and invalid ones); the operations, the calls made, and every failure found."""
    auth = {"Authorization": f"Bearer {live.token()}"}
    schema = schemathesis.openapi.from_url(f"{live.base_url}/openapi.json", headers=auth)
    session = requests.Session()
    session.headers.update(auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    calls = 0
    found: list[str] = []
    for operation in operations:
        strategy = st.one_of(operation.as_strategy(mode) for mode in MODES)

        @settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            nonlocal calls
            response = case.call(base_url=live.base_url, session=session, timeout=30)
            calls += 1
            case.validate_response(response, checks=CHECKS, additional_checks=[no_secret])

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every operation is run, then reported
            found.append(f"{operation.label}: {exc}")
    return len(operations), calls, found


def test_the_fuzz_run_finds_no_500_no_schema_break_and_no_secret(live: Live) -> None:
    started = time.monotonic()
    operations, calls, found = fuzz(live, MAX_EXAMPLES)
    elapsed = time.monotonic() - started
    print(f"fuzz: {operations} operations, {calls} calls, {elapsed:.1f} s")
    assert not found, "\n\n".join(found)
    assert operations >= 60
    assert calls >= operations  # every operation was called


def test_the_checks_can_fail(live: Live) -> None:
    """A reply that breaks its schema, or holds a secret, is caught (the run is not vacuous)."""
    auth = {"Authorization": f"Bearer {live.token()}"}
    schema = schemathesis.openapi.from_url(f"{live.base_url}/openapi.json", headers=auth)
    operation = schema["/v1/non-agent/version"]["POST"]
    case = operation.Case(body={})
    url = f"{live.base_url}/v1/non-agent/version"
    response = requests.post(url, json={}, headers=auth, timeout=30)
    assert response.status_code == 200
    case.validate_response(response, checks=CHECKS, additional_checks=[no_secret])
    body = response.json()
    body["data"] = [body["data"]]  # an object's place holds an array
    response._content = json.dumps(body).encode()
    with pytest.raises(BaseExceptionGroup):
        case.validate_response(response, checks=CHECKS)
    body["data"] = {"version": FUZZ_PASS}
    response._content = json.dumps(body).encode()
    with pytest.raises(AssertionError):
        no_secret(None, response, case)


@pytest.mark.parametrize(
    ("function", "body", "parameter"),
    [
        ("call_status_stats", {"campaigns": "-44994"}, "campaigns"),
        ("call_status_stats", {"campaigns": "TESTCAMP", "ingroups": "-21947"}, "ingroups"),
        ("in_group_status", {"in_groups": ["SALESLINE", "", "SUPPORT"]}, "in_groups"),
        ("user_group_status", {"user_groups": "AGENTS||ADMIN"}, "user_groups"),
    ],
)
def test_an_empty_list_item_is_a_400_not_a_502(
    live: Live, function: str, body: dict[str, Any], parameter: str
) -> None:
    """Found by the fuzz run: VICIdial read the empty item as a name and echoed it as an empty
    id, which the reply parser refused (a 502). The policy now refuses such a list (a 400)."""
    auth = {"Authorization": f"Bearer {live.token()}"}
    url = f"{live.base_url}/v1/non-agent/{function}"
    response = requests.post(url, json=body, headers=auth, timeout=30)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["type"], error["details"]) == ("bad_request", {"parameter": parameter})
