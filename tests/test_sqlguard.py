"""gateway.sim.sqlguard: the simulator's model of VICIdial's SQL, as a pure function."""

from __future__ import annotations

from gateway.sim.params import Params
from gateway.sim.sqlguard import breakouts


def _form(function: str, last: str = "source", **params: str) -> Params:
    form = {**params, "function": function, "user": "6666", "pass": "pw", last: "crm"}
    return Params({}, form, form[last])


def test_a_quote_in_a_single_quoted_statement_breaks_out() -> None:
    found = breakouts("update_user", _form("update_user", agent_user="1001", email="x' -- "))
    assert len(found) == 1 and found[0].startswith("email: '")


def test_a_statement_that_does_not_run_is_no_breakout() -> None:
    # title reaches single-quoted SQL only in the DUPTITLEALTPHONE* checks (and, stored, later:
    # that use counts always, so a title with a quote still breaks out).
    ok = breakouts("add_lead", _form("add_lead", phone_number="3125551212", title="Dr"))
    assert ok == []
    found = breakouts("add_lead", _form("add_lead", phone_number="3125551212", title="D'r"))
    assert any(f.startswith("title: '") for f in found)


def test_a_backslash_in_any_quoted_statement_breaks_out() -> None:
    found = breakouts("add_lead", _form("add_lead", phone_number="3125551212", comments="x\\"))
    assert any(f.startswith("comments:") for f in found)


def test_bare_values_are_judged_as_vicidial_filtered_them() -> None:
    # field_name goes into SQL unquoted, but only after VICIdial's filter, which keeps
    # [-_0-9a-zA-Z]: "city,(SELECT 1)" reaches SQL as "citySELECT1", an unknown column (a SQL
    # error the handler answers) but no breakout.
    assert (
        breakouts("lead_field_info", _form("lead_field_info", lead_id="1", field_name="city")) == []
    )
    filtered = _form("lead_field_info", lead_id="1", field_name="city,(SELECT 1)")
    assert filtered.as_vicidial_reads("field_name") == "citySELECT1"
    assert breakouts("lead_field_info", filtered) == []


def test_a_twice_decoded_value_is_checked_decoded() -> None:
    plain = _form("add_list", list_id="93001", web_form_address="http://x/%27")
    assert breakouts("add_list", plain) == []  # not decoded again: %27 stays three characters
    decoded = _form("add_list", list_id="93001", web_form_address="http%3A%2F%2Fx%27")
    assert any(f.startswith("web_form_address:") for f in breakouts("add_list", decoded))


def test_forwarded_values_and_the_last_form_field() -> None:
    forwarded = _form("update_list", list_id="101", field_help="a&b=c")
    assert any("forwarded" in f for f in breakouts("update_list", forwarded))
    last = _form("campaigns_list", last="campaign_id")  # a caller's value sent last
    last = Params({}, {**last.body, "campaign_id": "x'y"}, "x'y")
    assert "api_log value (the raw last form field)" in breakouts("campaigns_list", last)


def test_an_unknown_function_only_has_the_last_field_to_check() -> None:
    assert breakouts("vicigw_login_probe", _form("vicigw_login_probe")) == []
