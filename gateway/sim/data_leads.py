"""Simulator tables and seed data for the leads functions (see gateway/catalog/leads.py).

One :class:`LeadMediaData` hangs off every :class:`~gateway.sim.state.SimState` as
``state.leadmedia``; :func:`seed` fills it when a seeded state is built. Shared tables
(users, campaigns, lists, leads, callbacks, hopper) live on the state itself; the columns the
shared rows lack (a callback's customer time, a live agent's in-groups, a campaign's in-groups)
are kept here, keyed by the shared row's id.

The seed reproduces the reference server's replies in ``tests/data/samples`` (the call logs
behind ``ccc_lead_info``, ``lead_status_search`` and ``update_log_entry``, the archived
callback of lead 5004, the pickers' rows, the audio store) and adds rows for the error paths.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import Callback

if TYPE_CHECKING:
    from .state import SimState

ALL_GROUPS = "---ALL---"


@dataclass
class CallLogRow:
    """A ``vicidial_log`` row (outbound calls)."""

    uniqueid: str
    lead_id: int
    campaign_id: str
    call_date: str
    status: str
    user: str = ""


@dataclass
class CloserLogRow:
    """A ``vicidial_closer_log`` row (inbound calls); ``campaign_id`` is the in-group."""

    closecallid: int
    lead_id: int
    campaign_id: str
    call_date: str
    status: str
    uniqueid: str = ""


@dataclass
class CallerCodeRow:
    """A ``vicidial_log_extended`` (or, for DC call ids, ``vicidial_dial_log``) row."""

    caller_code: str
    uniqueid: str
    call_epoch: float  # call_date as epoch seconds (ccc_lead_info looks back 10 hours)
    lead_id: int


@dataclass
class InboundGroup:
    """A ``vicidial_inbound_groups`` row."""

    group_id: str
    group_name: str
    group_color: str
    active: str = "Y"
    user_group: str = ALL_GROUPS


@dataclass
class CallMenu:
    """A ``vicidial_call_menu`` row."""

    menu_id: str
    menu_name: str
    user_group: str = ALL_GROUPS


@dataclass
class SettingsContainer:
    """A ``vicidial_settings_containers`` row."""

    container_id: str
    container_notes: str
    container_type: str
    user_group: str = ALL_GROUPS


@dataclass
class MusicOnHold:
    """A ``vicidial_music_on_hold`` row with its ``vicidial_music_on_hold_files``."""

    moh_id: str
    moh_name: str
    random: str = "N"
    active: str = "Y"
    user_group: str = ALL_GROUPS
    files: list[str] = field(default_factory=list)


@dataclass
class VoicemailBox:
    """A ``vicidial_voicemail`` row, or the voicemail columns of a ``phones`` row."""

    voicemail_id: str
    fullname: str
    email: str = ""
    active: str = "Y"
    user_group: str = ALL_GROUPS
    extension: str = ""  # phones only


@dataclass
class SoundFile:
    """A file of the audio store directory (only .wav and .gsm files are listed)."""

    filename: str
    epoch: int  # mtime
    size: int


@dataclass
class SoundSettings:
    """The ``system_settings`` columns of the audio store, and whether its directory exists."""

    central_control_active: int = 1
    web_server: str = "127.0.0.1"
    web_directory: str = "oracle_sounds"
    admin_web_directory: str = "vicidial"
    webroot: str = "/srv/www/htdocs"
    directory_exists: bool = True


@dataclass
class AgentIngroups:
    """The ``vicidial_live_agents`` columns agent_ingroup_info reads, by agent user."""

    closer_campaigns: str = " -"
    outbound_autodial: str = "N"
    manager_ingroup_set: str = "N"
    external_igb_set_user: str = ""
    on_hook_agent: str = "N"
    on_hook_ring_time: int = 15


@dataclass
class CampaignInbound:
    """The ``vicidial_campaigns`` in-group columns, by campaign_id."""

    closer_campaigns: str = ""
    campaign_allow_inbound: str = "N"


@dataclass
class CustomerTime:
    """``customer_timezone``/``customer_time`` of a (current or archived) callback."""

    customer_timezone: str = ""
    customer_time: str = ""


@dataclass
class UserFlags:
    """``vicidial_users`` flags agent_ingroup_info reads; a user without a row has both."""

    change_agent_campaign: bool = True
    modify_users: bool = True


@dataclass
class LeadMediaData:
    """Tables only the leads functions use."""

    call_log: list[CallLogRow] = field(default_factory=list)
    closer_log: list[CloserLogRow] = field(default_factory=list)
    log_extended: list[CallerCodeRow] = field(default_factory=list)
    dial_log: list[CallerCodeRow] = field(default_factory=list)
    inbound_groups: dict[str, InboundGroup] = field(default_factory=dict)
    call_menus: dict[str, CallMenu] = field(default_factory=dict)
    containers: dict[str, SettingsContainer] = field(default_factory=dict)
    music_on_hold: dict[str, MusicOnHold] = field(default_factory=dict)
    voicemail: dict[str, VoicemailBox] = field(default_factory=dict)
    phone_voicemail: list[VoicemailBox] = field(default_factory=list)
    sounds: SoundSettings = field(default_factory=SoundSettings)
    sound_files: list[SoundFile] = field(default_factory=list)  # in directory order
    agent_ingroups: dict[str, AgentIngroups] = field(default_factory=dict)
    campaign_inbound: dict[str, CampaignInbound] = field(default_factory=dict)
    callback_times: dict[int, CustomerTime] = field(default_factory=dict)  # by callback_id
    user_flags: dict[str, UserFlags] = field(default_factory=dict)

    def flags(self, user: str) -> UserFlags:
        return self.user_flags.get(user) or UserFlags()


def _epoch(text: str) -> int:
    return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S"))


# --- seed --------------------------------------------------------------------------------------


def _call_logs(data: LeadMediaData) -> None:
    """lead_status_search SALE on 2024-06-03 finds 5010 then 5001; 5001's newest TESTCAMP row
    is the INCALL one update_log_entry changes; the in-groups log other days and statuses."""
    data.call_log += [
        CallLogRow("1717408800.5001", 5001, "TESTCAMP", "2024-06-03 10:00:00", "SALE", "1001"),
        CallLogRow("1000000009.4001", 5001, "TESTCAMP", "2024-06-03 16:00:00", "INCALL", "1001"),
        CallLogRow("1717423200.5010", 5010, "SALESOUT", "2024-06-03 14:00:00", "SALE", "1002"),
        CallLogRow("1717423800.5011", 5011, "SALESOUT", "2024-06-03 14:10:00", "NA", "1002"),
        CallLogRow("1717424400.5012", 5012, "SALESOUT", "2024-06-03 14:20:00", "B", "1002"),
        CallLogRow("1717320000.5013", 5013, "SALESOUT", "2024-06-02 09:20:00", "CALLBK", "1002"),
        CallLogRow("1717318800.5002", 5002, "TESTCAMP", "2024-06-02 09:00:00", "NA", "1001"),
    ]
    data.closer_log += [
        CloserLogRow(1, 5002, "SALESLINE", "2024-06-02 12:00:00", "SALE", "1717329600.5002"),
        CloserLogRow(2, 5003, "SUPPORT", "2024-06-03 09:00:00", "XFER", "1717405200.5003"),
        CloserLogRow(3, 5001, "SUPPORT", "2024-06-01 08:00:00", "SALE", "1717228800.5001"),
    ]


def _caller_codes(state: SimState) -> None:
    """ccc_lead_info looks back 10 hours from the server's clock at the time of the call."""
    now = state.now()
    state.leadmedia.log_extended += [
        CallerCodeRow("M6031200000000005001", "1000000010.5001", now - 3600, 5001),
        CallerCodeRow("V6031100000000005002", "1000000011.5002", now - 11 * 3600, 5002),
        CallerCodeRow("M6031300000000009999", "1000000012.9999", now - 600, 9999),
    ]
    state.leadmedia.dial_log += [
        CallerCodeRow("DC6031400000000005003", "1000000013.5003", now - 1200, 5003),
    ]


