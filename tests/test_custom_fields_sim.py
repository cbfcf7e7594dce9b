"""Custom lead fields in the simulator, against genuine replies.

The samples in ``tests/data/samples/custom_fields`` were captured from a real VICIdial (SVN r3884,
PHP 8.2, MariaDB) on lists 94001 (fields favorite_color TEXT, notes_area AREA, visit_date DATE)
and 94002 (no fields), in the order the simulator replays them below. They show what the
gateway's design rests on (``gateway.custom_fields``): add_lead with custom fields dies after
adding the lead (HTTP 500), update_lead stores them (a label as the first POST field too), a
value holding ``&label=`` empties that field, and lead_all_info fails for a lead whose entry
list has no custom field.
"""

from __future__ import annotations

import calendar
import ssl
import urllib.parse
from collections.abc import AsyncIterator

import aiohttp
import pytest

from gateway.catalog import CATALOG
from gateway.sim import ManualClock, RunningSim, SimState, start_simulator
from gateway.sim.data_leads import CallLogRow
from gateway.sim.data_lists import CustomField
from gateway.sim.model import Lead, SimList

from .conftest import API_PASS, API_USER
from .samples import SAMPLES, Sample, load_sample

CUSTOM_SAMPLES = SAMPLES / "custom_fields"
# The reference server's clock when the leads of the samples were added (UTC).
ADDED_AT = calendar.timegm((2026, 12, 4, 16, 52, 37))


def sample(name: str) -> Sample:
    return load_sample(CUSTOM_SAMPLES / f"{name}.txt")


def add_custom_lists(state: SimState) -> None:
    """Lists 94001-94003 as on the reference server (94003 has a field named ``pass``)."""
    for list_id, name in (("94001", "CF gateway test"), ("94002", "CF none"),
                          ("94003", "CF pass label")):  # fmt: skip
        state.lists[list_id] = SimList(list_id, name, "TESTCAMP", "Y", "2026-12-01 10:00:00")
    data = state.listadmin
    for rank, (label, kind) in enumerate(
        (("favorite_color", "TEXT"), ("notes_area", "AREA"), ("visit_date", "DATE")), start=1
    ):
        data.add_custom_field(
            CustomField(0, "94001", label, label, field_type=kind, field_rank=str(rank))
        )
    data.add_custom_field(CustomField(0, "94003", "pass", "Pass"))


# --- 1. the simulator replays the genuine replies ------------------------------------------------


@pytest.fixture
async def sim_state() -> SimState:
    state = SimState.seeded({API_USER: API_PASS}, clock=ManualClock(float(ADDED_AT)))
    add_custom_lists(state)
    return state


@pytest.fixture
async def running(sim_state: SimState) -> AsyncIterator[RunningSim]:
    sim = await start_simulator("127.0.0.1", 0, state=sim_state)
    try:
        yield sim
    finally:
        await sim.close()


async def post(sim: RunningSim, pairs: list[tuple[str, str]]) -> tuple[int, str]:
    """A POST of the form fields in this order (as the samples were captured)."""
    ctx = ssl.create_default_context(cafile=str(sim.ca_file))
    async with (
        aiohttp.ClientSession() as session,
        session.post(sim.api_url, data=urllib.parse.urlencode(pairs), ssl=ctx, headers={
            "Content-Type": "application/x-www-form-urlencoded"}) as resp,
    ):  # fmt: skip
        return resp.status, (await resp.read()).decode()


def pairs_of(s: Sample) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(s.query(API_PASS), keep_blank_values=True)


async def replay(sim: RunningSim, name: str) -> None:
    s = sample(name)
    assert s.meta["method"] == "POST"
    status, body = await post(sim, pairs_of(s))
    assert (status, body) == (int(s.meta["status"]), s.text), name


