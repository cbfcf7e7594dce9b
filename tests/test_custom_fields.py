"""Custom lead fields through the gateway (``gateway.custom_fields``), over real sockets against
the simulator, whose custom tables are checked against genuine replies in
``tests/test_custom_fields_sim.py``.
"""

from __future__ import annotations

import dataclasses
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from gateway.app import create_app
from gateway.config_load import parse_config
from gateway.custom_fields import custom_param
from gateway.errors import BadRequest, ConfigError
from gateway.policy import check_value
from gateway.sim import ManualClock, SimState, start_simulator
from gateway.sim.data_leads import CallLogRow
from gateway.sim.data_lists import CustomField
from gateway.sim.faults import Faults

from .conftest import API_PASS, API_USER, Gateway, config_dict
from .test_custom_fields_sim import add_custom_lists

LABELS = ["favorite_color", "notes_area", "visit_date"]


# --- 2. the custom value is one more Param through the policy's checks --------------------------


@pytest.mark.parametrize(
    "value",
    ['say "hi"', "O'Brien", "a;b", "a+b", "back\\slash", "line\nbreak", "tab\there", "nul\x00",
     "smile \U0001f600", "bidi\u202e", "x" * 21_846],
)  # fmt: skip
def test_custom_values_refused(value: str) -> None:
    with pytest.raises(BadRequest) as info:
        check_value(custom_param("notes"), value)
    assert info.value.details["parameter"] == "custom_fields.notes"


def test_custom_value_sql_facts() -> None:
    param = custom_param("notes")
    assert param.sql is not None and {u.quote for u in param.sql} == {'"', "'"}
    with pytest.raises(BadRequest) as info:
        check_value(param, "O'Brien")
    assert info.value.details == {"parameter": "custom_fields.notes", "reason": "sql",
                                  "character": "'"}  # fmt: skip
    for fine in ("likes #2 & more", "caf\u00e9 \u2019 100%", "x" * 21_845, ""):
        check_value(param, fine)


# --- 3. through the gateway ----------------------------------------------------------------------


def cf_config(base_url: str, ca_file: Path, **crm_params: Any) -> dict[str, Any]:
    doc = config_dict(base_url, ca_file)
    doc["apps"]["crm"]["params"] = crm_params
    return doc


@dataclasses.dataclass
class CF:
    gateway: Gateway
    state: SimState
    clock: ManualClock

    async def call(self, function: str, body: Any) -> tuple[int, dict[str, Any]]:
        status, reply, _ = await self.gateway.call(function, body)
        return status, reply

    def hits(self, function: str) -> int:
        return self.state.hits(function)


