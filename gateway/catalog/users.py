"""Specs of the Non-Agent API functions for users, phones and telephony administration: add_user,
copy_user, update_user, update_remote_agent, add_group_alias, add_phone, update_phone,
add_phone_alias, update_phone_alias, server_refresh, blind_monitor, add_dnc_phone,
delete_dnc_phone, add_fpg_phone, delete_fpg_phone.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` and, where it is silent, from
``non_agent_api.php`` itself (the code's behaviour, where it differs from VICIdial's manual). Field
order and literal text of every template are VICIdial's. Length limits are the code's own checks
where it has them, else the column sizes of the stock schema (``vicidial_users``, ``phones`` ...).

Character sets are what VICIdial's input filter keeps for each parameter, minus ``+`` where VICIdial
turns it into a space, and minus ``|`` where a value is echoed inside a pipe-delimited reply: the
gateway refuses what VICIdial would silently change. Choices are used wherever the code accepts a
fixed set (user levels, ranks, Y/N flags, protocols, time zones), so an out-of-range value is a 400
from the gateway instead of a line that echoes garbage. ``stage`` means something different in two
of these functions: blind_monitor's monitor mode is the caller's choice; server_refresh's only
working value (REFRESH) is sent by the gateway itself.

Two reply quirks need :mod:`.users_shapes`: update_user and update_remote_agent end one permission
error with two LFs, and print ``NO UPDATES DEFINED`` as an ERROR after NOTICE lines that report a
change that did happen.
"""

from __future__ import annotations

from .spec import FieldType, FunctionSpec, Param, Template
from .users_shapes import parse_update_reply

_YN = ("Y", "N")
_ONE_ZERO = ("1", "0")
_LEVELS = tuple(str(n) for n in range(1, 10))
_RANKS = tuple(str(n) for n in range(-9, 10))
_GRADES = tuple(str(n) for n in range(1, 11))
# The only local_gmt values add_phone/update_phone accept (exact strings).
TIMEZONES = (
    "12.75", "12.00", "11.00", "10.00", "9.50", "9.00", "8.00", "7.00", "6.50", "6.00", "5.75",
    "5.50", "5.00", "4.50", "4.00", "3.50", "3.00", "2.00", "1.00", "0.00", "-1.00", "-2.00",
    "-3.00", "-3.50", "-4.00", "-5.00", "-6.00", "-7.00", "-8.00", "-9.00", "-10.00", "-11.00",
    "-12.00",
)  # fmt: skip
PROTOCOLS = ("IAX2", "SIP", "Zap", "EXTERNAL")
# VICIdial compares local_gmt with that list by PHP's "!=", which compares two numeric strings as
# numbers: "-5", "-5." and "-5.0" are "-5.00" to it, "9.5" is "9.50". Those are sent as the list
# writes them (what VICIdial's own screens store).
_GMT_SPELLINGS = (
    (r"(-?[0-9]{1,2})\.?", r"\1.00"),
    (r"(-?[0-9]{1,2})\.([0-9])", r"\1.\g<2>0"),
)
_GMT_SUMMARY = "a time zone as VICIdial lists it (-5.00, 9.50); -5 or 9.5 is sent as -5.00, 9.50"

# Characters VICIdial keeps (cross_cutting.md section 3 and the filters of non_agent_api.php).
WORD_CHARS = "-_0-9a-zA-Z"
# agent_full_name, custom_one..five, alias_name: "+" is kept as a plus (it is not turned into a
# space), so a literal plus is allowed.
LABEL_CHARS = "- +.:/@_0-9a-zA-Z"
PHONE_NAME_CHARS = "- +._0-9a-zA-Z"
# group_alias_name, caller_id_name keep "+" and then turn it into a space: refused.
ALIAS_NAME_CHARS = "- _0-9a-zA-Z"
EMAIL_CHARS = "- '.:/@%_0-9a-zA-Z"
SERVER_IP_CHARS = "-.:_0-9a-zA-Z"

# Reply fields that are numbers; the rest of these functions' fields are ids, codes and text.
# (wrapup_seconds_override is typed too: only an out-of-range value is ever echoed.)
_NUMBERS: dict[str, FieldType] = {
    "agent_user_level": "int",
    "api_user_level": "int",
    "source_user_level": "int",
    "valid_user_group": "int",
    "valid_phone_login": "int",
    "valid_phone_alias": "int",
    "valid_campaign": "int",
    "number_of_lines": "int",
    "campaign_rank": "int",
    "campaign_grade": "int",
    "ingroup_rank": "int",
    "ingroup_grade": "int",
    "wrapup_seconds_override": "int",
}
_CODES: dict[str, FieldType] = {
    "hotkeys_active": "code",
    "api_modify_same_user_level": "code",
    "camp_rg_only": "code",
    "ingrp_rg_only": "code",
    "op": "code",
    "local_gmt": "code",
    "protocol": "code",
    "dialplan_number": "code",
    "outbound_cid": "phone",
    "outbound_alt_cid": "code",
    "caller_id_number": "phone",
    "manager_id": "id",
    "extension": "id",
    "phone_login": "id",
    "phone_login_checked": "id",
    "source_user": "id",
    "agent_user_group": "id",
    "source_user_group": "id",
    "group": "id",
}
_FIELD_TYPES: dict[str, FieldType] = {**_NUMBERS, **_CODES}


