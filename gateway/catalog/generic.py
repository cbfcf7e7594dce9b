"""Lines any function can print, whatever the function, for each of the two APIs.

They come before the function's own checks (login, source, ``api_allowed_functions``) and all of
them concern the gateway's own VICIdial account or the gateway's own request, never the caller's
input, so none of their data is shown to callers.

The login refusals (:data:`LOGIN_FAILURES`) are not reply lines the parser reads: stored data can
look exactly like them, so only :mod:`gateway.refusal` decides, on evidence data cannot forge,
that VICIdial refused the login. The parser reads :data:`GENERIC`, the lines after a good login.
"""

from __future__ import annotations

from .spec import Template

# Bad login: VICIdial echoes the (filtered) password. Scrubbed before parsing, never returned.
BAD_LOGIN = Template(
    "ERROR: Login incorrect, please try again: |{user}|{pass}|{auth_message}|",
    error_type="upstream_error",
)
LOCKED = Template(
    "ERROR: Too many login attempts, try again in 15 minutes: |{user}|LOCK|",
    error_type="unavailable",
)
IP_BLOCKED = Template(
    "ERROR: Your IP Address is not allowed: {remote_addr}: |{blank}|IPBLOCK|",
    error_type="upstream_error",
)
FUNCTION_NOT_ALLOWED = Template(
    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |{user}|{function}|",
    error_type="upstream_error",
)
INVALID_SOURCE_1 = Template("ERROR: Invalid Source - {source}", error_type="upstream_error")
INVALID_SOURCE_2 = Template("ERROR: Invalid Source: |{source}|", error_type="upstream_error")
USER_GROUP_MISSING = Template(
    "ERROR: user_group DOES NOT EXIST: |{user}|{user_group}|", error_type="upstream_error"
)
NO_FUNCTION = Template("ERROR: NO FUNCTION SPECIFIED", error_type="upstream_error")

# Login-class lines: the credential itself was refused (used by failover and lockout protection).
LOGIN_FAILURES: tuple[Template, ...] = (BAD_LOGIN, LOCKED, IP_BLOCKED)

# Lines printed after a good login, before the function runs.
GENERIC: tuple[Template, ...] = (
    FUNCTION_NOT_ALLOWED,
    INVALID_SOURCE_1,
    INVALID_SOURCE_2,
    USER_GROUP_MISSING,
    NO_FUNCTION,
)

# The Agent API's (agc/api.php): one Invalid Source line, its own permission line (the first
# field is the function's value, or for webserver the user), and the system-wide switch.
AGENT_FUNCTION_NOT_ALLOWED = Template(
    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - "
    "{value*}|{user}|{function}|{user_group}",
    error_type="upstream_error",
)
AGENT_WEBSERVER_NOT_ALLOWED = Template(
    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - "
    "{user}|{function}|{user_group}",
    error_type="upstream_error",
)
AGENT_API_OFF = Template("ERROR: System API NOT ACTIVE", error_type="upstream_error")
# The Agent API's one login line, for every refusal: ``auth`` is 1 for a good password,
# ``auth_api`` counts the account's ``vdc_agent_api_access``, ``auth_message`` is GOOD, LOCK,
# IPBLOCK, ERRSERVERS or, for a bad password, "BAD|0|api|<the login SELECT with the password>".
# Only :mod:`gateway.refusal` reads it from a reply, and masks ``pass`` and ``auth_message``.
AGENT_LOGIN = Template(
    "ERROR: Invalid Username/Password: |{user}|{pass}|{auth}|{auth_api}|{auth_message*}|",
    error_type="upstream_error",
)

AGENT_GENERIC: tuple[Template, ...] = (
    AGENT_LOGIN,
    AGENT_FUNCTION_NOT_ALLOWED,
    AGENT_WEBSERVER_NOT_ALLOWED,
    INVALID_SOURCE_1,
    AGENT_API_OFF,
)


def lines_for(api: str) -> tuple[Template, ...]:
    """The generic lines of ``api`` ("non_agent" or "agent")."""
    return AGENT_GENERIC if api == "agent" else GENERIC


# What a caller is told for each generic line, by reason text: never the data, only what
# happened.
CALLER_MESSAGES: dict[str, str] = {
    BAD_LOGIN.message: "VICIdial rejected the gateway's login (credential wrong or rotated)",
    LOCKED.message: "VICIdial has locked the gateway's login after too many failed attempts",
    IP_BLOCKED.message: "VICIdial does not allow the gateway's IP address",
    FUNCTION_NOT_ALLOWED.message: "the gateway's VICIdial account may not use this function",
    INVALID_SOURCE_1.message: "VICIdial rejected the configured source label",
    USER_GROUP_MISSING.message: "the gateway's VICIdial account has no valid user group",
    NO_FUNCTION.message: "VICIdial does not know this function (older VICIdial version?)",
    AGENT_LOGIN.message: "VICIdial refused the gateway's login to the Agent API (does the "
    "account have vdc_agent_api_access?)",
    AGENT_API_OFF.message: "VICIdial's Agent API is switched off (system setting "
    "vdc_agent_api_active)",
}
