"""Setups that load but are risky: the tests behind the config's warnings.

Pure functions over values, files and addresses; the config rules (:mod:`gateway.config_check`,
:mod:`gateway.config_rules`, :mod:`gateway.config_keys`) call them and turn what they find into
``"yaml.path: message"`` warnings (or errors). None of them
ever returns or formats a secret value. The thresholds are documented in the README
("Configuration") and SECURITY.md.
"""

from __future__ import annotations

import ipaddress
import math
import stat
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

# An HMAC secret whose bytes carry fewer bits of Shannon entropy than this, each (counted over
# the secret's own bytes), is called weak: 32 identical bytes have 0, "abab..." 1, four letters
# 2; a random hex string has about 3.9, random base64 about 5.
MIN_SECRET_ENTROPY_BITS = 3.0

# Permission bits that must be clear: a secret (or private key) file should be open to its
# owner only; a file that decides whom the gateway trusts (JWKS, public keys, CA certificates)
# may be read by anyone but written by its owner only.
PRIVATE_FILE_MASK = 0o077
TRUSTED_FILE_MASK = 0o022

# Beyond these, auth settings are warned about (seconds).
MAX_LEEWAY = 300.0  # clock skew between hosts is seconds, not minutes
MAX_TOKEN_LIFETIME = 7 * 86400.0


def secret_weakness(value: bytes) -> str | None:
    """Why an HMAC secret looks weak (``low entropy``, ``a repeated block``), or None."""
    if not value:
        return "low entropy"
    n = len(value)
    entropy = -sum(c / n * math.log2(c / n) for c in Counter(value).values())
    if entropy < MIN_SECRET_ENTROPY_BITS:
        return "low entropy"
    if _period(value) <= n // 2:
        return "a repeated block"
    return None


def _period(value: bytes) -> int:
    """The shortest p with value[i] == value[i + p] everywhere (KMP failure function)."""
    border = [0] * len(value)
    k = 0
    for i in range(1, len(value)):
        while k and value[i] != value[k]:
            k = border[k - 1]
        if value[i] == value[k]:
            k += 1
        border[i] = k
    return len(value) - border[-1]


def open_mode(file: Path, mask: int) -> int | None:
    """The file's permission bits if any bit of ``mask`` is set; None if not (or no file).

    Follows symbolic links: what matters is the file read (Kubernetes mounts secrets as links).
    """
    try:
        mode = stat.S_IMODE(file.stat().st_mode)
    except OSError:
        return None
    return mode if mode & mask else None


def is_loopback(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1: reachable from this host only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost, or a wildcard such as 0.0.0.0


def split_url_password(url: str) -> tuple[str, str | None]:
    """The URL without its password (``user:pw@`` or ``?password=``), and the password.

    The user name stays in the URL (Redis ACL users are not secret); the password comes back
    percent-decoded, as a Redis client would read it. None when the URL holds no password.
    """
    parts = urlsplit(url)
    password: str | None = None
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, hostport = netloc.rsplit("@", 1)
        user, colon, raw = userinfo.partition(":")
        if colon:
            password = unquote(raw) or None
            netloc = f"{user}@{hostport}" if user else hostport
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(k == "password" for k, _ in pairs):
        password = password or next(v for k, v in pairs if k == "password") or None
        query = urlencode([(k, v) for k, v in pairs if k != "password"])
    if netloc == parts.netloc and query == parts.query:
        return url, None
    out = urlunsplit(parts._replace(netloc=netloc, query=query))
    rest = len(parts.scheme) + 1
    if url[rest:].startswith("//") and not out[rest:].startswith("//"):
        out = f"{out[:rest]}//{out[rest:]}"  # unix:///path: redis-py requires the "//"
    return out, password
