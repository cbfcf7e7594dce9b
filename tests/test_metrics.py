"""The gateway's metrics (``gateway.metrics``) on their own: a private registry per instance,
labels from fixed sets only, and the credential gauges that follow the configuration. Through
the gateway: ``test_alerts.py``, ``test_credentials.py`` and ``test_faults.py``."""

from __future__ import annotations

from gateway import __version__
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
