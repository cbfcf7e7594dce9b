"""The simulated Agent API (``/agc/api.php``): its request flow and the agent-session functions.

The flow is api.php's: ``version`` and the coffee joke before anything; ``source`` of at least 2
characters; the login (``user_level > 0``, active, password, the 10-failure lockout, no login
stamp) together with ``vdc_agent_api_access``; the system's ``vdc_agent_api_active``; then the
function, which checks its parameters, ``api_allowed_functions``, resolves ``alt_user``
(``custom_three``), checks the agent is logged in, and acts. An unknown function after login
prints nothing. Every reply line comes from :mod:`.agent_texts`.

The call-control functions (dialing, transfers, parking, lead switching ...) are in
:mod:`.agent_calls`; the lead and panel functions in :mod:`.agent_leads`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..agent_params import AgentParams
from ..agents import INCALL, PAUSED, READY, AgentSession
from ..model import LiveAgent, SimUser
from ..state import SimState
from .agent_texts import BUILD, VERSION, exits, line
from .base import Out


@dataclass
class AgentCtx:
    """One Agent API call after login: the server, parameters, API user and the reply."""

    state: SimState
    params: AgentParams
    user: SimUser
    function: str
    out: Out = field(default_factory=Out)
    agent_user: str = ""
    exited: bool = False  # the run ended in one of api.php's exit calls (see agent_texts.EXITS)

    def __post_init__(self) -> None:
        self.agent_user = self.p("agent_user")

    def p(self, name: str) -> str:
        return self.params.get(name)

    def say(self, key: str, **values: object) -> None:
        """Print the function's line ``key`` (LF-terminated)."""
        self.out.line(line(self.function, key, values))
        self.exited = self.exited or exits(self.function, key)

    def say_raw(self, key: str, **values: object) -> None:
        """Print the line without its LF (the few api.php echoes that have none)."""
        self.out.raw(line(self.function, key, values))
        self.exited = self.exited or exits(self.function, key)

    @property
    def epoch(self) -> int:
        return int(self.state.now())

    def session(self) -> AgentSession:
        return self.state.agentapi.session(self.agent_user)

    def allowed(self, first: str) -> bool:
        """``api_allowed_functions``; prints the permission error when not allowed."""
        if self.user.may_call(self.function):
            return True
        self.say(
            "not_allowed",
            first=first,
            user=self.user.user,
            function=self.function,
            user_group=self.user.user_group,
        )
        return False

    def resolve_alt_user(self, key: str = "no_user_found", **extra: object) -> None:
        """``alt_user`` names the agent by ``custom_three``; not found prints an error and goes
        on with ``agent_user``."""
        alt_user = self.p("alt_user")
        if len(alt_user) < 2:
            return
        found = users_by_custom_three(self.state, alt_user)
        if found:
            self.agent_user = found[0]
        else:
            self.say(key, alt_user=alt_user, **extra)

    def live(self, key: str = "not_logged_in", **extra: object) -> LiveAgent | None:
        """The agent's live row, or None after printing "agent_user is not logged in"."""
        agent = self.state.live_agents.get(self.agent_user)
        if agent is None:
            self.say(key, agent_user=self.agent_user, **extra)
        return agent

    def standard(self, valid: bool, first: str | None = None) -> LiveAgent | None:
        """The usual start: "not valid", the permission check, alt_user, logged in."""
        value = self.p("value")
        if not valid:
            self.say("invalid", value=value, agent_user=self.agent_user)
            return None
        return self.logged_in(value if first is None else first)

    def logged_in(self, first: str) -> LiveAgent | None:
        """After a function's own "not valid" check: the permission check (``first`` is the
        permission line's first field), alt_user, and the agent's live row (None when a line
        ended the call)."""
        if not self.allowed(first):
            return None
        self.resolve_alt_user()
        return self.live()


def users_by_custom_three(state: SimState, value: str) -> list[str]:
    """Users whose ``custom_three`` is ``value``, ordered by user."""
    details = state.useradmin.details
    return sorted(u for u, d in details.items() if d.custom[2] == value and u in state.users)


def has_agent(ctx: AgentCtx) -> bool:
    """``agent_user`` of at least 1 character, or ``alt_user`` of at least 2."""
    return len(ctx.agent_user) >= 1 or len(ctx.p("alt_user")) >= 2


def end_call(state: SimState, agent: LiveAgent) -> None:
    """The call leaves the agent: the agent stays PAUSED in the disposition screen with the lead."""
    state.agentapi.auto_calls.pop(agent.callerid, None)
    agent.callerid = ""
    agent.call_sub_status = ""
    agent.status = PAUSED
    session = state.agentapi.session(agent.user)
    session.three_way = False
    session.audio_playing = False


