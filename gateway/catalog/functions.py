"""Specs of the Non-Agent API functions the gateway exposes.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` (the code's behaviour, where it differs
from VICIdial's manual). Field order and literal text of every template are VICIdial's.
Length limits are the ``vicidial_list``/``vicidial_lists`` column sizes of the stock schema.
"""

from __future__ import annotations

from dataclasses import replace

from .leads_shapes import parse_lead_search
from .spec import FunctionSpec, Param, Rows, SqlWhen, Template

# The gateway owns the delimiter and header options of row functions.
_STAGE_HEADER = ("stage", "header")

_YN = ("Y", "N")
# VICIdial's "empty this field" value (update_lead, batch_update_lead).
BLANK = "--BLANK--"
# "YYYY-MM-DD+HH:MM:SS", the manual's form (a "+" is a space in its example URLs): VICIdial, and
# MariaDB for the datetimes it stores, read a "+" between date and time as the space.
DATETIME_PLUS = (
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})\+([0-9]{2}:[0-9]{2}:[0-9]{2})",
    r"\1 \2",
)


def _err(text: str, error_type: str) -> Template:
    return Template(text, error_type=error_type)


# --- lead fields shared by add_lead and update_lead -------------------------------------------

# Characters VICIdial keeps, minus "+" where VICIdial turns it into a space (see cross_cutting.md
# section 3): the gateway refuses the rest rather than let VICIdial drop them silently.
NAME_CHARS = "- '_.0-9a-zA-Z"
ADDRESS_CHARS = "- '.:/@_0-9a-zA-Z"
EMAIL_CHARS = "- '.:/@%_0-9a-zA-Z"
# callback_comments: no apostrophe (deleted), and a "+" stays a plus.
CALLBACK_COMMENT_CHARS = "- +.:/@_0-9a-zA-Z"

_LEAD_FIELDS: tuple[Param, ...] = (
    Param("phone_code", "int", max_len=10),
    Param("vendor_lead_code", "text", max_len=20),
    Param("source_id", "text", max_len=50),
    Param("title", "text", max_len=4, charset=NAME_CHARS),
    Param("first_name", "text", max_len=30, charset=NAME_CHARS),
    Param("middle_initial", "code", max_len=1),
    Param("last_name", "text", max_len=30, charset=NAME_CHARS),
    Param("address1", "text", max_len=100, charset=ADDRESS_CHARS),
    Param("address2", "text", max_len=100, charset=ADDRESS_CHARS),
    Param("address3", "text", max_len=100, charset=ADDRESS_CHARS),
    Param("city", "text", max_len=50, charset=ADDRESS_CHARS),
    Param("state", "code", max_len=2, charset="- 0-9a-zA-Z"),
    Param("province", "text", max_len=50, charset="- '._0-9a-zA-Z"),
    Param("postal_code", "code", max_len=10, charset="- '0-9a-zA-Z"),
    Param("country_code", "code", max_len=3),
    Param("gender", "code", max_len=1, choices=("M", "F", "U")),
    Param("date_of_birth", "date", max_len=10),
    Param("alt_phone", "phone", max_len=12, charset=NAME_CHARS),
    Param("email", "text", max_len=70, charset=EMAIL_CHARS),
    Param("security_phrase", "text", max_len=100, charset=ADDRESS_CHARS),
    Param("comments", "text", max_len=255),
    Param("rank", "int", max_len=5),
    Param("owner", "text", max_len=20, charset=ADDRESS_CHARS),
)

_CALLBACK_PARAMS: tuple[Param, ...] = (
    Param("campaign_id", "id", max_len=8),
    Param("callback_status", "code", max_len=6),
    Param(
        "callback_datetime",
        "datetime",
        max_len=19,
        spellings=(DATETIME_PLUS,),
        summary="YYYY-MM-DD HH:MM:SS (a + for the space is sent as the space), NOW or <n>DAYS",
    ),
    Param("callback_type", "code", max_len=8, choices=("USERONLY", "ANYONE")),
    Param("callback_user", "id", max_len=20),
    Param("callback_comments", "text", max_len=255, charset=CALLBACK_COMMENT_CHARS),
)

