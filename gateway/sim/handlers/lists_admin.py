"""Simulated add_list, update_list and list_custom_fields (``vicidial_lists`` and custom fields).

update_list runs VICIdial's steps in order: custom-field add/update/delete NOTICEs, validation of
the optional settings (the first bad one is an ERROR that ends the call), the UPDATE (or "NO
UPDATES DEFINED"), then reset, delete list, delete leads and the custom-field copy. A missing
list with ``insert_if_not_found=Y`` prints a NOTICE and runs add_list, which re-checks that the
API user may call add_list. The custom-field operations are, in VICIdial, HTTP sub-requests to
``admin_lists_custom.php``; the simulator applies their effect directly and prints the NOTICE
lines the PHP prints with the sub-request's outcome.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from gateway.catalog import generic as g

from ..data_lists import CustomField, ListAdminData
from ..model import SimList, SimUser
from .base import Ctx, FunctionImpl, Out, delimiter, render, rows_columns
from .lists_common import (
    allowed_campaigns,
    blank_or,
    campaign_visible,
    first_failure,
    may,
    optional_error,
    refuse,
)

_UPDATE = "update_list"
_ADD = "add_list"
_FIELDS = "list_custom_fields"
_TZ_METHODS = ("COUNTRY_AND_AREA_CODE", "POSTAL_CODE", "NANPA_PREFIX", "OWNER_TIME_ZONE_CODE")
_XFERCONF = ("xferconf_one", "xferconf_two", "xferconf_three", "xferconf_four", "xferconf_five")
_WEB_FORMS = ("web_form_address", "web_form_address_two", "web_form_address_three")
_COPY_METHODS = ("APPEND", "UPDATE", "REPLACE")


def _list_writer(user: SimUser) -> bool:
    """vdc_agent_api_access, modify_lists, level 8+ (login already required active)."""
    return user.vdc_agent_api_access and user.modify_lists and user.user_level >= 8


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _web_form(value: str) -> str:
    """List web form addresses are decoded once more when they hold an encoded ``://``."""
    if "%3A%2F%2F" in value:
        return unquote_plus(value).replace(" ", "+")
    return value


def _list_exists(ctx: Ctx, list_id: str) -> bool:
    lst = ctx.state.lists.get(list_id)
    allowed = allowed_campaigns(ctx)
    return lst is not None and (allowed is None or lst.campaign_id in allowed)


# --- add_list ------------------------------------------------------------------------------------