def finish_lead(state: SimState, agent: LiveAgent) -> None:
    """The lead is dispositioned: the agent is free (READY, or PAUSED / logged out when a pause
    or logout waited for the call)."""
    session = state.agentapi.session(agent.user)
    agent.lead_id = 0
    agent.preview_lead_id = 0
    if session.pending_logout:
        state.put_agent(agent.user, None)
        return
    agent.status = PAUSED if session.pending_pause else READY
    session.pending_pause = False


def busy(agent: LiveAgent) -> bool:
    """On a call or in the disposition screen: pause and logout wait for it."""
    return agent.status == INCALL or agent.lead_id > 0


# --- the functions of the agent session ---------------------------------------------------------


def webserver(ctx: AgentCtx) -> None:
    if not ctx.user.may_call(ctx.function):
        ctx.say(
            "not_allowed", user=ctx.user.user, function=ctx.function, user_group=ctx.user.user_group
        )
        return
    # The real one describes its host (uname, versions, load, disk); the simulator its own.
    data = [
        "Webserver Data:",
        "set.timezone: UTC",
        "abbr.timezone: UTC",
        "dst.timezone: 0",
        "uname: Linux",
        "host name: vicidial-sim",
        "server name: 127.0.0.1",
        "php version: 8.2.0",
        "apache version: Apache/2.4 (vicidial-sim)",
        "apache processes: 1",
        "system load average: 0",
        "disk free space: 0",
        "ini_get not allowed: ",
    ]
    ctx.out.line("<PRE>" + "\n".join(data) + "\n</PRE>")
    ctx.exited = True


