"""Statistics and the number check: call_status_stats, call_dispo_report, check_phone_number.

call_status_stats and call_dispo_report check their campaign lists before anything else and then
print the "Invalid Source" line too (VICIdial copy-paste). call_dispo_report is the one reply
that is not ``text/html``: ``text/plain``, or an ``application/octet-stream`` attachment with
``file_download=1``, and its final TOTAL row has no LF. Its header lists statuses in first-seen
order (with a DID query bug that can repeat them) while each row's values are sorted by status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gateway.catalog import generic as g
from gateway.catalog.reports_shapes import PHONE_SEGMENT, TZ_METHODS, TZ_SEGMENT

from ..clock import php_number
from ..data_reports import InboundCall, OutboundCall
from ..gmt import CALL_TIMES, USA_DST, area_code, dialable, lookup_gmt, usa_dst
from .base import Ctx, Out, render
from .reports_common import matches


@dataclass(frozen=True)
class _Range:
    low: str
    high: str

    @classmethod
    def of(cls, ctx: Ctx) -> _Range:
        """query_date/query_time .. end_date/end_time with VICIdial's defaults."""
        day = ctx.p("query_date") or ctx.state.now_text()[:10]
        start = ctx.p("query_time") or "00:00:00"
        end_day = ctx.p("end_date") or day
        end = ctx.p("end_time") or "23:59:59"
        return cls(f"{day} {start}", f"{end_day} {end}")

    def __contains__(self, call_date: object) -> bool:
        return isinstance(call_date, str) and self.low <= call_date <= self.high


def _missing(ctx: Ctx, out: Out, fn: str, message: str) -> None:
    source = ctx.p("source")
    out.line(render(fn, message, {"source": source}))
    out.line(g.INVALID_SOURCE_2.render({"source": source}))


def _everything(items: list[str], raw: str, *words: str) -> bool:
    """A dash list that means "all": one of the ALL words, or ---ALL--- anywhere in it."""
    return "---ALL---" in raw or any(w in items for w in words)


# --- call_status_stats ------------------------------------------------------------------------


class _Tally:
    """Totals, human-answered counts and per-id status/hour counts, shared by both call logs."""

    def __init__(self, human: frozenset[str]) -> None:
        self.human = human
        self.rows: dict[str, dict[str, list[int]]] = {"out": {}, "in": {}}
        self.statuses: dict[str, dict[str, int]] = {}
        self.hours: dict[str, dict[str, int]] = {}

    def start(self, side: str, ids: Iterable[str]) -> None:
        for key in sorted(set(ids)):
            self.rows[side][key] = [0, 0]

    def add(self, side: str, key: str, status: str, call_date: str) -> None:
        row = self.rows[side].setdefault(key, [0, 0])
        row[0] += 1
        row[1] += status in self.human
        by_status = self.statuses.setdefault(key, {})
        by_status[status] = by_status.get(status, 0) + 1
        by_hour = self.hours.setdefault(key, {})
        by_hour[call_date[11:13]] = by_hour.get(call_date[11:13], 0) + 1

    def add_calls(
        self, side: str, calls: Sequence[OutboundCall | InboundCall], statuses: set[str] | None
    ) -> None:
        for call in sorted(calls, key=lambda c: c.campaign_id):  # "order by campaign_id"
            if statuses is None or call.status in statuses:
                self.add(side, call.campaign_id, call.status, call.call_date)

    def lines(self) -> list[str]:
        out = []
        for side in ("out", "in"):
            for key, (total, human) in self.rows[side].items():
                hours = self.hours.get(key, {})
                hourly = ",".join(f"{h:02d}-{hours.get(f'{h:02d}', 0)}" for h in range(24))
                counts = self.statuses.get(key, {})
                statuses = ",".join(f"{s}-{counts[s]}" for s in sorted(counts))
                out.append(f"{key}|{total}|{human}|{hourly}|{statuses}|")
        return out


def call_status_stats(ctx: Ctx, out: Out) -> None:
    """Per campaign, then per in-group: calls, human-answered calls, hours, statuses."""
    fn = "call_status_stats"
    campaigns = ctx.p("campaigns")
    if len(campaigns) < 2:
        _missing(ctx, out, fn, "INVALID OR MISSING CAMPAIGNS")
        return
    data, span = ctx.state.reports, _Range.of(ctx)
    selected = campaigns.split("-")
    every = _everything(selected, campaigns, "ALLCAMPAIGNS")
    chosen = set(ctx.state.campaigns) if every else set(selected)
    tally = _Tally(data.human_answered)
    tally.start("out", chosen)
    if ctx.p("ingroups"):
        ingroups = set(ctx.p("ingroups").split("-"))
    else:
        ingroups = {g for c, groups in data.closer_campaigns.items() if c in chosen for g in groups}
    tally.start("in", ingroups)
    statuses = set(ctx.p("statuses").split("-")) if ctx.p("statuses") else None
    outbound = [
        c for c in data.outbound_calls if c.call_date in span and (every or c.campaign_id in chosen)
    ]
    inbound = [c for c in data.inbound_calls if c.call_date in span and c.campaign_id in ingroups]
    tally.add_calls("out", outbound, statuses)
    tally.add_calls("in", inbound, statuses)
    for line in tally.lines():
        out.line(line)


