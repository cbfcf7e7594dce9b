"""Specs of the Non-Agent API functions for lists, campaigns, DIDs and CID groups: update_list,
list_custom_fields, add_list, update_campaign, update_alt_url, update_presets, add_did, copy_did,
update_did, update_cid_group_entry, hopper_list, agent_campaigns.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` and, where it is silent, from
``non_agent_api.php`` itself (the code's behaviour wins over VICIdial's manual). Field order and
literal text of every template are VICIdial's. Length limits are the checks the PHP makes or the
column sizes of the stock schema; ``charset`` is what the PHP input filter keeps, so the gateway
refuses what VICIdial would silently delete.

Error types follow one rule: the target of the call missing -> ``not_found``; a duplicate ->
``conflict``; a refused value, including every "..., THIS IS AN OPTIONAL FIELD" line (a value
or a referenced script / in-group / call menu that is not valid) -> ``invalid_input``; the
gateway's own account lacking a permission, or a system setting -> ``upstream_error`` (also the
two update_list NOTICE lines that end the call without the deletion asked for).
"""

from __future__ import annotations

from .lists_shapes import fallthrough_to, parse_hopper_list, parse_list_mode
from .spec import FunctionSpec, Param, Rows, Template

# The gateway owns the delimiter and header options of row functions.
_STAGE_HEADER = ("stage", "header")
_YN = ("Y", "N")
_OPTIONAL = ", THIS IS AN OPTIONAL FIELD"

# What the PHP input filters keep (use_non_latin = 0). In PHP and Python alike ",-_" inside a
# character class is the range 0x2C-0x5F, so those classes also keep ". / : ; < = > ? @ [ ] ^".
LIST_TEXT_CHARS = "- +.:/@?&_0-9a-zA-Z"  # list_name, list_description ("+" kept as is)
URL_CHARS = "- %=+.:/@?&_0-9a-zA-Z"  # web forms, dispo_call_url, url_address
DESCRIPTION_CHARS = "- .,_0-9a-zA-Z"  # campaign_name, did_description, cid_description
FIELD_TEXT_CHARS = " .,-_0-9a-zA-Z"  # field_description, url_description (range quirk)
# field_options (' and & only for SCRIPT fields: refused) and field_help; a LF, which VICIdial keeps
# there, is refused by the gateway like every control character.
FIELD_OPTION_CHARS = " .|,-_0-9a-zA-Z"
FIELD_HELP_CHARS = " '&.|,-_0-9a-zA-Z"
DID_CHARS = ":+*#._0-9a-zA-Z"  # did_pattern: a "+" arrives intact because the form is encoded
DIGITS = "0-9"


def _err(text: str, error_type: str) -> Template:
    return Template(text, error_type=error_type)


def _optional(fn: str, reasons: tuple[tuple[str, str], ...]) -> tuple[Template, ...]:
    """ERROR lines "<fn> <REASON>, THIS IS AN OPTIONAL FIELD: |{user}|{value}" (invalid input)."""
    return tuple(
        _err(f"ERROR: {fn} {reason}{_OPTIONAL}: |{{user}}|{{{field}}}", "invalid_input")
        for reason, field in reasons
    )


def _xferconf(words: str) -> tuple[tuple[str, str], ...]:
    numbers = ("ONE", "TWO", "THREE", "FOUR", "FIVE")
    return tuple((f"{words} {n} IS NOT VALID", f"xferconf_{n.lower()}") for n in numbers)


def _xferconf_params() -> tuple[Param, ...]:
    return tuple(
        Param(f"xferconf_{n}", "code", max_len=50, summary="transfer number override, --BLANK--")
        for n in ("one", "two", "three", "four", "five")
    )


# --- lists: add_list and update_list share their settings ---------------------------------------

_TZ_METHODS = ("COUNTRY_AND_AREA_CODE", "POSTAL_CODE", "NANPA_PREFIX", "OWNER_TIME_ZONE_CODE")

_LIST_SETTINGS: tuple[Param, ...] = (
    Param("list_description", "text", max_len=255, charset=LIST_TEXT_CHARS),
    Param("script", "code", max_len=20, summary="existing script id or --BLANK--"),
    Param("am_message", "code", max_len=100),
    Param("drop_inbound_group", "code", max_len=20, summary="existing in-group or --BLANK--"),
    Param("web_form_address", "text", max_len=65000, charset=URL_CHARS),
    Param("web_form_address_two", "text", max_len=65000, charset=URL_CHARS),
    Param("web_form_address_three", "text", max_len=65000, charset=URL_CHARS),
    Param("reset_time", "text", max_len=100, charset="-_0-9", summary="e.g. 0900-1700"),
    Param("tz_method", "code", max_len=21, choices=_TZ_METHODS),
    Param("local_call_time", "code", max_len=10, summary="campaign or a call time id"),
    Param(
        "expiration_date",
        "date",
        max_len=10,
        charset="-_0-9a-zA-Z",
        summary="YYYY-MM-DD (update_list: --BLANK-- means 2099-12-31)",
    ),
    *_xferconf_params(),
    Param(
        "custom_fields_copy",
        "id",
        max_len=14,
        charset=DIGITS,
        summary="list id whose custom fields are copied",
    ),
    Param("custom_copy_method", "code", max_len=7, choices=("APPEND", "UPDATE", "REPLACE")),
    Param(
        "use_internal_webserver",
        "flag",
        max_len=1,
        choices=_YN,
        summary="custom-field sub-requests go to the system's sounds web server",
    ),
)

_FIELD_TYPES = (
    "TEXT",
    "AREA",
    "SELECT",
    "MULTI",
    "RADIO",
    "CHECKBOX",
    "DATE",
    "TIME",
    "DISPLAY",
    "SCRIPT",
    "HIDDEN",
    "READONLY",
    "HIDEBLOB",
    "SWITCH",
    "SOURCESELECT",
    "BUTTON",
)
_SHOW_HIDE = ("DISABLED", "X_OUT_ALL", "LAST_1", "LAST_2", "LAST_3", "LAST_4", "FIRST_1_LAST_4")

