"""update_lead: find leads (lead_id / vendor_lead_code / phone_number), then update or delete them,
or insert a new one when nothing matched; then the hopper options.

Only the first search method that finds something is used (LEAD_ID, VENDOR_LEAD_CODE,
PHONE_NUMBER, in that order), newest entry first, at most ``records`` (default 1) leads. A lead
prints its SUCCESS line only when there was something to change or delete.
"""

from __future__ import annotations

from collections.abc import Callable

from gateway.catalog.spec import Result

from ..gmt import stored_decimal
from ..model import Lead
from .base import Ctx, FunctionImpl, Out, render
from .lead_common import (
    add_to_hopper,
    callback_time,
    gmt_for,
    lead_writer,
    load_alt_phones,
    new_lead,
    schedule_callback,
)
from .lead_custom import delete_custom_row, insert_custom, update_found_custom

FN = "update_lead"

# (parameter, column) pairs written when the parameter is not empty, in the PHP's order.
EDITABLE: tuple[tuple[str, str], ...] = (
    ("user_field", "user"), ("list_id_field", "list_id"), ("status", "status"),
    ("vendor_lead_code", "vendor_lead_code"), ("source_id", "source_id"),
    ("gmt_offset_now", "gmt_offset_now"), ("title", "title"), ("first_name", "first_name"),
    ("middle_initial", "middle_initial"), ("last_name", "last_name"), ("address1", "address1"),
    ("address2", "address2"), ("address3", "address3"), ("city", "city"), ("state", "state"),
    ("province", "province"), ("postal_code", "postal_code"), ("country_code", "country_code"),
    ("gender", "gender"), ("date_of_birth", "date_of_birth"), ("alt_phone", "alt_phone"),
    ("email", "email"), ("security_phrase", "security_phrase"), ("comments", "comments"),
    ("rank", "rank"), ("owner", "owner"), ("called_count", "called_count"),
    ("phone_code", "phone_code"),
)  # fmt: skip

_INT_COLUMNS = frozenset({"list_id", "rank", "called_count", "entry_list_id"})
_HOPPER_KEEP = frozenset({"INCALL", "DONE", "HOLD", "DNC"})


def _stored(column: str, value: str) -> str:
    """What the database keeps: ``--BLANK--`` is empty, LF becomes ``!N``, numbers normalise."""
    value = "" if value == "--BLANK--" else value.replace("\n", "!N")
    if column in _INT_COLUMNS:
        return str(int(value)) if value.isdigit() else "0"
    if column == "gmt_offset_now":
        return stored_decimal(value)
    return value


def _changes(ctx: Ctx, entry_list_id: str) -> dict[str, str]:
    changes = {col: ctx.p(name) for name, col in EDITABLE if ctx.p(name)}
    if ctx.p("reset_lead") == "Y":
        changes["called_since_last_reset"] = "N"
    if ctx.p("update_phone_number") == "Y" and ctx.p("phone_number"):
        changes["phone_number"] = ctx.p("phone_number")
    if entry_list_id and ctx.p("custom_fields") != "Y":
        changes["entry_list_id"] = entry_list_id
    return changes


def _scope(ctx: Ctx, list_id: str) -> set[str] | None:
    location = ctx.p("search_location")
    if len(location) < 4 or len(list_id) < 3 or int(list_id) < 99:
        return None
    scope: set[str] | None = None
    if "CAMPAIGN" in location and list_id in ctx.state.lists:
        scope = ctx.state.campaign_lists(ctx.state.lists[list_id].campaign_id)
    if "LIST" in location:
        scope = {list_id}
    return scope


def _method(ctx: Ctx) -> str:
    method = ctx.p("search_method")
    return method if len(method) >= 6 else "LEAD_ID"


def _search(ctx: Ctx, list_id: str) -> list[Lead] | None:
    """The matched leads, or None when no search method is usable."""
    method = _method(ctx)
    lead_id, vendor, phone = ctx.p("lead_id"), ctx.p("vendor_lead_code"), ctx.p("phone_number")
    searches: list[Callable[[Lead], bool]] = []
    if "LEAD_ID" in method and lead_id:
        searches.append(lambda lead: lead.lead_id == int(lead_id))
    if "VENDOR_LEAD_CODE" in method and vendor:
        searches.append(lambda lead: lead.vendor_lead_code == vendor)
    if "PHONE_NUMBER" in method and 5 < len(phone) < 19:
        searches.append(lambda lead: lead.phone_number == phone)
    if not searches:
        return None
    scope = _scope(ctx, list_id)
    records = int(ctx.p("records") or "1")
    table = ctx.state.lead_table(ctx.p("archived_lead") == "Y")
    for match in searches:
        found = [
            lead
            for lead in table.values()
            if match(lead) and (scope is None or lead.list_id in scope)
        ]
        found.sort(key=lambda lead: (lead.entry_epoch, lead.lead_id), reverse=True)
        if found[:records]:
            return found[:records]
    return []