async def _cf(params: dict[str, Any] | None = None, **upstream: Any) -> AsyncIterator[CF]:
    state = SimState.seeded(api_users={API_USER: API_PASS})
    add_custom_lists(state)
    sim = await start_simulator("127.0.0.1", 0, state=state)
    doc = cf_config(sim.base_url, sim.ca_file, **(params or {}))
    doc["upstreams"]["main"].update(upstream)
    cfg = parse_config(doc)
    clock = ManualClock(time.time())
    runner = web.AppRunner(create_app(cfg, clock=clock), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with aiohttp.ClientSession() as session:
            yield CF(Gateway(base, cfg, sim, session, io.StringIO()), state, clock)
    finally:
        await runner.cleanup()
        await sim.close()


@pytest.fixture
async def cf() -> AsyncIterator[CF]:
    async for it in _cf():
        yield it


ADD = {"phone_number": "3125540301", "list_id": "94001"}


async def test_round_trip_add_then_read(cf: CF) -> None:
    values = {"favorite_color": "red", "notes_area": "likes #2 & more, caf\u00e9", "visit_date":
              "2026-12-24"}  # fmt: skip
    status, body = await cf.call("add_lead", {**ADD, "custom_fields": values})
    assert status == 200, body
    lead_id = body["data"]["lead_id"]
    assert body["result"] == "SUCCESS" and body["message"] == "LEAD HAS BEEN ADDED"
    assert [n["message"] for n in body["notices"]] == ["CUSTOM FIELDS VALUES UPDATED"]
    # add_lead went without custom fields (VICIdial's own custom INSERT is broken), then
    # update_lead stored them on the new lead.
    functions = [r.function for r in cf.state.requests]
    assert functions == ["list_custom_fields", "add_lead", "update_lead"]
    assert "custom_fields" not in cf.state.requests[1].body_names
    assert cf.state.listadmin.custom_row("94001", int(lead_id)) == values
    status, body = await cf.call("lead_all_info", {"lead_id": lead_id, "custom_fields": "Y"})
    assert status == 200, body
    (lead,) = body["data"]
    assert {k: lead[k] for k in LABELS} == values
    assert lead["entry_list_id"] == "94001"
    cf.state.leadmedia.call_log.append(
        CallLogRow("1.1", int(lead_id), "TESTCAMP", "2026-12-04 10:00:00", "SALE", "1001")
    )
    status, body = await cf.call("lead_status_search", {"lead_id": lead_id, "custom_fields": "Y"})
    assert status == 200, body
    assert {k: body["data"][0][k] for k in LABELS} == values
    assert not cf.state.sql_breakouts


async def test_update_lead_changes_one_field(cf: CF) -> None:
    status, body = await cf.call(
        "add_lead", {**ADD, "custom_fields": {"favorite_color": "red", "notes_area": "n1"}}
    )
    lead_id = body["data"]["lead_id"]
    cf.state.clear_log()
    status, body = await cf.call(
        "update_lead",
        {"lead_id": lead_id, "comments": "called", "custom_fields": {"favorite_color": "blue"}},
    )
    assert status == 200, body
    assert body["message"] == "LEAD HAS BEEN UPDATED"
    assert body["notices"][0]["message"] == "CUSTOM FIELDS VALUES UPDATED"
    # The lead's list was read first (two lead_field_info calls); its labels were still known.
    assert sorted(r.function for r in cf.state.requests) == [
        "lead_field_info", "lead_field_info", "update_lead"]  # fmt: skip
    assert cf.state.listadmin.custom_row("94001", int(lead_id)) == {
        "favorite_color": "blue",
        "notes_area": "n1",
    }
    status, body = await cf.call("lead_all_info", {"lead_id": lead_id, "custom_fields": "Y"})
    assert {k: body["data"][0][k] for k in LABELS} == {
        "favorite_color": "blue", "notes_area": "n1", "visit_date": None}  # fmt: skip
    # An empty value (or null) empties the field.
    status, body = await cf.call(
        "update_lead", {"lead_id": lead_id, "custom_fields": {"notes_area": None}}
    )
    assert status == 200 and body["result"] == "NOTICE", body
    assert cf.state.listadmin.custom_row("94001", int(lead_id))["notes_area"] == ""


async def test_update_lead_uses_the_entry_list(cf: CF) -> None:
    """A lead moved to list 94002 keeps its custom data in custom_94001 (entry_list_id)."""
    status, body = await cf.call("add_lead", {**ADD, "custom_fields": {"favorite_color": "a"}})
    lead_id = body["data"]["lead_id"]
    cf.state.leads[int(lead_id)].list_id = "94002"
    status, body = await cf.call(
        "update_lead", {"lead_id": lead_id, "custom_fields": {"favorite_color": "b"}}
    )
    assert status == 200, body
    assert cf.state.listadmin.custom_row("94001", int(lead_id)) == {"favorite_color": "b"}


async def test_unknown_label_lists_the_known_ones(cf: CF) -> None:
    status, body = await cf.call("add_lead", {**ADD, "custom_fields": {"favourite": "red"}})
    assert status == 400
    error = body["error"]
    assert "favourite" in error["message"] and "favorite_color" in error["message"]
    assert error["details"] == {
        "parameter": "custom_fields.favourite",
        "list_id": "94001",
        "custom_fields": LABELS,
    }
    assert cf.hits("add_lead") == 0 and cf.hits("update_lead") == 0


async def test_a_field_added_since_is_learned(cf: CF) -> None:
    assert (await cf.call("add_lead", {**ADD, "custom_fields": {"favorite_color": "a"}}))[0] == 200
    cf.state.listadmin.add_custom_field(CustomField(0, "94001", "loyalty", "Loyalty"))
    status, _ = await cf.call("add_lead", {**ADD, "phone_number": "3125540302",
                                           "custom_fields": {"loyalty": "gold"}})  # fmt: skip
    assert status == 400  # the labels were asked for a moment ago
    cf.clock.advance(11)
    status, body = await cf.call("add_lead", {**ADD, "phone_number": "3125540302",
                                              "custom_fields": {"loyalty": "gold"}})  # fmt: skip
    assert status == 200, body
    assert cf.hits("list_custom_fields") == 2


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('a "b"', None),
        ("O'Brien", "sql"),
        ("1;2", None),
        ("a+b", None),
        ("back\\slash", None),
        ("two\nlines", None),
        ("x" * 21_846, None),
        (True, None),
        (1.5, None),
    ],
)
async def test_bad_values_are_400_and_never_sent(cf: CF, value: Any, reason: str | None) -> None:
    status, body = await cf.call("add_lead", {**ADD, "custom_fields": {"notes_area": value}})
    assert status == 400
    assert body["error"]["details"]["parameter"] == "custom_fields.notes_area"
    if reason is not None:
        assert body["error"]["details"]["reason"] == reason
    assert cf.state.requests == []