# --- call_dispo_report ------------------------------------------------------------------------


@dataclass
class _Filters:
    """The WHERE clauses of call_dispo_report (None: no restriction)."""

    campaigns: set[str] | None
    ingroups: set[str] | None
    dids: set[str] | None
    statuses: set[str] | None
    users: set[str] | None
    skip_outbound: bool
    skip_inbound: bool
    skip_dids: bool


def _dash(ctx: Ctx, name: str) -> list[str]:
    return ctx.p(name).split("-")


def _did_filter(ctx: Ctx, skip_inbound: bool) -> tuple[set[str] | None, bool]:
    did_ids, did_patterns = ctx.p("did_ids"), ctx.p("did_patterns")
    if not (did_ids or did_patterns) or not skip_inbound:  # no DID report next to in-groups
        return None, True
    ids, patterns = _dash(ctx, "did_ids"), _dash(ctx, "did_patterns")
    for did_id, pattern in ctx.state.reports.dids.items():
        if pattern in patterns and did_id not in ids:
            ids.append(did_id)
            patterns.append(pattern)
    every = _everything(ids, did_ids, "ALLDIDS")
    every = every or _everything(patterns, did_patterns, "ALLPATTERNS")
    return (None if every else set(ids)), False


def _status_filter(ctx: Ctx) -> set[str] | None:
    if not (ctx.p("statuses") or ctx.p("categories")):
        return None
    statuses, categories = _dash(ctx, "statuses"), _dash(ctx, "categories")
    statuses += [s for s, c in ctx.state.reports.status_categories.items() if c in categories]
    if _everything(statuses, ctx.p("statuses"), "ALLSTATUSES") or _everything(
        categories, ctx.p("categories"), "ALLCATEGORIES"
    ):
        return None
    return set(statuses)


def _user_filter(ctx: Ctx) -> set[str] | None:
    if not (ctx.p("users") or ctx.p("user_groups")):
        return None
    users, groups = _dash(ctx, "users"), _dash(ctx, "user_groups")
    users += [u.user for u in ctx.state.users.values() if u.user_group in groups]
    if _everything(users, ctx.p("users"), "ALLUSERS") or _everything(
        groups, ctx.p("user_groups"), "ALLGROUPS"
    ):
        return None
    return set(users)


def _filters(ctx: Ctx) -> _Filters:
    campaigns, ingroups = _dash(ctx, "campaigns"), _dash(ctx, "ingroups")
    skip_inbound = not ctx.p("ingroups")
    dids, skip_dids = _did_filter(ctx, skip_inbound)
    every_campaign = _everything(campaigns, ctx.p("campaigns"), "ALLCAMPAIGNS")
    every_ingroup = _everything(ingroups, ctx.p("ingroups"), "ALLGROUPS")
    return _Filters(
        campaigns=None if every_campaign else set(campaigns),
        ingroups=None if every_ingroup else set(ingroups),
        dids=dids,
        statuses=_status_filter(ctx),
        users=_user_filter(ctx),
        skip_outbound=not ctx.p("campaigns"),
        skip_inbound=skip_inbound,
        skip_dids=skip_dids,
    )


def _allows(allowed: set[str] | None, value: str) -> bool:
    return allowed is None or value in allowed


def _grouped(rows: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, int, str]]:
    """``group by campaign_id, status order by campaign_id, status``: (id, status, n, label).

    The label (the DID number of a DID row) is the first row's: MySQL picks any row's value.
    """
    counts: dict[tuple[str, str], int] = {}
    labels: dict[tuple[str, str], str] = {}
    for campaign_id, status, label in rows:
        key = (campaign_id, status)
        counts[key] = counts.get(key, 0) + 1
        labels.setdefault(key, label)
    return [(*key, counts[key], labels[key]) for key in sorted(counts)]


