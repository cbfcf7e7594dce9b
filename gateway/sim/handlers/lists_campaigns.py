"""Simulated campaign functions: update_campaign, update_alt_url, update_presets, hopper_list and
agent_campaigns.

update_campaign validates each optional setting in VICIdial's order (the first bad one is an ERROR
that ends the call), then updates or prints "NO UPDATES DEFINED", then resets the hopper.
update_alt_url and update_presets have a LIST mode that prints rows (or a "No Records Found"
NOTICE) and an edit mode that prints status lines. hopper_list reads the hopper rows' lead data
from the leads themselves (the simulator's hopper keeps no copies) and prints the last call's age
padded the way VICIdial's ``_QXZ()`` pads it.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable

from gateway.catalog.lists import DIAL_METHODS, LIST_ORDERS

from ..clock import php_number
from ..data_lists import AltUrl, CampaignSettings, Preset
from ..model import Campaign, HopperEntry, Lead, SimUser
from .base import Ctx, FunctionImpl, Out, delimiter, render, rows_columns
from .lists_common import (
    blank_or,
    campaign_visible,
    first_failure,
    may,
    optional_error,
    php_outside,
    refuse,
)

_CAMPAIGN = "update_campaign"
_ALT = "update_alt_url"
_PRESETS = "update_presets"
_HOPPER = "hopper_list"
_AGENT = "agent_campaigns"
_XFERCONF = ("xferconf_one", "xferconf_two", "xferconf_three", "xferconf_four", "xferconf_five")
_SECONDARY = (
    "LEAD_ASCEND", "LEAD_DESCEND", "CALLTIME_ASCEND", "CALLTIME_DESCEND", "VENDOR_ASCEND",
    "VENDOR_DESCEND",
)  # fmt: skip
_URLS = ("dispo_call_url", "webform_one", "webform_two", "webform_three")
_URL_REASONS = ("DISPO CALL URL", "WENFORM 1 URL", "WENFORM 2 URL", "WENFORM 3 URL")


def _campaign_editor(user: SimUser) -> bool:
    return user.vdc_agent_api_access and user.user_level >= 8


def _reporter(user: SimUser) -> bool:
    return user.vdc_agent_api_access and user.view_reports and user.user_level > 7


def _needs_campaign(ctx: Ctx, out: Out, function: str, longest: int) -> Campaign | None:
    """Permission (modify_campaigns), campaign_id length and existence: the campaign, or None."""
    campaign_id = ctx.p("campaign_id")
    values = {"user": ctx.user_name, "campaign_id": campaign_id, "campaign_name": ""}
    if not may(ctx, "modify_campaigns"):
        refuse(ctx, out, function, "USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS")
        return None
    if not 2 <= len(campaign_id) <= longest:
        values["campaign_name"] = ctx.p("campaign_name")
        out.line(render(function, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return None
    if not campaign_visible(ctx, campaign_id):
        out.line(render(function, "CAMPAIGN DOES NOT EXIST", values))
        return None
    return ctx.state.campaigns[campaign_id]


# --- update_campaign -----------------------------------------------------------------------------


def update_campaign(ctx: Ctx, out: Out) -> None:
    campaign = _needs_campaign(ctx, out, _CAMPAIGN, 8)
    if campaign is None:
        return
    updates = _campaign_updates(ctx, out, campaign)
    if updates is None:
        return
    values = {"user": ctx.user_name, "campaign_id": campaign.campaign_id}
    if updates:
        _apply_campaign(ctx, campaign, updates)
        out.line(render(_CAMPAIGN, "CAMPAIGN HAS BEEN UPDATED", values))
    else:
        out.line(render(_CAMPAIGN, "NO UPDATES DEFINED", values))
    if ctx.p("reset_hopper") == "Y":
        hopper = ctx.state.hopper
        for lead_id in [k for k, e in hopper.items() if e.campaign_id == campaign.campaign_id]:
            del hopper[lead_id]
        # affected_rows is never set in this function: printed empty.
        out.line(render(_CAMPAIGN, "HOPPER HAS BEEN RESET", values))


def _campaign_updates(ctx: Ctx, out: Out, campaign: Campaign) -> dict[str, str] | None:
    """The settings to store; None after printing the first ERROR."""
    level = ctx.p("auto_dial_level")
    limit = float(ctx.state.listadmin.auto_dial_limit) + 0.001
    if level and php_outside(level, 0, limit):
        values = {"user": ctx.user_name, "auto_dial_level": level}
        values["auto_dial_limit"] = php_number(limit)
        out.line(render(_CAMPAIGN, "AUTO DIAL LEVEL MUST BE FROM 0 TO", values))
        return None
    failure = first_failure(_setting_checks(ctx))
    if failure is not None:
        optional_error(ctx, out, _CAMPAIGN, *failure)
        return None
    statuses = _dial_statuses(ctx, out, campaign)
    if statuses is None:
        return None
    updates = {name: ctx.p(name) for name in _CAMPAIGN_COLUMNS if ctx.p(name)}
    for name in (*_XFERCONF, *_URLS):
        if name in updates:
            updates[name] = blank_or(updates[name])
    if updates.get("lead_filter_id") == "---NONE---":
        updates["lead_filter_id"] = ""
    if statuses:
        updates["dial_statuses"] = statuses
    return updates


def _setting_checks(ctx: Ctx) -> list[tuple[bool, str, str]]:
    p = ctx.p
    suffix = ("IS NOT VALID", "IS NOT A VALID LENGTH")
    order = p("list_order")
    lead_filter = p("lead_filter_id")
    filters = ctx.state.listadmin.lead_filters
    checks = [
        (bool(p("dial_method")) and p("dial_method") not in DIAL_METHODS,
         "DIAL METHOD IS NOT VALID", "dial_method"),
        (len(p("adaptive_maximum_level")) > 5,
         "ADAPT MAXIMUM DIAL LEVEL MUST BE FROM 1 TO 5 CHARACTERS", "adaptive_maximum_level"),
        (bool(p("campaign_vdad_exten")) and not 3 <= len(p("campaign_vdad_exten")) <= 20,
         "ROUTING EXTENSION MUST BE FROM 3 TO 20 CHARACTERS", "campaign_vdad_exten"),
        (bool(p("hopper_level")) and php_outside(p("hopper_level"), 1, 5000),
         "HOPPER LEVEL MUST BE FROM 1 TO 2000", "hopper_level"),
        (bool(p("dial_timeout")) and php_outside(p("dial_timeout"), 1, 120),
         "DIAL TIMEOUT MUST BE FROM 1 TO 120", "dial_timeout"),
        (bool(p("campaign_name")) and not 6 <= len(p("campaign_name")) <= 40,
         "CAMPAIGN NAME MUST BE FROM 6 TO 40 CHARACTERS", "campaign_name"),
        (bool(p("outbound_cid")) and not 6 <= len(p("outbound_cid")) <= 20,
         "CAMPAIGN CID MUST BE FROM 6 TO 20 CHARACTERS", "outbound_cid"),
        (lead_filter not in ("", "---NONE---") and lead_filter not in filters,
         "CAMPAIGN LEAD FILTER MUST BE A VALID FILTER IN THE SYSTEM", "lead_filter_id"),
        (p("active") not in ("", "Y", "N"), "ACTIVE MUST BE Y OR N", "active"),
    ]  # fmt: skip
    numbers = ("ONE", "TWO", "THREE", "FOUR", "FIVE")
    for name, number in zip(_XFERCONF, numbers, strict=True):
        bad = p(name) != "--BLANK--" and len(p(name)) > 50
        checks.append((bad, f"TRANSFER CONF NUMBER {number} IS NOT VALID", name))
    for name, reason in zip(_URLS, _URL_REASONS, strict=True):
        bad = p(name) not in ("", "--BLANK--") and not 3 <= len(p(name)) <= 65000
        checks.append((bad, f"{reason} IS NOT VALID", name))
    randomize, secondary = p("list_order_randomize"), p("list_order_secondary")
    checks += [
        # This API always refuses RANDOM orders (camp_lead_order_random is hard-coded on).
        ("RANDOM" in order.upper(), "LIST ORDER INCLUDING RANDOM ARE NOT ALLOWED", "list_order"),
        (bool(order) and order not in LIST_ORDERS, f"LIST ORDER {suffix[0]}", "list_order"),
        (bool(order) and not 2 <= len(order) <= 30, f"LIST ORDER {suffix[1]}", "list_order"),
        (randomize not in ("", "Y", "N"), f"LIST ORDER RANDOMIZE {suffix[0]}",
         "list_order_randomize"),
        (bool(secondary) and secondary not in _SECONDARY, f"LIST ORDER SECONDARY {suffix[0]}",
         "list_order_secondary"),
    ]  # fmt: skip
    return checks


class _Refused(Exception):
    """A dial status change VICIdial refuses: the reason and the parameter it names."""

    def __init__(self, reason: str, name: str) -> None:
        super().__init__(reason)
        self.reason, self.name = reason, name


def _dial_statuses(ctx: Ctx, out: Out, campaign: Campaign) -> str | None:
    """The new dial_statuses ("" = unchanged); None after printing an ERROR."""
    try:
        add, remove = ctx.p("dial_status_add"), ctx.p("dial_status_remove")
        return _new_statuses(add, remove, campaign.dial_statuses)
    except _Refused as refused:
        optional_error(ctx, out, _CAMPAIGN, refused.reason, refused.name)
        return None


def _new_statuses(add: str, remove: str, current: str) -> str:
    new = ""
    if add:
        if len(add) > 6:
            raise _Refused("DIAL STATUS ADD IS NOT VALID", "dial_status_add")
        if len(current) > 248:
            reason = "DIAL STATUS ADD FAILURE, TOO MANY EXISTING DIAL STATUSES"
            raise _Refused(reason, "dial_status_add")
        # Prepended without a duplicate check: a repeat adds the status again.
        new = f" {add}{current if len(current) >= 2 else ' -'}"
    if remove:
        if len(remove) > 6:
            raise _Refused("DIAL STATUS REMOVE IS NOT VALID", "dial_status_remove")
        if not new and current in ("", " -"):
            reason = "DIAL STATUS REMOVE FAILURE, NO EXISTING DIAL STATUSES SET"
            raise _Refused(reason, "dial_status_remove")
        base = new or current
        pattern = re.compile(rf"\s{re.escape(remove)}\s", re.IGNORECASE)
        if not pattern.search(base):
            reason = "DIAL STATUS REMOVE FAILURE, NOT AN EXISTING DIAL STATUS"
            raise _Refused(reason, "dial_status_remove")
        new = pattern.sub(" ", base)
    return new


# Parameters that become a column: on the shared Campaign row or in CampaignSettings.
_CAMPAIGN_COLUMNS: dict[str, str] = {
    "campaign_name": "campaign_name",
    "active": "active",
    "dial_timeout": "dial_timeout",
    "hopper_level": "hopper_level",
    "campaign_vdad_exten": "campaign_vdad_exten",
    "adaptive_maximum_level": "adaptive_maximum_level",
    "dial_method": "dial_method",
    "auto_dial_level": "auto_dial_level",
    "outbound_cid": "campaign_cid",
    "lead_filter_id": "lead_filter_id",
    **{name: name for name in _XFERCONF},
    "list_order": "lead_order",
    "list_order_randomize": "lead_order_randomize",
    "list_order_secondary": "lead_order_secondary",
    "webform_one": "web_form_address",
    "webform_two": "web_form_address_two",
    "webform_three": "web_form_address_three",
    "dispo_call_url": "dispo_call_url",
}


def _apply_campaign(ctx: Ctx, campaign: Campaign, updates: dict[str, str]) -> None:
    settings: CampaignSettings = ctx.state.listadmin.campaign_settings_of(campaign.campaign_id)
    settings.campaign_changedate = ctx.state.now_text()
    for name, value in updates.items():
        column = _CAMPAIGN_COLUMNS.get(name, name)
        if name in _XFERCONF:
            settings.xferconf[_XFERCONF.index(name)] = value
        elif hasattr(campaign, column):
            setattr(campaign, column, value)
        else:
            setattr(settings, column, value)


# --- update_alt_url ------------------------------------------------------------------------------

_ALT_COLUMNS: dict[str, dict[str, str]] = {
    "campaign": {"dispo": "dispo_call_url", "start": "start_call_url", "noagent": "na_call_url"},
    "ingroup": {
        "dispo": "dispo_call_url",
        "start": "start_call_url",
        "noagent": "na_call_url",
        "addlead": "add_lead_url",
    },
    "list": {"noagent": "na_call_url"},
}
_SECTIONS = {"campaign": "CAMPAIGNS", "ingroup": "INGROUPS", "list": "LISTS"}


def update_alt_url(ctx: Ctx, out: Out) -> None:
    campaign = _needs_campaign(ctx, out, _ALT, 20)
    if campaign is None:
        return
    campaign_id, entry_type, url_type = campaign.campaign_id, ctx.p("entry_type"), ctx.p("url_type")
    values = {"user": ctx.user_name, "campaign_id": campaign_id, "entry_type": entry_type}
    values["url_type"] = url_type
    entries = [
        u
        for u in ctx.state.listadmin.alt_urls
        if (u.campaign_id, u.entry_type, u.url_type) == (campaign_id, entry_type, url_type)
    ]
    if ctx.p("alt_url_id") == "LIST":
        _list_alt_urls(ctx, out, entries, values)
        return
    if not _alt_enabled(ctx, out, values):
        return
    alt_url_id = _alt_url_id(ctx, out, entries, values)
    if alt_url_id is None:
        return
    failure = first_failure(_alt_checks(ctx))
    if failure is not None:
        optional_error(ctx, out, _ALT, *failure)
        return
    _save_alt_url(ctx, out, alt_url_id, values)


def _list_alt_urls(ctx: Ctx, out: Out, entries: list[AltUrl], values: dict[str, str]) -> None:
    if not entries:
        out.line(render(_ALT, "LIST, No Records Found", values))
        return
    dl = delimiter(ctx.p("stage"))
    if ctx.p("header") == "YES":
        out.line(dl.join(rows_columns(_ALT)))
    for u in sorted(entries, key=lambda u: u.url_id)[:1000]:
        row = (
            str(u.url_id),
            u.campaign_id,
            u.entry_type,
            u.active,
            u.url_type,
            u.url_rank,
            u.url_statuses,
            u.url_description,
            u.url_lists,
            u.url_call_length,
            u.url_address,
        )
        out.line(dl.join(row))  # fmt: skip


def _alt_enabled(ctx: Ctx, out: Out, values: dict[str, str]) -> bool:
    """The campaign / in-group / list's URL of this type is set to ALT."""
    entry_type, url_type, target = values["entry_type"], values["url_type"], values["campaign_id"]
    columns = _ALT_COLUMNS.get(entry_type)
    if columns is None:
        out.line(render(_ALT, "NO ENTRY TYPE DEFINED:", values))
        return False
    column = columns.get(url_type)
    if column is None:
        out.line(render(_ALT, "NO VALID URL TYPE DEFINED:", values))
        return False
    data = ctx.state.listadmin
    row: object | None
    if entry_type == "campaign":
        row = data.campaign_settings_of(target)
    elif entry_type == "ingroup":
        row = data.inbound_groups.get(target)
    else:
        row = data.list_settings.get(target) if target in ctx.state.lists else None
    if row is None or getattr(row, column) != "ALT":
        section = _SECTIONS[entry_type]
        out.line(render(_ALT, f"{section} {url_type} URL IS NOT SET TO ALT", values))
        return False
    return True


