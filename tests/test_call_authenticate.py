"""Step 1 of a call, without a server: a real Authenticator, real tokens (HS256 and the app's
client certificate rule)."""

from __future__ import annotations

import dataclasses
import hashlib
import logging

import pytest

from gateway.auth import Authenticator, mint_token
from gateway.call.authenticate import authenticate, check_client_cert
from gateway.config import ClientCertRule
from gateway.config_load import parse_config
from gateway.errors import Unauthorized
from gateway.metrics import Metrics

from .conftest import config_dict

CFG = parse_config(config_dict())


def _failures(metrics: Metrics, reason: str) -> float:
    got = metrics.registry.get_sample_value("vicigw_auth_failures_total", {"reason": reason})
    return got or 0.0


def test_a_valid_token_is_the_app_and_counts_no_failure() -> None:
    metrics = Metrics()
    token = mint_token(CFG, "reports")
    caller = authenticate(
        Authenticator(CFG), [f"Bearer {token}"], lambda: None, metrics=metrics, request_id="r1"
    )
    assert caller.app.name == "reports" and caller.kid == "reports-1"
    assert _failures(metrics, "missing") == 0


@pytest.mark.parametrize(
    ("headers", "reason", "challenge"),
    [
        ([], "missing", "Bearer"),
        (["Basic abc"], "not_bearer", "Bearer"),
        (["Bearer a", "Bearer b"], "malformed", 'Bearer error="invalid_request"'),
        (["Bearer not.a.jwt"], "malformed", 'Bearer error="invalid_token"'),
    ],
)
def test_a_refusal_is_counted_and_logged_with_its_reason(
    headers: list[str], reason: str, challenge: str, caplog: pytest.LogCaptureFixture
) -> None:
    metrics = Metrics()
    with caplog.at_level(logging.WARNING, "gateway.call"), pytest.raises(Unauthorized) as info:
        authenticate(Authenticator(CFG), headers, lambda: None, metrics=metrics, request_id="r7")
    assert (info.value.status, info.value.reason, info.value.challenge) == (401, reason, challenge)
    assert _failures(metrics, reason) == 1
    [logged] = [r for r in caplog.records if r.getMessage() == "authentication failed"]
    assert (logged.request_id, logged.reason) == ("r7", reason)


def test_an_app_with_a_client_cert_rule_needs_that_certificate() -> None:
    der = b"0\x82 a certificate"
    crm = CFG.apps["crm"]
    check_client_cert(crm, lambda: None)  # no rule: no certificate needed
    required = dataclasses.replace(crm, client_cert=ClientCertRule())
    with pytest.raises(Unauthorized) as info:
        check_client_cert(required, lambda: None)
    assert info.value.reason == "client_cert_required"
    check_client_cert(required, lambda: der)  # any certificate TLS verified
    pinned = dataclasses.replace(
        crm, client_cert=ClientCertRule(sha256=frozenset({hashlib.sha256(der).hexdigest()}))
    )
    check_client_cert(pinned, lambda: der)
    with pytest.raises(Unauthorized) as info:
        check_client_cert(pinned, lambda: der + b"x")
    assert info.value.reason == "client_cert_mismatch"


def test_a_client_cert_refusal_is_counted_like_a_token_refusal() -> None:
    metrics = Metrics()
    cfg = dataclasses.replace(
        CFG,
        apps={
            **CFG.apps,
            "crm": dataclasses.replace(CFG.apps["crm"], client_cert=ClientCertRule()),
        },
    )
    token = mint_token(cfg, "crm")
    with pytest.raises(Unauthorized):
        authenticate(
            Authenticator(cfg), [f"Bearer {token}"], lambda: None, metrics=metrics, request_id="r"
        )
    assert _failures(metrics, "client_cert_required") == 1