async def test_sim_replays_the_custom_field_samples(
    running: RunningSim, sim_state: SimState
) -> None:
    """The captured sequence, step by step, byte for byte."""
    # The reference server's next lead id was 5049.
    sim_state.insert_lead(Lead(lead_id=5048, list_id="999", phone_number="0"))
    del sim_state.leads[5048]
    await replay(running, "list_custom_fields__labels")
    await replay(running, "list_custom_fields__no_fields")
    await replay(running, "add_lead__custom_fields_http500")
    assert 5049 in sim_state.leads  # added before the SQL error
    assert sim_state.listadmin.custom_rows.get("94001", {}) == {}
    login = [("user", API_USER), ("pass", API_PASS), ("source", "test")]
    for phone, list_id in (("3125540102", "94001"), ("3125540103", "94002")):
        status, _ = await post(
            running, [("function", "add_lead"), ("phone_number", phone), ("list_id", list_id),
                      *login],
        )  # fmt: skip
        assert status == 200
    await replay(running, "update_lead__custom_label_first")
    assert sim_state.listadmin.custom_row("94001", 5050) == {
        "favorite_color": "blue",
        "notes_area": "likes #2 & more",
    }
    await replay(running, "update_lead__custom_label_in_value")
    # comments held "&notes_area=": VICIdial wrote notes_area as well, empty.
    assert sim_state.listadmin.custom_row("94001", 5050) == {
        "favorite_color": "blue",
        "notes_area": "",
        "visit_date": "2026-12-24",
    }
    await replay(running, "lead_all_info__custom_fields")
    await replay(running, "lead_all_info__custom_fields_no_table")
    sim_state.leadmedia.call_log.append(
        CallLogRow("1796400000.94001", 5050, "TESTCAMP", "2026-12-04 10:00:00", "SALE", "1001")
    )
    await replay(running, "lead_status_search__custom_fields")
    assert not sim_state.sql_breakouts


async def test_sim_update_lead_reads_only_labels_in_the_query_string(
    running: RunningSim, sim_state: SimState
) -> None:
    sim_state.insert_lead(Lead(lead_id=7001, list_id="94001", phone_number="3125540201"))
    login = [("user", API_USER), ("pass", API_PASS), ("source", "test")]
    # A GET query string has no "&" before its first field: that label is not read there.
    ctx = ssl.create_default_context(cafile=str(running.ca_file))
    query = urllib.parse.urlencode(
        [("favorite_color", "red"), ("function", "update_lead"), ("lead_id", "7001"),
         ("custom_fields", "Y"), ("visit_date", "2026-01-02"), *login]
    )  # fmt: skip
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{running.api_url}?{query}", ssl=ctx) as resp,
    ):
        assert resp.status == 200
    assert sim_state.listadmin.custom_row("94001", 7001) == {"visit_date": "2026-01-02"}
    # Filtered as VICIdial does: "+" a space, ";" and '"' gone, one final backslash gone.
    status, body = await post(
        running, [("function", "update_lead"), ("lead_id", "7001"), ("custom_fields", "Y"),
                  ("favorite_color", 'a+b;c"d'), *login],
    )  # fmt: skip
    assert status == 200 and "CUSTOM FIELDS VALUES UPDATED - |7001|94001|94001|94001|1" in body
    assert sim_state.listadmin.custom_row("94001", 7001) == {
        "visit_date": "2026-01-02",
        "favorite_color": "a bcd",
    }


async def test_sim_pass_label_stores_the_api_password(
    running: RunningSim, sim_state: SimState
) -> None:
    """Why the gateway refuses such lists: ``&pass=`` is always in update_lead's request."""
    sim_state.insert_lead(Lead(lead_id=7002, list_id="94003", phone_number="3125540202"))
    status, _ = await post(
        running, [("function", "update_lead"), ("lead_id", "7002"), ("custom_fields", "Y"),
                  ("user", API_USER), ("pass", API_PASS), ("source", "test")],
    )  # fmt: skip
    assert status == 200
    assert sim_state.listadmin.custom_row("94003", 7002) == {"pass": API_PASS}


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("O'Brien", "' stored"),  # read back into single-quoted SQL
        ("ends with\\\\", '" INSERT'),  # one final backslash goes, the other escapes the "
        ("mid\\dle", '" INSERT'),
    ],
)
async def test_sim_sql_guard_flags_custom_values(
    running: RunningSim, sim_state: SimState, value: str, why: str
) -> None:
    sim_state.insert_lead(Lead(lead_id=7003, list_id="94001", phone_number="3125540203"))
    sim_state.strict_sql = False
    status, body = await post(
        running, [("function", "update_lead"), ("lead_id", "7003"), ("custom_fields", "Y"),
                  ("notes_area", value), ("user", API_USER), ("pass", API_PASS),
                  ("source", "test")],
    )  # fmt: skip
    assert (status, body) == (500, "")
    assert any("custom field notes_area" in b and why in b for b in sim_state.sql_breakouts)
    assert sim_state.listadmin.custom_row("94001", 7003) is None


def test_every_custom_sample_is_used() -> None:
    names = {p.stem for p in CUSTOM_SAMPLES.glob("*.txt")}
    used = {
        "list_custom_fields__labels", "list_custom_fields__no_fields",
        "add_lead__custom_fields_http500", "update_lead__custom_label_first",
        "update_lead__custom_label_in_value", "lead_all_info__custom_fields",
        "lead_all_info__custom_fields_no_table", "lead_status_search__custom_fields",
    }  # fmt: skip
    assert names == used
    for name in names:
        s = sample(name)
        assert "pass=***" in s.meta["params"] and s.function in CATALOG
