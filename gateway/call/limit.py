"""Step 3, limit: the app's rate limit, the ``Idempotency-Key`` of a mutating call, and one
Agent API call in flight per agent.

- the rate limit is :func:`gateway.limits.check_rate` (429 with Retry-After);
- :func:`begin`: a mutating call with an ``Idempotency-Key`` starts under it, or gets the
  stored outcome of its first run (a replay); 400 / 409 / 422 / 503 (:mod:`gateway.limits`);
- :func:`settle` / :func:`settle_error`: when the call is over, its outcome is kept under the
  key, or the key is freed so that a retry may send the call: only when VICIdial cannot have
  acted on it;
- :func:`agent_turn`: a mutating Agent API call holds its agent's turn until it ends (409
  ``agent_busy`` for a second one meanwhile; :func:`gateway.limits.agent_turn`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping

from .. import limits
from ..catalog.spec import FunctionSpec
from ..config import AppConfig, UpstreamConfig
from ..errors import GatewayError, NotSent, UpstreamError, UpstreamTimeout, error_body
from ..limits import IdempotentCall, begin_idempotent
from ..store import AgentLocks, IdempotencyStore, StoredResponse
from ..upstream import class_timeout


async def begin(
    store: IdempotencyStore,
    app: AppConfig,
    spec: FunctionSpec,
    key: str | None,
    fingerprint: dict[str, str],
) -> IdempotentCall | StoredResponse | None:
    """``None`` when the call is not idempotent (no key, or a read-only function)."""
    if key is None or spec.effect != "mutating":
        return None
    return await begin_idempotent(store, app, key, spec.label, fingerprint)


async def settle(
    idempotent: IdempotentCall, status: int, body: dict[str, object] | None, *, acted: bool
) -> None:
    """The call answered ``status`` with ``body`` (``None``: not a JSON body, e.g. streamed)
    and VICIdial got as far as the function itself (``acted``) or not."""
    if acted and body is not None:
        await idempotent.finish(status, body)
    else:
        # VICIdial refused the gateway's own login or permissions before doing anything:
        # a retry (once that is fixed) must be able to do the write.
        await idempotent.abort()


async def settle_error(
    idempotent: IdempotentCall, exc: GatewayError, function: str, request_id: str
) -> None:
    """The call ended in ``exc``."""
    if isinstance(exc, UpstreamError | UpstreamTimeout) and not isinstance(exc, NotSent):
        # Sent, so the write may have happened (a timeout, a cut or unreadable reply): the
        # outcome is stored, and the call is never sent twice.
        body = error_body(exc.type, exc.message, function=function, request_id=request_id)
        await idempotent.finish(exc.status, body)
    else:
        await idempotent.abort()  # VICIdial never got it: a retry may send it


@contextlib.asynccontextmanager
async def agent_turn(
    locks: AgentLocks, upstream: UpstreamConfig, spec: FunctionSpec, params: Mapping[str, str]
) -> AsyncIterator[None]:
    """The agent's turn for a mutating Agent API call that names its agent; nothing to hold for
    any other call (a read, such as ``calls_in_queue_count``, may run beside it)."""
    agent = params.get("agent_user")
    if not limits.takes_agent_turn(spec) or agent is None:
        yield
        return
    async with limits.agent_turn(locks, upstream.name, agent, class_timeout(upstream, spec)):
        yield
