"""Typed helpers of the gateway's functions, GENERATED from the catalog by
``python -m gateway.client.generate``: do not edit (a test fails when this file and the
catalog differ).

``client.fn.add_lead(phone_number="3125551212", list_id="101")`` is ``client.call("add_lead",
...)`` with its parameters checked by a type checker, and its ``Reply.data`` typed.
"""

# ruff: noqa: E501
# (no "from __future__ import annotations": TypedDict reads Required[...] when the class is made)

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack, cast

from .core import Reply

if TYPE_CHECKING:
    from .aio import AsyncClient
    from .sync import Client


class AddDidRequest(TypedDict, total=False):
    """The parameters of add_did."""

    did_pattern: Required[str | int]
    did_description: str | int
    active: str | bool
    did_route: str
    record_call: str
    extension: str | int
    exten_context: str | int
    voicemail_ext: str | int
    phone_extension: str | int
    server_ip: str | int
    group: str | int
    menu_id: str | int
    filter_clean_cid_number: str | int
    call_handle_method: str | int
    agent_search_method: str
    list_id: str | int
    entry_list_id: str | int
    campaign_id: str | int
    phone_code: str | int


class AddDidData(TypedDict, total=False):
    """The data of add_did's status lines."""

    did_pattern: str | None


class AddDncPhoneRequest(TypedDict, total=False):
    """The parameters of add_dnc_phone."""

    phone_number: Required[str | int]
    campaign_id: Required[str | int]


class AddDncPhoneData(TypedDict, total=False):
    """The data of add_dnc_phone's status lines."""

    phone_number: str | None
    campaign_id: str | None


class AddFpgPhoneRequest(TypedDict, total=False):
    """The parameters of add_fpg_phone."""

    phone_number: Required[str | int]
    group: Required[str | int]


class AddFpgPhoneData(TypedDict, total=False):
    """The data of add_fpg_phone's status lines."""

    phone_number: str | None
    group: str | None


class AddGroupAliasRequest(TypedDict, total=False):
    """The parameters of add_group_alias."""

    caller_id_number: Required[str | int]
    group_alias_id: str | int
    group_alias_name: str | int
    caller_id_name: str | int
    active: str | bool
    admin_user_group: str | int


class AddGroupAliasData(TypedDict, total=False):
    """The data of add_group_alias's status lines."""

    group_alias_id: str | None
    group_alias_name: str | None
    caller_id_number: str | None


class AddLeadRequest(TypedDict, total=False):
    """The parameters of add_lead."""

    phone_number: Required[str | int]
    list_id: str | int
    phone_code: str | int
    vendor_lead_code: str | int
    source_id: str | int
    title: str | int
    first_name: str | int
    middle_initial: str | int
    last_name: str | int
    address1: str | int
    address2: str | int
    address3: str | int
    city: str | int
    state: str | int
    province: str | int
    postal_code: str | int
    country_code: str | int
    gender: str
    date_of_birth: str | int
    alt_phone: str | int
    email: str | int
    security_phrase: str | int
    comments: str | int
    rank: str | int
    owner: str | int
    gmt_offset_now: str | int
    entry_list_id: str | int
    multi_alt_phones: str | int
    dnc_check: str
    campaign_dnc_check: str
    duplicate_check: str | int
    usacan_prefix_check: str | bool
    usacan_areacode_check: str | bool
    nanpa_ac_prefix_check: str | bool
    tz_method: str
    lookup_state: str | bool
    list_exists_check: str | bool
    add_to_hopper: str | bool
    hopper_priority: str | int
    hopper_local_call_time_check: str | bool
    campaign_id: str | int
    callback_status: str | int
    callback_datetime: str | int
    callback_type: str
    callback_user: str | int
    callback_comments: str | int
    callback: str | bool
    custom_fields: dict[str, str | int | None]


class AddLeadData(TypedDict, total=False):
    """The data of add_lead's status lines."""

    phone_number: str | None
    list_id: str | None
    lead_id: str | None
    gmt_offset: int | float | None
    nanpa_row_count: int | float | None
    inserted_alt_phones: int | float | None
    entry_list_update_count: int | float | None
    custom_fields: str | None
    custom_fields_enabled: str | None
    dialable: str | None
    hopper_id: str | None
    campaign_id: str | None
    callback_user: str | None
    callback_type: str | None
    callback_datetime: str | None
    callback_status: str | None


class AddListRequest(TypedDict, total=False):
    """The parameters of add_list."""

    list_id: Required[str | int]
    list_name: Required[str | int]
    campaign_id: Required[str | int]
    active: str | bool
    outbound_cid: str | int
    list_description: str | int
    script: str | int
    am_message: str | int
    drop_inbound_group: str | int
    web_form_address: str | int
    web_form_address_two: str | int
    web_form_address_three: str | int
    reset_time: str | int
    tz_method: str
    local_call_time: str | int
    expiration_date: str | int
    xferconf_one: str | int
    xferconf_two: str | int
    xferconf_three: str | int
    xferconf_four: str | int
    xferconf_five: str | int
    custom_fields_copy: str | int
    custom_copy_method: str
    use_internal_webserver: str | bool


class AddListData(TypedDict, total=False):
    """The data of add_list's status lines."""

    list_id: str | None
    list_name: str | None
    campaign_id: str | None


class AddPhoneRequest(TypedDict, total=False):
    """The parameters of add_phone."""

    extension: Required[str | int]
    dialplan_number: Required[str | int]
    voicemail_id: Required[str | int]
    phone_login: Required[str | int]
    phone_pass: Required[str | int]
    server_ip: Required[str | int]
    protocol: Required[str]
    registration_password: Required[str | int]
    phone_full_name: Required[str | int]
    local_gmt: Required[str | int]
    outbound_cid: Required[str | int]
    phone_context: str | int
    email: str | int
    admin_user_group: str | int
    is_webphone: str
    webphone_auto_answer: str | bool
    use_external_server_ip: str | bool
    template_id: str | int
    on_hook_agent: str | bool


class AddPhoneData(TypedDict, total=False):
    """The data of add_phone's status lines."""

    extension: str | None
    server_ip: str | None
    protocol: str | None
    dialplan_number: str | None


class AddPhoneAliasRequest(TypedDict, total=False):
    """The parameters of add_phone_alias."""

    alias_id: Required[str | int]
    phone_logins: Required[str | int | list[str | int]]
    alias_name: Required[str | int]


class AddPhoneAliasData(TypedDict, total=False):
    """The data of add_phone_alias's status lines."""

    alias_id: str | None
    alias_name: str | None
    phone_logins: str | None


class AddUserRequest(TypedDict, total=False):
    """The parameters of add_user."""

    agent_user: Required[str | int]
    agent_pass: Required[str | int]
    agent_user_level: Required[str | int]
    agent_full_name: Required[str | int]
    agent_user_group: Required[str | int]
    phone_login: str | int
    phone_pass: str | int
    hotkeys_active: str | int | bool
    voicemail_id: str | int
    email: str | int
    custom_one: str | int
    custom_two: str | int
    custom_three: str | int
    custom_four: str | int
    custom_five: str | int
    wrapup_seconds_override: str | int
    agent_choose_ingroups: str | int | bool
    agent_choose_blended: str | int | bool
    closer_default_blended: str | int | bool
    in_groups: str | int | list[str | int]


class AddUserData(TypedDict, total=False):
    """The data of add_user's status lines."""

    agent_user: str | None
    agent_pass: str | None
    agent_user_level: int | float | None
    agent_full_name: str | None
    agent_user_group: str | None


class AgentCampaignsRequest(TypedDict, total=False):
    """The parameters of agent_campaigns."""

    agent_user: Required[str | int]
    campaign_id: str | int
    ignore_agentdirect: str | bool


class AgentCampaignsRow(TypedDict, total=False):
    """One row of agent_campaigns (VICIdial's header names the columns)."""

    user: str | None
    allowed_campaigns_list: list[str] | None
    allowed_ingroups_list: list[str] | None


class AgentIngroupInfoRequest(TypedDict, total=False):
    """The parameters of agent_ingroup_info."""

    agent_user: Required[str | int]
    stage: str


class AgentStatsExportRequest(TypedDict, total=False):
    """The parameters of agent_stats_export."""

    datetime_start: Required[str | int]
    datetime_end: Required[str | int]
    agent_user: str | int
    campaign_id: str | int
    group_by_campaign: str | bool


class AgentStatsExportRow(TypedDict, total=False):
    """One row of agent_stats_export (VICIdial's header names the columns)."""

    campaign_id: str | None
    user: str | None
    full_name: str | None
    user_group: str | None
    calls: int | float | None
    login_time: int | float | None
    total_talk_time: int | float | None
    avg_talk_time: int | float | None
    avg_wait_time: int | float | None
    pct_of_queue: int | float | None
    pause_time: int | float | None
    sessions: int | float | None
    avg_session: int | float | None
    pauses: int | float | None
    avg_pause_time: int | float | None
    pause_pct: int | float | None
    pauses_per_session: int | float | None
    wait_time: int | float | None
    talk_time: int | float | None
    dispo_time: int | float | None
    dead_time: int | float | None


