"""Specs of the Non-Agent API functions for reports and exports: recording_lookup, did_log_export,
phone_number_log, agent_stats_export, user_group_status, in_group_status, user_details,
callid_info, logged_in_agents, call_status_stats, call_dispo_report, check_phone_number.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` and, where it is silent, from
``non_agent_api.php`` itself (the code's behaviour, where it differs from VICIdial's manual). Field
order and literal text of every template are VICIdial's. Length limits are the code's own checks
where it has them, else the column sizes of the stock schema.

Character sets are exactly what VICIdial's input filter keeps for each parameter, minus ``+`` where
VICIdial turns it into a space: the gateway refuses what VICIdial would silently change.

How the known reply quirks are handled:

* The gateway owns ``stage``/``header`` of every row function and asks for tab-separated rows, with
  a header row where the header names the data (so new columns come through by name).
* did_log_export's header swaps columns 2 and 3, and recording_lookup's header lacks ``duration``
  when ``duration=Y`` adds it to every row: for both the gateway never asks for the header and keys
  the rows by the real data order. (They stay plain row specs so the rows can be streamed.)
* agent_stats_export, call_status_stats, call_dispo_report and check_phone_number print shapes the
  general parser cannot type (``h:mm:ss`` durations, ``40%``, ``HH-count`` lists, a CSV report whose
  status columns are ordered differently from its header, ``AREACODE: 1|-6.00#PHONE: ...``): their
  parsers are in :mod:`.reports_shapes`.
* call_dispo_report's ``file_download=1`` (an attachment) is never requested: it is not a parameter
  of the gateway at all, so a caller sending it gets a 400.
"""

from __future__ import annotations

from .functions import DATETIME_PLUS
from .reports_shapes import (
    AGENT_STATS_DURATIONS,
    AGENT_STATS_PERCENTS,
    parse_agent_stats,
    parse_call_dispo_report,
    parse_call_status_stats,
    parse_check_phone_number,
)
from .spec import FieldType, FunctionSpec, Param, Rows, Template

# The gateway owns the delimiter and header options of row functions.
_STAGE_HEADER = ("stage", "header")
_YN = ("Y", "N")
_YES_NO = ("YES", "NO")

# Characters VICIdial keeps (the filters of non_agent_api.php, use_non_latin = 0).
WORD_CHARS = "-_0-9a-zA-Z"
GROUP_LIST_CHARS = "-|,_0-9a-zA-Z"  # user_groups, in_groups, campaigns (logged_in_agents)
DASH_LIST_CHARS = "-_0-9a-zA-Z"  # ingroups
DATETIME_CHARS = "- :_0-9"  # datetime_start/_end: a "+" is turned into a space (DATETIME_PLUS)
TIME_CHARS = ":0-9"
OWNER_CHARS = "- '.:/@_0-9a-zA-Z"
POSTAL_CHARS = "- '0-9a-zA-Z"

# Every function here except call_status_stats/call_dispo_report/check_phone_number needs
# vdc_agent_api_access=1, view_reports=1 and user level 7+ of the gateway's own account.
_REPORT_PERMISSION = (
    "ERROR: {fn} USER DOES NOT HAVE PERMISSION TO {what}: |{{user}}|{{allowed_user}}|"
)


def _err(text: str, error_type: str) -> Template:
    return Template(text, error_type=error_type)


def _permission(fn: str, what: str) -> Template:
    return _err(_REPORT_PERMISSION.format(fn=fn, what=what), "upstream_error")


def _flag(name: str, choices: tuple[str, ...] = _YN, summary: str = "") -> Param:
    return Param(name, "flag", max_len=max(map(len, choices)), choices=choices, summary=summary)


def _group_list(name: str, *, required: bool = False, summary: str = "") -> Param:
    """A pipe-delimited list of ids (the code accepts up to 9999 characters)."""
    return Param(
        name,
        "list",
        required=required,
        max_len=9999,
        charset=GROUP_LIST_CHARS,
        list_sep="|",
        summary=summary,
    )


def _dash_list(name: str, charset: str, *, required: bool = False, summary: str = "") -> Param:
    """A dash-delimited list (call_status_stats, call_dispo_report); ---ALL--- is one value."""
    return Param(
        name,
        "list",
        required=required,
        max_len=9999,
        charset=charset,
        list_sep="-",
        whole_items=("---ALL---",),
        summary=summary,
    )


