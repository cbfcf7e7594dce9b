"""Declared types of reply fields, by name, shared by every function.

The rule (also in the README): counts, amounts and measures are JSON numbers; identifiers,
phone numbers, codes, dates and free text are strings (ids can carry leading zeros, phone numbers
are not numbers); an empty value is ``null``, and so is MySQL's zero date in a date column
(:data:`ZERO_DATES`). A function can override a name in its own spec.
"""

from __future__ import annotations

from collections.abc import Mapping

from .spec import FieldType

FIELD_TYPES: Mapping[str, FieldType] = {
    # identifiers: strings
    "lead_id": "id",
    "list_id": "id",
    "entry_list_id": "id",
    "campaign_id": "id",
    "user": "id",
    "agent_user": "id",
    "user_group": "id",
    "vendor_lead_code": "text",
    "source_id": "text",
    "callerid": "id",
    "session_id": "id",
    "hopper_id": "id",
    "duplicate_lead_id": "id",
    "duplicate_lead_list_id": "id",
    # phone numbers and codes: strings
    "phone_number": "phone",
    "alt_phone": "phone",
    "phone_code": "code",
    "status": "code",
    "active": "code",
    "dial_method": "code",
    "lead_order": "code",
    "dial_statuses": "code",
    "dial_prefix": "code",
    "manual_dial_prefix": "code",
    "three_way_dial_prefix": "code",
    "pause_code": "code",
    "real_time_sub_status": "code",
    "gender": "code",
    "country_code": "code",
    "state": "code",
    "callback_type": "code",
    "callback_status": "code",
    # numbers
    "gmt_offset": "decimal",
    "gmt_offset_now": "decimal",
    "dial_level": "decimal",
    "dial_timeout": "int",
    "calls_today": "int",
    "user_level": "int",
    "called_count": "int",
    "rank": "int",
    "resets_today": "int",
    "all_leads_count": "int",
    "new_leads_count": "int",
    "dialable_count": "int",
    "records_found": "int",
    "vl_affected_rows": "int",
    "cb_archived_rows": "int",
    "cb_deleted_rows": "int",
    "inserted_alt_phones": "int",
    "epoch": "int",
    "dst": "int",
    "tz": "decimal",
    "tznow": "decimal",
    # dates
    "date": "datetime",
    "list_changedate": "datetime",
    "list_lastcalldate": "datetime",
    "last_local_call_time": "datetime",
    "callback_datetime": "datetime",
    "call_date": "datetime",
    "start_time": "datetime",
    "expiration_date": "date",
    "date_of_birth": "date",
}


# MySQL's "zero" DATE and DATETIME: what such a column holds when VICIdial stored an empty value
# in it (add_lead without date_of_birth; MySQL outside strict mode). VICIdial's empty, so null.
# Only the whole zero value: "2024-00-00" or "0000-00-00 10:00:00" stay as they are.
ZERO_DATES: Mapping[FieldType, str] = {"date": "0000-00-00", "datetime": "0000-00-00 00:00:00"}


def is_zero_date(kind: FieldType, value: str) -> bool:
    return ZERO_DATES.get(kind) == value


# Fields whose value is a VICIdial user id. VICIdial stores the user that made a record (a lead's
# ``user``, who entered it), so the gateway's own login shows up here as data; the gateway puts
# the credential's name in its place (see reply.hide_logins).
USER_ID_FIELDS = frozenset({"user", "agent_user", "callback_user", "source_user"})


def field_type(name: str, overrides: Mapping[str, FieldType] | None = None) -> FieldType:
    if overrides and name in overrides:
        return overrides[name]
    if name in FIELD_TYPES:
        return FIELD_TYPES[name]
    if name.endswith("_count") or name.endswith("_rows"):
        return "int"
    return "text"