def _alt_url_id(ctx: Ctx, out: Out, entries: list[AltUrl], values: dict[str, str]) -> str | None:
    """The entry to change: the id given, else the type's only entry ("" when there is none)."""
    wanted = ctx.p("alt_url_id")
    if wanted == "NEW" or any(str(u.url_id) == wanted for u in entries):
        return wanted
    first_two = sorted(entries, key=lambda u: u.url_id)[:2]
    if len(first_two) < 2:
        return str(first_two[0].url_id) if first_two else ""
    details = values | {"alt_url_id": wanted, "entries_count": len(first_two)}
    out.line(render(_ALT, "ALT URL ID DOES NOT EXIST", details))
    return None


def _alt_checks(ctx: Ctx) -> list[tuple[bool, str, str]]:
    p = ctx.p
    address, description, lists = p("url_address"), p("url_description"), p("url_lists")
    return [
        (p("active") not in ("", "Y", "N"), "ACTIVE MUST BE Y OR N", "active"),
        (address not in ("", "--BLANK--") and not 5 <= len(address) <= 65000,
         "URL ADDRESS IS NOT VALID", "url_address"),
        (len(p("url_rank")) > 5, "URL RANK IS NOT VALID", "url_rank"),
        (len(p("url_call_length")) > 5, "URL CAL LENGTH IS NOT VALID", "url_call_length"),
        (len(p("url_statuses")) > 1000, "URL STATUSES IS NOT VALID", "url_statuses"),
        (description != "--BLANK--" and len(description) > 255, "URL DESCRIPTION IS NOT VALID",
         "url_description"),
        (lists != "--BLANK--" and len(lists) > 1000, "URL LISTS IS NOT VALID", "url_lists"),
    ]  # fmt: skip