def _dispo_groups(ctx: Ctx, f: _Filters, span: _Range) -> list[list[tuple[str, str, int, str]]]:
    """The outbound, inbound and DID groups (DID rows are labelled with the DID number)."""
    data = ctx.state.reports

    def wanted(status: str, user: str) -> bool:
        return _allows(f.statuses, status) and _allows(f.users, user)

    outbound = (
        []
        if f.skip_outbound
        else _grouped(
            (c.campaign_id, c.status, c.campaign_id)
            for c in data.outbound_calls
            if c.call_date in span
            and _allows(f.campaigns, c.campaign_id)
            and wanted(c.status, c.user)
        )
    )
    inbound = (
        []
        if f.skip_inbound
        else _grouped(
            (c.campaign_id, c.status, c.campaign_id)
            for c in data.inbound_calls
            if c.call_date in span
            and _allows(f.ingroups, c.campaign_id)
            and wanted(c.status, c.user)
        )
    )
    dids: list[tuple[str, str, int, str]] = []
    if not f.skip_dids:
        closer: dict[str, list[InboundCall]] = {}
        for call in data.inbound_calls:
            closer.setdefault(call.uniqueid, []).append(call)
        dids = _grouped(
            (call.campaign_id, call.status, did.extension)
            for did in data.did_calls
            if did.call_date in span and _allows(f.dids, did.did_id)
            for call in closer.get(did.uniqueid, [])
            if wanted(call.status, call.user)
        )
    return [outbound, inbound, dids]


def _percent_text(count: int, total: int, percentages: bool) -> str:
    return f"{count} ({100 * count / total:.1f}%)" if percentages else str(count)


_Group = tuple[str, str, int, str]


def _report(groups: list[list[_Group]], breakdown: bool, percentages: bool) -> str:
    header: list[str] = []
    tables: list[dict[str, dict[str, int]]] = [{}, {}, {}]
    grand: dict[str, int] = {}
    grand_total = 0
    for index, rows in enumerate(groups):
        for _campaign_id, status, count, label in rows:
            row = tables[index].setdefault(label, {})
            grand_total += count
            if breakdown:
                # The DID query checks the DID number instead of the status (header repeats).
                seen = label if index == 2 else status
                if seen not in header:
                    header.append(status)
                row[status] = row.get(status, 0) + count
                grand[status] = grand.get(status, 0) + count
            row[""] = row.get("", 0) + count  # "TOTAL CALLS"
    lines = [",".join(["CAMPAIGN", "TOTAL CALLS", *header])]
    for table in tables:
        for label, row in table.items():
            total = row.pop("")
            if breakdown:
                row.update({s: row.get(s, 0) for s in header})
            values = [_percent_text(row[s], total, percentages) for s in sorted(row)]
            lines.append(",".join([label, str(total), *values]))
    totals = [_percent_text(grand[s], grand_total, percentages) for s in sorted(grand)]
    lines.append(",".join(["TOTAL", str(grand_total), *totals]))
    return "\n".join(lines)  # no LF after the TOTAL row


def _headers(ctx: Ctx) -> dict[str, str]:
    if ctx.p("file_download") and int(ctx.p("file_download")) > 0:
        stamp = ctx.state.now_text().replace("-", "").replace(":", "").replace(" ", "")
        return {
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f'attachment; filename="API_call_dispo_report_{stamp}.csv"',
            "Expires": "0",
            "Cache-Control": "must-revalidate, post-check=0, pre-check=0",
            "Pragma": "public",
        }
    return {"Content-Type": "text/plain;charset=UTF-8"}


def call_dispo_report(ctx: Ctx, out: Out) -> None:
    """The CSV disposition report (text/plain; an attachment with file_download=1)."""
    fn = "call_dispo_report"
    if (
        len(ctx.p("campaigns")) < 2
        and len(ctx.p("ingroups")) < 2
        and not ctx.p("did_ids")
        and len(ctx.p("did_patterns")) < 2
    ):
        _missing(ctx, out, fn, "INVALID OR MISSING CAMPAIGNS, INGROUPS, OR DIDS")
        return
    breakdown = bool(ctx.p("status_breakdown"))
    percentages = breakdown and bool(ctx.p("show_percentages"))
    groups = _dispo_groups(ctx, _filters(ctx), _Range.of(ctx))
    out.headers.update(_headers(ctx))
    out.raw(_report(groups, breakdown, percentages))


# --- check_phone_number -----------------------------------------------------------------------

FN_CHECK = "check_phone_number"


