"""The Prometheus rules name only metrics the gateway really exports."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web

from gateway.app import SERVICES, create_app
from gateway.config_load import load_config, parse_config
from gateway.metrics import Metrics
from gateway.sim import RunningSim

from .conftest import API_PASS, API_USER, Gateway, config_dict, start_gateway
from .scrape import Scrape, scrape

RULES = Path(__file__).resolve().parent.parent / "deploy" / "prometheus" / "alerts.yaml"
REQUIRED = {
    "VicigwCredentialOutOfService",
    "VicigwAllCredentialsOutOfService",
    "VicigwAppErrorRatio",
    "VicigwUpstreamLatencyP99",
    "VicigwConfigReloadFailed",
    "VicigwCredentialTooOld",
    "VicigwCredentialHeld",
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


# --- rules evaluated against real scrapes -------------------------------------------------
# A small evaluator for the one shape of rule tested here, ``<vector> <op> <number>``, where the
# vector is a metric (with label matchers) or ``(time() - metric)`` and the number a product of
# integers. Anything else is refused, so a rule rewritten out of that shape fails loudly here.

_MATCHER = re.compile(r'(\w+)="([^"]*)"')
_RULE = re.compile(
    r"^\s*(?P<vector>\(time\(\) - (?P<m1>[a-z_]+)\)|(?P<m2>[a-z_]+)(?P<sel>\{[^}]*\})?)"
    r"\s*(?P<op>==|>|<)\s*(?P<num>\d+(?:\s*\*\s*\d+)*)\s*$"
)


def firing(expr: str, page: Scrape, now: float) -> list[dict[str, str]]:
    """The label sets for which ``expr`` holds on this scrape at ``now``."""
    m = _RULE.match(expr)
    assert m is not None, f"rule outside the evaluator's shape: {expr!r}"
    threshold = 1
    for factor in m["num"].split("*"):
        threshold *= int(factor)
    name = m["m1"] or m["m2"]
    wanted = dict(_MATCHER.findall(m["sel"] or ""))
    out = []
    for sample in page.find(name, **wanted):
        value = now - sample.value if m["m1"] else sample.value
        holds = {"==": value == threshold, ">": value > threshold, "<": value < threshold}
        if holds[m["op"]]:
            out.append(sample.labels)
    return out


def rule(name: str) -> dict:  # type: ignore[type-arg]
    doc = yaml.safe_load(RULES.read_text())
    (found,) = [r for g in doc["groups"] for r in g["rules"] if r["alert"] == name]
    return found  # type: ignore[no-any-return]


async def test_credential_too_old_fires_after_a_restart(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    """The age of a secret is its file's time, so a restart does not make it young again."""
    old, new = tmp_path / "pass_old", tmp_path / "pass_new"
    old.write_text(API_PASS + "\n")
    new.write_text("Second-Pass_0043\n")
    rotated = time.time() - 91 * 86400
    os.utime(old, (rotated, rotated))
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"]["credentials"] = [
        {"name": "api-a", "user": API_USER, "pass": {"file": str(old)}},
        {"name": "api-b", "user": "6667", "pass": {"file": str(new)}},
    ]
    expr = rule("VicigwCredentialTooOld")["expr"]
    for _ in range(2):  # the second start is a restart
        cfg = parse_config(doc)
        runner, base = await start_gateway(cfg)
        try:
            async with aiohttp.ClientSession() as s:
                page = await scrape(s, base)
        finally:
            await runner.cleanup()
        fired = firing(expr, page, time.time())
        assert [labels["credential"] for labels in fired] == ["api-a"]


async def test_reload_failed_fires_while_the_rejected_file_stays(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    path = tmp_path / "config.yaml"
    doc = config_dict(sim.base_url, sim.ca_file)
    path.write_text(yaml.safe_dump(doc))
    app = create_app(load_config(path))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    expr = rule("VicigwConfigReloadFailed")["expr"]
    try:
        async with aiohttp.ClientSession() as s:
            assert firing(expr, await scrape(s, base), time.time()) == []
            path.write_text("apps: [this is: not valid")
            assert await app[SERVICES].generations.reload() is False
            assert firing(expr, await scrape(s, base), time.time()) == [{}]
            path.write_text(yaml.safe_dump(doc))
            assert await app[SERVICES].generations.reload() is True
            assert firing(expr, await scrape(s, base), time.time()) == []
    finally:
        await runner.cleanup()


async def test_credential_held_fires_for_a_held_credential(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"]["credentials"].append(
        {"name": "api-b", "user": "6667", "pass": "Second-Pass_0043", "hold": True}
    )
    runner, base = await start_gateway(parse_config(doc))
    try:
        async with aiohttp.ClientSession() as s:
            page = await scrape(s, base)
    finally:
        await runner.cleanup()
    fired = firing(rule("VicigwCredentialHeld")["expr"], page, time.time())
    assert [labels["credential"] for labels in fired] == ["api-b"]
