"""Lead records: ccc_lead_info, lead_callback_info, lead_dearchive, lead_field_info,
lead_status_search, update_log_entry and batch_update_lead.

They read and change the shared lead tables (``state.leads``, ``state.archived_leads``,
``state.callbacks``) and this area's call logs. Where the PHP dies on an SQL error (a column
that does not exist, a malformed id list, a non-numeric call id) the real server answers
HTTP 500 with an empty body, and so does the simulator (:func:`php_fatal`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NoReturn, TypeVar

from aiohttp import web

from gateway.catalog.leads_shapes import LEAD_COLUMNS, RECORD_LINE, RECORD_START

from ..clock import datetime_text
from ..data_leads import CallLogRow, CloserLogRow
from ..model import Callback, Lead
from .base import Ctx, Out, delimiter, render, rows_columns
from .lead_custom import status_search_custom
from .update_lead import EDITABLE, _stored

# What the PHP reply headers are, also on a fatal error.
_PHP_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-cache, must-revalidate",
    "Pragma": "no-cache",
}
_CALL_ID_PREFIX = re.compile(r"Y|J|V|M|DC|S|LP|VH|XL")
_TEN_HOURS = 10 * 3600
_STAGES = ("csv", "tab", "newline", "pipe")

T = TypeVar("T")


def php_fatal() -> NoReturn:
    """An uncaught mysqli exception (PHP >= 8.1): HTTP 500, empty body."""
    raise web.HTTPInternalServerError(text="", headers=_PHP_HEADERS)


def _user(ctx: Ctx, **values: object) -> dict[str, object]:
    return {"user": ctx.user_name, **values}


def _allowed_lists(ctx: Ctx, *, literal_all: bool = False) -> set[str] | None:
    """Lists of the campaigns the API user's group may see (None: all)."""
    allowed = ctx.state.user_group_of(ctx.user).campaign_filter(literal_all=literal_all)
    if allowed is None:
        return None
    return {lst.list_id for lst in ctx.state.lists.values() if lst.campaign_id in allowed}


# --- ccc_lead_info -----------------------------------------------------------------------------


def ccc_lead_info(ctx: Ctx, out: Out) -> None:
    """The lead of a call placed in the last 10 hours, by caller code."""
    fn = "ccc_lead_info"
    call_id = ctx.p("call_id")
    if not (17 < len(call_id) < 40 and _CALL_ID_PREFIX.match(call_id)):
        out.line(render(fn, "INVALID SEARCH PARAMETERS", _user(ctx, call_id=call_id)))
        return
    dl = delimiter(ctx.p("stage"), newline=True)
    data = ctx.state.leadmedia
    table = data.dial_log if call_id.startswith("DC") else data.log_extended
    since = ctx.state.now() - _TEN_HOURS
    call = next((r for r in table if r.caller_code == call_id and r.call_epoch > since), None)
    missing = _user(ctx, agent_user=ctx.p("agent_user"))
    if call is None:
        out.line(render(fn, "CALL NOT FOUND", missing))
        return
    lead = ctx.state.leads.get(call.lead_id)
    if lead is None:
        out.line(render(fn, "LEAD NOT FOUND", missing, fields=2))
        return
    columns = rows_columns(fn)
    if ctx.p("header") == "YES":
        out.line(dl.join(columns))
    out.line(dl.join(lead.column(c) for c in columns))


# --- lead_callback_info ------------------------------------------------------------------------


def _callback_row(ctx: Ctx, lead_id: str, kind: str, cb: Callback, dl: str) -> str:
    times = ctx.state.leadmedia.callback_times.get(cb.callback_id)
    timezone = times.customer_timezone.replace(",", "-") if times else ""
    values = (
        lead_id, kind, cb.recipient, cb.status, cb.lead_status, cb.callback_time, cb.entry_time,
        cb.user, cb.list_id, cb.campaign_id, cb.user_group, timezone,
        times.customer_time if times else "", cb.comments,
    )  # fmt: skip
    return dl.join(values) + "\n"


