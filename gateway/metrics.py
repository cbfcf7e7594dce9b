"""Every Prometheus metric of the gateway, defined in one place, on a private registry.

Labels come only from config (app, upstream, credential names) and the catalog (function names)
or from small fixed sets (outcome, result, reason), never from raw request input, so a caller
cannot blow up the series count or smuggle text into ``/metrics``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from . import __version__

if TYPE_CHECKING:
    from .credentials import CredentialState

# VICIdial answers in milliseconds for simple reads and in tens of seconds for big exports.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """One instance per application, each with its own registry (tests never collide)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
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
            "Calls sent to VICIdial, by the class of VICIdial's answer.",
            ["upstream", "function", "result"],
            registry=r,
        )
        self.upstream_duration = Histogram(
            "vicigw_upstream_duration_seconds",
            "Time VICIdial took to answer.",
            ["upstream", "function"],
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
            "When the credential's current secret was first seen by the gateway.",
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
        self.build_info = Gauge("vicigw_build_info", "Gateway version.", ["version"], registry=r)
        self.build_info.labels(version=__version__).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def credential_state(self, upstream: str, credential: str, state: CredentialState) -> None:
        self.credential_healthy.labels(upstream, credential).set(
            0 if state.status == "failed" else 1
        )
        self.credential_last_change.labels(upstream, credential).set(state.changed_at)
