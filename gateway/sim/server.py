"""The HTTP side of the simulator: ``/vicidial/non_agent_api.php`` and the generic request flow.

The flow is the PHP's: read and filter parameters, answer ``version`` (and the coffee joke) without
login, log in (with the lockout rule), then for a known function check ``source``, the user's
``api_allowed_functions`` and the function's own permission before running it; an unknown
function gets ``NO FUNCTION SPECIFIED``. Every reply is HTTP 200 ``text/html; charset=utf-8``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from urllib.parse import unquote_plus

from aiohttp import web

from gateway.catalog import CATALOG
from gateway.catalog import generic as g

from .agent_params import AgentParams
from .faults import GARBAGE, HTML_ERROR_PAGE, NOT_RUN
from .handlers import HANDLERS, Ctx, FunctionImpl, Out, agent, agent_calls, agent_leads
from .handlers.agent_texts import CLOSE_WINDOW, line
from .handlers.base import render
from .model import RequestRecord, SimUser
from .params import Params
from .sqlguard import breakouts
from .state import SimState

log_sql = logging.getLogger("gateway.sim.sql")

API_PATH = "/vicidial/non_agent_api.php"
AGENT_API_PATH = "/agc/api.php"
VERSION = "2.14-194"
BUILD = "241004-1518"

STATE_KEY = web.AppKey("vicidial_sim_state", SimState)

_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-cache, must-revalidate",
    "Pragma": "no-cache",
}
_COFFEE = frozenset({"coffee", "start_coffee", "make_coffee", "brew_coffee"})
# Parameters whose values never enter the request log.
SECRET_PARAMS = frozenset({"pass", "agent_pass", "phone_pass", "registration_password"})


def _reply(body: str, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status, body=body.encode("utf-8"), headers={**_HEADERS, **(headers or {})}
    )


def masked_query(raw: str) -> str:
    """The raw query string with the values of password parameters replaced by ``***``."""
    parts = []
    for part in raw.split("&") if raw else []:
        name, eq, _ = part.partition("=")
        secret = unquote_plus(name) in SECRET_PARAMS
        parts.append(f"{name}{eq}***" if secret and eq else part)
    return "&".join(parts)


def version_line(state: SimState) -> str:
    """``version``: the server clock in UTC (no DST, TZ 0.00)."""
    values = {
        "version": VERSION,
        "build": BUILD,
        "date": state.now_text(),
        "epoch": int(state.now()),
        "dst": 0,
        "tz": "0.00",
        "tznow": "0.00",
    }
    return CATALOG["version"].templates[0].render(values)


def _run(impl: FunctionImpl, ctx: Ctx) -> Out:
    """Source check, api_allowed_functions, the function's permission query, then the function."""
    out = Out()
    source = ctx.p("source")
    if impl.needs_source and len(source) < 2:
        out.line(g.INVALID_SOURCE_1.render({"source": source}))
        out.line(g.INVALID_SOURCE_2.render({"source": source}))
    elif not ctx.user.may_call(impl.name):
        out.line(g.FUNCTION_NOT_ALLOWED.render({"user": ctx.user_name, "function": impl.name}))
    elif not impl.permitted(ctx.user):
        zero = {"user": ctx.user_name, "permission_count": 0, "modify_leads": 0, "allowed_user": 0}
        out.line(render(impl.name, impl.permission_message, zero))
    else:
        impl.run(ctx, out)
    return out


def _after_login(state: SimState, params: Params, user: SimUser, function: str) -> Out:
    impl = HANDLERS.get(function)
    if impl is None:
        out = Out()
        out.line(g.NO_FUNCTION.text)
        if params.get("format") == "debug":
            out.raw("\n<!-- script runtime: 0 seconds -->\n</body>\n</html>\n")
        return out
    return _run(impl, Ctx(state, params, user, function))


