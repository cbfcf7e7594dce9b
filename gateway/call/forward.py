"""Step 4, forward: the call to VICIdial, within the caps, and the gateway's own lookups.

A :class:`Forwarder` is made for one request, with the upstream of the calling app:

- :meth:`~Forwarder.post`: one POST within the app's, class's and upstream's concurrency caps
  (:class:`gateway.limits.Concurrency`; 503 when they stay full);
- :meth:`~Forwarder.fetch`: the request's own call, through coalescing and the short reply cache
  where ``upstreams.*.cache`` turns them on (:class:`gateway.cache.ReplyCache`): calls that join
  one in progress take no slot of their own;
- :meth:`~Forwarder.export`: a streamed export (:mod:`gateway.export`), the whole of it, writing
  to the client included, by the class timeout: a client that does not read cannot keep slots;
- :meth:`~Forwarder.lookup`: a call the gateway makes for the request beside its own (a list's
  custom field labels, a lead's list), with the app's source and slots; a refusal of the
  gateway's own account ends the request as it would end its own call.

Every VICIdial call made is noted (:class:`~gateway.call.outcome.UpstreamUse`) for the call's
metrics, which are recorded once, from its outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Protocol

from ..cache import ReplyCache
from ..catalog.reply import ParsedReply
from ..catalog.spec import FunctionSpec
from ..config import AppConfig, UpstreamConfig
from ..errors import error_of_type
from ..export import Buffered, Export
from ..limits import Concurrency
from ..metrics import Metrics
from ..policy import gateway_params
from ..upstream import Upstream, UpstreamReply, class_timeout, function_class
from .convert import read, reply_error
from .outcome import UpstreamUse


class Exporter(Protocol):
    """Streams an export to the client (:func:`gateway.export.stream_export`, bound to it)."""

    async def __call__(
        self,
        spec: FunctionSpec,
        params: Mapping[str, str],
        upstream: Upstream,
        *,
        source: str,
        request_id: str,
        deadline: float,
        write_timeout: float,
        logins: Mapping[str, str],
    ) -> Export | Buffered: ...


class Forwarder:
    """The calls to VICIdial of one request (see the module doc)."""

    def __init__(
        self,
        *,
        app: AppConfig,
        upstream: Upstream,
        config: UpstreamConfig,
        concurrency: Concurrency,
        cache: ReplyCache,
        metrics: Metrics,
        logins: Mapping[str, str],
        write_timeout: float,
        request_id: str,
        calls: list[UpstreamUse],
    ) -> None:
        """``logins``: the upstream's VICIdial logins by credential name (shown as the name);
        ``write_timeout``: ``server.write_timeout``, for each write of an export; ``calls``:
        where every VICIdial call made is noted."""
        self.app = app
        self.upstream = upstream
        self.config = config
        self.concurrency = concurrency
        self.cache = cache
        self.logins = logins
        self.write_timeout = write_timeout
        self.request_id = request_id
        self.calls = calls
        self._inflight = metrics.inflight.labels(config.name)

    async def post(self, spec: FunctionSpec, form: Mapping[str, str]) -> UpstreamReply:
        async with self.concurrency.slots(self.app, self.config, function_class(spec)):
            self._inflight.inc()
            try:
                return await self.upstream.call(spec, form, source=self.app.source)
            finally:
                self._inflight.dec()

    async def fetch(self, spec: FunctionSpec, params: Mapping[str, str]) -> UpstreamReply:
        # Agent API calls act on live sessions: never coalesced, never cached.
        ttl = self.config.cache.get(spec.name) if spec.api == "non_agent" else None
        if ttl is None:
            return await self.post(spec, params)
        return await self.cache.get_or_call(
            self.config.name, spec.name, params, ttl, lambda: self.post(spec, params)
        )

    async def export(
        self, spec: FunctionSpec, params: Mapping[str, str], exporter: Exporter
    ) -> Export | Buffered:
        async with self.concurrency.slots(self.app, self.config, function_class(spec)):
            limit = class_timeout(self.config, spec)
            self._inflight.inc()
            try:
                return await exporter(
                    spec,
                    params,
                    self.upstream,
                    source=self.app.source,
                    request_id=self.request_id,
                    deadline=asyncio.get_running_loop().time() + limit,
                    write_timeout=self.write_timeout,
                    logins=self.logins,
                )
            finally:
                self._inflight.dec()

    async def lookup(self, spec: FunctionSpec, params: Mapping[str, str]) -> ParsedReply:
        form = {**params, **gateway_params(spec)}
        async with self.concurrency.slots(self.app, self.config, function_class(spec)):
            reply = await self.upstream.call(spec, form, source=self.app.source)
        parsed = read(spec, reply, form, self.request_id)
        use = UpstreamUse(self.config.name, reply.credential, spec.label, parsed.result)
        self.calls.append(use)
        error = reply_error(parsed, reply.retry_after) if parsed.generic else None
        if error is not None:
            # What happened, not the own call's notices: they are not about the caller's request.
            raise error_of_type(error.type, error.message, retry_after=error.retry_after)
        return parsed
