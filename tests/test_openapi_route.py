"""``GET /openapi.json`` over sockets: filtered to the calling app, whole without a token only
when ``server.openapi_public`` allows it, 401 on a bad token, built once per config and app."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from openapi_spec_validator import validate

from gateway.app import SERVICES
from gateway.auth import mint_token
from gateway.catalog import CATALOG
from gateway.config_load import parse_config
from gateway.sim import RunningSim

from .conftest import API_PASS, Gateway, config_dict, start_gateway
from .test_reload import start, write_config, write_secret


def _calls(doc: dict[str, Any]) -> set[str]:
    return {p.removeprefix("/v1/non-agent/") for p in doc["paths"] if p.startswith("/v1/non-")}


async def _get(
    session: aiohttp.ClientSession, base: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], Any]:
    async with session.get(f"{base}/openapi.json", headers=headers or {}) as r:
        return r.status, await r.json(), r.headers


@contextlib.asynccontextmanager
async def _gateway(
    sim: RunningSim, log_stream: io.StringIO, **server: Any
) -> AsyncIterator[Gateway]:
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["server"].update(server)
    config = parse_config(doc)
    runner, base = await start_gateway(config)
    try:
        async with aiohttp.ClientSession() as session:
            yield Gateway(base, config, sim, session, log_stream)
    finally:
        await runner.cleanup()


async def test_the_document_is_filtered_to_the_calling_app(gateway: Gateway) -> None:
    auth = {"Authorization": f"Bearer {gateway.token('reports')}", "X-Request-ID": "oa-1"}
    status, doc, headers = await _get(gateway.session, gateway.base_url, auth)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert headers["X-Request-ID"] == "oa-1"
    assert _calls(doc) == {"campaigns_list", "list_info"}
    assert "reports" in doc["info"]["description"]
    validate(doc)
    status, doc, _ = await _get(
        gateway.session, gateway.base_url, {"Authorization": f"Bearer {gateway.token()}"}
    )
    assert status == 200 and _calls(doc) == set(CATALOG)
    # crm's rule (list_id 101/102/999) is in its document
    list_id = doc["components"]["schemas"]["request.add_lead"]["properties"]["list_id"]
    assert "999" in str(list_id)
    validate(doc)


async def test_the_path_is_in_the_document(gateway: Gateway) -> None:
    auth = {"Authorization": f"Bearer {gateway.token('reports')}"}
    _, doc, _ = await _get(gateway.session, gateway.base_url, auth)
    op = doc["paths"]["/openapi.json"]["get"]
    assert {"200", "401"} <= set(op["responses"])


async def test_without_a_token_it_is_refused_by_default(gateway: Gateway) -> None:
    assert gateway.config.server.openapi_public is False
    status, body, headers = await _get(gateway.session, gateway.base_url)
    assert status == 401 and body["error"]["type"] == "unauthorized"
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert headers["X-Request-ID"]


async def test_a_bad_token_is_401_even_when_public(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    async with _gateway(sim, log_stream, openapi_public=True) as gw:
        bad = gw.token()[:-4] + "AAAA"
        for value in (f"Bearer {bad}", "Basic abc", "Bearer "):
            status, body, headers = await _get(gw.session, gw.base_url, {"Authorization": value})
            assert status == 401 and body["error"]["type"] == "unauthorized", value
            assert headers["X-Request-ID"]
            assert "paths" not in body


async def test_without_a_token_the_whole_document_when_public(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    async with _gateway(sim, log_stream, openapi_public=True) as gw:
        status, doc, headers = await _get(gw.session, gw.base_url, {"X-Request-ID": "oa-2"})
        assert status == 200 and headers["X-Request-ID"] == "oa-2"
        assert _calls(doc) == set(CATALOG)
        assert "of app" not in doc["info"]["description"]
        validate(doc)
        # a token still filters
        auth = {"Authorization": f"Bearer {gw.token('reports')}"}
        status, doc, _ = await _get(gw.session, gw.base_url, auth)
        assert status == 200 and _calls(doc) == {"campaigns_list", "list_info"}


async def test_a_reload_that_changes_the_functions_rebuilds_it(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    path = write_config(tmp_path, sim, functions=["campaigns_list", "version"], params={})
    runner, app, base = await start(path)
    generations = app[SERVICES].generations
    token = mint_token(generations.current.config, "crm", ttl=600)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        async with aiohttp.ClientSession() as s:
            status, doc, _ = await _get(s, base, auth)
            assert status == 200 and _calls(doc) == {"campaigns_list", "version"}
            status, again, _ = await _get(s, base, auth)
            assert again == doc
            assert app[SERVICES].openapi.builds == 1  # the second was served from the cache
            reports = {
                "Authorization": f"Bearer {mint_token(generations.current.config, 'reports')}"
            }
            status, other, _ = await _get(s, base, reports)
            assert status == 200 and _calls(other) == {"campaigns_list", "list_info"}
            assert app[SERVICES].openapi.builds == 2  # one per app
            rdoc = yaml.safe_load(path.read_text())
            rdoc["apps"]["crm"]["functions"] = ["campaigns_list", "version", "list_info"]
            path.write_text(yaml.safe_dump(rdoc))
            assert await generations.reload() is True
            status, doc, _ = await _get(s, base, auth)
            assert status == 200 and _calls(doc) == {"campaigns_list", "version", "list_info"}
            assert app[SERVICES].openapi.builds == 3
    finally:
        await runner.cleanup()