def _err(text: str, error_type: str) -> Template:
    return Template(text, error_type=error_type)


def _notice_error(text: str, error_type: str) -> Template:
    """A NOTICE line that ends the call without doing what was asked: an error for callers."""
    return Template(text, error_type=error_type, result_override="ERROR")


def _flag(name: str, summary: str = "") -> Param:
    return Param(name, "flag", max_len=1, choices=_YN, summary=summary)


def _any_case_flag(name: str) -> Param:
    """A phone's Y/N option: VICIdial matches it case-insensitively into an ENUM column (which
    stores the upper-case value), so y and n are sent as Y and N."""
    return Param(
        name,
        "flag",
        max_len=1,
        choices=_YN,
        spellings=(("y", "Y"), ("n", "N")),
        summary="Y or N (y and n are sent as Y and N)",
    )


def _bit(name: str, summary: str = "") -> Param:
    """A 0/1 setting (ENUM('0','1')): true/false is sent as 1/0."""
    return Param(name, "flag", max_len=1, choices=_ONE_ZERO, charset="01", summary=summary)


def _custom_fields(max_len: int = 100) -> tuple[Param, ...]:
    names = ("custom_one", "custom_two", "custom_three", "custom_four", "custom_five")
    return tuple(Param(n, "text", max_len=max_len, charset=LABEL_CHARS) for n in names)


# --- add_user -------------------------------------------------------------------------------

ADD_USER = FunctionSpec(
    name="add_user",
    summary="Create a user (agent or manager). agent_user AUTOGENERATE picks the next free number.",
    effect="mutating",
    idempotent="partly",
    params=(
        Param("agent_user", "id", required=True, max_len=20, summary="2+ chars, or AUTOGENERATE"),
        Param("agent_pass", "text", required=True, max_len=100, charset=WORD_CHARS),
        Param("agent_user_level", "int", required=True, max_len=1, choices=_LEVELS),
        Param("agent_full_name", "text", required=True, max_len=50, charset=LABEL_CHARS),
        Param("agent_user_group", "id", required=True, max_len=20),
        Param("phone_login", "id", max_len=20),
        Param("phone_pass", "text", max_len=100, charset=WORD_CHARS),
        _bit("hotkeys_active"),
        Param("voicemail_id", "code", max_len=10, charset="0-9a-zA-Z"),
        Param("email", "text", max_len=100, charset=EMAIL_CHARS),
        *_custom_fields(),
        Param("wrapup_seconds_override", "int", max_len=4, charset="-0-9", summary="-1..9999"),
        _bit("agent_choose_ingroups"),
        _bit("agent_choose_blended"),
        _bit("closer_default_blended"),
        Param("in_groups", "list", max_len=2000, charset="-|_0-9a-zA-Z", list_sep="|"),
    ),
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: add_user USER HAS BEEN ADDED - {user}|{agent_user}|{agent_pass}"
            "|{agent_user_level}|{agent_full_name}|{agent_user_group}"
        ),
        _err(
            "ERROR: add_user USER DOES NOT HAVE PERMISSION TO ADD USERS: |{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: add_user YOU MUST USE ALL REQUIRED FIELDS: |{user}|{agent_user}|{agent_pass}"
            "|{agent_user_level}|{agent_full_name}|{agent_user_group}",
            "invalid_input",
        ),
        _err(
            "ERROR: add_user USER DOES NOT HAVE PERMISSION TO ADD USERS IN THIS USER LEVEL: "
            "|{user}|{agent_user_level}|{api_user_level}",
            "upstream_error",
        ),
        _err("ERROR: add_user USER GROUP DOES NOT EXIST: |{user}|{agent_user_group}", "not_found"),
        _err("ERROR: add_user USER ALREADY EXISTS: |{user}|{agent_user}", "conflict"),
    ),
)

# --- copy_user ------------------------------------------------------------------------------

COPY_USER = FunctionSpec(
    name="copy_user",
    summary="Create a user copying every setting and permission of source_user.",
    effect="mutating",
    idempotent="partly",
    params=(
        Param("agent_user", "id", required=True, max_len=20, summary="2+ chars, or AUTOGENERATE"),
        Param("agent_pass", "text", required=True, max_len=100, charset=WORD_CHARS),
        Param("agent_full_name", "text", required=True, max_len=50, charset=LABEL_CHARS),
        Param("source_user", "id", required=True, max_len=20),
    ),
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: copy_user USER HAS BEEN COPIED - {user}|{agent_user}|{agent_pass}"
            "|{agent_full_name}|{source_user}"
        ),
        _err(
            "ERROR: copy_user USER DOES NOT HAVE PERMISSION TO COPY USERS: |{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: copy_user YOU MUST USE ALL REQUIRED FIELDS: |{user}|{agent_user}|{agent_pass}"
            "|{source_user}|{agent_full_name}",
            "invalid_input",
        ),
        _err(
            "ERROR: copy_user USER DOES NOT HAVE PERMISSION TO COPY USERS IN THIS USER LEVEL: "
            "|{user}|{source_user_level}|{api_user_level}",
            "upstream_error",
        ),
        # Also the reply for a source_user that does not exist (its group is then empty).
        _err(
            "ERROR: copy_user USER GROUP DOES NOT EXIST: |{user}|{source_user_group}", "not_found"
        ),
        _err("ERROR: copy_user USER ALREADY EXISTS: |{user}|{agent_user}", "conflict"),
    ),
)

