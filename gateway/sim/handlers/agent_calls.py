"""Simulated Agent API call control: dialing, preview actions, transfers, parking, lead switching,
voicemail messages, remote-agent control and the fronter commands (see :mod:`.agent`).

Not simulated: vtiger callbacks (``vtiger_callback=YES``), the cross-cluster (CCC) variants of the
fronter commands and the QueueMetrics logging of ``ra_call_control``.
"""

from __future__ import annotations

from ..agents import INCALL, PAUSED, AutoCall
from ..model import Lead
from .agent import AgentCtx, Run, end_call, has_agent
from .agent_texts import line


def _group_alias_cid(ctx: AgentCtx) -> tuple[bool, str]:
    """``group_alias``: (ok, caller_id_number); prints the error when the alias is bad."""
    alias_id = ctx.p("group_alias")
    if len(alias_id) <= 1:
        return True, ""
    alias = ctx.state.useradmin.group_aliases.get(alias_id)
    if alias is None:
        ctx.say("alias_invalid", agent_user=ctx.agent_user, group_alias=alias_id)
        return False, ""
    cid = alias.caller_id_number
    if (int(cid) if cid.isdigit() else 0) < 4:
        ctx.say(
            "cid_invalid", agent_user=ctx.agent_user, group_alias=alias_id, caller_id_number=cid
        )
        return False, cid
    return True, cid


def _dial_lead(ctx: AgentCtx, phone: str, lead_id: str) -> int:
    """The lead a manual dial lands on: the one given, else a new one in the manual list."""
    if lead_id:
        return int(lead_id)
    agent = ctx.state.live_agents[ctx.agent_user]
    settings = ctx.state.agentapi.campaign(agent.campaign_id)
    list_id = settings.manual_dial_list_id if settings else "998"
    lead = ctx.state.insert_lead(
        Lead(lead_id=0, list_id=list_id, phone_number=phone, user=ctx.agent_user)
    )
    return lead.lead_id


def external_dial(ctx: AgentCtx) -> None:
    raw = ctx.p("value")
    value = raw if raw == "MANUALNEXT" else "".join(c for c in raw if c.isdigit())
    lead_id, alt_user = ctx.p("lead_id"), ctx.p("alt_user")
    search, preview, focus = ctx.p("search"), ctx.p("preview"), ctx.p("focus")
    phone_code = ctx.p("phone_code")
    valid = not (
        (len(value) < 2 and not lead_id)
        or (len(ctx.agent_user) < 2 and len(alt_user) < 2)
        or len(search) < 2
        or len(preview) < 2
        or len(focus) < 2
    )
    if not valid:
        ctx.say(
            "invalid",
            value=value,
            phone_code=phone_code,
            search=search,
            preview=preview,
            focus=focus,
            lead_id=lead_id,
            agent_user=ctx.agent_user,
            alt_user=alt_user,
        )
        return
    agent = ctx.logged_in(value)
    if agent is None:
        return
    data = ctx.state.agentapi
    settings = data.campaign(agent.campaign_id)
    mode = settings.api_manual_dial if settings else ""
    ready = agent.status == PAUSED and agent.lead_id < 1 if mode == "STANDARD" else True
    dial_ingroup = ctx.p("dial_ingroup")
    if dial_ingroup and dial_ingroup not in ctx.state.useradmin.inbound_groups:
        ctx.say("ingroup_not_found", dial_ingroup=dial_ingroup)
        dial_ingroup = ""
    if not (ready or dial_ingroup):
        ctx.say("not_paused", agent_user=ctx.agent_user)
        return
    if not data.flag(ctx.state.users[ctx.agent_user], "agentcall_manual"):
        ctx.say("no_manual", agent_user=ctx.agent_user)
        return
    ok, caller_id_number = _group_alias_cid(ctx)
    if not ok:
        return
    group_alias = ctx.p("group_alias")
    outbound_cid = ctx.p("outbound_cid")
    if len(outbound_cid) > 1:
        if data.outbound_cid_any != "API_ONLY":
            ctx.say(
                "outbound_cid",
                agent_user=ctx.agent_user,
                outbound_cid=outbound_cid,
                outbound_cid_any=data.outbound_cid_any,
            )
            return
        caller_id_number, group_alias = outbound_cid, "-FORCE-"
    alt_dial = ctx.p("alt_dial")
    if lead_id:
        lead = ctx.state.leads.get(int(lead_id))
        if alt_dial == "SEARCH":
            wanted, alt_dial = value, ""
            if lead is not None:
                for column, name in (("address3", "ADDR3"), ("alt_phone", "ALT"),
                                     ("phone_number", "MAIN")):  # fmt: skip
                    if getattr(lead, column) == wanted:
                        alt_dial = name
            if not alt_dial:
                ctx.say(
                    "search_not_found",
                    agent_user=ctx.agent_user,
                    value="",
                    lead_id=lead_id,
                    alt_dial=alt_dial,
                )
                return
        if lead is None:
            ctx.say("lead_invalid", agent_user=ctx.agent_user, lead_id=lead_id)
            return
        column = {"ALT": "alt_phone", "ADDR3": "address3"}.get(alt_dial, "phone_number")
        value = "".join(c for c in getattr(lead, column) if c.isdigit())
        phone_code = lead.phone_code
        if len(value) < 2:
            ctx.say(
                "phone_invalid",
                agent_user=ctx.agent_user,
                value=value,
                lead_id=lead_id,
                alt_dial=alt_dial,
            )
            return
    if mode != "STANDARD":
        if data.in_queue(ctx.agent_user, value):
            ctx.say("in_queue", agent_user=ctx.agent_user, value=value)
            return
        data.manual_dial_queue.append((ctx.agent_user, value))
    else:
        ctx.session().flags["external_dial"] = value
        # The agent screen places the call at once.
        dialed = _dial_lead(ctx, value, lead_id)
        agent.status, agent.lead_id = INCALL, dialed
        agent.callerid = f"M{ctx.epoch % 10**9:09d}{dialed:010d}"
        data.auto_calls[agent.callerid] = AutoCall(agent.callerid, agent.campaign_id, dialed, value)
    ctx.say(
        "ok",
        value=value,
        agent_user=ctx.agent_user,
        phone_code=phone_code,
        search=search,
        preview=preview,
        focus=focus,
        vendor_id=ctx.p("vendor_id"),
        epoch=ctx.epoch,
        dial_prefix=ctx.p("dial_prefix"),
        group_alias=group_alias,
        caller_id_number=caller_id_number,
        alt_dial=alt_dial,
    )


