"""The digest of a request: what identifies it in the shared store.

Two features store a request's identity: idempotency keys (the fingerprint a replay must match,
:mod:`gateway.limits`) and the reply cache (its key, :mod:`gateway.cache`). Both use this one
digest, so "the same request" means the same thing to both. It is stored by running gateways
(and shared by replicas), so it must never change from one version to the next.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping


def request_digest(*scope: str, params: Mapping[str, str]) -> str:
    """SHA-256 (hex) of ``scope`` (e.g. upstream and function names) and ``params``, whatever
    the order of the params: of the canonical JSON ``[*scope, [[name, value], ...]]`` (pairs
    sorted, compact separators, non-ASCII escaped)."""
    canonical = json.dumps([*scope, sorted(params.items())], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