# list_exists_check: VICIdial looks for a "Y" in any case.
_LIST_EXISTS_CHECK = Param(
    "list_exists_check",
    "flag",
    max_len=1,
    choices=_YN,
    spellings=(("y", "Y"), ("n", "N")),
    summary="Y: the list must exist (y and n are sent as Y and N: VICIdial ignores the case)",
)

# The lead fields update_lead and batch_update_lead empty on --BLANK-- (the others' filters
# delete its dashes or letters, so VICIdial cannot blank them).
_BLANKABLE = frozenset(
    [
        "user_field",
        "status",
        "vendor_lead_code",
        "source_id",
        "title",
        "first_name",
        "middle_initial",
        "last_name",
        "address1",
        "address2",
        "address3",
        "city",
        "state",
        "province",
        "postal_code",
        "country_code",
        "alt_phone",
        "email",
        "security_phrase",
        "comments",
        "owner",
    ]
)


def blankable(params: tuple[Param, ...], *, kept: SqlWhen | None = None) -> tuple[Param, ...]:
    """The parameters with VICIdial's --BLANK-- (``kept``: when VICIdial stores it as it is)."""
    return tuple(
        replace(p, blank=BLANK, blank_kept=kept) if p.name in _BLANKABLE else p for p in params
    )


_HOPPER_PARAMS: tuple[Param, ...] = (
    Param("add_to_hopper", "flag", max_len=1, choices=_YN),
    Param("hopper_priority", "int", max_len=3, charset="-0-9"),
    Param("hopper_local_call_time_check", "flag", max_len=1, choices=_YN),
)

_CALLBACK_NOTICES: tuple[str, ...] = (
    "NOTICE: {fn} SCHEDULED CALLBACK NOT ADDED, USER NOT VALID - "
    "{lead_id}|{campaign_id}|{callback_user}|{callback_type}",
    "NOTICE: {fn} SCHEDULED CALLBACK ADDED - "
    "{lead_id}|{campaign_id}|{callback_datetime}|{callback_type}|{callback_user}|{callback_status}",
    "NOTICE: {fn} SCHEDULED CALLBACK NOT ADDED, CAMPAIGN NOT VALID - {lead_id}|{campaign_id}",
)

_LEAD_NOTICES: tuple[str, ...] = (
    "NOTICE: {fn} MULTI-ALT-PHONE NUMBERS LOADED - {inserted_alt_phones}|{lead_id}|{user}",
    "NOTICE: {fn} CUSTOM FIELDS VALUES ADDED - "
    "{phone_number}|{lead_id}|{list_id}|{entry_list_update_count}",
    "NOTICE: {fn} CUSTOM FIELDS NOT ADDED, NO FIELDS TO UPDATE DEFINED - "
    "{phone_number}|{lead_id}|{list_id}",
    "NOTICE: {fn} CUSTOM FIELDS NOT ADDED, NO FIELDS DEFINED - {phone_number}|{lead_id}|{list_id}",
    "NOTICE: {fn} CUSTOM FIELDS NOT ADDED, NO CUSTOM FIELDS DEFINED FOR THIS LIST - "
    "{phone_number}|{lead_id}|{list_id}",
    "NOTICE: {fn} CUSTOM FIELDS NOT ADDED, CUSTOM FIELDS DISABLED - "
    "{phone_number}|{lead_id}|{custom_fields}|{custom_fields_enabled}",
    "NOTICE: {fn} NOT ADDED TO HOPPER, OUTSIDE OF LOCAL TIME - "
    "{phone_number}|{lead_id}|{gmt_offset}|{dialable}|{user}",
    "NOTICE: {fn} ADDED TO HOPPER - {phone_number}|{lead_id}|{hopper_id}|{user}",
    "NOTICE: {fn} NOT ADDED TO HOPPER - {phone_number}|{lead_id}|{sql_statement*}|{user}",
)


def _notices(fn: str, lines: tuple[str, ...]) -> tuple[Template, ...]:
    return tuple(Template(line.replace("{fn}", fn)) for line in lines)


# --- version --------------------------------------------------------------------------------

VERSION = FunctionSpec(
    name="version",
    summary="VICIdial version, build, server time and timezone. Needs no login.",
    effect="read_only",
    idempotent=True,
    needs_login=False,
    templates=(
        Template(
            "VERSION: {version}|BUILD: {build}|DATE: {date}|EPOCH: {epoch}|DST: {dst}|"
            "TZ: {tz}|TZNOW: {tznow}|",
            result_override="SUCCESS",
        ),
    ),
)