def _report_switch(name: str, summary: str) -> Param:
    """status_breakdown / show_percentages: VICIdial's filter keeps only 1 and Y, and any of them
    turns the option on; 0, N (deleted by that filter) and an empty value leave it off."""
    return Param(
        name,
        "flag",
        max_len=1,
        choices=("1", ""),
        charset="1",
        spellings=(("Y", "1"), ("0|N", "")),
        summary=f"{summary}. 1 or Y (sent as 1) turns it on; 0, N or empty (sent empty) not",
    )


# Types of the numbers these reports print (everything else is an id, a code, a date or text).
_COUNTS: dict[str, FieldType] = {
    name: "int"
    for name in (
        "duration",
        "length_in_sec",
        "custtime",
        "total_calls",
        "calls_waiting",
        "agents_logged_in",
        "agents_in_calls",
        "agents_waiting",
        "agents_paused",
        "agents_in_dead_calls",
        "agents_in_dispo",
        "agents_in_dial",
    )
}

# --- recording_lookup -----------------------------------------------------------------------

RECORDING_LOOKUP = FunctionSpec(
    name="recording_lookup",
    summary=(
        "Call recordings by agent, lead, day, uniqueid and/or extension (ANDed; a lead_id or a "
        "known uniqueid, or two of the others, is needed). Up to 100000 rows by start_time."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        Param("agent_user", "id", max_len=20, summary="3-20 chars"),
        Param("lead_id", "int", max_len=10),
        Param("date", "date", max_len=10, summary="YYYY-MM-DD"),
        Param("uniqueid", "code", max_len=50, charset="- ._0-9a-zA-Z", summary="9+ chars"),
        Param("extension", "code", max_len=100, charset=WORD_CHARS, summary="3+ chars"),
        _flag("duration", summary="Y adds the recording length in seconds"),
    ),
    gateway_params=_STAGE_HEADER,
    # The header lacks "duration" when duration=Y adds it: the header is never asked for.
    rows=Rows(
        columns=("start_time", "user", "recording_id", "lead_id", "duration", "location"),
        stage="tab",
        request_header=False,
        # Not free text: a header without "duration" must never let location swallow it.
        conditional_columns=(("duration", "duration", "Y"),),
    ),
    field_types={**_COUNTS, "start_time": "datetime", "recording_id": "id", "location": "text"},
    stream=True,
    templates=(
        _permission("recording_lookup", "GET RECORDING INFO"),
        _err(
            "ERROR: recording_lookup INVALID SEARCH PARAMETERS: "
            "{user}|{agent_user}|{lead_id}|{date}|{uniqueid}",
            "invalid_input",
        ),
        _err(
            "ERROR: recording_lookup NO RECORDINGS FOUND - "
            "{user}|{agent_user}|{lead_id}|{date}|{uniqueid}",
            "not_found",
        ),
    ),
)

# --- did_log_export -------------------------------------------------------------------------

DID_LOG_EXPORT = FunctionSpec(
    name="did_log_export",
    summary="Every inbound call to one DID on one day, with its total seconds (up to 100000).",
    effect="read_only",
    idempotent=True,
    params=(
        Param(
            "phone_number",
            "phone",
            required=True,
            max_len=20,
            charset=",0-9",
            summary="the DID, digits only (a leading + cannot be matched)",
        ),
        Param("date", "date", required=True, max_len=10, summary="YYYY-MM-DD"),
    ),
    gateway_params=_STAGE_HEADER,
    # VICIdial's header swaps columns 2 and 3: the header is never asked for, the data order is.
    rows=Rows(
        columns=("did_number", "caller_id_number", "call_date", "length_in_sec"),
        stage="tab",
        request_header=False,
    ),
    field_types={
        **_COUNTS,
        "did_number": "phone",
        "caller_id_number": "phone",
        "call_date": "datetime",
    },
    stream=True,
    templates=(
        _permission("did_log_export", "GET DID INFO"),
        _err(
            "ERROR: did_log_export INVALID SEARCH PARAMETERS: {user}|{phone_number}|{date}",
            "invalid_input",
        ),
        _err(
            "ERROR: did_log_export NO RECORDS FOUND - {user}|{agent_user}|{lead_id}|{date}",
            "not_found",
        ),
    ),
)

# --- phone_number_log -----------------------------------------------------------------------