def add_list(ctx: Ctx, out: Out) -> None:
    """Insert one ``vicidial_lists`` row (also the tail of update_list insert_if_not_found=Y)."""
    list_id, name, campaign_id = _digits(ctx.p("list_id")), ctx.p("list_name"), ctx.p("campaign_id")
    values = {"user": ctx.user_name, "list_id": list_id, "list_name": name}
    values["campaign_id"] = campaign_id
    if not (2 <= len(list_id) <= 14 and 1 <= len(campaign_id) <= 8 and 2 <= len(name) <= 30):
        out.line(render(_ADD, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    if not campaign_visible(ctx, campaign_id):
        out.line(render(_ADD, "CAMPAIGN DOES NOT EXIST", values))
        return
    if list_id in ctx.state.lists:
        out.line(render(_ADD, "LIST ALREADY EXISTS", values))
        return
    if _add_list_error(ctx, out, _head_checks(ctx)) or _copy_error(ctx, out, list_id):
        return
    if _add_list_error(ctx, out, _tail_checks(ctx)):
        return
    _insert_list(ctx, list_id, name, campaign_id)
    if 1 < len(ctx.p("custom_fields_copy")) < 15:
        _copy_fields(ctx.state.listadmin, ctx.p("custom_fields_copy"), list_id, _copy_method(ctx))
    out.line(render(_ADD, "LIST HAS BEEN ADDED", values))


def _add_list_error(ctx: Ctx, out: Out, checks: list[tuple[bool, str, str]]) -> bool:
    failure = first_failure(checks)
    if failure is not None:
        optional_error(ctx, out, _ADD, *failure)
    return failure is not None


def _head_checks(ctx: Ctx) -> list[tuple[bool, str, str]]:
    """add_list: script and in-group must exist (--BLANK-- is just a name here), reset time."""
    data = ctx.state.listadmin
    script, group, reset_time = ctx.p("script"), ctx.p("drop_inbound_group"), ctx.p("reset_time")
    return [
        (bool(script) and script not in data.scripts, "SCRIPT DOES NOT EXIST", "script"),
        (bool(group) and group not in data.inbound_groups, "IN-GROUP DOES NOT EXIST",
         "drop_inbound_group"),
        (0 < len(reset_time) < 4, "RESET TIME IS NOT VALID", "reset_time"),
    ]  # fmt: skip


def _tail_checks(ctx: Ctx) -> list[tuple[bool, str, str]]:
    """add_list: time zone method, call time, transfer numbers (after the copy checks)."""
    tz_method, call_time = ctx.p("tz_method"), ctx.p("local_call_time")
    return [
        (bool(tz_method) and tz_method not in _TZ_METHODS, "TIME ZONE METHOD IS NOT VALID",
         "tz_method"),
        (call_time not in ("", "campaign") and call_time not in ctx.state.listadmin.call_times,
         "LOCAL CALL TIME DOES NOT EXIST", "local_call_time"),
        *_xferconf_checks(ctx, "TRANSFER CONF OVERRIDE", blank_ok=False),
    ]  # fmt: skip


def _xferconf_checks(ctx: Ctx, words: str, *, blank_ok: bool) -> list[tuple[bool, str, str]]:
    numbers = ("ONE", "TWO", "THREE", "FOUR", "FIVE")
    checks = []
    for name, number in zip(_XFERCONF, numbers, strict=True):
        value = ctx.p(name)
        bad = len(value) > 50 and not (blank_ok and value == "--BLANK--")
        checks.append((bad, f"{words} {number} IS NOT VALID", name))
    return checks


def _copy_error(ctx: Ctx, out: Out, list_id: str) -> bool:
    """add_list custom_fields_copy checks: each failure is an ERROR that ends the call."""
    problem = _copy_problem(ctx, list_id)
    if problem is None:
        return False
    reason, field, count = problem
    values = {
        "user": ctx.user_name,
        "list_id": list_id,
        "custom_fields_copy": ctx.p("custom_fields_copy"),
        field: count,
    }
    out.line(render(_ADD, reason, values, result="ERROR"))
    return True


def _copy_problem(ctx: Ctx, list_id: str) -> tuple[str, str, int] | None:
    """Why a custom_fields_copy cannot run: (reason, count field, count), or None."""
    source = ctx.p("custom_fields_copy")
    if not 1 < len(source) < 15:
        return None
    suffix = ", THIS IS AN OPTIONAL FIELD"
    if source not in ctx.state.lists:
        return f"CUSTOM FIELDS LIST ID TO COPY FROM DOES NOT EXIST{suffix}", "copy_list_count", 0
    if not ctx.state.listadmin.custom_fields.get(source):
        return f"CUSTOM FIELDS LIST ID TO COPY FROM HAS NO CUSTOM FIELDS{suffix}", "fields_count", 0
    if not may(ctx, "custom_fields_modify"):
        reason = f"USER DOES NOT HAVE PERMISSION TO MODIFY CUSTOM FIELDS{suffix}"
        return reason, "permission_count", 0
    return None


def _copy_method(ctx: Ctx) -> str:
    method = ctx.p("custom_copy_method")
    return method if method in _COPY_METHODS else "APPEND"


def _insert_list(ctx: Ctx, list_id: str, name: str, campaign_id: str) -> None:
    expiration = ctx.p("expiration_date")
    call_time = ctx.p("local_call_time") or "campaign"
    ctx.state.lists[list_id] = SimList(
        list_id=list_id,
        list_name=name,
        campaign_id=campaign_id,
        active=ctx.p("active") or "N",
        expiration_date=expiration if len(expiration) >= 10 else "2099-12-31",
        local_call_time=call_time,
    )
    settings = ctx.state.listadmin.list_settings_of(list_id)
    settings.campaign_cid_override = ctx.p("outbound_cid")
    settings.agent_script_override = ctx.p("script")
    settings.am_message_exten_override = ctx.p("am_message")
    settings.drop_inbound_group_override = ctx.p("drop_inbound_group")
    settings.reset_time = ctx.p("reset_time")
    _apply_list_text(ctx, _settings_values(ctx, xferconf_blank=False), list_id)


def _settings_values(ctx: Ctx, *, xferconf_blank: bool) -> dict[str, str]:
    """The web form, description, time zone and transfer settings given (``--BLANK--`` empties
    all but the transfer numbers, which only update_list empties)."""
    values: dict[str, str] = {}
    for name in _WEB_FORMS:
        if ctx.p(name):
            values[name] = blank_or(_web_form(ctx.p(name)))
    if ctx.p("list_description"):
        values["list_description"] = blank_or(ctx.p("list_description"))
    if ctx.p("tz_method") in _TZ_METHODS:
        values["time_zone_setting"] = ctx.p("tz_method")
    for name in _XFERCONF:
        if ctx.p(name):
            values[name] = blank_or(ctx.p(name)) if xferconf_blank else ctx.p(name)
    return values


def _apply_list_text(ctx: Ctx, values: dict[str, str], list_id: str) -> None:
    settings = ctx.state.listadmin.list_settings_of(list_id)
    for name, value in values.items():
        if name in _XFERCONF:
            settings.xferconf[_XFERCONF.index(name)] = value
        else:
            setattr(settings, name, value)


# --- update_list ---------------------------------------------------------------------------------


def update_list(ctx: Ctx, out: Out) -> None:
    list_id = _digits(ctx.p("list_id"))
    values = {"user": ctx.user_name, "list_id": list_id}
    if not 2 <= len(list_id) <= 14:
        values |= {"list_name": ctx.p("list_name"), "campaign_id": ctx.p("campaign_id")}
        out.line(render(_UPDATE, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    exists = _list_exists(ctx, list_id)
    copy = ctx.p("custom_fields_copy")
    custom_ops = any(ctx.p(f"custom_fields_{op}") == "Y" for op in ("add", "update", "delete"))
    if not exists and not custom_ops and not 1 <= len(copy) <= 14:
        if ctx.p("insert_if_not_found") == "Y":
            out.line(render(_UPDATE, "LIST DOES NOT EXIST, SENDING TO add_list FUNCTION", values))
            _fall_through_to_add_list(ctx, out)
        else:
            out.line(render(_UPDATE, "LIST DOES NOT EXIST", values, result="ERROR"))
        return
    _custom_field_ops(ctx, out, list_id, 1 if exists else 0)
    updates = _list_updates(ctx, out)
    if updates is None:
        return
    if updates:
        _apply_updates(ctx, list_id, updates)
        out.line(render(_UPDATE, "LIST HAS BEEN UPDATED", values))
    else:
        out.line(render(_UPDATE, "NO UPDATES DEFINED", values))
    if ctx.p("reset_list") == "Y":
        _reset_list(ctx, out, list_id)
    if not _delete_list_and_leads(ctx, out, list_id):
        return
    if 1 < len(copy) < 15:
        _copy_notice(ctx, out, list_id)


def _fall_through_to_add_list(ctx: Ctx, out: Out) -> None:
    """The add_list block, entered with function=add_list: its own allowed/permission checks."""
    if not ctx.user.may_call(_ADD):
        out.line(g.FUNCTION_NOT_ALLOWED.render({"user": ctx.user_name, "function": _ADD}))
    elif not _list_writer(ctx.user):
        refuse(ctx, out, _ADD, "USER DOES NOT HAVE PERMISSION TO ADD LISTS")
    else:
        add_list(ctx, out)


def _list_updates(ctx: Ctx, out: Out) -> dict[str, str] | None:
    """The columns to set, in VICIdial's check order; None after printing the first ERROR."""
    failure = _update_failure(ctx)
    if failure is not None:
        optional_error(ctx, out, _UPDATE, *failure)
        return None
    p = ctx.p
    updates: dict[str, str] = {}
    simple = (
        ("campaign_id", "campaign_id"), ("script", "agent_script_override"),
        ("drop_inbound_group", "drop_inbound_group_override"), ("list_name", "list_name"),
        ("active", "active"), ("outbound_cid", "campaign_cid_override"),
        ("am_message", "am_message_exten_override"), ("reset_time", "reset_time"),
        ("local_call_time", "local_call_time"),
    )  # fmt: skip
    blankable = ("script", "drop_inbound_group", "outbound_cid", "am_message", "reset_time")
    for name, column in simple:
        if p(name):
            updates[column] = blank_or(p(name)) if name in blankable else p(name)
    if len(p("expiration_date")) > 9:
        # Code bug: a valid expiration_date replaces the reset_time update.
        updates.pop("reset_time", None)
        updates["expiration_date"] = p("expiration_date")
    updates.update(_settings_values(ctx, xferconf_blank=True))
    return updates


def _update_failure(ctx: Ctx) -> tuple[str, str] | None:
    data: ListAdminData = ctx.state.listadmin
    p = ctx.p
    script, group, outbound_cid = p("script"), p("drop_inbound_group"), p("outbound_cid")
    call_time = p("local_call_time")
    return first_failure(
        [
            (bool(p("campaign_id")) and p("campaign_id") not in ctx.state.campaigns,
             "CAMPAIGN DOES NOT EXIST", "campaign_id"),
            (script not in ("", "--BLANK--") and script not in data.scripts,
             "SCRIPT DOES NOT EXIST", "script"),
            (group not in ("", "--BLANK--") and group not in data.inbound_groups,
             "IN-GROUP DOES NOT EXIST", "drop_inbound_group"),
            (bool(p("list_name")) and not 6 <= len(p("list_name")) <= 30,
             "LIST NAME MUST BE FROM 6 TO 30 CHARACTERS", "list_name"),
            (p("active") not in ("", "Y", "N"), "ACTIVE MUST BE Y OR N", "active"),
            (outbound_cid not in ("", "--BLANK--") and not 6 <= len(outbound_cid) <= 18,
             "OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS", "outbound_cid"),
            (p("am_message") != "--BLANK--" and len(p("am_message")) > 100,
             "ANSWERING MACHINE MESSAGE MUST LESS THAN 101 DIGITS", "am_message"),
            (p("reset_time") != "--BLANK--" and 0 < len(p("reset_time")) < 4,
             "RESET TIME IS NOT VALID", "reset_time"),
            (bool(p("tz_method")) and p("tz_method") not in _TZ_METHODS,
             "TIME ZONE METHOD IS NOT VALID", "tz_method"),
            (call_time not in ("", "campaign") and call_time not in data.call_times,
             "LOCAL CALL TIME DOES NOT EXIST", "local_call_time"),
            *_xferconf_checks(ctx, "TRANSFER CONF OVERRIDE", blank_ok=True),
        ]
    )  # fmt: skip


def _apply_updates(ctx: Ctx, list_id: str, updates: dict[str, str]) -> None:
    """``UPDATE vicidial_lists SET list_changedate=NOW() ...`` (no row: nothing changes)."""
    lst = ctx.state.lists.get(list_id)
    if lst is None:
        return
    new_campaign = updates.get("campaign_id")
    if new_campaign is not None and new_campaign != lst.campaign_id:
        for lead_id, entry in list(ctx.state.hopper.items()):
            if entry.list_id == list_id and entry.campaign_id == lst.campaign_id:
                del ctx.state.hopper[lead_id]
    lst.list_changedate = ctx.state.now_text()
    settings = ctx.state.listadmin.list_settings_of(list_id)
    own = ("list_name", "campaign_id", "active", "expiration_date", "local_call_time")
    for column, value in updates.items():
        if column in own:
            setattr(lst, column, value)
        elif column in _XFERCONF:
            settings.xferconf[_XFERCONF.index(column)] = value
        else:
            setattr(settings, column, value)


def _reset_list(ctx: Ctx, out: Out, list_id: str) -> None:
    values: dict[str, object] = {"user": ctx.user_name, "list_id": list_id}
    lst = ctx.state.lists.get(list_id) if _list_exists(ctx, list_id) else None
    if lst is None:  # the SELECT finds no row: NULL limits, the reset is refused
        values |= {"resets_today": "", "daily_reset_limit": ""}
        out.line(render(_UPDATE, "LIST RESET FAILED, daily reset limit reached", values))
        return
    limit = ctx.state.listadmin.list_settings_of(list_id).daily_reset_limit
    resets = int(lst.resets_today or "0")
    if not (limit > resets or limit < 0):
        values |= {"resets_today": resets, "daily_reset_limit": limit}
        out.line(render(_UPDATE, "LIST RESET FAILED, daily reset limit reached", values))
        return
    lst.list_changedate = ctx.state.now_text()
    lst.resets_today = str(resets + 1)
    for lead in ctx.state.lead_table(ctx.p("archived_lead") == "Y").values():
        if lead.list_id == list_id:
            lead.called_since_last_reset = "N"
    # The reset count is never printed (affected_rows is not set in this code path).
    out.line(render(_UPDATE, "LEADS IN LIST HAVE BEEN RESET", values))


def _delete_list_and_leads(ctx: Ctx, out: Out, list_id: str) -> bool:
    """delete_list / delete_leads; False when a permission NOTICE ended the call."""
    values: dict[str, object] = {"user": ctx.user_name, "list_id": list_id, "allowed_user": 0}
    if ctx.p("delete_list") == "Y":
        if not may(ctx, "delete_lists"):
            out.line(render(_UPDATE, "USER DOES NOT HAVE PERMISSION TO DELETE LISTS", values))
            return False
        values["affected_rows"] = 1 if ctx.state.lists.pop(list_id, None) else 0
        out.line(render(_UPDATE, "LIST HAS BEEN DELETED", values))
    if ctx.p("delete_leads") == "Y":
        if not (may(ctx, "delete_lists") and 1 <= ctx.user.modify_leads <= 4):
            out.line(render(_UPDATE, "USER DOES NOT HAVE PERMISSION TO DELETE LEADS", values))
            return False
        table = ctx.state.lead_table(ctx.p("archived_lead") == "Y")
        doomed = [lead_id for lead_id, lead in table.items() if lead.list_id == list_id]
        for lead_id in doomed:
            del table[lead_id]
        values["affected_rows"] = len(doomed)
        out.line(render(_UPDATE, "LEADS IN LIST HAVE BEEN DELETED", values))
    return True


def _copy_notice(ctx: Ctx, out: Out, list_id: str) -> None:
    source = ctx.p("custom_fields_copy")
    values: dict[str, object] = {
        "user": ctx.user_name,
        "list_id": list_id,
        "custom_fields_copy": source,
    }
    problem = _copy_problem(ctx, list_id)
    if problem is not None:
        reason, field, count = problem
        out.line(render(_UPDATE, reason, values | {field: count}, result="NOTICE"))
        return
    method = _copy_method(ctx)
    _copy_fields(ctx.state.listadmin, source, list_id, method)
    values |= {"custom_copy_method": method, "sub_result": "SUCCESS: Fields copied"}
    out.line(render(_UPDATE, "COPY CUSTOM FIELDS COMMAND SENT", values))


def _copy_fields(data: ListAdminData, source: str, target: str, method: str) -> None:
    """admin_lists_custom.php COPY_FIELDS_SUBMIT: APPEND new labels, UPDATE or REPLACE."""
    if method == "REPLACE":
        data.custom_fields.pop(target, None)
    existing = {f.field_label: f for f in data.custom_fields.get(target, [])}
    for field in data.custom_fields.get(source, []):
        if field.field_label not in existing:
            if method != "UPDATE":
                copied = CustomField(**{**vars(field), "field_id": 0, "list_id": target})
                data.add_custom_field(copied)
        elif method == "UPDATE":
            mine = existing[field.field_label]
            for name, value in vars(field).items():
                if name not in ("field_id", "list_id"):
                    setattr(mine, name, value)


# --- update_list custom fields (admin_lists_custom.php sub-requests) ----------------------------


def _custom_field_ops(ctx: Ctx, out: Out, list_id: str, exists: int) -> int:
    """custom_fields_add / _update / _delete NOTICE lines; returns VICIdial's $list_exists."""
    for op in ("add", "update", "delete"):
        if ctx.p(f"custom_fields_{op}") != "Y":
            continue
        exists = _custom_field_op(ctx, out, list_id, exists, op)
    return exists


_OP_WORDS = {
    "add": ("ADD", "ADDED"),
    "update": ("UPDATE", "UPDATED"),
    "delete": ("DELETE", "DELETED"),
}


def _custom_field_op(ctx: Ctx, out: Out, list_id: str, exists: int, op: str) -> int:
    data = ctx.state.listadmin
    values = _field_values(ctx, list_id)
    word, done = _OP_WORDS[op]
    suffix = ", THIS IS AN OPTIONAL FIELD"
    if exists < 1:
        exists = len(data.custom_fields.get(list_id, []))
        if exists < 1:
            reason = f"CUSTOM FIELDS LIST ID TO {word} TO HAS NO CUSTOM FIELDS{suffix}"
            out.line(render(_UPDATE, reason, values | {"fields_count": 0}))
            return exists
    if not may(ctx, "custom_fields_modify"):
        reason = f"USER DOES NOT HAVE PERMISSION TO MODIFY CUSTOM FIELDS{suffix}"
        values |= {"custom_fields_copy": ctx.p("custom_fields_copy"), "permission_count": 0}
        out.line(render(_UPDATE, reason, values))
        return exists
    needed = ("field_label", "field_name", "field_size", "field_type", "field_rank")
    missing = any(not ctx.p(n) for n in needed) if op == "add" else not ctx.p("field_label")
    if missing:
        reason = f"REQUIRED CUSTOM FIELDS VARIABLES ARE MISSING, FIELD NOT {done}{suffix}"
        out.line(render(_UPDATE, reason, values))
        return exists
    {"add": _add_field, "update": _update_field, "delete": _delete_field}[op](ctx, out, values)
    return exists


def _field_values(ctx: Ctx, list_id: str) -> dict[str, object]:
    names = ("field_label", "field_name", "field_size", "field_type", "field_rank")
    return {"user": ctx.user_name, "list_id": list_id, **{n: ctx.p(n) for n in names}}


def _field_of(ctx: Ctx, list_id: str) -> CustomField | None:
    label = ctx.p("field_label")
    fields = ctx.state.listadmin.custom_fields.get(list_id, [])
    return next((f for f in fields if f.field_label == label), None)


def _add_field(ctx: Ctx, out: Out, values: dict[str, object]) -> None:
    list_id = str(values["list_id"])
    if _field_of(ctx, list_id) is not None:
        result = "ERROR: Field not added"
    else:
        field = CustomField(0, list_id, ctx.p("field_label"), ctx.p("field_name"))
        _set_field(ctx, field)
        ctx.state.listadmin.add_custom_field(field)
        result = "SUCCESS: Field added"
    out.line(render(_UPDATE, "ADD CUSTOM FIELD COMMAND SENT", values | {"sub_result": result}))


def _update_field(ctx: Ctx, out: Out, values: dict[str, object]) -> None:
    field = _field_of(ctx, str(values["list_id"]))
    suffix = ", THIS IS AN OPTIONAL FIELD"
    if field is None:
        out.line(render(_UPDATE, f"FIELD DOES NOT EXIST, FIELD NOT UPDATED{suffix}", values))
        return
    _set_field(ctx, field)
    values |= {"field_type": field.field_type, "sub_result": "SUCCESS: Field updated"}
    out.line(render(_UPDATE, "UPDATE CUSTOM FIELD COMMAND SENT", values))


def _delete_field(ctx: Ctx, out: Out, values: dict[str, object]) -> None:
    list_id = str(values["list_id"])
    field = _field_of(ctx, list_id)
    if field is None:
        reason = "FIELD DOES NOT EXIST, FIELD NOT DELETED, THIS IS AN OPTIONAL FIELD"
        out.line(render(_UPDATE, reason, values))
        return
    ctx.state.listadmin.custom_fields[list_id].remove(field)
    for row in ctx.state.listadmin.custom_rows.get(list_id, {}).values():
        row.pop(field.field_label, None)  # ALTER TABLE ... DROP
    # $field_id is never set in this code path: the NOTICE prints it empty.
    values |= {"field_id": "", "sub_result": "SUCCESS: Field deleted"}
    out.line(render(_UPDATE, "DELETE CUSTOM FIELD COMMAND SENT", values))


_CHOICES = {
    "field_required": ("Y", "N"),
    "field_duplicate": ("Y", "N"),
    "field_encrypt": ("Y", "N"),
    "name_position": ("TOP", "LEFT"),
    "multi_position": ("HORIZONTAL", "VERTICAL"),
    "field_show_hide": ("DISABLED", "X_OUT_ALL", "LAST_1", "LAST_2", "LAST_3", "LAST_4",
                        "FIRST_1_LAST_4"),
}  # fmt: skip
_TEXTS = (
    "field_name", "field_type", "field_size", "field_rank", "field_order", "field_max",
    "field_default", "field_options", "field_description", "field_help",
)  # fmt: skip


def _set_field(ctx: Ctx, field: CustomField) -> None:
    """The definition given (values outside the allowed set keep the old/default value)."""
    for name, allowed in _CHOICES.items():
        if ctx.p(name) in allowed:
            setattr(field, name, ctx.p(name))
    for name in _TEXTS:
        if ctx.p(name):
            setattr(field, name, blank_or(ctx.p(name)))


# --- list_custom_fields --------------------------------------------------------------------------


def list_custom_fields(ctx: Ctx, out: Out) -> None:
    """One row per list: its settings and its custom table's columns (without lead_id)."""
    list_id = ctx.p("list_id")
    values = {"user": ctx.user_name, "list_id": list_id, "list_name": ctx.p("list_name")}
    values["campaign_id"] = ctx.p("campaign_id")
    if ctx.state.listadmin.custom_fields_enabled < 1:
        out.line(render(_FIELDS, "CUSTOM LIST FIELDS ARE NOT ENABLED ON THIS SYSTEM",
                        {"user": ctx.user_name, "function": _FIELDS}))  # fmt: skip
        return
    if not _list_writer(ctx.user):
        refuse(ctx, out, _FIELDS, "USER DOES NOT HAVE PERMISSION TO MODIFY LISTS")
        return
    if not 2 <= len(list_id) <= 14:
        out.line(render(_FIELDS, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    if list_id != "---ALL---" and not _list_exists(ctx, list_id):
        out.line(render(_FIELDS, "LIST DOES NOT EXIST", values))
        return
    dl = delimiter(ctx.p("stage"))
    if ctx.p("header") == "YES":
        out.line(dl.join(rows_columns(_FIELDS)))
    field_list: list[str] = []  # PHP's $field_list, never reset between lists (code quirk)
    for lst in _lists_to_print(ctx, list_id):
        labels = ctx.state.listadmin.custom_columns(lst.list_id)
        printed = _ordered_labels(labels, field_list, ctx.p("custom_order"))
        row = (lst.list_id, lst.list_name, lst.campaign_id, lst.active, lst.list_changedate,
               lst.list_lastcalldate, printed)  # fmt: skip
        out.line(dl.join(row))


def _lists_to_print(ctx: Ctx, list_id: str) -> list[SimList]:
    allowed = allowed_campaigns(ctx)
    chosen = [
        lst
        for lst in ctx.state.lists.values()
        if (lst.list_id == list_id or (list_id == "---ALL---" and _positive(lst.list_id)))
        and (allowed is None or lst.campaign_id in allowed)
    ]
    return sorted(chosen, key=lambda lst: int(lst.list_id) if lst.list_id.isdigit() else 0)


def _positive(list_id: str) -> bool:
    return list_id.isdigit() and int(list_id) > 0


def _ordered_labels(labels: list[str], field_list: list[str], order: str) -> str:
    """The custom_order output; alpha orders sort the whole carried-over $field_list."""
    for index, label in enumerate(labels):
        if index < len(field_list):
            field_list[index] = label
        else:
            field_list.append(label)
    if order == "alpha_up":
        field_list.sort()
        return " ".join(field_list)
    if order == "alpha_down":
        field_list.sort(reverse=True)
        return " ".join(field_list)
    return " ".join(labels)


IMPLS: tuple[FunctionImpl, ...] = (
    FunctionImpl(
        _UPDATE,
        update_list,
        permitted=_list_writer,
        permission_message="USER DOES NOT HAVE PERMISSION TO UPDATE LISTS",
    ),
    FunctionImpl(
        _ADD,
        add_list,
        permitted=_list_writer,
        permission_message="USER DOES NOT HAVE PERMISSION TO ADD LISTS",
    ),
    # The custom-fields switch is checked before the permission query: both in the handler.
    FunctionImpl(
        _FIELDS,
        list_custom_fields,
        permitted=lambda user: True,
        permission_message="USER DOES NOT HAVE PERMISSION TO MODIFY LISTS",
    ),
)
