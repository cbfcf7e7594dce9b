"""The exports: recording_lookup, did_log_export, phone_number_log, agent_stats_export.

Each reads one log table in a single pass (plus a sort), so a large export costs time linear in
the table; the tables can be filled with :meth:`ReportData.add_synthetic_recordings` and friends.
The header quirks are VICIdial's: did_log_export names columns 2 and 3 the wrong way round, and
recording_lookup's header never names ``duration``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..clock import php_number
from ..data_reports import AgentLogEntry, InboundCall, OutboundCall, Recording, epoch_of
from ..model import Lead
from .base import Ctx, Out, render, rows_columns
from .reports_common import (
    param,
    php_leading_number,
    php_round,
    sec_convert,
    write_rows,
    zero_div,
)


def _day(date: str) -> tuple[str, str]:
    return f"{date} 00:00:00", f"{date} 23:59:59"


# --- recording_lookup -------------------------------------------------------------------------


def _uniqueid_test(ctx: Ctx, uniqueid: str) -> Callable[[Recording], bool] | None:
    """Recordings of the calls whose uniqueid starts like this one (up to its first dot)."""
    data = ctx.state.reports
    prefix = uniqueid.split(".", 1)[0]
    outbound = any(c.uniqueid.startswith(prefix) for c in data.outbound_calls)
    inbound = {str(c.closecallid) for c in data.inbound_calls if c.uniqueid.startswith(prefix)}
    if not outbound and not inbound:
        return None
    return lambda r: (outbound and r.vicidial_id.startswith(prefix)) or r.vicidial_id in inbound


def _duration(r: Recording) -> int:
    if r.length_in_sec > 0:
        return r.length_in_sec
    calculated = r.end_epoch - r.start_epoch
    return calculated if 0 < calculated < 86400 else 0


def recording_lookup(ctx: Ctx, out: Out) -> None:
    """Recordings matching every criterion given; a score of 2 is needed (lead/uniqueid: 2)."""
    fn = "recording_lookup"
    agent_user, lead_id, date = ctx.p("agent_user"), ctx.p("lead_id"), ctx.p("date")
    uniqueid, extension = ctx.p("uniqueid"), param(ctx, "extension")
    values = {
        "user": ctx.user_name,
        "agent_user": agent_user,
        "lead_id": lead_id,
        "date": date,
        "uniqueid": uniqueid,
    }
    tests: list[Callable[[Recording], bool]] = []
    score = 0
    by_uniqueid = _uniqueid_test(ctx, uniqueid) if len(uniqueid) > 8 else None
    if by_uniqueid is not None:
        tests.append(by_uniqueid)
        score += 2
    if 2 < len(agent_user) < 21:
        tests.append(lambda r: r.user == agent_user)
        score += 1
    if 0 < len(lead_id) < 11:
        lead = int(lead_id)
        tests.append(lambda r: r.lead_id == lead)
        score += 2
    if 2 < len(extension) < 101:
        tests.append(lambda r: r.extension == extension)
        score += 1
    if len(date) == 10:
        low, high = _day(date)
        tests.append(lambda r: low <= r.start_time <= high)
        score += 1
    if score < 2:
        out.line(render(fn, "INVALID SEARCH PARAMETERS", values))
        return
    found = [r for r in ctx.state.reports.recordings if all(test(r) for test in tests)]
    found.sort(key=lambda r: r.start_time)
    if not found:
        out.line(render(fn, "NO RECORDINGS FOUND", values))
        return
    with_duration = "Y" in ctx.p("duration")
    header = [c for c in rows_columns(fn) if c != "duration"]  # never named in the header
    rows = [
        (
            r.start_time,
            r.user,
            r.recording_id,
            r.lead_id,
            *((_duration(r),) if with_duration else ()),
            r.location,
        )
        for r in found[: ctx.state.reports.export_limit]
    ]
    write_rows(ctx, out, header, rows)


# --- did_log_export ---------------------------------------------------------------------------


def _latest_inbound(ctx: Ctx, uniqueids: set[str]) -> dict[str, InboundCall]:
    """The newest closer-log row (highest closecallid) of each of these calls."""
    latest: dict[str, InboundCall] = {}
    for call in ctx.state.reports.inbound_calls:
        if call.uniqueid in uniqueids:
            seen = latest.get(call.uniqueid)
            if seen is None or call.closecallid > seen.closecallid:
                latest[call.uniqueid] = call
    return latest


def did_log_export(ctx: Ctx, out: Out) -> None:
    """One DID's calls of one day: number, caller id, time, seconds until the call ended."""
    fn = "did_log_export"
    phone, date = ctx.p("phone_number"), ctx.p("date")
    if not (0 < len(phone) < 21 and len(date) == 10):
        values = {"user": ctx.user_name, "phone_number": phone, "date": date}
        out.line(render(fn, "INVALID SEARCH PARAMETERS", values))
        return
    low, high = _day(date)
    calls = [
        c
        for c in ctx.state.reports.did_calls
        if c.extension == phone and low <= c.call_date <= high
    ]
    calls.sort(key=lambda c: c.call_date)
    if not calls:
        values = {
            "user": ctx.user_name,
            "agent_user": ctx.p("agent_user"),
            "lead_id": ctx.p("lead_id"),
            "date": date,
        }
        out.line(render(fn, "NO RECORDS FOUND", values))
        return
    calls = calls[: ctx.state.reports.export_limit]
    closer = _latest_inbound(ctx, {c.uniqueid for c in calls})
    rows = []
    for call in calls:
        inbound = closer.get(call.uniqueid)
        # Seconds from the DID call to the end of its (latest) in-group call; 0 without one.
        seconds = 0
        if inbound is not None:
            seconds = epoch_of(inbound.call_date) + inbound.length_in_sec - epoch_of(call.call_date)
        # The data order is number, caller id, date; the header says number, date, caller id.
        rows.append((phone, call.caller_id_number, call.call_date, seconds))
    write_rows(ctx, out, ("did_number", "call_date", "caller_id_number", "length_in_sec"), rows)


