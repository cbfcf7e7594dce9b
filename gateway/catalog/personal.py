"""Which request parameters carry personal data: one decision for every catalog parameter.

The audit log (:mod:`gateway.audit`) reads this table. A parameter is in exactly one category:

* ``not_personal``: about the dialer, not about a person (ids, flags, counts, campaign and list
  settings, dates of calls and reports). Its value is logged when its kind is safe (a flag,
  number, id, code or date; never free text).
* ``secret``: a password. Never logged.
* ``phone``: a phone number or a list of them. Logged masked to its last ``audit.phone_digits``.
* the personal categories below: left out of the audit log unless ``audit.personal_data`` lists
  the category; then logged as sent.

Account identifiers of the call centre's own users (``agent_user``, ``user``, ``phone_login``)
and lead ids are ``not_personal`` here: they are what an audit log must name to say who did what,
and they identify nobody outside VICIdial. Everything that describes a person (a lead, an agent
or anyone a phone, alias or transfer preset is named after) is personal.

The table is by parameter name, not by function: VICIdial's ``non_agent_api.php`` (and
``agc/api.php``) reads and filters each parameter once by its name, the same way for every
function, so a name is one field throughout the API. The Agent API's ``value`` is the exception
that proves the rule: it means something else in each function, so it is free text here.
``tests/test_personal.py`` fails when a catalog parameter has no entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, get_args

Category = Literal[
    "not_personal",
    "secret",
    "phone",
    "name",
    "address",
    "postal_code",
    "birth_date",
    "email",
    "gender",
    "security_phrase",
    "free_text",
]

CATEGORIES: tuple[Category, ...] = get_args(Category)

#: Categories that hold data about a person.
PERSONAL: frozenset[Category] = frozenset(CATEGORIES) - {"not_personal", "secret"}

#: Categories ``audit.personal_data`` may list (phone numbers have ``audit.phone_digits``).
LOGGABLE: frozenset[Category] = PERSONAL - {"phone"}

_TABLE: Mapping[Category, tuple[str, ...]] = {
    "secret": ("agent_pass", "phone_pass", "registration_password", "reset_password"),
    "phone": (
        "phone_number",
        "alt_phone",
        "caller_id_number",
        "outbound_cid",
        "outbound_alt_cid",
        # numbers an agent transfers calls to: a person's line as often as a department's
        "preset_number",
        "xferconf_one",
        "xferconf_two",
        "xferconf_three",
        "xferconf_four",
        "xferconf_five",
        "multi_dial_phones",  # Agent API transfer_conference: numbers dialed at once
    ),
    "name": (
        "first_name",
        "middle_initial",
        "last_name",
        "title",
        "agent_full_name",
        "phone_full_name",
        "alias_name",
        # shown as the caller's name; often a person's
        "group_alias_name",
        "caller_id_name",
        "preset_name",
    ),
    "address": ("address1", "address2", "address3", "city", "state", "province", "country_code"),
    "postal_code": ("postal_code",),
    "birth_date": ("date_of_birth",),
    "email": ("email",),
    "gender": ("gender",),
    "security_phrase": ("security_phrase",),
    # notes and custom fields about a lead or an agent: anything can be in them
    "free_text": (
        "comments",
        "callback_comments",
        "custom_one",
        "custom_two",
        "custom_three",
        "custom_four",
        "custom_five",
        "multi_alt_phones",  # phone numbers with free-text notes
        # Agent API: "value" is a number to dial, a status, a CRM id or file names depending on
        # the function (one name, several meanings: kept out of the log unless free_text is
        # listed); notes and notification texts are typed by people.
        "value",
        "notes",
        "notification_text",
    ),
    "not_personal": (
        # Agent API switches, codes and ids of the call centre's own records
        "alt_dial",
        "blended",
        "callbacksreload",
        "chatreload",
        "cid_choice",
        "consultative",
        "dial_ingroup",
        "dial_override",
        "dial_prefix",
        "emailreload",
        "focus",
        "formreload",
        "group_alias",
        "ingroup_choices",
        "maxParticleCount",
        "md_check",
        "notification_date",
        "notification_retry",
        "particleSpeed",
        "preview",
        "qm_dispo_code",
        "recipient",
        "recipient_type",
        "script2reload",
        "scriptreload",
        "search",
        "set_as_default",
        "show_confetti",
        "text_color",
        "text_font",
        "text_size",
        "text_weight",
        "tw_check",
        "vendor_id",
        "action",
        "active",
        "adaptive_maximum_level",
        "add_to_hopper",
        "admin_user_group",
        "agent_choose_blended",
        "agent_choose_ingroups",
        "agent_search_method",
        "agent_user",
        "agent_user_group",
        "agent_user_level",
        "alias_id",
        "alt_url_id",
        "am_message",
        "archived_lead",
        "areacode",
        "auto_dial_level",
        "call_handle_method",
        "call_id",
        "callback",
        "callback_datetime",
        "callback_status",
        "callback_type",
        "callback_user",
        "called_count",
        "camp_rg_only",
        "campaign_dnc_check",
        "campaign_grade",
        "campaign_id",
        "campaign_name",
        "campaign_rank",
        "campaign_vdad_exten",
        "campaigns",
        "categories",
        "cid_description",
        "cid_group_id",
        "closer_default_blended",
        "custom_copy_method",
        "custom_fields",
        "custom_fields_add",
        "custom_fields_copy",
        "custom_fields_delete",
        "custom_fields_update",
        "custom_order",
        "date",
        "datetime_end",
        "datetime_start",
        "delete_alias",
        "delete_cf_data",
        "delete_did",
        "delete_lead",
        "delete_leads",
        "delete_list",
        "delete_phone",
        "delete_user",
        "delete_vm_after_email",
        "detail",
        "dial_method",
        "dial_status_add",
        "dial_status_remove",
        "dial_timeout",
        "dialable_count",
        "dialplan_number",
        "did_description",
        "did_ids",
        # the call centre's own inbound numbers (DIDs) and their routes
        "did_pattern",
        "did_patterns",
        "did_route",
        "dispo_call_url",
        "dnc_check",
        "drop_inbound_group",
        "duplicate_check",
        "duration",
        "end_date",
        "end_time",
        "entry_list_id",
        "entry_type",
        "expiration_date",
        "exten_context",
        "extension",
        "field_default",
        "field_description",
        "field_duplicate",
        "field_encrypt",
        "field_help",
        "field_label",
        "field_max",
        "field_name",
        "field_options",
        "field_order",
        "field_rank",
        "field_required",
        "field_rerank",
        "field_show_hide",
        "field_size",
        "field_type",
        "filter_clean_cid_number",
        "force_entry_list_id",
        "gmt_offset_now",  # a time zone, not a place
        "group",
        "group_alias_id",
        "group_by_campaign",
        "group_id",
        "hopper_level",
        "hopper_local_call_time_check",
        "hopper_priority",
        "hotkeys_active",
        "ignore_agentdirect",
        "in_groups",
        "include_ip",
        "ingroup_grade",
        "ingroup_rank",
        "ingroups",
        "ingrp_rg_only",
        "insert_if_not_found",
        "is_webphone",
        "lead_filter_id",
        "lead_id",
        "lead_ids",
        "leads_counts",
        "list_description",
        "list_exists_check",
        "list_id",
        "list_id_field",
        "list_name",
        "list_order",
        "list_order_randomize",
        "list_order_secondary",
        "local_call_time",
        "local_gmt",
        "lookup_state",
        "menu_id",
        "multi_position",
        "name_position",
        "nanpa_ac_prefix_check",
        "new_dids",
        "no_update",
        "number_of_lines",
        "on_hook_agent",
        "owner",  # the agent, team or territory a lead belongs to (a time-zone code for TZCODE)
        "phone_code",  # a country calling code
        "phone_context",
        "phone_extension",
        "phone_login",
        "phone_logins",
        "phone_ring_timeout",
        "preset_dtmf",
        "preset_hide_number",
        "protocol",
        "query_date",
        "query_time",
        "rank",
        "record_call",
        "records",
        "remove_from_hopper",
        "reset_hopper",
        "reset_lead",
        "reset_list",
        "reset_time",
        "script",
        "search_location",
        "search_method",
        "server_ip",
        "session_id",
        "show_percentages",
        "show_sub_status",
        "source_did_pattern",
        "source_id",  # where a lead came from (a vendor or campaign label)
        "source_user",
        "stage",
        "status",
        "status_breakdown",
        "statuses",
        "template_id",
        "type",
        "tz_method",
        "uniqueid",
        "update_phone_number",
        "url_address",
        "url_call_length",
        "url_description",
        "url_lists",
        "url_rank",
        "url_statuses",
        "url_type",
        "usacan_areacode_check",
        "usacan_prefix_check",
        "use_external_server_ip",
        "use_internal_webserver",
        "user_field",
        "user_groups",
        "users",
        "vendor_lead_code",  # the lead's id in the sending system
        "voicemail_ext",
        "voicemail_id",
        "web_form_address",
        "web_form_address_three",
        "web_form_address_two",
        "webform_one",
        "webform_three",
        "webform_two",
        "webphone_auto_answer",
        "wrapup_seconds_override",
    ),
}


def _index(table: Mapping[Category, tuple[str, ...]]) -> Mapping[str, Category]:
    out: dict[str, Category] = {}
    for cat, names in table.items():
        for name in names:
            if name in out:
                raise ValueError(f"parameter {name!r} is in {out[name]!r} and {cat!r}")
            out[name] = cat
    return MappingProxyType(out)


#: Parameter name -> its category.
CLASSIFICATION: Mapping[str, Category] = _index(_TABLE)


def category(param: str) -> Category | None:
    """The category of a parameter; None when it is not classified (never logged then)."""
    return CLASSIFICATION.get(param)
