"""The composition root: what lives as long as the process, built once.

:func:`open_services` builds every long-lived part from the configuration the process started
with, once, in :func:`gateway.app.create_app`'s cleanup context (which closes it at shutdown):

- ``metrics``: every Prometheus series, on the app's own registry (:mod:`gateway.metrics`);
- ``readiness``: the cached upstream checks of ``/readyz`` (:mod:`gateway.health`);
- ``openapi``: the documents ``/openapi.json`` serves, per configuration and app
  (:mod:`gateway.openapi_cache`);
- ``state``: the rate limiter, idempotency store, reply cache store and credential state store
  of the backend chosen at start (:mod:`gateway.state`; a reload cannot change it);
- ``concurrency``: the per-app, per-class and per-upstream caps (:mod:`gateway.limits`);
- ``cache``: coalescing and the short reply cache (:mod:`gateway.cache`);
- ``custom_fields``: the custom-field labels of each list (:mod:`gateway.custom_fields`);
- ``credentials``: what is known about each credential, its passwords and logins
  (:class:`~gateway.credentials.KnownCredentials`);
- ``breakers``: one circuit breaker per upstream (:class:`~gateway.breaker.Breakers`);
- ``generations``: the configuration in use and the parts built from it (authenticator,
  upstream clients, audit log), swapped by reloads (:mod:`gateway.reload`).

A request gets them, with the generation it runs on, as one :class:`RequestScope` (see
:mod:`gateway.views`); nothing reaches for them through the application's keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .breaker import Breakers
from .cache import ReplyCache
from .config import Config
from .credentials import KnownCredentials
from .custom_fields import CustomFields
from .health import Readiness
from .limits import Concurrency
from .metrics import Metrics
from .openapi_cache import OpenAPICache
from .reload import Generation, Generations
from .state import State, open_state
from .upstream import Upstream


@dataclass(frozen=True)
class Services:
    """Everything that outlives a configuration; one per application, built by
    :func:`open_services` and closed by :meth:`close`."""

    metrics: Metrics
    readiness: Readiness
    openapi: OpenAPICache
    state: State
    concurrency: Concurrency
    cache: ReplyCache
    custom_fields: CustomFields
    credentials: KnownCredentials
    breakers: Breakers
    generations: Generations

    async def close(self) -> None:
        """Close the generations' pools and audit log, then the state backend."""
        await self.generations.close()
        await self.state.close()


def open_services(
    config: Config,
    *,
    upstreams: Mapping[str, Upstream] | None = None,
    clock: Callable[[], float] = time.time,
    timer: Callable[[], float] = time.monotonic,
) -> Services:
    """The process's services for ``config`` (its first generation built and in use).

    ``upstreams`` replaces the real VICIdial clients (tests pass a fake); ``clock`` is the wall
    clock of the authenticator, the credential states and the custom-field labels; ``timer`` the
    monotonic clock of the breakers' open periods and of the memory state (rate-limit buckets,
    idempotency records and cached replies; Redis keeps its own time).
    """
    metrics = Metrics()
    state = open_state(config.state, clock=timer)
    credentials = KnownCredentials()
    breakers = Breakers(metrics, clock=timer)
    custom_fields = CustomFields(clock)
    generations = Generations(
        config,
        metrics=metrics,
        credentials=credentials,
        breakers=breakers,
        store=state.credentials,
        custom_fields=custom_fields,
        upstreams=upstreams,
        clock=clock,
    )
    return Services(
        metrics=metrics,
        readiness=Readiness(),
        openapi=OpenAPICache(),
        state=state,
        concurrency=Concurrency(),
        cache=ReplyCache(state.reply_cache, metrics),
        custom_fields=custom_fields,
        credentials=credentials,
        breakers=breakers,
        generations=generations,
    )


@dataclass(frozen=True)
class RequestScope:
    """What one request works with: the process's services, the generation it started on (used
    to its end, whatever a reload does meanwhile) and its request id."""

    services: Services
    generation: Generation
    request_id: str
