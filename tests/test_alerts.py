"""The Prometheus rules name only metrics the gateway really exports."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gateway.metrics import Metrics

from .conftest import Gateway

RULES = Path(__file__).resolve().parent.parent / "deploy" / "prometheus" / "alerts.yaml"
REQUIRED = {
    "VicigwCredentialOutOfService",
    "VicigwAllCredentialsOutOfService",
    "VicigwAppErrorRatio",
    "VicigwUpstreamLatencyP99",
    "VicigwConfigReloadFailed",
    "VicigwCredentialTooOld",
}


def exported_series_names(text: str) -> set[str]:
    """Sample names a scrape can contain, from the # TYPE lines of an exposition."""
    names: set[str] = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, re.MULTILINE):
        if kind == "counter":
            base = name.removesuffix("_total")
            names |= {f"{base}_total", f"{base}_created"}
        elif kind == "histogram":
            names |= {f"{name}_bucket", f"{name}_count", f"{name}_sum", f"{name}_created"}
        else:
            names.add(name)
    return names


def test_rules_file_shape() -> None:
    doc = yaml.safe_load(RULES.read_text())
    rules = [r for g in doc["groups"] for r in g["rules"]]
    assert {r["alert"] for r in rules} == REQUIRED
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}
        assert rule["annotations"]["summary"]


async def test_every_metric_in_the_rules_is_exported(gateway: Gateway) -> None:
    await gateway.call("version")
    async with gateway.session.get(f"{gateway.base_url}/metrics") as r:
        exported = exported_series_names(await r.text())
    # Every family of the registry is on the page, with or without samples yet.
    assert exported >= exported_series_names(Metrics().render().decode())
    doc = yaml.safe_load(RULES.read_text())
    for rule in (r for g in doc["groups"] for r in g["rules"]):
        used = set(re.findall(r"\bvicigw_[a-z_]+", rule["expr"]))
        assert used, rule["alert"]
        assert used <= exported, (rule["alert"], used - exported)