_ALT_FIELDS = (
    "active", "url_rank", "url_statuses", "url_description", "url_lists", "url_call_length",
    "url_address",
)  # fmt: skip


def _save_alt_url(ctx: Ctx, out: Out, alt_url_id: str, values: dict[str, str]) -> None:
    blankable = ("url_address", "url_description", "url_lists")
    changes = {
        name: (blank_or(ctx.p(name)) if name in blankable else ctx.p(name))
        for name in _ALT_FIELDS
        if ctx.p(name)
    }
    if not changes:
        out.line(render(_ALT, "NO UPDATES DEFINED", values))
        return
    data = ctx.state.listadmin
    if alt_url_id == "NEW":
        row = AltUrl(0, values["campaign_id"], values["entry_type"], values["url_type"])
        _set_all(row, changes)
        data.add_alt_url(row)
        out.line(render(_ALT, "ALT URL HAS BEEN ADDED", values | {"new_url_id": str(row.url_id)}))
        return
    # The UPDATE matches campaign_id and url_id only (not the entry or URL type).
    for row in data.alt_urls:
        if row.campaign_id == values["campaign_id"] and str(row.url_id) == alt_url_id:
            _set_all(row, changes)
    out.line(render(_ALT, "ALT URL HAS BEEN UPDATED", values | {"alt_url_id": alt_url_id}))