# --- add_lead -------------------------------------------------------------------------------

ADD_LEAD = FunctionSpec(
    name="add_lead",
    summary="Add a lead to a list, with optional duplicate/DNC/number checks, hopper and callback.",
    effect="mutating",
    idempotent=False,
    params=(
        Param("phone_number", "phone", required=True, max_len=18),
        # add_lead and update_lead reduce list_id to digits (it names a custom_<id> table).
        Param("list_id", "id", max_len=14, charset="0-9"),
        *_LEAD_FIELDS,
        Param("gmt_offset_now", "code", max_len=6, charset="-.0-9"),
        Param("entry_list_id", "int", max_len=14),
        Param("multi_alt_phones", "text", max_len=1000, charset="- !:_0-9a-zA-Z"),
        Param("dnc_check", "code", max_len=8, choices=("Y", "N", "AREACODE")),
        Param("campaign_dnc_check", "code", max_len=8, choices=("Y", "N", "AREACODE")),
        Param("duplicate_check", "code", max_len=100),
        Param("usacan_prefix_check", "flag", max_len=1, choices=_YN),
        Param("usacan_areacode_check", "flag", max_len=1, choices=_YN),
        Param("nanpa_ac_prefix_check", "flag", max_len=1, choices=_YN),
        Param("tz_method", "code", max_len=10, choices=("POSTAL", "TZCODE", "NANPA")),
        Param("lookup_state", "flag", max_len=1, choices=_YN),
        _LIST_EXISTS_CHECK,
        *_HOPPER_PARAMS,
        *_CALLBACK_PARAMS,
        Param("callback", "flag", max_len=1, choices=_YN),
    ),
    templates=(
        Template(
            "SUCCESS: add_lead LEAD HAS BEEN ADDED - "
            "{phone_number}|{list_id}|{lead_id}|{gmt_offset}|{user}"
        ),
        Template(
            "NOTICE: add_lead NANPA options disabled, NANPA prefix data not loaded - "
            "{nanpa_row_count}|{user}"
        ),
        *_notices("add_lead", _LEAD_NOTICES),
        *_notices("add_lead", _CALLBACK_NOTICES),
        _err(
            "ERROR: add_lead USER DOES NOT HAVE PERMISSION TO ADD LEADS TO THE SYSTEM: "
            "|{user}|{permission_count}|",
            "upstream_error",
        ),
        _err("ERROR: add_lead NOT AN ALLOWED LIST ID - {phone_number}|{list_id}", "upstream_error"),
        _err(
            "ERROR: add_lead NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED - "
            "{phone_number}|{list_id}",
            "invalid_input",
        ),
        _err(
            "ERROR: add_lead INVALID PHONE NUMBER LENGTH - {phone_number}|{user}", "invalid_input"
        ),
        _err(
            "ERROR: add_lead INVALID PHONE NUMBER PREFIX - {phone_number}|{user}", "invalid_input"
        ),
        _err(
            "ERROR: add_lead INVALID PHONE NUMBER AREACODE - {phone_number}|{user}", "invalid_input"
        ),
        _err(
            "ERROR: add_lead INVALID PHONE NUMBER NANPA AREACODE PREFIX - {phone_number}|{user}",
            "invalid_input",
        ),
        _err("ERROR: add_lead PHONE NUMBER IN DNC - {phone_number}|{user}", "invalid_input"),
        _err(
            "ERROR: add_lead PHONE NUMBER IN CAMPAIGN DNC - {phone_number}|{campaign_id}|{user}",
            "invalid_input",
        ),
        # Duplicate checks. Same reason text, told apart by field count (see the catalog notes).
        _err(
            "ERROR: add_lead DUPLICATE PHONE NUMBER IN LIST - "
            "{phone_number}|{list_id}|{duplicate_lead_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE PHONE NUMBER IN LIST - "
            "{phone_number}|{list_id}|{duplicate_lead_id}|{duplicate_type}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE PHONE NUMBER IN CAMPAIGN LISTS - "
            "{phone_number}|{list_id}|{duplicate_lead_id}|{duplicate_lead_list_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE PHONE NUMBER IN CAMPAIGN LISTS - "
            "{phone_number}|{list_id}|{duplicate_lead_id}|{duplicate_lead_list_id}|{duplicate_type}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE PHONE NUMBER IN SYSTEM - "
            "{phone_number}|{list_id}|{duplicate_lead_id}|{duplicate_lead_list_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE PHONE NUMBER IN SYSTEM - "
            "{phone_number}|{list_id}|{duplicate_lead_id}|{duplicate_lead_list_id}|{duplicate_type}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE TITLE ALT_PHONE IN LIST - "
            "{title}|{alt_phone}|{list_id}|{duplicate_lead_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE TITLE ALT_PHONE IN CAMPAIGN LISTS - "
            "{title}|{alt_phone}|{list_id}|{duplicate_lead_id}|{duplicate_lead_list_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE TITLE ALT_PHONE IN SYSTEM - "
            "{title}|{alt_phone}|{list_id}|{duplicate_lead_id}|{duplicate_lead_list_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE NAME PHONE IN LIST - "
            "{first_name}|{last_name}|{phone_number}|{list_id}|{duplicate_lead_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE NAME PHONE IN CAMPAIGN LISTS - "
            "{first_name}|{last_name}|{phone_number}|{list_id}|{duplicate_lead_id}"
            "|{duplicate_lead_list_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead DUPLICATE NAME PHONE IN SYSTEM - "
            "{first_name}|{last_name}|{phone_number}|{list_id}|{duplicate_lead_id}"
            "|{duplicate_lead_list_id}",
            "conflict",
        ),
        _err(
            "ERROR: add_lead LEAD HAS NOT BEEN ADDED - "
            "{phone_number}|{list_id}|{sql_statement*}|{user}",
            "upstream_error",
        ),
    ),
)

