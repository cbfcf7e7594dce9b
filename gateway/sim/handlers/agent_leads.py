"""Simulated Agent API functions on leads, panels, in-groups and notifications (see :mod:`.agent`).

Not simulated: the confetti settings container of ``send_notification`` (its options are
accepted and stored as sent) and the ``vicidial_admin_log`` rows of ``change_ingroups``.
"""

from __future__ import annotations

import re
from collections.abc import Container

from ..agents import Notification
from ..model import Lead
from .agent import AgentCtx, Run

ADD_LEAD_FIELDS = (
    "vendor_lead_code",
    "source_id",
    "title",
    "first_name",
    "middle_initial",
    "last_name",
    "address1",
    "address2",
    "address3",
    "city",
    "state",
    "province",
    "postal_code",
    "country_code",
    "gender",
    "date_of_birth",
    "alt_phone",
    "email",
    "security_phrase",
    "comments",
    "rank",
    "owner",
)


def external_add_lead(ctx: AgentCtx) -> None:
    value, phone_code, alt_user = ctx.p("value"), ctx.p("phone_code"), ctx.p("alt_user")
    phone_number = ctx.p("phone_number")
    if len(value) < 1 and len(phone_number) > 1:
        value = phone_number
    if (len(ctx.agent_user) < 2 and len(alt_user) < 2) or not phone_code or len(value) < 2:
        ctx.say(
            "invalid",
            value=value,
            phone_code=phone_code,
            agent_user=ctx.agent_user,
            alt_user=alt_user,
        )
        return
    agent = ctx.logged_in(value)
    if agent is None:
        return
    settings = ctx.state.agentapi.campaign(agent.campaign_id)
    campaign_id = agent.campaign_id
    if settings is None or not settings.manual_dial_list_id:
        ctx.say("no_list", value=value, campaign_id=campaign_id, agent_user=ctx.agent_user)
        return
    list_id = settings.manual_dial_list_id
    if ctx.p("dnc_check") in ("YES", "Y") and value in ctx.state.dnc:
        ctx.say("dnc", value=value, agent_user=ctx.agent_user)
        return
    if ctx.p("campaign_dnc_check") in ("YES", "Y"):
        dnc_campaign = settings.use_other_campaign_dnc or campaign_id
        if value in ctx.state.campaign_dnc.get(dnc_campaign, set()):
            ctx.say("campaign_dnc", value=value, campaign_id=campaign_id, agent_user=ctx.agent_user)
            return
    fields = {name: ctx.p(name) for name in ADD_LEAD_FIELDS}
    if ctx.p("vendor_id"):
        fields["vendor_lead_code"] = ctx.p("vendor_id")
    lead = Lead(
        lead_id=0,
        list_id=list_id,
        phone_number=value,
        phone_code=phone_code,
        status="NEW",
        user=ctx.user.user,
        last_local_call_time=ctx.state.now_text(),
    )
    for name, text in fields.items():
        setattr(lead, name, text)
    lead = ctx.state.insert_lead(lead)
    ctx.say(
        "ok",
        value=value,
        campaign_id=campaign_id,
        list_id=list_id,
        lead_id=lead.lead_id,
        agent_user=ctx.agent_user,
    )


# update_fields: (parameter, case-insensitive match) in api.php's order; a field counts when its
# name occurs anywhere in the query string (so "city" in "ethnicity=" counts too).
UPDATE_FIELDS = (
    ("phone_code", False),
    ("address1", False),
    ("address2", False),
    ("address3", False),
    ("alt_phone", False),
    ("city", False),
    ("comments", False),
    ("country_code", False),
    ("date_of_birth", False),
    ("email", False),
    ("first_name", False),
    ("gender", False),
    ("gmt_offset_now", False),
    ("last_name", False),
    ("middle_initial", False),
    ("phone_number", False),
    ("postal_code", True),
    ("province", True),
    ("security_phrase", True),
    ("source_id", True),
    ("state", True),
    ("title", True),
    ("vendor_lead_code", True),
    ("rank", True),
    ("owner", True),
)
RELOADS = ("formreload", "scriptreload", "script2reload", "emailreload", "chatreload")


def _occurs(name: str, text: str, nocase: bool = True) -> bool:
    return re.search(re.escape(name), text, re.IGNORECASE if nocase else 0) is not None