def _set_all(row: object, changes: dict[str, str]) -> None:
    for name, value in changes.items():
        setattr(row, name, value)


# --- update_presets ------------------------------------------------------------------------------


def update_presets(ctx: Ctx, out: Out) -> None:
    campaign = _needs_campaign(ctx, out, _PRESETS, 8)
    if campaign is None:
        return
    campaign_id, action = campaign.campaign_id, ctx.p("action")
    values = {"user": ctx.user_name, "campaign_id": campaign_id}
    presets = sorted(
        (p for p in ctx.state.listadmin.presets if p.campaign_id == campaign_id),
        key=lambda p: p.preset_name.casefold(),  # MySQL's case-insensitive collation
    )
    if action == "LIST":
        _list_presets(ctx, out, presets, values)
        return
    name = ctx.p("preset_name")
    if action != "NEW" and not any(p.preset_name == name for p in presets):
        if len(presets) >= 2:
            details = values | {"preset_name": name, "presets_count": 2}
            out.line(render(_PRESETS, "PRESET NAME DOES NOT EXIST", details))
            return
        name = presets[0].preset_name if presets else ""
    failure = first_failure(_preset_checks(ctx))
    if failure is not None:
        optional_error(ctx, out, _PRESETS, *failure)
        return
    _save_preset(ctx, out, action, values | {"preset_name": name})