PHONE_NUMBER_LOG = FunctionSpec(
    name="phone_number_log",
    summary=(
        "Outbound and/or inbound call log rows of one or more phone numbers, newest first per "
        "number and log, with the lead's current status and source_id."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        Param(
            "phone_number",
            "list",
            required=True,
            max_len=10000,
            charset=",0-9",
            summary="numbers of 4+ digits",
        ),
        Param(
            "detail",
            "code",
            max_len=4,
            choices=("ALL", "LAST"),
            summary="LAST: only the latest call per number and log",
        ),
        Param("type", "code", max_len=3, choices=("OUT", "IN", "ALL"), summary="OUT by default"),
        _flag("archived_lead", summary="Y: lead status and source_id from the lead archive"),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=(
            "phone_number",
            "call_date",
            "list_id",
            "length_in_sec",
            "lead_status",
            "hangup_reason",
            "call_status",
            "source_id",
            "user",
        ),
        stage="tab",
        free_text=("source_id",),
    ),
    field_types={
        **_COUNTS,
        "call_date": "datetime",
        "lead_status": "code",
        "hangup_reason": "code",
        "call_status": "code",
    },
    stream=True,
    templates=(
        _permission("phone_number_log", "GET CALL LOG INFO"),
        _err(
            "ERROR: phone_number_log NO VALID PHONE NUMBERS DEFINED: {user}|{phone_number}|{date}",
            "invalid_input",
        ),
        Template(
            "NOTICE: phone_number_log NO RECORDS FOUND FOR THIS PHONE NUMBER - "
            "{user}|{phone_number}|{lead_id}|{date}"
        ),
    ),
)

# --- agent_stats_export ---------------------------------------------------------------------

# Durations (AGENT_STATS_DURATIONS: h:mm:ss, returned as seconds), percentages and other numbers.
_AGENT_STATS_COLUMNS = (
    "campaign_id",
    "user",
    "full_name",
    "user_group",
    "calls",
    "login_time",
    "total_talk_time",
    "avg_talk_time",
    "avg_wait_time",
    "pct_of_queue",
    "pause_time",
    "sessions",
    "avg_session",
    "pauses",
    "avg_pause_time",
    "pause_pct",
    "pauses_per_session",
    "wait_time",
    "talk_time",
    "dispo_time",
    "dead_time",
)
_AGENT_STATS_TYPES: dict[str, FieldType] = {
    **dict.fromkeys(
        ("calls", "pause_time", "sessions", "pauses", "pauses_per_session", *AGENT_STATS_DURATIONS),
        "int",
    ),
    **dict.fromkeys(AGENT_STATS_PERCENTS, "decimal"),
}

AGENT_STATS_EXPORT = FunctionSpec(
    name="agent_stats_export",
    summary=(
        "Agent activity over a datetime range from the agent log, one row per agent (or per "
        "campaign and agent): calls, login/talk/wait/pause/dispo/dead seconds, percentages."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        Param(
            "datetime_start",
            "datetime",
            required=True,
            max_len=19,
            charset=DATETIME_CHARS,
            spellings=(DATETIME_PLUS,),
            summary="YYYY-MM-DD HH:MM:SS (the manual's + for the space is sent as the space)",
        ),
        Param(
            "datetime_end",
            "datetime",
            required=True,
            max_len=19,
            charset=DATETIME_CHARS,
            spellings=(DATETIME_PLUS,),
            summary="YYYY-MM-DD HH:MM:SS (the manual's + for the space is sent as the space)",
        ),
        Param("agent_user", "id", max_len=20),
        Param("campaign_id", "id", max_len=8),
        _flag("group_by_campaign", _YES_NO, summary="YES: one row per campaign and agent"),
    ),
    # time_format only chooses how durations are printed: the gateway leaves VICIdial's default
    # (h:mm:ss) and returns seconds.
    gateway_params=(*_STAGE_HEADER, "time_format"),
    rows=Rows(
        columns=_AGENT_STATS_COLUMNS,
        stage="tab",
        free_text=("full_name",),
        conditional_columns=(("campaign_id", "group_by_campaign", "YES"),),
    ),
    field_types=_AGENT_STATS_TYPES,
    custom_parse=parse_agent_stats,
    stream=True,
    templates=(
        _permission("agent_stats_export", "GET AGENT INFO"),
        _err(
            "ERROR: agent_stats_export INVALID SEARCH PARAMETERS: "
            "{user}|{agent_user}|{datetime_start}|{datetime_end}|{campaign_id}",
            "invalid_input",
        ),
        _err(
            "ERROR: agent_stats_export NO RECORDS FOUND - "
            "{user}|{agent_user}|{datetime_start}|{datetime_end}|{campaign_id}",
            "not_found",
        ),
    ),
)

# --- user_group_status / in_group_status ----------------------------------------------------