async def test_shapes_refused(cf: CF) -> None:
    for custom, parameter in (
        ("Y", "custom_fields"),
        (["favorite_color"], "custom_fields"),
        ({"bad label": "x"}, "custom_fields.bad label"),
        ({"x" * 51: "x"}, "custom_fields." + "x" * 51),
    ):
        status, body = await cf.call("add_lead", {**ADD, "custom_fields": custom})
        assert status == 400 and body["error"]["details"]["parameter"] == parameter, body
    # Other functions keep their own meaning of custom_fields (a flag), or have none.
    status, body = await cf.call("lead_search", {"phone_number": "3125550001",
                                                 "custom_fields": {"a": "b"}})  # fmt: skip
    assert status == 400 and "unknown parameter" in body["error"]["message"]
    assert cf.state.requests == []


async def test_labels_are_cached_per_list_for_the_ttl() -> None:
    async for cf in _cf(custom_fields={"ttl": "60s"}):
        for n in range(3):
            status, body = await cf.call(
                "add_lead", {**ADD, "phone_number": f"312554040{n}",
                             "custom_fields": {"favorite_color": "c"}})  # fmt: skip
            assert status == 200, body
        assert cf.hits("list_custom_fields") == 1
        # Another list: asked once for it.
        status, body = await cf.call(
            "add_lead", {"phone_number": "3125540410", "list_id": "94002",
                         "custom_fields": {"favorite_color": "c"}})  # fmt: skip
        assert status == 400
        assert body["error"]["details"] == {"parameter": "custom_fields.favorite_color",
                                            "list_id": "94002", "custom_fields": []}  # fmt: skip
        assert cf.hits("list_custom_fields") == 2
        cf.clock.advance(59)
        await cf.call("add_lead", {**ADD, "phone_number": "3125540420",
                                   "custom_fields": {"favorite_color": "c"}})  # fmt: skip
        assert cf.hits("list_custom_fields") == 2
        cf.clock.advance(2)
        await cf.call("add_lead", {**ADD, "phone_number": "3125540421",
                                   "custom_fields": {"favorite_color": "c"}})  # fmt: skip
        assert cf.hits("list_custom_fields") == 3


async def test_label_cache_is_bounded() -> None:
    async for cf in _cf(custom_fields={"ttl": "1h", "max_lists": 2}):
        for list_id in ("94001", "94002", "94003", "94001"):
            await cf.call("add_lead", {"phone_number": "3125540500", "list_id": list_id,
                                       "custom_fields": {"favorite_color": "c"}})  # fmt: skip
        # 94001 was pushed out by 94002 and 94003, so it was asked for again.
        assert cf.hits("list_custom_fields") == 4


async def test_lists_without_custom_fields(cf: CF) -> None:
    status, body = await cf.call(
        "add_lead", {"phone_number": "3125540600", "list_id": "94002",
                     "custom_fields": {"favorite_color": "c"}})  # fmt: skip
    assert status == 400 and "list 94002 has no custom field" in body["error"]["message"]
    assert "none" in body["error"]["message"]
    status, body = await cf.call(
        "add_lead", {"phone_number": "3125540600", "list_id": "94099",
                     "custom_fields": {"favorite_color": "c"}})  # fmt: skip
    assert status == 400 and body["error"]["message"] == (
        "list 94099 does not exist, so it has no custom fields"
    )
    cf.state.listadmin.custom_fields_enabled = 0
    status, body = await cf.call(
        "add_lead", {"phone_number": "3125540600", "list_id": "101",
                     "custom_fields": {"favorite_color": "c"}})  # fmt: skip
    assert status == 400 and "not enabled" in body["error"]["message"]
    assert cf.hits("add_lead") == 0
    # Without custom fields nothing changes: no lookup at all.
    cf.state.clear_log()
    status, _ = await cf.call("add_lead", {"phone_number": "3125540600", "list_id": "94002"})
    assert status == 200 and [r.function for r in cf.state.requests] == ["add_lead"]
    # An empty object stores nothing and asks nothing.
    status, _ = await cf.call("add_lead", {"phone_number": "3125540601", "list_id": "94002",
                                           "custom_fields": {}})  # fmt: skip
    assert status == 200 and cf.hits("list_custom_fields") == 0