def external_hangup(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(len(value) >= 1 and has_agent(ctx))
    if agent is None:
        return
    ctx.session().flags["external_hangup"] = value
    if agent.status == INCALL:
        end_call(ctx.state, agent)
    ctx.say("ok", value=value, agent_user=ctx.agent_user)


SCHEDULED_CALLBACK_STATUSES = frozenset({"CALLBK", "CBHOLD", "QCFAIL"})  # vicidial_statuses


def external_status(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(len(value) >= 1 and has_agent(ctx))
    if agent is None:
        return
    status = value
    callback_datetime = ctx.p("callback_datetime")
    qm_dispo_code = ctx.p("qm_dispo_code")
    callback = len(callback_datetime) > 12 and value in SCHEDULED_CALLBACK_STATUSES
    if callback:
        callback_type = ctx.p("callback_type")
        if len(callback_type) < 4:
            callback_type = "ANYONE"
        comments = ctx.p("callback_comments")[:200]
        value = f"{value}!{callback_datetime}!{callback_type}!{comments}!"
    if qm_dispo_code:
        value = f"{value}{qm_dispo_code}" if callback else f"{value}!!!!{qm_dispo_code}"
    ctx.session().flags["external_status"] = value
    if agent.lead_id > 0:
        lead = ctx.state.leads.get(agent.lead_id)
        if lead is not None:
            lead.status = status
        if agent.status == INCALL:
            end_call(ctx.state, agent)
        finish_lead(ctx.state, agent)
    ctx.say("ok", value=value, agent_user=ctx.agent_user)


def external_pause(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    valid = (
        len(value) >= 1
        and (len(ctx.agent_user) >= 1 or len(ctx.p("alt_user")) >= 1)
        and ("PAUSE" in value or "RESUME" in value)
    )
    agent = ctx.standard(valid)
    if agent is None:
        return
    session = ctx.session()
    if "RESUME" in value:
        if agent.status in (READY, "QUEUE", INCALL, "CLOSER"):
            ctx.say("not_paused", value=value, agent_user=ctx.agent_user)
            return
        if agent.lead_id == 0:
            agent.status = READY
            agent.pause_code = ""
        session.pending_pause = False
    elif busy(agent):
        session.pending_pause = True
    else:
        agent.status = PAUSED
    session.flags["external_pause"] = f"{value}!{ctx.epoch}"
    ctx.say("ok", value=value, epoch=ctx.epoch, agent_user=ctx.agent_user)


def logout(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    valid = (
        len(value) >= 1
        and (len(ctx.agent_user) >= 1 or len(ctx.p("alt_user")) >= 1)
        and "LOGOUT" in value
    )
    agent = ctx.standard(valid)
    if agent is None:
        return
    ctx.say("ok", value=value, epoch=ctx.epoch, agent_user=ctx.agent_user)
    if busy(agent):
        ctx.session().pending_logout = True
    else:
        ctx.state.put_agent(ctx.agent_user, None)


def _recording_id(text: str) -> int:
    """PHP's ``$recording_id > 0`` / ``< 1`` on the column: a number, or 0."""
    return int(text) if text.isdigit() else 0


def recording(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    valid = any(word in value for word in ("START", "STOP", "STATUS")) and has_agent(ctx)
    agent = ctx.standard(valid)
    if agent is None:
        return
    session = ctx.session()
    rec_id = session.recording_id
    where = {
        "agent_user": ctx.agent_user,
        "server_ip": session.server_ip,
        "session_id": agent.conf_exten,
        "status": agent.status,
    }
    if value == "STATUS":
        row = ctx.state.agentapi.recordings.get(_recording_id(rec_id))
        if rec_id not in ("START", "STOP") and _recording_id(rec_id) > 0:
            ctx.say(
                "active",
                recording_id=rec_id,
                filename=row.filename if row else "",
                recording_server_ip=row.server_ip if row else "",
                start_time=row.start_time if row else "",
                **where,
            )
        else:
            ctx.say("inactive", **where)
        return
    # PHP 8: "" < 1 holds, "STOP" < 1 does not (string comparison) - START is not an error.
    if "STOP" in value and (
        rec_id == "STOP" or rec_id == "" or (rec_id.isdigit() and int(rec_id) < 1)
    ):
        ctx.say("stop_error", recording_id=rec_id, **where)
        return
    stage = ctx.p("stage")
    if stage and "START" in value:
        value = value + stage[:14]
    session.flags["external_recording"] = value
    # The agent screen acts on it: a START opens a recording, a STOP closes it.
    if "START" in value:
        now = ctx.state.now_text()
        stamp = now.replace("-", "").replace(" ", "-").replace(":", "")
        row = ctx.state.agentapi.start_recording(
            f"{stamp}_{ctx.agent_user}{stage[:14]}", session.server_ip, now
        )
        session.recording_id = str(row.recording_id)
    elif "STOP" in value:
        session.recording_id = "STOP"
    ctx.say("ok", value=value, **where)


def webphone_url(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(value in ("DISPLAY", "LAUNCH") and has_agent(ctx))
    if agent is None:
        return
    url = ctx.session().webphone_url
    if url is None:
        ctx.say("no_session", agent_user=ctx.agent_user)
    elif len(url) <= 5:
        ctx.say("empty", agent_user=ctx.agent_user)
    elif value == "DISPLAY":
        ctx.out.raw(url)
    else:
        ctx.say("launch", url=url)


def call_agent(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(value == "CALL" and has_agent(ctx))
    if agent is None:
        return
    session = ctx.session()
    if session.webphone_url is None:
        ctx.say("no_session", agent_user=ctx.agent_user)
    elif len(session.agent_login_call) <= 5:
        ctx.say("empty", agent_user=ctx.agent_user)
    else:
        ctx.say("ok", agent_user=ctx.agent_user)


AUDIO_STAGES = ("PLAY", "STOP", "PAUSE", "RESUME", "RESTART")


def audio_playback(ctx: AgentCtx) -> None:
    value, stage = ctx.p("value"), ctx.p("stage")
    valid = not ((not value and stage == "PLAY") or len(stage) < 4) and has_agent(ctx)
    if not valid:
        ctx.say("invalid", value=value, stage=stage, agent_user=ctx.agent_user)
        return
    if not ctx.allowed(value):
        return
    ctx.resolve_alt_user(stage=stage)
    agent = ctx.live(stage=stage)
    if agent is None:
        return
    session = ctx.session()
    if len(agent.conf_exten) <= 5 or len(session.server_ip) <= 5:
        ctx.say("empty", stage=stage, agent_user=ctx.agent_user)
        return
    where = {"session_id": agent.conf_exten, "server_ip": session.server_ip, "stage": stage}
    dial_override = ctx.p("dial_override")
    if stage == "PLAY":
        if session.audio_playing:
            if dial_override != "Y":
                ctx.say("playing", dial_override=dial_override, agent_user=ctx.agent_user, **where)
                return
            ctx.say("stopped", stage=stage, dial_override=dial_override, agent_user=ctx.agent_user)
        session.audio_playing = True
    elif not session.audio_playing:
        ctx.say("not_playing", agent_user=ctx.agent_user, **where)
        return
    elif stage == "STOP":
        session.audio_playing = False
    ctx.say("ok", value=value, stage=stage, agent_user=ctx.agent_user)


def pause_code(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(1 <= len(value) <= 6 and has_agent(ctx))
    if agent is None:
        return
    if agent.status != PAUSED:
        ctx.say("not_paused", agent_user=ctx.agent_user)
        return
    agent.pause_code = value
    ctx.say("ok", agent_user=ctx.agent_user)


def send_dtmf(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(len(value) >= 1 and has_agent(ctx))
    if agent is None:
        return
    ctx.session().flags["external_dtmf"] = value
    ctx.say("ok", value=value, agent_user=ctx.agent_user)


def calls_in_queue_count(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(value == "DISPLAY" and has_agent(ctx))
    if agent is None:
        return
    groups = set(ctx.session().closer_campaigns.replace(" -", " ").split())
    count = sum(
        1
        for call in ctx.state.agentapi.auto_calls.values()
        if call.status == "LIVE"
        and (
            call.campaign_id == agent.campaign_id
            or call.campaign_id in groups
            or ("AGENTDIRECT" in call.campaign_id and call.agent_only == ctx.agent_user)
        )
    )
    ctx.say_raw("ok", count=count)


def set_timer_action(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    if len(ctx.agent_user) < 1 or len(value) < 2:
        ctx.say("invalid", agent_user=ctx.agent_user, value=value)
        return
    if not ctx.allowed(value) or ctx.live() is None:
        return
    if not ctx.state.agentapi.flag(ctx.user, "modify_campaigns"):
        ctx.say("no_permission", agent_user=ctx.agent_user, user=ctx.user.user)
        return
    notes, rank = ctx.p("notes"), ctx.p("rank")
    ctx.session().flags["external_timer_action"] = f"{value}|{notes}|{rank}"
    ctx.say(
        "ok", user=ctx.user.user, agent_user=ctx.agent_user, value=value, notes=notes, rank=rank
    )


def _st_agent(ctx: AgentCtx) -> str | None:
    """The st_* functions' start: ``value`` (a CRM id, matched to users' custom_three) and
    ``vendor_id`` both given, the value allowed, a user found; that user, else None (the
    refusal already said)."""
    value, vendor_id = ctx.p("value"), ctx.p("vendor_id")
    if not value or not vendor_id:
        ctx.say("invalid", value=value, vendor_id=vendor_id)
        return None
    if not ctx.allowed(value):
        return None
    found = users_by_custom_three(ctx.state, value)
    if not found:
        ctx.say("no_user", value=value)
        return None
    return found[0]


def st_login_log(ctx: AgentCtx) -> None:
    user = _st_agent(ctx)
    if user is None:
        return
    ctx.state.useradmin.user_details(ctx.state.users[user]).custom[3] = ctx.p("vendor_id")
    ctx.say("ok", agent_user=user)


def st_get_agent_active_lead(ctx: AgentCtx) -> None:
    user = _st_agent(ctx)
    if user is None:
        return
    agent = ctx.state.live_agents.get(user)
    if agent is None:
        ctx.say("not_logged_in", agent_user=user)
    elif agent.lead_id <= 0:
        ctx.say("no_lead", agent_user=user)
    else:
        lead = ctx.state.leads.get(agent.lead_id)
        ctx.say(
            "ok",
            agent_user=user,
            lead_id=agent.lead_id,
            **{
                name: getattr(lead, name) if lead is not None else ""
                for name in (
                    "phone_number",
                    "vendor_lead_code",
                    "province",
                    "security_phrase",
                    "source_id",
                )
            },
        )


Run = Callable[[AgentCtx], None]


def php_positive(text: str) -> bool:
    """PHP 8's ``$x > 0`` on a request string: numeric strings compare as numbers, any other
    string compares with "0" as a string (so "abc" > 0 holds)."""
    try:
        return float(text) > 0
    except ValueError:
        return text > "0"


def version_reply(state: SimState) -> str:
    return line(
        "version",
        "version",
        {"version": VERSION, "build": BUILD, "date": state.now_text(), "epoch": int(state.now())},
    )


def bad_login(state: SimState, user: str, password: str, result: str, auth_api: int) -> str:
    """The login failure line; for a wrong password it quotes api.php's login SQL."""
    auth = 1 if result == "GOOD" else 0
    message = result
    if result == "BAD":
        sql = line(
            "", "bad_login_sql", {"user": user, "pass": password, "lock_over": state.lock_over()}
        )
        message = f"BAD|0|api|{sql}"
    values: Mapping[str, object] = {
        "user": user, "pass": password, "auth": auth, "auth_api": auth_api,
        "auth_message": message,
    }  # fmt: skip
    return line("", "bad_login", values)


FUNCTIONS: dict[str, Run] = {
    "webserver": webserver,
    "external_hangup": external_hangup,
    "external_status": external_status,
    "external_pause": external_pause,
    "logout": logout,
    "recording": recording,
    "webphone_url": webphone_url,
    "call_agent": call_agent,
    "audio_playback": audio_playback,
    "pause_code": pause_code,
    "send_dtmf": send_dtmf,
    "calls_in_queue_count": calls_in_queue_count,
    "set_timer_action": set_timer_action,
    "st_login_log": st_login_log,
    "st_get_agent_active_lead": st_get_agent_active_lead,
}
