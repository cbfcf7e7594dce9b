"""gateway.catalog.describe: the catalog as JSON for GET /v1/functions and vicigw functions."""

from __future__ import annotations

import json

from gateway.catalog import CATALOG
from gateway.catalog.describe import describe, describe_param


def test_every_function_describes_as_json_with_every_parameter() -> None:
    for spec in CATALOG.values():
        out = describe(spec)
        json.dumps(out)
        assert out["name"] == spec.name and out["effect"] == spec.effect
        assert [p["name"] for p in out["params"]] == [p.name for p in spec.params]


def test_an_apps_rules_show_on_its_parameters() -> None:
    spec = CATALOG["add_lead"]
    out = describe(spec, {"list_id": (("101", "102"), None), "duplicate_check": (None, "DUPLIST")})
    params = {p["name"]: p for p in out["params"]}
    assert params["list_id"]["allowed_values"] == ["101", "102"]
    assert params["duplicate_check"]["fixed_value"] == "DUPLIST"
    assert "allowed_values" not in params["phone_number"]


def test_a_parameter_says_its_kind_limits_and_choices() -> None:
    spec = CATALOG["lead_field_info"]
    field_name = spec.param("field_name")
    assert field_name is not None
    out = describe_param(field_name)
    assert out["kind"] == "code" and out["required"] is True
    assert "first_name" in out["choices"] and out["max_length"] == field_name.max_len
    lead_ids = CATALOG["batch_update_lead"].param("lead_ids")
    assert lead_ids is not None and describe_param(lead_ids)["list_separator"] == ","


def test_streamed_exports_say_so() -> None:
    assert describe(CATALOG["did_log_export"])["streamed"] is True
    assert describe(CATALOG["campaigns_list"])["streamed"] is False
