"""add_lead: validate a phone number, run the optional DNC and duplicate checks, insert the lead.

Check order is the PHP's: list exists, defaults (list 999, gender U ...), NANPA availability,
phone number length / prefix / area code, DNC, campaign DNC, duplicate checks, insert, then the
follow-up NOTICE lines (alt phones, custom fields, hopper, callback). Each failed check prints one
ERROR line and ends the call.
"""

from __future__ import annotations

from collections.abc import Callable

from ..gmt import area_code
from ..model import Lead
from .base import Ctx, FunctionImpl, Out, render
from .lead_common import (
    add_to_hopper,
    gmt_for,
    lead_writer,
    load_alt_phones,
    new_lead,
    schedule_callback,
)
from .lead_custom import add_lead_custom

FN = "add_lead"

_DAY_OPTIONS = (1, 2, 3, 7, 14, 15, 21, 28, 30, 60, 90, 180, 360)


def _phone_error(ctx: Ctx, phone: str) -> str | None:
    """The INVALID PHONE NUMBER reason, if any (length 6-16, then the optional checks)."""
    if not 6 <= len(phone) <= 16:
        return "INVALID PHONE NUMBER LENGTH"
    fourth = phone[3:4]  # PHP compares it with 2; a comma or nothing is "less" too
    if ctx.p("usacan_prefix_check") == "Y" and not (fourth.isdigit() and int(fourth) >= 2):
        return "INVALID PHONE NUMBER PREFIX"
    # The intended 10-digit check only changes the reason text, it never rejects (code quirk).
    if ctx.p("usacan_areacode_check") == "Y" and area_code(phone) is None:
        return "INVALID PHONE NUMBER AREACODE"
    # nanpa_ac_prefix_check never rejects: without NANPA data the PHP switches it off first.
    return None


def _dnc_error(ctx: Ctx, phone: str) -> str | None:
    candidates = {phone}
    if ctx.p("dnc_check") == "AREACODE":
        candidates.add(phone[:3] + "XXXXXXX")
    if ctx.p("dnc_check") in ("Y", "AREACODE") and candidates & ctx.state.dnc:
        return render(FN, "PHONE NUMBER IN DNC", {"phone_number": phone, "user": ctx.user_name})
    campaign_check = ctx.p("campaign_dnc_check")
    if campaign_check in ("Y", "AREACODE"):
        campaign_id = ctx.p("campaign_id")
        numbers = {phone} | ({phone[:3] + "XXXXXXX"} if campaign_check == "AREACODE" else set())
        if numbers & ctx.state.campaign_dnc.get(campaign_id, set()):
            values = {"phone_number": phone, "campaign_id": campaign_id, "user": ctx.user_name}
            return render(FN, "PHONE NUMBER IN CAMPAIGN DNC", values)
    return None


def _duplicate_error(ctx: Ctx, phone: str, list_id: str) -> str | None:
    """The first duplicate check (in the PHP's order) that finds an existing lead."""
    check = ctx.p("duplicate_check").upper()
    if not check:
        return None
    # xDAY options: only leads entered in the last x days count (the last option named wins).
    days = [d for d in _DAY_OPTIONS if f"{d}DAY" in check]
    since = ctx.state.now() - days[-1] * 86400 if days else 0.0
    campaign_lists: set[str] = set()
    if "CAMP" in check and list_id in ctx.state.lists:
        campaign_lists = ctx.state.campaign_lists(ctx.state.lists[list_id].campaign_id)
    scopes: dict[str, Callable[[Lead], bool]] = {
        "LIST": lambda lead: lead.list_id == list_id,
        "CAMP": lambda lead: lead.list_id in campaign_lists,
        "SYS": lambda lead: True,
    }
    where = {"LIST": "IN LIST", "CAMP": "IN CAMPAIGN LISTS", "SYS": "IN SYSTEM"}
    title, alt, first, last = (ctx.p(n) for n in ("title", "alt_phone", "first_name", "last_name"))
    kinds: list[tuple[str, Callable[[Lead], bool], str]] = [
        ("DUP", lambda lead: lead.phone_number == phone, "DUPLICATE PHONE NUMBER"),
        ("DUPPHONEALT", lambda lead: phone in (lead.phone_number, lead.alt_phone),
         "DUPLICATE PHONE NUMBER"),
        ("DUPTITLEALTPHONE", lambda lead: (lead.title, lead.alt_phone) == (title, alt),
         "DUPLICATE TITLE ALT_PHONE"),
        ("DUPNAMEPHONE", lambda lead: (lead.first_name, lead.last_name, lead.phone_number)
         == (first, last, phone), "DUPLICATE NAME PHONE"),
    ]  # fmt: skip
    for prefix, matches, reason in kinds:
        for scope, in_scope in scopes.items():
            if prefix + scope not in check:
                continue
            found = [
                lead
                for lead in ctx.state.leads.values()
                if in_scope(lead) and matches(lead) and lead.entry_epoch > since
            ]
            if found:
                return _duplicate_line(ctx, prefix, f"{reason} {where[scope]}", found[0], list_id)
    return None