# Custom field definition (update_list custom_fields_add / _update / _delete).
_CUSTOM_FIELD_PARAMS: tuple[Param, ...] = (
    Param("custom_fields_add", "flag", max_len=1, choices=_YN),
    Param("custom_fields_update", "flag", max_len=1, choices=_YN),
    Param("custom_fields_delete", "flag", max_len=1, choices=_YN),
    Param("field_label", "code", max_len=50, charset="_0-9a-zA-Z"),
    Param("field_name", "text", max_len=5000, charset="-_0-9a-zA-Z"),
    Param("field_description", "text", max_len=100, charset=FIELD_TEXT_CHARS),
    Param("field_rank", "int", max_len=5),
    Param("field_order", "int", max_len=5),
    Param("field_rerank", "code", max_len=3, choices=("YES", "NO")),
    Param("field_size", "int", max_len=5),
    Param("field_max", "int", max_len=5),
    Param("field_type", "code", max_len=12, choices=_FIELD_TYPES),
    # One option per line for SELECT/RADIO/CHECKBOX fields (VICIdial keeps line feeds here).
    Param("field_options", "text", max_len=5000, charset=FIELD_OPTION_CHARS + "\n", multiline=True),
    Param("field_help", "text", max_len=1000, charset=FIELD_HELP_CHARS + "\n", multiline=True),
    Param("field_default", "text", max_len=255, charset=FIELD_TEXT_CHARS),
    Param("field_required", "flag", max_len=1, choices=_YN),
    Param("field_duplicate", "flag", max_len=1, choices=_YN),
    Param("field_encrypt", "flag", max_len=1, choices=_YN),
    Param("field_show_hide", "code", max_len=14, choices=_SHOW_HIDE),
    Param("name_position", "code", max_len=4, choices=("LEFT", "TOP")),
    Param("multi_position", "code", max_len=10, choices=("HORIZONTAL", "VERTICAL")),
)

_LIST_OPTIONAL_ERRORS: tuple[tuple[str, str], ...] = (
    ("SCRIPT DOES NOT EXIST", "script"),
    ("IN-GROUP DOES NOT EXIST", "drop_inbound_group"),
    ("RESET TIME IS NOT VALID", "reset_time"),
    ("TIME ZONE METHOD IS NOT VALID", "tz_method"),
    ("LOCAL CALL TIME DOES NOT EXIST", "local_call_time"),
    *_xferconf("TRANSFER CONF OVERRIDE"),
)


def _copy_lines(fn: str, result: str) -> tuple[Template, ...]:
    """The custom_fields_copy checks: NOTICE lines in update_list, ERROR lines in add_list."""
    head = f"{result}: {fn} "
    data = "|{user}|{list_id}|{custom_fields_copy}"
    lines = (
        ("CUSTOM FIELDS LIST ID TO COPY FROM DOES NOT EXIST", "copy_list_count", "invalid_input"),
        (
            "CUSTOM FIELDS LIST ID TO COPY FROM HAS NO CUSTOM FIELDS",
            "fields_count",
            "invalid_input",
        ),
        (
            "USER DOES NOT HAVE PERMISSION TO MODIFY CUSTOM FIELDS",
            "permission_count",
            "upstream_error",
        ),
    )
    return tuple(
        Template(
            f"{head}{reason}{_OPTIONAL}: {data}|{{{field}}}",
            error_type=error_type if result == "ERROR" else None,
        )
        for reason, field, error_type in lines
    )


ADD_LIST = FunctionSpec(
    name="add_list",
    summary="Create a list in a campaign, optionally copying another list's custom fields.",
    effect="mutating",
    idempotent=True,
    params=(
        Param("list_id", "id", required=True, max_len=14, charset=DIGITS),
        Param("list_name", "text", required=True, max_len=30, charset=LIST_TEXT_CHARS),
        Param("campaign_id", "id", required=True, max_len=8),
        Param("active", "flag", max_len=1, choices=_YN, summary="default N"),
        Param("outbound_cid", "phone", max_len=20, charset=DIGITS),
        *_LIST_SETTINGS,
    ),
    templates=(
        Template(
            "SUCCESS: add_list LIST HAS BEEN ADDED - {user}|{list_id}|{list_name}|{campaign_id}"
        ),
        _err(
            "ERROR: add_list USER DOES NOT HAVE PERMISSION TO ADD LISTS: |{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: add_list YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{list_id}|{list_name}|{campaign_id}",
            "invalid_input",
        ),
        _err("ERROR: add_list CAMPAIGN DOES NOT EXIST: |{user}|{campaign_id}", "not_found"),
        _err("ERROR: add_list LIST ALREADY EXISTS: |{user}|{list_id}", "conflict"),
        *_copy_lines("add_list", "ERROR"),
        *_optional("add_list", _LIST_OPTIONAL_ERRORS),
    ),
)