# --- update_lead ----------------------------------------------------------------------------

UPDATE_LEAD = FunctionSpec(
    name="update_lead",
    summary="Find leads by lead_id / vendor_lead_code / phone_number and update, delete or insert.",
    effect="mutating",
    idempotent="partly",
    params=(
        Param("lead_id", "int", max_len=11),
        Param("search_method", "code", max_len=40),
        Param("search_location", "code", max_len=8, choices=("LIST", "CAMPAIGN", "SYSTEM")),
        Param("phone_number", "phone", max_len=18),
        Param("list_id", "id", max_len=14, charset="0-9"),
        Param("records", "int", max_len=6),
        Param("archived_lead", "flag", max_len=1, choices=_YN),
        Param("no_update", "flag", max_len=1, choices=_YN),
        Param("delete_lead", "flag", max_len=1, choices=_YN),
        Param("delete_cf_data", "flag", max_len=1, choices=_YN),
        Param("insert_if_not_found", "flag", max_len=1, choices=_YN),
        Param("reset_lead", "flag", max_len=1, choices=_YN),
        Param("remove_from_hopper", "flag", max_len=1, choices=_YN),
        _LIST_EXISTS_CHECK,
        Param("force_entry_list_id", "int", max_len=14),
        Param("update_phone_number", "flag", max_len=1, choices=_YN),
        Param("multi_alt_phones", "text", max_len=1000, charset="- !:_0-9a-zA-Z"),
        # --BLANK-- empties a field, but a lead inserted (insert_if_not_found=Y) gets the text.
        *blankable(
            (
                Param("user_field", "id", max_len=20),
                Param("list_id_field", "id", max_len=14, charset="0-9"),
                Param("status", "code", max_len=6),
                Param("gmt_offset_now", "code", max_len=6, charset="-.0-9"),
                Param("called_count", "int", max_len=5),
                Param("entry_list_id", "int", max_len=14),
                *_LEAD_FIELDS,
            ),
            kept=("insert_if_not_found", "equals", ("Y",)),
        ),
        *_HOPPER_PARAMS,
        *_CALLBACK_PARAMS,
        Param("callback", "flag", max_len=6, choices=("Y", "N", "REMOVE")),
    ),
    templates=(
        Template(
            "SUCCESS: update_lead LEAD HAS BEEN UPDATED - "
            "{user}|{lead_id}|{vl_affected_rows}|{cb_archived_rows}|{cb_archived_rows}|"
        ),
        Template(
            "SUCCESS: update_lead LEAD HAS BEEN DELETED {cb_deleted_rows}|{cb_archived_rows} - "
            "{user}|{lead_id}|{vl_affected_rows}|{cb_archived_rows}|{cb_archived_rows}|"
        ),
        Template(
            "SUCCESS: update_lead LEAD HAS BEEN ADDED - "
            "{phone_number}|{list_id}|{lead_id}|{gmt_offset}|{user}"
        ),
        Template(
            "NOTICE: update_lead LEADS FOUND IN THE SYSTEM: "
            "|{user}|{lead_id}|{vendor_lead_code}|{phone_number}|{list_id}|{entry_list_id}"
        ),
        Template(
            "NOTICE: update_lead NO MATCHES FOUND IN THE SYSTEM: "
            "|{user}|{lead_id}|{vendor_lead_code}|{phone_number}"
        ),
        Template(
            "NOTICE: update_lead CUSTOM FIELDS DATA HAS BEEN DELETED - "
            "{user}|{lead_id}|{entry_list_id}|{vl_affected_rows}|{cf_affected_rows}"
        ),
        Template(
            "NOTICE: update_lead SCHEDULED CALLBACK UPDATED - {lead_id}|{campaign_id}"
            "|{callback_datetime}|{callback_type}|{callback_user}|{callback_status}"
        ),
        Template(
            "NOTICE: update_lead SCHEDULED CALLBACK NOT UPDATED, NO FIELDS SPECIFIED - {lead_id}|"
        ),
        *_notices("update_lead", _CALLBACK_NOTICES),
        Template(
            "NOTICE: update_lead SCHEDULED CALLBACK DELETED - "
            "{user}|{lead_id}|{cb_deleted_rows}|{cb_archived_rows}"
        ),
        Template(
            "NOTICE: update_lead CUSTOM FIELDS ENTRY DELETED - {phone_number}|{lead_id}|{list_id}"
            "|{entry_list_id}|{custom_table_list_id}|{deleted_rows}"
        ),
        Template(
            "NOTICE: update_lead CUSTOM FIELDS VALUES UPDATED - {phone_number}|{lead_id}|{list_id}"
            "|{entry_list_id}|{custom_table_list_id}|{update_count}"
        ),
        *_notices("update_lead", _LEAD_NOTICES),
        Template(
            "NOTICE: update_lead NOT ADDED TO HOPPER, LEAD NOT FOUND - "
            "{phone_number}|{lead_id}|{user}"
        ),
        Template(
            "NOTICE: update_lead NOT ADDED TO HOPPER, LEAD IS ALREADY IN THE HOPPER - "
            "{phone_number}|{lead_id}|{user}"
        ),
        Template(
            "NOTICE: update_lead REMOVED FROM HOPPER - "
            "{phone_number}|{lead_id}|{hopper_status}|{user}"
        ),
        Template(
            "NOTICE: update_lead NOT REMOVED FROM HOPPER - "
            "{phone_number}|{lead_id}|{hopper_status}|{user}"
        ),
        Template(
            "NOTICE: update_lead NOT REMOVED FROM HOPPER, LEAD IS NOT IN THE HOPPER - "
            "{phone_number}|{lead_id}|{user}"
        ),
        _err(
            "ERROR: update_lead USER DOES NOT HAVE PERMISSION TO UPDATE LEADS IN THE SYSTEM: "
            "|{user}|{permission_count}|",
            "upstream_error",
        ),
        _err(
            "ERROR: update_lead NO VALID SEARCH METHOD - "
            "{user}|{search_method}|{lead_id}|{vendor_lead_code}|{phone_number}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_lead NOT AN ALLOWED LIST ID, SEARCH - {phone_number}|{list_id}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_lead NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED - "
            "{phone_number}|{list_id_field}",
            "invalid_input",
        ),
        _err("ERROR: update_lead NOT AN ALLOWED LIST ID, RESULTS - {list_id}", "upstream_error"),
        _err(
            "ERROR: update_lead NO MATCHES FOUND IN THE SYSTEM: "
            "|{user}|{lead_id}|{vendor_lead_code}|{phone_number}",
            "not_found",
        ),
        _err(
            "ERROR: update_lead INVALID DATA FOR LEAD INSERTION - "
            "{user}|{phone_number}|{phone_code}|{list_id}|{insert_if_not_found}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_lead NOT AN ALLOWED LIST ID, INSERT - {phone_number}|{list_id}",
            "upstream_error",
        ),
    ),
)

