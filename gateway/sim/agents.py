"""Agent sessions for the simulated Agent API (``/agc/api.php``).

A logged-in agent is a row of ``state.live_agents`` (:class:`~gateway.sim.model.LiveAgent`:
status, campaign, conference, current lead and call id), shared with the Non-Agent functions
that report on agents. What only the Agent API reads or writes lives here, in one
:class:`AgentApiData` on the state (``state.agentapi``): the rest of the session
(:class:`AgentSession`: phone, recording, webphone URL, in-groups, the ``external_*`` flags the
API sets), the agent campaign settings, the manual dial queue, calls in progress and the system
switches.

The real API only sets flags that the agent's browser acts on within a second; the simulator
plays that browser at once, so a test sees the effect in the next request: ``external_pause``
PAUSE makes a READY agent PAUSED, ``external_hangup`` leaves the agent in the disposition
screen (PAUSED with the lead), ``external_status`` dispositions the lead and frees the agent, a
STANDARD ``external_dial`` puts a PAUSED agent INCALL with the lead (a QUEUE one only queues the
number), a transfer that takes the customer away (BLIND_TRANSFER, LOCAL_CLOSER, LEAVE_VM,
HANGUP_BOTH, LEAVE_3WAY_CALL) or ``ra_call_control`` ends the call, a 3-way dial starts a 3-way
call and HANGUP_XFER ends it, ``park_call`` parks and grabs, ``recording`` START opens a
recording, ``audio_playback`` PLAY and STOP start and stop the sound, ``logout`` ends the
session. A request made while a call is up (pause, logout) waits for the call to end, as on the
real agent screen. Tests put an agent in a state with
:meth:`gateway.sim.state.SimState.put_agent`::

    state.put_agent("1003", "PAUSED")                     # logged in, paused, no lead
    state.put_agent("1003", "INCALL", lead_id=5002)       # on an outbound call
    state.agentapi.sessions["1003"].audio_playing = True  # and session details
    state.put_agent("1003", None)                         # logged out
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import SimUser

# Agent statuses of vicidial_live_agents the API distinguishes.
READY, PAUSED, INCALL, QUEUE, CLOSER = "READY", "PAUSED", "INCALL", "QUEUE", "CLOSER"
AGENT_STATUSES = frozenset({READY, PAUSED, INCALL, QUEUE, CLOSER})


@dataclass
class AgentCampaign:
    """The ``vicidial_campaigns`` columns the Agent API reads."""

    api_manual_dial: str = "STANDARD"  # STANDARD | QUEUE | QUEUE_AND_AUTOCALL
    manual_preview_dial: str = "PREVIEW_AND_SKIP"  # DISABLED | PREVIEW_ONLY | PREVIEW_AND_SKIP
    alt_number_dialing: str = "N"
    manual_dial_list_id: str = "998"
    campaign_allow_inbound: str = "Y"
    agent_lead_search: str = "DISABLED"
    default_xfer_group: str = "---NONE---"
    use_other_campaign_dnc: str = ""


@dataclass
class AutoCall:
    """A ``vicidial_auto_calls`` row: a call in progress (ra_call_control, calls_in_queue)."""

    callerid: str
    campaign_id: str
    lead_id: int
    phone_number: str
    call_type: str = "OUT"  # OUT | IN
    status: str = "LIVE"
    agent_only: str = ""


@dataclass
class AgentSession:
    """What the agent screen holds beyond the ``vicidial_live_agents`` row."""

    user: str
    server_ip: str = "127.0.0.1"
    extension: str = "SIP/gs102"
    closer_campaigns: str = ""  # " SALESLINE SUPPORT -"
    recording_id: str = ""  # external_recording: "", a recording_id, or START... / STOP
    # The vicidial_session_data row: None when the agent has none (webphone_url and
    # call_agent then answer "no session data").
    webphone_url: str | None = None
    agent_login_call: str = ""
    audio_playing: bool = False  # an IAX2/ASTplay channel in the conference
    three_way: bool = False  # a DC...W channel in the conference (a 3-way call)
    # 3-way press-1 calls: live ones of the last half hour, and the queued multi-dial row
    # (vicidial_3way_press_live / vicidial_3way_press_multi).
    press_live: int = 0
    press_multi: tuple[str, int] | None = None  # (phone_numbers, call_date epoch)
    # Requests that wait for the current call to end, as the agent screen keeps them.
    pending_pause: bool = False
    pending_logout: bool = False
    # The last value the API wrote into each external_* column, by column name.
    flags: dict[str, str] = field(default_factory=dict)


@dataclass
class Recording:
    """A ``recording_log`` row."""

    recording_id: int
    filename: str
    server_ip: str
    start_time: str


@dataclass
class Notification:
    """A ``vicidial_agent_notifications`` row."""

    notification_id: int
    recipient: str
    recipient_type: str
    notification_date: str
    notification_text: str


@dataclass
class AgentApiData:
    """Tables only the Agent API uses; sessions are keyed by agent user."""

    sessions: dict[str, AgentSession] = field(default_factory=dict)
    campaigns: dict[str, AgentCampaign] = field(default_factory=dict)
    # vicidial_users flag columns the API reads (agentcall_manual, modify_campaigns,
    # change_agent_campaign), by (user, column); see :meth:`flag` for the defaults.
    user_flags: dict[tuple[str, str], bool] = field(default_factory=dict)
    manual_dial_queue: list[tuple[str, str]] = field(default_factory=list)  # (user, phone)
    auto_calls: dict[str, AutoCall] = field(default_factory=dict)  # by callerid
    recordings: dict[int, Recording] = field(default_factory=dict)
    notifications: list[Notification] = field(default_factory=list)
    # system_settings
    api_active: bool = True  # vdc_agent_api_active
    agent_notifications: int = 1
    outbound_cid_any: str = "DISABLED"
    next_recording_id: int = 1
    next_notification_id: int = 1

    def session(self, user: str) -> AgentSession:
        """The session extras of a logged-in agent (created with defaults on first use)."""
        row = self.sessions.get(user)
        if row is None:
            row = self.sessions[user] = AgentSession(user)
        return row

    def flag(self, user: SimUser, column: str) -> bool:
        """A user's flag column; unset, managers (level 8+) have the permissions and nobody
        places manual calls (``agentcall_manual`` defaults to 0)."""
        value = self.user_flags.get((user.user, column))
        if value is not None:
            return value
        return column != "agentcall_manual" and user.user_level >= 8

    def campaign(self, campaign_id: str) -> AgentCampaign | None:
        return self.campaigns.get(campaign_id)

    def start_recording(self, filename: str, server_ip: str, start_time: str) -> Recording:
        row = Recording(self.next_recording_id, filename, server_ip, start_time)
        self.next_recording_id += 1
        self.recordings[row.recording_id] = row
        return row

    def in_queue(self, user: str, phone: str) -> bool:
        return (user, phone) in self.manual_dial_queue


def webphone_url(
    base: str, phone_login: str, phone_pass: str, server_ip: str, callerid: str, system_key: str
) -> str:
    """The webphone URL the agent screen stores: every parameter base64, the password too."""

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    query = {
        "phone_login": phone_login,
        "phone_login_name": phone_login,
        "phone_pass": phone_pass,
        "server_ip": server_ip,
        "callerid": callerid,
        "protocol": "SIP",
        "codecs": "ulaw",
        "options": "XXXX",
        "system_key": system_key,
    }
    return base + "?" + "&".join(f"{k}={b64(v)}" for k, v in query.items())
