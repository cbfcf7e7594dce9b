"""Second step of the data path: may this app call this function with these parameters?

:func:`build_params` turns the caller's JSON object into the exact form parameters that will be sent
to VICIdial, or refuses the request. It is pure: the app's config and the function's catalog spec
are all it needs.

- The function must be in the app's ``functions`` allowlist (403).
- ``user``, ``pass``, ``source``, ``function`` and ``DB``, the gateway-owned options of the function
  (``stage``, ``header``) and any name the catalog does not list for the function are refused
  with 400 naming the parameter; nothing is ever dropped silently.
- Values are strings, numbers, booleans (flags only) or lists (list parameters only; an item may
  not hold the separator VICIdial splits on). A value may not hold control characters or a
  backslash (it reaches VICIdial's SQL unescaped), must fit the catalog's length limit and allowed
  values (an optional parameter may also be empty: VICIdial reads that as not sent), and may only
  use characters VICIdial keeps for that parameter (VICIdial deletes the others without a word,
  so the gateway refuses them instead).
- Spellings VICIdial reads the same way as another value (``Param.spellings``: local_gmt ``-5``
  is ``-5.00``) are accepted and sent in the catalog's spelling; nothing else is ever rewritten.
  VICIdial's ``--BLANK--`` (``Param.blank``) passes the length limit where VICIdial empties the
  field instead of storing the text.
- No value may change the meaning of VICIdial's SQL (:func:`check_sql`): VICIdial pastes values
  unescaped between quotes, so a value may not hold the quote of any string literal it lands in
  for this request (``Param.sql``, including values stored now and pasted into SQL when VICIdial
  reads them back), and a value pasted without quotes must be a plain number, list or name.
- Per-app rules: ``allow: [values]`` (403 for any other value) and ``force: value`` (sent whatever
  the caller says; a caller who sends a different value gets 403, never a silent rewrite).
- Heavy options (values the catalog marks ``heavy``, e.g. ``hopper_list search_method=BLOCK``)
  are refused (403) unless the app lists the function in ``allow_heavy``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

from .catalog.spec import BARE_SAFE, FORWARD_UNSAFE, FunctionSpec, Param, ParamKind, SqlUse, holds
from .config import RESERVED_PARAMS, AppConfig
from .errors import BadRequest, Forbidden

# Characters VICIdial keeps, by parameter kind, where the catalog gives no charset of its own.
# Free text keeps everything but ; # " and turns + into a space.
DEFAULT_CHARSETS: Mapping[ParamKind, str] = {
    "text": '^;#"+',
    "int": "0-9",
    "id": "-_0-9a-zA-Z",
    "code": "-_0-9a-zA-Z",
    "phone": "0-9",
    "list": ",0-9",
    "flag": "A-Z",
    "date": "-0-9",
    "datetime": "- .:/@_0-9a-zA-Z",
}

# Control characters (C0, DEL, C1), line/paragraph separators, invisible format characters
# that can make stored text display other than it reads (bidi overrides, zero-width, BOM),
# lone surrogates (not encodable in the form body) and the backslash (it reaches VICIdial's SQL
# unescaped). Parameters that may span lines allow a line feed, nothing else.
_INVISIBLE = r"\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\\\u2028\u2029\ud800-\udfff" + _INVISIBLE + "]")
_FORBIDDEN_MULTILINE = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\\\u2028\u2029\ud800-\udfff" + _INVISIBLE + "]"
)
_charset_cache: dict[str, re.Pattern[str]] = {}
_spelling_cache: dict[str, re.Pattern[str]] = {}
_pattern_cache: dict[str, re.Pattern[str]] = {}
# A parameter the catalog has no SQL facts for counts as landing in both kinds of literal.
_UNKNOWN_SQL = (
    SqlUse("'", "not known where VICIdial puts it"),
    SqlUse('"', "not known where VICIdial puts it"),
)


def build_params(app: AppConfig, spec: FunctionSpec, body: Any) -> dict[str, str]:
    """The VICIdial form parameters for this call (without user/pass/source/function)."""
    if not app.may_call(spec):
        raise Forbidden(
            f"app {app.name!r} may not call {spec.name}", details={"function": spec.name}
        )
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object of VICIdial parameters")
    params: dict[str, str] = {}
    for name, raw in body.items():
        param = _known_param(spec, name)
        value = canonical(param, _to_string(param, raw))
        _check_chars(param, value)
        if value in param.heavy and spec.name not in app.allow_heavy:
            raise Forbidden(
                f"{name}={value} is a heavy option; app {app.name!r} may not use it",
                details={"parameter": name},
            )
        rule = app.rule(spec, name)
        if rule is not None:
            if rule.allow is not None and value not in rule.allow:
                raise Forbidden(
                    f"value of {name!r} is not allowed for app {app.name!r}",
                    details={"parameter": name},
                )
            if rule.force is not None and value != rule.force:
                raise Forbidden(
                    f"{name!r} is fixed for app {app.name!r} and may not be changed",
                    details={"parameter": name},
                )
        params[name] = value
    for name, rule in app.rules(spec).items():
        if rule.force is not None:
            params.setdefault(name, rule.force)
    missing = [p.name for p in spec.params if p.required and p.name not in params]
    if missing:
        raise BadRequest(
            f"missing required parameter {missing[0]!r}", details={"parameter": missing[0]}
        )
    if spec.api == "agent":
        check_agent(app, spec, params)
    for name in spec.sent_empty:
        params.setdefault(name, "")
    check_body_fields(spec, params)
    params.update(gateway_params(spec))
    # Whether a statement runs can depend on the other parameters (a duplicate check by name):
    # the SQL rules are checked on the whole request, forced values included.
    for name, value in params.items():
        known = spec.param(name)
        if known is not None:
            _check_blank(known, value, params)
            check_sql(known, value, params)
    return params


# Agent API functions that reach agents the request does not name by ``agent_user``: by CRM
# id (st_*: vicidial_users.custom_three) or by recipient (send_notification). The gateway cannot
# tell which agents those are, so only an app that may act on every agent ("*") may call them;
# send_notification to one USER is checked like an agent_user.
AGENT_BY_OTHER_MEANS = frozenset({"st_login_log", "st_get_agent_active_lead", "send_notification"})


def check_agent(app: AppConfig, spec: FunctionSpec, params: Mapping[str, str]) -> None:
    """The agent an Agent API call acts on must be one of the app's ``agent_users`` (403)."""
    agent = params.get("agent_user")
    if spec.name == "send_notification" and params.get("recipient_type") == "USER":
        agent = params.get("recipient")
    if agent is not None:
        if not app.may_act_on(agent):
            raise Forbidden(
                f"app {app.name!r} may not act on agent {agent!r}",
                details={"agent_user": agent},
            )
        return
    if spec.name in AGENT_BY_OTHER_MEANS and not app.may_act_on_all():
        raise Forbidden(
            f"{spec.name} reaches agents the gateway cannot check: app {app.name!r} needs "
            'agent_users: ["*"] to call it',
            details={"function": spec.name},
        )


