"""Simulated DID and CID-group functions: add_did, copy_did, update_did, update_cid_group_entry.

add_did and update_did validate the same optional routing settings in the same order (the first
bad one is an ERROR that ends the call); add_did prints one of them, the call-menu check, with the
function word ``update_did`` (a VICIdial bug kept on purpose). copy_did prints one NOTICE per
target DID and a summary line. update_cid_group_entry's ``stage`` is the operation; an unknown
3-6 character stage prints nothing at all.
"""

from __future__ import annotations

import dataclasses

from ..data_lists import CidEntry, Did
from ..model import SimUser
from .base import Ctx, FunctionImpl, Out, render
from .lists_common import (
    campaign_visible,
    first_failure,
    group_visible,
    may,
    optional_error,
    refuse,
)

_ADD = "add_did"
_COPY = "copy_did"
_UPDATE = "update_did"
_CID = "update_cid_group_entry"
_ROUTES = ("EXTEN", "VOICEMAIL", "AGENT", "PHONE", "IN_GROUP", "CALLMENU", "VMAIL_NO_INST")
_MENU_ERROR = "MENU ID MUST BE A VALID CALL MENU IN THE SYSTEM"

# Request parameter -> vicidial_inbound_dids column (Did attribute).
_DID_COLUMNS: dict[str, str] = {
    "did_description": "did_description",
    "active": "did_active",
    "did_route": "did_route",
    "record_call": "record_call",
    "extension": "extension",
    "exten_context": "exten_context",
    "voicemail_ext": "voicemail_ext",
    "phone_extension": "phone",
    "server_ip": "server_ip",
    "group": "group_id",
    "menu_id": "menu_id",
    "filter_clean_cid_number": "filter_clean_cid_number",
    "call_handle_method": "call_handle_method",
    "agent_search_method": "agent_search_method",
    "list_id": "list_id",
    "entry_list_id": "entry_list_id",
    "campaign_id": "campaign_id",
    "phone_code": "phone_code",
}


def _admin(user: SimUser) -> bool:
    return user.vdc_agent_api_access and user.user_level >= 8


def _outside(value: str, low: int, high: int) -> bool:
    return bool(value) and not low <= len(value) <= high


def _did_checks(ctx: Ctx) -> list[tuple[bool, str, str]]:
    """The optional routing settings, in VICIdial's order (menu_id told apart: see _did_error)."""
    p, data = ctx.p, ctx.state.listadmin
    return [
        (_outside(p("did_description"), 6, 50),
         "DID DESCRIPTION MUST BE FROM 6 TO 50 CHARACTERS", "did_description"),
        (p("active") not in ("", "Y", "N"), "ACTIVE MUST BE Y OR N", "active"),
        (p("did_route") not in ("", *_ROUTES), "DID ROUTE IS NOT VALID", "did_route"),
        (p("record_call") not in ("", "Y", "N", "Y_QUEUESTOP"), "RECORD CALL MUST BE Y OR N",
         "record_call"),
        (len(p("extension")) > 50, "EXTENSION MUST BE FROM 1 TO 50 CHARACTERS", "extension"),
        (len(p("exten_context")) > 50, "EXTENSION CONTEXT MUST BE FROM 1 TO 50 CHARACTERS",
         "exten_context"),
        (_outside(p("voicemail_ext"), 1, 10),
         "VOICEMAIL EXTENSION MUST BE FROM 1 TO 10 CHARACTERS", "voicemail_ext"),
        (_outside(p("phone_extension"), 1, 100),
         "PHONE EXTENSION MUST BE FROM 1 TO 100 CHARACTERS", "phone_extension"),
        (bool(p("server_ip")) and p("server_ip") not in data.servers,
         "SERVER IP MUST BE A VALID SERVER IN THE SYSTEM", "server_ip"),
        (bool(p("group")) and p("group") not in data.inbound_groups,
         "GROUP ID MUST BE A VALID INBOUND GROUP IN THE SYSTEM", "group"),
        (bool(p("menu_id")) and p("menu_id") not in data.call_menus, _MENU_ERROR, "menu_id"),
        (_outside(p("filter_clean_cid_number"), 1, 20),
         "CLEAN CID NUMBER MUST BE FROM 1 TO 20 CHARACTERS", "filter_clean_cid_number"),
        (_outside(p("call_handle_method"), 3, 20),
         "CALL HANDLE METHOD MUST BE FROM 3 TO 20 CHARACTERS", "call_handle_method"),
        (_outside(p("agent_search_method"), 2, 2),
         "AGENT SEARCH METHOD MUST BE 2 CHARACTERS", "agent_search_method"),
        (_outside(p("list_id"), 3, 14), "LIST ID MUST BE FROM 3 TO 14 DIGITS", "list_id"),
        (_outside(p("entry_list_id"), 1, 14), "ENTRY LIST ID MUST BE FROM 1 TO 14 DIGITS",
         "entry_list_id"),
        (_outside(p("campaign_id"), 1, 8), "CAMPAIGN MUST BE FROM 1 TO 8 CHARACTERS",
         "campaign_id"),
        (_outside(p("phone_code"), 1, 10), "PHONE CODE MUST BE FROM 1 TO 10 CHARACTERS",
         "phone_code"),
    ]  # fmt: skip


