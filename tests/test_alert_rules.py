"""promtool checks the alert rules and runs their unit tests (deploy/prometheus/alerts_test.yaml).

``promtool check rules`` parses every expression the way Prometheus will; ``promtool test rules``
evaluates each main alert on input series over time and compares what fires, labels and
annotations included. The input series are the gateway's own: each one's name and labels are
checked here against a live ``/metrics``, so a test cannot pass on a series the gateway never
exports. A rule file with a wrong threshold makes the unit tests fail (they can catch something).
promtool comes from Debian's ``prometheus`` package (.ci/run installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import Gateway
from .scrape import scrape

PROMETHEUS = Path(__file__).resolve().parent.parent / "deploy" / "prometheus"
RULES = PROMETHEUS / "alerts.yaml"
RULE_TESTS = PROMETHEUS / "alerts_test.yaml"
# The alerts the issue names as the main ones: each has a unit test that fires it.
MAIN = {
    "VicigwCredentialOutOfService",
    "VicigwAllCredentialsOutOfService",
    "VicigwAppErrorRatio",
    "VicigwUpstreamLatencyP99",
    "VicigwConfigReloadFailed",
}
_SERIES = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})?$")


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing (.ci/run installs Debian's prometheus package)")
        pytest.skip("promtool is not installed here (apt-get install prometheus)")
    return found


def run_promtool(*args: str, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def rule_tests() -> list[dict]:  # type: ignore[type-arg]
    doc = yaml.safe_load(RULE_TESTS.read_text())
    assert doc["rule_files"] == [RULES.name]
    tests: list[dict] = doc["tests"]  # type: ignore[type-arg]
    return tests


def test_promtool_checks_the_rules() -> None:
    result = run_promtool("check", "rules", RULES.name)
    assert result.returncode == 0, result.stdout + result.stderr
    count = sum(len(g["rules"]) for g in yaml.safe_load(RULES.read_text())["groups"])
    assert f"SUCCESS: {count} rules found" in result.stdout


def test_the_rules_unit_tests_pass() -> None:
    result = run_promtool("test", "rules", RULE_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_each_main_alert_is_shown_firing_and_quiet() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for test in rule_tests():
        for case in test.get("alert_rule_test", []):
            (firing if case["exp_alerts"] else quiet).add(case["alertname"])
    assert firing >= MAIN
    assert quiet >= MAIN
    doc = yaml.safe_load(RULES.read_text())
    every = {r["alert"] for g in doc["groups"] for r in g["rules"]}
    assert firing <= every and quiet <= every


def test_the_unit_tests_catch_a_wrong_threshold(tmp_path: Path) -> None:
    """The same unit tests against rules whose error ratio threshold is 50% instead of 5%."""
    text = RULES.read_text()
    assert text.count("> 0.05") == 1
    (tmp_path / RULES.name).write_text(text.replace("> 0.05", "> 0.5"))
    shutil.copy(RULE_TESTS, tmp_path / RULE_TESTS.name)
    result = run_promtool("test", "rules", RULE_TESTS.name, cwd=tmp_path)
    assert result.returncode != 0
    assert "VicigwAppErrorRatio" in result.stdout + result.stderr


def _input_series() -> list[tuple[str, frozenset[str]]]:
    """(metric name, label names) of every input series of the unit tests."""
    out = []
    for test in rule_tests():
        for series in test["input_series"]:
            m = _SERIES.match(series["series"])
            assert m is not None, series
            labels = re.findall(r'(\w+)="[^"]*"', m["labels"] or "")
            out.append((m["name"], frozenset(labels)))
    return out


async def test_the_input_series_are_the_gateways(gateway: Gateway) -> None:
    """Every input series, by name and label names, is one a live gateway exports."""
    await gateway.call("version")
    await gateway.call("add_lead", {"phone_number": "3125551234", "list_id": "101"})
    page = await scrape(gateway.session, gateway.base_url)
    exported: dict[str, set[frozenset[str]]] = {}
    for sample in page.samples:
        exported.setdefault(sample.name, set()).add(frozenset(sample.labels))
    series = _input_series()
    assert series
    for name, labels in series:
        assert name in exported, name
        assert labels in exported[name], (name, sorted(labels), exported[name])
