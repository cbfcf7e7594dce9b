"""Step 1, authenticate: the bearer JWT (and, for an app with a ``client_cert`` rule, the
client certificate of the connection) → the calling app. 401 otherwise.

Failures are counted by reason (``auth_failures_total``) and logged with the reason and the
claim at fault; the caller is told only "invalid token".
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence

from ..auth import Authenticator, Caller
from ..config import AppConfig
from ..errors import Unauthorized
from ..metrics import Metrics

log = logging.getLogger("gateway.call")

PeerCert = Callable[[], bytes | None]  # the client certificate of the connection (DER), if any


def authenticate(
    auth: Authenticator,
    authorization: Sequence[str],
    peer_cert: PeerCert,
    *,
    metrics: Metrics,
    request_id: str,
) -> Caller:
    """The app behind the ``Authorization`` header values of a request (all of them: more than
    one is refused, since which one a proxy or a framework would pick is not defined)."""
    try:
        if len(authorization) > 1:
            raise Unauthorized("malformed", challenge='Bearer error="invalid_request"')
        caller = auth.authenticate(authorization[0] if authorization else None)
        check_client_cert(caller.app, peer_cert)
    except Unauthorized as exc:
        metrics.auth_failures.labels(reason=exc.reason).inc()
        extra = {"request_id": request_id, "reason": exc.reason}
        if exc.claim is not None:
            extra["claim"] = exc.claim
        log.warning("authentication failed", extra=extra)
        raise
    return caller


def check_client_cert(app: AppConfig, peer_cert: PeerCert) -> None:
    """An app with a required ``client_cert`` must have presented one on this connection
    (verified by TLS against ``server.tls.client_ca_file``), one of its pins if it has any."""
    rule = app.client_cert
    if rule is None or not rule.required:
        return
    der = peer_cert()
    if der is None:
        raise Unauthorized("client_cert_required")  # this app must present a certificate
    if rule.sha256 and hashlib.sha256(der).hexdigest() not in rule.sha256:
        raise Unauthorized("client_cert_mismatch")  # not a certificate this app may use
