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

The Agent API (``agc/api.php``) has one line for every login refusal
(:data:`~gateway.catalog.generic.AGENT_LOGIN`): ``auth_message`` tells which (``BAD|…`` with the
login SELECT, which holds the password, ``LOCK``, ``IPBLOCK``, or ``GOOD`` when the password is
right but the account has no Agent API access). The same rules apply: a bad login is conclusive
only when it echoes this request's password; a lock or IP block is a claim the probe (through the
Non-Agent API: the same account, the same lock) must confirm. Any other reason (no Agent API
access, ``ERRSERVERS``) is no refusal of the credential: the line reaches the parser with its
``pass`` and ``auth_message`` masked (:func:`masked_agent_login`).

Everything here is pure; :mod:`gateway.upstream` sends the probe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .catalog import generic
from .catalog.reply import ParsedReply
from .catalog.spec import Api, Template

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


# The fields of a login line that can hold a password: the echoed one, and the Agent API's
# auth_message (its login SELECT quotes the password).
_SECRET_FIELDS = ("pass",)
_AGENT_SECRET_FIELDS = ("pass", "auth_message")
_AGENT_CLAIMS: dict[str, Kind] = {"LOCK": "locked", "IPBLOCK": "ip_blocked"}


def _one_line(body: str) -> str | None:
    """The line, if ``body`` is exactly one line and its LF (all a refusal ever is)."""
    if not body.endswith("\n") or body.count("\n") != 1:
        return None
    return body[:-1]


def read_claim(body: str, user: str, password: str, api: Api = "non_agent") -> Claim | None:
    """The refusal ``body`` states for the login ``user``/``password``, if it is one at all."""
    line = _one_line(body)
    if line is None:
        return None
    if api == "agent":
        return _agent_claim(line, user, password)
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


def _agent_login(line: str, user: str) -> dict[str, str] | None:
    m = generic.AGENT_LOGIN.regex().fullmatch(line)
    if m is None or m.group("user") != user:
        return None
    return m.groupdict()


def _agent_claim(line: str, user: str, password: str) -> Claim | None:
    fields = _agent_login(line, user)
    if fields is None:
        return None
    reason = fields["auth_message"]
    if reason.startswith("BAD|"):
        # Conclusive only with this request's password echoed (data cannot know it).
        return Claim("bad_login", conclusive=True) if fields["pass"] == password else None
    kind = _AGENT_CLAIMS.get(reason)
    return Claim(kind, conclusive=False) if kind is not None else None


def masked_agent_login(body: str, user: str, password: str, mask: str) -> str | None:
    """An Agent API login line that is no refusal of the credential (no Agent API access, ...)
    but echoes this request's password: the line with ``pass`` and ``auth_message`` masked,
    for the parser. None for any other reply."""
    line = _one_line(body)
    fields = _agent_login(line, user) if line is not None else None
    if fields is None or fields["pass"] != password:
        return None
    return _mask_fields(body, generic.AGENT_LOGIN, _AGENT_SECRET_FIELDS, mask)


Verdict = Kind | Literal["login_ok"] | None


def probe_verdict(body: str, user: str, password: str) -> Verdict:
    """What the probe's reply says: the login works, it is refused (how), or nothing clear."""
    if body == PROBE_LOGIN_OK:
        return "login_ok"
    claim = read_claim(body, user, password)
    # No function ran for the probe, so a refusal line in its reply is VICIdial's own.
    return claim.kind if claim is not None else None


def masked(body: str, kind: Kind, mask: str, api: Api = "non_agent") -> str:
    """A refusal line with the echoed password (its ``pass`` field, and the Agent API's
    ``auth_message`` that quotes it; whole fields, never a substring) masked."""
    if api == "agent":
        return _mask_fields(body, generic.AGENT_LOGIN, _AGENT_SECRET_FIELDS, mask)
    return _mask_fields(body, _TEMPLATES[kind], _SECRET_FIELDS, mask)


def _mask_fields(body: str, template: Template, names: tuple[str, ...], mask: str) -> str:
    line = body[:-1] if body.endswith("\n") else body
    m = template.regex().fullmatch(line)
    if m is None:
        return body
    spans = sorted(m.span(name) for name in names if name in m.groupdict())
    out, pos = [], 0
    for start, end in spans:
        out += [body[pos:start], mask]
        pos = end
    return "".join(out) + body[pos:]


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
