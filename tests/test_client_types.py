"""The typed helpers of the client (gateway/client/types.py): generated from the catalog and
never stale, seen by mypy (good calls pass, bad ones are refused), and working against a live
gateway in front of the simulator."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import UnionType
from typing import Any, Required, get_args, get_origin

import pytest
from mypy import api as mypy_api

from gateway.catalog import CATALOG
from gateway.client import AsyncClient, Client, NotFound, generate, types
from gateway.openapi import openapi_document

from .conftest import API_PASS, API_USER, Gateway
from .live import Live, live_gateway

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with live_gateway({API_USER: API_PASS}) as running:
        yield running


def test_the_checked_in_module_is_what_the_generator_writes() -> None:
    assert generate.TARGET.read_text() == generate.render(), (
        "gateway/client/types.py is stale: run python -m gateway.client.generate"
    )
    assert generate.main(["--check"]) == 0


def test_the_check_fails_on_a_stale_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "types.py"
    stale.write_text(generate.render().replace("phone_number: Required", "phone_number: "))
    monkeypatch.setattr(generate, "TARGET", stale)
    assert generate.main(["--check"]) == 1


def test_every_function_has_its_request_type_and_helpers() -> None:
    schemas = openapi_document(CATALOG)["components"]["schemas"]
    for name, spec in CATALOG.items():
        request = getattr(types, f"{generate.class_name(name)}Request")
        schema = schemas[f"request.{name}"]
        assert set(request.__annotations__) == set(schema["properties"]), name
        assert request.__required_keys__ == set(schema.get("required", [])), name
        assert callable(getattr(types.Functions, name))
        assert callable(getattr(types.AsyncFunctions, name))
        if spec.rows is not None:
            row = getattr(types, f"{generate.class_name(name)}Row")
            assert set(row.__annotations__) == set(spec.rows.columns), name


def _args(annotation: Any) -> set[Any]:
    """The members of a (Required) union."""
    if get_origin(annotation) is Required:
        (annotation,) = get_args(annotation)
    return set(get_args(annotation)) if isinstance(annotation, UnionType) else {annotation}


def test_value_types_follow_the_request_schema() -> None:
    assert "phone_number" in types.AddLeadRequest.__required_keys__
    assert types.AddLeadRequest.__annotations__["phone_number"] == Required[str | int]
    flags = [
        (p.name, s.name)
        for s in CATALOG.values()
        for p in s.params
        if p.kind == "flag" and p.choices and len(p.choices) >= 2
    ]
    assert flags
    for param, function in flags:
        annotation = getattr(types, f"{generate.class_name(function)}Request").__annotations__
        if param in annotation:
            assert bool in _args(annotation[param]), (function, param)
    lists = [(p.name, s.name) for s in CATALOG.values() for p in s.params if p.kind == "list"]
    for param, function in lists:
        annotation = getattr(types, f"{generate.class_name(function)}Request").__annotations__
        if param in annotation:
            assert list[str | int] in _args(annotation[param]), (function, param)
    assert types.AddLeadData.__annotations__["gmt_offset"] == int | float | None
    assert types.AddLeadData.__annotations__["lead_id"] == str | None


def test_mypy_accepts_good_calls_and_refuses_bad_ones(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(
        textwrap.dedent(
            """
            from gateway.client import AsyncClient, Client

            def use(gw: Client) -> str | None:
                reply = gw.fn.add_lead(phone_number="3125551212", list_id=101, first_name="Ada")
                lead = reply.data["lead_id"]
                for row in gw.fn.did_log_export_rows(phone_number="3125551000", date="2024-06-03"):
                    print(row["did_number"])
                return lead

            async def use_async(gw: AsyncClient) -> None:
                reply = await gw.fn.campaigns_list()
                for campaign in reply.data:
                    print(campaign["campaign_id"])
                async for row in gw.fn.did_log_export_rows(phone_number="1", date="2024-06-03"):
                    print(row["did_number"])
            """
        )
    )
    bad = tmp_path / "bad.py"
    bad.write_text(
        textwrap.dedent(
            """
            from gateway.client import Client

            def use(gw: Client) -> None:
                gw.fn.add_lead(list_id="101")
                gw.fn.add_lead(phone_number="3125551212", list_id="101", no_such_param="x")
                gw.fn.add_lead(phone_number=3.5, list_id="101")
                gw.fn.add_lead(phone_number="1", list_id="1").data["no_such_field"]
            """
        )
    )
    out, err, status = mypy_api.run(
        [
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            str(good),
            str(bad),
        ]
    )
    assert status == 1, out + err
    lines = [line for line in out.splitlines() if ": error:" in line]
    assert not [line for line in lines if "good.py" in line], out
    bad_lines = {int(line.split(":")[1]) for line in lines if "bad.py" in line}
    assert bad_lines == {5, 6, 7, 8}, out


def test_the_helpers_against_a_live_gateway(live: Live) -> None:
    with Client(live.base_url, live.token()) as gw:
        campaigns = gw.fn.campaigns_list()
        assert {row["campaign_id"] for row in campaigns.data} >= {"TESTCAMP"}
        lead = gw.fn.add_lead(
            idempotency_key="typed-1", phone_number="3125557401", list_id=101, first_name="Ada"
        )
        again = gw.fn.add_lead(
            idempotency_key="typed-1", phone_number="3125557401", list_id=101, first_name="Ada"
        )
        assert lead.data["lead_id"] and again.replayed and again.data == lead.data
        assert set(lead.data) <= set(types.AddLeadData.__annotations__)
        with pytest.raises(NotFound):
            gw.fn.lead_all_info(lead_id=987654)

        async def calls() -> None:
            live.sim.state.reports.add_synthetic_did_calls(12, day="2024-07-05", did="3125551004")

        live.run(calls())
        rows = list(gw.fn.did_log_export_rows(phone_number="3125551004", date="2024-07-05"))
        assert len(rows) == 12
        assert set(rows[0]) <= set(types.DidLogExportRow.__annotations__)


async def test_the_async_helpers(gateway: Gateway) -> None:
    gateway.sim.state.reports.add_synthetic_did_calls(7, day="2024-07-06", did="3125551005")
    async with AsyncClient(gateway.base_url, gateway.token()) as gw:
        reply = await gw.fn.campaigns_list()
        assert reply.data and reply.data[0]["campaign_id"]
        rows = [
            row
            async for row in gw.fn.did_log_export_rows(
                phone_number="3125551005", date="2024-07-06"
            )
        ]
        assert len(rows) == 7