def check_body_fields(spec: FunctionSpec, params: Mapping[str, str]) -> None:
    """Refuse a request in which a name of ``spec.body_fields`` that is not sent as a parameter
    appears in another parameter's name or value (any case): VICIdial would read the field as
    sent and set it to empty. (The gateway's own fields are checked with its config:
    ``body_field_in``.)"""
    for name in spec.body_fields:
        if name in params:
            continue
        for key, value in params.items():
            where = body_field_in(name, (key, value))
            if where is not None:
                raise BadRequest(
                    f"{key!r} contains {name!r}: VICIdial's {spec.name} reads {name!r} anywhere "
                    f"in the request as that field sent, and would set it to empty; send "
                    f"{name!r} too, or leave the word out",
                    details={"parameter": key, "reason": "body_field", "field": name},
                )


def body_field_in(name: str, texts: tuple[str, ...]) -> str | None:
    """The first of ``texts`` holding ``name`` in any case (VICIdial's case-insensitive
    match), or None."""
    lowered = name.lower()
    for text in texts:
        if lowered in text.lower():
            return text
    return None


def canonical(param: Param, value: str) -> str:
    """The spelling of ``value`` the gateway sends (``Param.spellings``), else ``value`` itself."""
    for pattern, sent in param.spellings:
        m = _compiled(_spelling_cache, pattern).fullmatch(value)
        if m is not None:
            return m.expand(sent)
    return value


