"""The gateway's metrics (``gateway.metrics``) on their own: a private registry per instance,
labels from fixed sets only, and the credential gauges that follow the configuration. Through
the gateway: ``test_alerts.py``, ``test_credentials.py`` and ``test_faults.py``."""

from __future__ import annotations

from typing import Any

from prometheus_client.metrics import MetricWrapperBase

from gateway import __version__
from gateway.audit import AuditLog
from gateway.call.outcome import Outcome, UpstreamUse, record
from gateway.config import AuditConfig
from gateway.credentials import CredentialState
from gateway.metrics import CREDENTIAL_STATES, Metrics

from .scrape import Scrape

# Every label a series may have: names from the config and the catalog, or small fixed sets,
# never raw request input (a caller must not be able to add series or text to /metrics).
LABELS = {"app", "function", "outcome", "upstream", "credential", "result", "reason", "state",
          "version", "le"}  # fmt: skip


def page(metrics: Metrics) -> Scrape:
    return Scrape(metrics.render().decode())


def test_each_instance_has_its_own_registry() -> None:
    one, two = Metrics(), Metrics()
    one.requests.labels("crm", "add_lead", "ok").inc()
    one.rate_limited.labels("crm").inc(3)
    assert page(one).value("vicigw_requests_total", app="crm", outcome="ok") == 1.0
    assert page(one).value("vicigw_rate_limited_total", app="crm") == 3.0
    assert page(two).find("vicigw_requests_total") == []
    assert page(two).find("vicigw_rate_limited_total") == []


def test_every_series_is_the_gateways_with_known_labels() -> None:
    m = Metrics()
    m.requests.labels("crm", "add_lead", "ok").inc()
    m.request_duration.labels("crm", "add_lead").observe(0.2)
    m.upstream_requests.labels("main", "api-a", "add_lead", "SUCCESS").inc()
    m.upstream_duration.labels("main", "api-a", "add_lead").observe(0.1)
    m.auth_failures.labels("bad_signature").inc()
    m.inflight.labels("main").set(2)
    m.client_timeouts.labels("crm", "did_log_export").inc()
    m.upstream_replies_withheld.labels("main", "add_lead").inc()
    m.upstream_login_failures.labels("main", "api-a").inc()
    m.circuit_open.labels("main").set(1)
    m.cache.labels("main", "campaigns_list", "hit").inc()
    m.config_reloads.labels("success").inc()
    m.credential_state("main", "api-a", CredentialState("fp", 1.0))
    samples = page(m).samples
    assert {s.name.split("_")[0] for s in samples} == {"vicigw"}
    assert {label for s in samples for label in s.labels} == LABELS


def test_build_info_and_reload_state_at_start() -> None:
    scrape = page(Metrics())
    assert scrape.value("vicigw_build_info", version=__version__) == 1.0
    assert scrape.value("vicigw_config_last_reload_successful") == 1.0


def test_credential_state_sets_every_gauge_of_the_credential() -> None:
    m = Metrics()
    state = CredentialState("fp", 1_700_000_000.0, status="failed", in_flight=2)
    m.credential_state("main", "api-a", state)
    scrape = page(m)
    labels = {"upstream": "main", "credential": "api-a"}
    assert scrape.value("vicigw_credential_healthy", **labels) == 0.0
    assert scrape.value("vicigw_credential_calls_in_flight", **labels) == 2.0
    assert (
        scrape.value("vicigw_credential_last_change_timestamp_seconds", **labels) == 1_700_000_000.0
    )
    states = {
        name: scrape.value("vicigw_credential_state", **labels, state=name)
        for name in CREDENTIAL_STATES
    }
    assert states == {"unverified": 0.0, "healthy": 0.0, "failed": 1.0, "held": 0.0}
    state.held = True  # held shows as held, whatever the login status; healthy is the login's
    m.credential_state("main", "api-a", state)
    scrape = page(m)
    assert scrape.value("vicigw_credential_state", **labels, state="held") == 1.0
    assert scrape.value("vicigw_credential_state", **labels, state="failed") == 0.0
    assert scrape.value("vicigw_credential_healthy", **labels) == 0.0