def lead_callback_info(ctx: Ctx, out: Out) -> None:
    """ARCHIVE rows first, then CURRENT ones, each by callback_id."""
    fn = "lead_callback_info"
    lead_id = ctx.p("lead_id")
    if not 0 < len(lead_id) < 12:
        out.line(render(fn, "INVALID SEARCH PARAMETERS", _user(ctx, lead_id=lead_id)))
        return
    stage, header, location = ctx.p("stage"), ctx.p("header"), ctx.p("search_location")
    stage = stage if stage in _STAGES else "pipe"
    dl = delimiter(stage, newline=True)
    output = dl.join(rows_columns(fn)) + "\n" if header == "YES" else ""
    wanted = int(lead_id)
    tables: list[tuple[str, list[Callback]]] = []
    if location in ("ARCHIVE", "ALL"):
        tables.append(("ARCHIVE", ctx.state.archived_callbacks))
    if location in ("CURRENT", "ALL", ""):
        tables.append(("CURRENT", ctx.state.callbacks))
    for kind, table in tables:
        mine = sorted((cb for cb in table if cb.lead_id == wanted), key=lambda c: c.callback_id)
        output += "".join(_callback_row(ctx, lead_id, kind, cb, dl) for cb in mine)
    if (header in ("NO", "") and len(output) > 10) or (header == "YES" and len(output) > 170):
        out.raw(output)
        return
    values = _user(ctx, lead_id=lead_id, stage=stage, search_location=location)
    out.line(render(fn, "CALLBACK NOT FOUND", values))


# --- lead_dearchive ----------------------------------------------------------------------------


def lead_dearchive(ctx: Ctx, out: Out) -> None:
    """Move a lead from vicidial_list_archive back into vicidial_list."""
    fn = "lead_dearchive"
    lead_id = ctx.p("lead_id")
    if not 0 < len(lead_id) < 12:
        out.line(render(fn, "INVALID SEARCH PARAMETERS", _user(ctx, lead_id=lead_id)))
        return
    lists = _allowed_lists(ctx)
    archived = ctx.state.archived_leads.get(int(lead_id))
    # No list at all in the allowed campaigns leaves the PHP without a list filter.
    if archived is None or (lists and archived.list_id not in lists):
        values = _user(
            ctx, lead_id=lead_id, stage=ctx.p("stage"), search_location=ctx.p("search_location")
        )
        out.line(render(fn, "ARCHIVED LEAD NOT FOUND", values))
        return
    if archived.lead_id in ctx.state.leads:
        values = _user(ctx, lead_id=lead_id, list_id=archived.list_id)
        out.line(render(fn, "NON-ARCHIVED LEAD FOUND", values))
        return
    del ctx.state.archived_leads[archived.lead_id]
    ctx.state.insert_lead(archived)
    values = _user(ctx, lead_id=lead_id, inserted_count=1, deleted_count=1)
    out.line(render(fn, "LEAD DE-ARCHIVED", values))


# --- lead_field_info ---------------------------------------------------------------------------

# vicidial_list columns the simulator's Lead does not hold under their own name.
_DERIVED: dict[str, Callable[[Lead], str]] = {
    "entry_date": lambda lead: datetime_text(lead.entry_epoch),
    "called_since_last_reset": lambda lead: lead.called_since_last_reset,
}


def _column_value(lead: Lead, name: str) -> str:
    """``SELECT <name>``: MySQL column names ignore case; anything else is an SQL error."""
    column = name.lower()
    if column in LEAD_COLUMNS:
        return lead.column(column)
    if column in _DERIVED:
        return _DERIVED[column](lead)
    php_fatal()