_UPDATE_LIST_NOTICES: tuple[str, ...] = (
    "LIST DOES NOT EXIST, SENDING TO add_list FUNCTION: |{user}|{list_id}",
    "NO UPDATES DEFINED: |{user}|",
    "LEADS IN LIST HAVE BEEN RESET - {user}|{list_id}|{affected_rows}",
    "LIST RESET FAILED, daily reset limit reached: {resets_today} / {daily_reset_limit}"
    " - {user}|{list_id}",
    "LIST HAS BEEN DELETED - {user}|{list_id}|{affected_rows}",
    "LEADS IN LIST HAVE BEEN DELETED - {user}|{list_id}|{affected_rows}",
    "COPY CUSTOM FIELDS COMMAND SENT - "
    "{user}|{list_id}|{custom_fields_copy}|{custom_copy_method}|{sub_result}|",
    f"CUSTOM FIELDS LIST ID TO ADD TO HAS NO CUSTOM FIELDS{_OPTIONAL}: |{{user}}|{{list_id}}"
    "|{fields_count}",
    f"REQUIRED CUSTOM FIELDS VARIABLES ARE MISSING, FIELD NOT ADDED{_OPTIONAL}: |{{user}}"
    "|{list_id}|{field_label}|{field_name}|{field_size}|{field_type}|{field_rank}|",
    "ADD CUSTOM FIELD COMMAND SENT - {user}|{list_id}|{field_label}|{field_type}|{sub_result}|",
    f"CUSTOM FIELDS LIST ID TO UPDATE TO HAS NO CUSTOM FIELDS{_OPTIONAL}: |{{user}}|{{list_id}}"
    "|{fields_count}",
    f"REQUIRED CUSTOM FIELDS VARIABLES ARE MISSING, FIELD NOT UPDATED{_OPTIONAL}: |{{user}}"
    "|{list_id}|{field_label}|",
    f"FIELD DOES NOT EXIST, FIELD NOT UPDATED{_OPTIONAL}: |{{user}}"
    "|{list_id}|{field_label}|{field_name}|{field_size}|{field_type}|{field_rank}|",
    "UPDATE CUSTOM FIELD COMMAND SENT - {user}|{list_id}|{field_label}|{field_type}|{sub_result}|",
    f"CUSTOM FIELDS LIST ID TO DELETE TO HAS NO CUSTOM FIELDS{_OPTIONAL}: |{{user}}|{{list_id}}"
    "|{fields_count}",
    f"REQUIRED CUSTOM FIELDS VARIABLES ARE MISSING, FIELD NOT DELETED{_OPTIONAL}: |{{user}}"
    "|{list_id}|{field_label}|",
    f"FIELD DOES NOT EXIST, FIELD NOT DELETED{_OPTIONAL}: |{{user}}|{{list_id}}|{{field_label}}|",
    # field_id is never set in this code path: always empty.
    "DELETE CUSTOM FIELD COMMAND SENT - {user}|{list_id}|{field_label}|{field_id}|{sub_result}|",
)

UPDATE_LIST = FunctionSpec(
    name="update_list",
    summary=(
        "Change a list's settings; optionally reset it, delete it or its leads, add/update/delete "
        "or copy custom fields, or create it (insert_if_not_found=Y runs add_list)."
    ),
    effect="mutating",
    idempotent="partly",
    params=(
        Param("list_id", "id", required=True, max_len=14, charset=DIGITS),
        Param("insert_if_not_found", "flag", max_len=1, choices=_YN),
        Param("reset_list", "flag", max_len=1, choices=_YN),
        Param("delete_list", "flag", max_len=1, choices=_YN),
        Param("delete_leads", "flag", max_len=1, choices=_YN),
        Param("archived_lead", "flag", max_len=1, choices=_YN),
        Param("list_name", "text", max_len=30, charset=LIST_TEXT_CHARS),
        Param("campaign_id", "id", max_len=8),
        Param("active", "flag", max_len=1, choices=_YN),
        # Digits only: VICIdial's filter empties "--BLANK--" for this parameter.
        Param("outbound_cid", "phone", max_len=18, charset=DIGITS),
        *_LIST_SETTINGS,
        *_CUSTOM_FIELD_PARAMS,
    ),
    templates=(
        Template("SUCCESS: update_list LIST HAS BEEN UPDATED - {user}|{list_id}"),
        *(Template(f"NOTICE: update_list {text}") for text in _UPDATE_LIST_NOTICES),
        # NOTICE lines that end the call without the deletion asked for: errors for callers.
        *(
            Template(
                f"NOTICE: update_list USER DOES NOT HAVE PERMISSION TO DELETE {what}: "
                "|{user}|{allowed_user}",
                error_type="upstream_error",
                result_override="ERROR",
            )
            for what in ("LISTS", "LEADS")
        ),
        *_copy_lines("update_list", "NOTICE"),
        _err(
            "ERROR: update_list USER DOES NOT HAVE PERMISSION TO UPDATE LISTS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_list YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{list_id}|{list_name}|{campaign_id}",
            "invalid_input",
        ),
        _err("ERROR: update_list NOT AN ALLOWED LIST ID - {list_id}", "upstream_error"),
        _err("ERROR: update_list LIST DOES NOT EXIST: |{user}|{list_id}", "not_found"),
        *_optional(
            "update_list",
            (
                ("CAMPAIGN DOES NOT EXIST", "campaign_id"),
                ("LIST NAME MUST BE FROM 6 TO 30 CHARACTERS", "list_name"),
                ("ACTIVE MUST BE Y OR N", "active"),
                ("OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS", "outbound_cid"),
                ("ANSWERING MACHINE MESSAGE MUST LESS THAN 101 DIGITS", "am_message"),
                ("EXPIRATION DATE IS NOT VALID", "expiration_date"),
                *_LIST_OPTIONAL_ERRORS,
            ),
        ),
    ),
    # With insert_if_not_found=Y the rest of the reply is add_list's (parsed with ADD_LIST).
    custom_parse=fallthrough_to(ADD_LIST),
    field_types={"daily_reset_limit": "int", "field_id": "id"},
)

_LIST_CUSTOM_FIELDS_COLUMNS = (
    "list_id",
    "list_name",
    "campaign_id",
    "active",
    "list_changedate",
    "list_lastcalldate",
    "custom_fields_list_space_delimited",
)

LIST_CUSTOM_FIELDS = FunctionSpec(
    name="list_custom_fields",
    summary="The custom field labels of one list, or of every visible list (list_id ---ALL---).",
    effect="read_only",
    idempotent=True,
    params=(
        Param("list_id", "id", required=True, max_len=14, summary="a list id or ---ALL---"),
        Param(
            "custom_order", "code", max_len=11, choices=("table_order", "alpha_up", "alpha_down")
        ),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=_LIST_CUSTOM_FIELDS_COLUMNS,
        stage="tab",
        # The labels, space separated as VICIdial prints them; a list without fields has [].
        split_columns=(("custom_fields_list_space_delimited", " "),),
    ),
    templates=(
        _err(  # system_settings.custom_fields_enabled is off: the server's setup
            "ERROR: CUSTOM LIST FIELDS ARE NOT ENABLED ON THIS SYSTEM: |{user}|{function}|",
            "not_configured",
        ),
        _err(
            "ERROR: list_custom_fields USER DOES NOT HAVE PERMISSION TO MODIFY LISTS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: list_custom_fields YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{list_id}|{list_name}|{campaign_id}",
            "invalid_input",
        ),
        _err("ERROR: list_custom_fields NOT AN ALLOWED LIST ID - {list_id}", "upstream_error"),
        _err("ERROR: list_custom_fields LIST DOES NOT EXIST: |{user}|{list_id}", "not_found"),
    ),
)

