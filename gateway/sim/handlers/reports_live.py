"""Real-time and lookup reports: user_group_status, in_group_status, user_details, callid_info,
logged_in_agents.

They read the live tables (``vicidial_live_agents`` shared on the state, ``vicidial_auto_calls``
and ``vicidial_live_inbound_agents`` in ``state.reports``) scoped by the API user's group like the
PHP: allowed campaigns for calls and agents' campaigns, admin-viewable user groups for agents.
A live call's sub-state (PARK, DEAD, DIAL, 3-WAY, RING) is :attr:`LiveAgent.call_sub_status`, the
same source agent_status uses, so the functions agree with each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..data_reports import AutoCall, InboundCall, OutboundCall
from ..model import LiveAgent, SimUser
from .base import Ctx, Out, render, rows_columns
from .reports_common import (
    allowed_campaigns,
    matches,
    param,
    viewable_groups,
    write_rows,
)

_MAX_GROUPS_LEN = 10_000  # the code accepts 1-9999 characters of group ids


def _scoped_calls(ctx: Ctx) -> list[AutoCall]:
    """Live calls of the allowed campaigns and of the in-groups of viewable user groups."""
    data = ctx.state.reports
    allowed = allowed_campaigns(ctx)
    if allowed is None:
        return list(data.auto_calls)
    viewable = viewable_groups(ctx)
    ingroups = {
        g for g, owner in data.inbound_groups.items() if viewable is None or owner in viewable
    }
    return [c for c in data.auto_calls if c.campaign_id in allowed or c.campaign_id in ingroups]


def _visible_agents(
    ctx: Ctx, users: Iterable[str] | None = None
) -> list[tuple[LiveAgent, SimUser]]:
    """Live agents joined with their user rows, within the viewable groups (and ``users``)."""
    viewable = viewable_groups(ctx)
    only = set(users) if users is not None else None
    out = []
    for live in ctx.state.live_agents.values():
        user = ctx.state.users.get(live.user)
        if user is None or (only is not None and live.user not in only):
            continue
        if viewable is None or user.user_group in viewable:
            out.append((live, user))
    return out


class _Counts:
    """Agents by real-time state, counted the way the PHP does (regex matches on the status)."""

    def __init__(self) -> None:
        self.total = self.in_calls = self.waiting = self.paused = 0
        self.dead = self.dispo = self.dial = 0

    def add(self, status: str) -> None:
        self.total += 1
        self.dead += status == "DEAD"
        self.dispo += status == "DISPO"
        self.paused += status == "PAUSED"
        self.in_calls += matches("INCALL|DIAL|QUEUE|PARK", status)
        self.dial += matches("DIAL", status)
        self.waiting += matches("READY|CLOSER", status)


def _dispo(live: LiveAgent) -> str:
    """READY or PAUSED with a lead still attached is an agent in the disposition screen."""
    if matches("READY|PAUSED", live.status) and live.lead_id > 0:
        return "DISPO"
    return live.status


def user_group_status(ctx: Ctx, out: Out) -> None:
    """Calls waiting and agents by state for a set of user groups (one row)."""
    groups = ctx.p("user_groups")
    if not 0 < len(groups) < _MAX_GROUPS_LEN:
        out.line(
            render(
                "user_group_status",
                "INVALID SEARCH PARAMETERS",
                {"user": ctx.user_name, "user_groups": groups},
            )
        )
        return
    calls = _scoped_calls(ctx)
    requested = set(groups.split("|"))
    counts = _Counts()
    for live, user in _visible_agents(ctx):
        if user.user_group not in requested:
            continue
        status = _dispo(live)
        if matches("INCALL", status) and live.call_sub_status in ("PARK", "DEAD", "DIAL"):
            status = live.call_sub_status
        counts.add(status)
    waiting = sum(1 for c in calls if matches("LIVE", c.status))
    row = (
        groups.replace("|", " "),
        waiting,
        counts.total,
        counts.in_calls,
        counts.waiting,
        counts.paused,
        counts.dead,
        counts.dispo,
        counts.dial,
    )
    write_rows(ctx, out, rows_columns("user_group_status"), [row])


def in_group_status(ctx: Ctx, out: Out) -> None:
    """Calls and agents by state for a set of in-groups (one row)."""
    groups = param(ctx, "in_groups")
    if not 0 < len(groups) < _MAX_GROUPS_LEN:
        out.line(
            render(
                "in_group_status",
                "INVALID SEARCH PARAMETERS",
                {"user": ctx.user_name, "in_groups": groups},
            )
        )
        return
    requested = set(groups.split("|"))
    calls = [c for c in _scoped_calls(ctx) if c.campaign_id in requested]
    members = {user for user, group in ctx.state.reports.inbound_agents if group in requested}
    counts = _Counts()
    for live, _user in _visible_agents(ctx, members):
        counts.add(_dispo(live))
    waiting = sum(1 for c in calls if matches("LIVE", c.status))
    row = (
        groups.replace("|", " "),
        len(calls),
        waiting,
        counts.total,
        counts.in_calls,
        counts.waiting,
        counts.paused,
        counts.dispo,
        counts.dial,
    )
    write_rows(ctx, out, rows_columns("in_group_status"), [row])


def user_details(ctx: Ctx, out: Out) -> None:
    """One user's name, group, level and active flag (the row echoes agent_user as sent)."""
    agent_user = ctx.p("agent_user")
    values = {"user": ctx.user_name, "agent_user": agent_user}
    if not 0 < len(agent_user) < 100:
        out.line(render("user_details", "INVALID SEARCH PARAMETERS", values))
        return
    user = ctx.state.users.get(agent_user)
    viewable = viewable_groups(ctx)
    if user is None or (viewable is not None and user.user_group not in viewable):
        out.line(render("user_details", "USER NOT FOUND", values))
        return
    active = "Y" if user.active else "N"
    row = (agent_user, user.full_name, user.user_group, user.user_level, active)
    write_rows(ctx, out, rows_columns("user_details"), [row])