class AgentStatusRequest(TypedDict, total=False):
    """The parameters of agent_status."""

    agent_user: Required[str | int]
    include_ip: str | bool


class AgentStatusRow(TypedDict, total=False):
    """One row of agent_status (VICIdial's header names the columns)."""

    status: str | None
    callerid: str | None
    lead_id: str | None
    campaign_id: str | None
    calls_today: int | float | None
    full_name: str | None
    user_group: str | None
    user_level: int | float | None
    pause_code: str | None
    real_time_sub_status: str | None
    phone_number: str | None
    vendor_lead_code: str | None
    session_id: str | None
    computer_ip: str | None


class BatchUpdateLeadRequest(TypedDict, total=False):
    """The parameters of batch_update_lead."""

    lead_ids: Required[str | int | list[str | int]]
    records: str | int
    list_exists_check: str | bool
    reset_lead: str | bool
    archived_lead: str | bool
    user_field: str | int
    list_id_field: str | int
    status: str | int
    gmt_offset_now: str | int
    called_count: str | int
    phone_code: str | int
    vendor_lead_code: str | int
    source_id: str | int
    title: str | int
    first_name: str | int
    middle_initial: str | int
    last_name: str | int
    address1: str | int
    address2: str | int
    address3: str | int
    city: str | int
    state: str | int
    province: str | int
    postal_code: str | int
    country_code: str | int
    gender: str
    date_of_birth: str | int
    alt_phone: str | int
    email: str | int
    security_phrase: str | int
    comments: str | int
    rank: str | int
    owner: str | int


class BatchUpdateLeadData(TypedDict, total=False):
    """The data of batch_update_lead's status lines."""

    affected_rows: int | float | None
    found_count: int | float | None
    lead_ids: str | None


class BlindMonitorRequest(TypedDict, total=False):
    """The parameters of blind_monitor."""

    phone_login: Required[str | int]
    session_id: Required[str | int]
    server_ip: Required[str | int]
    stage: str


class BlindMonitorData(TypedDict, total=False):
    """The data of blind_monitor's status lines."""

    phone_login: str | None
    dialstring: str | None
    dialplan_number: str | None
    session_id: str | None
    manager_id: str | None


class CallDispoReportRequest(TypedDict, total=False):
    """The parameters of call_dispo_report."""

    campaigns: str | int | list[str | int]
    ingroups: str | int | list[str | int]
    did_ids: str | int
    did_patterns: str | int
    query_date: str | int
    query_time: str | int
    end_date: str | int
    end_time: str | int
    statuses: str | int | list[str | int]
    categories: str | int | list[str | int]
    users: str | int | list[str | int]
    user_groups: str | int | list[str | int]
    status_breakdown: str | int | bool
    show_percentages: str | int | bool


class CallStatusStatsRequest(TypedDict, total=False):
    """The parameters of call_status_stats."""

    campaigns: Required[str | int | list[str | int]]
    query_date: str | int
    query_time: str | int
    end_date: str | int
    end_time: str | int
    ingroups: str | int | list[str | int]
    statuses: str | int | list[str | int]


class CallStatusStatsRow(TypedDict, total=False):
    """One row of call_status_stats (VICIdial's header names the columns)."""

    id: str | None
    total_calls: int | float | None
    human_answered_calls: int | float | None
    hourly: str | None
    statuses: str | None


class CallidInfoRequest(TypedDict, total=False):
    """The parameters of callid_info."""

    call_id: Required[str | int]
    detail: str | bool


class CallidInfoRow(TypedDict, total=False):
    """One row of callid_info (VICIdial's header names the columns)."""

    call_id: str | None
    custtime: int | float | None
    call_date: str | None
    phone: str | None
    call_type: str | None
    campaign_id: str | None
    list_id: str | None
    status: str | None
    user: str | None


class CallmenuListRequest(TypedDict, total=False):
    """The parameters of callmenu_list."""


class CampaignsListRequest(TypedDict, total=False):
    """The parameters of campaigns_list."""

    campaign_id: str | int


class CampaignsListRow(TypedDict, total=False):
    """One row of campaigns_list (VICIdial's header names the columns)."""

    campaign_id: str | None
    campaign_name: str | None
    active: str | None
    user_group: str | None
    dial_method: str | None
    dial_level: int | float | None
    lead_order: str | None
    dial_statuses: str | None
    dial_timeout: int | float | None
    dial_prefix: str | None
    manual_dial_prefix: str | None
    three_way_dial_prefix: str | None


class CccLeadInfoRequest(TypedDict, total=False):
    """The parameters of ccc_lead_info."""

    call_id: Required[str | int]


class CccLeadInfoRow(TypedDict, total=False):
    """One row of ccc_lead_info (VICIdial's header names the columns)."""

    status: str | None
    user: str | None
    vendor_lead_code: str | None
    source_id: str | None
    list_id: str | None
    gmt_offset_now: int | float | None
    phone_code: str | None
    phone_number: str | None
    title: str | None
    first_name: str | None
    middle_initial: str | None
    last_name: str | None
    address1: str | None
    address2: str | None
    address3: str | None
    city: str | None
    state: str | None
    province: str | None
    postal_code: str | None
    country_code: str | None
    gender: str | None
    date_of_birth: str | None
    alt_phone: str | None
    email: str | None
    security_phrase: str | None
    comments: str | None
    called_count: int | float | None
    last_local_call_time: str | None
    rank: int | float | None
    owner: str | None


class CheckPhoneNumberRequest(TypedDict, total=False):
    """The parameters of check_phone_number."""

    phone_number: Required[str | int]
    local_call_time: Required[str | int]
    phone_code: str | int
    postal_code: str | int
    state: str | int
    owner: str | int
    dnc_check: str
    campaign_dnc_check: str
    campaign_id: str | int
    usacan_prefix_check: str | bool
    usacan_areacode_check: str | bool
    nanpa_ac_prefix_check: str | bool
    tz_method: str | int


class ContainerListRequest(TypedDict, total=False):
    """The parameters of container_list."""

    type: Required[str | int]


class CopyDidRequest(TypedDict, total=False):
    """The parameters of copy_did."""

    source_did_pattern: Required[str | int]
    new_dids: Required[str | int | list[str | int]]
    did_description: str | int


class CopyDidData(TypedDict, total=False):
    """The data of copy_did's status lines."""

    new_did: str | None
    source_did_pattern: str | None
    new_did_id: str | None
    insert_count: int | float | None
    inserted_count: int | float | None
    insert_error_count: int | float | None


class CopyUserRequest(TypedDict, total=False):
    """The parameters of copy_user."""

    agent_user: Required[str | int]
    agent_pass: Required[str | int]
    agent_full_name: Required[str | int]
    source_user: Required[str | int]


class CopyUserData(TypedDict, total=False):
    """The data of copy_user's status lines."""

    agent_user: str | None
    agent_pass: str | None
    agent_full_name: str | None
    source_user: str | None


class DeleteDncPhoneRequest(TypedDict, total=False):
    """The parameters of delete_dnc_phone."""

    phone_number: Required[str | int]
    campaign_id: Required[str | int]


class DeleteDncPhoneData(TypedDict, total=False):
    """The data of delete_dnc_phone's status lines."""

    phone_number: str | None
    campaign_id: str | None


class DeleteFpgPhoneRequest(TypedDict, total=False):
    """The parameters of delete_fpg_phone."""

    phone_number: Required[str | int]
    group: Required[str | int]


class DeleteFpgPhoneData(TypedDict, total=False):
    """The data of delete_fpg_phone's status lines."""

    phone_number: str | None
    group: str | None


class DidLogExportRequest(TypedDict, total=False):
    """The parameters of did_log_export."""

    phone_number: Required[str | int]
    date: Required[str | int]


class DidLogExportRow(TypedDict, total=False):
    """One row of did_log_export (VICIdial's header names the columns)."""

    did_number: str | None
    caller_id_number: str | None
    call_date: str | None
    length_in_sec: int | float | None


class HopperListRequest(TypedDict, total=False):
    """The parameters of hopper_list."""

    campaign_id: Required[str | int]
    search_method: str


class HopperListRow(TypedDict, total=False):
    """One row of hopper_list (VICIdial's header names the columns)."""

    hopper_order: int | float | None
    priority: int | float | None
    lead_id: str | None
    list_id: str | None
    phone_number: str | None
    phone_code: str | None
    state: str | None
    status: str | None
    count: int | float | None
    gmt_offset: int | float | None
    rank: int | float | None
    alt: str | None
    hopper_source: str | None
    vendor_lead_code: str | None
    source_id: str | None
    age_days: int | float | None
    last_call_time: str | None


class InGroupStatusRequest(TypedDict, total=False):
    """The parameters of in_group_status."""

    in_groups: Required[str | int | list[str | int]]


class InGroupStatusRow(TypedDict, total=False):
    """One row of in_group_status (VICIdial's header names the columns)."""

    ingroups: list[str] | None
    total_calls: int | float | None
    calls_waiting: int | float | None
    agents_logged_in: int | float | None
    agents_in_calls: int | float | None
    agents_waiting: int | float | None
    agents_paused: int | float | None
    agents_in_dispo: int | float | None
    agents_in_dial: int | float | None


