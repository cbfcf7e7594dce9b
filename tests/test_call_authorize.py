"""Step 2 of a call, without a server: the function, the app's rules (the real policy) and the
custom lead fields."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from gateway.call.authorize import authorize, authorize_custom, find_function
from gateway.catalog import CATALOG
from gateway.catalog.reply import ParsedReply
from gateway.catalog.spec import FunctionSpec
from gateway.config_load import parse_config
from gateway.custom_fields import CustomFields
from gateway.errors import BadRequest, Forbidden, GatewayError, UnknownFunction

from .conftest import config_dict

CFG = parse_config(config_dict())


def test_a_function_is_found_by_its_name_or_is_a_404_naming_it_escaped() -> None:
    assert find_function("add_lead") is CATALOG["add_lead"]
    with pytest.raises(UnknownFunction) as info:
        find_function("no_such\n" + "x" * 100)
    assert info.value.status == 404
    assert info.value.details == {"function": "no_such\\n" + "x" * 56}


def test_the_body_becomes_the_form_by_the_apps_rules_and_the_log_masks_the_phone() -> None:
    spec = CATALOG["add_lead"]
    body = {"phone_number": "3125557006", "list_id": "101", "first_name": "Ada"}
    got = authorize(CFG.apps["crm"], spec, body, CFG.audit)
    assert got.params["phone_number"] == "3125557006" and got.params["list_id"] == "101"
    assert got.custom is None
    assert got.loggable["phone_number"] == "******7006"
    assert got.loggable["list_id"] == "101"
    assert "first_name" not in got.loggable  # personal data is not logged by default


def test_what_the_app_may_not_send_is_refused() -> None:
    spec = CATALOG["add_lead"]
    with pytest.raises(Forbidden):  # list_id is limited to 101, 102, 999 for crm
        authorize(
            CFG.apps["crm"], spec, {"phone_number": "3125557006", "list_id": "555"}, CFG.audit
        )
    with pytest.raises(Forbidden):  # reports may not call add_lead at all
        authorize(CFG.apps["reports"], spec, {"phone_number": "3125557006"}, CFG.audit)
    with pytest.raises(BadRequest):
        authorize(
            CFG.apps["crm"], spec, {"phone_number": "3125557006", "custom_fields": 1}, CFG.audit
        )


async def test_custom_fields_are_taken_apart_and_checked_against_the_lists_labels() -> None:
    spec = CATALOG["add_lead"]
    asked: list[tuple[str, dict[str, str]]] = []

    async def lookup(spec: FunctionSpec, params: Mapping[str, str]) -> ParsedReply:
        asked.append((spec.name, dict(params)))
        row = {"list_id": "101", "custom_fields_list_space_delimited": ["color"]}
        return ParsedReply("SUCCESS", None, [row], (), None)

    fields = CustomFields(lambda: 0.0)
    upstream = CFG.upstreams["main"]
    plain = authorize(CFG.apps["crm"], spec, {"phone_number": "3125557006"}, CFG.audit)
    plan = await authorize_custom(fields, CFG.apps["crm"], upstream, spec, plain, lookup)
    assert (plan.params, plan.after, asked) == (plain.params, None, [])  # nothing to look up
    body = {"phone_number": "3125557006", "list_id": "101", "custom_fields": {"color": "red"}}
    custom = authorize(CFG.apps["crm"], spec, body, CFG.audit)
    assert custom.custom == {"color": "red"} and "custom_fields" not in custom.params
    plan = await authorize_custom(fields, CFG.apps["crm"], upstream, spec, custom, lookup)
    assert asked == [("list_custom_fields", {"list_id": "101"})]
    assert plan.after is not None  # stored by a second call once the lead is added
    assert plan.fingerprint["custom_fields.color"] == "red"
    body["custom_fields"] = {"size": "L"}
    unknown = authorize(CFG.apps["crm"], spec, body, CFG.audit)
    with pytest.raises(GatewayError) as info:
        await authorize_custom(fields, CFG.apps["crm"], upstream, spec, unknown, lookup)
    assert info.value.status == 400 and "size" in info.value.message
