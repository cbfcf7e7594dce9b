"""Specs of the Non-Agent API functions for lead records and the HTML pickers: ccc_lead_info,
lead_callback_info, lead_dearchive, lead_field_info, lead_status_search, update_log_entry,
batch_update_lead, sounds_list, moh_list, vm_list, ingroup_list, callmenu_list, container_list,
agent_ingroup_info.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` (the code's behaviour, where it differs
from VICIdial's manual). Field order and literal text of every template are VICIdial's.
Length limits are the column sizes of the stock schema.

Choices made here (the README of the area, in short):

- The HTML pickers take no ``comments``: it only names the parent form field the picker's
  JavaScript fills, changes no data, and VICIdial echoes it unescaped into the HTML the gateway
  reads (a quote in it would let a caller forge rows).
- ``lead_field_info`` puts ``field_name`` into ``SELECT <field_name> FROM vicidial_list``: any
  column, and even SQL keywords such as ``CURRENT_USER``, would be readable. The gateway allows
  exactly the 32 standard lead columns, so ``custom_fields``/``list_id`` (custom tables) are not
  offered; custom fields are read with ``lead_all_info`` ``custom_fields=Y``.
- ``sounds_list`` ``format=selectframe`` puts the API user and password into its links, and
  without a ``format`` VICIdial prints nothing: ``format`` is required and only ``tab`` is
  accepted (a spec cannot yet make the gateway send a fixed value itself).
- Lines about lists or leads the gateway's account may not see (``api_list_restrict``) are the
  account's problem, not the caller's: ``upstream_error``.
"""

from __future__ import annotations

from . import leads_shapes as shapes
from .functions import _LEAD_FIELDS, _LIST_EXISTS_CHECK, blankable
from .spec import FunctionSpec, Param, RawValue, Rows, Template

# The gateway owns the delimiter and header options of row functions.
_STAGE_HEADER = ("stage", "header")

_YN = ("Y", "N")
_IDS = "-_0-9a-zA-Z"
_FREE_LEAD_TEXT = ("comments", "vendor_lead_code", "source_id")


def _err(text: str, error_type: str) -> Template:
    return Template(text, error_type=error_type)


def _permission(fn: str, what: str) -> Template:
    return _err(
        f"ERROR: {fn} USER DOES NOT HAVE PERMISSION TO {what}: |{{user}}|{{allowed_user}}|",
        "upstream_error",
    )


# --- ccc_lead_info --------------------------------------------------------------------------

CCC_LEAD_INFO = FunctionSpec(
    name="ccc_lead_info",
    summary="The lead of a call placed in the last 10 hours, found by its call ID (caller code).",
    effect="read_only",
    idempotent=True,
    params=(
        Param(
            "call_id",
            "id",
            required=True,
            max_len=39,
            charset="0-9a-zA-Z",
            summary="18-39 characters starting with Y, J, V, M, DC, S, LP, VH or XL",
        ),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=shapes.LEAD_COLUMNS[1:-1],  # status .. owner: no lead_id, no entry_list_id
        stage="tab",
        free_text=_FREE_LEAD_TEXT,
        single=True,
        newline_stage=True,
    ),
    templates=(
        _permission("ccc_lead_info", "GET LEAD INFO"),
        _err("ERROR: ccc_lead_info INVALID SEARCH PARAMETERS: {user}|{call_id}", "invalid_input"),
        _err("ERROR: ccc_lead_info CALL NOT FOUND: {user}|{agent_user}", "not_found"),
        _err("ERROR: ccc_lead_info LEAD NOT FOUND: {user}|{agent_user}", "not_found"),
        # api_list_restrict: the lead's list is outside the account's campaigns. The last field
        # is the permission count of the (unique) API user, always 1 on this path.
        _err("ERROR: ccc_lead_info LEAD NOT FOUND: |{user}|1|", "upstream_error"),
    ),
)

# --- lead_callback_info ---------------------------------------------------------------------

CALLBACK_COLUMNS = (
    "lead_id", "callback_type", "recipient", "callback_status", "lead_status", "callback_date",
    "entry_date", "user", "list_id", "campaign_id", "user_group", "customer_timezone",
    "customer_time", "comments",
)  # fmt: skip