def test_retain_credentials_drops_the_gauges_of_removed_credentials_only() -> None:
    m = Metrics()
    for name in ("api-a", "api-b"):
        m.credential_state("main", name, CredentialState("fp", 1.0, status="healthy"))
        m.upstream_login_failures.labels("main", name).inc()
    m.retain_credentials({("main", "api-a")})
    scrape = page(m)
    for gauge in (
        "vicigw_credential_healthy",
        "vicigw_credential_calls_in_flight",
        "vicigw_credential_last_change_timestamp_seconds",
        "vicigw_credential_state",
    ):
        assert scrape.find(gauge, credential="api-b") == [], gauge
        assert scrape.find(gauge, credential="api-a") != [], gauge
    # Counters keep their history until a restart.
    assert scrape.value("vicigw_upstream_login_failures_total", credential="api-b") == 1.0


class _CountedLookups:
    """Counts the ``labels()`` lookups made on a few metrics (prometheus_client's own method,
    wrapped on the instances: the library is the edge here)."""

    def __init__(self, *metrics: MetricWrapperBase) -> None:
        self.count = 0
        for metric in metrics:
            original = metric.labels

            def counted(*args: object, _original: Any = original, **kwargs: object) -> Any:
                self.count += 1
                return _original(*args, **kwargs)

            metric.labels = counted  # type: ignore[method-assign]


def test_the_labels_of_a_call_are_looked_up_once_then_reused() -> None:
    m = Metrics()
    lookups = _CountedLookups(
        m.requests, m.request_duration, m.upstream_requests, m.upstream_duration
    )
    audit = AuditLog(AuditConfig(enabled=False))
    outcome = Outcome(
        request_id="r1",
        function="add_lead",
        effect="mutating",
        app="crm",
        status=200,
        outcome="ok",
        total_seconds=0.25,
        result="SUCCESS",
        credential="api-a",
        upstream_calls=(UpstreamUse("main", "api-a", "add_lead", "SUCCESS", 0.125),),
    )
    for _ in range(10):
        record(outcome, m, audit)
    assert lookups.count == 4  # one per series, on the first call
    scrape = page(m)
    assert scrape.value("vicigw_requests_total", app="crm", function="add_lead", outcome="ok") == 10
    assert (
        scrape.value(
            "vicigw_upstream_requests_total",
            upstream="main",
            credential="api-a",
            function="add_lead",
            result="SUCCESS",
        )
        == 10
    )


def test_credential_gauges_are_set_only_when_the_state_changes() -> None:
    m = Metrics()
    lookups = _CountedLookups(
        m.credential_healthy, m.credential_last_change, m.credential_state_info
    )
    state = CredentialState("fp", 1.0, status="healthy")
    for n in range(20):  # a call takes a lease and gives it back: only in_flight moves
        state.in_flight = n % 2
        m.credential_state("main", "api-a", state)
    assert lookups.count == 6  # healthy, last change and the four states, once
    labels = {"upstream": "main", "credential": "api-a"}
    state.status = "failed"
    m.credential_state("main", "api-a", state)
    scrape = page(m)
    assert scrape.value("vicigw_credential_healthy", **labels) == 0.0
    assert scrape.value("vicigw_credential_state", **labels, state="failed") == 1.0
    assert scrape.value("vicigw_credential_state", **labels, state="healthy") == 0.0
    assert scrape.value("vicigw_credential_calls_in_flight", **labels) == 1.0
    # Removed by a reload, then configured again with the same state: the gauges come back.
    m.retain_credentials(set())
    assert page(m).find("vicigw_credential_healthy", credential="api-a") == []
    m.credential_state("main", "api-a", state)
    scrape = page(m)
    assert scrape.value("vicigw_credential_healthy", **labels) == 0.0
    assert scrape.value("vicigw_credential_state", **labels, state="failed") == 1.0
    assert scrape.value("vicigw_credential_calls_in_flight", **labels) == 1.0
