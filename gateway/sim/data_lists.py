"""Simulator tables and seed data for the lists functions (see gateway/catalog/lists.py).

One :class:`ListAdminData` hangs off every :class:`~gateway.sim.state.SimState` as
``state.listadmin``; :func:`seed` fills it when a seeded state is built. Shared tables
(users, campaigns, lists, leads, callbacks, hopper) live on the state itself; the columns of
``vicidial_lists`` / ``vicidial_campaigns`` the shared models lack are kept here, keyed by id.

The seed reproduces the reference server of ``tests/data/samples``: TESTCAMP's alternate dispo
URL 1 and its presets BILLING / SUPERVISOR, CID group CIDGRP1 with 727 / 7275550101, list 1001's
custom fields, the in-groups SALESLINE and SUPPORT of the agents' campaigns, call menu MAINMENU,
list 1004, and five DIDs, among them 3125551000, the source of copy_did's sample. The next did_id
is 7: on the reference server add_did's sample DID took 6 before copy_did's sample ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import SimList

if TYPE_CHECKING:
    from .state import SimState


@dataclass
class ListSettings:
    """The ``vicidial_lists`` columns :class:`~gateway.sim.model.SimList` does not carry."""

    list_description: str = ""
    reset_time: str = ""
    agent_script_override: str = ""
    campaign_cid_override: str = ""
    am_message_exten_override: str = ""
    drop_inbound_group_override: str = ""
    web_form_address: str = ""
    web_form_address_two: str = ""
    web_form_address_three: str = ""
    time_zone_setting: str = "COUNTRY_AND_AREA_CODE"
    xferconf: list[str] = field(default_factory=lambda: [""] * 5)
    daily_reset_limit: int = -1
    na_call_url: str = ""


@dataclass
class CustomField:
    """A ``vicidial_lists_fields`` row (its label is a column of the list's custom table)."""

    field_id: int
    list_id: str
    field_label: str
    field_name: str
    field_type: str = "TEXT"
    field_size: str = "20"
    field_rank: str = "1"
    field_order: str = "1"
    field_max: str = "50"
    field_default: str = ""
    field_options: str = ""
    field_description: str = ""
    field_help: str = ""
    field_required: str = "N"
    field_duplicate: str = "N"
    field_encrypt: str = "N"
    field_show_hide: str = "DISABLED"
    name_position: str = "LEFT"
    multi_position: str = "HORIZONTAL"


# $vicidial_list_fields: a custom field named like a vicidial_list column is stored there, never
# in the custom table.
VICIDIAL_LIST_FIELDS = frozenset(
    {
        "lead_id", "vendor_lead_code", "source_id", "list_id", "gmt_offset_now",
        "called_since_last_reset", "phone_code", "phone_number", "title", "first_name",
        "middle_initial", "last_name", "address1", "address2", "address3", "city", "state",
        "province", "postal_code", "country_code", "gender", "date_of_birth", "alt_phone",
        "email", "security_phrase", "comments", "called_count", "last_local_call_time", "rank",
        "owner",
    }
)  # fmt: skip
# Field types that are no column of the custom table (admin_lists_custom.php add_field).
NON_DB_TYPES = frozenset({"DISPLAY", "SCRIPT", "SWITCH", "BUTTON"})


def is_column(custom: CustomField) -> bool:
    """Does the field have a column in ``custom_<list_id>``?"""
    return not (
        custom.field_type in NON_DB_TYPES
        or custom.field_label in VICIDIAL_LIST_FIELDS
        or custom.field_duplicate == "Y"
    )


def rank_key(custom: CustomField) -> tuple[int, int]:
    def num(text: str) -> int:
        return int(text) if text.lstrip("-").isdigit() else 0

    return num(custom.field_rank), num(custom.field_order)


@dataclass
class CampaignSettings:
    """The ``vicidial_campaigns`` columns :class:`~gateway.sim.model.Campaign` does not carry."""

    campaign_changedate: str = ""
    hopper_level: str = "1"
    adaptive_maximum_level: str = "3.0"
    campaign_vdad_exten: str = "8368"
    campaign_cid: str = "0000000000"
    lead_filter_id: str = "NONE"
    lead_order_randomize: str = "N"
    lead_order_secondary: str = "LEAD_ASCEND"
    xferconf: list[str] = field(default_factory=lambda: [""] * 5)
    web_form_address: str = ""
    web_form_address_two: str = ""
    web_form_address_three: str = ""
    dispo_call_url: str = ""
    start_call_url: str = ""
    na_call_url: str = ""
    closer_campaigns: str = ""  # as stored: " SALESLINE SUPPORT -"


@dataclass
class InboundGroup:
    """A ``vicidial_inbound_groups`` row (the columns these functions read)."""

    group_id: str
    group_name: str
    active: str = "Y"
    dispo_call_url: str = ""
    start_call_url: str = ""
    na_call_url: str = ""
    add_lead_url: str = ""


@dataclass
class AltUrl:
    """A ``vicidial_url_multi`` row."""

    url_id: int
    campaign_id: str
    entry_type: str
    url_type: str
    active: str = "N"
    url_rank: str = "1"
    url_statuses: str = ""
    url_description: str = ""
    url_lists: str = ""
    url_call_length: str = "0"
    url_address: str = ""


@dataclass
class Preset:
    """A ``vicidial_xfer_presets`` row."""

    campaign_id: str
    preset_name: str
    preset_number: str = ""
    preset_dtmf: str = ""
    preset_hide_number: str = "N"


@dataclass
class Did:
    """A ``vicidial_inbound_dids`` row (the columns the API sets)."""

    did_id: int
    did_pattern: str
    did_description: str = ""
    did_active: str = "Y"
    did_route: str = "EXTEN"
    extension: str = "9998811112"
    exten_context: str = "default"
    voicemail_ext: str = ""
    phone: str = ""
    server_ip: str = ""
    group_id: str = ""
    menu_id: str = ""
    filter_clean_cid_number: str = ""
    call_handle_method: str = "CID"
    agent_search_method: str = "LB"
    list_id: str = "999"
    entry_list_id: str = "0"
    campaign_id: str = ""
    phone_code: str = "1"
    record_call: str = "N"
    user_group: str = "---ALL---"


@dataclass
class CidGroup:
    """A ``vicidial_cid_groups`` row."""

    cid_group_id: str
    user_group: str = "---ALL---"


@dataclass
class CidEntry:
    """A ``vicidial_campaign_cid_areacodes`` row (campaign_id is a CID group or campaign id)."""

    campaign_id: str
    areacode: str
    outbound_cid: str
    active: str = ""
    cid_description: str = ""
    call_count_today: int = 0


@dataclass
class Permissions:
    """``vicidial_users`` flags the shared :class:`~gateway.sim.model.SimUser` does not carry.

    A user without a row here has them all (the seeded API users are full administrators).
    """

    modify_users: bool = True
    modify_campaigns: bool = True
    modify_inbound_dids: bool = True
    delete_inbound_dids: bool = True
    delete_lists: bool = True
    custom_fields_modify: bool = True


@dataclass
class ListAdminData:
    """Tables only the lists functions use."""

    # system_settings
    custom_fields_enabled: int = 1
    auto_dial_limit: str = "4"
    list_settings: dict[str, ListSettings] = field(default_factory=dict)
    custom_fields: dict[str, list[CustomField]] = field(default_factory=dict)  # table order
    # The rows of each list's custom_<list_id> table: lead_id -> {label: value}; a column the
    # row has no value for is NULL.
    custom_rows: dict[str, dict[int, dict[str, str]]] = field(default_factory=dict)
    campaign_settings: dict[str, CampaignSettings] = field(default_factory=dict)
    inbound_groups: dict[str, InboundGroup] = field(default_factory=dict)
    scripts: set[str] = field(default_factory=set)
    call_times: set[str] = field(default_factory=set)
    lead_filters: set[str] = field(default_factory=set)
    servers: set[str] = field(default_factory=set)
    call_menus: set[str] = field(default_factory=set)
    alt_urls: list[AltUrl] = field(default_factory=list)
    presets: list[Preset] = field(default_factory=list)
    dids: dict[int, Did] = field(default_factory=dict)
    cid_groups: dict[str, CidGroup] = field(default_factory=dict)
    cid_entries: list[CidEntry] = field(default_factory=list)
    permissions: dict[str, Permissions] = field(default_factory=dict)
    next_did_id: int = 1
    next_url_id: int = 1
    next_field_id: int = 1

    # --- rows by id (created with the column defaults when first needed) ----------------------

    def list_settings_of(self, list_id: str) -> ListSettings:
        return self.list_settings.setdefault(list_id, ListSettings())

    def campaign_settings_of(self, campaign_id: str) -> CampaignSettings:
        return self.campaign_settings.setdefault(campaign_id, CampaignSettings())

    def permissions_of(self, user: str) -> Permissions:
        return self.permissions.get(user) or Permissions()

    # --- inserts with auto-increment ids ------------------------------------------------------

    def add_did(self, did: Did) -> Did:
        did.did_id = self.next_did_id
        self.next_did_id += 1
        self.dids[did.did_id] = did
        return did

    def did(self, pattern: str) -> Did | None:
        return next((d for d in self.dids.values() if d.did_pattern == pattern), None)

    def add_alt_url(self, url: AltUrl) -> AltUrl:
        url.url_id = self.next_url_id
        self.next_url_id += 1
        self.alt_urls.append(url)
        return url

    def add_custom_field(self, custom: CustomField) -> CustomField:
        custom.field_id = self.next_field_id
        self.next_field_id += 1
        self.custom_fields.setdefault(custom.list_id, []).append(custom)
        return custom

    # --- custom_<list_id> tables --------------------------------------------------------------

    def custom_table(self, list_id: str) -> bool:
        """``SHOW TABLES LIKE "custom_<list_id>"``: the first field added creates the table."""
        return bool(self.custom_fields.get(list_id))

    def custom_columns(self, list_id: str) -> list[str]:
        """``DESCRIBE custom_<list_id>`` without lead_id: the labels, in table order."""
        return [f.field_label for f in self.custom_fields.get(list_id, []) if is_column(f)]

    def ranked_fields(self, list_id: str) -> list[CustomField]:
        """``vicidial_lists_fields ... order by field_rank,field_order,field_label``."""
        fields = self.custom_fields.get(list_id, [])
        return sorted(fields, key=lambda f: (*rank_key(f), f.field_label))

    def custom_row(self, list_id: str, lead_id: int) -> dict[str, str] | None:
        return self.custom_rows.get(list_id, {}).get(lead_id)


def _seed_lists(state: SimState, data: ListAdminData) -> None:
    state.lists.setdefault(
        "1004",
        SimList("1004", "Sales leads July", "SALESOUT", "Y", "2024-07-01 09:20:00", "",
                "2099-12-31", "0"),
    )  # fmt: skip
    data.list_settings_of("101").daily_reset_limit = 2
    for label, name in (
        ("favorite_color", "Favorite color"),
        ("account_number", "Account number"),
        ("api_note", "API note"),
    ):
        data.add_custom_field(CustomField(0, "1001", label, name))


def _seed_campaigns(data: ListAdminData) -> None:
    settings = {
        "TESTCAMP": CampaignSettings(closer_campaigns=" SALESLINE SUPPORT -", dispo_call_url="ALT"),
        "SALESOUT": CampaignSettings(closer_campaigns=" SALESLINE -"),
        "SURVEY": CampaignSettings(closer_campaigns=" SUPPORT -"),
    }
    data.campaign_settings.update(settings)
    groups = (
        InboundGroup("SALESLINE", "Sales line"),
        InboundGroup("SUPPORT", "Customer support", start_call_url="ALT"),
        InboundGroup("AGENTDIRECT", "Direct to agent"),
        InboundGroup("OLDQUEUE", "Retired queue", active="N"),
    )
    data.inbound_groups.update({g.group_id: g for g in groups})
    data.scripts.update({"CALLSCRIPT", "SURVEYSCRIPT"})
    data.call_times.update({"24hours", "9am-9pm", "9am-5pm"})
    data.lead_filters.add("NEWONLY")
    data.servers.add("10.10.10.15")
    data.call_menus.add("MAINMENU")
    data.add_alt_url(
        AltUrl(0, "TESTCAMP", "campaign", "dispo", "Y", "1", "SALE APPT", "CRM sale push", "",
               "0", "http://127.0.0.1/crm/sale.php?lead_id=--A--lead_id--B--")
    )  # fmt: skip
    data.presets += [
        Preset("TESTCAMP", "BILLING", "3125550161", "12", "Y"),
        Preset("TESTCAMP", "SUPERVISOR", "3125550160", "", "N"),
    ]


def _seed_dids(data: ListAdminData) -> None:
    for pattern, description in (
        ("default", "Default DID"),
        ("8005550100", "Toll free sales"),
        ("8005550101", "Toll free support"),
        ("3125550200", "Chicago main"),
        ("3125551000", "Chicago sales DID"),
    ):
        data.add_did(Did(0, pattern, description))
    data.dids[5].did_route, data.dids[5].group_id = "IN_GROUP", "SALESLINE"
    data.next_did_id = 7  # did_id 6 went to add_did's sample DID on the reference server
    data.cid_groups["CIDGRP1"] = CidGroup("CIDGRP1")
    data.cid_entries += [
        CidEntry("CIDGRP1", "312", "3125550101", "Y", "Chicago CID", 4),
        CidEntry("CIDGRP1", "727", "7275550101", "Y", "Tampa CID", 2),
        CidEntry("CIDGRP1", "727", "7275550102", "", "Tampa spare", 0),
    ]


def seed(state: SimState) -> None:
    """Fill ``state.listadmin`` (and add shared rows these functions need)."""
    data = state.listadmin
    _seed_lists(state, data)
    _seed_campaigns(data)
    _seed_dids(data)
    # The reference hopper's sources: 5020 was added by hand (A), 5003 by the hopper script (S).
    for lead_id, source in ((5020, "A"), (5003, "S")):
        entry = state.hopper.get(lead_id)
        if entry is not None:
            entry.source = source