# --- update_user ----------------------------------------------------------------------------


def _optional_field_error(reason: str, fields: str) -> Template:
    return _err(
        f"ERROR: update_user {reason}, THIS IS AN OPTIONAL FIELD: |{{user}}|{fields}",
        "invalid_input",
    )


UPDATE_USER = FunctionSpec(
    name="update_user",
    summary="Change, unlock or delete a user; set campaign/in-group ranks; reset its password.",
    effect="mutating",
    idempotent="partly",
    params=(
        Param("agent_user", "id", required=True, max_len=20),
        Param("agent_pass", "text", max_len=100, charset=WORD_CHARS),
        Param("agent_user_level", "int", max_len=1, choices=_LEVELS),
        Param("agent_full_name", "text", max_len=50, charset=LABEL_CHARS, summary="or --BLANK--"),
        Param("agent_user_group", "id", max_len=20),
        Param("phone_login", "id", max_len=20, summary="a phone login or alias, or --BLANK--"),
        Param("phone_pass", "text", max_len=20, charset=WORD_CHARS, summary="or --BLANK--"),
        _bit("hotkeys_active"),
        Param("voicemail_id", "code", max_len=10, charset="0-9a-zA-Z", summary="2-10 chars"),
        Param("email", "text", max_len=100, charset=EMAIL_CHARS, summary="5+ chars or --BLANK--"),
        *_custom_fields(),
        _flag("active"),
        Param("wrapup_seconds_override", "int", max_len=4, charset="-0-9", summary="-1..9999"),
        Param("campaign_rank", "int", max_len=2, choices=_RANKS, charset="-0-9"),
        Param("campaign_grade", "int", max_len=2, choices=_GRADES),
        _bit("camp_rg_only", "1: rank/grade only for campaign_id"),
        Param("campaign_id", "id", max_len=8),
        Param("ingroup_rank", "int", max_len=2, choices=_RANKS, charset="-0-9"),
        Param("ingroup_grade", "int", max_len=2, choices=_GRADES),
        _bit("ingrp_rg_only", "1: rank/grade only for group_id"),
        Param("group_id", "id", max_len=20, charset="_0-9a-zA-Z"),
        Param("reset_password", "int", max_len=3, summary="8+: email a new password this long"),
        _flag("delete_user"),
    ),
    field_types=_FIELD_TYPES,
    custom_parse=parse_update_reply,
    templates=(
        Template(
            "NOTICE: update_user USER CAMPAIGN RANKS/GRADES HAVE BEEN UPDATED - "
            "{user}|{agent_user}|{campaign_rank}|{campaign_grade}"
        ),
        Template(
            "NOTICE: update_user USER CAMPAIGN RANKS/GRADES HAVE BEEN UPDATED - "
            "{user}|{agent_user}|{campaign_rank}|{campaign_grade}|{campaign_id}|{camp_rg_only}"
        ),
        Template(
            "NOTICE: update_user USER IN-GROUP RANKS/GRADES HAVE BEEN UPDATED - "
            "{user}|{agent_user}|{ingroup_rank}|{ingroup_grade}"
        ),
        Template(
            "NOTICE: update_user USER IN-GROUP RANKS/GRADES HAVE BEEN UPDATED - "
            "{user}|{agent_user}|{ingroup_rank}|{ingroup_grade}|{group_id}|{ingrp_rg_only}"
        ),
        Template(
            "NOTICE: update_user USER PASSWORD RESET FAILED: NO VALID EMAIL PROVIDED - "
            "{user}|{agent_user}|{email}"
        ),
        Template("NOTICE: update_user USER PASSWORD HAS BEEN RESET - {user}|{agent_user}|{email}"),
        Template(
            "NOTICE: update_user USER PASSWORD RESET FAILED: EMAIL FAILURE - "
            "{user}|{agent_user}|{email}|{php_error_message*}"
        ),
        Template("SUCCESS: update_user USER HAS BEEN UPDATED - {user}|{agent_user}|"),
        Template("SUCCESS: update_user USER HAS BEEN DELETED - {user}|{agent_user}|"),
        _err(
            "ERROR: update_user USER DOES NOT HAVE PERMISSION TO UPDATE USERS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_user YOU MUST USE ALL REQUIRED FIELDS: |{user}|{agent_user}|",
            "invalid_input",
        ),
        # VICIdial prints the (normally absent) server_ip parameter, not agent_user.
        _err("ERROR: update_user USER DOES NOT EXIST: |{user}|{server_ip}", "not_found"),
        _err(
            "ERROR: update_user USER DOES NOT HAVE PERMISSION TO UPDATE THIS USER: "
            "|{user}|{agent_user}|{op}|{api_user_level}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_user USER DOES NOT HAVE PERMISSION TO DELETE USERS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _optional_field_error("YOU MUST USE A VALID FULL NAME", "{agent_full_name}"),
        _optional_field_error(
            "YOU MUST USE A VALID USER LEVEL",
            "{agent_user_level}|{api_user_level}|{api_modify_same_user_level}",
        ),
        _optional_field_error(
            "YOU MUST USE A VALID USER GROUP", "{agent_user_group}|{valid_user_group}"
        ),
        _optional_field_error(
            "YOU MUST USE A VALID PHONE LOGIN",
            "{phone_login}|{valid_phone_login}|{valid_phone_alias}",
        ),
        _optional_field_error("YOU MUST USE A VALID PHONE PASSWORD", "{phone_pass}"),
        _optional_field_error("YOU MUST USE A VALID HOTKEYS SETTING", "{hotkeys_active}"),
        _optional_field_error("YOU MUST USE A VALID VOICEMAIL ID", "{voicemail_id}"),
        _optional_field_error("YOU MUST USE A VALID EMAIL", "{email}"),
        _optional_field_error("YOU MUST USE A VALID CUSTOM ONE", "{custom_one}"),
        _optional_field_error("YOU MUST USE A VALID CUSTOM TWO", "{custom_two}"),
        _optional_field_error("YOU MUST USE A VALID CUSTOM THREE", "{custom_three}"),
        _optional_field_error("YOU MUST USE A VALID CUSTOM FOUR", "{custom_four}"),
        _optional_field_error("YOU MUST USE A VALID CUSTOM FIVE", "{custom_five}"),
        _optional_field_error("ACTIVE MUST BE Y OR N", "{active}"),
        _optional_field_error(
            "wrapup_seconds_override MUST BE A VALID DIGIT BETWEEN -1 AND 9999",
            "{wrapup_seconds_override}",
        ),
        _optional_field_error("YOU MUST USE A VALID CAMPAIGN RANK", "{campaign_rank}"),
        _optional_field_error("YOU MUST USE A VALID CAMPAIGN GRADE", "{campaign_grade}"),
        _optional_field_error("YOU MUST USE A VALID IN-GROUP RANK", "{ingroup_rank}"),
        _optional_field_error("YOU MUST USE A VALID IN-GROUP GRADE", "{ingroup_grade}"),
        _err("ERROR: update_user NO UPDATES DEFINED: |{user}|", "invalid_input"),
    ),
)

# --- update_remote_agent --------------------------------------------------------------------

UPDATE_REMOTE_AGENT = FunctionSpec(
    name="update_remote_agent",
    summary="Change the status, campaign or number of lines of a remote agent (by user_start).",
    effect="mutating",
    idempotent=True,
    params=(
        Param("agent_user", "id", required=True, max_len=20),
        Param("status", "code", max_len=8, choices=("ACTIVE", "INACTIVE")),
        Param("campaign_id", "id", max_len=8),
        Param("number_of_lines", "int", max_len=3, summary="1..999"),
    ),
    field_types=_FIELD_TYPES,
    custom_parse=parse_update_reply,
    templates=(
        Template(
            "SUCCESS: update_remote_agent REMOTE AGENT HAS BEEN UPDATED - {user}|{agent_user}|"
        ),
        # The status value is part of the reason text ("... IS ALREADY ACTIVE: |...").
        Template(
            "NOTICE: update_remote_agent REMOTE AGENT IS ALREADY {status}: |{user}|{agent_user}"
        ),
        _err(
            "ERROR: update_remote_agent USER DOES NOT HAVE PERMISSION TO UPDATE REMOTE AGENTS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_remote_agent YOU MUST USE ALL REQUIRED FIELDS: |{user}|{agent_user}|",
            "invalid_input",
        ),
        _err(
            "ERROR: update_remote_agent REMOTE AGENT DOES NOT EXIST: |{user}|{server_ip}",
            "not_found",
        ),
        _err(
            "ERROR: update_remote_agent USER DOES NOT HAVE PERMISSION TO UPDATE THIS REMOTE AGENT: "
            "|{user}|{agent_user}|{op}|{api_user_level}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_remote_agent YOU MUST USE A VALID NUMBER OF LINES, "
            "THIS IS AN OPTIONAL FIELD: |{user}|{number_of_lines}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_remote_agent YOU MUST USE A VALID CAMPAIGN ID, "
            "THIS IS AN OPTIONAL FIELD: |{user}|{campaign_id}|{valid_campaign}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_remote_agent STATUS MUST BE ACTIVE OR INACTIVE, "
            "THIS IS AN OPTIONAL FIELD: |{user}|{status}",
            "invalid_input",
        ),
        _err("ERROR: update_remote_agent NO UPDATES DEFINED: |{user}|", "invalid_input"),
    ),
)

# --- add_group_alias ------------------------------------------------------------------------

ADD_GROUP_ALIAS = FunctionSpec(
    name="add_group_alias",
    summary="Add an outbound caller-ID group alias.",
    effect="mutating",
    idempotent=True,
    params=(
        Param("caller_id_number", "phone", required=True, max_len=20, summary="6+ digits"),
        Param("group_alias_id", "id", max_len=30, charset="_0-9a-zA-Z"),
        Param("group_alias_name", "text", max_len=50, charset=ALIAS_NAME_CHARS),
        Param("caller_id_name", "text", max_len=20, charset=ALIAS_NAME_CHARS),
        _flag("active"),
        Param("admin_user_group", "id", max_len=20),
    ),
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: add_group_alias GROUP ALIAS HAS BEEN ADDED - "
            "{user}|{group_alias_id}|{group_alias_name}|{caller_id_number}"
        ),
        _err(
            "ERROR: add_group_alias USER DOES NOT HAVE PERMISSION TO ADD GROUP ALIASES: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: add_group_alias YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{group_alias_id}|{group_alias_name}|{caller_id_number}",
            "invalid_input",
        ),
        _err(
            "ERROR: add_group_alias GROUP ALIAS ALREADY EXISTS: "
            "|{user}|{group_alias_id}|{caller_id_number}",
            "conflict",
        ),
    ),
)

