"""docs/integration.md's snippets run against a live gateway in front of the simulator.

A fenced block whose info string has ``title="..."`` is a runnable snippet (``sh``: bash,
``python``: this interpreter, ``js``: node); it reads ``VICIGW_URL`` and ``VICIGW_TOKEN``. Each
title has its check here, and a titled block without one (or a check without its block) fails.
Without curl or node the snippets they need are skipped, except in CI (``CI=true``), where
.ci/run installs both and a missing one fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import API_PASS, API_USER
from .live import Live, live_gateway

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "integration.md"
BLOCK = re.compile(r'^```(\w+) title="([\w-]+)"\n(.*?)^```$', re.M | re.S)
RUNNERS = {"sh": ["bash", "-euo", "pipefail"], "python": [sys.executable], "js": ["node"]}
SUFFIX = {"sh": ".sh", "python": ".py", "js": ".mjs"}
DID, DAY, EXPORT_ROWS = "3125551006", "2024-07-08", 25


def snippets() -> dict[str, tuple[str, str]]:
    """title -> (language, code)."""
    out: dict[str, tuple[str, str]] = {}
    for lang, title, code in BLOCK.findall(GUIDE.read_text()):
        assert title not in out, f"two snippets titled {title}"
        out[title] = (lang, code)
    return out


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with live_gateway({API_USER: API_PASS}) as running:

        async def calls() -> None:
            running.sim.state.reports.add_synthetic_did_calls(EXPORT_ROWS, day=DAY, did=DID)

        running.run(calls())
        yield running


def run(live: Live, title: str, tmp_path: Path) -> str:
    lang, code = snippets()[title]
    tool = RUNNERS[lang][0]
    needed = [tool] + (["curl"] if "curl " in code else [])
    missing = [t for t in needed if t != sys.executable and shutil.which(t) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} missing in CI: .ci/run installs it")
        pytest.skip(f"{', '.join(missing)} not installed: the {title} snippet cannot run")
    script = tmp_path / f"{title}{SUFFIX[lang]}"
    script.write_text(code)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "VICIGW_URL": live.base_url,
        "VICIGW_TOKEN": live.token(),
    }
    done = subprocess.run(
        [*RUNNERS[lang], str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{title} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def check_curl_read(out: str) -> None:
    body = json.loads(out)
    assert body["ok"] is True and body["function"] == "campaigns_list"
    assert "TESTCAMP" in {row["campaign_id"] for row in body["data"]}


def check_python_sync(out: str) -> None:
    lines = out.splitlines()
    assert lines[0].startswith("campaigns: [") and "'TESTCAMP'" in lines[0]
    assert re.fullmatch(r"lead: \d+ request: \S+", lines[1]), lines[1]
    assert lines[2] == "not found: not_found 404"


def check_python_async(out: str) -> None:
    assert out.startswith("async: SUCCESS [") and "'version'" in out


def check_node_fetch(out: str) -> None:
    lines = out.splitlines()
    assert lines[0].startswith("campaigns: ") and "TESTCAMP" in lines[0].split(" ")[1].split(",")
    assert lines[1] == "error: not_found 404"


def check_curl_error(out: str) -> None:
    body, status = out.rsplit("\n", 2)[0], out.strip().splitlines()[-1]
    assert status == "status 404"
    error = json.loads(body)
    assert error["ok"] is False and error["error"]["type"] == "not_found"


def check_curl_idempotency(out: str) -> None:
    assert out.splitlines() == ["attempt 1: first call", "Idempotent-Replayed: true"], out


def check_curl_ndjson(out: str) -> None:
    items = [json.loads(line) for line in out.splitlines() if line.strip()]
    rows, trailer = items[:-1], items[-1]["trailer"]
    assert len(rows) == EXPORT_ROWS and all(row["did_number"] == DID for row in rows)
    assert trailer["ok"] is True and trailer["rows"] == EXPORT_ROWS


def check_python_stream(out: str) -> None:
    assert out.strip() == f"rows: {EXPORT_ROWS} first DID: {DID}"


def check_node_ndjson(out: str) -> None:
    assert out.strip() == f"rows: {EXPORT_ROWS}, trailer rows: {EXPORT_ROWS}"


CHECKS: dict[str, Callable[[str], None]] = {
    "curl-read": check_curl_read,
    "python-sync": check_python_sync,
    "python-async": check_python_async,
    "node-fetch": check_node_fetch,
    "curl-error": check_curl_error,
    "curl-idempotency": check_curl_idempotency,
    "curl-ndjson": check_curl_ndjson,
    "python-stream": check_python_stream,
    "node-ndjson": check_node_ndjson,
}


def test_every_titled_snippet_has_its_check() -> None:
    assert set(snippets()) == set(CHECKS)
    assert {lang for lang, _code in snippets().values()} == set(RUNNERS)


@pytest.mark.parametrize("title", sorted(CHECKS))
def test_the_snippet_runs(live: Live, title: str, tmp_path: Path) -> None:
    CHECKS[title](run(live, title, tmp_path))
