"""Simulator tables and seed data for the reports functions (see gateway/catalog/reports.py).

One :class:`ReportData` hangs off every :class:`~gateway.sim.state.SimState` as
``state.reports``; :func:`seed` fills it when a seeded state is built. Shared tables
(users, campaigns, lists, leads, live agents, dnc) live on the state itself.

The tables are the call logs VICIdial's reports read: ``recording_log``, ``vicidial_log``
(outbound), ``vicidial_closer_log`` (inbound), ``vicidial_did_log``, ``vicidial_agent_log``,
``vicidial_log_extended`` (call ids), ``vicidial_auto_calls`` (live calls) and
``vicidial_live_inbound_agents``, plus the few lookup tables the reports join (statuses, DIDs,
in-groups, postal and time-zone codes). They are plain lists so tests and benchmarks can append
rows freely; the ``add_synthetic_*`` helpers fill them with many rows for large exports.

The seed is the reference server's 2024-06-03 as the samples show it: agent 1001 (Alice) took
TESTCAMP's 10:00 call of lead 5001 and its 13:00 inbound call on SALESLINE through DID
3125551000, agent 1002 (Bob) worked SALESOUT in the afternoon, and 1001 is on a live manual call
(the 2026-11-27 22:36:18 row, the sample server's clock at capture time).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .clock import datetime_text

if TYPE_CHECKING:
    from .state import SimState


def epoch_of(text: str) -> int:
    """UNIX_TIMESTAMP() of a ``YYYY-MM-DD HH:MM:SS`` DATETIME on the simulated server (UTC).

    Sliced rather than strptime'd: the exports convert every row, and the format is fixed.
    """
    fields = (text[0:4], text[5:7], text[8:10], text[11:13], text[14:16], text[17:19])
    return calendar.timegm((*map(int, fields), 0, 0, 0))


@dataclass
class Recording:
    """A ``recording_log`` row. ``vicidial_id`` is the call's uniqueid (outbound) or closecallid."""

    recording_id: int
    start_time: str
    length_in_sec: int
    user: str
    lead_id: int
    extension: str
    location: str
    vicidial_id: str
    end_epoch: int = 0  # 0: still recording (duration then comes from length_in_sec only)

    @property
    def start_epoch(self) -> int:
        return epoch_of(self.start_time)


@dataclass
class OutboundCall:
    """A ``vicidial_log`` row."""

    uniqueid: str
    lead_id: int
    list_id: str
    campaign_id: str
    call_date: str
    length_in_sec: int
    status: str
    phone_number: str
    user: str
    term_reason: str


@dataclass
class InboundCall:
    """A ``vicidial_closer_log`` row (``campaign_id`` is the in-group)."""

    closecallid: int
    uniqueid: str
    lead_id: int
    list_id: str
    campaign_id: str
    call_date: str
    length_in_sec: int
    status: str
    phone_number: str
    user: str
    term_reason: str


@dataclass
class DidCall:
    """A ``vicidial_did_log`` row: a call to a DID (``extension`` is the number dialed)."""

    uniqueid: str
    did_id: str
    extension: str
    caller_id_number: str
    call_date: str


@dataclass
class AgentLogEntry:
    """A ``vicidial_agent_log`` row: one pause/wait/talk/dispo cycle of an agent."""

    agent_log_id: int
    user: str
    event_time: str
    campaign_id: str
    lead_id: int
    sub_status: str
    pause_sec: int
    wait_sec: int
    talk_sec: int
    dispo_sec: int
    dead_sec: int
    uniqueid: str = ""

    @property
    def pause_epoch(self) -> int:
        return epoch_of(self.event_time)


@dataclass(frozen=True)
class CallId:
    """A ``vicidial_log_extended`` row: the call behind a caller code (call ID)."""

    caller_code: str
    uniqueid: str
    call_date: str
    lead_id: int


