"""The Agent API (``/agc/api.php``) catalog: ``gateway/catalog/agent.py``."""

from __future__ import annotations

from gateway.catalog import AGENT_CATALOG, CATALOG


def test_each_catalog_holds_only_its_own_api() -> None:
    assert {spec.api for spec in CATALOG.values()} == {"non_agent"}
    assert all(spec.api == "agent" for spec in AGENT_CATALOG.values())