def _callbacks(state: SimState) -> None:
    """Lead 5004: an archived callback before the current one (which gets its customer time)."""
    data = state.leadmedia
    for callback in state.callbacks:
        if callback.lead_id == 5004:
            data.callback_times[callback.callback_id] = CustomerTime(
                "USA,EST,Y,Eastern Time Zone", callback.callback_time
            )
    archived = state.add_callback(
        Callback(0, 5004, "101", "TESTCAMP", "INACTIVE", "2024-06-02 15:00:00",
                 "2024-06-03 11:00:00", "1001", "USERONLY", "first attempt", "AGENTS", "CALLBK")
    )  # fmt: skip
    state.callbacks.remove(archived)
    state.archived_callbacks.append(archived)


def _pickers(data: LeadMediaData) -> None:
    groups = [
        InboundGroup("AGENTDIRECT", "Single Agent Direct Queue", "white"),
        InboundGroup("AGENTDIRECT_CHAT", "Agent Direct Queue for Chats", "#FFFFFF"),
        InboundGroup("SALESLINE", "Sales Line", "green"),
        InboundGroup("SUPPORT", "Customer Support", "blue"),
        InboundGroup("OLDQUEUE", "Retired queue", "gray", active="N"),
    ]
    data.inbound_groups.update({g.group_id: g for g in groups})
    menus = [
        CallMenu("2FA_say_auth_code", "2FA_say_auth_code"),
        CallMenu("default---agent", "agent phones restricted to only internal extensions"),
        CallMenu("defaultlog", "logging of all outbound calls from agent phones"),
        CallMenu("MAINMENU", "Main IVR menu"),
    ]
    data.call_menus.update({m.menu_id: m for m in menus})
    containers = [
        SettingsContainer("TIMEZONES_AUSTRALIA", "Australian Timezone List", "TIMEZONE_LIST"),
        SettingsContainer("TIMEZONES_CANADA", "Canadian Timezone List", "TIMEZONE_LIST"),
        SettingsContainer("TIMEZONES_USA", "USA Timezone List", "TIMEZONE_LIST"),
        SettingsContainer("AGENT_CALLBACK_EMAIL", "Callback reminder email", "EMAIL_TEMPLATE"),
    ]
    data.containers.update({c.container_id: c for c in containers})
    mohs = [
        MusicOnHold("default", "Default Music On Hold", files=["conf"]),
        MusicOnHold("salesmoh", "Sales hold music", files=["oracle_hold_a"]),
        MusicOnHold("oldmoh", "Retired music", active="N", files=["conf"]),
    ]
    data.music_on_hold.update({m.moh_id: m for m in mohs})
    boxes = [VoicemailBox("8500", "Sales voicemail"), VoicemailBox("8501", "Support voicemail")]
    data.voicemail.update({b.voicemail_id: b for b in boxes})
    data.phone_voicemail += [
        VoicemailBox("1001", "Alice desk phone", extension="1001"),
        VoicemailBox("102", "Test Admin Phone", extension="gs102"),
        VoicemailBox("8300", "Dial-in Agent Phone", extension="callin"),
    ]


def _sounds(data: LeadMediaData) -> None:
    data.sound_files += [
        SoundFile("oracle_hold_a.wav", _epoch("2024-05-20 08:00:00"), 96044),
        SoundFile("oracle_welcome.wav", _epoch("2024-06-01 09:00:00"), 48044),
    ]


def _agents(data: LeadMediaData) -> None:
    data.agent_ingroups["1001"] = AgentIngroups(" SALESLINE SUPPORT -", "Y")
    data.agent_ingroups["1002"] = AgentIngroups(" -", "N", "SET", "1001")
    data.campaign_inbound["TESTCAMP"] = CampaignInbound(" SALESLINE SUPPORT -", "Y")
    data.campaign_inbound["SALESOUT"] = CampaignInbound(" SALESLINE -", "N")


def seed(state: SimState) -> None:
    """Fill ``state.leadmedia`` (and add shared rows these functions need)."""
    data = state.leadmedia
    _call_logs(data)
    _caller_codes(state)
    _callbacks(state)
    _pickers(data)
    _sounds(data)
    _agents(data)