USER_GROUP_STATUS = FunctionSpec(
    name="user_group_status",
    summary="Real-time counts for a set of user groups: calls waiting, agents by state.",
    effect="read_only",
    idempotent=True,
    params=(_group_list("user_groups", required=True),),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=(
            "usergroups",
            "calls_waiting",
            "agents_logged_in",
            "agents_in_calls",
            "agents_waiting",
            "agents_paused",
            "agents_in_dead_calls",
            "agents_in_dispo",
            "agents_in_dial",
        ),
        stage="tab",
        single=True,
        split_columns=(("usergroups", " "),),
    ),
    field_types=_COUNTS,
    templates=(
        _permission("user_group_status", "GET USER GROUP INFO"),
        _err(
            "ERROR: user_group_status INVALID SEARCH PARAMETERS: {user}|{user_groups*}",
            "invalid_input",
        ),
    ),
)

IN_GROUP_STATUS = FunctionSpec(
    name="in_group_status",
    summary="Real-time counts for a set of in-groups: calls, calls waiting, agents by state.",
    effect="read_only",
    idempotent=True,
    params=(_group_list("in_groups", required=True),),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=(
            "ingroups",
            "total_calls",
            "calls_waiting",
            "agents_logged_in",
            "agents_in_calls",
            "agents_waiting",
            "agents_paused",
            "agents_in_dispo",
            "agents_in_dial",
        ),
        stage="tab",
        single=True,
        split_columns=(("ingroups", " "),),
    ),
    field_types=_COUNTS,
    templates=(
        _permission("in_group_status", "GET IN-GROUP INFO"),
        _err(
            "ERROR: in_group_status INVALID SEARCH PARAMETERS: {user}|{in_groups*}",
            "invalid_input",
        ),
    ),
)

# --- user_details ---------------------------------------------------------------------------

USER_DETAILS = FunctionSpec(
    name="user_details",
    summary="Name, group, level and active flag of one user visible to the gateway's account.",
    effect="read_only",
    idempotent=True,
    params=(Param("agent_user", "id", required=True, max_len=20),),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=("user", "full_name", "user_group", "user_level", "active"),
        stage="tab",
        single=True,
        free_text=("full_name",),
    ),
    templates=(
        _permission("user_details", "GET USER DETAILS"),
        _err("ERROR: user_details INVALID SEARCH PARAMETERS: {user}|{agent_user}", "invalid_input"),
        _err("ERROR: user_details USER NOT FOUND: {user}|{agent_user}", "not_found"),
    ),
)

# --- callid_info ----------------------------------------------------------------------------

_CALLID_DETAIL = ("call_date", "phone", "call_type", "campaign_id", "list_id", "status", "user")

CALLID_INFO = FunctionSpec(
    name="callid_info",
    summary="Customer talk seconds (and with detail=YES the call's date, number, type, campaign, "
    "list, status, agent) of a call by its call ID (caller code).",
    effect="read_only",
    idempotent=True,
    params=(
        Param(
            "call_id",
            "code",
            required=True,
            max_len=39,
            charset="0-9a-zA-Z",
            summary="18-39 chars starting with Y, J, V, M, DC, S, LP, VH or XL",
        ),
        _flag("detail", _YES_NO, summary="YES adds the call's details"),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=("call_id", "custtime", *_CALLID_DETAIL),
        stage="tab",
        single=True,
        conditional_columns=tuple((c, "detail", "YES") for c in _CALLID_DETAIL),
    ),
    field_types={
        **_COUNTS,
        "call_id": "id",
        "call_date": "datetime",
        "phone": "phone",
        "call_type": "code",
    },
    templates=(
        _permission("callid_info", "GET CALL INFO"),
        _err("ERROR: callid_info INVALID SEARCH PARAMETERS: {user}|{call_id}", "invalid_input"),
        _err("ERROR: callid_info CALL NOT FOUND: {user}|{agent_user}", "not_found"),
        _err("ERROR: callid_info CALL LOG NOT FOUND: {user}|{agent_user}", "not_found"),
    ),
)

# --- logged_in_agents -----------------------------------------------------------------------