# --- phone_number_log -------------------------------------------------------------------------


def _numbers(raw: str) -> list[str]:
    if len(raw) < 4:
        return []
    if "," not in raw:
        return [raw]
    return [n for n in raw.split(",") if len(n) > 3]


_Call = TypeVar("_Call", OutboundCall, InboundCall)


def _by_number(calls: Iterable[_Call], wanted: set[str]) -> dict[str, list[_Call]]:
    table: dict[str, list[_Call]] = {}
    for call in calls:
        if call.phone_number in wanted:
            table.setdefault(call.phone_number, []).append(call)
    return table


def _log_rows(
    number: str,
    calls: Sequence[OutboundCall | InboundCall],
    limit: int,
    leads: Mapping[int, Lead],
    *,
    outbound: bool,
) -> list[tuple[object, ...]]:
    """One number's rows of one call log, newest first, with the lead's status and source."""
    rows: list[tuple[object, ...]] = []
    for call in sorted(calls, key=lambda c: c.call_date, reverse=True)[:limit]:
        lead = leads.get(call.lead_id)
        # Without a lead, an outbound row shows the call's status (an inbound row nothing).
        lead_status = lead.status if lead else (call.status if outbound else "")
        source_id = lead.source_id if lead else ""
        rows.append(
            (
                number,
                call.call_date,
                call.list_id,
                call.length_in_sec,
                lead_status,
                call.term_reason,
                call.status,
                source_id,
                call.user,
            )
        )
    return rows


def phone_number_log(ctx: Ctx, out: Out) -> None:
    """Per number: outbound calls newest first, then inbound calls newest first."""
    fn = "phone_number_log"
    raw = ctx.p("phone_number")
    numbers = _numbers(raw)
    if not numbers:
        values = {"user": ctx.user_name, "phone_number": raw, "date": ctx.p("date")}
        out.line(render(fn, "NO VALID PHONE NUMBERS DEFINED", values))
        return
    kind = ctx.p("type") if ctx.p("type") in ("IN", "OUT", "ALL") else "OUT"
    limit = 1 if ctx.p("detail") == "LAST" else ctx.state.reports.export_limit
    data, wanted = ctx.state.reports, set(numbers)
    outbound = _by_number(data.outbound_calls, wanted) if kind in ("OUT", "ALL") else {}
    inbound = _by_number(data.inbound_calls, wanted) if kind in ("IN", "ALL") else {}
    leads = ctx.state.lead_table(ctx.p("archived_lead") == "Y")
    rows: list[tuple[object, ...]] = []
    for number in numbers:
        rows += _log_rows(number, outbound.get(number, []), limit, leads, outbound=True)
        rows += _log_rows(number, inbound.get(number, []), limit, leads, outbound=False)
    if not rows:
        values = {
            "user": ctx.user_name,
            "phone_number": raw,
            "lead_id": ctx.p("lead_id"),
            "date": ctx.p("date"),
        }
        out.line(render(fn, "NO RECORDS FOUND FOR THIS PHONE NUMBER", values))
        return
    write_rows(ctx, out, rows_columns(fn), rows)


# --- agent_stats_export -----------------------------------------------------------------------


@dataclass
class _Agent:
    """One output row's sums (per agent, or per campaign and agent)."""

    user: str
    campaign_id: str
    start_epoch: int  # set only with group_by_campaign (VICIdial's quirk)
    calls: int = 0
    pauses: int = 0
    sessions: int = 0
    pause: int = 0
    wait: int = 0
    talk: int = 0
    dispo: int = 0
    dead: int = 0
    end_epoch: int = 0
    end_sec: int = 0