# --- callid_info ------------------------------------------------------------------------------

_CALL_ID = re.compile(r"Y|J|V|M|DC|S|LP|VH|XL")
_INBOUND_CALL_ID = re.compile(r"Y|J|LP|VH")


def _call_type(call_id: str) -> str:
    if _INBOUND_CALL_ID.match(call_id):
        return "INBOUND"
    return {"V": "OUTBOUND_AUTO", "M": "OUTBOUND_MANUAL"}.get(call_id[0], "OUTBOUND_OTHER")


def callid_info(ctx: Ctx, out: Out) -> None:
    """Customer seconds (talk minus dead) of the call behind a caller code, with details."""
    fn = "callid_info"
    call_id = re.sub(r"[\n\r\t ]", "", ctx.p("call_id"))
    if not (17 < len(call_id) < 40 and _CALL_ID.match(call_id)):
        values = {"user": ctx.user_name, "call_id": call_id}
        out.line(render(fn, "INVALID SEARCH PARAMETERS", values))
        return
    data = ctx.state.reports
    missing = {"user": ctx.user_name, "agent_user": ctx.p("agent_user")}
    code = data.call_ids.get(call_id)
    if code is None:
        out.line(render(fn, "CALL NOT FOUND", missing))
        return
    call_type = _call_type(call_id)
    call: OutboundCall | InboundCall | None
    if call_type == "INBOUND":
        call = next(
            (
                c
                for c in data.inbound_calls
                if c.call_date == code.call_date
                and c.uniqueid == code.uniqueid
                and c.lead_id == code.lead_id
            ),
            None,
        )
    else:
        call = next(
            (
                c
                for c in data.outbound_calls
                if c.uniqueid == code.uniqueid and c.lead_id == code.lead_id
            ),
            None,
        )
    if call is None:
        out.line(render(fn, "CALL LOG NOT FOUND", missing))
        return
    cycle = next(
        (
            a
            for a in data.agent_log
            if a.uniqueid == code.uniqueid and a.lead_id == code.lead_id and a.user == call.user
        ),
        None,
    )
    custtime = cycle.talk_sec - cycle.dead_sec if cycle else 0
    columns = rows_columns(fn)
    row: tuple[object, ...] = (call_id, custtime)
    if ctx.p("detail") == "YES":
        row += (
            code.call_date,
            call.phone_number,
            call_type,
            call.campaign_id,
            call.list_id,
            call.status,
            call.user,
        )
    write_rows(ctx, out, columns[: len(row)], [row])


# --- logged_in_agents -------------------------------------------------------------------------


def _sub_status(ctx: Ctx, live: LiveAgent) -> tuple[str, int]:
    """(sub_status, lead_id shown): RING, DISPO, PREVIEW (shows the preview lead), 3-WAY ..."""
    status, lead_id = live.call_sub_status, live.lead_id
    if live.status == "PAUSED" and live.lead_id > 0:
        status = "DISPO"
    if live.status == "PAUSED" and live.preview_lead_id > 0:
        status, lead_id = "PREVIEW", live.preview_lead_id
    if live.status == "INCALL" and live.lead_id > 0 and not status:
        same_lead = [
            a
            for a in ctx.state.live_agents.values()
            if a.lead_id == live.lead_id and a.status == "INCALL"
        ]
        if len(same_lead) > 1:
            status = "3-WAY"
    return status, lead_id


def _id_list(value: str) -> set[str] | None:
    return set(value.split("|")) if 0 < len(value) < _MAX_GROUPS_LEN else None


def logged_in_agents(ctx: Ctx, out: Out) -> None:
    """Logged-in agents of the allowed campaigns and viewable groups (and the ones asked for)."""
    allowed = allowed_campaigns(ctx)
    campaigns, groups = _id_list(ctx.p("campaigns")), _id_list(ctx.p("user_groups"))
    show_sub_status = ctx.p("show_sub_status") == "YES"
    rows = []
    for live, user in _visible_agents(ctx):
        if (allowed is not None and live.campaign_id not in allowed) or (
            campaigns is not None and live.campaign_id not in campaigns
        ):
            continue
        if groups is not None and user.user_group not in groups:
            continue
        row: tuple[object, ...] = (
            live.user,
            live.campaign_id,
            live.conf_exten,
            live.status,
            live.lead_id,
            live.callerid,
            live.calls_today,
            user.full_name,
            user.user_group,
            user.user_level,
        )
        if show_sub_status:
            sub_status, lead_id = _sub_status(ctx, live)
            row = (*row[:4], lead_id, *row[5:], live.pause_code, sub_status)
        rows.append(row)
    if not rows:
        values = {"user": ctx.user_name, "agent_user": ctx.p("agent_user")}
        out.line(render("logged_in_agents", "NO LOGGED IN AGENTS", values))
        return
    columns = rows_columns("logged_in_agents")
    write_rows(ctx, out, columns if show_sub_status else columns[:-2], rows)
