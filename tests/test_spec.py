"""gateway.catalog.spec: templates (message, regex, rendering) and SQL uses, on their own."""

from __future__ import annotations

import pytest

from gateway.catalog.spec import BARE_SAFE, FORWARD_UNSAFE, FunctionSpec, Param, SqlUse, Template


def test_a_template_knows_its_result_message_and_fields() -> None:
    t = Template(
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - {phone_number}|{list_id}|{lead_id}|{user}"
    )
    assert t.result == "SUCCESS"
    assert t.message == "LEAD HAS BEEN ADDED"
    assert t.fields == ("phone_number", "list_id", "lead_id", "user")
    assert t.render({"phone_number": "1", "list_id": None}) == (
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|||"
    )
    m = t.regex().fullmatch("SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|5|6666")
    assert m is not None and m.groupdict()["lead_id"] == "5"
    assert t.regex().fullmatch("SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|5|66|66") is None


def test_a_star_field_may_hold_pipes_and_the_literal_after_it_anchors_the_line() -> None:
    t = Template("ERROR: add_lead LEAD HAS NOT BEEN ADDED - {phone_number}|{sql_statement*}|{user}")
    m = t.regex().fullmatch("ERROR: add_lead LEAD HAS NOT BEEN ADDED - 1|a|b;|6666")
    assert m is not None and m["sql_statement"] == "a|b;" and m["user"] == "6666"


def test_a_line_without_a_result_word_needs_an_override() -> None:
    with pytest.raises(ValueError):
        _ = Template("VERSION: {version}").result
    assert Template("VERSION: {version}", result_override="SUCCESS").result == "SUCCESS"


def test_sql_uses_apply_by_their_condition() -> None:
    always = SqlUse("'", "x")
    named = SqlUse("'", "x", when=("duplicate_check", "contains", ("NAME", "TITLE")))
    exact = SqlUse('"', "x", when=("tz_method", "equals", ("TZCODE",)))
    present = SqlUse("bare", "x", when=("list_id", "not_empty", ()))
    assert always.applies({}) and always.applies(None)
    assert named.applies({"duplicate_check": "DUPNAMEPHONESYS"})
    assert not named.applies({"duplicate_check": "DUPLIST"}) and not named.applies({})
    assert exact.applies({"tz_method": "TZCODE"}) and not exact.applies({"tz_method": "TZCODEX"})
    assert present.applies({"list_id": "101"}) and not present.applies({"list_id": ""})
    # Without a request (a config value) every statement counts.
    assert named.applies(None) and exact.applies(None) and present.applies(None)


def test_safe_bare_values_and_forwarding_characters() -> None:
    for ok in ("101", "5001,5002", "first_name", ""):
        assert BARE_SAFE.fullmatch(ok)
    for bad in ("1 OR 1", "1)", "a-b", "x'", "1;"):
        assert not BARE_SAFE.fullmatch(bad)
    assert set(FORWARD_UNSAFE) == {"&", "%", "+"}


def test_a_spec_finds_its_params_and_templates() -> None:
    spec = FunctionSpec(
        name="f",
        summary="s",
        effect="read_only",
        idempotent=True,
        params=(Param("a"), Param("b", "int")),
        templates=(Template("ERROR: f NOT FOUND: {a}", error_type="not_found"),),
    )
    assert spec.param("b") == Param("b", "int") and spec.param("c") is None
    assert spec.param_names == {"a", "b"}
    assert spec.template("NOT FOUND").error_type == "not_found"
    with pytest.raises(KeyError):
        spec.template("NOT THERE")