# --- lead_search ----------------------------------------------------------------------------

LEAD_SEARCH = FunctionSpec(
    name="lead_search",
    summary=(
        "Count and list the lead_ids matching phone numbers: one row per number searched, "
        "always (records_found 0 for a number without leads, never a 404)."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        Param("phone_number", "list", required=True, max_len=1000, summary="comma-separated"),
        Param("records", "int", max_len=6),
        Param("archived_lead", "flag", max_len=1, choices=_YN),
    ),
    # The header row of lead_search is run together (VICIdial bug): never asked for.
    rows=Rows(
        columns=("search_key", "records_found", "lead_ids"),
        delimiter_option="pipe",
        stage=None,
        request_header=False,
        split_columns=(("lead_ids", "-"),),
    ),
    field_types={"search_key": "phone", "lead_ids": "text"},
    # NO MATCHES FOUND is read as a zero-count row per number (leads_shapes.parse_lead_search).
    custom_parse=parse_lead_search,
    templates=(
        _err(
            "ERROR: lead_search USER DOES NOT HAVE PERMISSION TO SEARCH FOR LEADS: "
            "|{user}|{modify_leads}|",
            "upstream_error",
        ),
        _err(
            "ERROR: lead_search NO VALID SEARCH METHOD - {user}|{search_method}|{lead_id_flag}"
            "|{vendor_lead_code_flag}|{phone_number_flag}",
            "invalid_input",
        ),
        _err(
            "ERROR: lead_search NOT AN ALLOWED LIST ID - {phone_number}|{list_id}", "upstream_error"
        ),
        _err(
            "ERROR: lead_search NO MATCHES FOUND IN THE SYSTEM: "
            "|{user}|{lead_id}|{vendor_lead_code}|{phone_number}",
            "not_found",
        ),
    ),
)