def _agent_rows(ctx: Ctx) -> tuple[dict[str, str], list[AgentLogEntry] | None]:
    """The error-line values and the matching agent-log rows (None: invalid search)."""
    agent_user, campaign_id = ctx.p("agent_user"), ctx.p("campaign_id")
    start, end = ctx.p("datetime_start"), ctx.p("datetime_end")
    tests: list[Callable[[AgentLogEntry], bool]] = []
    if 0 < len(agent_user) < 21:
        tests.append(lambda a: a.user == agent_user)
    if 0 < len(campaign_id) < 9:
        tests.append(lambda a: a.campaign_id == campaign_id)
    valid_range = len(start) == 19 and len(end) == 19
    if valid_range:
        start, end = start.replace("+", " "), end.replace("+", " ")
        tests.append(lambda a: start <= a.event_time <= end)
    values = {
        "user": ctx.user_name,
        "agent_user": agent_user,
        "datetime_start": start,
        "datetime_end": end,
        "campaign_id": campaign_id,
    }
    if not valid_range:
        return values, None
    rows = [a for a in ctx.state.reports.agent_log if all(test(a) for test in tests)]
    by_campaign = ctx.p("group_by_campaign") == "YES"
    rows.sort(key=lambda a: (a.campaign_id if by_campaign else "", a.user, a.agent_log_id))
    return values, rows


def _sum_agents(rows: list[AgentLogEntry], by_campaign: bool) -> tuple[list[_Agent], int]:
    agents: list[_Agent] = []
    last = "998877665544332211328497"
    total_calls = 0
    for row in rows:
        epoch = row.pause_epoch
        key = f"{row.campaign_id} {row.user}" if by_campaign else row.user
        if key.lower() != last.lower():
            start = epoch if by_campaign else 0
            agents.append(_Agent(row.user, row.campaign_id if by_campaign else "", start))
            if not by_campaign:
                agents[-1].dispo = row.dispo_sec  # the first row's dispo counts twice (quirk)
            last = key
        agent = agents[-1]
        if row.lead_id > 0:
            agent.calls += 1
            total_calls += 1
        if row.pause_sec > -1:
            agent.pauses += 1
        if "LOGIN" in row.sub_status:
            agent.sessions += 1
        agent.pause += row.pause_sec
        agent.wait += row.wait_sec
        agent.talk += row.talk_sec
        agent.dispo += row.dispo_sec
        agent.dead += row.dead_sec
        agent.end_epoch = epoch
        agent.end_sec = row.pause_sec + row.wait_sec + row.talk_sec + row.dispo_sec
    return agents, total_calls


def _agent_line(
    ctx: Ctx, agent: _Agent, total_calls: int, previous_cust: str | None, fmt: str
) -> tuple[list[object], str]:
    """One row, and this agent's customer time text (the next agent's average uses it)."""
    user = ctx.state.users.get(agent.user)
    login = agent.pause + agent.wait + agent.talk + agent.dispo
    login = min(login, (agent.end_epoch - agent.start_epoch) + agent.end_sec)
    sessions = max(agent.sessions, 1)
    no_pause = agent.pauses < 1 or login < 1
    pct_pause = 100.0 if no_pause else zero_div(agent.pause, login) * 100
    # VICIdial averages the *previous* agent's formatted customer time here (quirk).
    avg_cust = zero_div(php_leading_number(previous_cust), agent.calls)
    called = agent.calls > 0
    cust = sec_convert(agent.talk - agent.dead if called else 0, fmt)
    line: list[object] = [
        agent.user,
        user.full_name if user else "",
        user.user_group if user else "",
        agent.calls,
        sec_convert(login, fmt),
        cust,
        sec_convert(php_round(avg_cust), fmt),
        sec_convert(php_round(zero_div(agent.wait, agent.calls)), fmt),
        f"{php_number(php_round(zero_div(agent.calls, total_calls) * 100, 1))}%",
        agent.pause,
        sessions,
        sec_convert(php_round(zero_div(login, sessions)), fmt),
        agent.pauses,
        sec_convert(php_round(zero_div(agent.pause, agent.pauses)), fmt),
        f"{php_number(php_round(pct_pause, 1))}%",
        php_number(php_round(zero_div(agent.pauses, sessions))),
        *(
            sec_convert(v if called else 0, fmt)
            for v in (agent.wait, agent.talk, agent.dispo, agent.dead)
        ),
    ]
    if agent.campaign_id:
        line.insert(0, agent.campaign_id)
    return line, cust


def agent_stats_export(ctx: Ctx, out: Out) -> None:
    """Per agent (or campaign and agent) sums of the agent log over a datetime range."""
    fn = "agent_stats_export"
    values, rows = _agent_rows(ctx)
    if rows is None:
        out.line(render(fn, "INVALID SEARCH PARAMETERS", values))
        return
    if not rows:
        out.line(render(fn, "NO RECORDS FOUND", values))
        return
    by_campaign = ctx.p("group_by_campaign") == "YES"
    agents, total_calls = _sum_agents(rows, by_campaign)
    fmt = ctx.p("time_format") or "HF"
    lines: list[list[object]] = []
    cust: str | None = None
    for agent in agents:
        line, cust = _agent_line(ctx, agent, total_calls, cust, fmt)
        lines.append(line)
    columns = rows_columns(fn)
    header = columns if by_campaign else columns[1:]
    write_rows(ctx, out, header, lines)