def _list_presets(ctx: Ctx, out: Out, presets: list[Preset], values: dict[str, str]) -> None:
    if not presets:
        out.line(render(_PRESETS, "LIST, No Records Found", values))
        return
    dl = delimiter(ctx.p("stage"))
    if ctx.p("header") == "YES":
        out.line(dl.join(rows_columns(_PRESETS)))
    for p in presets[:1000]:
        row = (p.preset_name, p.campaign_id, p.preset_number, p.preset_hide_number, p.preset_dtmf)
        out.line(dl.join(row))


def _preset_checks(ctx: Ctx) -> list[tuple[bool, str, str]]:
    hide, number, dtmf = ctx.p("preset_hide_number"), ctx.p("preset_number"), ctx.p("preset_dtmf")
    return [
        (hide not in ("", "Y", "N"), "PRESET HIDE NUMBER MUST BE Y OR N", "preset_hide_number"),
        (len(number) > 50, "PRESET NUMBER IS NOT VALID", "preset_number"),
        (dtmf != "--BLANK--" and len(dtmf) > 50, "PRESET DTMF IS NOT VALID", "preset_dtmf"),
    ]


def _save_preset(ctx: Ctx, out: Out, action: str, values: dict[str, str]) -> None:
    changes = {
        name: blank_or(ctx.p(name)) if name == "preset_dtmf" else ctx.p(name)
        for name in ("preset_number", "preset_dtmf", "preset_hide_number")
        if ctx.p(name)
    }
    data = ctx.state.listadmin
    campaign_id, name = values["campaign_id"], values["preset_name"]

    def mine(p: Preset) -> bool:
        return (p.campaign_id, p.preset_name) == (campaign_id, name)

    if action == "DELETE":
        data.presets = [p for p in data.presets if not mine(p)]
        out.line(render(_PRESETS, "PRESET HAS BEEN DELETED", values))
    elif not changes:
        out.line(render(_PRESETS, "NO UPDATES DEFINED", values))
    elif action == "NEW":
        # No duplicate check, and the table has no unique key: a repeat adds a second row.
        preset = Preset(campaign_id, name)
        _set_all(preset, changes)
        data.presets.append(preset)
        out.line(render(_PRESETS, "PRESET HAS BEEN ADDED", values))
    else:
        for preset in filter(mine, data.presets):
            _set_all(preset, changes)
        out.line(render(_PRESETS, "PRESET HAS BEEN UPDATED", values))