# --- lead_all_info --------------------------------------------------------------------------

_LEAD_ALL_INFO_COLUMNS = (
    "status", "user", "vendor_lead_code", "source_id", "list_id", "gmt_offset_now", "phone_code",
    "phone_number", "title", "first_name", "middle_initial", "last_name", "address1", "address2",
    "address3", "city", "state", "province", "postal_code", "country_code", "gender",
    "date_of_birth", "alt_phone", "email", "security_phrase", "comments", "called_count",
    "last_local_call_time", "rank", "owner", "entry_list_id", "lead_id",
)  # fmt: skip

LEAD_ALL_INFO = FunctionSpec(
    name="lead_all_info",
    summary="All fields of one lead (by lead_id) or of up to 1000 leads with a phone number.",
    effect="read_only",
    idempotent=True,
    params=(
        Param("lead_id", "int", max_len=11),
        Param("phone_number", "phone", max_len=19),
        Param("custom_fields", "flag", max_len=1, choices=_YN),
        Param("force_entry_list_id", "int", max_len=14),
        Param("archived_lead", "flag", max_len=1, choices=_YN),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=_LEAD_ALL_INFO_COLUMNS,
        stage="tab",
        free_text=("comments", "vendor_lead_code", "source_id"),
        newline_stage=True,
        header_per_row=True,
        single_if_param="lead_id",
        custom_columns=("custom_fields", "Y"),
    ),
    templates=(
        _err(
            "ERROR: lead_all_info USER DOES NOT HAVE PERMISSION TO GET LEAD INFO: "
            "|{user}|{allowed_user}|",
            "upstream_error",
        ),
        _err("ERROR: lead_all_info LEAD NOT FOUND: {user}|{lead_id}|{phone_number}", "not_found"),
        _err("ERROR: lead_all_info LIST NOT FOUND: {user}|{lead_id}|{phone_number}", "not_found"),
        _err(
            "ERROR: lead_all_info LIST NOT FOUND: {user}|{lead_id}|{phone_number}|{last_list_id}",
            "not_found",
        ),
    ),
)

# --- campaigns_list -------------------------------------------------------------------------