async def test_a_pass_label_is_refused(cf: CF) -> None:
    """VICIdial would store the gateway's password in a custom field called ``pass``."""
    status, body = await cf.call("add_lead", {"phone_number": "3125540700", "list_id": "94003",
                                              "custom_fields": {}})  # fmt: skip
    assert status == 200  # nothing to store: nothing sent with custom_fields=Y
    lead_id = body["data"]["lead_id"]
    status, body = await cf.call("update_lead", {"lead_id": lead_id, "custom_fields": {}})
    assert status == 400 and "'pass'" in body["error"]["message"]
    assert body["error"]["details"] == {"parameter": "custom_fields", "list_id": "94003",
                                        "label": "pass"}  # fmt: skip
    assert cf.hits("update_lead") == 0
    assert cf.state.listadmin.custom_row("94003", int(lead_id)) is None


async def test_a_value_holding_another_label_is_refused(cf: CF) -> None:
    """update_lead would empty ``notes_area`` for a request holding ``&notes_area=``."""
    status, body = await cf.call(
        "add_lead", {**ADD, "custom_fields": {"favorite_color": "a", "notes_area": "keep"}}
    )
    lead_id = body["data"]["lead_id"]
    for request, parameter in (
        ({"comments": "see&notes_area=x", "custom_fields": {"favorite_color": "b"}},
         "comments"),
        ({"custom_fields": {"favorite_color": "b?notes_area=x"}}, "custom_fields.favorite_color"),
    ):  # fmt: skip
        status, body = await cf.call("update_lead", {"lead_id": lead_id, **request})
        assert status == 400, body
        assert body["error"]["details"] == {"parameter": parameter, "label": "notes_area"}
    assert cf.state.listadmin.custom_row("94001", int(lead_id))["notes_area"] == "keep"
    # Sent along with it, the field gets its own value: nothing to refuse.
    status, body = await cf.call("update_lead", {
        "lead_id": lead_id, "comments": "see&notes_area=x",
        "custom_fields": {"notes_area": "new"}})  # fmt: skip
    assert status == 200, body
    assert cf.state.listadmin.custom_row("94001", int(lead_id))["notes_area"] == "new"


async def test_update_lead_needs_one_known_lead(cf: CF) -> None:
    custom = {"custom_fields": {"favorite_color": "b"}}
    for body_in in (
        custom,
        {"phone_number": "3125540301", "search_method": "PHONE_NUMBER", **custom},
        {"lead_id": 5001, "search_method": "LEAD_ID_PHONE_NUMBER", **custom},
        {"lead_id": 5001, "insert_if_not_found": "Y", "phone_code": "1", **custom},
    ):
        status, body = await cf.call("update_lead", body_in)
        assert status == 400 and body["error"]["details"] == {"parameter": "custom_fields"}
    status, body = await cf.call("update_lead", {"lead_id": 999999, **custom})
    assert status == 404 and "lead 999999 not found" in body["error"]["message"]
    assert cf.hits("update_lead") == 0
    # A custom label named like a parameter that is sent as well.
    status, body = await cf.call(
        "update_lead", {"lead_id": 5001, "status": "A", "custom_fields": {"status": "B"}}
    )
    assert status == 400 and body["error"]["details"] == {"parameter": "custom_fields.status"}


async def test_add_lead_failures_leave_nothing_half_done(cf: CF) -> None:
    # add_lead refused (duplicate): no second step.
    cf.state.clear_log()
    dup = {**ADD, "phone_number": "3125550001", "list_id": "94001", "duplicate_check": "DUPSYS"}
    status, body = await cf.call("add_lead", {**dup, "custom_fields": {"favorite_color": "a"}})
    assert status == 409
    assert cf.hits("update_lead") == 0
    # The second step fails: 502 naming the lead that was added.
    cf.state.faults = Faults("http500", functions=frozenset({"update_lead"}))
    status, body = await cf.call("add_lead", {**ADD, "custom_fields": {"favorite_color": "a"}})
    assert status == 502
    lead_id = body["error"]["details"]["lead_id"]
    assert int(lead_id) in cf.state.leads
    assert (
        f"lead {lead_id} was added, but its custom fields were not stored"
        in (body["error"]["message"])
    )


