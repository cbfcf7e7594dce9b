"""gateway.sim.params: request parameters as non_agent_api.php sees them (no server needed)."""

from __future__ import annotations

from gateway.sim.params import FILTERS, Params, keep, register_filters


def test_the_query_string_wins_over_the_body() -> None:
    params = Params({"user": "evil"}, {"user": "6666", "pass": "x"})
    assert params.raw("user") == "evil"
    assert params.raw("pass") == "x"
    assert params.raw("nothing") is None


def test_filters_delete_what_vicidial_deletes() -> None:
    params = Params(
        {}, {"phone_number": "+1 (312) 555-1212", "first_name": "Mary+Jo", "gender": "f"}
    )
    assert params.get("phone_number") == "13125551212"
    assert params.get("first_name") == "Mary Jo"  # "+" becomes a space
    assert params.get("gender") == ""  # lower case is deleted
    assert params.get("source") == ""  # not sent: empty


def test_as_vicidial_reads_is_none_when_not_sent_and_raw_where_no_filter_is_known() -> None:
    params = Params({}, {"comments": 'a;b"c', "unfiltered_name": "x'y"})
    assert params.as_vicidial_reads("comments") == "abc"
    assert params.as_vicidial_reads("unfiltered_name") == "x'y"
    assert params.as_vicidial_reads("missing") is None


def test_the_last_posted_value_is_kept_for_the_api_log() -> None:
    params = Params({}, {"a": "1", "b": "2"}, last_posted="2")
    assert params.last_posted == "2"


def test_a_parameter_keeps_one_filter() -> None:
    before = dict(FILTERS)
    register_filters({"lead_id": keep("0-9")})  # the same filter again: fine
    try:
        register_filters({"lead_id": keep("0-9a-z")})
    except ValueError:
        pass
    else:  # pragma: no cover - the assertion below explains
        raise AssertionError("a second, different filter for one parameter was accepted")
    finally:
        FILTERS.clear()
        FILTERS.update(before)