# --- DNC and filter phone group numbers -----------------------------------------------------

_DNC_PARAMS = (
    Param("phone_number", "phone", required=True, max_len=18, summary="6+ digits"),
    Param("campaign_id", "id", required=True, max_len=15, summary="a campaign, or SYSTEM_INTERNAL"),
)

ADD_DNC_PHONE = FunctionSpec(
    name="add_dnc_phone",
    summary="Add a number to the system DNC list (SYSTEM_INTERNAL) or a campaign's DNC list.",
    effect="mutating",
    idempotent=True,
    params=_DNC_PARAMS,
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: add_dnc_phone DNC NUMBER HAS BEEN ADDED - {user}|{phone_number}|{campaign_id}"
        ),
        _err(
            "ERROR: add_dnc_phone USER DOES NOT HAVE PERMISSION TO ADD DNC NUMBERS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: add_dnc_phone YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{phone_number}|{campaign_id}",
            "invalid_input",
        ),
        _err(
            "ERROR: add_dnc_phone DNC NUMBER ALREADY EXISTS: |{user}|{phone_number}|{campaign_id}",
            "conflict",
        ),
    ),
)

DELETE_DNC_PHONE = FunctionSpec(
    name="delete_dnc_phone",
    summary="Remove a number from the system DNC list (SYSTEM_INTERNAL) or a campaign's.",
    effect="mutating",
    idempotent=True,
    params=_DNC_PARAMS,
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: delete_dnc_phone DNC NUMBER HAS BEEN DELETED - "
            "{user}|{phone_number}|{campaign_id}"
        ),
        _err(
            "ERROR: delete_dnc_phone USER DOES NOT HAVE PERMISSION TO DELETE DNC NUMBERS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: delete_dnc_phone YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{phone_number}|{campaign_id}",
            "invalid_input",
        ),
        _err(
            "ERROR: delete_dnc_phone DNC NUMBER DOES NOT EXIST: "
            "|{user}|{phone_number}|{campaign_id}",
            "not_found",
        ),
    ),
)

