"""The data path of one call, ``POST /v1/non-agent/{function}``, one step per module.

:func:`gateway.call.pipeline.run` runs the steps in this order; each is a small function or
object that takes plain values (no aiohttp request), so each is tested without a server
(``tests/test_call_<step>.py``)::

    step          does                                                refuses with
    authenticate  bearer JWT (and client certificate) → the app       401       authenticate
    authorize     the name → the catalog's spec                       404       authorize
    authorize     JSON body → VICIdial form params, by the app's      400 403   authorize
                  rules (policy)                                      408 413   (views: body)
    limit         the app's rate limit                                429       limits.check_rate
    authorize     custom lead fields (may ask VICIdial)               400 403   authorize
    limit         Idempotency-Key: replay, or start                   409 422   limit
    forward       caps, coalescing / cache, POST to VICIdial, or a    502 503   forward
                  streamed export; the gateway's own lookups          504
    convert       VICIdial's text → ParsedReply → error or JSON       502       convert
    limit         Idempotency-Key: the outcome kept, or the key freed           limit
    reply         sent within ``server.write_timeout``                          reply
    record        one Outcome → the audit line and the call's metrics           outcome

Every call runs on the configuration generation it started with (:mod:`gateway.reload`), with
the process's services (:mod:`gateway.services`), both in its
:class:`~gateway.services.RequestScope`, and ends in one :class:`~gateway.call.outcome.Outcome`,
however it ends: the audit record and the call's metrics are derived from it, once. Errors are
:mod:`gateway.errors`; the middleware of :mod:`gateway.app` answers them. The steps log to the
``gateway.call`` logger.
"""
