"""Health and readiness: ``/healthz`` (the process answers) and ``/readyz`` (it can serve).

Ready means: a configuration is loaded; every upstream an app uses has at least one credential
in service, or on hold (``hold: true``: its 503s are intended, and carry ``Retry-After``); and
every such upstream answers ``version``. ``version`` needs no login, so the check sends no
credential and can never count toward VICIdial's lock. The upstream checks are cached for a few
seconds so that frequent probes do not become load on VICIdial.

**Degraded** (still ready, HTTP 200): the last reload was rejected and the rejected file is still
on disk. The configuration in use serves correctly, and every replica would see the same file,
so taking them out of a load balancer would turn a bad edit into an outage; the ``config`` check
carries ``rejected`` (when, what triggered it, the errors) instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .errors import GatewayError
from .reload import Generation, Rejected

CACHE_SECONDS = 5.0


@dataclass
class Readiness:
    ttl: float = CACHE_SECONDS
    _cached: tuple[float, int, bool, dict[str, Any]] | None = field(default=None, repr=False)

    async def check(
        self, gen: Generation, rejected: Rejected | None = None
    ) -> tuple[bool, dict[str, Any]]:
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] < self.ttl:
            _, gen_id, ok, checks = self._cached
            if gen_id == id(gen):
                return ok, self._with_config(gen, checks, rejected)
        ok, checks = await self._run(gen)
        self._cached = (now, id(gen), ok, checks)
        return ok, self._with_config(gen, checks, rejected)

    @staticmethod
    def _with_config(
        gen: Generation, checks: dict[str, Any], rejected: Rejected | None
    ) -> dict[str, Any]:
        config: dict[str, Any] = {"ok": True, "loaded_at": gen.loaded_at}
        if rejected is not None:
            config["rejected"] = rejected.as_dict()
        return {"config": config, **checks}

    async def _run(self, gen: Generation) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, Any] = {}
        used = sorted({app.upstream for app in gen.config.apps.values()})
        for name in used:
            upstream = gen.upstreams[name]
            usable = upstream.usable_credentials()
            held = upstream.held_credentials()
            entry: dict[str, Any] = {"credentials_in_service": usable}
            if held:
                entry["credentials_on_hold"] = held
            try:
                version = await upstream.ping()
            except GatewayError as exc:
                entry.update(reachable=False, error=exc.message)
            else:
                entry.update(reachable=True, version=version)
            entry["ok"] = bool(usable or held) and entry["reachable"]
            checks[f"upstream:{name}"] = entry
        return all(c["ok"] for c in checks.values()), checks