_FPG_PARAMS = (
    Param("phone_number", "phone", required=True, max_len=18, summary="6+ digits"),
    Param("group", "id", required=True, max_len=20, summary="a filter phone group id"),
)

ADD_FPG_PHONE = FunctionSpec(
    name="add_fpg_phone",
    summary="Add a number to a filter phone group.",
    effect="mutating",
    idempotent=True,
    params=_FPG_PARAMS,
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: add_fpg_phone FILTER PHONE GROUP NUMBER HAS BEEN ADDED - "
            "{user}|{phone_number}|{group}"
        ),
        _err(
            "ERROR: add_fpg_phone USER DOES NOT HAVE PERMISSION TO ADD FILTER PHONE GROUP "
            "NUMBERS: |{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: add_fpg_phone YOU MUST USE ALL REQUIRED FIELDS: |{user}|{phone_number}|{group}",
            "invalid_input",
        ),
        _err(
            "ERROR: add_fpg_phone FILTER PHONE GROUP DOES NOT EXIST: |{user}|{group}", "not_found"
        ),
        _err(
            "ERROR: add_fpg_phone FILTER PHONE GROUP NUMBER ALREADY EXISTS: "
            "|{user}|{phone_number}|{group}",
            "conflict",
        ),
    ),
)

DELETE_FPG_PHONE = FunctionSpec(
    name="delete_fpg_phone",
    summary="Remove a number from a filter phone group.",
    effect="mutating",
    idempotent=True,
    params=_FPG_PARAMS,
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: delete_fpg_phone FILTER PHONE GROUP NUMBER HAS BEEN DELETED - "
            "{user}|{phone_number}|{group}"
        ),
        _err(
            "ERROR: delete_fpg_phone USER DOES NOT HAVE PERMISSION TO DELETE FILTER PHONE GROUP "
            "NUMBERS: |{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: delete_fpg_phone YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{phone_number}|{group}",
            "invalid_input",
        ),
        _err(
            "ERROR: delete_fpg_phone FILTER PHONE GROUP DOES NOT EXIST: |{user}|{group}",
            "not_found",
        ),
        _err(
            "ERROR: delete_fpg_phone FILTER PHONE GROUP NUMBER DOES NOT EXIST: "
            "|{user}|{phone_number}|{group}",
            "not_found",
        ),
    ),
)