async def test_add_lead_idempotent_with_custom_fields(cf: CF) -> None:
    body_in = {**ADD, "custom_fields": {"favorite_color": "a"}}
    hdrs = {"Idempotency-Key": "cf-1"}
    s1, b1, _ = await cf.gateway.call("add_lead", body_in, headers=hdrs)
    s2, b2, h2 = await cf.gateway.call("add_lead", body_in, headers=hdrs)
    assert (s1, s2) == (200, 200) and h2.get("Idempotent-Replayed") == "true"
    assert b1["data"] == b2["data"] and cf.hits("add_lead") == 1
    # Other custom values are another request.
    other = {**ADD, "custom_fields": {"favorite_color": "b"}}
    s3, _, _ = await cf.gateway.call("add_lead", other, headers=hdrs)
    assert s3 == 422


async def test_per_app_allow_and_force() -> None:
    rules = {
        "add_lead": {
            "list_id": {"allow": ["94001"]},
            "custom_fields": {
                "favorite_color": {"allow": ["red", "blue"]},
                "notes_area": {"force": "via crm"},
            },
        },
        "update_lead": {"custom_fields": {"visit_date": {"force": "2027-01-01"}}},
    }
    async for cf in _cf(params=rules):
        status, body = await cf.call("add_lead", {**ADD, "custom_fields": {"favorite_color":
                                                                           "green"}})  # fmt: skip
        assert status == 403 and body["error"]["details"] == {
            "parameter": "custom_fields.favorite_color"}  # fmt: skip
        status, body = await cf.call("add_lead", {**ADD, "custom_fields": {"notes_area": "x"}})
        assert status == 403
        # Forced even when the caller sends no custom fields at all.
        status, body = await cf.call("add_lead", dict(ADD))
        assert status == 200, body
        lead_id = int(body["data"]["lead_id"])
        assert cf.state.listadmin.custom_row("94001", lead_id) == {"notes_area": "via crm"}
        status, body = await cf.call(
            "update_lead", {"lead_id": lead_id, "custom_fields": {"favorite_color": "x"}}
        )
        assert status == 200, body
        assert cf.state.listadmin.custom_row("94001", lead_id) == {
            "notes_area": "via crm", "favorite_color": "x", "visit_date": "2027-01-01"}  # fmt: skip


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"add_lead": {"custom_fields": {"notes": {"force": "O'Brien"}}}},
         "apps.crm.params.add_lead.custom_fields.notes.force: 'custom_fields.notes' may not"),
        ({"add_lead": {"custom_fields": {"notes": {"allow": ["a;b"]}}}},
         "apps.crm.params.add_lead.custom_fields.notes.allow: 'custom_fields.notes' contains"),
        ({"add_lead": {"custom_fields": {"bad-label": {"force": "x"}}}},
         "apps.crm.params.add_lead.custom_fields.bad-label: a custom field label"),
        ({"update_lead": {"custom_fields": {"pass": {"force": "x"}}}},
         "apps.crm.params.update_lead.custom_fields.pass: is a form field the gateway sends"),
        ({"add_lead": {"custom_fields": ["notes"]}},
         "apps.crm.params.add_lead.custom_fields: must be a mapping"),
        ({"lead_search": {"custom_fields": {"notes": {"force": "x"}}}},
         "apps.crm.params.lead_search.custom_fields: lead_search has no parameter"),
        ({"add_lead": {"custom_fields": {"notes": {"force": "x", "deny": ["y"]}}}},
         "apps.crm.params.add_lead.custom_fields.notes.deny: unknown key"),
    ],
)  # fmt: skip
def test_config_checks_custom_field_rules(rules: dict[str, Any], message: str) -> None:
    doc = config_dict()
    doc["apps"]["crm"]["params"] = rules
    with pytest.raises(ConfigError) as info:
        parse_config(doc)
    assert any(e.startswith(message) for e in info.value.errors), info.value.errors


def test_config_custom_fields_cache_settings() -> None:
    doc = config_dict()
    assert parse_config(doc).upstreams["main"].custom_fields.ttl == 300.0
    doc["upstreams"]["main"]["custom_fields"] = {"ttl": "2m", "max_lists": 50}
    got = parse_config(doc).upstreams["main"].custom_fields
    assert (got.ttl, got.max_lists) == (120.0, 50)
    doc["upstreams"]["main"]["custom_fields"] = {"ttl": "soon", "max_lists": 0, "size": 1}
    with pytest.raises(ConfigError) as info:
        parse_config(doc)
    errors = "\n".join(info.value.errors)
    assert "upstreams.main.custom_fields.ttl" in errors
    assert "upstreams.main.custom_fields.max_lists" in errors
    assert "upstreams.main.custom_fields.size: unknown key" in errors