def check_value(param: Param, value: str, sent: Mapping[str, str] | None = None) -> None:
    """Every check a value gets (also for the config's ``allow``/``force`` values).

    ``sent``: the whole request, for SQL statements that only run for some requests; None
    counts every statement the parameter can reach.
    """
    _check_chars(param, value)
    _check_blank(param, value, sent)
    check_sql(param, value, sent)


def check_sql(param: Param, value: str, sent: Mapping[str, str] | None = None) -> None:
    """Refuse a value that would change the meaning of VICIdial's SQL (see ``Param.sql``)."""
    name = param.name
    if param.forwarded:
        for ch in FORWARD_UNSAFE:
            if ch in value:
                raise BadRequest(
                    f"{name!r} may not contain {ch!r}: VICIdial pastes it unencoded into a form "
                    "it sends to admin_lists_custom.php, where it would start another "
                    "parameter or be decoded again",
                    details={"parameter": name, "reason": "forwarded", "character": ch},
                )
    reaching = value
    if param.decoded_when is not None and param.decoded_when in value:
        # VICIdial URL-decodes such a value once more before its SQL.
        reaching = unquote_plus(value)
        if _FORBIDDEN_CHARS.search(reaching):
            raise BadRequest(
                f"{name!r} decodes (VICIdial decodes it again: it contains "
                f"{param.decoded_when}) to a control character or a backslash",
                details={"parameter": name, "reason": "decoded"},
            )
    for use in _UNKNOWN_SQL if param.sql is None else param.sql:
        if not use.applies(sent):
            continue
        if use.quote == "bare":
            if not BARE_SAFE.fullmatch(reaching):
                raise BadRequest(
                    f"{name!r} must be a plain number, list or name: VICIdial pastes it "
                    f"into SQL without quotes ({use.what})",
                    details={"parameter": name, "reason": "sql"},
                )
        elif use.quote in reaching:
            how = (
                "stores it, and pastes it unescaped into SQL when it reads it back"
                if use.stored
                else "pastes it unescaped into SQL"
            )
            raise BadRequest(
                f"{name!r} may not contain {use.quote}: VICIdial {how} ({use.what})",
                details={"parameter": name, "reason": "sql", "character": use.quote},
            )


def gateway_params(spec: FunctionSpec) -> dict[str, str]:
    """The options the gateway chooses itself so that it can parse the reply exactly."""
    rows = spec.rows
    out: dict[str, str] = dict(spec.fixed_params)
    if rows is None:
        return out
    if "stage" in spec.gateway_params and rows.stage is not None:
        out["stage"] = rows.stage
    if "header" in spec.gateway_params and rows.request_header:
        out["header"] = "YES"
    return out


def _known_param(spec: FunctionSpec, name: str) -> Param:
    if name in RESERVED_PARAMS:
        raise BadRequest(
            f"parameter {name!r} is set by the gateway and may not be sent",
            details={"parameter": name},
        )
    if name in spec.gateway_params or name in spec.fixed_params:
        raise BadRequest(
            f"parameter {name!r} is chosen by the gateway for {spec.name}",
            details={"parameter": name},
        )
    param = spec.param(name)
    if param is None:
        raise BadRequest(
            f"unknown parameter {_printable(name)!r} for {spec.name}",
            details={"parameter": _printable(name)},
        )
    return param


