"""gateway.catalog.personal: every parameter of every catalog function has a privacy category."""

from __future__ import annotations

import pytest

from gateway.catalog import AGENT_CATALOG, CATALOG
from gateway.catalog.personal import (
    CATEGORIES,
    CLASSIFICATION,
    LOGGABLE,
    PERSONAL,
    category,
)

ALL_SPECS = (*CATALOG.values(), *AGENT_CATALOG.values())


def test_every_parameter_of_every_function_is_classified() -> None:
    unclassified = [
        f"{spec.label}.{param.name}"
        for spec in ALL_SPECS
        for param in spec.params
        if category(param.name) is None
    ]
    assert unclassified == [], (
        "classify these in gateway/catalog/personal.py (personal data stays out of the audit "
        f"log only if it is classified): {unclassified}"
    )


def test_the_table_names_only_catalog_parameters() -> None:
    known = {param.name for spec in ALL_SPECS for param in spec.params}
    assert sorted(set(CLASSIFICATION) - known) == []


def test_categories() -> None:
    assert set(CLASSIFICATION.values()) == set(CATEGORIES)
    loggable = {
        "name",
        "address",
        "postal_code",
        "birth_date",
        "email",
        "gender",
        "security_phrase",
        "free_text",
    }
    # Phone numbers have their own setting (audit.phone_digits); secrets are never logged.
    assert (set(PERSONAL), set(LOGGABLE)) == (loggable | {"phone"}, loggable)
    assert set(CATEGORIES) == loggable | {"phone", "secret", "not_personal"}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["date_of_birth"], "birth_date"),
        (["postal_code"], "postal_code"),
        (["email"], "email"),
        (["first_name", "last_name", "middle_initial", "title"], "name"),
        (["agent_full_name", "phone_full_name", "alias_name", "group_alias_name"], "name"),
        (["address1", "address2", "address3", "city", "province", "state"], "address"),
        (["country_code"], "address"),
        (["security_phrase"], "security_phrase"),
        (["gender"], "gender"),
        (["phone_number", "alt_phone", "caller_id_number", "outbound_cid"], "phone"),
        (["xferconf_one", "xferconf_five", "preset_number"], "phone"),
        (["comments", "callback_comments", "custom_one", "multi_alt_phones"], "free_text"),
        (["agent_pass", "phone_pass", "registration_password"], "secret"),
        (["lead_id", "list_id", "campaign_id", "agent_user", "status", "date"], "not_personal"),
    ],
)
def test_known_personal_fields(names: list[str], expected: str) -> None:
    assert {name: category(name) for name in names} == dict.fromkeys(names, expected)


def test_phone_kinds_are_phone_numbers() -> None:
    """What the audit log masked by kind before the table existed is still masked. The Agent
    API's ``value`` (a number only for external_dial) is free text: never logged by default."""
    for spec in ALL_SPECS:
        for param in spec.params:
            if param.kind == "phone" or (param.kind == "list" and param.name == "phone_number"):
                expected = "free_text" if param.name == "value" else "phone"
                assert category(param.name) == expected, f"{spec.label}.{param.name}"


def test_names_that_say_secret_are_secret() -> None:
    words = {"pass", "password", "secret", "token", "key"}
    for name, cat in CLASSIFICATION.items():
        if words & set(name.split("_")):
            assert cat == "secret", name