@dataclass(frozen=True)
class AutoCall:
    """A ``vicidial_auto_calls`` row: a call being placed, waiting or connected right now."""

    callerid: str
    status: str  # SENT, RINGING, LIVE (waiting for an agent), XFER, CLOSER ...
    campaign_id: str
    call_type: str
    uniqueid: str = ""
    channel: str = ""


# Statuses whose human_answered is Y (vicidial_statuses excerpt); A, NA, B, LVM ... are not.
HUMAN_ANSWERED = frozenset(
    {"SALE", "DNC", "NI", "NP", "XFER", "CALLBK", "DROP", "XDROP", "DEC", "IVRXFR", "RQXFER"}
)
# vicidial_statuses.category of the seeded statuses (call_dispo_report categories=).
STATUS_CATEGORIES = {
    "SALE": "SALE",
    "XFER": "SALE",
    "CALLBK": "CONTACT",
    "NI": "CONTACT",
    "DNC": "CONTACT",
    "NP": "CONTACT",
    "DROP": "UNDEFINED",
    "A": "NOCONTACT",
    "NA": "NOCONTACT",
    "B": "NOCONTACT",
    "LVM": "NOCONTACT",
}


@dataclass
class ReportData:
    """Tables only the reports functions use."""

    recordings: list[Recording] = field(default_factory=list)
    outbound_calls: list[OutboundCall] = field(default_factory=list)
    inbound_calls: list[InboundCall] = field(default_factory=list)
    did_calls: list[DidCall] = field(default_factory=list)
    agent_log: list[AgentLogEntry] = field(default_factory=list)
    call_ids: dict[str, CallId] = field(default_factory=dict)
    auto_calls: list[AutoCall] = field(default_factory=list)
    # vicidial_live_inbound_agents: (user, in-group) pairs of logged-in agents.
    inbound_agents: list[tuple[str, str]] = field(default_factory=list)
    # vicidial_inbound_groups: in-group -> its user_group (scoping of the real-time counts).
    inbound_groups: dict[str, str] = field(default_factory=dict)
    # vicidial_campaigns.closer_campaigns: the in-groups a campaign takes calls from.
    closer_campaigns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dids: dict[str, str] = field(default_factory=dict)  # vicidial_inbound_dids did_id -> pattern
    human_answered: frozenset[str] = HUMAN_ANSWERED
    status_categories: dict[str, str] = field(default_factory=lambda: dict(STATUS_CATEGORIES))
    # vicidial_postal_codes / vicidial_phone_codes.tz_code excerpts: code -> (gmt, DST range).
    postal_codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    tz_codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    nanpa_prefix_rows: int = 0  # vicidial_nanpa_prefix_codes is empty on the reference server
    # The exports' "limit 100000"; benchmarks raise it to push bigger replies through a gateway.
    export_limit: int = 100_000

    # --- rows with auto-increment ids ---------------------------------------------------------

    def add_recording(self, row: Recording) -> Recording:
        row.recording_id = 1 + max((r.recording_id for r in self.recordings), default=0)
        self.recordings.append(row)
        return row

    def add_agent_log(self, row: AgentLogEntry) -> AgentLogEntry:
        row.agent_log_id = 1 + max((a.agent_log_id for a in self.agent_log), default=0)
        self.agent_log.append(row)
        return row

    # --- many rows, for large exports ----------------------------------------------------------

    def add_synthetic_recordings(
        self, count: int, *, day: str = "2024-06-04", user: str = "1001", lead_id: int = 5001
    ) -> None:
        """``count`` recordings of one agent and lead spread over ``day`` (start_time order)."""
        first = 1 + max((r.recording_id for r in self.recordings), default=0)
        for i, start in enumerate(_spread(day, count)):
            stamp = start.replace("-", "").replace(":", "").replace(" ", "-")
            location = f"http://127.0.0.1/RECORDINGS/MP3/{stamp}_SYN{i:07d}_{user}-all.mp3"
            self.recordings.append(
                Recording(
                    first + i,
                    start,
                    30 + i % 600,
                    user,
                    lead_id,
                    "8600051",
                    location,
                    f"{epoch_of(start)}.{i}",
                )
            )

    def add_synthetic_did_calls(
        self, count: int, *, day: str = "2024-06-04", did: str = "3125551000"
    ) -> None:
        """``count`` calls to one DID spread over ``day`` (without closer-log rows: 0 seconds)."""
        for i, call_date in enumerate(_spread(day, count)):
            caller = f"{3120000000 + i % 10_000_000}"
            uniqueid = f"{epoch_of(call_date)}.{i}"
            self.did_calls.append(DidCall(uniqueid, "1", did, caller, call_date))

    def add_synthetic_calls(
        self,
        count: int,
        *,
        day: str = "2024-06-04",
        phone_number: str = "3125550002",
        lead_id: int = 5002,
        campaign_id: str = "TESTCAMP",
        statuses: tuple[str, ...] = ("SALE", "NA", "B", "NI", "A"),
    ) -> None:
        """``count`` outbound calls of one number spread over ``day``."""
        for i, call_date in enumerate(_spread(day, count)):
            self.outbound_calls.append(
                OutboundCall(
                    f"{epoch_of(call_date)}.{i}",
                    lead_id,
                    "101",
                    campaign_id,
                    call_date,
                    i % 400,
                    statuses[i % len(statuses)],
                    phone_number,
                    "1001",
                    "CALLER",
                )
            )

    def add_synthetic_agent_log(
        self,
        count: int,
        *,
        day: str = "2024-06-04",
        users: tuple[str, ...] = ("1001", "1002", "1003", "1004"),
        campaign_id: str = "TESTCAMP",
    ) -> None:
        """``count`` agent-log cycles shared round-robin among ``users`` over ``day``."""
        first = 1 + max((a.agent_log_id for a in self.agent_log), default=0)
        for i, event_time in enumerate(_spread(day, count)):
            self.agent_log.append(
                AgentLogEntry(
                    first + i,
                    users[i % len(users)],
                    event_time,
                    campaign_id,
                    5001 + i % 20 if i % 3 else 0,
                    "LOGIN" if i < len(users) else "",
                    i % 50,
                    i % 90,
                    i % 300,
                    i % 40,
                    i % 7,
                )
            )


