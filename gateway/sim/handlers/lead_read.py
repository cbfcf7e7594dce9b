"""Lead lookups: lead_search and lead_all_info.

lead_search prints one ``key|count|ids`` row per requested phone number (ids newest first, joined
by ``-``) and, on ``header=YES``, a header whose names are run together because the PHP builds it
with an undefined delimiter variable. lead_all_info repeats its header row before every lead.
"""

from __future__ import annotations

from ..model import LEAD_COLUMNS, Lead, SimUser
from .base import Ctx, FunctionImpl, Out, delimiter, render
from .lead_custom import all_info_custom

# lead_search's header=YES row: "search_key" . $DL . "records_found" ... with $DL undefined.
LEAD_SEARCH_HEADER = "search_keyrecords_foundlead_ids"


def _php_equal(a: str, b: str) -> bool:
    """PHP 8 ``==`` on two strings: numeric strings compare as numbers."""
    if a.isdigit() and b.isdigit():
        return int(a) == int(b)
    return a == b


def _split_keys(value: str, *, phones: bool = False) -> list[str]:
    """explode(',') keeping non-empty parts (phone numbers: only those of 6-18 digits)."""
    parts = [p for p in value.split(",") if p]
    return [p for p in parts if 5 < len(p) < 19] if phones else parts


def _search_scope(ctx: Ctx, list_id: str) -> set[str] | None:
    """search_location: SYSTEM (None), LIST or CAMPAIGN (needs a list_id of 3+ digits >= 99)."""
    location = ctx.p("search_location")
    if len(location) < 4 or len(list_id) < 3 or int(list_id) < 99:
        return None
    scope: set[str] | None = None
    if "CAMPAIGN" in location:
        lst = ctx.state.lists.get(list_id)
        if lst is not None:
            scope = ctx.state.campaign_lists(lst.campaign_id)
    if "LIST" in location:
        scope = {list_id}
    return scope


def lead_search(ctx: Ctx, out: Out) -> None:
    """Find lead ids by phone numbers (or vendor lead codes / lead ids, undocumented)."""
    list_id = "".join(ch for ch in ctx.p("list_id") if ch.isdigit())
    method = ctx.p("search_method")
    method = method if len(method) >= 6 else "PHONE_NUMBER"
    records = int(ctx.p("records") or "1000")
    phone_number, vendor_lead_code, lead_id = (
        ctx.p("phone_number"),
        ctx.p("vendor_lead_code"),
        ctx.p("lead_id"),
    )
    find_ids = "LEAD_ID" in method and bool(lead_id)
    vendor_keys = _split_keys(vendor_lead_code) if "VENDOR_LEAD_CODE" in method else []
    find_vendor = "VENDOR_LEAD_CODE" in method and bool(vendor_lead_code)
    phone_keys = _split_keys(phone_number, phones=True) if "PHONE_NUMBER" in method else []
    find_phone = "PHONE_NUMBER" in method and len(phone_number) > 5
    if not (find_ids or find_vendor or find_phone):
        data = {
            "user": ctx.user_name,
            "search_method": method,
            "lead_id_flag": f"{lead_id}(0)",
            "vendor_lead_code_flag": f"{vendor_lead_code}(0)",
            "phone_number_flag": f"{phone_number}(0)",
        }
        out.line(render("lead_search", "NO VALID SEARCH METHOD", data))
        return
    scope = _search_scope(ctx, list_id)
    archived = ctx.p("archived_lead") == "Y"

    def search(match: set[str], key: str) -> list[tuple[str, Lead]]:
        found = ctx.state.find_leads(
            lambda lead: lead.column(key) in match and (scope is None or lead.list_id in scope),
            archived=archived,
        )
        return [(lead.column(key), lead) for lead in found[:records]]

    hits: list[tuple[str, Lead]] = []
    if find_ids:
        wanted_ids = set(_split_keys(ctx.p("lead_ids")))
        hits = [(str(lead.lead_id), lead) for _, lead in search(wanted_ids, "lead_id")]
    if find_vendor and not hits:
        hits = search(set(vendor_keys), "vendor_lead_code")
    if find_phone and not hits:
        hits = search(set(phone_keys), "phone_number")
    if not hits:
        values = {
            "user": ctx.user_name,
            "lead_id": lead_id,
            "vendor_lead_code": vendor_lead_code,
            "phone_number": phone_number,
        }
        out.line(render("lead_search", "NO MATCHES FOUND IN THE SYSTEM", values))
        return
    if ctx.p("header") == "YES":
        out.line(LEAD_SEARCH_HEADER)
    for key in (*phone_keys, *vendor_keys):
        ids = [str(lead.lead_id) for hit_key, lead in hits if _php_equal(key, hit_key)]
        out.line(f"{key}|{len(ids)}|{'-'.join(ids)}")


def lead_all_info(ctx: Ctx, out: Out) -> None:
    """All 32 standard fields of a lead (by lead_id) or of every lead with a phone number."""
    lead_id, phone_number = ctx.p("lead_id"), ctx.p("phone_number")
    values = {"user": ctx.user_name, "lead_id": lead_id, "phone_number": phone_number}
    phone_ok = 6 <= len(phone_number) <= 19
    if not lead_id and not phone_ok:
        out.line(render("lead_all_info", "LEAD NOT FOUND", values))
        return
    dl = delimiter(ctx.p("stage"), newline=True)
    allowed = ctx.state.user_group_of(ctx.user).campaign_filter(literal_all=True)
    archived = ctx.p("archived_lead") == "Y"
    if lead_id:
        wanted = int(lead_id)
        leads = ctx.state.find_leads(lambda lead: lead.lead_id == wanted, archived=archived)
    else:
        leads = ctx.state.find_leads(
            lambda lead: lead.phone_number == phone_number, archived=archived
        )
    if not leads:
        out.line(render("lead_all_info", "LEAD NOT FOUND", values))
        return
    rows: list[str] = []
    last_missing_list = ""
    for lead in leads[:1000]:
        lst = ctx.state.lists.get(lead.list_id)
        if lst is None or (allowed is not None and lst.campaign_id not in allowed):
            last_missing_list = lead.list_id
            continue
        labels, custom = all_info_custom(ctx, lead) if ctx.p("custom_fields") == "Y" else ([], [])
        if ctx.p("header") == "YES":
            rows.append(dl.join((*LEAD_COLUMNS, *labels)) + "\n")
        rows.append(dl.join((*(lead.column(c) for c in LEAD_COLUMNS), *custom)) + "\n")
    output = "".join(rows)
    if len(output) > 10:
        out.raw(output)
    elif last_missing_list:
        out.line(
            render(
                "lead_all_info",
                "LIST NOT FOUND",
                {**values, "last_list_id": last_missing_list},
                fields=4,
            )
        )


def _lead_reader(user: SimUser) -> bool:
    return user.vdc_agent_api_access and 1 <= user.modify_leads <= 5


IMPLS: tuple[FunctionImpl, ...] = (
    FunctionImpl(
        "lead_search",
        lead_search,
        permitted=lambda u: _lead_reader(u) and u.user_level > 7,
        permission_message="USER DOES NOT HAVE PERMISSION TO SEARCH FOR LEADS",
    ),
    FunctionImpl(
        "lead_all_info",
        lead_all_info,
        permitted=lambda u: _lead_reader(u) and u.view_reports and u.user_level > 6,
        permission_message="USER DOES NOT HAVE PERMISSION TO GET LEAD INFO",
    ),
)
