"""The Agent API's SQL facts (gateway.catalog.agent_sql) against the catalog and the recordings.

The facts come from reading agc/api.php (docs/sql-audit/sql_agent.md); these checks tie them to
the rest of the project so a function, parameter or recording added on one side and not the
other is caught.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from gateway.catalog import AGENT_CATALOG
from gateway.catalog.agent_sql import (
    AGENT_CHARSETS,
    AGENT_REQUIRED,
    AGENT_SHARED_PARAMS,
    AGENT_SQL_USES,
)

SAMPLES = Path(__file__).parent / "data" / "agent_samples"
MANIFEST: dict[str, dict[str, Any]] = json.loads((SAMPLES / "manifest.json").read_text())
SHARED: dict[str, dict[str, Any]] = json.loads((SAMPLES / "shared" / "manifest.json").read_text())
ALL = {**MANIFEST, **{f"shared/{name}": entry for name, entry in SHARED.items()}}
LINES = re.compile(r"\[(\d+)(?:, \d+)*\]$")
LOGIN = {"user", "pass", "source", "function"}


def test_every_catalog_function_has_its_facts() -> None:
    assert set(AGENT_SQL_USES) == set(AGENT_CATALOG)
    assert set(AGENT_REQUIRED) == set(AGENT_CATALOG)


def test_every_recorded_function_has_its_facts() -> None:
    assert {entry["function"] for entry in MANIFEST.values()} == set(AGENT_SQL_USES)
    # shared/ holds the replies every function shares; only two are no catalog function
    shared = {entry["function"] for entry in SHARED.values()}
    assert shared - set(AGENT_SQL_USES) == {"coffee", "no_such_function"}
    assert set(SHARED) == {p.name for p in (SAMPLES / "shared").glob("*.txt")}


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_recorded_requests_send_only_parameters_api_php_reads(name: str) -> None:
    entry = ALL[name]
    request = entry["request"]
    assert (request["user"], request["pass"]) == ("{user}", "{pass}")  # the login held back
    assert request["function"] == entry["function"]
    assert {k: v for k, v in request.items() if k not in LOGIN} == entry["params"]
    if entry["function"] not in AGENT_SQL_USES:
        return
    known = set(AGENT_SQL_USES[entry["function"]]) | set(AGENT_SHARED_PARAMS) | LOGIN
    assert set(request) <= known, (name, sorted(set(request) - known))


def test_every_charset_is_a_parameter_of_some_function_and_compiles() -> None:
    params = {p for uses in AGENT_SQL_USES.values() for p in uses} | set(AGENT_SHARED_PARAMS)
    assert set(AGENT_CHARSETS) - params == set()
    for name, body in AGENT_CHARSETS.items():
        re.compile(f"[{body}]")  # raises on a malformed class
        assert body, name


def test_a_parameter_that_reaches_sql_has_a_charset() -> None:
    """Every parameter api.php pastes into SQL is one its filters cover (the reloads, matched
    in the raw query string, never reach SQL)."""
    for function, uses in AGENT_SQL_USES.items():
        for param, found in uses.items():
            if found:
                assert param in AGENT_CHARSETS, (function, param)


def test_every_use_names_its_lines_and_the_required_are_parameters() -> None:
    for function, uses in AGENT_SQL_USES.items():
        for param, found in uses.items():
            for use in found:
                assert LINES.search(use.what), (function, param, use.what)
                assert use.quote in ("'", '"', "bare")
        assert set(AGENT_REQUIRED[function]) <= set(uses), function


def test_a_quote_the_filter_keeps_is_one_that_ends_its_literal_somewhere() -> None:
    """The facts the oracle confirmed (sql_agent.md): a double quote in update_fields' and
    external_add_lead's comments, an apostrophe in st_login_log's vendor_id and
    send_notification's notification_text, each kept by the filter and landing in a literal
    of that quote."""
    for function, param, quote in (
        ("update_fields", "comments", '"'),
        ("external_add_lead", "comments", '"'),
        ("st_login_log", "vendor_id", "'"),
        ("send_notification", "notification_text", "'"),
    ):
        assert re.fullmatch(f"[{AGENT_CHARSETS[param]}]", quote), (param, quote)
        assert quote in {u.quote for u in AGENT_SQL_USES[function][param]}, (function, param)
    # and one the filter removes: value never holds a quote
    assert not re.fullmatch(f"[{AGENT_CHARSETS['value']}]", "'")