class IngroupListRequest(TypedDict, total=False):
    """The parameters of ingroup_list."""


class LeadAllInfoRequest(TypedDict, total=False):
    """The parameters of lead_all_info."""

    lead_id: str | int
    phone_number: str | int
    custom_fields: str | bool
    force_entry_list_id: str | int
    archived_lead: str | bool


class LeadAllInfoRow(TypedDict, total=False):
    """One row of lead_all_info (VICIdial's header names the columns)."""

    status: str | None
    user: str | None
    vendor_lead_code: str | None
    source_id: str | None
    list_id: str | None
    gmt_offset_now: int | float | None
    phone_code: str | None
    phone_number: str | None
    title: str | None
    first_name: str | None
    middle_initial: str | None
    last_name: str | None
    address1: str | None
    address2: str | None
    address3: str | None
    city: str | None
    state: str | None
    province: str | None
    postal_code: str | None
    country_code: str | None
    gender: str | None
    date_of_birth: str | None
    alt_phone: str | None
    email: str | None
    security_phrase: str | None
    comments: str | None
    called_count: int | float | None
    last_local_call_time: str | None
    rank: int | float | None
    owner: str | None
    entry_list_id: str | None
    lead_id: str | None


class LeadCallbackInfoRequest(TypedDict, total=False):
    """The parameters of lead_callback_info."""

    lead_id: Required[str | int]
    search_location: str


class LeadCallbackInfoRow(TypedDict, total=False):
    """One row of lead_callback_info (VICIdial's header names the columns)."""

    lead_id: str | None
    callback_type: str | None
    recipient: str | None
    callback_status: str | None
    lead_status: str | None
    callback_date: str | None
    entry_date: str | None
    user: str | None
    list_id: str | None
    campaign_id: str | None
    user_group: str | None
    customer_timezone: str | None
    customer_time: str | None
    comments: str | None


class LeadDearchiveRequest(TypedDict, total=False):
    """The parameters of lead_dearchive."""

    lead_id: Required[str | int]


class LeadDearchiveData(TypedDict, total=False):
    """The data of lead_dearchive's status lines."""

    lead_id: str | None
    inserted_count: int | float | None
    deleted_count: int | float | None


class LeadFieldInfoRequest(TypedDict, total=False):
    """The parameters of lead_field_info."""

    lead_id: Required[str | int]
    field_name: Required[str]
    archived_lead: str | bool


class LeadSearchRequest(TypedDict, total=False):
    """The parameters of lead_search."""

    phone_number: Required[str | int | list[str | int]]
    records: str | int
    archived_lead: str | bool


class LeadSearchRow(TypedDict, total=False):
    """One row of lead_search (VICIdial's header names the columns)."""

    search_key: str | None
    records_found: int | float | None
    lead_ids: list[str] | None


class LeadStatusSearchRequest(TypedDict, total=False):
    """The parameters of lead_status_search."""

    status: str | int
    date: str | int
    lead_id: str | int
    custom_fields: str | bool
    archived_lead: str | bool


class ListCustomFieldsRequest(TypedDict, total=False):
    """The parameters of list_custom_fields."""

    list_id: Required[str | int]
    custom_order: str


class ListCustomFieldsRow(TypedDict, total=False):
    """One row of list_custom_fields (VICIdial's header names the columns)."""

    list_id: str | None
    list_name: str | None
    campaign_id: str | None
    active: str | None
    list_changedate: str | None
    list_lastcalldate: str | None
    custom_fields_list_space_delimited: list[str] | None


class ListInfoRequest(TypedDict, total=False):
    """The parameters of list_info."""

    list_id: Required[str | int]
    leads_counts: str | bool
    dialable_count: str | bool
    archived_lead: str | bool


class ListInfoRow(TypedDict, total=False):
    """One row of list_info (VICIdial's header names the columns)."""

    list_id: str | None
    list_name: str | None
    campaign_id: str | None
    active: str | None
    list_changedate: str | None
    list_lastcalldate: str | None
    expiration_date: str | None
    resets_today: int | float | None
    all_leads_count: int | float | None
    new_leads_count: int | float | None
    dialable_count: int | float | None


class LoggedInAgentsRequest(TypedDict, total=False):
    """The parameters of logged_in_agents."""

    campaigns: str | int | list[str | int]
    user_groups: str | int | list[str | int]
    show_sub_status: str | bool


class LoggedInAgentsRow(TypedDict, total=False):
    """One row of logged_in_agents (VICIdial's header names the columns)."""

    user: str | None
    campaign_id: str | None
    session_id: str | None
    status: str | None
    lead_id: str | None
    callerid: str | None
    calls_today: int | float | None
    full_name: str | None
    user_group: str | None
    user_level: int | float | None
    pause_code: str | None
    sub_status: str | None


class MohListRequest(TypedDict, total=False):
    """The parameters of moh_list."""


class PhoneNumberLogRequest(TypedDict, total=False):
    """The parameters of phone_number_log."""

    phone_number: Required[str | int | list[str | int]]
    detail: str
    type: str
    archived_lead: str | bool


class PhoneNumberLogRow(TypedDict, total=False):
    """One row of phone_number_log (VICIdial's header names the columns)."""

    phone_number: str | None
    call_date: str | None
    list_id: str | None
    length_in_sec: int | float | None
    lead_status: str | None
    hangup_reason: str | None
    call_status: str | None
    source_id: str | None
    user: str | None


class PhoneNumberLogData(TypedDict, total=False):
    """The data of phone_number_log's status lines."""

    phone_number: str | None
    lead_id: str | None
    date: str | None


class RecordingLookupRequest(TypedDict, total=False):
    """The parameters of recording_lookup."""

    agent_user: str | int
    lead_id: str | int
    date: str | int
    uniqueid: str | int
    extension: str | int
    duration: str | bool


class RecordingLookupRow(TypedDict, total=False):
    """One row of recording_lookup (VICIdial's header names the columns)."""

    start_time: str | None
    user: str | None
    recording_id: str | None
    lead_id: str | None
    duration: int | float | None
    location: str | None


class ServerRefreshRequest(TypedDict, total=False):
    """The parameters of server_refresh."""


class ServerRefreshData(TypedDict, total=False):
    """The data of server_refresh's status lines."""

    affected_rows: int | float | None


class SoundsListRequest(TypedDict, total=False):
    """The parameters of sounds_list."""

    stage: Required[str]


class UpdateAltUrlRequest(TypedDict, total=False):
    """The parameters of update_alt_url."""

    campaign_id: Required[str | int]
    entry_type: Required[str]
    url_type: Required[str]
    alt_url_id: str | int
    active: str | bool
    url_rank: str | int
    url_statuses: str | int
    url_description: str | int
    url_lists: str | int
    url_call_length: str | int
    url_address: str | int


class UpdateAltUrlRow(TypedDict, total=False):
    """One row of update_alt_url (VICIdial's header names the columns)."""

    url_id: str | None
    campaign_id: str | None
    entry_type: str | None
    active: str | None
    url_type: str | None
    url_rank: int | float | None
    url_statuses: str | None
    url_description: str | None
    url_lists: str | None
    url_call_length: int | float | None
    url_address: str | None


class UpdateAltUrlData(TypedDict, total=False):
    """The data of update_alt_url's status lines."""

    new_url_id: str | None
    url_type: str | None
    entry_type: str | None
    campaign_id: str | None
    alt_url_id: str | None


class UpdateCampaignRequest(TypedDict, total=False):
    """The parameters of update_campaign."""

    campaign_id: Required[str | int]
    campaign_name: str | int
    active: str | bool
    auto_dial_level: str | int
    adaptive_maximum_level: str | int
    campaign_vdad_exten: str | int
    hopper_level: str | int
    reset_hopper: str | bool
    dial_method: str
    dial_timeout: str | int
    list_order: str
    list_order_randomize: str | bool
    list_order_secondary: str
    outbound_cid: str | int
    dial_status_add: str | int
    dial_status_remove: str | int
    lead_filter_id: str | int
    xferconf_one: str | int
    xferconf_two: str | int
    xferconf_three: str | int
    xferconf_four: str | int
    xferconf_five: str | int
    dispo_call_url: str | int
    webform_one: str | int
    webform_two: str | int
    webform_three: str | int


class UpdateCampaignData(TypedDict, total=False):
    """The data of update_campaign's status lines."""

    campaign_id: str | None
    affected_rows: int | float | None


class UpdateCidGroupEntryRequest(TypedDict, total=False):
    """The parameters of update_cid_group_entry."""

    cid_group_id: Required[str | int]
    areacode: Required[str | int]
    stage: Required[str]
    outbound_cid: str | int
    cid_description: str | int
    active: str | bool


class UpdateCidGroupEntryRow(TypedDict, total=False):
    """One row of update_cid_group_entry (VICIdial's header names the columns)."""

    entry: int | float | None
    areacode: str | None
    outbound_cid: str | None
    active: str | None
    cid_description: str | None
    call_count_today: int | float | None