def _to_string(param: Param, raw: Any) -> str:
    if isinstance(raw, bool):
        if param.kind != "flag" or not param.choices or len(param.choices) < 2:
            raise BadRequest(
                f"{param.name!r} does not take true/false", details={"parameter": param.name}
            )
        return param.choices[0] if raw else param.choices[1]
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float) and raw.is_integer() and param.kind not in ("text", "code"):
        return str(int(raw))
    if isinstance(raw, list) and param.kind == "list":
        if not raw or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in raw):
            raise BadRequest(
                f"{param.name!r} must be a non-empty list of strings or numbers",
                details={"parameter": param.name},
            )
        items = [str(x) for x in raw]
        for item in items:
            if param.list_sep in item and item not in param.whole_items:
                raise BadRequest(
                    f"an item of {param.name!r} contains {param.list_sep!r}, the separator "
                    "VICIdial splits this list on (it would read two items)",
                    details={"parameter": param.name},
                )
        return param.list_sep.join(items)
    expected = "a list, a string or a number" if param.kind == "list" else "a string or a number"
    raise BadRequest(f"{param.name!r} must be {expected}", details={"parameter": param.name})


def _check_chars(param: Param, value: str) -> None:
    name = param.name
    if (_FORBIDDEN_MULTILINE if param.multiline else _FORBIDDEN_CHARS).search(value):
        raise BadRequest(
            f"{name!r} contains a control or invisible formatting character, or a backslash",
            details={"parameter": name},
        )
    blank = value == param.blank
    if len(value) > param.max_len and not blank:
        raise BadRequest(
            f"{name!r} is longer than {param.max_len} characters", details={"parameter": name}
        )
    if (
        param.choices is not None
        and value not in param.choices
        and not blank
        and (value or param.required)
    ):
        shown = ", ".join(c or '""' for c in param.choices)
        raise BadRequest(f"{name!r} must be one of {shown}", details={"parameter": name})
    charset = param.charset or DEFAULT_CHARSETS[param.kind]
    if not _compiled(_charset_cache, f"[{charset}]*").fullmatch(value):
        raise BadRequest(
            f"{name!r} contains characters VICIdial would silently delete",
            details={"parameter": name, "allowed": f"[{charset}]"},
        )
    if (
        param.pattern is not None
        and value
        and not _compiled(_pattern_cache, param.pattern).fullmatch(value)
    ):
        raise BadRequest(f"{name!r} must match {param.pattern}", details={"parameter": name})
    if param.kind == "list" and value and "" in list_items(param, value):
        raise BadRequest(
            f"{name!r} has an empty item (a {param.list_sep!r} at the start, at the end or "
            "twice): VICIdial would look for an empty name",
            details={"parameter": name},
        )


def list_items(param: Param, value: str) -> list[str]:
    """The items VICIdial reads in a list parameter's value: split on its separator, except
    the items it reads whole although they hold it (``---ALL---``)."""
    for whole in param.whole_items:
        value = value.replace(whole, "\0")  # a stand-in that is one non-empty item
    return value.split(param.list_sep)


def _compiled(cache: dict[str, re.Pattern[str]], pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled once and kept in ``cache`` (never compiled per call)."""
    regex = cache.get(pattern)
    if regex is None:
        regex = cache.setdefault(pattern, re.compile(pattern))
    return regex


def _check_blank(param: Param, value: str, sent: Mapping[str, str] | None) -> None:
    """The blank value passes length and choices only where VICIdial empties it."""
    if value != param.blank or param.blank_kept is None or not holds(param.blank_kept, sent):
        return
    if len(value) > param.max_len or (param.choices is not None and value not in param.choices):
        other, _, values = param.blank_kept
        raise BadRequest(
            f"{param.name!r} may not be {value} together with {other}={'/'.join(values)}: "
            "VICIdial then stores the text as it stands, and it does not fit this field",
            details={"parameter": param.name},
        )


def _printable(name: str) -> str:
    """A parameter name fit to echo back: at most 64 characters, control characters escaped."""
    return name[:64].encode("unicode_escape").decode("ascii")