def _number_error(ctx: Ctx, phone: str) -> str | None:
    """The INVALID PHONE NUMBER reason, if any (length 6-16, then the optional checks)."""
    if not 6 <= len(phone) <= 16:
        return "INVALID PHONE NUMBER LENGTH"
    fourth = phone[3:4]  # PHP compares it with 2; a comma or nothing is "less" too
    if ctx.p("usacan_prefix_check") == "Y" and not (fourth.isdigit() and int(fourth) >= 2):
        return "INVALID PHONE NUMBER PREFIX"
    if ctx.p("usacan_areacode_check") == "Y" and area_code(phone) is None:
        return "INVALID PHONE NUMBER AREACODE"
    if ctx.p("nanpa_ac_prefix_check") == "Y":  # the simulator has no NANPA prefix rows
        return "INVALID PHONE NUMBER NANPA AREACODE PREFIX"
    return None


def _dnc_line(ctx: Ctx, phone: str) -> str | None:
    values = {"phone_number": phone, "user": ctx.user_name, "campaign_id": ctx.p("campaign_id")}
    areacode = phone[:3] + "XXXXXXX"
    check = ctx.p("dnc_check")
    numbers = {phone, areacode} if check == "AREACODE" else {phone}
    if check in ("Y", "AREACODE") and numbers & ctx.state.dnc:
        return render(FN_CHECK, "PHONE NUMBER IN DNC", values)
    check = ctx.p("campaign_dnc_check")
    numbers = {phone, areacode} if check == "AREACODE" else {phone}
    listed = ctx.state.campaign_dnc.get(ctx.p("campaign_id"), set())
    if check in ("Y", "AREACODE") and numbers & listed:
        return render(FN_CHECK, "PHONE NUMBER IN CAMPAIGN DNC", values)
    return None


def _offset(ctx: Ctx, stored: str, dst_range: str) -> str:
    """The stored offset, or PHP's float text of it plus one hour in US daylight time."""
    if dst_range == USA_DST and usa_dst(ctx.state.now(), float(stored)):
        return php_number(float(stored) + 1)
    return stored


def _gmt(ctx: Ctx, method: str, phone: str, phone_code: str) -> str | None:
    """lookup_gmt_api for one method; None when the method has no input to work with."""
    data, postal, owner = ctx.state.reports, ctx.p("postal_code"), ctx.p("owner")
    found: tuple[str, str] | None = None
    if method == "POSTAL":
        if len(postal) != 5:
            return None
        found = data.postal_codes.get(postal) if phone_code == "1" else None
    elif method == "TZCODE":
        if not 0 < len(owner) < 7:
            return None
        found = data.tz_codes.get(owner) if len(owner) > 1 else None
    if found is not None:
        return _offset(ctx, *found)
    return lookup_gmt(phone_code, phone, ctx.state.now())  # the area code (also the fallback)


def _segments(ctx: Ctx, phone: str, phone_code: str, tz_method: str) -> str:
    text = ""
    for method in TZ_METHODS:
        if matches(method, tz_method):
            gmt = _gmt(ctx, method, phone, phone_code)
            ok = gmt is not None and dialable(ctx.p("local_call_time"), gmt, ctx.state.now())
            text += TZ_SEGMENT.render({"method": method, "dialable": int(ok), "gmt_offset": gmt})
    return text


def check_phone_number(ctx: Ctx, out: Out) -> None:
    """Validity, DNC and per-method time zone of one number under a call time."""
    call_time = ctx.p("local_call_time")
    if call_time not in CALL_TIMES:
        out.line(
            render(
                FN_CHECK,
                "THIS IS NOT A VALID CALL TIME",
                {"user": ctx.user_name, "local_call_time": call_time},
            )
        )
        return
    phone_code = ctx.p("phone_code") or "1"
    tz_method = ctx.p("tz_method") or "AREACODE"
    rows = ctx.state.reports.nanpa_prefix_rows
    if (ctx.p("nanpa_ac_prefix_check") == "Y" or matches("NANPA", tz_method)) and rows < 10:
        out.line(
            render(
                FN_CHECK,
                "NANPA options disabled, NANPA prefix data not loaded",
                {"nanpa_row_count": rows, "user": ctx.user_name},
            )
        )
        return
    phone = ctx.p("phone_number")
    reason = _number_error(ctx, phone)
    if reason is not None:
        out.line(render(FN_CHECK, reason, {"phone_number": phone, "user": ctx.user_name}))
        return
    dnc = _dnc_line(ctx, phone)
    if dnc is not None:
        out.line(dnc)
        return
    phone_values = {
        "phone_number": phone,
        "phone_code": phone_code,
        "postal_code": ctx.p("postal_code"),
        "state": ctx.p("state"),
        "owner": ctx.p("owner"),
    }
    out.line(_segments(ctx, phone, phone_code, tz_method) + PHONE_SEGMENT.render(phone_values))