class UpdateCidGroupEntryData(TypedDict, total=False):
    """The data of update_cid_group_entry's status lines."""

    cid_group_id: str | None
    areacode: str | None
    outbound_cid: str | None
    entry_count: int | float | None
    insert_count: int | float | None
    delete_count: int | float | None
    modify_count: int | float | None


class UpdateDidRequest(TypedDict, total=False):
    """The parameters of update_did."""

    did_pattern: Required[str | int]
    delete_did: str | bool
    did_description: str | int
    active: str | bool
    did_route: str
    record_call: str
    extension: str | int
    exten_context: str | int
    voicemail_ext: str | int
    phone_extension: str | int
    server_ip: str | int
    group: str | int
    menu_id: str | int
    filter_clean_cid_number: str | int
    call_handle_method: str | int
    agent_search_method: str
    list_id: str | int
    entry_list_id: str | int
    campaign_id: str | int
    phone_code: str | int


class UpdateDidData(TypedDict, total=False):
    """The data of update_did's status lines."""

    did_pattern: str | None
    did_id: str | None


class UpdateLeadRequest(TypedDict, total=False):
    """The parameters of update_lead."""

    lead_id: str | int
    search_method: str | int
    search_location: str
    phone_number: str | int
    list_id: str | int
    records: str | int
    archived_lead: str | bool
    no_update: str | bool
    delete_lead: str | bool
    delete_cf_data: str | bool
    insert_if_not_found: str | bool
    reset_lead: str | bool
    remove_from_hopper: str | bool
    list_exists_check: str | bool
    force_entry_list_id: str | int
    update_phone_number: str | bool
    multi_alt_phones: str | int
    user_field: str | int
    list_id_field: str | int
    status: str | int
    gmt_offset_now: str | int
    called_count: str | int
    entry_list_id: str | int
    phone_code: str | int
    vendor_lead_code: str | int
    source_id: str | int
    title: str | int
    first_name: str | int
    middle_initial: str | int
    last_name: str | int
    address1: str | int
    address2: str | int
    address3: str | int
    city: str | int
    state: str | int
    province: str | int
    postal_code: str | int
    country_code: str | int
    gender: str
    date_of_birth: str | int
    alt_phone: str | int
    email: str | int
    security_phrase: str | int
    comments: str | int
    rank: str | int
    owner: str | int
    add_to_hopper: str | bool
    hopper_priority: str | int
    hopper_local_call_time_check: str | bool
    campaign_id: str | int
    callback_status: str | int
    callback_datetime: str | int
    callback_type: str
    callback_user: str | int
    callback_comments: str | int
    callback: str | bool
    custom_fields: dict[str, str | int | None]


class UpdateLeadData(TypedDict, total=False):
    """The data of update_lead's status lines."""

    lead_id: str | None
    vl_affected_rows: int | float | None
    cb_archived_rows: int | float | None
    cb_deleted_rows: int | float | None
    phone_number: str | None
    list_id: str | None
    gmt_offset: int | float | None
    vendor_lead_code: str | None
    entry_list_id: str | None
    cf_affected_rows: int | float | None
    campaign_id: str | None
    callback_datetime: str | None
    callback_type: str | None
    callback_user: str | None
    callback_status: str | None
    custom_table_list_id: str | None
    deleted_rows: int | float | None
    update_count: int | float | None
    inserted_alt_phones: int | float | None
    entry_list_update_count: int | float | None
    custom_fields: str | None
    custom_fields_enabled: str | None
    dialable: str | None
    hopper_id: str | None
    hopper_status: str | None


class UpdateListRequest(TypedDict, total=False):
    """The parameters of update_list."""

    list_id: Required[str | int]
    insert_if_not_found: str | bool
    reset_list: str | bool
    delete_list: str | bool
    delete_leads: str | bool
    archived_lead: str | bool
    list_name: str | int
    campaign_id: str | int
    active: str | bool
    outbound_cid: str | int
    list_description: str | int
    script: str | int
    am_message: str | int
    drop_inbound_group: str | int
    web_form_address: str | int
    web_form_address_two: str | int
    web_form_address_three: str | int
    reset_time: str | int
    tz_method: str
    local_call_time: str | int
    expiration_date: str | int
    xferconf_one: str | int
    xferconf_two: str | int
    xferconf_three: str | int
    xferconf_four: str | int
    xferconf_five: str | int
    custom_fields_copy: str | int
    custom_copy_method: str
    use_internal_webserver: str | bool
    custom_fields_add: str | bool
    custom_fields_update: str | bool
    custom_fields_delete: str | bool
    field_label: str | int
    field_name: str | int
    field_description: str | int
    field_rank: str | int
    field_order: str | int
    field_rerank: str
    field_size: str | int
    field_max: str | int
    field_type: str
    field_options: str | int
    field_help: str | int
    field_default: str | int
    field_required: str | bool
    field_duplicate: str | bool
    field_encrypt: str | bool
    field_show_hide: str
    name_position: str
    multi_position: str


class UpdateListData(TypedDict, total=False):
    """The data of update_list's status lines."""

    list_id: str | None
    affected_rows: int | float | None
    resets_today: int | float | None
    daily_reset_limit: int | float | None
    custom_fields_copy: str | None
    custom_copy_method: str | None
    sub_result: str | None
    fields_count: int | float | None
    field_label: str | None
    field_name: str | None
    field_size: str | None
    field_type: str | None
    field_rank: str | None
    field_id: str | None
    copy_list_count: int | float | None
    permission_count: int | float | None


class UpdateLogEntryRequest(TypedDict, total=False):
    """The parameters of update_log_entry."""

    group: Required[str | int]
    call_id: Required[str | int]
    status: Required[str | int]


class UpdateLogEntryData(TypedDict, total=False):
    """The data of update_log_entry's status lines."""

    group: str | None
    call_id: str | None
    status: str | None
    old_status: str | None
    uniqueid: str | None


class UpdatePhoneRequest(TypedDict, total=False):
    """The parameters of update_phone."""

    extension: Required[str | int]
    server_ip: Required[str | int]
    delete_phone: str | bool
    dialplan_number: str | int
    voicemail_id: str | int
    phone_login: str | int
    phone_pass: str | int
    protocol: str
    registration_password: str | int
    phone_full_name: str | int
    local_gmt: str | int
    outbound_cid: str | int
    outbound_alt_cid: str | int
    phone_context: str | int
    email: str | int
    admin_user_group: str | int
    phone_ring_timeout: str | int
    delete_vm_after_email: str | bool
    active: str | bool
    is_webphone: str
    webphone_auto_answer: str | bool
    use_external_server_ip: str | bool
    template_id: str | int
    on_hook_agent: str | bool


class UpdatePhoneData(TypedDict, total=False):
    """The data of update_phone's status lines."""

    extension: str | None
    server_ip: str | None


class UpdatePhoneAliasRequest(TypedDict, total=False):
    """The parameters of update_phone_alias."""

    alias_id: Required[str | int]
    phone_logins: str | int | list[str | int]
    alias_name: str | int
    delete_alias: str | bool


class UpdatePhoneAliasData(TypedDict, total=False):
    """The data of update_phone_alias's status lines."""

    alias_id: str | None


class UpdatePresetsRequest(TypedDict, total=False):
    """The parameters of update_presets."""

    campaign_id: Required[str | int]
    action: str
    preset_name: str | int
    preset_number: str | int
    preset_hide_number: str | bool
    preset_dtmf: str | int


class UpdatePresetsRow(TypedDict, total=False):
    """One row of update_presets (VICIdial's header names the columns)."""

    preset_name: str | None
    campaign_id: str | None
    preset_number: str | None
    preset_hide_number: str | None
    preset_dtmf: str | None


class UpdatePresetsData(TypedDict, total=False):
    """The data of update_presets's status lines."""

    preset_name: str | None
    campaign_id: str | None


class UpdateRemoteAgentRequest(TypedDict, total=False):
    """The parameters of update_remote_agent."""

    agent_user: Required[str | int]
    status: str
    campaign_id: str | int
    number_of_lines: str | int


class UpdateRemoteAgentData(TypedDict, total=False):
    """The data of update_remote_agent's status lines."""

    agent_user: str | None
    status: str | None


class UpdateUserRequest(TypedDict, total=False):
    """The parameters of update_user."""

    agent_user: Required[str | int]
    agent_pass: str | int
    agent_user_level: str | int
    agent_full_name: str | int
    agent_user_group: str | int
    phone_login: str | int
    phone_pass: str | int
    hotkeys_active: str | int | bool
    voicemail_id: str | int
    email: str | int
    custom_one: str | int
    custom_two: str | int
    custom_three: str | int
    custom_four: str | int
    custom_five: str | int
    active: str | bool
    wrapup_seconds_override: str | int
    campaign_rank: str | int
    campaign_grade: str | int
    camp_rg_only: str | int | bool
    campaign_id: str | int
    ingroup_rank: str | int
    ingroup_grade: str | int
    ingrp_rg_only: str | int | bool
    group_id: str | int
    reset_password: str | int
    delete_user: str | bool