def _duplicate_line(ctx: Ctx, kind: str, message: str, dup: Lead, list_id: str) -> str:
    values: dict[str, object] = {
        "phone_number": ctx.p("phone_number"),
        "list_id": list_id,
        "duplicate_lead_id": dup.lead_id,
        "duplicate_lead_list_id": dup.list_id,
        "title": ctx.p("title"),
        "alt_phone": ctx.p("alt_phone"),
        "first_name": ctx.p("first_name"),
        "last_name": ctx.p("last_name"),
    }
    if kind == "DUPPHONEALT":
        values["duplicate_type"] = "PHONE" if dup.phone_number == ctx.p("phone_number") else "ALT"
        plain = 3 if message.endswith("IN LIST") else 4
        return render(FN, message, values, fields=plain + 1)
    if kind == "DUP":
        return render(FN, message, values, fields=3 if message.endswith("IN LIST") else 4)
    return render(FN, message, values)


def add_lead(ctx: Ctx, out: Out) -> None:
    """Insert one lead into ``vicidial_list``."""
    phone = ctx.p("phone_number")
    list_id = "".join(ch for ch in ctx.p("list_id") if ch.isdigit())
    if "Y" in ctx.p("list_exists_check").upper() and list_id not in ctx.state.lists:
        values: dict[str, object] = {"phone_number": phone, "list_id": list_id}
        out.line(render(FN, "NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED", values))
        return
    list_id = list_id if len(list_id) >= 3 else "999"
    phone_code = ctx.p("phone_code") or "1"
    if ctx.p("nanpa_ac_prefix_check") == "Y" or "NANPA" in ctx.p("tz_method").upper():
        values = {"nanpa_row_count": 0, "user": ctx.user_name}
        out.line(render(FN, "NANPA options disabled, NANPA prefix data not loaded", values))
    reason = _phone_error(ctx, phone)
    if reason is not None:
        out.line(render(FN, reason, {"phone_number": phone, "user": ctx.user_name}))
        return
    error = _dnc_error(ctx, phone) or _duplicate_error(ctx, phone, list_id)
    if error is not None:
        out.line(error)
        return
    gmt_offset = gmt_for(ctx, phone_code)
    callback = ctx.p("callback") == "Y"
    lead = new_lead(
        ctx,
        list_id=list_id,
        phone_code=phone_code,
        status="CBHOLD" if callback else "NEW",
        gmt_offset=gmt_offset,
        entry_list_id=ctx.p("entry_list_id"),
    )
    if ctx.p("lookup_state") == "Y" and not lead.state and phone_code == "1":
        row = area_code(phone)
        lead.state = row.state if row else ""
    if not lead.gender:
        lead.gender = "U"
    ctx.state.insert_lead(lead)
    values = {
        "phone_number": phone,
        "list_id": list_id,
        "lead_id": lead.lead_id,
        "gmt_offset": gmt_offset,
        "user": ctx.user_name,
    }
    out.line(render(FN, "LEAD HAS BEEN ADDED", values))
    load_alt_phones(ctx, out, FN, lead)
    if ctx.p("custom_fields") == "Y":
        add_lead_custom(ctx, out, FN, lead)
    if ctx.p("add_to_hopper") == "Y":
        add_to_hopper(ctx, out, FN, lead_id=lead.lead_id, list_id=list_id, gmt_offset=gmt_offset)
    if callback:
        schedule_callback(ctx, out, FN, lead.lead_id, list_id)


IMPLS: tuple[FunctionImpl, ...] = (
    FunctionImpl(
        FN,
        add_lead,
        permitted=lead_writer,
        permission_message="USER DOES NOT HAVE PERMISSION TO ADD LEADS TO THE SYSTEM",
    ),
)