_CAMPAIGNS_LIST_COLUMNS = (
    "campaign_id", "campaign_name", "active", "user_group", "dial_method", "dial_level",
    "lead_order", "dial_statuses", "dial_timeout", "dial_prefix", "manual_dial_prefix",
    "three_way_dial_prefix",
)  # fmt: skip

CAMPAIGNS_LIST = FunctionSpec(
    name="campaigns_list",
    summary="All campaigns (or one) with their core dialing settings.",
    effect="read_only",
    idempotent=True,
    params=(Param("campaign_id", "id", max_len=8),),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=_CAMPAIGNS_LIST_COLUMNS,
        stage="tab",
        free_text=("campaign_name",),
    ),
    templates=(
        _err(
            "ERROR: campaigns_list USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO: "
            "|{user}|{allowed_user}|",
            "upstream_error",
        ),
        _err("ERROR: campaigns_list THIS USER HAS NO VIEWABLE CAMPAIGNS: {user}|", "not_found"),
    ),
)

# --- agent_status ---------------------------------------------------------------------------

_AGENT_STATUS_COLUMNS = (
    "status", "callerid", "lead_id", "campaign_id", "calls_today", "full_name", "user_group",
    "user_level", "pause_code", "real_time_sub_status", "phone_number", "vendor_lead_code",
    "session_id", "computer_ip",
)  # fmt: skip

AGENT_STATUS = FunctionSpec(
    name="agent_status",
    summary="Real-time status of one logged-in agent.",
    effect="read_only",
    idempotent=True,
    params=(
        Param("agent_user", "id", required=True, max_len=20),
        Param("include_ip", "flag", max_len=3, choices=("YES", "NO")),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=_AGENT_STATUS_COLUMNS,
        stage="tab",
        free_text=("full_name", "vendor_lead_code"),
        optional_tail=1,
        single=True,
        conditional_columns=(("computer_ip", "include_ip", "YES"),),
    ),
    templates=(
        _err(
            "ERROR: agent_status USER DOES NOT HAVE PERMISSION TO GET AGENT INFO: "
            "|{user}|{allowed_user}|",
            "upstream_error",
        ),
        _err("ERROR: agent_status INVALID SEARCH PARAMETERS: {user}|{agent_user}", "invalid_input"),
        _err("ERROR: agent_status AGENT NOT FOUND: {user}|{agent_user}", "not_found"),
        _err("ERROR: agent_status AGENT NOT LOGGED IN: {user}|{agent_user}", "not_found"),
    ),
)

# --- list_info ------------------------------------------------------------------------------

_LIST_INFO_COLUMNS = (
    "list_id", "list_name", "campaign_id", "active", "list_changedate", "list_lastcalldate",
    "expiration_date", "resets_today", "all_leads_count", "new_leads_count", "dialable_count",
)  # fmt: skip

LIST_INFO = FunctionSpec(
    name="list_info",
    summary="One list's summary, optionally with lead counts and a dialable-now count.",
    effect="read_only",
    idempotent=True,
    params=(
        Param("list_id", "id", required=True, max_len=14),
        Param("leads_counts", "flag", max_len=1, choices=_YN),
        Param("dialable_count", "flag", max_len=1, choices=_YN),
        Param("archived_lead", "flag", max_len=1, choices=_YN),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=_LIST_INFO_COLUMNS,
        stage="tab",
        free_text=("list_name",),
        trailing_delimiter=True,
        single=True,
        conditional_columns=(
            ("all_leads_count", "leads_counts", "Y"),
            ("new_leads_count", "leads_counts", "Y"),
            ("dialable_count", "dialable_count", "Y"),
        ),
    ),
    templates=(
        _err(
            "ERROR: list_info USER DOES NOT HAVE PERMISSION TO MODIFY LISTS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: list_info YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{list_id}|{list_name}|{campaign_id}",
            "invalid_input",
        ),
        _err("ERROR: list_info NOT AN ALLOWED LIST ID - {list_id}", "upstream_error"),
        _err("ERROR: list_info LIST DOES NOT EXIST: |{user}|{list_id}", "not_found"),
    ),
)

FUNCTIONS: tuple[FunctionSpec, ...] = (
    VERSION,
    ADD_LEAD,
    UPDATE_LEAD,
    LEAD_SEARCH,
    LEAD_ALL_INFO,
    CAMPAIGNS_LIST,
    AGENT_STATUS,
    LIST_INFO,
)