class UpdateUserData(TypedDict, total=False):
    """The data of update_user's status lines."""

    agent_user: str | None
    campaign_rank: int | float | None
    campaign_grade: int | float | None
    campaign_id: str | None
    camp_rg_only: str | None
    ingroup_rank: int | float | None
    ingroup_grade: int | float | None
    group_id: str | None
    ingrp_rg_only: str | None
    email: str | None
    php_error_message: str | None


class UserDetailsRequest(TypedDict, total=False):
    """The parameters of user_details."""

    agent_user: Required[str | int]


class UserDetailsRow(TypedDict, total=False):
    """One row of user_details (VICIdial's header names the columns)."""

    user: str | None
    full_name: str | None
    user_group: str | None
    user_level: int | float | None
    active: str | None


class UserGroupStatusRequest(TypedDict, total=False):
    """The parameters of user_group_status."""

    user_groups: Required[str | int | list[str | int]]


class UserGroupStatusRow(TypedDict, total=False):
    """One row of user_group_status (VICIdial's header names the columns)."""

    usergroups: list[str] | None
    calls_waiting: int | float | None
    agents_logged_in: int | float | None
    agents_in_calls: int | float | None
    agents_waiting: int | float | None
    agents_paused: int | float | None
    agents_in_dead_calls: int | float | None
    agents_in_dispo: int | float | None
    agents_in_dial: int | float | None


class VersionRequest(TypedDict, total=False):
    """The parameters of version."""


class VersionData(TypedDict, total=False):
    """The data of version's status lines."""

    version: str | None
    build: str | None
    date: str | None
    epoch: int | float | None
    dst: int | float | None
    tz: int | float | None
    tznow: int | float | None


class VmListRequest(TypedDict, total=False):
    """The parameters of vm_list."""