def update_lead(ctx: Ctx, out: Out) -> None:
    list_id = "".join(ch for ch in ctx.p("list_id") if ch.isdigit())
    user, phone = ctx.user_name, ctx.p("phone_number")
    entry_list_id = ctx.p("entry_list_id")
    if len(ctx.p("force_entry_list_id")) > 1:
        entry_list_id = ctx.p("force_entry_list_id")
    keys = {
        "user": user,
        "lead_id": ctx.p("lead_id"),
        "vendor_lead_code": ctx.p("vendor_lead_code"),
        "phone_number": phone,
    }
    found = _search(ctx, list_id)
    if found is None:
        values = {**keys, "search_method": _method(ctx)}
        out.line(render(FN, "NO VALID SEARCH METHOD", values))
        return
    list_id_field = ctx.p("list_id_field")
    check_list = "Y" in ctx.p("list_exists_check").upper() and list_id_field
    if check_list and list_id_field not in ctx.state.lists:
        values = {"phone_number": phone, "list_id_field": list_id_field}
        out.line(render(FN, "NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED", values))
        return
    lead_id = ctx.p("lead_id") or (str(found[0].lead_id) if found else "")
    list_id = list_id or (found[0].list_id if found else "")
    inserted = False
    if ctx.p("no_update") == "Y":
        if not found:
            out.line(render(FN, "NO MATCHES FOUND IN THE SYSTEM", keys, result="NOTICE"))
            return
        first_entry = (
            entry_list_id if len(ctx.p("force_entry_list_id")) > 1 else found[0].entry_list_id
        )
        values = {
            **keys,
            "lead_id": lead_id,
            "list_id": found[0].list_id,
            "entry_list_id": first_entry,
        }
        out.line(render(FN, "LEADS FOUND IN THE SYSTEM", values))
    elif found:
        _update_found(ctx, out, found, entry_list_id)
    else:
        insert = ctx.p("insert_if_not_found") == "Y"
        result: Result = "NOTICE" if insert else "ERROR"
        out.line(render(FN, "NO MATCHES FOUND IN THE SYSTEM", keys, result=result))
        if not insert:
            return
        new_id = _insert(ctx, out, list_id_field or list_id, entry_list_id)
        if new_id is None:
            return
        lead_id, inserted = str(new_id), True
        list_id = list_id_field or list_id
    if found or inserted:
        _hopper(ctx, out, lead_id, list_id)


def _update_found(ctx: Ctx, out: Out, found: list[Lead], entry_list_id: str) -> None:
    """Update (or delete) every matched lead, then its callback and custom-field options."""
    user = ctx.user_name
    changes = _changes(ctx, entry_list_id)
    table = ctx.state.lead_table(ctx.p("archived_lead") == "Y")
    archived_cbs = ""  # $VCBAaffected_rows: set by a delete or REMOVE, kept for later leads
    for lead in found:
        vl_rows = 0
        entry_before = lead.entry_list_id  # $search_entry_list[$n]
        if ctx.p("delete_cf_data") == "Y":
            cf_list = entry_list_id or ctx.p("force_entry_list_id") or lead.entry_list_id
            deleted = delete_custom_row(ctx, cf_list, lead.lead_id)
            vl_rows = int(lead.entry_list_id != "0")
            lead.entry_list_id = "0"
            values = {
                "user": user,
                "lead_id": lead.lead_id,
                "entry_list_id": cf_list,
                "vl_affected_rows": vl_rows,
                "cf_affected_rows": "" if deleted is None else deleted,
            }
            out.line(render(FN, "CUSTOM FIELDS DATA HAS BEEN DELETED", values))
        if changes or ctx.p("delete_lead") == "Y":
            values = {"user": user, "lead_id": lead.lead_id}
            if ctx.p("delete_lead") == "Y":
                deleted, archived = ctx.state.archive_and_delete_callbacks(lead.lead_id)
                table.pop(lead.lead_id, None)
                archived_cbs = str(archived)
                values |= {
                    "cb_deleted_rows": deleted,
                    "vl_affected_rows": 1,
                    "cb_archived_rows": archived_cbs,
                }
                out.line(render(FN, "LEAD HAS BEEN DELETED", values))
            else:
                vl_rows = 0
                for column, value in changes.items():
                    new = _stored(column, value)
                    if lead.column(column) != new:
                        setattr(lead, column, new)
                        vl_rows = 1
                values |= {"vl_affected_rows": vl_rows, "cb_archived_rows": archived_cbs}
                out.line(render(FN, "LEAD HAS BEEN UPDATED", values))
        if ctx.p("callback") == "Y":
            _callback(ctx, out, lead)
        if ctx.p("callback") == "REMOVE":
            deleted, archived = ctx.state.archive_and_delete_callbacks(lead.lead_id)
            archived_cbs = str(archived)
            values = {
                "user": user,
                "lead_id": lead.lead_id,
                "cb_deleted_rows": deleted,
                "cb_archived_rows": archived,
            }
            out.line(render(FN, "SCHEDULED CALLBACK DELETED", values))
        if ctx.p("custom_fields") == "Y":
            update_found_custom(ctx, out, lead, entry_before)