# --- campaigns -----------------------------------------------------------------------------------

_ORDER_BASES = (
    "DOWN",
    "UP",
    "DOWN PHONE",
    "UP PHONE",
    "DOWN LAST NAME",
    "UP LAST NAME",
    "DOWN COUNT",
    "UP COUNT",
    "DOWN LAST CALL TIME",
    "UP LAST CALL TIME",
    "DOWN RANK",
    "UP RANK",
    "DOWN OWNER",
    "UP OWNER",
    "DOWN TIMEZONE",
    "UP TIMEZONE",
)
# VICIdial's list of lead orders; every RANDOM order is always refused by this API (its
# camp_lead_order_random switch is hard-coded on), so they are left out.
LIST_ORDERS: tuple[str, ...] = _ORDER_BASES + tuple(
    f"{base} {nth} NEW" for base in _ORDER_BASES for nth in ("2nd", "3rd", "4th", "5th", "6th")
)
DIAL_METHODS = (
    "MANUAL",
    "RATIO",
    "INBOUND_MAN",
    "ADAPT_AVERAGE",
    "ADAPT_HARD_LIMIT",
    "ADAPT_TAPERED",
)
_SECONDARY_ORDERS = (
    "LEAD_ASCEND",
    "LEAD_DESCEND",
    "CALLTIME_ASCEND",
    "CALLTIME_DESCEND",
    "VENDOR_ASCEND",
    "VENDOR_DESCEND",
)


def _needs_campaign(fn: str, action: str) -> tuple[Template, ...]:
    """Permission, required-fields and campaign lines shared by the campaign functions."""
    return (
        _err(
            f"ERROR: {fn} USER DOES NOT HAVE PERMISSION TO {action}: |{{user}}|{{allowed_user}}",
            "upstream_error",
        ),
        _err(
            f"ERROR: {fn} YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{campaign_id}|{campaign_name}|{campaign_id}",
            "invalid_input",
        ),
        _err(f"ERROR: {fn} CAMPAIGN DOES NOT EXIST: |{{user}}|{{campaign_id}}", "not_found"),
    )


UPDATE_CAMPAIGN = FunctionSpec(
    name="update_campaign",
    summary="Change a campaign's dialing settings, lead order, dial statuses, URLs; reset hopper.",
    effect="mutating",
    idempotent="partly",
    params=(
        Param("campaign_id", "id", required=True, max_len=8),
        Param("campaign_name", "text", max_len=40, charset=DESCRIPTION_CHARS),
        Param("active", "flag", max_len=1, choices=_YN),
        Param("auto_dial_level", "code", max_len=6, charset=".0-9", summary="0 .. system limit"),
        Param("adaptive_maximum_level", "code", max_len=6, charset=".0-9"),
        Param("campaign_vdad_exten", "code", max_len=20, charset=DIGITS),
        Param("hopper_level", "int", max_len=4, summary="1-5000"),
        Param("reset_hopper", "flag", max_len=1, choices=_YN),
        Param("dial_method", "code", max_len=16, choices=DIAL_METHODS),
        Param("dial_timeout", "int", max_len=3, summary="1-120 seconds"),
        Param("list_order", "code", max_len=30, choices=LIST_ORDERS, charset=" 0-9a-zA-Z"),
        Param("list_order_randomize", "flag", max_len=1, choices=_YN),
        Param("list_order_secondary", "code", max_len=16, choices=_SECONDARY_ORDERS),
        Param("outbound_cid", "phone", max_len=20, charset=DIGITS),
        Param("dial_status_add", "code", max_len=6),
        Param("dial_status_remove", "code", max_len=6),
        Param("lead_filter_id", "code", max_len=20, summary="existing filter or ---NONE---"),
        *_xferconf_params(),
        Param("dispo_call_url", "text", max_len=65000, charset=URL_CHARS),
        Param("webform_one", "text", max_len=65000, charset=URL_CHARS),
        Param("webform_two", "text", max_len=65000, charset=URL_CHARS),
        Param("webform_three", "text", max_len=65000, charset=URL_CHARS),
    ),
    templates=(
        Template("SUCCESS: update_campaign CAMPAIGN HAS BEEN UPDATED - {user}|{campaign_id}"),
        Template("NOTICE: update_campaign NO UPDATES DEFINED: |{user}|"),
        # affected_rows is never set in this function: always empty.
        Template(
            "NOTICE: update_campaign HOPPER HAS BEEN RESET - {user}|{campaign_id}|{affected_rows}"
        ),
        *_needs_campaign("update_campaign", "UPDATE CAMPAIGNS"),
        # The limit printed is system_settings.auto_dial_limit + 0.001 (e.g. 4.001).
        _err(
            "ERROR: update_campaign AUTO DIAL LEVEL MUST BE FROM 0 TO {auto_dial_limit}"
            f"{_OPTIONAL}: |{{user}}|{{auto_dial_level}}",
            "invalid_input",
        ),
        *_optional(
            "update_campaign",
            (
                ("DIAL METHOD IS NOT VALID", "dial_method"),
                (
                    "ADAPT MAXIMUM DIAL LEVEL MUST BE FROM 1 TO 5 CHARACTERS",
                    "adaptive_maximum_level",
                ),
                ("ROUTING EXTENSION MUST BE FROM 3 TO 20 CHARACTERS", "campaign_vdad_exten"),
                ("HOPPER LEVEL MUST BE FROM 1 TO 2000", "hopper_level"),
                ("DIAL TIMEOUT MUST BE FROM 1 TO 120", "dial_timeout"),
                ("CAMPAIGN NAME MUST BE FROM 6 TO 40 CHARACTERS", "campaign_name"),
                ("CAMPAIGN CID MUST BE FROM 6 TO 20 CHARACTERS", "outbound_cid"),
                ("CAMPAIGN LEAD FILTER MUST BE A VALID FILTER IN THE SYSTEM", "lead_filter_id"),
                ("ACTIVE MUST BE Y OR N", "active"),
                *_xferconf("TRANSFER CONF NUMBER"),
                ("DISPO CALL URL IS NOT VALID", "dispo_call_url"),
                ("WENFORM 1 URL IS NOT VALID", "webform_one"),
                ("WENFORM 2 URL IS NOT VALID", "webform_two"),
                ("WENFORM 3 URL IS NOT VALID", "webform_three"),
                ("LIST ORDER INCLUDING RANDOM ARE NOT ALLOWED", "list_order"),
                ("LIST ORDER IS NOT VALID", "list_order"),
                ("LIST ORDER IS NOT A VALID LENGTH", "list_order"),
                ("LIST ORDER RANDOMIZE IS NOT VALID", "list_order_randomize"),
                # These two print list_order, not the parameter they are about (code quirk).
                ("LIST ORDER RANDOMIZE IS NOT A VALID LENGTH", "list_order"),
                ("LIST ORDER SECONDARY IS NOT VALID", "list_order_secondary"),
                ("LIST ORDER SECONDARY IS NOT A VALID LENGTH", "list_order"),
                ("DIAL STATUS ADD IS NOT VALID", "dial_status_add"),
                ("DIAL STATUS ADD FAILURE, TOO MANY EXISTING DIAL STATUSES", "dial_status_add"),
                ("DIAL STATUS REMOVE IS NOT VALID", "dial_status_remove"),
                ("DIAL STATUS REMOVE FAILURE, NO EXISTING DIAL STATUSES SET", "dial_status_remove"),
                ("DIAL STATUS REMOVE FAILURE, NOT AN EXISTING DIAL STATUS", "dial_status_remove"),
            ),
        ),
    ),
    field_types={"auto_dial_limit": "decimal"},
)