class Functions:
    """``Client.fn``: one method per function."""

    def __init__(self, client: "Client") -> None:
        self._client = client

    def add_did(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddDidRequest]) -> Reply[AddDidData]:
        """Create an inbound DID with its routing settings."""
        return self._client.call("add_did", idempotency_key, **params)

    def add_dnc_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddDncPhoneRequest]) -> Reply[AddDncPhoneData]:
        """Add a number to the system DNC list (SYSTEM_INTERNAL) or a campaign's DNC list."""
        return self._client.call("add_dnc_phone", idempotency_key, **params)

    def add_fpg_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddFpgPhoneRequest]) -> Reply[AddFpgPhoneData]:
        """Add a number to a filter phone group."""
        return self._client.call("add_fpg_phone", idempotency_key, **params)

    def add_group_alias(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddGroupAliasRequest]) -> Reply[AddGroupAliasData]:
        """Add an outbound caller-ID group alias."""
        return self._client.call("add_group_alias", idempotency_key, **params)

    def add_lead(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddLeadRequest]) -> Reply[AddLeadData]:
        """Add a lead to a list, with optional duplicate/DNC/number checks, hopper and callback."""
        return self._client.call("add_lead", idempotency_key, **params)

    def add_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddListRequest]) -> Reply[AddListData]:
        """Create a list in a campaign, optionally copying another list's custom fields."""
        return self._client.call("add_list", idempotency_key, **params)

    def add_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddPhoneRequest]) -> Reply[AddPhoneData]:
        """Create a phone (SIP, IAX2, Zap or EXTERNAL extension) on a server."""
        return self._client.call("add_phone", idempotency_key, **params)

    def add_phone_alias(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddPhoneAliasRequest]) -> Reply[AddPhoneAliasData]:
        """Create a phone alias: one login for several phones."""
        return self._client.call("add_phone_alias", idempotency_key, **params)

    def add_user(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddUserRequest]) -> Reply[AddUserData]:
        """Create a user (agent or manager). agent_user AUTOGENERATE picks the next free number."""
        return self._client.call("add_user", idempotency_key, **params)

    def agent_campaigns(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AgentCampaignsRequest]) -> Reply[AgentCampaignsRow]:
        """The active campaigns and in-groups an agent may use."""
        return self._client.call("agent_campaigns", idempotency_key, **params)

    def agent_ingroup_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AgentIngroupInfoRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """A logged-in agent's in-groups and autodial state: stage text (selected in-groups), info (default; also the campaign's in-groups) or change (the change form's state)."""
        return self._client.call("agent_ingroup_info", idempotency_key, **params)

    def agent_stats_export(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AgentStatsExportRequest]) -> Reply[list[AgentStatsExportRow] | dict[str, Any] | list[dict[str, Any]]]:
        """Agent activity over a datetime range from the agent log, one row per agent (or per campaign and agent): calls, login/talk/wait/pause/dispo/dead seconds, percentages."""
        return self._client.call("agent_stats_export", idempotency_key, **params)

    def agent_status(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AgentStatusRequest]) -> Reply[AgentStatusRow]:
        """Real-time status of one logged-in agent."""
        return self._client.call("agent_status", idempotency_key, **params)

    def batch_update_lead(self, *, idempotency_key: str | bool | None = None, **params: Unpack[BatchUpdateLeadRequest]) -> Reply[BatchUpdateLeadData | dict[str, Any] | list[dict[str, Any]] | None]:
        """Write the same field values into many leads (by lead_id, at most records, newest first). An empty reply: the leads exist but no field to change was given."""
        return self._client.call("batch_update_lead", idempotency_key, **params)

    def blind_monitor(self, *, idempotency_key: str | bool | None = None, **params: Unpack[BlindMonitorRequest]) -> Reply[BlindMonitorData]:
        """Call a manager's phone and bridge it into an agent session: listen, barge, whisper."""
        return self._client.call("blind_monitor", idempotency_key, **params)

    def call_dispo_report(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CallDispoReportRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Disposition report over a date range: calls per campaign, in-group or DID, optionally per status (with percentages), and the totals."""
        return self._client.call("call_dispo_report", idempotency_key, **params)

    def call_status_stats(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CallStatusStatsRequest]) -> Reply[list[CallStatusStatsRow] | dict[str, Any] | list[dict[str, Any]] | None]:
        """Calls per campaign and per in-group over a date range: total, human-answered, per hour of the day and per status. Campaign rows first, then in-group rows."""
        return self._client.call("call_status_stats", idempotency_key, **params)

    def callid_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CallidInfoRequest]) -> Reply[CallidInfoRow]:
        """Customer talk seconds (and with detail=YES the call's date, number, type, campaign, list, status, agent) of a call by its call ID (caller code)."""
        return self._client.call("callid_info", idempotency_key, **params)

    def callmenu_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CallmenuListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Call menus (IVR) with their names."""
        return self._client.call("callmenu_list", idempotency_key, **params)

    def campaigns_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CampaignsListRequest]) -> Reply[list[CampaignsListRow]]:
        """All campaigns (or one) with their core dialing settings."""
        return self._client.call("campaigns_list", idempotency_key, **params)

    def ccc_lead_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CccLeadInfoRequest]) -> Reply[CccLeadInfoRow]:
        """The lead of a call placed in the last 10 hours, found by its call ID (caller code)."""
        return self._client.call("ccc_lead_info", idempotency_key, **params)

    def check_phone_number(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CheckPhoneNumberRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Validate a phone number (length, prefix, area code, DNC lists) and tell, per time-zone method, its GMT offset and whether it may be dialed now under a call time."""
        return self._client.call("check_phone_number", idempotency_key, **params)

    def container_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[ContainerListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Settings containers of one container type, with their notes."""
        return self._client.call("container_list", idempotency_key, **params)

    def copy_did(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CopyDidRequest]) -> Reply[CopyDidData]:
        """Create DIDs copying every setting of an existing DID (existing targets are skipped)."""
        return self._client.call("copy_did", idempotency_key, **params)

    def copy_user(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CopyUserRequest]) -> Reply[CopyUserData]:
        """Create a user copying every setting and permission of source_user."""
        return self._client.call("copy_user", idempotency_key, **params)

    def delete_dnc_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[DeleteDncPhoneRequest]) -> Reply[DeleteDncPhoneData]:
        """Remove a number from the system DNC list (SYSTEM_INTERNAL) or a campaign's."""
        return self._client.call("delete_dnc_phone", idempotency_key, **params)

    def delete_fpg_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[DeleteFpgPhoneRequest]) -> Reply[DeleteFpgPhoneData]:
        """Remove a number from a filter phone group."""
        return self._client.call("delete_fpg_phone", idempotency_key, **params)

    def did_log_export(self, *, idempotency_key: str | bool | None = None, **params: Unpack[DidLogExportRequest]) -> Reply[list[DidLogExportRow]]:
        """Every inbound call to one DID on one day, with its total seconds (up to 100000)."""
        return self._client.call("did_log_export", idempotency_key, **params)

    def did_log_export_rows(self, *, idempotency_key: str | bool | None = None, **params: Unpack[DidLogExportRequest]) -> Iterator[DidLogExportRow]:
        """The rows of did_log_export, streamed (NDJSON)."""
        rows = self._client.stream("did_log_export", idempotency_key, **params)
        return cast("Iterator[DidLogExportRow]", rows)

    def hopper_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[HopperListRequest]) -> Reply[list[HopperListRow] | dict[str, Any] | list[dict[str, Any]]]:
        """The READY leads in a campaign's hopper, highest priority first (at most 10000)."""
        return self._client.call("hopper_list", idempotency_key, **params)

    def in_group_status(self, *, idempotency_key: str | bool | None = None, **params: Unpack[InGroupStatusRequest]) -> Reply[InGroupStatusRow]:
        """Real-time counts for a set of in-groups: calls, calls waiting, agents by state."""
        return self._client.call("in_group_status", idempotency_key, **params)

    def ingroup_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[IngroupListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Active inbound groups with their names and colors."""
        return self._client.call("ingroup_list", idempotency_key, **params)

    def lead_all_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadAllInfoRequest]) -> Reply[list[LeadAllInfoRow]]:
        """All fields of one lead (by lead_id) or of up to 1000 leads with a phone number."""
        return self._client.call("lead_all_info", idempotency_key, **params)

    def lead_callback_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadCallbackInfoRequest]) -> Reply[list[LeadCallbackInfoRow]]:
        """Scheduled callbacks of one lead: current ones, archived ones, or both."""
        return self._client.call("lead_callback_info", idempotency_key, **params)

    def lead_dearchive(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadDearchiveRequest]) -> Reply[LeadDearchiveData]:
        """Move a lead from the archive (vicidial_list_archive) back into vicidial_list."""
        return self._client.call("lead_dearchive", idempotency_key, **params)

    def lead_field_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadFieldInfoRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]] | None]:
        """The value of one standard field of one lead (data: {field_name: value})."""
        return self._client.call("lead_field_info", idempotency_key, **params)

    def lead_search(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadSearchRequest]) -> Reply[list[LeadSearchRow] | dict[str, Any] | list[dict[str, Any]]]:
        """Count and list the lead_ids matching phone numbers: one row per number searched, always (records_found 0 for a number without leads, never a 404)."""
        return self._client.call("lead_search", idempotency_key, **params)

    def lead_status_search(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadStatusSearchRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """All fields of the leads whose call-log status on a date matches (status + date), or of one logged lead (lead_id); at most 2000 records."""
        return self._client.call("lead_status_search", idempotency_key, **params)

    def list_custom_fields(self, *, idempotency_key: str | bool | None = None, **params: Unpack[ListCustomFieldsRequest]) -> Reply[list[ListCustomFieldsRow]]:
        """The custom field labels of one list, or of every visible list (list_id ---ALL---)."""
        return self._client.call("list_custom_fields", idempotency_key, **params)

    def list_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[ListInfoRequest]) -> Reply[ListInfoRow]:
        """One list's summary, optionally with lead counts and a dialable-now count."""
        return self._client.call("list_info", idempotency_key, **params)

    def logged_in_agents(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LoggedInAgentsRequest]) -> Reply[list[LoggedInAgentsRow]]:
        """Every logged-in agent the gateway's account may see, optionally only some campaigns or user groups, with sub-status on request."""
        return self._client.call("logged_in_agents", idempotency_key, **params)

    def moh_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[MohListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Active music-on-hold classes with their files."""
        return self._client.call("moh_list", idempotency_key, **params)

    def phone_number_log(self, *, idempotency_key: str | bool | None = None, **params: Unpack[PhoneNumberLogRequest]) -> Reply[list[PhoneNumberLogRow] | PhoneNumberLogData]:
        """Outbound and/or inbound call log rows of one or more phone numbers, newest first per number and log, with the lead's current status and source_id."""
        return self._client.call("phone_number_log", idempotency_key, **params)

    def phone_number_log_rows(self, *, idempotency_key: str | bool | None = None, **params: Unpack[PhoneNumberLogRequest]) -> Iterator[PhoneNumberLogRow]:
        """The rows of phone_number_log, streamed (NDJSON)."""
        rows = self._client.stream("phone_number_log", idempotency_key, **params)
        return cast("Iterator[PhoneNumberLogRow]", rows)

    def recording_lookup(self, *, idempotency_key: str | bool | None = None, **params: Unpack[RecordingLookupRequest]) -> Reply[list[RecordingLookupRow]]:
        """Call recordings by agent, lead, day, uniqueid and/or extension (ANDed; a lead_id or a known uniqueid, or two of the others, is needed). Up to 100000 rows by start_time."""
        return self._client.call("recording_lookup", idempotency_key, **params)

    def recording_lookup_rows(self, *, idempotency_key: str | bool | None = None, **params: Unpack[RecordingLookupRequest]) -> Iterator[RecordingLookupRow]:
        """The rows of recording_lookup, streamed (NDJSON)."""
        rows = self._client.stream("recording_lookup", idempotency_key, **params)
        return cast("Iterator[RecordingLookupRow]", rows)

    def server_refresh(self, *, idempotency_key: str | bool | None = None, **params: Unpack[ServerRefreshRequest]) -> Reply[ServerRefreshData]:
        """Flag every server to rebuild its Asterisk configuration files."""
        return self._client.call("server_refresh", idempotency_key, **params)

    def sounds_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[SoundsListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]] | None]:
        """The .wav/.gsm files of the central audio store, sorted by date, name or size."""
        return self._client.call("sounds_list", idempotency_key, **params)

    def update_alt_url(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateAltUrlRequest]) -> Reply[list[UpdateAltUrlRow] | UpdateAltUrlData | dict[str, Any] | list[dict[str, Any]]]:
        """List (alt_url_id LIST), add (NEW) or change the alternate URLs of a campaign's dispo/start/no-agent URL."""
        return self._client.call("update_alt_url", idempotency_key, **params)

    def update_campaign(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateCampaignRequest]) -> Reply[UpdateCampaignData]:
        """Change a campaign's dialing settings, lead order, dial statuses, URLs; reset hopper."""
        return self._client.call("update_campaign", idempotency_key, **params)

    def update_cid_group_entry(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateCidGroupEntryRequest]) -> Reply[list[UpdateCidGroupEntryRow] | UpdateCidGroupEntryData]:
        """Show (stage INFO), add, delete or change the area-code caller IDs of a CID group or campaign. DELETE with areacode ---ALL--- and no outbound_cid empties the group."""
        return self._client.call("update_cid_group_entry", idempotency_key, **params)

    def update_did(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateDidRequest]) -> Reply[UpdateDidData]:
        """Change an inbound DID's routing settings, or delete it (delete_did=Y)."""
        return self._client.call("update_did", idempotency_key, **params)

    def update_lead(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateLeadRequest]) -> Reply[UpdateLeadData]:
        """Find leads by lead_id / vendor_lead_code / phone_number and update, delete or insert."""
        return self._client.call("update_lead", idempotency_key, **params)

    def update_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateListRequest]) -> Reply[UpdateListData | dict[str, Any] | list[dict[str, Any]]]:
        """Change a list's settings; optionally reset it, delete it or its leads, add/update/delete or copy custom fields, or create it (insert_if_not_found=Y runs add_list)."""
        return self._client.call("update_list", idempotency_key, **params)

    def update_log_entry(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateLogEntryRequest]) -> Reply[UpdateLogEntryData]:
        """Set the status of the latest call-log row of a lead in a campaign (outbound log) or in-group (inbound log); the lead_id is the last 10 characters of call_id."""
        return self._client.call("update_log_entry", idempotency_key, **params)

    def update_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdatePhoneRequest]) -> Reply[UpdatePhoneData]:
        """Change or delete a phone, identified by extension and server_ip."""
        return self._client.call("update_phone", idempotency_key, **params)

    def update_phone_alias(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdatePhoneAliasRequest]) -> Reply[UpdatePhoneAliasData]:
        """Rename a phone alias, change its phone logins, or delete it."""
        return self._client.call("update_phone_alias", idempotency_key, **params)

    def update_presets(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdatePresetsRequest]) -> Reply[list[UpdatePresetsRow] | UpdatePresetsData | dict[str, Any] | list[dict[str, Any]]]:
        """List (action LIST), add (NEW), change (UPDATE) or delete campaign transfer presets."""
        return self._client.call("update_presets", idempotency_key, **params)

    def update_remote_agent(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateRemoteAgentRequest]) -> Reply[UpdateRemoteAgentData | dict[str, Any] | list[dict[str, Any]]]:
        """Change the status, campaign or number of lines of a remote agent (by user_start)."""
        return self._client.call("update_remote_agent", idempotency_key, **params)

    def update_user(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateUserRequest]) -> Reply[UpdateUserData | dict[str, Any] | list[dict[str, Any]]]:
        """Change, unlock or delete a user; set campaign/in-group ranks; reset its password."""
        return self._client.call("update_user", idempotency_key, **params)

    def user_details(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UserDetailsRequest]) -> Reply[UserDetailsRow]:
        """Name, group, level and active flag of one user visible to the gateway's account."""
        return self._client.call("user_details", idempotency_key, **params)

    def user_group_status(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UserGroupStatusRequest]) -> Reply[UserGroupStatusRow]:
        """Real-time counts for a set of user groups: calls waiting, agents by state."""
        return self._client.call("user_group_status", idempotency_key, **params)

    def version(self, *, idempotency_key: str | bool | None = None, **params: Unpack[VersionRequest]) -> Reply[VersionData]:
        """VICIdial version, build, server time and timezone. Needs no login."""
        return self._client.call("version", idempotency_key, **params)

    def vm_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[VmListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Active voicemail boxes, then the voicemail boxes of active phones."""
        return self._client.call("vm_list", idempotency_key, **params)


class AsyncFunctions:
    """``AsyncClient.fn``: one method per function."""

    def __init__(self, client: "AsyncClient") -> None:
        self._client = client

    async def add_did(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddDidRequest]) -> Reply[AddDidData]:
        """Create an inbound DID with its routing settings."""
        return await self._client.call("add_did", idempotency_key, **params)

    async def add_dnc_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddDncPhoneRequest]) -> Reply[AddDncPhoneData]:
        """Add a number to the system DNC list (SYSTEM_INTERNAL) or a campaign's DNC list."""
        return await self._client.call("add_dnc_phone", idempotency_key, **params)

    async def add_fpg_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddFpgPhoneRequest]) -> Reply[AddFpgPhoneData]:
        """Add a number to a filter phone group."""
        return await self._client.call("add_fpg_phone", idempotency_key, **params)

    async def add_group_alias(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddGroupAliasRequest]) -> Reply[AddGroupAliasData]:
        """Add an outbound caller-ID group alias."""
        return await self._client.call("add_group_alias", idempotency_key, **params)

    async def add_lead(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddLeadRequest]) -> Reply[AddLeadData]:
        """Add a lead to a list, with optional duplicate/DNC/number checks, hopper and callback."""
        return await self._client.call("add_lead", idempotency_key, **params)

    async def add_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddListRequest]) -> Reply[AddListData]:
        """Create a list in a campaign, optionally copying another list's custom fields."""
        return await self._client.call("add_list", idempotency_key, **params)

    async def add_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddPhoneRequest]) -> Reply[AddPhoneData]:
        """Create a phone (SIP, IAX2, Zap or EXTERNAL extension) on a server."""
        return await self._client.call("add_phone", idempotency_key, **params)

    async def add_phone_alias(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddPhoneAliasRequest]) -> Reply[AddPhoneAliasData]:
        """Create a phone alias: one login for several phones."""
        return await self._client.call("add_phone_alias", idempotency_key, **params)

    async def add_user(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AddUserRequest]) -> Reply[AddUserData]:
        """Create a user (agent or manager). agent_user AUTOGENERATE picks the next free number."""
        return await self._client.call("add_user", idempotency_key, **params)

    async def agent_campaigns(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AgentCampaignsRequest]) -> Reply[AgentCampaignsRow]:
        """The active campaigns and in-groups an agent may use."""
        return await self._client.call("agent_campaigns", idempotency_key, **params)

    async def agent_ingroup_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AgentIngroupInfoRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """A logged-in agent's in-groups and autodial state: stage text (selected in-groups), info (default; also the campaign's in-groups) or change (the change form's state)."""
        return await self._client.call("agent_ingroup_info", idempotency_key, **params)

    async def agent_stats_export(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AgentStatsExportRequest]) -> Reply[list[AgentStatsExportRow] | dict[str, Any] | list[dict[str, Any]]]:
        """Agent activity over a datetime range from the agent log, one row per agent (or per campaign and agent): calls, login/talk/wait/pause/dispo/dead seconds, percentages."""
        return await self._client.call("agent_stats_export", idempotency_key, **params)

    async def agent_status(self, *, idempotency_key: str | bool | None = None, **params: Unpack[AgentStatusRequest]) -> Reply[AgentStatusRow]:
        """Real-time status of one logged-in agent."""
        return await self._client.call("agent_status", idempotency_key, **params)

    async def batch_update_lead(self, *, idempotency_key: str | bool | None = None, **params: Unpack[BatchUpdateLeadRequest]) -> Reply[BatchUpdateLeadData | dict[str, Any] | list[dict[str, Any]] | None]:
        """Write the same field values into many leads (by lead_id, at most records, newest first). An empty reply: the leads exist but no field to change was given."""
        return await self._client.call("batch_update_lead", idempotency_key, **params)

    async def blind_monitor(self, *, idempotency_key: str | bool | None = None, **params: Unpack[BlindMonitorRequest]) -> Reply[BlindMonitorData]:
        """Call a manager's phone and bridge it into an agent session: listen, barge, whisper."""
        return await self._client.call("blind_monitor", idempotency_key, **params)

    async def call_dispo_report(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CallDispoReportRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Disposition report over a date range: calls per campaign, in-group or DID, optionally per status (with percentages), and the totals."""
        return await self._client.call("call_dispo_report", idempotency_key, **params)

    async def call_status_stats(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CallStatusStatsRequest]) -> Reply[list[CallStatusStatsRow] | dict[str, Any] | list[dict[str, Any]] | None]:
        """Calls per campaign and per in-group over a date range: total, human-answered, per hour of the day and per status. Campaign rows first, then in-group rows."""
        return await self._client.call("call_status_stats", idempotency_key, **params)

    async def callid_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CallidInfoRequest]) -> Reply[CallidInfoRow]:
        """Customer talk seconds (and with detail=YES the call's date, number, type, campaign, list, status, agent) of a call by its call ID (caller code)."""
        return await self._client.call("callid_info", idempotency_key, **params)

    async def callmenu_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CallmenuListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Call menus (IVR) with their names."""
        return await self._client.call("callmenu_list", idempotency_key, **params)

    async def campaigns_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CampaignsListRequest]) -> Reply[list[CampaignsListRow]]:
        """All campaigns (or one) with their core dialing settings."""
        return await self._client.call("campaigns_list", idempotency_key, **params)

    async def ccc_lead_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CccLeadInfoRequest]) -> Reply[CccLeadInfoRow]:
        """The lead of a call placed in the last 10 hours, found by its call ID (caller code)."""
        return await self._client.call("ccc_lead_info", idempotency_key, **params)

    async def check_phone_number(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CheckPhoneNumberRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Validate a phone number (length, prefix, area code, DNC lists) and tell, per time-zone method, its GMT offset and whether it may be dialed now under a call time."""
        return await self._client.call("check_phone_number", idempotency_key, **params)

    async def container_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[ContainerListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Settings containers of one container type, with their notes."""
        return await self._client.call("container_list", idempotency_key, **params)

    async def copy_did(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CopyDidRequest]) -> Reply[CopyDidData]:
        """Create DIDs copying every setting of an existing DID (existing targets are skipped)."""
        return await self._client.call("copy_did", idempotency_key, **params)

    async def copy_user(self, *, idempotency_key: str | bool | None = None, **params: Unpack[CopyUserRequest]) -> Reply[CopyUserData]:
        """Create a user copying every setting and permission of source_user."""
        return await self._client.call("copy_user", idempotency_key, **params)

    async def delete_dnc_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[DeleteDncPhoneRequest]) -> Reply[DeleteDncPhoneData]:
        """Remove a number from the system DNC list (SYSTEM_INTERNAL) or a campaign's."""
        return await self._client.call("delete_dnc_phone", idempotency_key, **params)

    async def delete_fpg_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[DeleteFpgPhoneRequest]) -> Reply[DeleteFpgPhoneData]:
        """Remove a number from a filter phone group."""
        return await self._client.call("delete_fpg_phone", idempotency_key, **params)

    async def did_log_export(self, *, idempotency_key: str | bool | None = None, **params: Unpack[DidLogExportRequest]) -> Reply[list[DidLogExportRow]]:
        """Every inbound call to one DID on one day, with its total seconds (up to 100000)."""
        return await self._client.call("did_log_export", idempotency_key, **params)

    def did_log_export_rows(self, *, idempotency_key: str | bool | None = None, **params: Unpack[DidLogExportRequest]) -> AsyncIterator[DidLogExportRow]:
        """The rows of did_log_export, streamed (NDJSON)."""
        rows = self._client.stream("did_log_export", idempotency_key, **params)
        return cast("AsyncIterator[DidLogExportRow]", rows)

    async def hopper_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[HopperListRequest]) -> Reply[list[HopperListRow] | dict[str, Any] | list[dict[str, Any]]]:
        """The READY leads in a campaign's hopper, highest priority first (at most 10000)."""
        return await self._client.call("hopper_list", idempotency_key, **params)

    async def in_group_status(self, *, idempotency_key: str | bool | None = None, **params: Unpack[InGroupStatusRequest]) -> Reply[InGroupStatusRow]:
        """Real-time counts for a set of in-groups: calls, calls waiting, agents by state."""
        return await self._client.call("in_group_status", idempotency_key, **params)

    async def ingroup_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[IngroupListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Active inbound groups with their names and colors."""
        return await self._client.call("ingroup_list", idempotency_key, **params)

    async def lead_all_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadAllInfoRequest]) -> Reply[list[LeadAllInfoRow]]:
        """All fields of one lead (by lead_id) or of up to 1000 leads with a phone number."""
        return await self._client.call("lead_all_info", idempotency_key, **params)

    async def lead_callback_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadCallbackInfoRequest]) -> Reply[list[LeadCallbackInfoRow]]:
        """Scheduled callbacks of one lead: current ones, archived ones, or both."""
        return await self._client.call("lead_callback_info", idempotency_key, **params)

    async def lead_dearchive(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadDearchiveRequest]) -> Reply[LeadDearchiveData]:
        """Move a lead from the archive (vicidial_list_archive) back into vicidial_list."""
        return await self._client.call("lead_dearchive", idempotency_key, **params)

    async def lead_field_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadFieldInfoRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]] | None]:
        """The value of one standard field of one lead (data: {field_name: value})."""
        return await self._client.call("lead_field_info", idempotency_key, **params)

    async def lead_search(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadSearchRequest]) -> Reply[list[LeadSearchRow] | dict[str, Any] | list[dict[str, Any]]]:
        """Count and list the lead_ids matching phone numbers: one row per number searched, always (records_found 0 for a number without leads, never a 404)."""
        return await self._client.call("lead_search", idempotency_key, **params)

    async def lead_status_search(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LeadStatusSearchRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """All fields of the leads whose call-log status on a date matches (status + date), or of one logged lead (lead_id); at most 2000 records."""
        return await self._client.call("lead_status_search", idempotency_key, **params)

    async def list_custom_fields(self, *, idempotency_key: str | bool | None = None, **params: Unpack[ListCustomFieldsRequest]) -> Reply[list[ListCustomFieldsRow]]:
        """The custom field labels of one list, or of every visible list (list_id ---ALL---)."""
        return await self._client.call("list_custom_fields", idempotency_key, **params)

    async def list_info(self, *, idempotency_key: str | bool | None = None, **params: Unpack[ListInfoRequest]) -> Reply[ListInfoRow]:
        """One list's summary, optionally with lead counts and a dialable-now count."""
        return await self._client.call("list_info", idempotency_key, **params)

    async def logged_in_agents(self, *, idempotency_key: str | bool | None = None, **params: Unpack[LoggedInAgentsRequest]) -> Reply[list[LoggedInAgentsRow]]:
        """Every logged-in agent the gateway's account may see, optionally only some campaigns or user groups, with sub-status on request."""
        return await self._client.call("logged_in_agents", idempotency_key, **params)

    async def moh_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[MohListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Active music-on-hold classes with their files."""
        return await self._client.call("moh_list", idempotency_key, **params)

    async def phone_number_log(self, *, idempotency_key: str | bool | None = None, **params: Unpack[PhoneNumberLogRequest]) -> Reply[list[PhoneNumberLogRow] | PhoneNumberLogData]:
        """Outbound and/or inbound call log rows of one or more phone numbers, newest first per number and log, with the lead's current status and source_id."""
        return await self._client.call("phone_number_log", idempotency_key, **params)

    def phone_number_log_rows(self, *, idempotency_key: str | bool | None = None, **params: Unpack[PhoneNumberLogRequest]) -> AsyncIterator[PhoneNumberLogRow]:
        """The rows of phone_number_log, streamed (NDJSON)."""
        rows = self._client.stream("phone_number_log", idempotency_key, **params)
        return cast("AsyncIterator[PhoneNumberLogRow]", rows)

    async def recording_lookup(self, *, idempotency_key: str | bool | None = None, **params: Unpack[RecordingLookupRequest]) -> Reply[list[RecordingLookupRow]]:
        """Call recordings by agent, lead, day, uniqueid and/or extension (ANDed; a lead_id or a known uniqueid, or two of the others, is needed). Up to 100000 rows by start_time."""
        return await self._client.call("recording_lookup", idempotency_key, **params)

    def recording_lookup_rows(self, *, idempotency_key: str | bool | None = None, **params: Unpack[RecordingLookupRequest]) -> AsyncIterator[RecordingLookupRow]:
        """The rows of recording_lookup, streamed (NDJSON)."""
        rows = self._client.stream("recording_lookup", idempotency_key, **params)
        return cast("AsyncIterator[RecordingLookupRow]", rows)

    async def server_refresh(self, *, idempotency_key: str | bool | None = None, **params: Unpack[ServerRefreshRequest]) -> Reply[ServerRefreshData]:
        """Flag every server to rebuild its Asterisk configuration files."""
        return await self._client.call("server_refresh", idempotency_key, **params)

    async def sounds_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[SoundsListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]] | None]:
        """The .wav/.gsm files of the central audio store, sorted by date, name or size."""
        return await self._client.call("sounds_list", idempotency_key, **params)

    async def update_alt_url(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateAltUrlRequest]) -> Reply[list[UpdateAltUrlRow] | UpdateAltUrlData | dict[str, Any] | list[dict[str, Any]]]:
        """List (alt_url_id LIST), add (NEW) or change the alternate URLs of a campaign's dispo/start/no-agent URL."""
        return await self._client.call("update_alt_url", idempotency_key, **params)

    async def update_campaign(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateCampaignRequest]) -> Reply[UpdateCampaignData]:
        """Change a campaign's dialing settings, lead order, dial statuses, URLs; reset hopper."""
        return await self._client.call("update_campaign", idempotency_key, **params)

    async def update_cid_group_entry(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateCidGroupEntryRequest]) -> Reply[list[UpdateCidGroupEntryRow] | UpdateCidGroupEntryData]:
        """Show (stage INFO), add, delete or change the area-code caller IDs of a CID group or campaign. DELETE with areacode ---ALL--- and no outbound_cid empties the group."""
        return await self._client.call("update_cid_group_entry", idempotency_key, **params)

    async def update_did(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateDidRequest]) -> Reply[UpdateDidData]:
        """Change an inbound DID's routing settings, or delete it (delete_did=Y)."""
        return await self._client.call("update_did", idempotency_key, **params)

    async def update_lead(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateLeadRequest]) -> Reply[UpdateLeadData]:
        """Find leads by lead_id / vendor_lead_code / phone_number and update, delete or insert."""
        return await self._client.call("update_lead", idempotency_key, **params)

    async def update_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateListRequest]) -> Reply[UpdateListData | dict[str, Any] | list[dict[str, Any]]]:
        """Change a list's settings; optionally reset it, delete it or its leads, add/update/delete or copy custom fields, or create it (insert_if_not_found=Y runs add_list)."""
        return await self._client.call("update_list", idempotency_key, **params)

    async def update_log_entry(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateLogEntryRequest]) -> Reply[UpdateLogEntryData]:
        """Set the status of the latest call-log row of a lead in a campaign (outbound log) or in-group (inbound log); the lead_id is the last 10 characters of call_id."""
        return await self._client.call("update_log_entry", idempotency_key, **params)

    async def update_phone(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdatePhoneRequest]) -> Reply[UpdatePhoneData]:
        """Change or delete a phone, identified by extension and server_ip."""
        return await self._client.call("update_phone", idempotency_key, **params)

    async def update_phone_alias(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdatePhoneAliasRequest]) -> Reply[UpdatePhoneAliasData]:
        """Rename a phone alias, change its phone logins, or delete it."""
        return await self._client.call("update_phone_alias", idempotency_key, **params)

    async def update_presets(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdatePresetsRequest]) -> Reply[list[UpdatePresetsRow] | UpdatePresetsData | dict[str, Any] | list[dict[str, Any]]]:
        """List (action LIST), add (NEW), change (UPDATE) or delete campaign transfer presets."""
        return await self._client.call("update_presets", idempotency_key, **params)

    async def update_remote_agent(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateRemoteAgentRequest]) -> Reply[UpdateRemoteAgentData | dict[str, Any] | list[dict[str, Any]]]:
        """Change the status, campaign or number of lines of a remote agent (by user_start)."""
        return await self._client.call("update_remote_agent", idempotency_key, **params)

    async def update_user(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UpdateUserRequest]) -> Reply[UpdateUserData | dict[str, Any] | list[dict[str, Any]]]:
        """Change, unlock or delete a user; set campaign/in-group ranks; reset its password."""
        return await self._client.call("update_user", idempotency_key, **params)

    async def user_details(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UserDetailsRequest]) -> Reply[UserDetailsRow]:
        """Name, group, level and active flag of one user visible to the gateway's account."""
        return await self._client.call("user_details", idempotency_key, **params)

    async def user_group_status(self, *, idempotency_key: str | bool | None = None, **params: Unpack[UserGroupStatusRequest]) -> Reply[UserGroupStatusRow]:
        """Real-time counts for a set of user groups: calls waiting, agents by state."""
        return await self._client.call("user_group_status", idempotency_key, **params)

    async def version(self, *, idempotency_key: str | bool | None = None, **params: Unpack[VersionRequest]) -> Reply[VersionData]:
        """VICIdial version, build, server time and timezone. Needs no login."""
        return await self._client.call("version", idempotency_key, **params)

    async def vm_list(self, *, idempotency_key: str | bool | None = None, **params: Unpack[VmListRequest]) -> Reply[dict[str, Any] | list[dict[str, Any]]]:
        """Active voicemail boxes, then the voicemail boxes of active phones."""
        return await self._client.call("vm_list", idempotency_key, **params)