def lead_field_info(ctx: Ctx, out: Out) -> None:
    """The raw value of one column, with no line end."""
    fn = "lead_field_info"
    lead_id, field_name = ctx.p("lead_id"), ctx.p("field_name")
    if not (0 < len(lead_id) < 12 and field_name):
        values = _user(ctx, lead_id=lead_id, field_name=field_name)
        out.line(render(fn, "INVALID SEARCH PARAMETERS", values))
        return
    lead = ctx.state.lead_table(ctx.p("archived_lead") == "Y").get(int(lead_id))
    if lead is None:
        out.line(render(fn, "LEAD NOT FOUND", _user(ctx, lead_id=lead_id)))
        return
    lists = _allowed_lists(ctx)
    if lead.list_id not in ctx.state.lists or (lists is not None and lead.list_id not in lists):
        out.line(render(fn, "LIST NOT FOUND", _user(ctx, lead_id=lead_id, list_id=lead.list_id)))
        return
    if ctx.p("custom_fields") == "Y":
        php_fatal()  # the simulator has no custom_<list_id> tables
    out.raw(_column_value(lead, field_name))


# --- lead_status_search ------------------------------------------------------------------------


def _distinct(ids: Iterable[int], limit: int = 1000) -> list[int]:
    return list(dict.fromkeys(ids))[:limit]


def _by_date_desc(rows: Iterable[T], date: Callable[[T], str]) -> list[T]:
    return sorted(rows, key=date, reverse=True)


def _logged_leads(ctx: Ctx, status: str, date: str, lead_id: str) -> list[int]:
    """Distinct lead ids of the outbound log, then of the inbound log (not already found)."""
    data = ctx.state.leadmedia
    if status and len(date) == 10:
        first, last = f"{date} 00:00:00", f"{date} 23:59:59"

        def match(row: CallLogRow | CloserLogRow) -> bool:
            return row.status == status and first <= row.call_date <= last
    else:
        wanted = int(lead_id)

        def match(row: CallLogRow | CloserLogRow) -> bool:
            return row.lead_id == wanted

    campaigns = ctx.state.user_group_of(ctx.user).campaign_filter()
    outbound = [r for r in data.call_log if match(r)]
    if campaigns is not None:
        outbound = [r for r in outbound if r.campaign_id in campaigns]
    found = _distinct(r.lead_id for r in _by_date_desc(outbound, lambda r: r.call_date))
    inbound = [r for r in data.closer_log if match(r) and r.lead_id not in found]
    return found + _distinct(r.lead_id for r in _by_date_desc(inbound, lambda r: r.call_date))


def lead_status_search(ctx: Ctx, out: Out) -> None:
    """Every field of each lead found, as numbered ``name => value`` blocks."""
    fn = "lead_status_search"
    status, date, lead_id = ctx.p("status"), ctx.p("date"), ctx.p("lead_id")
    values = _user(ctx, status=status, date=date, lead_id=lead_id)
    by_status = bool(status) and len(date) == 10
    if not (lead_id or by_status):
        out.line(render(fn, "INVALID SEARCH PARAMETERS", values))
        return
    if by_status and ctx.state.user_group_of(ctx.user).campaign_filter() is not None:
        php_fatal()  # the campaign filter is appended after "limit 1000": invalid SQL
    table = ctx.state.lead_table(ctx.p("archived_lead") == "Y")
    records: list[str] = []
    for found_id in _logged_leads(ctx, status, date, lead_id):
        lead = table.get(found_id)
        if lead is None:
            continue
        lines = [RECORD_START.format(n=len(records) + 1)]
        lines += [RECORD_LINE.format(name="lead_id", value=found_id)]
        lines += [RECORD_LINE.format(name=c, value=lead.column(c)) for c in LEAD_COLUMNS[1:]]
        if ctx.p("custom_fields") == "Y":
            lines += status_search_custom(ctx, lead)
        records.append("".join(line + "\n" for line in lines))
    if not records:
        out.line(render(fn, "NO RESULTS FOUND", {**values, "call_date": ""}))
        return
    out.raw("".join(records))


# --- update_log_entry --------------------------------------------------------------------------


def _php_int(text: str) -> int:
    """``$x + 0`` in PHP 8: a leading number is used; no number at all is a TypeError."""
    m = re.match(r"[0-9]+", text)
    if m is None:
        php_fatal()
    return int(m.group())