_ALT_URL_COLUMNS = (
    "url_id",
    "campaign_id",
    "entry_type",
    "active",
    "url_type",
    "url_rank",
    "url_statuses",
    "url_description",
    "url_lists",
    "url_call_length",
    "url_address",
)
# (section, url_type) pairs VICIdial can print in "... URL IS NOT SET TO ALT": the url_type was
# validated for its entry_type just before.
_ALT_SECTIONS = (
    ("CAMPAIGNS", ("dispo", "start", "noagent")),
    ("INGROUPS", ("dispo", "start", "noagent", "addlead")),
    ("LISTS", ("noagent",)),
)

UPDATE_ALT_URL = FunctionSpec(
    name="update_alt_url",
    summary=(
        "List (alt_url_id LIST), add (NEW) or change the alternate URLs of a campaign's "
        "dispo/start/no-agent URL."
    ),
    effect="mutating",
    idempotent="partly",
    params=(
        Param("campaign_id", "id", required=True, max_len=20),
        Param(
            "entry_type", "code", required=True, max_len=8, choices=("campaign", "ingroup", "list")
        ),
        Param(
            "url_type",
            "code",
            required=True,
            max_len=7,
            choices=("dispo", "start", "noagent", "addlead"),
        ),
        Param(
            "alt_url_id",
            "id",
            max_len=9,
            charset="0-9A-Z",
            summary="a url_id, NEW or LIST; omitted: the only entry",
        ),
        Param("active", "flag", max_len=1, choices=_YN),
        Param("url_rank", "int", max_len=5),
        Param(
            "url_statuses",
            "text",
            max_len=1000,
            charset="- 0-9a-zA-Z",
            summary="space-separated statuses or ---ALL---",
        ),
        Param("url_description", "text", max_len=255, charset=FIELD_TEXT_CHARS),
        Param(
            "url_lists",
            "text",
            max_len=1000,
            charset="- 0-9A-Z",
            summary="space-separated list ids or --BLANK--",
        ),
        Param("url_call_length", "int", max_len=5),
        Param("url_address", "text", max_len=65000, charset=URL_CHARS),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(columns=_ALT_URL_COLUMNS, stage="tab", free_text=("url_address",)),
    templates=(
        Template(
            "SUCCESS: update_alt_url ALT URL HAS BEEN ADDED - "
            "{user}|NEW URL ID: {new_url_id}|{url_type}|{entry_type}|{campaign_id}"
        ),
        Template(
            "SUCCESS: update_alt_url ALT URL HAS BEEN UPDATED - "
            "{user}|{alt_url_id}|{url_type}|{entry_type}|{campaign_id}"
        ),
        Template("NOTICE: update_alt_url NO UPDATES DEFINED: |{user}|"),
        Template(
            "NOTICE: update_alt_url LIST, No Records Found - "
            "{user}|{url_type}|{entry_type}|{campaign_id}|0"
        ),
        *_needs_campaign("update_alt_url", "UPDATE CAMPAIGNS"),
        _err(
            "ERROR: update_alt_url NO VALID URL TYPE DEFINED:: "
            "|{user}|{url_type}|{entry_type}|{campaign_id}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_alt_url NO ENTRY TYPE DEFINED:: |{user}|{entry_type}|{campaign_id}",
            "invalid_input",
        ),
        *(
            _err(
                f"ERROR: update_alt_url {section} {url_type} URL IS NOT SET TO ALT: "
                "|{user}|{url_type}|{entry_type}|{campaign_id}",
                "invalid_input",
            )
            for section, url_types in _ALT_SECTIONS
            for url_type in url_types
        ),
        _err(
            "ERROR: update_alt_url ALT URL ID DOES NOT EXIST: "
            "|{user}|{alt_url_id}|{url_type}|{entry_type}|{campaign_id}|{entries_count}",
            "not_found",
        ),
        *_optional(
            "update_alt_url",
            (
                ("ACTIVE MUST BE Y OR N", "active"),
                ("URL ADDRESS IS NOT VALID", "url_address"),
                ("URL RANK IS NOT VALID", "url_rank"),
                ("URL CAL LENGTH IS NOT VALID", "url_call_length"),
                ("URL STATUSES IS NOT VALID", "url_statuses"),
                ("URL DESCRIPTION IS NOT VALID", "url_description"),
                ("URL LISTS IS NOT VALID", "url_lists"),
            ),
        ),
    ),
    field_types={
        "new_url_id": "id",
        "url_id": "id",
        "alt_url_id": "id",
        "url_rank": "int",
        "url_call_length": "int",
    },
    custom_parse=parse_list_mode("alt_url_id"),
)

UPDATE_PRESETS = FunctionSpec(
    name="update_presets",
    summary="List (action LIST), add (NEW), change (UPDATE) or delete campaign transfer presets.",
    effect="mutating",
    idempotent="partly",
    params=(
        Param("campaign_id", "id", required=True, max_len=8),
        Param(
            "action",
            "code",
            max_len=6,
            choices=("UPDATE", "NEW", "DELETE", "LIST"),
            summary="default UPDATE",
        ),
        Param(
            "preset_name",
            "text",
            max_len=40,
            charset="- _0-9a-zA-Z",
            summary="omitted for UPDATE/DELETE: the campaign's only preset",
        ),
        Param("preset_number", "code", max_len=50, charset="*#._0-9a-zA-Z"),
        Param("preset_hide_number", "flag", max_len=1, choices=_YN),
        Param("preset_dtmf", "text", max_len=50, charset="- ,*#0-9a-zA-Z"),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=(
            "preset_name",
            "campaign_id",
            "preset_number",
            "preset_hide_number",
            "preset_dtmf",
        ),
        stage="tab",
    ),
    templates=(
        Template(
            "SUCCESS: update_presets PRESET HAS BEEN ADDED - "
            "{user}|NEW PRESET: {preset_name}|{campaign_id}"
        ),
        Template(
            "SUCCESS: update_presets PRESET HAS BEEN UPDATED - {user}|{preset_name}|{campaign_id}"
        ),
        Template(
            "SUCCESS: update_presets PRESET HAS BEEN DELETED - {user}|{preset_name}|{campaign_id}"
        ),
        Template("NOTICE: update_presets NO UPDATES DEFINED: |{user}|"),
        Template("NOTICE: update_presets LIST, No Records Found - {user}|{campaign_id}|0"),
        *_needs_campaign("update_presets", "UPDATE CAMPAIGNS"),
        _err(
            "ERROR: update_presets PRESET NAME DOES NOT EXIST: "
            "|{user}|{preset_name}|{campaign_id}|{presets_count}",
            "not_found",
        ),
        *_optional(
            "update_presets",
            (
                ("PRESET HIDE NUMBER MUST BE Y OR N", "preset_hide_number"),
                ("PRESET NUMBER IS NOT VALID", "preset_number"),
                ("PRESET DTMF IS NOT VALID", "preset_dtmf"),
            ),
        ),
    ),
    custom_parse=parse_list_mode("action"),
)

_HOPPER_COLUMNS = (
    "hopper_order",
    "priority",
    "lead_id",
    "list_id",
    "phone_number",
    "phone_code",
    "state",
    "status",
    "count",
    "gmt_offset",
    "rank",
    "alt",
    "hopper_source",
    "vendor_lead_code",
    "source_id",
    "age_days",
    "last_call_time",
)

HOPPER_LIST = FunctionSpec(
    name="hopper_list",
    summary="The READY leads in a campaign's hopper, highest priority first (at most 10000).",
    effect="read_only",
    idempotent=True,
    params=(
        Param("campaign_id", "id", required=True, max_len=8),
        # One join query instead of a lookup per lead: faster, but it can block the database.
        Param("search_method", "code", max_len=5, choices=("BLOCK",), heavy=("BLOCK",)),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=_HOPPER_COLUMNS,
        stage="tab",
        free_text=("vendor_lead_code", "source_id"),
    ),
    templates=(
        _err(
            "ERROR: hopper_list USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO: "
            "|{user}|{allowed_user}|",
            "upstream_error",
        ),
        _err("ERROR: hopper_list THIS CAMPAIGN DOES NOT EXIST: |{user}|{campaign_id}", "not_found"),
        _err(
            "ERROR: hopper_list THERE ARE NO LEADS IN THE HOPPER FOR THIS CAMPAIGN: "
            "{user}|{campaign_id}",
            "not_found",
        ),
    ),
    field_types={
        "hopper_order": "int",
        "priority": "int",
        "count": "int",
        "age_days": "int",
        "alt": "code",
        "hopper_source": "code",
    },
    # last_call_time comes padded with spaces ("NEVER    "): the parser trims it. (At most 10000
    # rows, and the trimming parser cannot stream: not an export.)
    custom_parse=parse_hopper_list,
)

AGENT_CAMPAIGNS = FunctionSpec(
    name="agent_campaigns",
    summary="The active campaigns and in-groups an agent may use.",
    effect="read_only",
    idempotent=True,
    params=(
        Param("agent_user", "id", required=True, max_len=20),
        Param("campaign_id", "id", max_len=8),
        Param("ignore_agentdirect", "flag", max_len=1, choices=_YN),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=("user", "allowed_campaigns_list", "allowed_ingroups_list"),
        stage="tab",
        single=True,
        # VICIdial joins the ids with "-" (an id that itself contains "-" cannot be told apart).
        split_columns=(("allowed_campaigns_list", "-"), ("allowed_ingroups_list", "-")),
    ),
    templates=(
        _err(
            "ERROR: agent_campaigns USER DOES NOT HAVE PERMISSION TO GET AGENT INFO: "
            "|{user}|{allowed_user}|",
            "upstream_error",
        ),
        _err("ERROR: agent_campaigns AGENT USER DOES NOT EXIST: |{user}|{agent_user}", "not_found"),
        _err(
            "ERROR: agent_campaigns THIS AGENT USER HAS NO AVAILABLE CAMPAIGNS: "
            "{agent_user}|{user}|",
            "not_found",
        ),
    ),
)

# --- DIDs ----------------------------------------------------------------------------------------

_DID_ROUTES = ("EXTEN", "VOICEMAIL", "AGENT", "PHONE", "IN_GROUP", "CALLMENU", "VMAIL_NO_INST")

_DID_SETTINGS: tuple[Param, ...] = (
    Param("did_description", "text", max_len=50, charset=DESCRIPTION_CHARS),
    Param("active", "flag", max_len=1, choices=_YN),
    Param("did_route", "code", max_len=13, choices=_DID_ROUTES),
    Param("record_call", "code", max_len=11, choices=("Y", "N", "Y_QUEUESTOP")),
    Param("extension", "code", max_len=50),
    Param("exten_context", "code", max_len=50),
    Param("voicemail_ext", "code", max_len=10, charset="*#._0-9a-zA-Z"),
    Param("phone_extension", "code", max_len=100),
    Param("server_ip", "code", max_len=15, charset="-.:_0-9a-zA-Z"),
    Param("group", "id", max_len=20, charset="-|_0-9a-zA-Z", summary="existing in-group"),
    Param("menu_id", "id", max_len=50, summary="existing call menu"),
    Param("filter_clean_cid_number", "text", max_len=20, charset=DESCRIPTION_CHARS),
    Param("call_handle_method", "code", max_len=20, charset="_0-9a-zA-Z"),
    Param("agent_search_method", "code", max_len=2, choices=("LO", "LB", "SO")),
    Param("list_id", "id", max_len=14),
    Param("entry_list_id", "int", max_len=14),
    Param("campaign_id", "id", max_len=8),
    Param("phone_code", "code", max_len=10, charset=DIGITS),
)

_DID_OPTIONAL_ERRORS: tuple[tuple[str, str], ...] = (
    ("DID DESCRIPTION MUST BE FROM 6 TO 50 CHARACTERS", "did_description"),
    ("ACTIVE MUST BE Y OR N", "active"),
    ("DID ROUTE IS NOT VALID", "did_route"),
    ("RECORD CALL MUST BE Y OR N", "record_call"),
    ("EXTENSION MUST BE FROM 1 TO 50 CHARACTERS", "extension"),
    ("EXTENSION CONTEXT MUST BE FROM 1 TO 50 CHARACTERS", "exten_context"),
    ("VOICEMAIL EXTENSION MUST BE FROM 1 TO 10 CHARACTERS", "voicemail_ext"),
    ("PHONE EXTENSION MUST BE FROM 1 TO 100 CHARACTERS", "phone_extension"),
    ("SERVER IP MUST BE A VALID SERVER IN THE SYSTEM", "server_ip"),
    ("GROUP ID MUST BE A VALID INBOUND GROUP IN THE SYSTEM", "group"),
    ("CLEAN CID NUMBER MUST BE FROM 1 TO 20 CHARACTERS", "filter_clean_cid_number"),
    ("CALL HANDLE METHOD MUST BE FROM 3 TO 20 CHARACTERS", "call_handle_method"),
    ("AGENT SEARCH METHOD MUST BE 2 CHARACTERS", "agent_search_method"),
    ("LIST ID MUST BE FROM 3 TO 14 DIGITS", "list_id"),
    ("ENTRY LIST ID MUST BE FROM 1 TO 14 DIGITS", "entry_list_id"),
    ("CAMPAIGN MUST BE FROM 1 TO 8 CHARACTERS", "campaign_id"),
    ("PHONE CODE MUST BE FROM 1 TO 10 CHARACTERS", "phone_code"),
)
_MENU_ERROR = "MENU ID MUST BE A VALID CALL MENU IN THE SYSTEM"

ADD_DID = FunctionSpec(
    name="add_did",
    summary="Create an inbound DID with its routing settings.",
    effect="mutating",
    idempotent=True,
    params=(
        Param("did_pattern", "code", required=True, max_len=50, charset=DID_CHARS),
        *_DID_SETTINGS,
    ),
    templates=(
        Template("SUCCESS: add_did DID HAS BEEN ADDED - {user}|{did_pattern}"),
        _err(
            "ERROR: add_did USER DOES NOT HAVE PERMISSION TO ADD DIDS: |{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: add_did YOU MUST USE ALL REQUIRED FIELDS: |{user}|{did_pattern}",
            "invalid_input",
        ),
        _err("ERROR: add_did DID ALREADY EXISTS: |{user}|{did_pattern}", "conflict"),
        *_optional("add_did", _DID_OPTIONAL_ERRORS),
        # add_did prints "update_did" in this one line (code bug).
        *_optional("update_did", ((_MENU_ERROR, "menu_id"),)),
    ),
)

COPY_DID = FunctionSpec(
    name="copy_did",
    summary="Create DIDs copying every setting of an existing DID (existing targets are skipped).",
    effect="mutating",
    idempotent=True,
    params=(
        Param("source_did_pattern", "code", required=True, max_len=50, charset=DID_CHARS),
        Param(
            "new_dids",
            "list",
            required=True,
            max_len=2000,
            charset=":+,*#._0-9a-zA-Z",
            summary="the DID patterns to create, comma-separated",
        ),
        Param(
            "did_description",
            "text",
            max_len=50,
            charset=DESCRIPTION_CHARS,
            summary="blank: the source DID's description",
        ),
    ),
    templates=(
        Template("NOTICE: copy_did DID ALREADY EXISTS - {user}|{new_did}"),
        Template(
            "NOTICE: copy_did DID HAS BEEN ADDED - "
            "{user}|{new_did}|{source_did_pattern}|{new_did_id}|{insert_count}"
        ),
        Template(
            "SUCCESS: copy_did DIDS HAVE BEEN ADDED - "
            "{user}|{source_did_pattern}|{inserted_count}|{insert_error_count}"
        ),
        # Nothing was inserted: every target DID already existed (see the NOTICE lines).
        _err(
            "ERROR: copy_did NO DIDS ADDED - "
            "{user}|{source_did_pattern}|{inserted_count}|{insert_error_count}",
            "conflict",
        ),
        _err(
            "ERROR: copy_did USER DOES NOT HAVE PERMISSION TO ADD DIDS: |{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: copy_did YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{source_did_pattern}|{new_dids}",
            "invalid_input",
        ),
        _err(
            "ERROR: copy_did SOURCE DID DOES NOT EXIST: |{user}|{source_did_pattern}", "not_found"
        ),
        *_optional(
            "copy_did",
            (
                (
                    "DID DESCRIPTION MUST BE EITHER BLANK OR FROM 6 TO 50 CHARACTERS",
                    "did_description",
                ),
            ),
        ),
    ),
    field_types={"new_did": "code", "source_did_pattern": "code", "new_did_id": "id"},
)

UPDATE_DID = FunctionSpec(
    name="update_did",
    summary="Change an inbound DID's routing settings, or delete it (delete_did=Y).",
    effect="mutating",
    idempotent=True,
    params=(
        Param("did_pattern", "code", required=True, max_len=50, charset=DID_CHARS),
        Param("delete_did", "flag", max_len=1, choices=_YN),
        *_DID_SETTINGS,
    ),
    templates=(
        Template("SUCCESS: update_did DID HAS BEEN UPDATED - {user}|{did_pattern}"),
        Template("SUCCESS: update_did DID HAS BEEN DELETED - {user}|{did_pattern}|{did_id}"),
        Template("NOTICE: update_did NO UPDATES DEFINED: |{user}|"),
        _err(
            "ERROR: update_did USER DOES NOT HAVE PERMISSION TO UPDATE DIDS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_did YOU MUST USE ALL REQUIRED FIELDS: |{user}|{did_pattern}",
            "invalid_input",
        ),
        _err("ERROR: update_did DID DOES NOT EXIST: |{user}|{did_pattern}", "not_found"),
        _err(
            "ERROR: update_did USER DOES NOT HAVE PERMISSION TO DELETE DIDS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        *_optional("update_did", (*_DID_OPTIONAL_ERRORS, (_MENU_ERROR, "menu_id"))),
    ),
    field_types={"did_id": "id"},
)

# --- CID groups ----------------------------------------------------------------------------------

UPDATE_CID_GROUP_ENTRY = FunctionSpec(
    name="update_cid_group_entry",
    summary=(
        "Show (stage INFO), add, delete or change the area-code caller IDs of a CID group or "
        "campaign. DELETE with areacode ---ALL--- and no outbound_cid empties the group."
    ),
    effect="mutating",
    idempotent=True,
    params=(
        Param("cid_group_id", "id", required=True, max_len=20, summary="CID group or campaign"),
        # "---ALL---" or letters and digits (VICIdial drops "-" and "_" from anything else).
        Param(
            "areacode",
            "code",
            required=True,
            max_len=9,
            charset="-0-9a-zA-Z",
            pattern="---ALL---|[0-9a-zA-Z]+",
            summary="area code, state, NONE or ---ALL---",
        ),
        Param(
            "stage",
            "code",
            required=True,
            max_len=6,
            choices=("INFO", "ADD", "DELETE", "UPDATE"),
            summary="the operation",
        ),
        # "---ALL---" or digits (likewise).
        Param(
            "outbound_cid",
            "code",
            max_len=20,
            charset="-0-9ALL",
            pattern="---ALL---|[0-9]+",
            summary="caller id number; ---ALL--- or omitted: all (not for ADD)",
        ),
        Param("cid_description", "text", max_len=50, charset=DESCRIPTION_CHARS),
        Param("active", "flag", max_len=1, choices=_YN),
    ),
    # stage=INFO prints a SUCCESS line and then one "|" row per entry (no header option).
    rows=Rows(
        columns=(
            "entry",
            "areacode",
            "outbound_cid",
            "active",
            "cid_description",
            "call_count_today",
        ),
        delimiter_option="pipe",
        stage=None,
        request_header=False,
        free_text=("cid_description",),
    ),
    templates=(
        Template(
            "SUCCESS: update_cid_group_entry CID GROUP INFO AS FOLLOWS "
            "{cid_group_id}|{areacode}|{outbound_cid}|{entry_count}"
        ),
        Template(
            "SUCCESS: update_cid_group_entry CID GROUP ENTRY HAS BEEN ADDED - "
            "{user}|{cid_group_id}|{areacode}|{outbound_cid}|{insert_count}"
        ),
        Template(
            "SUCCESS: update_cid_group_entry CID GROUP ENTRIES HAVE BEEN DELETED - "
            "{user}|{cid_group_id}|{areacode}|{outbound_cid}|{delete_count}"
        ),
        Template(
            "SUCCESS: update_cid_group_entry CID GROUP ENTRIES HAVE BEEN UPDATED - "
            "{user}|{cid_group_id}|{areacode}|{outbound_cid}|{modify_count}"
        ),
        _err(
            "ERROR: update_cid_group_entry USER DOES NOT HAVE PERMISSION TO UPDATE CID GROUPS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_cid_group_entry YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{cid_group_id}|{areacode}|{stage}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_cid_group_entry CID GROUP DOES NOT EXIST: |{user}|{cid_group_id}",
            "not_found",
        ),
        _err(
            "ERROR: update_cid_group_entry THIS CID GROUP HAS NO ENTRIES: |{user}|{cid_group_id}",
            "not_found",
        ),
        _err(
            "ERROR: update_cid_group_entry YOU MUST DEFINE AN AREACODE WHEN ADDING AND ENTRY: "
            "|{user}|{cid_group_id}|{areacode}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_cid_group_entry YOU MUST DEFINE A CID NUMBER WHEN ADDING AND ENTRY: "
            "|{user}|{cid_group_id}|{outbound_cid}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_cid_group_entry THIS CID GROUP ENTRY ALREADY EXISTS: "
            "|{user}|{cid_group_id}|{areacode}|{outbound_cid}",
            "conflict",
        ),
        _err(
            "ERROR: update_cid_group_entry NO UPDATES WERE DEFINED: "
            "|{user}|{cid_group_id}|{areacode}|{outbound_cid}|{active}|{cid_description}",
            "invalid_input",
        ),
    ),
    field_types={
        "entry": "int",
        "call_count_today": "int",
        "areacode": "code",
        "outbound_cid": "code",
    },
)

FUNCTIONS: tuple[FunctionSpec, ...] = (
    UPDATE_LIST,
    LIST_CUSTOM_FIELDS,
    ADD_LIST,
    UPDATE_CAMPAIGN,
    UPDATE_ALT_URL,
    UPDATE_PRESETS,
    ADD_DID,
    COPY_DID,
    UPDATE_DID,
    UPDATE_CID_GROUP_ENTRY,
    HOPPER_LIST,
    AGENT_CAMPAIGNS,
)
