"""The data path of one call, ``POST /v1/non-agent/{function}``, one step per module.

:func:`gateway.call.pipeline.run` runs the steps in this order; each is a small function that
takes plain values (no aiohttp request), so each is tested without a server::

    step          does                                                refuses with
    authenticate  bearer JWT (and client certificate) → the app       401       call.authenticate
    (function)    the name → the catalog's spec                       404       catalog.CATALOG
    authorize     JSON body → VICIdial form params, by the app's      400 403   call.authorize
                  rules (policy)                                      408 413
    limit         the app's rate limit                                429       limits.check_rate
    authorize     custom lead fields (may ask VICIdial)               400 403   custom_fields
    limit         Idempotency-Key: replay, or start                   409 422   limits
    call          caps, coalescing / cache, POST to VICIdial, or a    502 503   call.forward
                  streamed export; the gateway's own lookups          504
    convert       VICIdial's text → ParsedReply → error or JSON       502       call.convert
    limit         Idempotency-Key: the outcome kept, or the key freed           limits
    reply         sent within ``server.write_timeout``                          client_writes
    record        one Outcome → the audit line and the call's metrics           call.outcome

Every call runs on the configuration generation it started with (:mod:`gateway.reload`), with
the process's services (:mod:`gateway.services`), and ends in one :class:`~gateway.call.outcome.
Outcome`, however it ends: the audit record and the call's metrics are derived from it, once.
Errors are :mod:`gateway.errors`; the middleware of :mod:`gateway.app` answers them.
"""
