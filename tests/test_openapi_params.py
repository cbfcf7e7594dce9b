"""Request parameter schemas: regexes only where ECMA-262 reads them alike, character checks
that no final line feed slips through, integers and booleans as the policy takes them."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from gateway.catalog import CATALOG
from gateway.catalog.spec import FunctionSpec, Param
from gateway.config import ParamRule
from gateway.openapi_params import ParamSchema, ecma

SPEC = CATALOG["add_lead"]


def _valid(param: Param, value: object, rule: ParamRule | None = None) -> bool:
    schema = ParamSchema(SPEC, param, rule, heavy_ok=False).schema()
    return Draft202012Validator(schema).is_valid(value)


def test_python_only_regexes_are_not_passed_as_ecma() -> None:
    assert ecma("[0-9]+(?:,[0-9]+)*") == "[0-9]+(?:,[0-9]+)*"
    assert ecma("(?i)size") == "[sS][iI][zZ][eE]"
    assert ecma(r"(?P<x>a)") is None
    assert ecma(r"\Aa\Z") is None


def test_a_final_line_feed_is_refused() -> None:
    """ "$" matches before a final LF in Python's re: the checks must not rely on it."""
    phone = Param("phone_number", "phone", max_len=18)
    assert _valid(phone, "3125551212")
    assert not _valid(phone, "3125551212\n")
    assert not _valid(phone, "312-555")
    assert _valid(Param("notes", "text", multiline=True), "a\nb")


def test_integers_follow_the_charset_and_length() -> None:
    rank = Param("rank", "int", max_len=5)
    assert _valid(rank, 99999) and not _valid(rank, 100000) and not _valid(rank, -1)
    assert not _valid(Param("name", "text", charset="a-z"), 5)


def test_rules_narrow_the_schema() -> None:
    list_id = Param("list_id", "id", max_len=14)
    rule = ParamRule(allow=("101", "102"))
    assert _valid(list_id, "101", rule) and _valid(list_id, 102, rule)
    assert not _valid(list_id, "103", rule) and not _valid(list_id, 103, rule)
    flag = Param("dnc", "flag", choices=("Y", "N"))
    assert _valid(flag, True) and _valid(flag, False)
    forced = ParamRule(force="N")
    assert not _valid(flag, True, forced) and _valid(flag, False, forced)


def test_heavy_values_need_the_apps_leave() -> None:
    spec: FunctionSpec = CATALOG["hopper_list"]
    heavy = next(p for p in spec.params if p.heavy)
    value = heavy.heavy[0]
    refused = ParamSchema(spec, heavy, None, heavy_ok=False).schema()
    allowed = ParamSchema(spec, heavy, None, heavy_ok=True).schema()
    assert not Draft202012Validator(refused).is_valid(value)
    assert Draft202012Validator(allowed).is_valid(value)