async def _api(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    params, query_names, body_names = await Params.read(request)
    function, user = params.get("function"), params.get("user")

    def log(login: str | None) -> None:
        query = masked_query(request.rel_url.raw_query_string)
        state.record(
            RequestRecord(function, request.method, query, query_names, body_names, user, login)
        )

    broken = breakouts(function, params)
    if broken:
        # A SQL syntax error in PHP 8: an uncaught exception, HTTP 500, nothing more.
        log(None)
        state.sql_breakouts.extend(f"{function}: {b}" for b in broken)
        log_sql.warning("request would break out of VICIdial's SQL: %s", "; ".join(broken))
        return web.Response(status=500, body=b"", headers=_HEADERS)
    faults = state.faults
    fault = faults.mode if faults is not None and faults.applies(function) else None
    if fault in NOT_RUN:
        log(None)
        return _faulty_reply(fault)
    if function == "version":
        log(None)
        body = version_line(state) + "\n"
        if fault is None:
            return _reply(body)
        assert faults is not None
        return await _misbehave(request, fault, faults.delay, body)
    if function in _COFFEE:
        log(None)
        return _reply(f"Coffee: {function}|Error 418 I'm a teapot", status=418)
    headers: dict[str, str] = {}
    password = params.get("pass")
    result = state.authenticate(user, password)
    log(result)
    if result == "LOCK":
        body = g.LOCKED.render({"user": user}) + "\n"
    elif result == "BAD":
        values = {"user": user, "pass": password, "auth_message": "BAD"}
        body = g.BAD_LOGIN.render(values) + "\n"
    else:
        out = _after_login(state, params, state.users[user], function)
        body, headers = out.text(), out.headers
    if fault is None:
        return _reply(body, headers=headers)
    assert faults is not None
    return await _misbehave(request, fault, faults.delay, body)


def _faulty_reply(fault: str | None) -> web.Response:
    if fault == "http500":
        return web.Response(status=500, body=b"", headers=_HEADERS)
    if fault == "html":
        return web.Response(status=503, body=HTML_ERROR_PAGE.encode(), headers=_HEADERS)
    return _reply(GARBAGE)


async def _misbehave(
    request: web.Request, fault: str, delay: float, body: str
) -> web.StreamResponse:
    """The faults in which the function ran: its reply arrives late, never, or cut short."""
    if fault == "slow":
        await asyncio.sleep(delay)
        return _reply(body)
    if fault == "hang":
        await asyncio.sleep(3600)
        return _reply(body)
    data = body.encode("utf-8")
    if fault == "truncate":
        return web.Response(body=data[: len(data) // 2], headers=_HEADERS)
    # reset: promise the whole body, send half, then drop the connection (stall: keep it).
    response = web.StreamResponse(headers={**_HEADERS, "Content-Length": str(len(data))})
    await response.prepare(request)
    await response.write(data[: len(data) // 2])
    if fault == "stall":
        await asyncio.sleep(3600)
    transport = request.transport
    if transport is not None:
        transport.abort()
    return response


AGENT_FUNCTIONS: Mapping[str, agent.Run] = {
    **agent.FUNCTIONS,
    **agent_calls.FUNCTIONS,
    **agent_leads.FUNCTIONS,
}


def _agent_reply(state: SimState, params: AgentParams) -> tuple[str, int, str | None]:
    """The Agent API's flow (see :mod:`gateway.sim.handlers.agent`): (body, HTTP status, the
    login result or None when no login was tried)."""
    function = params.get("function")
    if function == "version":
        return agent.version_reply(state) + "\n", 200, None
    if function in _COFFEE:
        return f"Coffee: {function}|Error 418 I'm a teapot", 418, None
    source = params.get("source")
    if len(source) < 2:
        return line("", "invalid_source", {"source": source}) + "\n", 200, None
    user, password = params.get("user"), params.get("pass")
    result = state.authenticate(user, password, min_level=1, user_update=False)
    row = state.users.get(user)
    auth_api = 1 if row is not None and row.vdc_agent_api_access else 0
    if len(user) < 2 or len(password) < 2 or result != "GOOD" or not auth_api:
        return agent.bad_login(state, user, password, result, auth_api) + "\n", 200, result
    if not state.agentapi.api_active:
        return line("", "api_not_active", {}) + "\n", 200, result
    assert row is not None
    ctx = agent.AgentCtx(state, params, row, function)
    run = AGENT_FUNCTIONS.get(function)
    if run is not None:  # an unknown function prints nothing
        run(ctx)
    body = ctx.out.text()
    if not ctx.exited and agent.php_positive(params.get("close_window_link")):
        body += CLOSE_WINDOW
    return body, 200, result


async def _agent_api(request: web.Request) -> web.StreamResponse:
    """``/agc/api.php``; the fault modes of ``state.faults`` apply as on the Non-Agent path."""
    state = request.app[STATE_KEY]
    params, query_names, body_names = await AgentParams.read(request)
    assert isinstance(params, AgentParams)
    function, user = params.get("function"), params.get("user")
    query = masked_query(request.rel_url.raw_query_string)

    def log(login: str | None) -> None:
        state.record(
            RequestRecord(function, request.method, query, query_names, body_names, user, login)
        )

    faults = state.faults
    fault = faults.mode if faults is not None and faults.applies(function) else None
    if fault in NOT_RUN:
        log(None)
        return _faulty_reply(fault)
    body, status, login = _agent_reply(state, params)
    log(login)
    if status == 418:
        return web.Response(status=418, reason="I'm a teapot", body=body.encode(), headers=_HEADERS)
    if fault is None:
        return _reply(body)
    assert faults is not None
    return await _misbehave(request, fault, faults.delay, body)


def create_sim_app(state: SimState) -> web.Application:
    """An aiohttp application serving one simulated VICIdial server (any HTTP method)."""
    app = web.Application()
    app[STATE_KEY] = state
    app.router.add_route("*", API_PATH, _api)
    app.router.add_route("*", AGENT_API_PATH, _agent_api)
    return app