LEAD_CALLBACK_INFO = FunctionSpec(
    name="lead_callback_info",
    summary="Scheduled callbacks of one lead: current ones, archived ones, or both.",
    effect="read_only",
    idempotent=True,
    params=(
        Param("lead_id", "int", required=True, max_len=11),
        Param(
            "search_location",
            "code",
            max_len=7,
            choices=("CURRENT", "ARCHIVE", "ALL"),
            charset="A-Z",
            summary="CURRENT (default), ARCHIVE or ALL",
        ),
    ),
    gateway_params=_STAGE_HEADER,
    rows=Rows(
        columns=CALLBACK_COLUMNS,
        stage="tab",
        free_text=("comments",),
        # VICIdial also takes stage=newline, with the header printed once: the general parser
        # reads newline replies as lead_all_info's (a header per lead) and would fold all rows
        # into one. Without the flag such a reply is refused; the gateway never asks for it.
        newline_stage=False,
    ),
    templates=(
        _permission("lead_callback_info", "GET LEAD INFO"),
        _err(
            "ERROR: lead_callback_info INVALID SEARCH PARAMETERS: {user}|{lead_id}", "invalid_input"
        ),
        _err("ERROR: lead_callback_info LEAD NOT FOUND: |{user}|{allowed_user}|", "upstream_error"),
        _err(
            "ERROR: lead_callback_info CALLBACK NOT FOUND: "
            "{user}|{lead_id}|{stage}|{search_location}",
            "not_found",
        ),
    ),
)

# --- lead_dearchive -------------------------------------------------------------------------

LEAD_DEARCHIVE = FunctionSpec(
    name="lead_dearchive",
    summary="Move a lead from the archive (vicidial_list_archive) back into vicidial_list.",
    effect="mutating",
    idempotent=True,
    params=(Param("lead_id", "int", required=True, max_len=11),),
    templates=(
        Template(
            "SUCCESS: lead_dearchive LEAD DE-ARCHIVED: "
            "{user}|{lead_id}|{inserted_count}|{deleted_count}"
        ),
        _permission("lead_dearchive", "MODIFY LEAD INFO"),
        _err("ERROR: lead_dearchive INVALID SEARCH PARAMETERS: {user}|{lead_id}", "invalid_input"),
        _err(
            "ERROR: lead_dearchive LEAD INSERT FAILED: {user}|{lead_id}|{list_id}", "upstream_error"
        ),
        _err(
            "ERROR: lead_dearchive NON-ARCHIVED LEAD FOUND: {user}|{lead_id}|{list_id}", "conflict"
        ),
        _err(
            "ERROR: lead_dearchive ARCHIVED LEAD NOT FOUND: "
            "{user}|{lead_id}|{stage}|{search_location}",
            "not_found",
        ),
    ),
)

# --- lead_field_info ------------------------------------------------------------------------

LEAD_FIELD_INFO = FunctionSpec(
    name="lead_field_info",
    summary="The value of one standard field of one lead (data: {field_name: value}).",
    effect="read_only",
    idempotent=True,
    params=(
        Param("lead_id", "int", required=True, max_len=11),
        Param(
            "field_name",
            "code",
            required=True,
            max_len=30,
            choices=shapes.LEAD_COLUMNS,
            summary="one of the 32 standard lead columns",
        ),
        Param("archived_lead", "flag", max_len=1, choices=_YN),
    ),
    # The reply is the bare value without a line end; an empty value is an empty body.
    empty_ok=True,
    custom_parse=shapes.parse_lead_field_info,
    # A stored value can look like any status line below (with its LF): such a reply counts as
    # one only if asking for the same lead's lead_id does not answer with that id.
    raw_value=RawValue(
        recheck=shapes.lead_id_recheck,
        proves_data=shapes.lead_id_read,
        as_data=shapes.lead_field_value,
    ),
    templates=(
        _permission("lead_field_info", "GET LEAD INFO"),
        _err(
            "ERROR: lead_field_info INVALID SEARCH PARAMETERS: {user}|{lead_id}|{field_name}",
            "invalid_input",
        ),
        _err("ERROR: lead_field_info LEAD NOT FOUND: {user}|{lead_id}", "not_found"),
        _err("ERROR: lead_field_info LIST NOT FOUND: {user}|{lead_id}|{list_id}", "not_found"),
        _err("ERROR: lead_field_info LIST FIELD NOT FOUND: {user}|{lead_id}", "not_found"),
    ),
)

# --- lead_status_search ---------------------------------------------------------------------

LEAD_STATUS_SEARCH = FunctionSpec(
    name="lead_status_search",
    summary=(
        "All fields of the leads whose call-log status on a date matches (status + date), "
        "or of one logged lead (lead_id); at most 2000 records."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        Param("status", "code", max_len=6),
        Param("date", "date", max_len=10, summary="YYYY-MM-DD, with status"),
        Param("lead_id", "int", max_len=11, summary="used when status and date are not given"),
        Param("custom_fields", "flag", max_len=1, choices=_YN),
        Param("archived_lead", "flag", max_len=1, choices=_YN),
    ),
    custom_parse=shapes.parse_lead_status_search,
    templates=(
        _permission("lead_status_search", "GET LEAD INFO"),
        _err(
            "ERROR: lead_status_search INVALID SEARCH PARAMETERS: {user}|{status}|{date}|{lead_id}",
            "invalid_input",
        ),
        # call_date is a variable the PHP never sets: always empty.
        _err(
            "ERROR: lead_status_search NO RESULTS FOUND: {user}|{lead_id}|{status}|{call_date}",
            "not_found",
        ),
    ),
)