def _spread(day: str, count: int) -> list[str]:
    """``count`` DATETIMEs spread evenly over one day, in order."""
    start = epoch_of(f"{day} 00:00:00")
    return [datetime_text(start + (i * 86399) // max(count, 1)) for i in range(count)]


# --- the reference server's 2024-06-03 ----------------------------------------------------------

_DAY = "2024-06-03"
LIVE_CALL_DATE = "2026-11-27 22:36:18"  # 1001's current call (the capture time of the samples)
LIVE_CALLERID = "M6031200000000005001"


def _uid(call_date: str, seq: int) -> str:
    return f"{epoch_of(call_date)}.{seq}"


def _outbound() -> list[OutboundCall]:
    rows = [
        # (time, lead, phone, list, campaign, status, user, seconds, term reason)
        ("10:00:00", 5001, "3125550001", "101", "TESTCAMP", "SALE", "1001", 300, "CALLER"),
        ("10:30:00", 5002, "3125550002", "101", "TESTCAMP", "NA", "VDAD", 0, "NONE"),
        ("11:00:00", 5003, "7275550003", "101", "TESTCAMP", "A", "VDAD", 0, "NONE"),
        ("11:20:00", 5004, "3125550004", "101", "TESTCAMP", "CALLBK", "1003", 95, "AGENT"),
        ("12:00:00", 5004, "3125550004", "101", "TESTCAMP", "CALLBK", "1003", 60, "AGENT"),
        ("12:30:00", 5005, "4075550005", "101", "TESTCAMP", "DNC", "1003", 40, "CALLER"),
        ("16:00:00", 5006, "4155550006", "101", "TESTCAMP", "NI", "1003", 75, "CALLER"),
        ("14:00:00", 5010, "3125550010", "1001", "SALESOUT", "SALE", "1002", 300, "CALLER"),
        ("14:20:00", 5012, "3125550012", "1001", "SALESOUT", "B", "1002", 0, "NONE"),
        ("15:00:00", 5011, "3125550011", "1001", "SALESOUT", "LVM", "1002", 45, "AGENT"),
    ]
    calls = [
        OutboundCall(
            _uid(f"{_DAY} {t}", 100 + n),
            lead,
            list_id,
            camp,
            f"{_DAY} {t}",
            secs,
            status,
            phone,
            user,
            term,
        )
        for n, (t, lead, phone, list_id, camp, status, user, secs, term) in enumerate(rows)
    ]
    calls.append(
        OutboundCall(
            _uid(LIVE_CALL_DATE, 1),
            5001,
            "101",
            "TESTCAMP",
            LIVE_CALL_DATE,
            0,
            "INCALL",
            "3125550001",
            "1001",
            "NONE",
        )
    )
    return calls


def _inbound() -> list[InboundCall]:
    rows = [
        # (time, lead, phone, list, in-group, status, user, seconds, term reason)
        ("13:00:00", 5001, "3125550001", "101", "SALESLINE", "SALE", "1001", 180, "CALLER"),
        ("13:20:00", 0, "3125550007", "999", "SALESLINE", "DROP", "VDCL", 30, "DROP"),
        ("13:40:00", 5002, "3125550002", "101", "SUPPORT", "SALE", "1002", 200, "AGENT"),
    ]
    return [
        InboundCall(
            n + 1,
            _uid(f"{_DAY} {t}", 200 + n),
            lead,
            list_id,
            group,
            f"{_DAY} {t}",
            secs,
            status,
            phone,
            user,
            term,
        )
        for n, (t, lead, phone, list_id, group, status, user, secs, term) in enumerate(rows)
    ]


def _recordings(outbound: list[OutboundCall], inbound: list[InboundCall]) -> list[Recording]:
    def location(start: str, phone: str, user: str) -> str:
        stamp = start.replace("-", "").replace(":", "").replace(" ", "-")
        return f"http://127.0.0.1/RECORDINGS/MP3/{stamp}_{phone}_{user}-all.mp3"

    rows = [
        # (start, seconds, user, lead, phone, conference, vicidial_id, end epoch offset)
        ("10:00:05", 295, "1001", 5001, "3125550001", "8600051", outbound[0].uniqueid, 295),
        ("13:00:12", 168, "1001", 5001, "3125550001", "8600051", str(inbound[0].closecallid), 168),
        ("14:00:08", 290, "1002", 5010, "3125550010", "8600052", outbound[7].uniqueid, 290),
        # Length not stored: the duration comes from the start and end epochs.
        ("14:20:03", 0, "1002", 5012, "3125550012", "8600052", outbound[8].uniqueid, 25),
    ]
    return [
        Recording(
            n + 1,
            f"{_DAY} {t}",
            secs,
            user,
            lead,
            conf,
            location(f"{_DAY} {t}", phone, user),
            vid,
            epoch_of(f"{_DAY} {t}") + end,
        )
        for n, (t, secs, user, lead, phone, conf, vid, end) in enumerate(rows)
    ]


def _agent_log(outbound: list[OutboundCall], inbound: list[InboundCall]) -> list[AgentLogEntry]:
    rows = [
        # (id, user, time, campaign, lead, sub_status, pause, wait, talk, dispo, dead, uniqueid)
        (1, "1001", "09:50:00", "TESTCAMP", 0, "LOGIN", 30, 600, 0, 0, 0, ""),
        (2, "1001", "10:00:00", "TESTCAMP", 5001, "", 30, 1490, 120, 35, 0, outbound[0].uniqueid),
        (
            3,
            "1002",
            "13:55:00",
            "SALESOUT",
            5010,
            "LOGIN",
            100,
            200,
            150,
            10,
            0,
            outbound[7].uniqueid,
        ),
        (4, "1002", "14:15:00", "SALESOUT", 5012, "", 90, 210, 150, 21, 0, outbound[8].uniqueid),
        (5, "1001", "13:00:00", "TESTCAMP", 5001, "", 30, 1500, 300, 30, 0, inbound[0].uniqueid),
        (6, "1002", "14:55:00", "SALESOUT", 5011, "", 90, 210, 150, 21, 0, outbound[9].uniqueid),
    ]
    return [
        AgentLogEntry(i, user, f"{_DAY} {t}", camp, lead, sub, p, w, tk, d, dd, uid)
        for i, user, t, camp, lead, sub, p, w, tk, d, dd, uid in rows
    ]


def _call_ids(outbound: list[OutboundCall], inbound: list[InboundCall]) -> list[CallId]:
    return [
        CallId("V6031000000000005001", outbound[0].uniqueid, outbound[0].call_date, 5001),
        CallId("Y6031300000000005001", inbound[0].uniqueid, inbound[0].call_date, 5001),
        CallId(LIVE_CALLERID, outbound[-1].uniqueid, LIVE_CALL_DATE, 5001),
        CallId("V6031400000000005010", outbound[7].uniqueid, outbound[7].call_date, 5010),
        # A call id whose call log row is gone (CALL LOG NOT FOUND).
        CallId("V6031100000000005099", _uid(f"{_DAY} 11:00:00", 999), f"{_DAY} 11:00:00", 5099),
    ]


def _dids(inbound: list[InboundCall]) -> list[DidCall]:
    return [
        DidCall(inbound[0].uniqueid, "1", "3125551000", "3125550001", f"{_DAY} 13:00:00"),
        DidCall(inbound[1].uniqueid, "1", "3125551000", "3125550007", f"{_DAY} 13:20:00"),
        DidCall(inbound[2].uniqueid, "2", "3125551001", "3125550002", f"{_DAY} 13:39:55"),
    ]


def seed(state: SimState) -> None:
    """Fill ``state.reports`` (and add shared rows these functions need)."""
    data = state.reports
    outbound, inbound = _outbound(), _inbound()
    data.outbound_calls.extend(outbound)
    data.inbound_calls.extend(inbound)
    data.recordings.extend(_recordings(outbound, inbound))
    data.agent_log.extend(_agent_log(outbound, inbound))
    data.call_ids.update({c.caller_code: c for c in _call_ids(outbound, inbound)})
    data.did_calls.extend(_dids(inbound))
    data.dids.update({"1": "3125551000", "2": "3125551001"})
    data.auto_calls.extend(
        [
            AutoCall(
                LIVE_CALLERID,
                "XFER",
                "TESTCAMP",
                "OUT",
                outbound[-1].uniqueid,
                "SIP/gs102-00000001",
            ),
            AutoCall(
                "V6031335000000005011",
                "LIVE",
                "SALESOUT",
                "OUT",
                "1795818970.2",
                "SIP/trunk-00000002",
            ),
        ]
    )
    data.inbound_agents.extend(
        (user, group) for user in ("1001", "1002") for group in ("SALESLINE", "SUPPORT")
    )
    data.inbound_groups.update({"SALESLINE": "---ALL---", "SUPPORT": "---ALL---"})
    data.closer_campaigns["TESTCAMP"] = ("SALESLINE", "SUPPORT")
    data.postal_codes.update(
        {
            "60601": ("-6.00", "SSM-FSN"),
            "10001": ("-5.00", "SSM-FSN"),
            "94105": ("-8.00", "SSM-FSN"),
            "85001": ("-7.00", ""),
        }
    )
    data.tz_codes.update(
        {
            "EST": ("-5.00", "SSM-FSN"),
            "CST": ("-6.00", "SSM-FSN"),
            "MST": ("-7.00", "SSM-FSN"),
            "PST": ("-8.00", "SSM-FSN"),
        }
    )
