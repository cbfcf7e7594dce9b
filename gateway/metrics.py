"""Every Prometheus metric of the gateway, defined in one place, on a private registry.

Labels come only from config (app, upstream, credential names) and the catalog (function names)
or from small fixed sets (outcome, result, reason), never from raw request input, so a caller
cannot blow up the series count or smuggle text into ``/metrics``.

The series of a credential (its gauges) are removed when a reload drops the credential from the
config (:meth:`Metrics.retain_credentials`); counters keep their history until a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics import MetricWrapperBase

from .version import __version__

if TYPE_CHECKING:
    from .credentials import CredentialState

# The values of vicigw_credential_state's `state` label (see gateway.credentials).
CREDENTIAL_STATES = ("unverified", "healthy", "failed", "held")

# VICIdial answers in milliseconds for simple reads and in tens of seconds for big exports.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

M = TypeVar("M", bound=MetricWrapperBase)

# What a credential's gauges last showed: healthy, last change, state label.
_Shown = tuple[int, float, str]


class Metrics:
    """One instance per application, each with its own registry (tests never collide)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        # Label children already looked up (labels() is the dearest call of a request), by
        # metric and label values; the values come from the config and the catalog, so the
        # dict is bounded like the series themselves.
        self._children: dict[tuple[int, tuple[str, ...]], MetricWrapperBase] = {}
        self._shown: dict[tuple[str, str], _Shown] = {}
        r = self.registry
        self.requests = Counter(
            "vicigw_requests",
            "Calls answered by the gateway.",
            ["app", "function", "outcome"],
            registry=r,
        )
        self.request_duration = Histogram(
            "vicigw_request_duration_seconds",
            "Total time to answer a call, gateway work included.",
            ["app", "function"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.upstream_requests = Counter(
            "vicigw_upstream_requests",
            "Calls sent to VICIdial, by the credential that served them and the class of "
            "VICIdial's answer.",
            ["upstream", "credential", "function", "result"],
            registry=r,
        )
        self.upstream_duration = Histogram(
            "vicigw_upstream_duration_seconds",
            "Time VICIdial took to answer, by the credential that served the call.",
            ["upstream", "credential", "function"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.auth_failures = Counter(
            "vicigw_auth_failures",
            "Requests refused by caller authentication, by reason.",
            ["reason"],
            registry=r,
        )
        self.inflight = Gauge(
            "vicigw_inflight_requests",
            "Calls to VICIdial in progress.",
            ["upstream"],
            registry=r,
        )
        self.client_timeouts = Counter(
            "vicigw_client_timeouts",
            "Replies cut off because the client did not read them in time (server.write_timeout; "
            "for a streamed export, also its class timeout).",
            ["app", "function"],
            registry=r,
        )
        self.rate_limited = Counter(
            "vicigw_rate_limited",
            "Calls refused by an app's rate limit.",
            ["app"],
            registry=r,
        )
        self.upstream_replies_withheld = Counter(
            "vicigw_upstream_replies_withheld",
            "VICIdial replies not passed on because they held the gateway's VICIdial password "
            "outside the fields where VICIdial echoes it (see SECURITY.md).",
            ["upstream", "function"],
            registry=r,
        )
        self.upstream_login_failures = Counter(
            "vicigw_upstream_login_failures",
            "Logins VICIdial refused, per credential (each one counts toward VICIdial's lock).",
            ["upstream", "credential"],
            registry=r,
        )
        self.credential_healthy = Gauge(
            "vicigw_credential_healthy",
            "0 from a login VICIdial refused until a login with the credential works again.",
            ["upstream", "credential"],
            registry=r,
        )
        self.credential_last_change = Gauge(
            "vicigw_credential_last_change_timestamp_seconds",
            "When the credential's current secret last changed: the modification time of its "
            "secret file ({file: ...}); for env and inline secrets, when the process first saw it.",
            ["upstream", "credential"],
            registry=r,
        )
        self.credential_state_info = Gauge(
            "vicigw_credential_state",
            "1 for the credential's current state (unverified, healthy, failed, held), 0 for "
            "the others.",
            ["upstream", "credential", "state"],
            registry=r,
        )
        self.credential_in_flight = Gauge(
            "vicigw_credential_calls_in_flight",
            "Calls holding the credential: chosen for the call, VICIdial's answer to its login "
            "not yet read (they may still send it).",
            ["upstream", "credential"],
            registry=r,
        )
        self.circuit_open = Gauge(
            "vicigw_circuit_open",
            "1 while the upstream's circuit breaker is open.",
            ["upstream"],
            registry=r,
        )
        self.cache = Counter(
            "vicigw_cache_lookups",
            "Replies of cached functions: hit (from the cache), shared (joined a call in "
            "progress) or miss (called VICIdial).",
            ["upstream", "function", "result"],
            registry=r,
        )
        self.config_reloads = Counter(
            "vicigw_config_reloads",
            "Configuration reloads, by result (success or failure).",
            ["result"],
            registry=r,
        )
        self.config_last_reload = Gauge(
            "vicigw_config_last_reload_timestamp_seconds",
            "When the configuration in use was loaded.",
            registry=r,
        )
        self.config_last_reload_ok = Gauge(
            "vicigw_config_last_reload_successful",
            "0 while the last reload attempt was rejected (the old configuration serves on), 1 "
            "otherwise.",
            registry=r,
        )
        self.config_last_reload_ok.set(1)
        self.build_info = Gauge("vicigw_build_info", "Gateway version.", ["version"], registry=r)
        self.build_info.labels(version=__version__).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def child(self, metric: M, *values: str) -> M:
        """``metric.labels(*values)``, looked up once and then reused."""
        key = (id(metric), values)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*values)
        return found  # type: ignore[return-value]

    def credential_state(self, upstream: str, credential: str, state: CredentialState) -> None:
        """The credential's gauges; those whose value did not change are left alone (this runs
        twice per call, for the in-flight count)."""
        key = (upstream, credential)
        shown = (0 if state.status == "failed" else 1, state.changed_at, state.label)
        before = self._shown.get(key)
        if before != shown:
            if before is None or before[0] != shown[0]:
                self.child(self.credential_healthy, upstream, credential).set(shown[0])
            if before is None or before[1] != shown[1]:
                self.child(self.credential_last_change, upstream, credential).set(shown[1])
            if before is None or before[2] != shown[2]:
                for name in CREDENTIAL_STATES:
                    self.child(self.credential_state_info, upstream, credential, name).set(
                        1 if shown[2] == name else 0
                    )
            self._shown[key] = shown
        self.child(self.credential_in_flight, upstream, credential).set(state.in_flight)

    def retain_credentials(self, configured: set[tuple[str, str]]) -> None:
        """Remove the gauges of every (upstream, credential) not in ``configured``."""
        per_credential = (
            self.credential_healthy,
            self.credential_last_change,
            self.credential_in_flight,
        )
        present = {
            (s.labels["upstream"], s.labels["credential"])
            for metric in self.credential_healthy.collect()
            for s in metric.samples
        }
        removed = present - configured
        if removed:  # their children would no longer be in the registry
            self._children.clear()
            for key in removed:
                self._shown.pop(key, None)
        for upstream, credential in removed:
            for gauge in per_credential:
                gauge.remove(upstream, credential)
            for name in CREDENTIAL_STATES:
                self.credential_state_info.remove(upstream, credential, name)
