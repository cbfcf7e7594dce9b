"""Reading a /metrics page the way Prometheus does, for tests that check series and labels."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


class Scrape:
    """One scrape: every sample, looked up by name and (some of) its labels."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.samples = [
            Sample(s.name, dict(s.labels), float(s.value))
            for family in text_string_to_metric_families(text)
            for s in family.samples
        ]

    def find(self, name: str, **labels: str) -> list[Sample]:
        return [
            s
            for s in self.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
        ]

    def value(self, name: str, **labels: str) -> float | None:
        """The value of the one sample with these labels; None when there is none."""
        found = self.find(name, **labels)
        assert len(found) <= 1, found
        return found[0].value if found else None


async def scrape(session: aiohttp.ClientSession, base_url: str) -> Scrape:
    async with session.get(f"{base_url}/metrics") as r:
        assert r.status == 200
        return Scrape(await r.text())