LOGGED_IN_AGENTS = FunctionSpec(
    name="logged_in_agents",
    summary="Every logged-in agent the gateway's account may see, optionally only some campaigns "
    "or user groups, with sub-status on request.",
    effect="read_only",
    idempotent=True,
    params=(
        _group_list("campaigns"),
        _group_list("user_groups"),
        _flag("show_sub_status", _YES_NO, summary="YES adds pause_code and sub_status"),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=(
            "user",
            "campaign_id",
            "session_id",
            "status",
            "lead_id",
            "callerid",
            "calls_today",
            "full_name",
            "user_group",
            "user_level",
            "pause_code",
            "sub_status",
        ),
        stage="tab",
        free_text=("full_name",),
        conditional_columns=(
            ("pause_code", "show_sub_status", "YES"),
            ("sub_status", "show_sub_status", "YES"),
        ),
    ),
    field_types={"status": "code", "sub_status": "code"},
    templates=(
        _permission("logged_in_agents", "GET AGENT INFO"),
        _err("ERROR: logged_in_agents NO LOGGED IN AGENTS: {user}|{agent_user}", "not_found"),
    ),
)

# --- call_status_stats / call_dispo_report --------------------------------------------------

# Both print this second line after their "missing campaigns" error (their parsers drop it).
INVALID_SOURCE_LINE = "ERROR: Invalid Source: |{source}|"
# Both need view_reports=1 and user level 9 (not vdc_agent_api_access); call_dispo_report's
# line names call_status_stats (VICIdial copy-paste).
_STATS_PERMISSION = _err(
    "ERROR: call_status_stats USER DOES NOT HAVE PERMISSION TO VIEW STATS: |{user}|{allowed_user}|",
    "upstream_error",
)
_DATE_RANGE: tuple[Param, ...] = (
    Param("query_date", "date", max_len=10, summary="YYYY-MM-DD, today by default"),
    Param("query_time", "code", max_len=8, charset=TIME_CHARS, summary="HH:MM:SS, 00:00:00"),
    Param("end_date", "date", max_len=10, summary="YYYY-MM-DD, query_date by default"),
    Param("end_time", "code", max_len=8, charset=TIME_CHARS, summary="HH:MM:SS, 23:59:59"),
)

CALL_STATUS_STATS = FunctionSpec(
    name="call_status_stats",
    summary=(
        "Calls per campaign and per in-group over a date range: total, human-answered, per hour "
        "of the day and per status. Campaign rows first, then in-group rows."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        _dash_list(
            "campaigns",
            "-,|_0-9a-zA-Z",
            required=True,
            summary="campaign ids, or ---ALL--- / ALLCAMPAIGNS",
        ),
        *_DATE_RANGE,
        _dash_list(
            "ingroups", DASH_LIST_CHARS, summary="default: the in-groups of the selected campaigns"
        ),
        _dash_list("statuses", "- .,_0-9a-zA-Z"),
    ),
    # Always "|"-separated, no header, every row ends with "|" (parsed in reports_shapes).
    rows=Rows(
        columns=("id", "total_calls", "human_answered_calls", "hourly", "statuses"),
        delimiter_option="pipe",
        stage=None,
        request_header=False,
    ),
    field_types={**_COUNTS, "human_answered_calls": "int", "hourly": "text", "statuses": "text"},
    empty_ok=True,
    custom_parse=parse_call_status_stats,
    stream=True,
    templates=(
        _err("ERROR: call_status_stats INVALID OR MISSING CAMPAIGNS - {source}", "invalid_input"),
        _STATS_PERMISSION,
    ),
)

CALL_DISPO_REPORT = FunctionSpec(
    name="call_dispo_report",
    summary=(
        "Disposition report over a date range: calls per campaign, in-group or DID, optionally "
        "per status (with percentages), and the totals."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        _dash_list("campaigns", "-,|_0-9a-zA-Z", summary="or ---ALL--- / ALLCAMPAIGNS"),
        _dash_list("ingroups", DASH_LIST_CHARS, summary="or ---ALL--- / ALLGROUPS"),
        Param(
            "did_ids",
            "code",
            max_len=50,
            charset=",+0-9a-zA-Z",
            summary="one DID id, or ALLDIDS (VICIdial deletes the dash of a list)",
        ),
        Param(
            "did_patterns",
            "code",
            max_len=50,
            charset=",:+*#._0-9a-zA-Z",
            summary="one DID pattern, or ALLPATTERNS",
        ),
        *_DATE_RANGE,
        _dash_list("statuses", "- .,_0-9a-zA-Z", summary="or ---ALL--- / ALLSTATUSES"),
        _dash_list("categories", "-,_0-9a-zA-Z", summary="or ---ALL--- / ALLCATEGORIES"),
        _dash_list("users", "-,_0-9a-zA-Z", summary="or ---ALL--- / ALLUSERS"),
        _dash_list("user_groups", GROUP_LIST_CHARS, summary="or ---ALL--- / ALLGROUPS"),
        _report_switch("status_breakdown", "one column per status"),
        _report_switch("show_percentages", "with status_breakdown: each count with its percentage"),
    ),
    custom_parse=parse_call_dispo_report,
    stream=True,
    templates=(
        _err(
            "ERROR: call_dispo_report INVALID OR MISSING CAMPAIGNS, INGROUPS, OR DIDS - {source}",
            "invalid_input",
        ),
        _STATS_PERMISSION,
    ),
)

