"""Steps add_lead and update_lead share: building a lead, alt phones, hopper and callbacks.

Both functions print these NOTICE lines with their own function name in front, so every helper
takes the function name and renders from that function's catalog templates.
"""

from __future__ import annotations

import re

from ..clock import datetime_text
from ..gmt import dialable, lookup_gmt, stored_decimal
from ..model import AltPhone, Callback, HopperEntry, Lead, SimUser
from .base import Ctx, Out, render

# Parameters copied verbatim into a new lead (after the input filter).
INSERT_FIELDS: tuple[str, ...] = (
    "vendor_lead_code", "source_id", "title", "first_name", "middle_initial", "last_name",
    "address1", "address2", "address3", "city", "state", "province", "postal_code",
    "country_code", "gender", "date_of_birth", "alt_phone", "email", "security_phrase",
    "comments", "owner",
)  # fmt: skip


def lead_writer(user: SimUser) -> bool:
    """The add_lead / update_lead permission query: modify_leads 1-4, level 8+."""
    return user.vdc_agent_api_access and 1 <= user.modify_leads <= 4 and user.user_level > 7


def new_lead(
    ctx: Ctx, *, list_id: str, phone_code: str, status: str, gmt_offset: str, entry_list_id: str
) -> Lead:
    """The row add_lead (and update_lead's insert) writes; lead_id is assigned on insert."""
    lead = Lead(
        lead_id=0,
        list_id=list_id,
        phone_number=ctx.p("phone_number"),
        status=status,
        user=ctx.user_name,
        gmt_offset_now=stored_decimal(gmt_offset),
        phone_code=phone_code,
        rank=ctx.p("rank") or "0",
        last_local_call_time=ctx.state.now_text(),
        entry_list_id=entry_list_id or "0",
        entry_epoch=ctx.state.now(),
    )
    for name in INSERT_FIELDS:
        setattr(lead, name, ctx.p(name))
    # An empty date into a DATE column (MySQL without strict mode), as a real server shows.
    lead.date_of_birth = lead.date_of_birth or "0000-00-00"
    return lead


def gmt_for(ctx: Ctx, phone_code: str) -> str:
    return lookup_gmt(phone_code, ctx.p("phone_number"), ctx.state.now())


def load_alt_phones(ctx: Ctx, out: Out, function: str, lead: Lead) -> None:
    """multi_alt_phones: ``number_code_note!...``; the PHP prints each record unterminated."""
    value = ctx.p("multi_alt_phones")
    if len(value) <= 5:
        return
    for count, record in enumerate(value.split("!"), start=1):
        parts = [*record.split("_"), "", ""]
        out.raw(f"{parts[0]}|{parts[1]}|{parts[2]}")  # VICIdial's debug print, no line end
        lead.alt_phones.append(AltPhone(parts[0], parts[1] or "1", parts[2], count))
    values = {
        "inserted_alt_phones": len(lead.alt_phones),
        "lead_id": lead.lead_id,
        "user": ctx.user_name,
    }
    out.line(render(function, "MULTI-ALT-PHONE NUMBERS LOADED", values))


def hopper_priority(text: str) -> int:
    """hopper_priority: digits and ``-`` only, default 0, clamped to -99..99."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    return max(-99, min(99, value))


def add_to_hopper(
    ctx: Ctx, out: Out, function: str, *, lead_id: int, list_id: str, gmt_offset: str
) -> None:
    """Insert a lead into the hopper of ``list_id``'s campaign, if dialable now when asked."""
    lst = ctx.state.lists.get(list_id)
    campaign = ctx.state.campaigns.get(lst.campaign_id) if lst else None
    call_time = campaign.local_call_time if campaign else ""
    if lst and lst.local_call_time and lst.local_call_time.lower() != "campaign":
        call_time = lst.local_call_time
    phone = ctx.p("phone_number")
    if ctx.p("hopper_local_call_time_check") == "Y" and not dialable(
        call_time, gmt_offset, ctx.state.now()
    ):
        values = {
            "phone_number": phone,
            "lead_id": lead_id,
            "gmt_offset": gmt_offset,
            "dialable": 0,
            "user": ctx.user_name,
        }
        out.line(render(function, "NOT ADDED TO HOPPER, OUTSIDE OF LOCAL TIME", values))
        return
    entry = HopperEntry(
        0,
        lead_id,
        campaign.campaign_id if campaign else "",
        list_id,
        priority=hopper_priority(ctx.p("hopper_priority")),
    )
    ctx.state.add_to_hopper(entry)
    values = {
        "phone_number": phone,
        "lead_id": lead_id,
        "hopper_id": entry.hopper_id,
        "user": ctx.user_name,
    }
    out.line(render(function, "ADDED TO HOPPER", values))


def callback_time(ctx: Ctx) -> str:
    """callback_datetime as stored: ``NOW``, ``<n>DAYS`` from now, or the literal value."""
    value = ctx.p("callback_datetime")
    if value == "NOW":
        return ctx.state.now_text()
    if re.search(r"\dDAYS$", value, re.IGNORECASE):
        days = int("".join(ch for ch in value if ch.isdigit()))
        return datetime_text(ctx.state.now() + days * 86400)
    return value


def schedule_callback(ctx: Ctx, out: Out, function: str, lead_id: int, list_id: str) -> None:
    """Create a scheduled callback (campaign must exist; USERONLY needs an existing user)."""
    campaign_id = ctx.p("campaign_id")
    if campaign_id not in ctx.state.campaigns:
        values = {"lead_id": lead_id, "campaign_id": campaign_id}
        out.line(render(function, "SCHEDULED CALLBACK NOT ADDED, CAMPAIGN NOT VALID", values))
        return
    callback_type, callback_user, user_group = ctx.p("callback_type"), ctx.p("callback_user"), ""
    if callback_type == "USERONLY":
        target = ctx.state.users.get(callback_user)
        if target is None:
            values = {
                "lead_id": lead_id,
                "campaign_id": campaign_id,
                "callback_user": callback_user,
                "callback_type": callback_type,
            }
            out.line(render(function, "SCHEDULED CALLBACK NOT ADDED, USER NOT VALID", values))
            return
        user_group = target.user_group
    else:
        callback_type, callback_user = "ANYONE", ""
    when = callback_time(ctx)
    status = ctx.p("callback_status") or "CALLBK"
    ctx.state.add_callback(
        Callback(
            0,
            lead_id,
            list_id,
            campaign_id,
            "ACTIVE",
            ctx.state.now_text(),
            when,
            callback_user,
            callback_type,
            ctx.p("callback_comments"),
            user_group,
            status,
        )
    )
    values = {
        "lead_id": lead_id,
        "campaign_id": campaign_id,
        "callback_datetime": when,
        "callback_type": callback_type,
        "callback_user": callback_user,
        "callback_status": status,
    }
    out.line(render(function, "SCHEDULED CALLBACK ADDED", values))