def update_log_entry(ctx: Ctx, out: Out) -> None:
    """Set the status of the newest log row of a lead in a campaign or in-group."""
    fn = "update_log_entry"
    group, call_id, status = ctx.p("group"), ctx.p("call_id"), ctx.p("status")
    values = _user(ctx, group=group, call_id=call_id, status=status)
    # The PHP's test is inverted: it goes on when ANY of the three is short.
    if not (len(group) < 2 or len(call_id) < 8 or len(status) < 8):
        out.line(render(fn, "INVALID SEARCH PARAMETERS", values))
        return
    data = ctx.state.leadmedia
    inbound = group in data.inbound_groups
    if not inbound and group not in ctx.state.campaigns:
        out.line(render(fn, "GROUP NOT FOUND", values))
        return
    lead_id = _php_int(call_id[-10:])  # a "." (uniqueid) never survives the input filter
    row: CallLogRow | CloserLogRow | None
    if inbound:
        closer = [r for r in data.closer_log if r.campaign_id == group and r.lead_id == lead_id]
        row = max(closer, key=lambda r: r.closecallid, default=None)
    else:
        outbound = [r for r in data.call_log if r.campaign_id == group and r.lead_id == lead_id]
        row = max(outbound, key=lambda r: r.call_date, default=None)
    if row is None:
        out.line(render(fn, "NO RECORDS FOUND", values))
        return
    uniqueid = str(row.closecallid) if isinstance(row, CloserLogRow) else row.uniqueid
    updated = {**values, "old_status": row.status, "uniqueid": uniqueid}
    if row.status == status:  # MySQL counts no changed row
        out.line(render(fn, "NO RECORDS UPDATED", updated))
        return
    if isinstance(row, CloserLogRow):
        row.status = status
    else:
        for same in data.call_log:
            if same.campaign_id == group and same.uniqueid == row.uniqueid:
                same.status = status
    out.line(render(fn, "RECORD HAS BEEN UPDATED", updated))


# --- batch_update_lead -------------------------------------------------------------------------


def _batch_changes(ctx: Ctx) -> dict[str, str]:
    changes = {col: _stored(col, ctx.p(name)) for name, col in EDITABLE if ctx.p(name)}
    if ctx.p("reset_lead") == "Y":
        changes["called_since_last_reset"] = "N"
    return changes


def _apply(lead: Lead, changes: dict[str, str]) -> bool:
    """Write the values; True when one of them differed (MySQL's affected row)."""
    changed = any(lead.column(col) != value for col, value in changes.items())
    for col, value in changes.items():
        setattr(lead, col, value)
    return changed


def batch_update_lead(ctx: Ctx, out: Out) -> None:
    """One UPDATE for all found leads; no field to change prints nothing at all."""
    fn = "batch_update_lead"
    lead_ids, list_id_field = ctx.p("lead_ids"), ctx.p("list_id_field")
    if not lead_ids:
        out.line(render(fn, "NO LEADS DEFINED", _user(ctx, lead_ids=lead_ids)))
        return
    check = "Y" in ctx.p("list_exists_check").upper() and bool(list_id_field)
    if check and list_id_field not in ctx.state.lists:
        values = _user(ctx, list_id_field=list_id_field)
        out.line(render(fn, "NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED", values))
        return
    parts = lead_ids.split(",")
    if not all(parts):
        php_fatal()  # "lead_id IN(5016,,5017)" is invalid SQL
    wanted = {int(p) for p in parts}
    table = ctx.state.lead_table(ctx.p("archived_lead") == "Y")
    records = int(ctx.p("records") or "1000")
    found = sorted((i for i in table if i in wanted), reverse=True)[:records]
    if not found:
        out.line(render(fn, "NO MATCHES FOUND IN THE SYSTEM", _user(ctx, lead_ids=lead_ids)))
        return
    changes = _batch_changes(ctx)
    if not changes:
        return
    affected = sum(_apply(table[i], changes) for i in found)
    values = _user(
        ctx, affected_rows=affected, found_count=len(found), lead_ids=",".join(map(str, found))
    )
    out.line(render(fn, "LEADS HAVE BEEN UPDATED", values))