# --- check_phone_number ---------------------------------------------------------------------

# The success line has no SUCCESS prefix (TZ_METHODS, TZ_SEGMENT and PHONE_SEGMENT in
# .reports_shapes, which reads it).


def _check_error(reason: str, fields: str, error_type: str = "invalid_input") -> Template:
    return _err(f"ERROR: check_phone_number {reason} - {fields}", error_type)


CHECK_PHONE_NUMBER = FunctionSpec(
    name="check_phone_number",
    summary=(
        "Validate a phone number (length, prefix, area code, DNC lists) and tell, per time-zone "
        "method, its GMT offset and whether it may be dialed now under a call time."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        Param(
            "phone_number",
            "phone",
            required=True,
            max_len=16,
            charset=",0-9",
            summary="6-16 digits",
        ),
        Param("local_call_time", "id", required=True, max_len=10, summary="a call time id"),
        Param("phone_code", "int", max_len=10, summary="1 by default"),
        Param("postal_code", "code", max_len=10, charset=POSTAL_CHARS),
        Param("state", "code", max_len=2, charset="- 0-9a-zA-Z"),
        Param(
            "owner", "text", max_len=20, charset=OWNER_CHARS, summary="a time-zone code for TZCODE"
        ),
        Param("dnc_check", "code", max_len=8, choices=("Y", "N", "AREACODE")),
        Param("campaign_dnc_check", "code", max_len=8, choices=("Y", "N", "AREACODE")),
        Param("campaign_id", "id", max_len=8),
        _flag("usacan_prefix_check"),
        _flag("usacan_areacode_check"),
        _flag("nanpa_ac_prefix_check"),
        Param(
            "tz_method",
            "code",
            max_len=40,
            charset=WORD_CHARS,
            summary="AREACODE (default), POSTAL, TZCODE, NANPA, or several joined",
        ),
    ),
    field_types={"phone_code": "code", "postal_code": "code", "state": "code", "owner": "text"},
    custom_parse=parse_check_phone_number,
    templates=(
        _err(
            "ERROR: check_phone_number USER DOES NOT HAVE PERMISSION TO CHECK PHONE NUMBERS: "
            "|{user}||",
            "upstream_error",
        ),
        _err(
            "ERROR: check_phone_number THIS IS NOT A VALID CALL TIME: |{user}|{local_call_time}|",
            "invalid_input",
        ),
        # nanpa_ac_prefix_check=Y or a NANPA tz_method on a VICIdial without NANPA prefix data
        # (fewer than 10 rows; non_agent_api.php 17739-17756): the server's setup, not the
        # caller's values or the login.
        _check_error(
            "NANPA options disabled, NANPA prefix data not loaded",
            "{nanpa_row_count}|{user}",
            "not_configured",
        ),
        _check_error("INVALID PHONE NUMBER LENGTH", "{phone_number}|{user}"),
        _check_error("INVALID PHONE NUMBER PREFIX", "{phone_number}|{user}"),
        _check_error("INVALID PHONE NUMBER AREACODE", "{phone_number}|{user}"),
        _check_error("INVALID PHONE NUMBER NANPA AREACODE PREFIX", "{phone_number}|{user}"),
        _check_error("PHONE NUMBER IN DNC", "{phone_number}|{user}"),
        _check_error("PHONE NUMBER IN CAMPAIGN DNC", "{phone_number}|{campaign_id}|{user}"),
    ),
)

FUNCTIONS: tuple[FunctionSpec, ...] = (
    RECORDING_LOOKUP,
    DID_LOG_EXPORT,
    PHONE_NUMBER_LOG,
    AGENT_STATS_EXPORT,
    USER_GROUP_STATUS,
    IN_GROUP_STATUS,
    USER_DETAILS,
    CALLID_INFO,
    LOGGED_IN_AGENTS,
    CALL_STATUS_STATS,
    CALL_DISPO_REPORT,
    CHECK_PHONE_NUMBER,
)