# --- update_log_entry -----------------------------------------------------------------------

UPDATE_LOG_ENTRY = FunctionSpec(
    name="update_log_entry",
    summary=(
        "Set the status of the latest call-log row of a lead in a campaign (outbound log) "
        "or in-group (inbound log); the lead_id is the last 10 characters of call_id."
    ),
    effect="mutating",
    idempotent=True,
    params=(
        Param("group", "code", required=True, max_len=20, summary="campaign_id or in-group id"),
        Param(
            "call_id",
            "id",
            required=True,
            max_len=40,
            charset="0-9a-zA-Z",
            # VICIdial takes the last 10 characters as a number and pastes it unquoted: they
            # must be digits (PHP 8 fails on anything else).
            pattern=r"[0-9A-Za-z]*[0-9]{10}|[0-9]{1,10}",
        ),
        Param("status", "code", required=True, max_len=6),
    ),
    templates=(
        # The API user is printed twice; the last field is a variable never set (always empty).
        Template(
            "SUCCESS: update_log_entry RECORD HAS BEEN UPDATED - "
            "{user}|{user}|{group}|{call_id}|{status}|{old_status}|{uniqueid}|"
        ),
        _permission("update_log_entry", "UPDATE LOGS"),
        _err("ERROR: update_log_entry GROUP NOT FOUND: {user}|{group}", "not_found"),
        _err(
            "ERROR: update_log_entry NO RECORDS FOUND: {user}|{group}|{call_id}|{status}",
            "not_found",
        ),
        # The row already has this status (MySQL counts no changed row): a repeat.
        _err(
            "ERROR: update_log_entry NO RECORDS UPDATED: "
            "{user}|{group}|{call_id}|{status}|{old_status}|{uniqueid}",
            "conflict",
        ),
        _err(
            "ERROR: update_log_entry INVALID SEARCH PARAMETERS: {user}|{group}|{call_id}|{status}",
            "invalid_input",
        ),
    ),
)

# --- batch_update_lead ----------------------------------------------------------------------

BATCH_UPDATE_LEAD = FunctionSpec(
    name="batch_update_lead",
    summary=(
        "Write the same field values into many leads (by lead_id, at most records, newest "
        "first). An empty reply: the leads exist but no field to change was given."
    ),
    effect="mutating",
    idempotent=True,
    params=(
        Param(
            "lead_ids",
            "list",
            required=True,
            max_len=12000,
            summary="lead ids (JSON array or comma-separated)",
            # Pasted unquoted into IN(...): an empty item is a SQL syntax error.
            pattern=r"[0-9]+(?:,[0-9]+)*",
        ),
        Param("records", "int", max_len=6, summary="at most this many leads, default 1000"),
        _LIST_EXISTS_CHECK,
        Param("reset_lead", "flag", max_len=1, choices=_YN),
        Param("archived_lead", "flag", max_len=1, choices=_YN),
        # --BLANK-- empties a field.
        *blankable(
            (
                Param("user_field", "id", max_len=20),
                Param("list_id_field", "id", max_len=14, charset="0-9"),
                Param("status", "code", max_len=6),
                Param("gmt_offset_now", "code", max_len=6, charset="-.0-9"),
                Param("called_count", "int", max_len=5),
                *_LEAD_FIELDS,
            )
        ),
    ),
    empty_ok=True,
    custom_parse=shapes.parse_batch_update_lead,
    templates=(
        Template(
            "SUCCESS: batch_update_lead LEADS HAVE BEEN UPDATED - "
            "{user}|{affected_rows}|{found_count}|{lead_ids}"
        ),
        _err(
            "ERROR: batch_update_lead USER DOES NOT HAVE PERMISSION TO UPDATE LEADS IN THE "
            "SYSTEM: |{user}|{permission_count}|",
            "upstream_error",
        ),
        _err("ERROR: batch_update_lead NO LEADS DEFINED - {user}|{lead_ids}", "invalid_input"),
        _err(
            "ERROR: batch_update_lead NOT AN ALLOWED LIST ID - {user}|{list_id_field}",
            "upstream_error",
        ),
        _err(
            "ERROR: batch_update_lead NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED - "
            "{user}|{list_id_field}",
            "invalid_input",
        ),
        _err(
            "ERROR: batch_update_lead NO MATCHES FOUND IN THE SYSTEM: |{user}|{lead_ids}",
            "not_found",
        ),
    ),
)

# --- sounds_list and the HTML pickers -------------------------------------------------------

