"""Every Prometheus metric of the gateway, defined in one place, on a private registry.

Labels come only from config (app, upstream, credential names) and the catalog (function names)
or from small fixed sets (outcome, result, reason), never from raw request input, so a caller
cannot blow up the series count or smuggle text into ``/metrics``.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from . import __version__

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
        self.build_info = Gauge("vicigw_build_info", "Gateway version.", ["version"], registry=r)
        self.build_info.labels(version=__version__).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)