def update_fields(ctx: AgentCtx) -> None:
    if len(ctx.agent_user) < 1:
        ctx.say("invalid", agent_user=ctx.agent_user)
        return
    if not ctx.allowed(ctx.p("value")):
        return
    agent = ctx.live()
    if agent is None:
        return
    if not 1 <= ctx.user.modify_leads <= 4:
        ctx.say("no_permission", agent_user=ctx.agent_user, user=ctx.user.user)
        return
    if agent.lead_id <= 0:
        ctx.say("no_lead", agent_user=ctx.agent_user)
        return
    query = ctx.params.query_string
    sql: list[str] = []
    names: list[str] = []
    for name, nocase in UPDATE_FIELDS:
        if _occurs(name, query, nocase):
            sql.append(f'{name}="{ctx.p(name)}"')
            names.append(name)
    reloads = [name for name in RELOADS if _occurs(name, query)]
    if not names and not reloads:
        ctx.say("no_fields", agent_user=ctx.agent_user)
        return
    vl_rows = 0
    lead = ctx.state.leads.get(agent.lead_id)
    if names and lead is not None:
        # MySQL's affected rows: 1 when a value changed (the lead columns are all strings).
        changed = [name for name in names if getattr(lead, name) != ctx.p(name)]
        for name in changed:
            setattr(lead, name, ctx.p(name))
        vl_rows = 1 if changed else 0
    session = ctx.session()
    fields_list = ",".join(names + reloads)
    vla_rows = 0 if session.flags.get("external_update_fields_data") == fields_list else 1
    session.flags["external_update_fields_data"] = fields_list
    ctx.say(
        "ok",
        user=ctx.user.user,
        agent_user=ctx.agent_user,
        lead_id=agent.lead_id,
        vl_rows=vl_rows,
        vla_rows=vla_rows,
        fields_list=fields_list,
        fields_sql=",".join(sql),
    )


def refresh_panel(ctx: AgentCtx) -> None:
    if len(ctx.agent_user) < 1:
        ctx.say("invalid", agent_user=ctx.agent_user)
        return
    if not ctx.allowed(ctx.p("value")) or ctx.live() is None:
        return
    query = ctx.params.query_string
    panels = [name for name in (*RELOADS, "callbacksreload") if _occurs(name, query)]
    if not panels:
        ctx.say("no_panels", agent_user=ctx.agent_user)
        return
    session = ctx.session()
    listed = ",".join(panels)
    vla_rows = 0 if session.flags.get("external_update_fields_data") == listed else 1
    session.flags["external_update_fields_data"] = listed
    ctx.say("ok", user=ctx.user.user, agent_user=ctx.agent_user, vla_rows=vla_rows, panels=listed)


def _groups(text: str) -> list[str]:
    """The in-group ids of a " A B -" list (api.php drops a final "-" and empty items)."""
    return [g for g in re.sub(r"-$", "", text).split(" ")[1:] if len(g) > 1]


def change_ingroups(ctx: AgentCtx) -> None:
    value = "".join(c for c in ctx.p("value") if "A" <= c <= "Z")
    blended, choices = ctx.p("blended"), ctx.p("ingroup_choices")
    if len(blended) < 2 or len(ctx.agent_user) < 2 or len(value) < 3:
        ctx.say(
            "invalid",
            value=value,
            blended=blended,
            ingroup_choices=choices,
            agent_user=ctx.agent_user,
        )
        return
    if not ctx.allowed(value):
        return
    agent = ctx.live()
    if agent is None:
        return
    settings = ctx.state.agentapi.campaign(agent.campaign_id)
    if settings is None or settings.campaign_allow_inbound != "Y":
        ctx.say("no_inbound", agent_user=ctx.agent_user)
        return
    if not ctx.state.agentapi.flag(ctx.user, "change_agent_campaign"):
        ctx.say("no_permission", user=ctx.user.user)
        return
    campaign = ctx.state.campaigns.get(agent.campaign_id)
    if blended == "YES" and campaign is not None and campaign.dial_method in (
        "MANUAL", "INBOUND_MAN"
    ):  # fmt: skip
        ctx.say("no_autodial", agent_user=ctx.agent_user, blended=blended)
        return
    known = ctx.state.useradmin.inbound_groups
    for group in _groups(choices) if choices else []:
        if group not in known:
            ctx.say("no_ingroup", agent_user=ctx.agent_user, ingroup=group, ingroup_choices=choices)
            return
    if not choices and value in ("ADD", "REMOVE"):
        ctx.say("choices_required", agent_user=ctx.agent_user, value=value, ingroup_choices=choices)
        return
    session = ctx.session()
    current = session.closer_campaigns
    if value == "ADD":
        merged = _groups(current)
        merged += [g for g in _groups(choices) if g not in merged]
        choices = " " + "".join(f"{g} " for g in merged) + "-"
    elif value == "REMOVE":
        for group in _groups(choices):
            if group in _groups(current):
                current = current.replace(f" {group} ", " ")
        choices = current
    session.closer_campaigns = choices
    note = ""
    if ctx.p("set_as_default") == "YES":
        details = ctx.state.useradmin.user_details(ctx.state.users[ctx.agent_user])
        details.closer_campaigns = choices
        note = "User settings set as default"
    ctx.say(
        "ok",
        user=ctx.user.user,
        agent_user=ctx.agent_user,
        ingroup_choices=choices,
        blended=blended,
        default_note=note,
    )


