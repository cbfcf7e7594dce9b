"""Simulated reports functions (see gateway/catalog/reports.py).

The handlers live in :mod:`.reports_exports` (recording_lookup, did_log_export, phone_number_log,
agent_stats_export), :mod:`.reports_live` (user_group_status, in_group_status, user_details,
callid_info, logged_in_agents) and :mod:`.reports_stats` (call_status_stats, call_dispo_report,
check_phone_number); their tables in :mod:`gateway.sim.data_reports`. This module registers the
input filters of their parameters and their permission queries.
"""

from __future__ import annotations

from ..model import SimUser
from ..params import ALNUM, DIGITS, UPPER, WORD, Filter, keep, register_filters
from .base import FunctionImpl
from .reports_exports import agent_stats_export, did_log_export, phone_number_log, recording_lookup
from .reports_live import (
    callid_info,
    in_group_status,
    logged_in_agents,
    user_details,
    user_group_status,
)
from .reports_stats import call_dispo_report, call_status_stats, check_phone_number

_DATE = keep("-0-9")
_TIME = keep(":0-9")
_ONE_OR_Y = keep("1Y")

# The filters of non_agent_api.php (use_non_latin = 0) for the parameters these functions read.
# A name another area has registered already keeps that filter (both are the PHP's).
_FILTERS: dict[str, Filter] = {
    "date": _DATE,
    "query_date": _DATE,
    "end_date": _DATE,
    "query_time": _TIME,
    "end_time": _TIME,
    "uniqueid": keep("- ._0-9a-zA-Z"),
    "duration": WORD,
    "type": WORD,
    "ingroups": WORD,
    "local_call_time": WORD,
    "detail": UPPER,
    "show_sub_status": UPPER,
    "group_by_campaign": ALNUM,
    "call_id": ALNUM,
    "file_download": DIGITS,
    "datetime_start": keep("- +:_0-9"),  # "+" becomes a space inside agent_stats_export
    "datetime_end": keep("- +:_0-9"),
    "user_groups": keep("-|,_0-9a-zA-Z"),
    "campaigns": keep("-,|_0-9a-zA-Z"),
    "statuses": keep("- .,_0-9a-zA-Z"),
    "categories": keep("-,_0-9a-zA-Z"),
    "users": keep("-,_0-9a-zA-Z"),
    "did_ids": keep(",+0-9a-zA-Z"),
    "did_patterns": keep(",:+*#._0-9a-zA-Z"),
    "status_breakdown": _ONE_OR_Y,
    "show_percentages": _ONE_OR_Y,
}
register_filters(_FILTERS)


def _reports(user: SimUser) -> bool:
    """vdc_agent_api_access=1, view_reports=1, user_level > 6 (and active, as for login)."""
    return user.vdc_agent_api_access and user.view_reports and user.user_level > 6 and user.active


def _check_numbers(user: SimUser) -> bool:
    return user.vdc_agent_api_access and user.user_level > 7 and user.active


def _stats(user: SimUser) -> bool:
    """call_status_stats / call_dispo_report: view_reports=1 and level 9; no API access flag."""
    return user.view_reports and user.user_level > 8 and user.active


IMPLS: tuple[FunctionImpl, ...] = (
    FunctionImpl(
        "recording_lookup",
        recording_lookup,
        _reports,
        "USER DOES NOT HAVE PERMISSION TO GET RECORDING INFO",
    ),
    FunctionImpl(
        "did_log_export", did_log_export, _reports, "USER DOES NOT HAVE PERMISSION TO GET DID INFO"
    ),
    FunctionImpl(
        "phone_number_log",
        phone_number_log,
        _reports,
        "USER DOES NOT HAVE PERMISSION TO GET CALL LOG INFO",
    ),
    FunctionImpl(
        "agent_stats_export",
        agent_stats_export,
        _reports,
        "USER DOES NOT HAVE PERMISSION TO GET AGENT INFO",
    ),
    FunctionImpl(
        "user_group_status",
        user_group_status,
        _reports,
        "USER DOES NOT HAVE PERMISSION TO GET USER GROUP INFO",
    ),
    FunctionImpl(
        "in_group_status",
        in_group_status,
        _reports,
        "USER DOES NOT HAVE PERMISSION TO GET IN-GROUP INFO",
    ),
    FunctionImpl(
        "user_details", user_details, _reports, "USER DOES NOT HAVE PERMISSION TO GET USER DETAILS"
    ),
    FunctionImpl(
        "callid_info", callid_info, _reports, "USER DOES NOT HAVE PERMISSION TO GET CALL INFO"
    ),
    FunctionImpl(
        "logged_in_agents",
        logged_in_agents,
        _reports,
        "USER DOES NOT HAVE PERMISSION TO GET AGENT INFO",
    ),
    # These two check their campaign lists first and print no source error (no source check);
    # the simulator's generic order runs the permission checks before the campaign check.
    FunctionImpl(
        "call_status_stats",
        call_status_stats,
        _stats,
        "USER DOES NOT HAVE PERMISSION TO VIEW STATS",
        needs_source=False,
    ),
    FunctionImpl(
        "call_dispo_report",
        call_dispo_report,
        _stats,
        "USER DOES NOT HAVE PERMISSION TO VIEW STATS",
        needs_source=False,
    ),
    FunctionImpl(
        "check_phone_number",
        check_phone_number,
        _check_numbers,
        "USER DOES NOT HAVE PERMISSION TO CHECK PHONE NUMBERS",
    ),
)