# --- phones ---------------------------------------------------------------------------------

_PHONE_OPTIONS: tuple[Param, ...] = (
    Param(
        "is_webphone",
        "code",
        max_len=12,
        choices=("Y", "N", "Y_API_LAUNCH"),
        spellings=(("y", "Y"), ("n", "N"), ("(?i)y_api_launch", "Y_API_LAUNCH")),
        summary="Y, N or Y_API_LAUNCH, in any case (sent in upper case)",
    ),
    _any_case_flag("webphone_auto_answer"),
    _any_case_flag("use_external_server_ip"),
    Param("template_id", "id", max_len=15, summary="an existing template, or --BLANK--"),
    _any_case_flag("on_hook_agent"),
)

ADD_PHONE = FunctionSpec(
    name="add_phone",
    summary="Create a phone (SIP, IAX2, Zap or EXTERNAL extension) on a server.",
    effect="mutating",
    idempotent=True,
    params=(
        Param("extension", "id", required=True, max_len=100, summary="2+ chars"),
        Param("dialplan_number", "code", required=True, max_len=20, charset="*#0-9a-zA-Z"),
        Param("voicemail_id", "code", required=True, max_len=10, charset="0-9a-zA-Z"),
        Param("phone_login", "id", required=True, max_len=15),
        Param("phone_pass", "text", required=True, max_len=100, charset=WORD_CHARS),
        Param("server_ip", "code", required=True, max_len=15, charset=SERVER_IP_CHARS),
        Param("protocol", "code", required=True, max_len=8, choices=PROTOCOLS),
        Param("registration_password", "text", required=True, max_len=100, charset=WORD_CHARS),
        Param("phone_full_name", "text", required=True, max_len=50, charset=PHONE_NAME_CHARS),
        Param(
            "local_gmt",
            "code",
            required=True,
            max_len=6,
            choices=TIMEZONES,
            charset="-.0-9",
            spellings=_GMT_SPELLINGS,
            summary=_GMT_SUMMARY,
        ),
        Param("outbound_cid", "phone", required=True, max_len=20),
        Param("phone_context", "id", max_len=20),
        Param("email", "text", max_len=100, charset=EMAIL_CHARS),
        Param("admin_user_group", "id", max_len=20),
        *_PHONE_OPTIONS,
    ),
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: add_phone PHONE HAS BEEN ADDED - "
            "{user}|{extension}|{server_ip}|{protocol}|{dialplan_number}"
        ),
        _err(
            "ERROR: add_phone USER DOES NOT HAVE PERMISSION TO ADD PHONES: |{user}|{allowed_user}",
            "upstream_error",
        ),
        # Also the reply for a protocol other than IAX2, SIP, Zap, EXTERNAL.
        _err(
            "ERROR: add_phone YOU MUST USE ALL REQUIRED FIELDS: |{user}|{extension}"
            "|{dialplan_number}|{voicemail_id}|{phone_login}|{phone_pass}|{server_ip}|{protocol}"
            "|{registration_password}|{phone_full_name}|{local_gmt}|{outbound_cid}",
            "invalid_input",
        ),
        _err("ERROR: add_phone SERVER DOES NOT EXIST: |{user}|{server_ip}", "not_found"),
        _err(
            "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER: |{user}|{server_ip}|{extension}",
            "conflict",
        ),
        _err("ERROR: add_phone PHONE LOGIN ALREADY EXISTS: |{user}|{phone_login}", "conflict"),
        _err(
            "ERROR: add_phone YOU MUST USE A VALID TIMEZONE: |{user}|{local_gmt}", "invalid_input"
        ),
        _err(
            "ERROR: add_phone TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD: "
            "|{user}|{phone_login}|{template_id}",
            "not_found",
        ),
    ),
)


def _phone_error(reason: str, field: str, error_type: str = "invalid_input") -> Template:
    return _err(f"ERROR: update_phone {reason}: |{{user}}|{{{field}}}", error_type)


