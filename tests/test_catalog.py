"""The catalog itself: templates compile, are told apart, round-trip; names have sensible types."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path
from typing import Any, get_args

import pytest

from gateway.catalog import CATALOG
from gateway.catalog import generic as g
from gateway.catalog.fields import field_type
from gateway.catalog.spec import FieldType, FunctionSpec, Template
from gateway.errors import ERROR_TYPES

FUNCTION_NAMES = Path(__file__).resolve().parent / "data" / "non_agent_functions.txt"

SPECS = list(CATALOG.values())
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(\*?)\}")


def _templates(spec: FunctionSpec) -> list[Template]:
    return [*spec.templates, *g.GENERIC, *g.LOGIN_FAILURES]


def _placeholders(template: Template) -> int:
    return len(_PLACEHOLDER.findall(template.text))


def _sample_values(spec: FunctionSpec, template: Template) -> dict[str, str]:
    """A value per field that fits its type; star fields get a pipe (and a LF) inside."""
    values: dict[str, str] = {}
    for name, star in _PLACEHOLDER.findall(template.text):
        kind = field_type(name, spec.field_types)
        if star:
            values[name] = f"INSERT {name} SET a='1|2'\nb=3;"
        elif kind == "int":
            values[name] = "42"
        elif kind == "decimal":
            values[name] = "-5.00"
        else:
            values[name] = f"v-{name}"
    return values


def _all_templates() -> list[tuple[str, Template]]:
    out = [(spec.name, t) for spec in SPECS for t in spec.templates]
    out += [("generic", t) for t in (*g.GENERIC, *g.LOGIN_FAILURES)]
    return out


def _tricky_values(template: Template) -> dict[str, str]:
    """A value per field that a careless regex gets wrong: regex metacharacters, non-ASCII, a
    backslash; star fields also a pipe and a LF (which only they may hold)."""
    return {
        name: f"a|b\nc;{i}" if star else f"(x{i}).*+?[^]\\$é"
        for i, (name, star) in enumerate(_PLACEHOLDER.findall(template.text))
    }


def _neighbours(function: str) -> list[Template]:
    """The templates a line of ``function``'s could be taken for: its own and the generic ones
    (a generic line can come from any function, so for those: every template)."""
    generic = [*g.GENERIC, *g.LOGIN_FAILURES]
    if function == "generic":
        return generic + [t for spec in SPECS for t in spec.templates]
    return [*CATALOG[function].templates, *generic]


@pytest.mark.parametrize(("function", "template"), _all_templates(), ids=lambda x: str(x)[:60])
def test_a_template_reads_back_exactly_its_own_lines(function: str, template: Template) -> None:
    assert "\n" not in template.text
    assert template.message and template.message in template.text, template.text
    if template.result == "ERROR":
        assert template.error_type in ERROR_TYPES, template.text
    else:
        assert template.error_type is None, template.text
    regex = template.regex()
    for values in (_tricky_values(template), {name: "" for name in template.fields}):
        line = template.render(values)
        m = regex.fullmatch(line)
        # Every value comes back as it was printed, however odd (or empty) it is...
        assert m is not None, (template.text, line)
        assert m.groupdict() == {name: values[name] for name in template.fields}, line
        # ...and the line is this template's only: no other line of the function reads it.
        others = [t for t in _neighbours(function) if t is not template]
        assert [t.text for t in others if t.regex().fullmatch(line)] == [], line
    # The literal text is matched as written: the same line with its reason altered is not it.
    line = template.render(_tricky_values(template))
    altered = line.replace(template.message, template.message.swapcase(), 1)
    assert altered != line and regex.fullmatch(altered) is None, template.text


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_render_and_match_round_trip(spec: FunctionSpec) -> None:
    for template in spec.templates:
        values = _sample_values(spec, template)
        line = template.render(values)
        m = template.regex().fullmatch(line)
        assert m is not None, (template.text, line)
        assert m.groupdict() == {name: values[name] for name in template.fields}


def test_generic_render_and_match_round_trip() -> None:
    for template in (*g.GENERIC, *g.LOGIN_FAILURES):
        values = {name: f"v-{name}" for name in template.fields}
        m = template.regex().fullmatch(template.render(values))
        assert m is not None
        assert m.groupdict() == values


def test_render_leaves_missing_values_empty() -> None:
    template = CATALOG["add_lead"].template("LEAD HAS BEEN ADDED")
    assert template.render({"phone_number": "1", "gmt_offset": None}) == (
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 1||||"
    )


# The two "Invalid Source" lines are always printed together and mean the same.
_SAME_MEANING = {g.INVALID_SOURCE_2}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_messages_unique_per_result_and_field_count(spec: FunctionSpec) -> None:
    seen: dict[tuple[str, str, int], str] = {}
    for template in _templates(spec):
        if template in _SAME_MEANING:
            continue
        key = (template.result, template.message, _placeholders(template))
        assert key not in seen, f"{template.text!r} and {seen[key]!r}"
        seen[key] = template.text


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_templates_sharing_a_reason_are_told_apart(spec: FunctionSpec) -> None:
    # e.g. add_lead DUPLICATE ... IN LIST with 3 or 4 fields: a line of one never matches the other.
    for a, b in combinations(_templates(spec), 2):
        if (a.result, a.message) != (b.result, b.message):
            continue
        for this, other in ((a, b), (b, a)):
            line = this.render(_sample_values(spec, this))
            assert other.regex().fullmatch(line) is None, (this.text, other.text)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_no_line_of_one_template_matches_another(spec: FunctionSpec) -> None:
    templates = _templates(spec)
    for this in templates:
        line = this.render(_sample_values(spec, this))
        matching = [t.text for t in templates if t.regex().fullmatch(line)]
        assert matching == [this.text], line


# --- field types -------------------------------------------------------------------------------

_NUMERIC: dict[str, FieldType] = {
    "gmt_offset": "decimal",
    "gmt_offset_now": "decimal",
    "dial_level": "decimal",
    "tz": "decimal",
    "tznow": "decimal",
    "dial_timeout": "int",
    "calls_today": "int",
    "user_level": "int",
    "called_count": "int",
    "rank": "int",
    "resets_today": "int",
    "records_found": "int",
    "inserted_alt_phones": "int",
    "epoch": "int",
    "dst": "int",
    # Measures of the other areas: durations in seconds, counts, levels, ranks, percentages.
    "agent_user_level": "int",
    "api_user_level": "int",
    "source_user_level": "int",
    "avg_pause_time": "int",
    "avg_session": "int",
    "avg_talk_time": "int",
    "avg_wait_time": "int",
    "calls": "int",
    "dead_time": "int",
    "dispo_time": "int",
    "login_time": "int",
    "pause_time": "int",
    "pauses": "int",
    "pauses_per_session": "int",
    "sessions": "int",
    "talk_time": "int",
    "total_talk_time": "int",
    "wait_time": "int",
    "human_answered_calls": "int",
    "total_calls": "int",
    "custtime": "int",
    "length_in_sec": "int",
    "age_days": "int",
    "count": "int",
    "hopper_order": "int",
    "priority": "int",
    "agents_in_calls": "int",
    "agents_in_dial": "int",
    "agents_in_dispo": "int",
    "agents_logged_in": "int",
    "agents_paused": "int",
    "agents_waiting": "int",
    "calls_waiting": "int",
    "agents_in_dead_calls": "int",
    "duration": "int",
    "url_call_length": "int",
    "url_rank": "int",
    "call_count_today": "int",
    "entry": "int",
    "daily_reset_limit": "int",
    "number_of_lines": "int",
    "valid_campaign": "int",
    "campaign_grade": "int",
    "campaign_rank": "int",
    "ingroup_grade": "int",
    "ingroup_rank": "int",
    "valid_phone_alias": "int",
    "valid_phone_login": "int",
    "valid_user_group": "int",
    "wrapup_seconds_override": "int",
    "pause_pct": "decimal",
    "pct_of_queue": "decimal",
    "auto_dial_limit": "decimal",
}
_DATES = {
    "date": "datetime",
    "callback_datetime": "datetime",
    "list_changedate": "datetime",
    "list_lastcalldate": "datetime",
    "last_local_call_time": "datetime",
    "date_of_birth": "date",
    "expiration_date": "date",
    "call_date": "datetime",
    "start_time": "datetime",
}
_PHONES = {"phone_number", "alt_phone", "search_key"}


def _all_names() -> set[tuple[str, str]]:
    names: set[tuple[str, str]] = set()
    for spec in SPECS:
        for template in _templates(spec):
            names |= {(spec.name, n) for n in template.fields}
        if spec.rows is not None:
            names |= {(spec.name, c) for c in spec.rows.columns}
    return names


@pytest.mark.parametrize(("function", "name"), sorted(_all_names()))
def test_every_field_name_has_a_sensible_type(function: str, name: str) -> None:
    kind: Any = field_type(name, CATALOG[function].field_types)
    assert kind in get_args(FieldType)
    if name in _NUMERIC:
        assert kind == _NUMERIC[name]
    elif name.endswith(("_count", "_rows")):
        assert kind == "int"
    else:
        # Only measures are numbers: ids, codes, phone numbers keep leading zeros as strings.
        assert kind not in ("int", "decimal"), name
    if name in _DATES:
        assert kind == _DATES[name]
    elif kind in ("date", "datetime"):
        pytest.fail(f"{name} is typed {kind} but is not a known date column")
    if name in _PHONES:
        assert kind == "phone"
    if name.endswith("_id") or name in ("user", "agent_user", "user_group", "callerid"):
        assert kind in ("id", "text", "code")


# --- specs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_gateway_params_are_not_caller_params(spec: FunctionSpec) -> None:
    assert not set(spec.gateway_params) & spec.param_names
    if spec.gateway_params:
        assert spec.rows is not None and spec.rows.delimiter_option == "stage"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_params_are_unique(spec: FunctionSpec) -> None:
    names = [p.name for p in spec.params]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("spec", [s for s in SPECS if s.rows is not None], ids=lambda s: s.name)
def test_rows_facts_are_consistent(spec: FunctionSpec) -> None:
    rows = spec.rows
    assert rows is not None
    columns = set(rows.columns)
    assert len(columns) == len(rows.columns)
    assert set(rows.free_text) <= columns
    assert {c for c, _sep in rows.split_columns} <= columns
    assert 0 <= rows.optional_tail < len(rows.columns)
    for column, param, _value in rows.conditional_columns:
        assert column in columns
        assert spec.param(param) is not None, param
    if rows.custom_columns is not None:
        assert spec.param(rows.custom_columns[0]) is not None
    if rows.single_if_param is not None:
        assert spec.param(rows.single_if_param) is not None
    if rows.delimiter_option == "pipe":
        assert rows.stage is None and "stage" not in spec.gateway_params
    if rows.request_header:
        assert "header" in spec.gateway_params


def test_catalog_names_match_specs() -> None:
    """Every Non-Agent API function of the reference (all but the coffee joke), no other."""
    assert all(name == spec.name for name, spec in CATALOG.items())
    expected = {
        line for line in FUNCTION_NAMES.read_text().splitlines() if line and line[0] != "#"
    }
    assert len(expected) == 61
    assert set(CATALOG) == expected


def test_generic_lines() -> None:
    # Login refusals are decided by gateway.refusal alone, never read by the parser.
    assert not set(g.LOGIN_FAILURES) & set(g.GENERIC)
    assert all(t.result == "ERROR" for t in (*g.GENERIC, *g.LOGIN_FAILURES))
    assert g.LOCKED.error_type == "unavailable"
    assert "pass" in g.BAD_LOGIN.fields
    for template in (*g.GENERIC, *g.LOGIN_FAILURES):
        assert template.message in g.CALLER_MESSAGES, template.text


def test_version_needs_no_login_and_has_one_success_line() -> None:
    spec = CATALOG["version"]
    assert not spec.needs_login
    assert [t.result for t in spec.templates] == ["SUCCESS"]
    assert spec.templates[0].fields == ("version", "build", "date", "epoch", "dst", "tz", "tznow")
