"""The harness's scenarios (issue 13) and the targets the issue sets for each.

Every scenario names one Non-Agent function, the JSON an app sends, and how many rows (records)
the stand-in's reply has; one stand-in "dialer" serves each (function, rows) pair.
"""

from __future__ import annotations

from dataclasses import dataclass

ADD_LEAD = {"phone_number": "3125557006", "list_id": "101"}
EXPORT_BODY = {"lead_id": "5001", "duration": "Y"}
EXPORT_ROWS = 500_000


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    function: str
    rows: int  # rows (records) in the stand-in's reply; one-line replies: 1
    body: dict[str, str]  # the JSON an app sends
    connections: int | None = None  # None: the harness's --connections
    min_ratio: float | None = None  # gateway/floor throughput, at least
    max_added_p50_ms: float | None = None  # gateway p50 minus floor p50, at most
    export: bool = False  # a streamed export, read by the harness: MB/s and peak RSS
    min_mb_s: float | None = None
    max_rss_mb: float | None = None

    @property
    def dialer(self) -> str:
        return f"{self.function}-{self.rows}"


def scenarios(export_rows: int = EXPORT_ROWS) -> list[Scenario]:
    """Every scenario, the smallest replies first (peak RSS is reset between scenarios, but
    what an earlier one left resident stays resident)."""
    return [
        Scenario("a", "(a) add_lead, one line", "add_lead", 1, ADD_LEAD, min_ratio=0.80),
        Scenario("b3", "(b) campaigns_list, 3 rows", "campaigns_list", 3, {}, min_ratio=0.80),
        Scenario("b200", "(b) campaigns_list, 200 rows", "campaigns_list", 200, {}, min_ratio=0.60),
        Scenario(
            "c",
            "(c) lead_status_search, 1,000 records",
            "lead_status_search",
            1000,
            {"status": "SALE", "date": "2024-06-03"},
            min_ratio=0.40,
        ),
        Scenario(
            "c2", "(c) logged_in_agents, 1,000 rows", "logged_in_agents", 1000, {}, min_ratio=0.40
        ),
        Scenario(
            "d1",
            "(d) add_lead, 1 connection",
            "add_lead",
            1,
            ADD_LEAD,
            connections=1,
            max_added_p50_ms=0.3,
        ),
        Scenario(
            "d200",
            "(d) campaigns_list 200 rows, 1 connection",
            "campaigns_list",
            200,
            {},
            connections=1,
            max_added_p50_ms=1.0,
        ),
        Scenario(
            "e",
            f"(e) recording_lookup export, {export_rows:,} rows",
            "recording_lookup",
            export_rows,
            EXPORT_BODY,
            export=True,
            min_mb_s=50.0,
            max_rss_mb=120.0,
        ),
    ]
