"""Custom lead fields (``custom_fields=Y``): the ``custom_<list_id>`` tables as the lead
functions write and read them.

The facts, from VICIdial's source (SVN r3884) and checked on a real server (PHP 8.2):

- a custom value is read from the request by its field label and filtered only so: ``+``
  becomes a space, ``;`` and ``"`` go, one trailing backslash goes. It is pasted into
  ``label="value"`` of the custom table's INSERT or UPDATE;
- add_lead builds that INSERT with a trailing comma (a SQL syntax error whenever the list has a
  field): the lead is in, the reply so far is sent, and PHP 8 ends with HTTP 500;
- update_lead (a found lead) writes only the labels that occur as ``?label=`` or ``&label=`` in
  ``$query_string`` (:attr:`gateway.sim.params.Params.query_string`), into the table of the
  lead's list, of ``force_entry_list_id``, or of its ``entry_list_id`` when that is over 99;
  it INSERTs the row when there is none, else UPDATEs it, then sets ``entry_list_id``;
- update_lead's insert path (``insert_if_not_found``) reads every label of the list, like
  add_lead, but without the trailing comma;
- lead_all_info reads the fields of the lead's ``entry_list_id`` (or ``force_entry_list_id``):
  with no such field, or no such table, its SELECT is a SQL error (HTTP 500, empty body);
- lead_status_search prints ``label => value`` for every column of the table of the lead's list
  (its ``entry_list_id`` when over 99), tabs as `` -- ``, line breaks as ``!N``.

Masking of hidden fields and encrypted fields are not simulated.
"""

from __future__ import annotations

import re
from typing import NoReturn

from aiohttp import web

from ..data_lists import NON_DB_TYPES, VICIDIAL_LIST_FIELDS, rank_key
from ..model import Lead
from .base import Ctx, Out, render

_PHP_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-cache, must-revalidate",
    "Pragma": "no-cache",
}
_NOT_VALUES = frozenset({"DISPLAY", "SCRIPT"})


def custom_value(raw: str) -> str:
    """VICIdial's filter of a custom value: ``+`` to space, ``;`` ``"`` and a final ``\\`` go."""
    value = re.sub(r'[;"]', "", raw.replace("+", " "))
    return value[:-1] if value.endswith("\\") else value


def fatal_after(out: Out) -> NoReturn:
    """An uncaught mysqli exception after output: what was printed, then HTTP 500."""
    raise web.HTTPInternalServerError(text=out.text(), headers=_PHP_HEADERS)


def _stored(value: str) -> str:
    return "" if value == "--BLANK--" else value


def _values(ctx: Ctx, list_id: str, *, present: bool) -> dict[str, str]:
    """The ``label="value"`` pairs VICIdial builds for the list's fields (in rank order).

    ``present``: only labels found in ``$query_string`` (update_lead's found path); else every
    label, "" when not sent (add_lead, update_lead's insert)."""
    query_string = ctx.params.query_string
    out: dict[str, str] = {}
    for field in ctx.state.listadmin.ranked_fields(list_id):
        if field.field_duplicate == "Y":
            continue
        label = field.field_label
        if present and not re.search(rf"\?{re.escape(label)}=|&{re.escape(label)}=", query_string):
            continue
        if field.field_type in _NOT_VALUES or label in VICIDIAL_LIST_FIELDS:
            continue
        out[label] = custom_value(ctx.params.raw(label) or "")
    return out


def add_lead_custom(ctx: Ctx, out: Out, function: str, lead: Lead) -> None:
    """add_lead custom_fields=Y, after the SUCCESS line (and the alt phones)."""
    values: dict[str, object] = {
        "phone_number": ctx.p("phone_number"),
        "lead_id": lead.lead_id,
        "list_id": lead.list_id,
    }
    data = ctx.state.listadmin
    if data.custom_fields_enabled < 1:
        values |= {"custom_fields": ctx.p("custom_fields"), "custom_fields_enabled": 0}
        out.line(render(function, "CUSTOM FIELDS NOT ADDED, CUSTOM FIELDS DISABLED", values))
        return
    if not data.custom_table(lead.list_id):
        reason = "CUSTOM FIELDS NOT ADDED, NO CUSTOM FIELDS DEFINED FOR THIS LIST"
        out.line(render(function, reason, values))
        return
    if not _values(ctx, lead.list_id, present=False):
        out.line(render(function, "CUSTOM FIELDS NOT ADDED, NO FIELDS DEFINED", values))
        return
    fatal_after(out)  # "INSERT INTO custom_<list_id> SET lead_id=N,a="x",b="y",;"