async def test_lead_all_info_of_a_lead_without_custom_data_is_vicidials_500(cf: CF) -> None:
    """VICIdial's SELECT names no column when the lead's entry list has none (sample
    lead_all_info__custom_fields_no_table): the gateway cannot repair it and says so."""
    status, body = await cf.call("lead_all_info", {"lead_id": 5001, "custom_fields": "Y"})
    assert status == 502 and body["error"]["message"] == "VICIdial answered HTTP 500"
    status, body = await cf.call("lead_all_info", {"lead_id": 5001})
    assert status == 200


async def test_functions_lists_custom_fields_with_the_app_rules() -> None:
    rules = {"update_lead": {"custom_fields": {"favorite_color": {"allow": ["red"]}}}}
    async for cf in _cf(params=rules):
        headers = {"Authorization": f"Bearer {cf.gateway.token()}"}
        url = f"{cf.gateway.base_url}/v1/functions"
        async with cf.gateway.session.get(url, headers=headers) as r:
            body = await r.json()
        params = {f["name"]: {p["name"]: p for p in f["params"]} for f in body["functions"]}
        assert params["add_lead"]["custom_fields"]["kind"] == "object"
        assert params["add_lead"]["custom_fields"]["fields"] == {}
        assert params["update_lead"]["custom_fields"]["fields"] == {
            "favorite_color": {"allowed_values": ["red"]}
        }
        assert "custom_fields" not in params["lead_search"]
        assert params["lead_all_info"]["custom_fields"]["kind"] == "flag"


async def test_the_gateway_user_must_be_allowed_its_own_calls(cf: CF) -> None:
    cf.state.users[API_USER].api_allowed_functions = " add_lead update_lead "
    status, body = await cf.call("add_lead", {**ADD, "custom_fields": {"favorite_color": "a"}})
    assert status == 502
    assert body["error"]["message"] == (
        "the gateway's own list_custom_fields call (for custom fields) failed: "
        "the gateway's VICIdial account may not use this function"
    )
    status, body = await cf.call("update_lead", {"lead_id": 5001, "custom_fields": {}})
    assert status == 502 and "own lead_field_info call" in body["error"]["message"]
    assert cf.hits("add_lead") == 0 and cf.hits("update_lead") == 0


async def test_a_custom_value_under_a_gateway_owned_name_is_refused(cf: CF) -> None:
    """Sent as ``pass``, the value would be replaced by the gateway's password in the form, and
    VICIdial would store that password in the list's field called ``pass``."""
    status, body = await cf.call("add_lead", {"phone_number": "3125540800", "list_id": "94003"})
    lead_id = body["data"]["lead_id"]
    for function, request in (
        ("update_lead", {"lead_id": lead_id, "custom_fields": {"pass": "x"}}),
        ("add_lead", {"phone_number": "3125540801", "list_id": "94003",
                      "custom_fields": {"pass": "x"}}),
        ("update_lead", {"lead_id": lead_id, "custom_fields": {"custom_fields": "x"}}),
        ("add_lead", {**ADD, "custom_fields": {"lead_id": "5001"}}),
    ):  # fmt: skip
        cf.state.clear_log()
        status, body = await cf.call(function, request)
        assert status == 400, body
        label = next(iter(request["custom_fields"]))
        assert body["error"]["details"] == {"parameter": f"custom_fields.{label}"}
        assert cf.state.requests == []
    assert cf.state.listadmin.custom_rows.get("94003", {}) == {}


async def test_no_usable_credential_for_the_gateways_own_call_is_503() -> None:
    """The gateway's own list_custom_fields call finds no usable credential: the caller gets
    the 503 of any call then (with its wait), said to be about the own call; not a 500."""
    held = [{"name": "api-a", "user": API_USER, "pass": API_PASS, "hold": True}]
    async for cf in _cf(credentials=held):
        status, body, headers = await cf.gateway.call(
            "add_lead", {**ADD, "custom_fields": {"favorite_color": "a"}}
        )
        assert (status, body["error"]["type"]) == (503, "unavailable"), body
        assert body["error"]["message"].startswith(
            "the gateway's own list_custom_fields call (for custom fields) failed: no VICIdial "
            "credential is usable now"
        )
        assert int(headers["Retry-After"]) >= 1
        assert cf.state.requests == []