UPDATE_PHONE = FunctionSpec(
    name="update_phone",
    summary="Change or delete a phone, identified by extension and server_ip.",
    effect="mutating",
    idempotent=True,
    params=(
        Param("extension", "id", required=True, max_len=100),
        Param("server_ip", "code", required=True, max_len=15, charset=SERVER_IP_CHARS),
        _flag("delete_phone"),
        Param("dialplan_number", "code", max_len=20, charset="*#0-9a-zA-Z", summary="3+ chars"),
        Param("voicemail_id", "code", max_len=10, charset="0-9a-zA-Z", summary="2+ chars"),
        Param("phone_login", "id", max_len=15),
        Param("phone_pass", "text", max_len=30, charset=WORD_CHARS, summary="2-30 chars"),
        Param("protocol", "code", max_len=8, choices=PROTOCOLS),
        Param(
            "registration_password",
            "text",
            max_len=30,
            charset=WORD_CHARS,
            summary="2-30 chars or --BLANK--",
        ),
        Param(
            "phone_full_name",
            "text",
            max_len=30,
            charset=PHONE_NAME_CHARS,
            summary="2-30 chars or --BLANK--",
        ),
        Param(
            "local_gmt",
            "code",
            max_len=6,
            choices=TIMEZONES,
            charset="-.0-9",
            spellings=_GMT_SPELLINGS,
            summary=_GMT_SUMMARY,
        ),
        Param("outbound_cid", "phone", max_len=18, summary="6-18 digits"),
        Param("outbound_alt_cid", "code", max_len=18, charset="0-9a-zA-Z", summary="6-18 chars"),
        Param("phone_context", "id", max_len=20, summary="2+ chars or --BLANK--"),
        Param("email", "text", max_len=100, charset=EMAIL_CHARS, summary="5+ chars or --BLANK--"),
        Param("admin_user_group", "id", max_len=20, summary="2-20 chars"),
        Param("phone_ring_timeout", "int", max_len=3, summary="2..180 seconds"),
        _flag("delete_vm_after_email"),
        _flag("active"),
        *_PHONE_OPTIONS,
    ),
    field_types=_FIELD_TYPES,
    templates=(
        Template("SUCCESS: update_phone PHONE HAS BEEN UPDATED - {user}|{extension}|{server_ip}|"),
        Template("SUCCESS: update_phone PHONE HAS BEEN DELETED - {user}|{extension}|{server_ip}|"),
        _err(
            "ERROR: update_phone USER DOES NOT HAVE PERMISSION TO UPDATE PHONES: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_phone YOU MUST USE ALL REQUIRED FIELDS: |{user}|{extension}|{server_ip}",
            "invalid_input",
        ),
        _phone_error("SERVER DOES NOT EXIST", "server_ip", "not_found"),
        _err(
            "ERROR: update_phone PHONE DOES NOT EXIST ON THIS SERVER: "
            "|{user}|{server_ip}|{extension}",
            "not_found",
        ),
        # A NOTICE, and the call ends: the phone was not deleted.
        _notice_error(
            "NOTICE: update_phone USER DOES NOT HAVE PERMISSION TO DELETE PHONES: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _phone_error("YOU MUST USE A VALID TIMEZONE", "local_gmt"),
        _phone_error("YOU MUST USE A VALID EMAIL", "email"),
        _phone_error("YOU MUST USE A VALID PHONE CONTEXT", "phone_context"),
        _phone_error("YOU MUST USE A VALID PHONE NAME", "phone_full_name"),
        _phone_error("YOU MUST USE A VALID REGISTRATION PASSWORD", "registration_password"),
        _phone_error("YOU MUST USE A VALID PROTOCOL", "protocol"),
        _phone_error("YOU MUST USE A VALID PHONE PASSWORD", "phone_pass"),
        _phone_error("LOGIN ALREADY EXISTS", "phone_login", "conflict"),
        _phone_error("YOU MUST USE A VALID VOICEMAIL NUMBER", "voicemail_id"),
        _phone_error("YOU MUST USE A VALID DIALPLAN NUMBER", "dialplan_number"),
        _phone_error("ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD", "active"),
        _phone_error(
            "OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD", "outbound_cid"
        ),
        _phone_error(
            "USER GROUP MUST BE FROM 2 TO 20 CHARACTERS, THIS IS AN OPTIONAL FIELD",
            "admin_user_group",
        ),
        _phone_error(
            "OUTBOUND ALT CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD",
            "outbound_alt_cid",
        ),
        # VICIdial prints outbound_alt_cid here, not the timeout.
        _phone_error(
            "PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN OPTIONAL FIELD",
            "outbound_alt_cid",
        ),
        _phone_error(
            "DELETE VOICEMAIL AFTER EMAIL MUST BE Y OR N, THIS IS AN OPTIONAL FIELD",
            "delete_vm_after_email",
        ),
        _err(
            "ERROR: update_phone TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD: "
            "|{user}|{phone_login}|{template_id}",
            "not_found",
        ),
        # Unreachable in VICIdial's code (the update text is never that short); listed anyway.
        _notice_error("NOTICE: update_phone NO UPDATES DEFINED: |{user}|", "invalid_input"),
    ),
)

ADD_PHONE_ALIAS = FunctionSpec(
    name="add_phone_alias",
    summary="Create a phone alias: one login for several phones.",
    effect="mutating",
    idempotent=True,
    params=(
        Param("alias_id", "id", required=True, max_len=20, summary="2+ chars"),
        Param(
            "phone_logins",
            "list",
            required=True,
            max_len=255,
            charset="-,_0-9a-zA-Z",
            summary="existing phone logins",
        ),
        Param("alias_name", "text", required=True, max_len=50, charset=LABEL_CHARS),
    ),
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: add_phone_alias PHONE ALIAS HAS BEEN ADDED - "
            "{user}|{alias_id}|{alias_name}|{phone_logins}"
        ),
        _err(
            "ERROR: add_phone_alias USER DOES NOT HAVE PERMISSION TO ADD PHONE ALIASES: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: add_phone_alias YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{alias_id}|{alias_name}|{phone_logins}",
            "invalid_input",
        ),
        _err("ERROR: add_phone_alias PHONE ALIAS ALREADY EXISTS: |{user}|{alias_id}", "conflict"),
        _err(
            "ERROR: add_phone_alias PHONE DOES NOT EXIST: |{user}|{phone_login_checked}",
            "not_found",
        ),
    ),
)