PREVIEW_ACTIONS = ("SKIP", "DIALONLY", "ALTDIAL", "ADR3DIAL", "FINISH")


def preview_dial_action(ctx: AgentCtx) -> None:
    value = "".join(c for c in ctx.p("value") if c.isupper() or c.isdigit())
    alt_user = ctx.p("alt_user")
    if (
        len(value) < 4
        or (len(ctx.agent_user) < 2 and len(alt_user) < 2)
        or (value not in PREVIEW_ACTIONS)
    ):
        ctx.say("invalid", value=value, agent_user=ctx.agent_user, alt_user=alt_user)
        return
    agent = ctx.logged_in(value)
    if agent is None:
        return
    settings = ctx.state.agentapi.campaign(agent.campaign_id)
    preview = settings.manual_preview_dial if settings else ""
    alt = settings.alt_number_dialing if settings else ""
    where = {"agent_user": ctx.agent_user, "campaign_id": agent.campaign_id}
    if preview == "DISABLED":
        ctx.say("disabled", manual_preview_dial=preview, **where)
    elif preview == "PREVIEW_ONLY" and value == "SKIP":
        ctx.say("no_skip", manual_preview_dial=preview, **where)
    elif alt == "N" and value in ("ALTDIAL", "ADR3DIAL", "FINISH"):
        ctx.say("no_alt", alt_number_dialing=alt, **where)
    elif agent.status != PAUSED:
        ctx.say("not_paused", agent_user=ctx.agent_user)
    elif not ctx.state.agentapi.flag(ctx.state.users[ctx.agent_user], "agentcall_manual"):
        ctx.say("no_manual", agent_user=ctx.agent_user)
    else:
        ctx.session().flags["external_dial"] = value
        ctx.say("ok", value=value, agent_user=ctx.agent_user)


PARK_VALUES = (
    "PARK_CUSTOMER",
    "GRAB_CUSTOMER",
    "PARK_IVR_CUSTOMER",
    "GRAB_IVR_CUSTOMER",
    "PARK_XFER",
    "GRAB_XFER",
)