def _callback(ctx: Ctx, out: Out, lead: Lead) -> None:
    """callback=Y: update the lead's existing callback, or schedule a new one."""
    existing = next((cb for cb in ctx.state.callbacks if cb.lead_id == lead.lead_id), None)
    if existing is None:
        schedule_callback(ctx, out, FN, lead.lead_id, lead.list_id)
        return
    when = callback_time(ctx) if ctx.p("callback_datetime") else ""
    updates = {
        "callback_time": when,
        "lead_status": ctx.p("callback_status"),
        "campaign_id": ctx.p("campaign_id"),
        "list_id": ctx.p("list_id_field"),
        "recipient": ctx.p("callback_type"),
        "comments": ctx.p("callback_comments"),
        "user": ctx.p("callback_user"),
    }
    updates = {k: v for k, v in updates.items() if v}
    if not updates:
        message = "SCHEDULED CALLBACK NOT UPDATED, NO FIELDS SPECIFIED"
        out.line(render(FN, message, {"lead_id": lead.lead_id}))
        return
    for column, value in updates.items():
        setattr(existing, column, value)
    existing.status, existing.entry_time = "ACTIVE", ctx.state.now_text()
    values = {
        "lead_id": lead.lead_id,
        "campaign_id": ctx.p("campaign_id"),
        "callback_datetime": when,
        "callback_type": ctx.p("callback_type"),
        "callback_user": ctx.p("callback_user"),
        "callback_status": ctx.p("callback_status"),
    }
    out.line(render(FN, "SCHEDULED CALLBACK UPDATED", values))


def _insert(ctx: Ctx, out: Out, list_id: str, entry_list_id: str) -> int | None:
    """insert_if_not_found=Y: add the lead like add_lead (without its checks)."""
    phone, phone_code = ctx.p("phone_number"), ctx.p("phone_code")
    if not 6 <= len(phone) <= 18 or not phone_code or len(list_id) < 3:
        values: dict[str, object] = {
            "user": ctx.user_name,
            "phone_number": phone,
            "phone_code": phone_code,
            "list_id": list_id,
            "insert_if_not_found": ctx.p("insert_if_not_found"),
        }
        out.line(render(FN, "INVALID DATA FOR LEAD INSERTION", values))
        return None
    gmt_offset = gmt_for(ctx, phone_code)
    lead = new_lead(
        ctx,
        list_id=list_id,
        phone_code=phone_code,
        status=ctx.p("status") or "NEW",
        gmt_offset=gmt_offset,
        entry_list_id=entry_list_id if ctx.p("custom_fields") != "Y" else "",
    )
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
        insert_custom(ctx, out, lead)
    return lead.lead_id


def _hopper(ctx: Ctx, out: Out, lead_id_text: str, list_id: str) -> None:
    """add_to_hopper / remove_from_hopper for ``$lead_id`` (the first matched or new lead)."""
    phone, user = ctx.p("phone_number"), ctx.user_name
    lead_id = int(lead_id_text) if lead_id_text.isdigit() else 0
    values = {"phone_number": phone, "lead_id": lead_id_text, "user": user}
    remove = ctx.p("remove_from_hopper") == "Y"
    if ctx.p("add_to_hopper") == "Y" and not remove:
        lead = ctx.state.lead_table(ctx.p("archived_lead") == "Y").get(lead_id)
        if lead_id in ctx.state.hopper:
            out.line(render(FN, "NOT ADDED TO HOPPER, LEAD IS ALREADY IN THE HOPPER", values))
        elif lead is None:
            out.line(render(FN, "NOT ADDED TO HOPPER, LEAD NOT FOUND", values))
        else:
            add_to_hopper(
                ctx, out, FN, lead_id=lead_id, list_id=list_id, gmt_offset=lead.gmt_offset_now
            )
    if remove:
        entry = ctx.state.hopper.get(lead_id)
        if entry is None:
            message = "NOT REMOVED FROM HOPPER, LEAD IS NOT IN THE HOPPER"
            out.line(render(FN, message, values))
            return
        removed = entry.status not in _HOPPER_KEEP
        if removed:
            del ctx.state.hopper[lead_id]
        message = "REMOVED FROM HOPPER" if removed else "NOT REMOVED FROM HOPPER"
        out.line(render(FN, message, {**values, "hopper_status": entry.status}))


IMPLS: tuple[FunctionImpl, ...] = (
    FunctionImpl(
        FN,
        update_lead,
        permitted=lead_writer,
        permission_message="USER DOES NOT HAVE PERMISSION TO UPDATE LEADS IN THE SYSTEM",
    ),
)
