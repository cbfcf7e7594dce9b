"""gateway.catalog.fields: the declared type of a reply field, by name."""

from __future__ import annotations

from gateway.catalog.fields import FIELD_TYPES, USER_ID_FIELDS, field_type, is_zero_date


def test_declared_names_keep_their_type_and_a_spec_may_override_it() -> None:
    assert field_type("lead_id") == "id"  # ids are strings: leading zeros
    assert field_type("phone_number") == "phone"
    assert field_type("gmt_offset") == "decimal"
    assert field_type("calls_today") == "int"
    assert field_type("lead_id", {"lead_id": "int"}) == "int"
    assert field_type("status", {"other": "int"}) == "code"


def test_counts_by_suffix_and_text_otherwise() -> None:
    assert field_type("anything_count") == "int"
    assert field_type("deleted_rows") == "int"
    assert field_type("count_of_things") == "text"
    assert field_type("favorite_color") == "text"


def test_only_whole_zero_dates_are_mysqls_empty() -> None:
    assert is_zero_date("date", "0000-00-00")
    assert is_zero_date("datetime", "0000-00-00 00:00:00")
    assert not is_zero_date("date", "0000-00-00 00:00:00")
    assert not is_zero_date("datetime", "0000-00-00 10:00:00")
    assert not is_zero_date("date", "2024-00-00")
    assert not is_zero_date("text", "0000-00-00")


def test_user_id_fields_stay_strings() -> None:
    # A user id like 1001 is no number; hiding the gateway's login compares strings.
    for name in USER_ID_FIELDS:
        assert field_type(name) in ("id", "text"), name
    assert set(FIELD_TYPES.values()) <= {
        "text",
        "int",
        "decimal",
        "phone",
        "id",
        "code",
        "datetime",
        "date",
    }
