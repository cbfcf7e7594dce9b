"""The Grafana dashboard (deploy/grafana/vicigw.json) queries only what the gateway exports.

A gateway runs against the simulator, takes a few calls (successes, a refused login that fails
over to the next credential, a refusal, a rate-limited call, a bad token, cached replies, a
reload), and its ``/metrics`` is scraped. Every panel's PromQL is then read: each metric it
selects must be on that page, with every label its matchers and its ``by (...)`` clauses name.
The reader is shown to catch a misspelled metric, matcher label and grouping label. The panels'
outcome filters are checked against the error tree, so a new error type cannot go unplotted.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web

from gateway.app import SERVICES, create_app
from gateway.auth import mint_token
from gateway.config_load import load_config
from gateway.errors import GatewayError
from gateway.sim import RunningSim

from .conftest import API_PASS, API_USER, config_dict
from .scrape import Scrape, scrape

DASHBOARD = Path(__file__).resolve().parent.parent / "deploy" / "grafana" / "vicigw.json"
ALERTS = DASHBOARD.parent.parent / "prometheus" / "alerts.yaml"

# What the issue asks the dashboard to show: a panel title for each (lower case, a substring).
REQUIRED_PANELS = [
    "request rate per app",
    "error ratio per app",
    "latency p50 per function",
    "latency p99 per function",
    "upstream latency",
    "credentials in service",
    "credential age",
    "breaker state",
    "rate-limited",
    "refused calls",
    "cache hit ratio",
    "reloads",
]

# --- reading PromQL ------------------------------------------------------------------------

_GRAFANA_VARIABLES = re.compile(r"\$__(?:rate_interval|interval|range)\b")
_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"'  # a string
    r"|\[[^\]]*\]"  # a range, [5m]
    r"|[A-Za-z_:][A-Za-z0-9_:]*"  # an identifier
    r"|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"  # a number
    r"|=~|!~|!=|==|>=|<="
    r"|\S"
)
AGGREGATIONS = {
    "sum", "min", "max", "avg", "count", "group", "stddev", "stdvar",
    "topk", "bottomk", "quantile", "count_values",
}  # fmt: skip
GROUPING = {"by", "without"}
MATCHING = {"on", "ignoring", "group_left", "group_right"}
KEYWORDS = GROUPING | MATCHING | {"bool", "and", "or", "unless", "offset"}


@dataclass(frozen=True)
class Use:
    """A metric one query selects, and a label it needs that metric to have (None: only the
    metric), with where in the query the need comes from."""

    metric: str
    label: str | None
    why: str


def _closing(tokens: list[str], start: int) -> int:
    """The index of the bracket closing the one at ``start``."""
    pairs = {"(": ")", "{": "}"}
    opening, depth = tokens[start], 0
    for i in range(start, len(tokens)):
        if tokens[i] == opening:
            depth += 1
        elif tokens[i] == pairs[opening]:
            depth -= 1
            if depth == 0:
                return i
    raise AssertionError(f"unbalanced {opening!r} in {' '.join(tokens)}")


def _opening(tokens: list[str], end: int) -> int:
    """The index of the ``(`` that the ``)`` at ``end`` closes."""
    depth = 0
    for i in range(end, -1, -1):
        if tokens[i] == ")":
            depth += 1
        elif tokens[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    raise AssertionError(f"unbalanced ')' in {' '.join(tokens)}")


def uses(expr: str) -> Iterator[Use]:
    """Every metric the query selects and every label it needs of each."""
    tokens = _TOKEN.findall(_GRAFANA_VARIABLES.sub("5m", expr))
    not_metrics: set[int] = set()  # identifiers that are label names
    selectors: dict[int, str] = {}  # token index -> metric
    lists: list[tuple[int, int, int]] = []  # (keyword index, list open, list close)
    for i, tok in enumerate(tokens):
        if tok in KEYWORDS and i + 1 < len(tokens) and tokens[i + 1] == "(":
            close = _closing(tokens, i + 1)
            not_metrics.update(range(i + 1, close + 1))
            lists.append((i, i + 1, close))
        elif tok == "{":
            not_metrics.update(range(i, _closing(tokens, i) + 1))
    for i, tok in enumerate(tokens):
        if i in not_metrics or tok in KEYWORDS or not re.fullmatch(r"[A-Za-z_:][\w:]*", tok):
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if after == "(" or (tok in AGGREGATIONS and after in GROUPING):
            continue  # a function or an aggregation
        selectors[i] = tok
        yield Use(tok, None, "selected")
        if after == "{":
            close = _closing(tokens, i + 1)
            inner = tokens[i + 2 : close]
            for j, name in enumerate(inner[:-1]):
                if inner[j + 1] in {"=", "!=", "=~", "!~"}:
                    yield Use(tok, name, "label matcher")
    for keyword_at, open_at, close_at in lists:
        labels = [t for t in tokens[open_at + 1 : close_at] if t != ","]
        keyword = tokens[keyword_at]
        if keyword in GROUPING:
            before = tokens[keyword_at - 1] if keyword_at else ""
            if before in AGGREGATIONS:  # sum by (x) (argument)
                arg_open = close_at + 1
                assert tokens[arg_open] == "(", expr
                span = range(arg_open, _closing(tokens, arg_open) + 1)
            else:  # sum (argument) by (x)
                assert before == ")", expr
                arg_open = _opening(tokens, keyword_at - 1)
                assert tokens[arg_open - 1] in AGGREGATIONS, expr
                span = range(arg_open, keyword_at)
        else:  # on/ignoring/group_*: both sides, so here the whole query
            span = range(len(tokens))
        inside = [m for at, m in selectors.items() if at in span]
        assert inside, f"{keyword} ({', '.join(labels)}) over no metric in {expr!r}"
        for metric in inside:
            for label in labels:
                yield Use(metric, label, f"{keyword} (...)")


def exported_labels(page: Scrape) -> dict[str, set[str]]:
    """Each sample name on the page and the label names its samples carry."""
    out: dict[str, set[str]] = {}
    for sample in page.samples:
        out.setdefault(sample.name, set()).update(sample.labels)
    return out


def problems(expr: str, exported: dict[str, set[str]]) -> list[str]:
    found = []
    for use in uses(expr):
        if use.metric not in exported:
            found.append(f"no series {use.metric}")
        elif use.label is not None and use.label not in exported[use.metric]:
            found.append(f"{use.metric} has no label {use.label} ({use.why})")
    return found


# --- the dashboard -------------------------------------------------------------------------


def dashboard() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return doc


def panels() -> list[dict[str, Any]]:
    return [p for p in dashboard()["panels"] if p["type"] != "row"]


def queries() -> list[tuple[str, str]]:
    """(panel title, PromQL) of every query of every panel."""
    out = [(p["title"], t["expr"]) for p in panels() for t in p["targets"]]
    assert out
    return out


def test_the_dashboard_shows_what_the_issue_asks() -> None:
    titles = [p["title"].lower() for p in panels()]
    for wanted in REQUIRED_PANELS:
        assert any(wanted in t for t in titles), wanted


def test_panels_are_well_formed() -> None:
    doc = dashboard()
    assert doc["uid"] == "vicigw"
    ids = [p["id"] for p in doc["panels"]]
    assert len(ids) == len(set(ids))
    (variable,) = doc["templating"]["list"]
    assert variable["type"] == "datasource" and variable["query"] == "prometheus"
    for p in panels():
        assert p["targets"], p["title"]
        assert p["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        pos = p["gridPos"]
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, p["title"]
        refs = [t["refId"] for t in p["targets"]]
        assert len(refs) == len(set(refs)), p["title"]


def _alternatives(expr: str, label: str) -> set[str]:
    m = re.search(label + r'=~"([^"]+)"', expr)
    assert m is not None, expr
    return set(m.group(1).split("|"))


def _error_types() -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    todo: list[type[GatewayError]] = [GatewayError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found.add((sub.type, sub.status))
            todo.append(sub)
    return found


def test_outcome_filters_follow_the_error_tree() -> None:
    """Errors are the gateway's and VICIdial's failures (5xx, and internal_error), as in the
    alert; refusals are every 4xx type."""
    by_title = {title: expr for title, expr in queries()}
    failures = {t for t, status in _error_types() if status >= 500} | {"internal_error"}
    refusals = {t for t, status in _error_types() if 400 <= status < 500}
    assert _alternatives(by_title["Error ratio per app"], "outcome") == failures
    assert _alternatives(by_title["Refused calls per app and reason"], "outcome") == refusals
    alert = next(
        r["expr"]
        for g in yaml.safe_load(ALERTS.read_text())["groups"]
        for r in g["rules"]
        if r["alert"] == "VicigwAppErrorRatio"
    )
    assert _alternatives(alert, "outcome") == failures


# --- against a live /metrics ---------------------------------------------------------------


@pytest.fixture
async def live_page(sim: RunningSim, tmp_path: Path, log_stream: io.StringIO) -> Scrape:
    """A scrape of a gateway that took calls of every kind the panels plot."""
    doc = config_dict(sim.base_url, sim.ca_file)
    upstream = doc["upstreams"]["main"]
    # The first credential's login is refused: the call fails over to api-a.
    upstream["credentials"] = [
        {"name": "api-x", "user": "6667", "pass": "Not-The-Pass_0044"},
        {"name": "api-a", "user": API_USER, "pass": API_PASS},
    ]
    upstream["cache"] = {"campaigns_list": "30s"}
    doc["apps"]["crm"]["rate_limit"] = {"per_second": 0.001, "burst": 4}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc))
    cfg = load_config(path)
    app = create_app(cfg)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"

    async def call(token: str, function: str, body: dict[str, Any]) -> int:
        async with s.post(
            f"{base}/v1/non-agent/{function}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        ) as r:
            await r.read()
            return r.status

    crm, reports = mint_token(cfg, "crm"), mint_token(cfg, "reports")
    try:
        async with aiohttp.ClientSession() as s:
            statuses = [
                await call(crm, "version", {}),
                await call(crm, "campaigns_list", {}),
                await call(crm, "campaigns_list", {}),  # from the cache
                await call(crm, "add_lead", {"phone_number": "3125551234", "list_id": "101"}),
                await call(crm, "version", {}),  # past the burst of 4
                await call(reports, "add_lead", {"phone_number": "3125551234"}),
                await call("not-a-token", "version", {}),
            ]
            assert statuses == [200, 200, 200, 200, 429, 403, 401], statuses
            assert await app[SERVICES].generations.reload() is True
            page = await scrape(s, base)
    finally:
        await runner.cleanup()
    assert "Not-The-Pass_0044" not in page.text and API_PASS not in page.text
    return page


async def test_every_panel_queries_exported_metrics_and_labels(live_page: Scrape) -> None:
    exported = exported_labels(live_page)
    checked = 0
    for title, expr in queries():
        assert problems(expr, exported) == [], (title, expr)
        checked += sum(1 for u in uses(expr) if u.label is not None)
    assert checked >= 30  # labels were really looked at, not only names


@pytest.mark.parametrize(
    ("wrong", "found"),
    [
        (
            ("vicigw_requests_total[", "vicigw_request_total["),
            "no series vicigw_request_total",
        ),
        (('{outcome=~"', '{outcom=~"'), "vicigw_requests_total has no label outcom"),
        (("sum by (app) (rate(", "sum by (apps) (rate("), "has no label apps (by (...))"),
        (
            ("sum by (function, le)", "sum by (funtion, le)"),
            "vicigw_request_duration_seconds_bucket has no label funtion",
        ),
        (
            ("(vicigw_credential_healthy) ==", "(vicigw_credential_heathy) =="),
            "no series vicigw_credential_heathy",
        ),
        (
            ("sum by (upstream, credential) (increase(", "sum by (upstream, cred) (increase("),
            "vicigw_upstream_login_failures_total has no label cred",
        ),
    ],
)
async def test_the_check_catches_a_misspelling(
    live_page: Scrape, wrong: tuple[str, str], found: str
) -> None:
    exported = exported_labels(live_page)
    old, new = wrong
    hits = 0
    for _, expr in queries():
        if old in expr:
            hits += 1
            assert any(found in p for p in problems(expr.replace(old, new), exported)), expr
    assert hits, f"{old!r} is in no panel"


def test_the_reader_finds_metrics_and_labels() -> None:
    expr = (
        'histogram_quantile(0.99, sum(rate(m_bucket{a="1", b=~"x|y"}[$__rate_interval])) '
        "by (le, c)) / on (d) group_left (e) n"
    )
    found = {(u.metric, u.label) for u in uses(expr)}
    assert found == {
        ("m_bucket", None),
        ("m_bucket", "a"),
        ("m_bucket", "b"),
        ("m_bucket", "le"),
        ("m_bucket", "c"),
        ("m_bucket", "d"),
        ("m_bucket", "e"),
        ("n", None),
        ("n", "d"),
        ("n", "e"),
    }