def park_call(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(any(v in value for v in PARK_VALUES) and has_agent(ctx))
    if agent is None:
        return
    if agent.lead_id <= 0:
        ctx.say("no_lead", agent_user=ctx.agent_user)
        return
    ctx.session().flags["external_park"] = value
    if "PARK_CUSTOMER" in value or "PARK_IVR_CUSTOMER" in value:
        agent.call_sub_status = "PARK"
    elif "GRAB_CUSTOMER" in value or "GRAB_IVR_CUSTOMER" in value:
        agent.call_sub_status = ""
    ctx.say("ok", value=value, agent_user=ctx.agent_user)


def _live_call(ctx: AgentCtx) -> bool:
    agent = ctx.state.live_agents[ctx.agent_user]
    return agent.lead_id > 0 and len(agent.callerid) > 15


def _ingroup(ctx: AgentCtx, choices: str, campaign_id: str, call_type: str) -> str:
    """``ingroup_choices``, with DEFAULTINGROUP resolved to the default transfer group."""
    if "DEFAULTINGROUP" in choices:
        settings = ctx.state.agentapi.campaign(campaign_id)
        return settings.default_xfer_group if settings and call_type != "IN" else ""
    return choices


def transfer_conference(ctx: AgentCtx) -> None:
    value = ctx.p("value")
    agent = ctx.standard(len(value) >= 8 and has_agent(ctx))
    if agent is None:
        return
    if not _live_call(ctx):
        ctx.say("no_call", agent_user=ctx.agent_user)
        return
    consultative = "YES" if ctx.p("consultative") == "YES" else "NO"
    choices, phone = ctx.p("ingroup_choices"), ctx.p("phone_number")
    processed = False
    if value == "LOCAL_CLOSER" or (
        value in ("DIAL_WITH_CUSTOMER", "PARK_CUSTOMER_DIAL") and consultative == "YES"
    ):
        processed = True
        if len(choices) < 2:
            ctx.say("ingroup_invalid", ingroup_choices=choices)
            return
        call = ctx.state.agentapi.auto_calls.get(agent.callerid)
        choices = _ingroup(ctx, choices, agent.campaign_id, call.call_type if call else "")
        if choices not in ctx.state.useradmin.inbound_groups:
            ctx.say("ingroup_invalid", ingroup_choices=choices)
            return
    if processed or value in ("BLIND_TRANSFER", "LEAVE_VM", "DIAL_WITH_CUSTOMER",
                              "PARK_CUSTOMER_DIAL"):  # fmt: skip
        processed = True
        ok, _ = _group_alias_cid(ctx)
        if not ok:
            return
        cid_choice = ctx.p("cid_choice")
        if len(cid_choice) > 1 and not any(
            c in cid_choice for c in ("CAMPAIGN", "AGENT_PHONE", "CUSTOMER", "CUSTOM_CID")
        ):
            ctx.say("cid_choice_invalid", agent_user=ctx.agent_user, cid_choice=cid_choice)
            return
    elif value in ("HANGUP_XFER", "HANGUP_BOTH", "LEAVE_3WAY_CALL"):
        processed = True
    if not processed:
        ctx.say("value_invalid", value=value, user=ctx.user.user)
        return
    session = ctx.session()
    suffix = ""
    phones = ctx.p("multi_dial_phones")
    if len(phones) > 4:
        given = phones.split(",")
        valid: list[str] = []
        for number in given:
            # api.php's duplicate test is a regex search in the list so far: a substring.
            if 4 < len(number) < 19 and number not in ",".join(valid):
                valid.append(number)
        rows = 0
        if valid:
            md_check = ctx.p("md_check")
            if "YES" in md_check.upper() and session.press_live > 0:
                ctx.say("md_busy", agent_user=ctx.agent_user, count=session.press_live, ok=0,
                        md_check=md_check)  # fmt: skip
                return
            # INSERT ... ON DUPLICATE KEY UPDATE call_date=NOW(), phone_numbers=...: 1 row for
            # a new row, 2 for a changed one, 0 when nothing changed (same list, same second).
            row = (",".join(valid), ctx.epoch)
            rows = 1 if session.press_multi is None else 0 if session.press_multi == row else 2
            session.press_multi = row
        suffix = line("transfer_conference", "multi_suffix",
                      {"valid": len(valid), "given": len(given), "rows": rows})  # fmt: skip
    tw_check = ctx.p("tw_check")
    if "YES" in tw_check.upper() and session.three_way:
        ctx.say("tw_busy", agent_user=ctx.agent_user, count=1, tw_check=tw_check)
        return
    session.flags["external_transferconf"] = value
    callerid = agent.callerid
    # The agent screen acts: the customer leaves with a transfer or both hang up; a 3-way call
    # starts with a dial and ends with HANGUP_XFER.
    if value in ("BLIND_TRANSFER", "LOCAL_CLOSER", "LEAVE_VM", "HANGUP_BOTH", "LEAVE_3WAY_CALL"):
        end_call(ctx.state, agent)
    elif value == "HANGUP_XFER":
        session.three_way = False
    else:
        session.three_way = True
    ctx.say(
        "ok",
        value=value,
        ingroup_choices=choices,
        phone_number=phone,
        consultative=consultative,
        agent_user=ctx.agent_user,
        callerid=callerid + suffix,
    )


def switch_lead(ctx: AgentCtx) -> None:
    lead_id, vendor_lead_code = ctx.p("lead_id"), ctx.p("vendor_lead_code")
    valid = ((lead_id and int(lead_id) >= 1) or vendor_lead_code) and has_agent(ctx)
    if not valid:
        ctx.say(
            "invalid", lead_id=lead_id, vendor_lead_code=vendor_lead_code, agent_user=ctx.agent_user
        )
        return
    agent = ctx.logged_in(lead_id)
    if agent is None:
        return
    if not _live_call(ctx):
        ctx.say("no_call", agent_user=ctx.agent_user)
        return
    where = {"agent_user": ctx.agent_user, "campaign_id": agent.campaign_id}
    if not agent.callerid.startswith("Y"):
        ctx.say_raw("not_inbound", agent_user=ctx.agent_user, callerid=agent.callerid)
        return
    settings = ctx.state.agentapi.campaign(agent.campaign_id)
    if settings is None:
        ctx.say("no_campaign", **where)
        return
    if settings.agent_lead_search not in ("LIVE_CALL_INBOUND", "LIVE_CALL_INBOUND_AND_MANUAL"):
        ctx.say("no_search", **where)
        return
    if vendor_lead_code:
        found = ctx.state.find_leads(lambda lead: lead.vendor_lead_code == vendor_lead_code)
    else:
        one = ctx.state.leads.get(int(lead_id))
        found = [one] if one is not None else []
    if not found:
        ctx.say(
            "not_found",
            agent_user=ctx.agent_user,
            lead_id=lead_id,
            vendor_lead_code=vendor_lead_code,
        )
        return
    current = agent.lead_id
    agent.lead_id = found[0].lead_id
    ctx.say(
        "ok",
        new_lead_id=found[0].lead_id,
        new_vendor_lead_code=found[0].vendor_lead_code,
        current_lead_id=current,
        **where,
    )


def vm_message(ctx: AgentCtx) -> None:
    value, lead_id = ctx.p("value"), ctx.p("lead_id")
    if not has_agent(ctx) or not value:
        ctx.say("invalid", lead_id=lead_id, value=value, agent_user=ctx.agent_user)
        return
    agent = ctx.logged_in(lead_id)
    if agent is None:
        return
    if not _live_call(ctx):
        ctx.say("no_call", agent_user=ctx.agent_user)
        return
    lead_id = lead_id or str(agent.lead_id)
    if lead_id != str(agent.lead_id):
        ctx.say("mismatch", agent_user=ctx.agent_user)
        return
    ctx.session().flags["vm_message"] = value
    ctx.say("ok", agent_user=ctx.agent_user, lead_id=lead_id, value=value)


def ra_call_control(ctx: AgentCtx) -> None:
    value, stage = ctx.p("value"), ctx.p("stage")
    if not value or not ctx.agent_user or not stage:
        ctx.say("invalid", value=value, agent_user=ctx.agent_user, stage=stage)
        return
    if not ctx.allowed(value) or ctx.live() is None:
        return
    calls = ctx.state.agentapi.auto_calls
    call = calls.get(value)
    if call is None:
        ctx.say("no_call", value=value)
        return
    phone = ctx.p("phone_number")
    if stage == "HANGUP":
        ctx.say("hungup", agent_user=ctx.agent_user, value=value)
    elif stage == "EXTENSIONTRANSFER":
        if len(phone) < 2:
            ctx.say("phone_invalid", phone_number=phone)
            return
        ctx.say("transfer", agent_user=ctx.agent_user, value=value, phone_number=phone)
    elif stage == "INGROUPTRANSFER":
        choices = ctx.p("ingroup_choices")
        if len(choices) < 2:
            ctx.say("ingroup_invalid", ingroup_choices=choices)
            return
        choices = _ingroup(ctx, choices, call.campaign_id, call.call_type)
        if choices not in ctx.state.useradmin.inbound_groups:
            ctx.say("ingroup_invalid", ingroup_choices=choices)
            return
        ctx.say("transfer", agent_user=ctx.agent_user, value=value, phone_number=phone)
    else:
        ctx.say("stage_invalid", stage=stage)
        return
    del calls[value]
    for agent in ctx.state.live_agents.values():
        if agent.callerid == value:
            end_call(ctx.state, agent)


FRONTER_VALUES = ("LOCAL_ONLY", "LOCAL_AND_CCC", "CCC_REMOTE")


def _fronter(ctx: AgentCtx) -> tuple[str, bool] | None:
    """The usual start, then (the other agent on the same lead, whether there is a call at
    all); None after an error line. CCC_REMOTE (a call from another cluster) names the lead in
    ``lead_id`` and needs no logged-in agent. Calls fronted over CCC are not simulated: without
    a local fronter, LOCAL_AND_CCC ends in "no fronter found" as when no CCC log row exists."""
    value = ctx.p("value")
    if value not in FRONTER_VALUES or not has_agent(ctx):
        ctx.say("invalid", value=value, agent_user=ctx.agent_user)
        return None
    if not ctx.allowed(value):
        return None
    ctx.resolve_alt_user()
    agent = ctx.state.live_agents.get(ctx.agent_user)
    if agent is None and value != "CCC_REMOTE":
        ctx.say("not_logged_in", agent_user=ctx.agent_user)
        return None
    lead_id = ctx.p("lead_id")
    if value == "CCC_REMOTE":
        query_lead = int(lead_id) if lead_id else 0
        on_call = bool(lead_id) or (agent is not None and agent.lead_id > 0)
    else:
        query_lead = agent.lead_id if agent is not None else 0
        on_call = query_lead > 0
    if not on_call:
        return "", False
    others = sorted(
        a.user
        for a in ctx.state.live_agents.values()
        if a.user != ctx.agent_user and a.lead_id == query_lead
    )
    return (others[0] if others else ""), True


def force_fronter_leave_3way(ctx: AgentCtx) -> None:
    found = _fronter(ctx)
    if found is None:
        return
    other, on_call = found
    if not on_call:
        ctx.say("no_call", agent_user=ctx.agent_user)
    elif not other:
        ctx.say("no_fronter", agent_user=ctx.agent_user)
    else:
        ctx.state.agentapi.session(other).flags["external_transferconf"] = "LEAVE_3WAY_CALL"
        ctx.say_raw("ok", other_user=other)


def force_fronter_audio_stop(ctx: AgentCtx) -> None:
    found = _fronter(ctx)
    if found is None:
        return
    value, (other, on_call) = ctx.p("value"), found
    stage = ctx.p("stage")
    if not on_call:
        ctx.say("no_call", agent_user=ctx.agent_user)
        return
    if not other:
        ctx.say("no_fronter", agent_user=ctx.agent_user)
        return
    session = ctx.state.agentapi.session(other)
    who = {"stage": stage, "agent_user": ctx.agent_user, "other_agent": other}
    if not session.audio_playing:
        ctx.say(
            "not_playing",
            session_id=ctx.state.live_agents[other].conf_exten,
            server_ip=session.server_ip,
            **who,
        )
        return
    session.audio_playing = False
    ctx.say("ok", value=value, **who)


FUNCTIONS: dict[str, Run] = {
    "external_dial": external_dial,
    "preview_dial_action": preview_dial_action,
    "park_call": park_call,
    "transfer_conference": transfer_conference,
    "switch_lead": switch_lead,
    "vm_message": vm_message,
    "ra_call_control": ra_call_control,
    "force_fronter_leave_3way": force_fronter_leave_3way,
    "force_fronter_audio_stop": force_fronter_audio_stop,
}