UPDATE_PHONE_ALIAS = FunctionSpec(
    name="update_phone_alias",
    summary="Rename a phone alias, change its phone logins, or delete it.",
    effect="mutating",
    idempotent=True,
    params=(
        Param("alias_id", "id", required=True, max_len=20),
        Param(
            "phone_logins",
            "list",
            max_len=255,
            charset="-,_0-9a-zA-Z",
            summary="existing phone logins",
        ),
        Param("alias_name", "text", max_len=50, charset=LABEL_CHARS, summary="2-50 chars"),
        _flag("delete_alias"),
    ),
    field_types=_FIELD_TYPES,
    templates=(
        Template("SUCCESS: update_phone_alias PHONE ALIAS HAS BEEN UPDATED - {user}|{alias_id}|"),
        Template("SUCCESS: update_phone_alias PHONE ALIAS HAS BEEN DELETED - {user}|{alias_id}"),
        _err(
            "ERROR: update_phone_alias USER DOES NOT HAVE PERMISSION TO UPDATE PHONE ALIASES: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_phone_alias YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{alias_id}|{alias_name}|{phone_logins}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_phone_alias PHONE ALIAS DOES NOT EXIST: |{user}|{alias_id}", "not_found"
        ),
        _notice_error(
            "NOTICE: update_phone_alias USER DOES NOT HAVE PERMISSION TO DELETE PHONE ALIASES: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        _err(
            "ERROR: update_phone_alias YOU MUST USE A VALID ALIAS NAME: |{user}|{alias_name}",
            "invalid_input",
        ),
        _err(
            "ERROR: update_phone_alias PHONE DOES NOT EXIST: |{user}|{phone_login_checked}",
            "not_found",
        ),
        # delete_alias=N and nothing else to change.
        _notice_error("NOTICE: update_phone_alias NO UPDATES DEFINED: |{user}|", "invalid_input"),
    ),
)

SERVER_REFRESH = FunctionSpec(
    name="server_refresh",
    summary="Flag every server to rebuild its Asterisk configuration files.",
    effect="mutating",
    idempotent=True,
    # stage must contain REFRESH, and nothing else is read: the gateway always sends it.
    fixed_params={"stage": "REFRESH"},
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: server_refresh SERVER REFRESH HAS BEEN TRIGGERED - {user}|{affected_rows}"
        ),
        _err(
            "ERROR: server_refresh USER DOES NOT HAVE PERMISSION TO REFRESH SERVERS: "
            "|{user}|{allowed_user}",
            "upstream_error",
        ),
        # Without stage=REFRESH (never, through the gateway). VICIdial echoes the phone-alias
        # parameters here (copy-paste): "|user|||".
        _err(
            "ERROR: server_refresh YOU MUST USE ALL REQUIRED FIELDS: "
            "|{user}|{alias_id}|{alias_name}|{phone_logins}",
            "invalid_input",
        ),
    ),
)

BLIND_MONITOR = FunctionSpec(
    name="blind_monitor",
    summary="Call a manager's phone and bridge it into an agent session: listen, barge, whisper.",
    effect="mutating",
    idempotent=False,
    params=(
        Param("phone_login", "id", required=True, max_len=15, summary="the manager's phone"),
        Param(
            "session_id",
            "id",
            required=True,
            max_len=20,
            charset="0-9",
            summary="the agent's conference number",
        ),
        Param("server_ip", "code", required=True, max_len=15, charset=SERVER_IP_CHARS),
        Param(
            "stage",
            "code",
            max_len=9,
            choices=("MONITOR", "BARGE", "BARGESWAP", "HIJACK", "WHISPER"),
            summary="monitor mode, MONITOR when absent",
        ),
    ),
    field_types=_FIELD_TYPES,
    templates=(
        Template(
            "SUCCESS: blind_monitor HAS BEEN LAUNCHED - "
            "{phone_login}|{dialstring}|{dialplan_number}|{session_id}|{manager_id}|{user}"
        ),
        _err(
            "ERROR: blind_monitor USER DOES NOT HAVE PERMISSION TO BLIND MONITOR: "
            "|{user}|{allowed_user}|",
            "upstream_error",
        ),
        _err(
            "ERROR: blind_monitor INVALID SESSION ID - {session_id}|{server_ip}|{user}",
            "not_found",
        ),
        _err("ERROR: blind_monitor INVALID PHONE LOGIN - {phone_login}|{user}", "not_found"),
    ),
)

FUNCTIONS: tuple[FunctionSpec, ...] = (
    ADD_USER,
    COPY_USER,
    UPDATE_USER,
    UPDATE_REMOTE_AGENT,
    ADD_GROUP_ALIAS,
    ADD_PHONE,
    UPDATE_PHONE,
    ADD_PHONE_ALIAS,
    UPDATE_PHONE_ALIAS,
    SERVER_REFRESH,
    BLIND_MONITOR,
    ADD_DNC_PHONE,
    DELETE_DNC_PHONE,
    ADD_FPG_PHONE,
    DELETE_FPG_PHONE,
)