RECIPIENT_TYPES = ("USER", "USER_GROUP", "CAMPAIGN")
_DATE = re.compile(r"[0-9]{2,4}-[0-9]{1,2}-[0-9]{1,2}\s?[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?")


def send_notification(ctx: AgentCtx) -> None:
    data = ctx.state.agentapi
    if data.agent_notifications < 1:
        ctx.say("disabled", setting=data.agent_notifications)
        return
    value = ctx.p("value")
    if not ctx.allowed(value):
        return
    recipient, rtype = ctx.p("recipient"), ctx.p("recipient_type")
    tables: dict[str, tuple[str, Container[str]]] = {
        "USER": ("vicidial_users", ctx.state.users),
        "USER_GROUP": ("vicidial_user_groups", ctx.state.user_groups),
        "CAMPAIGN": ("vicidial_campaigns", ctx.state.campaigns),
    }
    if recipient and rtype not in RECIPIENT_TYPES:
        old = rtype
        rtype = next((t for t in RECIPIENT_TYPES if recipient in tables[t][1]), "")
        ctx.say_raw("bad_type", recipient_type=old)
        if rtype:
            ctx.say("found", recipient=recipient, recipient_type=rtype)
        else:
            ctx.say("no_match", recipient=recipient)
            return
    if not (recipient and rtype):
        ctx.say("no_recipient", recipient=recipient, recipient_type=rtype)
        return
    table, rows = tables[rtype]
    if recipient not in rows:
        ctx.say("missing", recipient=recipient, table=table, value=value)
        return
    group = ctx.state.user_groups.get(ctx.user.user_group)
    if rtype in ("CAMPAIGN", "USER_GROUP"):
        if group is None:
            ctx.say("no_group", value=value, user_group=ctx.user.user_group)
            return
        allowed = group.allowed_campaigns
        if (
            rtype == "CAMPAIGN"
            and "-ALL" not in allowed.upper()
            and (f" {recipient.upper()} " not in allowed.upper())
        ):
            ctx.say(
                "campaign_denied",
                recipient=recipient,
                user=ctx.user.user,
                allowed_campaigns=allowed,
                value=value,
            )
            return
        viewable = group.admin_viewable_groups
        if (
            rtype == "USER_GROUP"
            and "---ALL" not in viewable.upper()
            and (f" {recipient.upper()} " not in viewable.upper())
        ):
            ctx.say("group_denied", recipient=recipient, user=ctx.user.user, value=value)
            return
    date = ctx.p("notification_date") or ctx.state.now_text()
    if not _DATE.search(date):
        ctx.say_raw("bad_date", notification_date=date)
        date = ctx.state.now_text()
    text = ctx.p("notification_text")
    if not text and ctx.p("show_confetti") != "Y":
        ctx.say("invalid_request", recipient=recipient, recipient_type=rtype)
        return
    row = Notification(data.next_notification_id, recipient, rtype, date, text)
    data.next_notification_id += 1
    data.notifications.append(row)
    ctx.say("ok", recipient=recipient, recipient_type=rtype, notification_id=row.notification_id)


FUNCTIONS: dict[str, Run] = {
    "external_add_lead": external_add_lead,
    "update_fields": update_fields,
    "refresh_panel": refresh_panel,
    "change_ingroups": change_ingroups,
    "send_notification": send_notification,
}
