"""Read-only info functions: campaigns_list, agent_status, list_info.

Their replies are delimited rows chosen by ``stage`` with an optional ``header=YES`` row. The two
VICIdial quirks that break "header and row have the same columns" are reproduced on purpose:
list_info's data row always has one extra delimiter, and agent_status's header announces
``computer_ip`` while the row only has it if an old enough LOGIN event exists.
"""

from __future__ import annotations

from ..model import SimUser
from .base import Ctx, FunctionImpl, Out, delimiter, render, rows_columns


def campaigns_list(ctx: Ctx, out: Out) -> None:
    """Every campaign (active Y or N) the user's group may see, or the one asked for."""
    dl = delimiter(ctx.p("stage"))
    wanted = ctx.p("campaign_id")
    allowed = ctx.state.user_group_of(ctx.user).campaign_filter()
    rows = [
        c
        for c in ctx.state.campaigns.values()
        if c.active in ("Y", "N")
        and (allowed is None or c.campaign_id in allowed)
        and (not wanted or c.campaign_id == wanted)
    ]
    if not rows:
        out.line(render("campaigns_list", "THIS USER HAS NO VIEWABLE CAMPAIGNS", ctx_user(ctx)))
        return
    if ctx.p("header") == "YES":
        out.line(dl.join(rows_columns("campaigns_list")))
    for c in rows:
        statuses = c.dial_statuses.removeprefix(" ").removesuffix(" -")
        values = (
            c.campaign_id, c.campaign_name, c.active, c.user_group, c.dial_method,
            c.auto_dial_level, c.lead_order, statuses, c.dial_timeout, c.dial_prefix,
            c.manual_dial_prefix, c.three_way_dial_prefix,
        )  # fmt: skip
        out.line(dl.join(values))


def agent_status(ctx: Ctx, out: Out) -> None:
    """The live status of one agent visible to the API user's group."""
    agent_user = ctx.p("agent_user")
    values = {"user": ctx.user_name, "agent_user": agent_user}
    if not 0 < len(agent_user) < 100:
        out.line(render("agent_status", "INVALID SEARCH PARAMETERS", values))
        return
    dl = delimiter(ctx.p("stage"))
    include_ip = ctx.p("include_ip") == "YES"
    agent = ctx.state.users.get(agent_user)
    viewable = ctx.state.user_group_of(ctx.user).viewable_groups()
    if agent is None or (viewable is not None and agent.user_group not in viewable):
        out.line(render("agent_status", "AGENT NOT FOUND", values))
        return
    live = ctx.state.live_agents.get(agent_user)
    if live is None:
        out.line(render("agent_status", "AGENT NOT LOGGED IN", values))
        return
    lead_id, sub_status = live.lead_id, live.call_sub_status
    if live.status == "PAUSED" and live.lead_id > 0:
        sub_status = "DISPO"
    if live.status == "PAUSED" and live.preview_lead_id > 0:
        sub_status, lead_id = "PREVIEW", live.preview_lead_id
    lead = ctx.state.leads.get(lead_id) if lead_id > 0 else None
    columns = list(rows_columns("agent_status"))
    row = [
        live.status, live.callerid, str(lead_id), live.campaign_id, str(live.calls_today),
        agent.full_name, agent.user_group, str(agent.user_level), live.pause_code, sub_status,
        lead.phone_number if lead else "", lead.vendor_lead_code if lead else "", live.conf_exten,
    ]  # fmt: skip
    if include_ip and live.old_login_ip and len(live.old_login_ip) > 3:
        row.append(live.old_login_ip)
    if ctx.p("header") == "YES":
        out.line(dl.join(columns if include_ip else columns[:-1]))
    out.line(dl.join(row))


def list_info(ctx: Ctx, out: Out) -> None:
    """One list's row; counts on request. The row always ends with an extra delimiter slot."""
    list_id = ctx.p("list_id")
    values = {
        "user": ctx.user_name,
        "list_id": list_id,
        "list_name": ctx.p("list_name"),
        "campaign_id": ctx.p("campaign_id"),
    }
    if not 2 <= len(list_id) <= 14:
        out.line(render("list_info", "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    allowed = ctx.state.user_group_of(ctx.user).campaign_filter()
    lst = ctx.state.lists.get(list_id)
    if lst is None or (allowed is not None and lst.campaign_id not in allowed):
        out.line(render("list_info", "LIST DOES NOT EXIST", values))
        return
    dl = delimiter(ctx.p("stage"))
    columns = rows_columns("list_info")
    header = list(columns[:8])
    row = [
        lst.list_id, lst.list_name, lst.campaign_id, lst.active, lst.list_changedate,
        lst.list_lastcalldate, lst.expiration_date, lst.resets_today,
    ]  # fmt: skip
    table = ctx.state.lead_table(ctx.p("archived_lead") == "Y")
    in_list = [lead for lead in table.values() if lead.list_id == lst.list_id]
    if ctx.p("leads_counts") == "Y":
        header += ["all_leads_count", "new_leads_count"]
        row += [str(len(in_list)), str(sum(1 for lead in in_list if lead.status == "NEW"))]
    dialable = ""
    if ctx.p("dialable_count") == "Y":
        header.append("dialable_count")
        campaign = ctx.state.campaigns.get(lst.campaign_id)
        if campaign is not None and len(campaign.dial_statuses) > 2:
            statuses = campaign.dial_status_set
            # Simplified dialable_leads(): dial status and not called since the last reset.
            dialable = str(
                sum(
                    1
                    for lead in ctx.state.leads.values()
                    if lead.list_id == lst.list_id
                    and lead.status in statuses
                    and lead.called_since_last_reset == "N"
                )
            )
    if ctx.p("header") == "YES":
        out.line(dl.join(header))
    out.line(dl.join(row) + dl + dialable)


def ctx_user(ctx: Ctx) -> dict[str, object]:
    return {"user": ctx.user_name}


def _reports(user: SimUser) -> bool:
    return user.vdc_agent_api_access and user.view_reports


IMPLS: tuple[FunctionImpl, ...] = (
    FunctionImpl(
        "campaigns_list",
        campaigns_list,
        permitted=lambda u: _reports(u) and u.user_level > 7,
        permission_message="USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO",
    ),
    FunctionImpl(
        "agent_status",
        agent_status,
        permitted=lambda u: _reports(u) and u.user_level > 6,
        permission_message="USER DOES NOT HAVE PERMISSION TO GET AGENT INFO",
    ),
    FunctionImpl(
        "list_info",
        list_info,
        permitted=lambda u: u.vdc_agent_api_access and u.modify_lists and u.user_level >= 8,
        permission_message="USER DOES NOT HAVE PERMISSION TO MODIFY LISTS",
    ),
)