_SOUNDS_PERMISSION = _err(
    "ERROR: sounds_list USER DOES NOT HAVE PERMISSION TO VIEW SOUNDS LIST: |{user}|{allowed_user}|",
    "upstream_error",
)
# The server's setup (system_settings.sounds_central_control_active), not the caller's input.
_SOUNDS_INACTIVE = _err(
    "ERROR: sounds_list CENTRAL SOUND CONTROL IS NOT ACTIVE: "
    "|{user}|{sounds_central_control_active}|",
    "not_configured",
)

SOUNDS_LIST = FunctionSpec(
    name="sounds_list",
    summary="The .wav/.gsm files of the central audio store, sorted by date, name or size.",
    effect="read_only",
    idempotent=True,
    # selectframe would print the API password into its links; tab is the parseable one.
    fixed_params={"format": "tab"},
    params=(
        Param(
            "stage",
            "code",
            required=True,
            max_len=4,
            choices=("date", "name", "size"),
            # VICIdial looks for the word in any case.
            spellings=tuple((f"(?i){word}", word) for word in ("date", "name", "size")),
            summary="sort order: date (newest first), name, size (largest first); any case, "
            "sent in lower case",
        ),
    ),
    # No file in the store prints nothing.
    empty_ok=True,
    custom_parse=shapes.parse_sounds_list,
    templates=(
        _SOUNDS_PERMISSION,
        _SOUNDS_INACTIVE,
        # No function word: the reason text starts right after "ERROR: ". Leaks a server path.
        _err(
            "ERROR: audio store web directory does not exist: |{user}|{function}|{audio_path}|",
            "upstream_error",
        ),
    ),
)

MOH_LIST = FunctionSpec(
    name="moh_list",
    summary="Active music-on-hold classes with their files.",
    effect="read_only",
    idempotent=True,
    custom_parse=shapes.parse_picker,
    templates=(_SOUNDS_PERMISSION, _SOUNDS_INACTIVE),
)

VM_LIST = FunctionSpec(
    name="vm_list",
    summary="Active voicemail boxes, then the voicemail boxes of active phones.",
    effect="read_only",
    idempotent=True,
    custom_parse=shapes.parse_picker,
    templates=(_permission("vm_list", "VIEW VOICEMAIL BOXES LIST"),),
)

INGROUP_LIST = FunctionSpec(
    name="ingroup_list",
    summary="Active inbound groups with their names and colors.",
    effect="read_only",
    idempotent=True,
    custom_parse=shapes.parse_picker,
    templates=(_permission("ingroup_list", "VIEW INBOUND GROUPS LIST"),),
)

CALLMENU_LIST = FunctionSpec(
    name="callmenu_list",
    summary="Call menus (IVR) with their names.",
    effect="read_only",
    idempotent=True,
    custom_parse=shapes.parse_picker,
    templates=(_permission("callmenu_list", "VIEW CALL MENUS LIST"),),
)

CONTAINER_LIST = FunctionSpec(
    name="container_list",
    summary="Settings containers of one container type, with their notes.",
    effect="read_only",
    idempotent=True,
    params=(Param("type", "code", required=True, max_len=40, summary="container type"),),
    custom_parse=shapes.parse_picker,
    templates=(
        _err("ERROR: container_list NO CONTAINER TYPE DEFINED: |{user}|{type}|", "invalid_input"),
        # VICIdial's text (copied from callmenu_list).
        _permission("container_list", "VIEW CALL MENUS LIST"),
    ),
)

# --- agent_ingroup_info ---------------------------------------------------------------------

AGENT_INGROUP_INFO = FunctionSpec(
    name="agent_ingroup_info",
    summary=(
        "A logged-in agent's in-groups and autodial state: stage text (selected in-groups), "
        "info (default; also the campaign's in-groups) or change (the change form's state)."
    ),
    effect="read_only",
    idempotent=True,
    params=(
        Param("agent_user", "id", required=True, max_len=20, charset=_IDS),
        Param("stage", "code", max_len=6, choices=("text", "info", "change")),
    ),
    custom_parse=shapes.parse_agent_ingroup_info,
    templates=(
        _permission("agent_ingroup_info", "GET AGENT INFO"),
        # Printed for an unknown or not visible agent and for one that is not logged in.
        _err("ERROR: agent_ingroup_info INVALID USER ID - {agent_user}|{user}", "not_found"),
    ),
)

FUNCTIONS: tuple[FunctionSpec, ...] = (
    CCC_LEAD_INFO,
    LEAD_CALLBACK_INFO,
    LEAD_DEARCHIVE,
    LEAD_FIELD_INFO,
    LEAD_STATUS_SEARCH,
    UPDATE_LOG_ENTRY,
    BATCH_UPDATE_LEAD,
    SOUNDS_LIST,
    MOH_LIST,
    VM_LIST,
    INGROUP_LIST,
    CALLMENU_LIST,
    CONTAINER_LIST,
    AGENT_INGROUP_INFO,
)
