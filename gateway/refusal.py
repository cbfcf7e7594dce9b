"""Is a reply VICIdial refusing the gateway's own login? Decided only on what data cannot forge.

VICIdial checks the login before any function runs. When it fails, it prints one line and stops::

    ERROR: Login incorrect, please try again: |{user}|{pass}|{auth_message}|
    ERROR: Too many login attempts, try again in 15 minutes: |{user}|LOCK|
    ERROR: Your IP Address is not allowed: {ip}: ||IPBLOCK|

Stored data can look exactly like these lines: ``lead_field_info`` prints a lead's field raw, as
the whole reply, and a lead's comments may hold line feeds. Taking such data for a lock would put
the gateway's credentials out of service for every app. So a reply is a refusal only when:

- the whole body is exactly one such line and its line feed (VICIdial prints nothing before the
  login check and exits right after the line);
- the line echoes the login this very request sent: the user, and for a bad login also the
  password. A bad-login line that echoes the password is conclusive, since data cannot hold the
  password it does not know;
- a lock or IP-block line, which carries no password, is a *claim* until a probe confirms it:
  the same login with a function name VICIdial does not have (:data:`PROBE_FUNCTION`). No
  function runs for it, so its reply cannot contain stored data: after a good login it is always
  :data:`PROBE_LOGIN_OK`, otherwise the refusal line again.

Everything here is pure; :mod:`gateway.upstream` sends the probe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .catalog import generic
from .catalog.reply import ParsedReply
from .catalog.spec import Template

Kind = Literal["bad_login", "locked", "ip_blocked"]

# A function name VICIdial does not have: after the login check nothing runs for it.
PROBE_FUNCTION = "vicigw_login_probe"
PROBE_LOGIN_OK = generic.NO_FUNCTION.text + "\n"

_TEMPLATES: dict[Kind, Template] = {
    "bad_login": generic.BAD_LOGIN,
    "locked": generic.LOCKED,
    "ip_blocked": generic.IP_BLOCKED,
}

# For logs, metrics-adjacent text and `vicigw check-credentials` (never the caller's message).
REASONS: dict[Kind, str] = {
    "bad_login": "login incorrect",
    "locked": "locked by VICIdial (too many failed logins)",
    "ip_blocked": "gateway IP address not allowed",
}


@dataclass(frozen=True)
class Claim:
    """A reply that reads as a refusal of this request's login."""

    kind: Kind
    conclusive: bool  # False: a probe must confirm it before anything acts on it


def read_claim(body: str, user: str, password: str) -> Claim | None:
    """The refusal ``body`` states for the login ``user``/``password``, if it is one at all."""
    if not body.endswith("\n") or body.count("\n") != 1:
        return None
    line = body[:-1]
    for kind, template in _TEMPLATES.items():
        m = template.regex().fullmatch(line)
        if m is None:
            continue
        fields = m.groupdict()
        if kind == "bad_login":
            if fields["user"] == user and fields["pass"] == password:
                return Claim(kind, conclusive=True)
            return None
        # A lock echoes the user; an IP block echoes nobody (an empty field, always).
        echoed = fields["user"] if kind == "locked" else fields["blank"]
        if echoed != (user if kind == "locked" else ""):
            return None
        return Claim(kind, conclusive=False)
    return None


Verdict = Kind | Literal["login_ok"] | None


def probe_verdict(body: str, user: str, password: str) -> Verdict:
    """What the probe's reply says: the login works, it is refused (how), or nothing clear."""
    if body == PROBE_LOGIN_OK:
        return "login_ok"
    claim = read_claim(body, user, password)
    # No function ran for the probe, so a refusal line in its reply is VICIdial's own.
    return claim.kind if claim is not None else None


def masked(body: str, kind: Kind, mask: str) -> str:
    """A refusal line with the echoed password (its ``pass`` field, never a substring) masked."""
    line = body[:-1] if body.endswith("\n") else body
    m = _TEMPLATES[kind].regex().fullmatch(line)
    if m is None or "pass" not in m.groupdict():
        return body
    start, end = m.span("pass")
    return body[:start] + mask + body[end:]


def refusal_reply(kind: Kind) -> ParsedReply:
    """The parsed form of a confirmed refusal (no data: the line only echoes the login)."""
    template = _TEMPLATES[kind]
    return ParsedReply(
        result="ERROR",
        message=template.message,
        data={},
        notices=(),
        error_type=template.error_type,
        login_failure=True,
        generic=True,
    )
