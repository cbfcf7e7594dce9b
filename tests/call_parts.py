"""Parts shared by the step tests of ``gateway.call`` (``test_call_*.py``): the steps run
without a server, on the process's real services (memory state) and a real configuration;
only VICIdial, the external edge, is scripted."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.catalog.spec import FunctionSpec
from gateway.config import Config
from gateway.config_load import parse_config
from gateway.refusal import Kind
from gateway.services import RequestScope, Services, open_services
from gateway.upstream import UpstreamReply

from .conftest import API_USER, config_dict

VERSION = (
    "VERSION: 2.14-194|BUILD: 241004-1518|DATE: 2026-11-27 22:36:18|EPOCH: 1795818978|"
    "DST: 1|TZ: |TZNOW: -4|\n"
)
ADDED = f"SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|-6.00|{API_USER}\n"
DUPLICATE = "ERROR: add_lead DUPLICATE PHONE NUMBER IN LIST - 3125557006|101|5001\n"


def upstream_reply(
    text: str,
    *,
    status: int = 200,
    credential: str = "api-a",
    refusal: Kind | None = None,
    retry_after: int | None = None,
) -> UpstreamReply:
    return UpstreamReply(
        status, "text/plain", text, credential, 0.01, refusal, retry_after=retry_after
    )


@dataclass
class ScriptedUpstream:
    """VICIdial at the edge: each function answers the reply scripted for it (``version`` by
    default); every call is recorded. While ``hold`` is set, calls wait for it to clear."""

    replies: dict[str, UpstreamReply] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    hold: asyncio.Event | None = None

    async def call(
        self, spec: FunctionSpec, params: Mapping[str, str], *, source: str
    ) -> UpstreamReply:
        self.calls.append((spec.name, dict(params), source))
        if self.hold is not None:
            await self.hold.wait()
        return self.replies.get(spec.name, upstream_reply(VERSION))

    async def ping(self) -> str:
        return "2.14-194"

    def usable_credentials(self) -> int:
        return 1

    def held_credentials(self) -> int:
        return 0


def config(tmp_path: Path | None = None, **upstream: Any) -> Config:
    """The test configuration, ``upstream`` settings added to ``main``; with ``tmp_path`` the
    audit log goes to ``tmp_path / "audit.log"``."""
    doc = config_dict()
    doc["upstreams"]["main"].update(upstream)
    if tmp_path is not None:
        doc["audit"] = {"file": str(tmp_path / "audit.log")}
    return parse_config(doc)


def services(cfg: Config, upstream: ScriptedUpstream) -> Services:
    return open_services(cfg, upstreams={"main": upstream})  # type: ignore[dict-item]


def scope(svc: Services, request_id: str = "req-1") -> RequestScope:
    return RequestScope(svc, svc.generations.current, request_id)


def sample(svc: Services, name: str, labels: dict[str, str]) -> float:
    return svc.metrics.registry.get_sample_value(name, labels) or 0.0