def insert_custom(ctx: Ctx, out: Out, lead: Lead) -> None:
    """update_lead insert_if_not_found=Y with custom_fields=Y: the new lead's custom row."""
    values: dict[str, object] = {
        "phone_number": ctx.p("phone_number"),
        "lead_id": lead.lead_id,
        "list_id": lead.list_id,
    }
    data = ctx.state.listadmin
    if data.custom_fields_enabled < 1:
        values |= {"custom_fields": ctx.p("custom_fields"), "custom_fields_enabled": 0}
        out.line(render("update_lead", "CUSTOM FIELDS NOT ADDED, CUSTOM FIELDS DISABLED", values))
        return
    if not data.custom_table(lead.list_id):
        reason = "CUSTOM FIELDS NOT ADDED, NO CUSTOM FIELDS DEFINED FOR THIS LIST"
        out.line(render("update_lead", reason, values))
        return
    row = _values(ctx, lead.list_id, present=False)
    force = ctx.p("force_entry_list_id")
    table = force if len(force) > 1 else lead.list_id
    if not row:
        out.line(render("update_lead", "CUSTOM FIELDS NOT ADDED, NO FIELDS DEFINED", values))
        return
    if not data.custom_table(table) or set(row) - set(data.custom_columns(table)):
        fatal_after(out)  # no such table or column
    data.custom_rows.setdefault(table, {})[lead.lead_id] = {k: _stored(v) for k, v in row.items()}
    lead.entry_list_id = table
    values["entry_list_update_count"] = 1
    out.line(render("update_lead", "CUSTOM FIELDS VALUES ADDED", values))


def custom_list_of(ctx: Ctx, lead: Lead) -> str:
    """update_lead's ``$lead_custom_list``: the lead's list, ``force_entry_list_id``, or its
    ``entry_list_id`` when over 99 (which wins)."""
    chosen = lead.list_id
    force = ctx.p("force_entry_list_id")
    if len(force) > 1:
        chosen = force
    if _over_99(lead.entry_list_id):
        chosen = lead.entry_list_id
    return chosen


def _over_99(text: str) -> bool:
    return text.isdigit() and int(text) > 99


def update_found_custom(ctx: Ctx, out: Out, lead: Lead, entry_before: str) -> None:
    """update_lead custom_fields=Y for one found lead (after its callback lines)."""
    data = ctx.state.listadmin
    table = custom_list_of(ctx, lead)
    values: dict[str, object] = {
        "phone_number": ctx.p("phone_number"),
        "lead_id": lead.lead_id,
        "list_id": lead.list_id,
        "entry_list_id": entry_before,
        "custom_table_list_id": table,
    }
    if not data.custom_table(table):
        reason = "CUSTOM FIELDS NOT ADDED, NO CUSTOM FIELDS DEFINED FOR THIS LIST"
        out.line(render("update_lead", reason, values))
        return
    rows = data.custom_rows.setdefault(table, {})
    if ctx.p("delete_lead") == "Y":
        if rows.pop(lead.lead_id, None) is not None:
            values["deleted_rows"] = 1
            out.line(render("update_lead", "CUSTOM FIELDS ENTRY DELETED", values))
        return
    changes = {k: _stored(v) for k, v in _values(ctx, table, present=True).items()}
    if not changes:
        return
    if set(changes) - set(data.custom_columns(table)):
        fatal_after(out)  # Unknown column
    row = rows.get(lead.lead_id)
    if row is None:
        rows[lead.lead_id] = dict(changes)
        count = 1
    else:
        count = int(any(row.get(k) != v for k, v in changes.items()))
        row.update(changes)
    values["update_count"] = count
    out.line(render("update_lead", "CUSTOM FIELDS VALUES UPDATED", values))
    if count > 0:
        lead.entry_list_id = table


def delete_custom_row(ctx: Ctx, list_id: str, lead_id: int) -> int | None:
    """delete_cf_data=Y: rows deleted from ``custom_<list_id>``; None when there is no table."""
    data = ctx.state.listadmin
    if not data.custom_table(list_id):
        return None
    return int(data.custom_rows.get(list_id, {}).pop(lead_id, None) is not None)


def all_info_custom(ctx: Ctx, lead: Lead) -> tuple[list[str], list[str]]:
    """lead_all_info custom_fields=Y: the labels and values appended to the lead's row.

    The SELECT names the fields of the lead's ``entry_list_id`` table: none at all, or a table
    that is missing, is a SQL error (HTTP 500, nothing printed: lead_all_info prints at the end).
    """
    data = ctx.state.listadmin
    force = ctx.p("force_entry_list_id")
    table = force if force else lead.entry_list_id
    labels = [
        f.field_label
        for f in sorted(data.custom_fields.get(table, []), key=rank_key)  # "order by rank,order"
        if f.field_type not in NON_DB_TYPES and f.field_label not in VICIDIAL_LIST_FIELDS
    ]
    if not labels or not data.custom_table(table) or set(labels) - set(data.custom_columns(table)):
        raise web.HTTPInternalServerError(text="", headers=_PHP_HEADERS)
    row = data.custom_row(table, lead.lead_id)
    if row is None:
        return [], []
    return labels, [row.get(label) or "" for label in labels]


def status_search_custom(ctx: Ctx, lead: Lead) -> list[str]:
    """lead_status_search custom_fields=Y: ``label => value`` lines of the lead's custom row."""
    data = ctx.state.listadmin
    table = lead.entry_list_id if _over_99(lead.entry_list_id) else lead.list_id
    columns = data.custom_columns(table)
    row = data.custom_row(table, lead.lead_id) if data.custom_table(table) else None
    if not columns or row is None:
        return []
    lines = []
    for label in columns:
        value = (row.get(label) or "").replace("\t", " -- ")
        value = re.sub(r"\n|\r\n", "!N", value)
        lines.append(f"{label} => {value}")
    return lines