# --- hopper_list ---------------------------------------------------------------------------------

_SERVER_GMT = 0.0  # the simulated server runs in UTC


def hopper_list(ctx: Ctx, out: Out) -> None:
    """The READY hopper rows of a campaign, priority first, with their leads' data."""
    campaign_id = ctx.p("campaign_id")
    values = {"user": ctx.user_name, "campaign_id": campaign_id}
    if not campaign_visible(ctx, campaign_id):
        out.line(render(_HOPPER, "THIS CAMPAIGN DOES NOT EXIST", values))
        return
    entries = sorted(
        (e for e in ctx.state.hopper.values() if e.status == "READY"),
        key=lambda e: (-e.priority, e.hopper_id),
    )
    entries = [e for e in entries if e.campaign_id == campaign_id]
    if "BLOCK" in ctx.p("search_method"):  # one join: hopper rows without a lead drop out
        entries = [e for e in entries if e.lead_id in ctx.state.leads]
    entries = entries[:10000]
    if not entries:
        out.line(render(_HOPPER, "THERE ARE NO LEADS IN THE HOPPER FOR THIS CAMPAIGN", values))
        return
    dl = delimiter(ctx.p("stage"))
    if ctx.p("header") == "YES":
        out.line(dl.join(rows_columns(_HOPPER)))
    for order, entry in enumerate(entries):
        out.line(dl.join(_hopper_row(ctx, order, entry)))


def _hopper_row(ctx: Ctx, order: int, entry: HopperEntry) -> tuple[str, ...]:
    lead = ctx.state.leads.get(entry.lead_id)
    now = ctx.state.now()
    got: Callable[[str], str] = (lambda name: lead.column(name)) if lead else (lambda name: "")
    entry_epoch = lead.entry_epoch if lead else 0.0
    age_days = int((now - entry_epoch) / 86400)
    return (
        str(order), str(entry.priority), str(entry.lead_id), entry.list_id, got("phone_number"),
        got("phone_code"), got("state"), got("status"), got("called_count"),
        got("gmt_offset_now"), got("rank"), "NONE", entry.source, got("vendor_lead_code"),
        got("source_id"), str(age_days), _last_call_text(now, lead),
    )  # fmt: skip


