"""Health and readiness: ``/healthz`` (the process answers) and ``/readyz`` (it can serve).

Ready means: a configuration is loaded; every upstream an app uses has at least one credential
in service; and every such upstream answers ``version``. ``version`` needs no login, so the check
sends no credential and can never count toward VICIdial's lock. The result is cached for a few
seconds so that frequent probes do not become load on VICIdial.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .errors import GatewayError
from .reload import Generation

CACHE_SECONDS = 5.0


@dataclass
class Readiness:
    ttl: float = CACHE_SECONDS
    _cached: tuple[float, int, bool, dict[str, Any]] | None = field(default=None, repr=False)

    async def check(self, gen: Generation) -> tuple[bool, dict[str, Any]]:
        now = time.monotonic()
        if self._cached is not None:
            at, gen_id, ok, checks = self._cached
            if now - at < self.ttl and gen_id == id(gen):
                return ok, checks
        ok, checks = await self._run(gen)
        self._cached = (now, id(gen), ok, checks)
        return ok, checks

    async def _run(self, gen: Generation) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, Any] = {"config": {"ok": True, "loaded_at": gen.loaded_at}}
        used = sorted({app.upstream for app in gen.config.apps.values()})
        for name in used:
            upstream = gen.upstreams[name]
            usable = upstream.usable_credentials()
            entry: dict[str, Any] = {"credentials_in_service": usable}
            try:
                version = await upstream.ping()
            except GatewayError as exc:
                entry.update(reachable=False, error=exc.message)
            else:
                entry.update(reachable=True, version=version)
            entry["ok"] = bool(usable) and entry["reachable"]
            checks[f"upstream:{name}"] = entry
        return all(c["ok"] for c in checks.values()), checks
