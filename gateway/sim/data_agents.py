"""Seed data of the simulated Agent API (see :mod:`gateway.sim.agents`).

The agents are the reference server's (``shared/oracle``), in one state each:

* ``1001`` INCALL in TESTCAMP on lead 5001 (outbound call ``M6031200000000005001``), phone
  ``SIP/gs102``, in-groups SALESLINE SUPPORT; its webphone URL carries phone gs102's password;
* ``1002`` PAUSED in SALESOUT (pause code BREAK), no lead, in-group SALESLINE;
* ``1003`` logged out, allowed to place manual calls (``agentcall_manual``): tests log it in
  with :meth:`~gateway.sim.state.SimState.put_agent` in the state they need;
* ``1004`` logged out.

(The Non-Agent functions' samples were recorded with 1003 and 1004 logged out.)

Campaigns: TESTCAMP (api_manual_dial STANDARD, PREVIEW_AND_SKIP, no alt number dialing, manual
dial list 998, inbound allowed), SALESOUT and SURVEY (no inbound). The system has the Agent API
active, agent notifications off (``agent_notifications`` 0, as on the reference server) and
``outbound_cid_any`` DISABLED; the next recording_id is 4.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .agents import AgentCampaign, AutoCall, webphone_url
from .data_users import SEED_PHONE_LOGIN, SEED_SERVER_IP

if TYPE_CHECKING:
    from .state import SimState

WEBPHONE_BASE = "https://127.0.0.1/agc/webphone/webphone.php"
SYSTEM_KEY = "SIMKEY"


def seed(state: SimState) -> None:
    """Fill ``state.agentapi`` (the sessions of 1001 and 1002 come from the core seed)."""
    data = state.agentapi
    data.campaigns["TESTCAMP"] = AgentCampaign(default_xfer_group="SALESLINE")
    data.campaigns["SALESOUT"] = AgentCampaign(campaign_allow_inbound="N")
    data.campaigns["SURVEY"] = AgentCampaign(campaign_allow_inbound="N")
    data.user_flags[("1003", "agentcall_manual")] = True
    phone = state.useradmin.phone_by_login(SEED_PHONE_LOGIN)
    password = phone.password if phone is not None else ""
    s1001 = data.session("1001")
    s1001.closer_campaigns = " SALESLINE SUPPORT -"
    s1001.webphone_url = webphone_url(
        WEBPHONE_BASE, SEED_PHONE_LOGIN, password, SEED_SERVER_IP, "1001", SYSTEM_KEY
    )
    # vicidial.php's login originate: 19 vicidial_manager columns, pipe-separated.
    s1001.agent_login_call = (
        "||2026-12-05 05:00:00|NEW|N|127.0.0.1||Originate|S1205050000008600051|"
        "Channel: SIP/gs102|Context: default|Exten: 8600051|Priority: 1|"
        'Callerid: "S1205050000008600051" <0000000000>|||||'
    )
    data.session("1002").extension = "SIP/1001"
    data.session("1002").closer_campaigns = " SALESLINE -"
    data.auto_calls["M6031200000000005001"] = AutoCall(
        "M6031200000000005001", "TESTCAMP", 5001, "3125550001"
    )
    data.next_recording_id = 4
    data.agent_notifications = 0