def _last_call_text(now: float, lead: Lead | None) -> str:
    """Hours, days or years since the lead's last local call, padded like ``_QXZ(word, n)``."""
    text = lead.last_local_call_time if lead else ""
    try:
        epoch = float(calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S")))
    except ValueError:
        epoch = 0.0  # NULL: UNIX_TIMESTAMP() is NULL, which PHP adds as 0
    gmt = _float(lead.gmt_offset_now) if lead else 0.0
    offset = (gmt - _SERVER_GMT) * 3600
    hours = int((now - (epoch + offset)) / 3600)
    if hours < 24:
        return f"{hours} HOURS "
    days = int(hours / 24)
    if days < 365:
        return f"{days} DAYS  "
    years = int(days / 365)
    return f"{years} YEARS " if years < 30 else "NEVER    "


def _float(text: str) -> float:
    """A stored decimal as PHP's arithmetic uses it ("" and junk are 0)."""
    try:
        return float(text)
    except ValueError:
        return 0.0


# --- agent_campaigns -----------------------------------------------------------------------------


def agent_campaigns(ctx: Ctx, out: Out) -> None:
    """The agent's group's active campaigns, and the active in-groups those campaigns take."""
    if not may(ctx, "modify_users"):
        refuse(ctx, out, _AGENT, "USER DOES NOT HAVE PERMISSION TO GET AGENT INFO")
        return
    agent_user = ctx.p("agent_user")
    values = {"user": ctx.user_name, "agent_user": agent_user}
    agent = ctx.state.users.get(agent_user)
    viewable = ctx.state.user_group_of(ctx.user).viewable_groups()
    if agent is None or (viewable is not None and agent.user_group not in viewable):
        out.line(render(_AGENT, "AGENT USER DOES NOT EXIST", values))
        return
    campaigns = _agent_campaigns(ctx, agent)
    if not campaigns:
        out.line(render(_AGENT, "THIS AGENT USER HAS NO AVAILABLE CAMPAIGNS", values))
        return
    dl = delimiter(ctx.p("stage"))
    if ctx.p("header") == "YES":
        out.line(dl.join(rows_columns(_AGENT)))
    ingroups = _agent_ingroups(ctx, campaigns)
    out.line(dl.join((agent_user, "-".join(campaigns), "-".join(ingroups))))


def _agent_campaigns(ctx: Ctx, agent: SimUser) -> list[str]:
    allowed = ctx.state.user_group_of(agent).campaign_filter()
    wanted = ctx.p("campaign_id")
    ids = [
        c.campaign_id
        for c in ctx.state.campaigns.values()
        if c.active == "Y"
        and (allowed is None or c.campaign_id in allowed)
        and (not wanted or c.campaign_id == wanted)
    ]
    # "campaign_id IN(...)" reads the primary key in order; without it, table order.
    return sorted(ids) if allowed is not None else ids


def _agent_ingroups(ctx: Ctx, campaigns: list[str]) -> list[str]:
    data = ctx.state.listadmin
    closers: set[str] = set()
    for campaign_id in campaigns:
        stored = data.campaign_settings_of(campaign_id).closer_campaigns
        closers.update(stored.removesuffix("-").split())
    skip_direct = ctx.p("ignore_agentdirect") == "Y"
    return sorted(
        g.group_id
        for g in data.inbound_groups.values()
        if g.active == "Y"
        and g.group_id in closers
        and not (skip_direct and g.group_id.upper().startswith("AGENTDIRECT"))
    )


IMPLS: tuple[FunctionImpl, ...] = (
    FunctionImpl(
        _CAMPAIGN,
        update_campaign,
        permitted=_campaign_editor,
        permission_message="USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS",
    ),
    FunctionImpl(
        _ALT,
        update_alt_url,
        permitted=_campaign_editor,
        permission_message="USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS",
    ),
    FunctionImpl(
        _PRESETS,
        update_presets,
        permitted=_campaign_editor,
        permission_message="USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS",
    ),
    FunctionImpl(
        _HOPPER,
        hopper_list,
        permitted=_reporter,
        permission_message="USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO",
    ),
    FunctionImpl(
        _AGENT,
        agent_campaigns,
        permitted=_reporter,
        permission_message="USER DOES NOT HAVE PERMISSION TO GET AGENT INFO",
    ),
)