def _did_error(ctx: Ctx, out: Out, function: str) -> bool:
    failure = first_failure(_did_checks(ctx))
    if failure is None:
        return False
    reason, name = failure
    # add_did prints this one line as "update_did" (code bug); the catalog carries it so.
    optional_error(ctx, out, function, reason, name)
    return True


def _did_changes(ctx: Ctx) -> dict[str, str]:
    return {column: ctx.p(name) for name, column in _DID_COLUMNS.items() if ctx.p(name)}


def _did_values(ctx: Ctx, pattern: str) -> dict[str, object]:
    return {"user": ctx.user_name, "did_pattern": pattern}


# --- add_did / update_did ------------------------------------------------------------------------


def add_did(ctx: Ctx, out: Out) -> None:
    if not may(ctx, "modify_inbound_dids"):
        refuse(ctx, out, _ADD, "USER DOES NOT HAVE PERMISSION TO ADD DIDS")
        return
    pattern = ctx.p("did_pattern")
    values = _did_values(ctx, pattern)
    if not 2 <= len(pattern) <= 50:
        out.line(render(_ADD, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    data = ctx.state.listadmin
    if data.did(pattern) is not None:
        out.line(render(_ADD, "DID ALREADY EXISTS", values))
        return
    if _did_error(ctx, out, _ADD):
        return
    did = Did(0, pattern)
    for column, value in _did_changes(ctx).items():
        setattr(did, column, value)
    data.add_did(did)
    out.line(render(_ADD, "DID HAS BEEN ADDED", values))


def update_did(ctx: Ctx, out: Out) -> None:
    if not may(ctx, "modify_inbound_dids"):
        refuse(ctx, out, _UPDATE, "USER DOES NOT HAVE PERMISSION TO UPDATE DIDS")
        return
    pattern = ctx.p("did_pattern")
    values = _did_values(ctx, pattern)
    if not 2 <= len(pattern) <= 50:
        out.line(render(_UPDATE, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    data = ctx.state.listadmin
    did = data.did(pattern)
    if did is None or not group_visible(ctx, did.user_group):
        out.line(render(_UPDATE, "DID DOES NOT EXIST", values))
        return
    if ctx.p("delete_did") == "Y":
        if not may(ctx, "delete_inbound_dids"):
            refuse(ctx, out, _UPDATE, "USER DOES NOT HAVE PERMISSION TO DELETE DIDS")
            return
        del data.dids[did.did_id]
        out.line(render(_UPDATE, "DID HAS BEEN DELETED", values | {"did_id": did.did_id}))
        return
    if _did_error(ctx, out, _UPDATE):
        return
    changes = _did_changes(ctx)
    if not changes:
        out.line(render(_UPDATE, "NO UPDATES DEFINED", values))
        return
    for same in [d for d in data.dids.values() if d.did_pattern == pattern]:
        for column, value in changes.items():
            setattr(same, column, value)
    out.line(render(_UPDATE, "DID HAS BEEN UPDATED", values))


# --- copy_did ------------------------------------------------------------------------------------


def copy_did(ctx: Ctx, out: Out) -> None:
    """INSERT IGNORE ... SELECT from the source DID, once per new DID pattern."""
    if not may(ctx, "modify_inbound_dids"):
        refuse(ctx, out, _COPY, "USER DOES NOT HAVE PERMISSION TO ADD DIDS")
        return
    source_pattern, new_dids = ctx.p("source_did_pattern"), ctx.p("new_dids")
    values: dict[str, object] = {"user": ctx.user_name, "source_did_pattern": source_pattern}
    if not (2 <= len(source_pattern) <= 50 and 2 <= len(new_dids) <= 2000):
        out.line(render(_COPY, "YOU MUST USE ALL REQUIRED FIELDS", values | {"new_dids": new_dids}))
        return
    data = ctx.state.listadmin
    source = data.did(source_pattern)
    if source is None or not group_visible(ctx, source.user_group):
        out.line(render(_COPY, "SOURCE DID DOES NOT EXIST", values))
        return
    description = ctx.p("did_description")
    inserted = errors = 0
    for new_did in new_dids.split(","):
        if data.did(new_did) is not None:
            out.line(render(_COPY, "DID ALREADY EXISTS", values | {"new_did": new_did}))
            errors += 1
            continue
        if description and not 6 <= len(description) <= 50:
            reason = "DID DESCRIPTION MUST BE EITHER BLANK OR FROM 6 TO 50 CHARACTERS"
            optional_error(ctx, out, _COPY, reason, "did_description")
            return
        copy = dataclasses.replace(source, did_pattern=new_did)
        if description:
            copy.did_description = description
        data.add_did(copy)
        inserted += 1
        added = values | {"new_did": new_did, "new_did_id": copy.did_id, "insert_count": 1}
        out.line(render(_COPY, "DID HAS BEEN ADDED", added))
    counts = values | {"inserted_count": inserted, "insert_error_count": errors}
    if inserted > 0:
        out.line(render(_COPY, "DIDS HAVE BEEN ADDED", counts))
    else:
        out.line(render(_COPY, "NO DIDS ADDED", counts))


# --- update_cid_group_entry ----------------------------------------------------------------------


def update_cid_group_entry(ctx: Ctx, out: Out) -> None:
    if not may(ctx, "modify_campaigns"):
        refuse(ctx, out, _CID, "USER DOES NOT HAVE PERMISSION TO UPDATE CID GROUPS")
        return
    group_id, areacode, stage = ctx.p("cid_group_id"), ctx.p("areacode"), ctx.p("stage")
    values: dict[str, object] = {
        "user": ctx.user_name,
        "cid_group_id": group_id,
        "areacode": areacode,
        "outbound_cid": ctx.p("outbound_cid"),
    }
    lengths = (1 <= len(group_id) <= 20, 3 <= len(stage) <= 6, 1 <= len(areacode) <= 9)
    if not all(lengths):
        out.line(render(_CID, "YOU MUST USE ALL REQUIRED FIELDS", values | {"stage": stage}))
        return
    group = ctx.state.listadmin.cid_groups.get(group_id)
    if not (group and group_visible(ctx, group.user_group)) and not campaign_visible(ctx, group_id):
        out.line(render(_CID, "CID GROUP DOES NOT EXIST", values))
        return
    operation = {"INFO": _cid_info, "ADD": _cid_add, "DELETE": _cid_delete, "UPDATE": _cid_update}
    if stage in operation:
        operation[stage](ctx, out, values)


def _cid_matches(ctx: Ctx, values: dict[str, object]) -> list[CidEntry]:
    """Entries of the group, filtered unless ---ALL--- (or no outbound_cid), VICIdial's order."""
    areacode, cid = values["areacode"], values["outbound_cid"]
    found = [
        e
        for e in ctx.state.listadmin.cid_entries
        if e.campaign_id == values["cid_group_id"]
        and (areacode == "---ALL---" or e.areacode == areacode)
        and (cid in ("", "---ALL---") or e.outbound_cid == cid)
    ]
    return sorted(found, key=lambda e: (e.areacode, e.outbound_cid))


def _no_entries(ctx: Ctx, out: Out, values: dict[str, object], found: list[CidEntry]) -> bool:
    if not found:
        out.line(render(_CID, "THIS CID GROUP HAS NO ENTRIES", values))
    return not found


def _cid_info(ctx: Ctx, out: Out, values: dict[str, object]) -> None:
    found = _cid_matches(ctx, values)
    if _no_entries(ctx, out, values, found):
        return
    out.line(render(_CID, "CID GROUP INFO AS FOLLOWS", values | {"entry_count": len(found)}))
    for number, e in enumerate(found, start=1):
        row = (number, e.areacode, e.outbound_cid, e.active or "N", e.cid_description,
               e.call_count_today)  # fmt: skip
        out.line("|".join(str(v) for v in row))


def _cid_add(ctx: Ctx, out: Out, values: dict[str, object]) -> None:
    if values["areacode"] == "---ALL---":
        out.line(render(_CID, "YOU MUST DEFINE AN AREACODE WHEN ADDING AND ENTRY", values))
        return
    cid = str(values["outbound_cid"])
    if len(cid) < 4:
        out.line(render(_CID, "YOU MUST DEFINE A CID NUMBER WHEN ADDING AND ENTRY", values))
        return
    entries = ctx.state.listadmin.cid_entries
    key = (values["cid_group_id"], values["areacode"], cid)
    if any((e.campaign_id, e.areacode, e.outbound_cid) == key for e in entries):
        out.line(render(_CID, "THIS CID GROUP ENTRY ALREADY EXISTS", values))
        return
    active = "Y" if ctx.p("active") == "Y" else ""
    group_id, areacode = str(values["cid_group_id"]), str(values["areacode"])
    entries.append(CidEntry(group_id, areacode, cid, active, ctx.p("cid_description")))
    out.line(render(_CID, "CID GROUP ENTRY HAS BEEN ADDED", values | {"insert_count": 1}))


def _cid_delete(ctx: Ctx, out: Out, values: dict[str, object]) -> None:
    found = _cid_matches(ctx, values)
    if _no_entries(ctx, out, values, found):
        return
    data = ctx.state.listadmin
    data.cid_entries = [e for e in data.cid_entries if e not in found]
    out.line(
        render(_CID, "CID GROUP ENTRIES HAVE BEEN DELETED", values | {"delete_count": len(found)})
    )


def _cid_update(ctx: Ctx, out: Out, values: dict[str, object]) -> None:
    found = _cid_matches(ctx, values)
    if _no_entries(ctx, out, values, found):
        return
    changes: dict[str, str] = {}
    if ctx.p("active") in ("Y", "N"):
        changes["active"] = "Y" if ctx.p("active") == "Y" else ""
    if ctx.p("cid_description"):
        changes["cid_description"] = ctx.p("cid_description")
    if not changes:
        details = values | {"active": ctx.p("active"), "cid_description": ctx.p("cid_description")}
        out.line(render(_CID, "NO UPDATES WERE DEFINED", details))
        return
    modified = 0  # MySQL counts the rows it actually changed
    for entry in found:
        if any(getattr(entry, name) != value for name, value in changes.items()):
            modified += 1
            for name, value in changes.items():
                setattr(entry, name, value)
    out.line(
        render(_CID, "CID GROUP ENTRIES HAVE BEEN UPDATED", values | {"modify_count": modified})
    )


IMPLS: tuple[FunctionImpl, ...] = (
    FunctionImpl(
        _ADD,
        add_did,
        permitted=_admin,
        permission_message="USER DOES NOT HAVE PERMISSION TO ADD DIDS",
    ),
    FunctionImpl(
        _COPY,
        copy_did,
        permitted=_admin,
        permission_message="USER DOES NOT HAVE PERMISSION TO ADD DIDS",
    ),
    FunctionImpl(
        _UPDATE,
        update_did,
        permitted=_admin,
        permission_message="USER DOES NOT HAVE PERMISSION TO UPDATE DIDS",
    ),
    FunctionImpl(
        _CID,
        update_cid_group_entry,
        permitted=_admin,
        permission_message="USER DOES NOT HAVE PERMISSION TO UPDATE CID GROUPS",
    ),
)
