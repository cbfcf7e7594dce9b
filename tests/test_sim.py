"""The VICIdial simulator, run as a real HTTPS server and called over verified TLS.

The reference for every reply is ``tests/data/samples`` (captured from a genuine server): the
simulator must answer the same parameters with the same shape, and byte for byte where its seed
data is the sample server's.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import aiohttp
import pytest

from gateway.sim import ManualClock, RunningSim, SimState, start_simulator

from .samples import Sample, assert_same_shape, line_template, samples_for

# --- helpers: captured samples and a client trusting the simulator CA ------------------


# Clock of the reference server when the samples were captured (the version sample's EPOCH).
SAMPLE_EPOCH = 1795818978
API_USER = "6666"
API_PASSWORD = "simpass1"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


class SimClient:
    """An HTTPS client that trusts only the simulator's CA."""

    def __init__(self, sim: RunningSim, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.ssl = ssl.create_default_context(cafile=str(sim.ca_file))

    async def request(
        self,
        method: str = "GET",
        query: str | Mapping[str, str] | None = None,
        data: Mapping[str, str] | aiohttp.FormData | None = None,
    ) -> Reply:
        url = self.sim.api_url
        if isinstance(query, str):
            url, query = f"{url}?{query}", None
        async with self.session.request(method, url, params=query, data=data, ssl=self.ssl) as resp:
            return Reply(resp.status, dict(resp.headers), await resp.read())

    async def api(self, function: str, **params: str) -> str:
        """GET a function as the seeded API user (``source=test``); returns the body text."""
        query = {"source": "test", "user": API_USER, "pass": API_PASSWORD, "function": function}
        reply = await self.request("GET", {**query, **params})
        assert reply.status == 200
        return reply.text


FUNCTIONS = (
    "version",
    "add_lead",
    "update_lead",
    "lead_search",
    "lead_all_info",
    "campaigns_list",
    "agent_status",
    "list_info",
)
SAMPLES = samples_for(FUNCTIONS)
# Replies whose data is not the sample server's: the new lead gets another auto-increment id.
NOT_BYTE_EQUAL = {"add_lead__ok_callback"}

BAD_LOGIN = "ERROR: Login incorrect, please try again: |{user}|{password}|BAD|\n"
LOCKED = f"ERROR: Too many login attempts, try again in 15 minutes: |{API_USER}|LOCK|\n"
JUNE_2026 = 1781600000  # 2026-06-16, US daylight time


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(float(SAMPLE_EPOCH))


@pytest.fixture
def state(clock: ManualClock) -> SimState:
    state = SimState.seeded({API_USER: API_PASSWORD}, clock=clock)
    state.add_api_user("7780", "restricted1", allowed_functions=["version", "lead_search"])
    return state


@pytest.fixture
async def running(state: SimState) -> AsyncIterator[RunningSim]:
    sim = await start_simulator("127.0.0.1", 0, state=state)
    try:
        yield sim
    finally:
        await sim.close()


@pytest.fixture
async def client(running: RunningSim) -> AsyncIterator[SimClient]:
    async with aiohttp.ClientSession() as session:
        yield SimClient(running, session)


# --- the captured samples -----------------------------------------------------------------


def test_every_function_has_samples() -> None:
    assert {s.function for s in SAMPLES} == set(FUNCTIONS)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
async def test_sample_replayed(client: SimClient, state: SimState, sample: Sample) -> None:
    assert sample.meta["method"] == "GET"
    reply = await client.request("GET", sample.query(API_PASSWORD))
    assert str(reply.status) == sample.meta["status"]
    assert reply.headers["Content-Type"] == sample.meta["content-type"]
    assert_same_shape(sample, reply.body)
    if sample.name in NOT_BYTE_EQUAL:
        newest = str(max(state.leads))
        assert reply.body.replace(newest.encode(), b"5026") == sample.body
    else:
        assert reply.body == sample.body


async def test_every_reply_has_the_php_headers(client: SimClient) -> None:
    for reply in (
        await client.request("GET", {"function": "version"}),
        await client.request("POST", data={"function": "campaigns_list", "user": "nobody"}),
        await client.request("PUT", {"function": "nothing"}),
    ):
        assert reply.status == 200
        assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
        assert reply.headers["Cache-Control"] == "no-cache, must-revalidate"
        assert reply.headers["Pragma"] == "no-cache"


# --- version, login, lockout --------------------------------------------------------------


async def test_version_needs_no_login_and_is_never_a_failure(
    client: SimClient, state: SimState
) -> None:
    body = await client.api("version", user="nobody", **{"pass": "wrong"})
    assert body == (
        "VERSION: 2.14-194|BUILD: 241004-1518|DATE: 2026-11-27 22:36:18|EPOCH: 1795818978|"
        "DST: 0|TZ: 0.00|TZNOW: 0.00|\n"
    )
    await client.request("GET", {"function": "version", "user": API_USER, "pass": "wrong"})
    assert state.login_attempts(API_USER) == 0 and state.failed_logins(API_USER) == 0
    assert state.users[API_USER].failed_login_count == 0
    assert state.hits("version") == 2


async def test_bad_login_echoes_the_filtered_password(client: SimClient, state: SimState) -> None:
    body = await client.api("campaigns_list", **{"pass": "wrong pass!;"})
    assert body == BAD_LOGIN.format(user=API_USER, password="wrongpass")
    assert state.users[API_USER].failed_login_count == 1
    assert state.failed_logins(API_USER) == 1 and state.login_attempts(API_USER) == 1
    # Unknown users and agents (level 1) get the same line; only existing users count.
    assert await client.api("list_info", user="ghost") == BAD_LOGIN.format(
        user="ghost", password=API_PASSWORD
    )
    assert await client.api("list_info", user="1001", **{"pass": "1234"}) == BAD_LOGIN.format(
        user="1001", password="1234"
    )
    assert state.users["1001"].failed_login_count == 1
    assert state.failed_logins("ghost") == 1


async def test_a_bad_login_wins_over_an_unknown_function(client: SimClient) -> None:
    body = await client.api("no_such_thing", **{"pass": "nope"})
    assert body == BAD_LOGIN.format(user=API_USER, password="nope")
    assert await client.api("no_such_thing") == "ERROR: NO FUNCTION SPECIFIED\n"


async def test_lockout_after_ten_failures_then_unlock(
    client: SimClient, state: SimState, clock: ManualClock
) -> None:
    assert "TESTCAMP" in await client.api("campaigns_list")  # a success stamps last_login_date
    for attempt in range(10):
        clock.advance(10)
        body = await client.api("campaigns_list", **{"pass": f"wrong{attempt}"})
        assert body == BAD_LOGIN.format(user=API_USER, password=f"wrong{attempt}")
    assert state.users[API_USER].failed_login_count == 10
    # Locked: even the right password is refused, and the counter stays at 10.
    assert await client.api("campaigns_list") == LOCKED
    assert await client.api("campaigns_list", **{"pass": "wrong"}) == LOCKED
    assert state.users[API_USER].failed_login_count == 10
    assert state.login_stats(API_USER).locks == 2
    # version keeps working during the lock.
    assert (await client.api("version")).startswith("VERSION: ")
    # 15 minutes after the last successful login the right password works again.
    clock.advance(900 - 100)
    assert await client.api("campaigns_list") == LOCKED
    clock.advance(1)
    assert "TESTCAMP" in await client.api("campaigns_list")
    assert state.users[API_USER].failed_login_count == 0


async def test_failures_after_an_old_login_restart_the_counter(
    client: SimClient, state: SimState, clock: ManualClock
) -> None:
    user = state.users[API_USER]
    for _ in range(10):
        await client.api("campaigns_list", **{"pass": "bad"})
    assert user.failed_login_count == 10 and user.last_login_date is None
    # Never logged in: not locked; an 11th failure restarts the count and stamps the time.
    await client.api("campaigns_list", **{"pass": "bad"})
    assert user.failed_login_count == 1 and user.last_login_date == clock.now
    for _ in range(9):
        await client.api("campaigns_list", **{"pass": "bad"})
    assert await client.api("campaigns_list") == LOCKED


async def test_password_rotation(client: SimClient, state: SimState) -> None:
    state.set_password(API_USER, "Rotated_2")
    assert await client.api("campaigns_list") == BAD_LOGIN.format(
        user=API_USER, password=API_PASSWORD
    )
    assert "TESTCAMP" in await client.api("campaigns_list", **{"pass": "Rotated_2"})


async def test_filters_apply_to_credentials(client: SimClient) -> None:
    # A raw "+" decodes to a space, "%2B" to a plus: the pass filter deletes both, as it
    # deletes the space of "66 66".
    for password in ("sim+pass1", "sim%2Bpass1", "sim%20pass1"):
        query = f"source=test&user=66%2066&pass={password}&function=campaigns_list"
        assert "TESTCAMP" in (await client.request("GET", query)).text


# --- parameter reading --------------------------------------------------------------------


async def test_get_wins_over_post(client: SimClient, state: SimState) -> None:
    form = {"source": "test", "user": API_USER, "pass": "wrong", "function": "campaigns_list"}
    reply = await client.request("POST", {"pass": API_PASSWORD}, data=form)
    assert "TESTCAMP" in reply.text
    form["pass"] = API_PASSWORD
    reply = await client.request("POST", {"pass": "wrong"}, data=form)
    assert reply.text == BAD_LOGIN.format(user=API_USER, password="wrong")
    # The query decides the function too; the body fills what the query lacks.
    reply = await client.request("POST", {"function": "version"}, data=form)
    assert reply.text.startswith("VERSION: ")


async def test_post_body_urlencoded_and_multipart(client: SimClient, state: SimState) -> None:
    fields = {"source": "test", "user": API_USER, "pass": API_PASSWORD, "function": "list_info"}
    reply = await client.request("POST", data={**fields, "list_id": "101"})
    assert reply.text.startswith("101|Test list 101|")
    multipart = aiohttp.FormData()
    for name, value in {**fields, "list_id": "1001"}.items():
        multipart.add_field(name, value, content_type="text/plain")
    reply = await client.request("POST", data=multipart)
    assert reply.text.startswith("1001|Sales leads June|")
    # A body sent with another method is not $_POST.
    reply = await client.request("PUT", data={**fields, "list_id": "101"})
    assert reply.text.startswith("ERROR: Login incorrect")


async def test_request_log_never_holds_the_password(client: SimClient, state: SimState) -> None:
    form = {"source": "test", "user": API_USER, "pass": API_PASSWORD, "function": "list_info"}
    await client.request("POST", {"list_id": "101"}, data=form)
    await client.api("lead_search", phone_number="3125550001")
    posted, searched = state.requests
    assert posted.method == "POST" and posted.query_string == "list_id=101"
    assert posted.query_names == ("list_id",)
    assert set(posted.body_names) == {"source", "user", "pass", "function"}
    assert posted.function == "list_info" and posted.user == API_USER and posted.login == "GOOD"
    assert searched.has_query and "pass" in searched.query_names
    assert (
        f"pass={API_PASSWORD}" not in searched.query_string and "pass=***" in searched.query_string
    )
    assert API_PASSWORD not in repr(state.requests)


# --- generic lines ------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "kept"), [("t", "t"), ("a_", "a"), ("-_ ", ""), ("", "")])
async def test_invalid_source_prints_two_lines(client: SimClient, source: str, kept: str) -> None:
    # source keeps [0-9a-zA-Z] only and must then be 2+ characters long.
    body = await client.api("lead_search", source=source, phone_number="3125550001")
    assert body == f"ERROR: Invalid Source - {kept}\nERROR: Invalid Source: |{kept}|\n"


async def test_function_not_allowed(client: SimClient) -> None:
    restricted = {"user": "7780", "pass": "restricted1"}
    body = await client.api("campaigns_list", **restricted)
    assert (
        body
        == "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |7780|campaigns_list|\n"
    )
    assert (await client.api("lead_search", phone_number="3125550002", **restricted)) == (
        "3125550002|1|5002\n"
    )


async def test_permission_query_of_the_function(client: SimClient, state: SimState) -> None:
    state.users[API_USER].modify_lists = False
    assert await client.api("list_info", list_id="101") == (
        f"ERROR: list_info USER DOES NOT HAVE PERMISSION TO MODIFY LISTS: |{API_USER}|0\n"
    )


async def test_coffee_is_a_teapot(client: SimClient) -> None:
    reply = await client.request("GET", {"function": "coffee"})
    assert reply.status == 418 and reply.text == "Coffee: coffee|Error 418 I'm a teapot"


# --- leads --------------------------------------------------------------------------------


async def test_add_search_update_delete(client: SimClient, state: SimState) -> None:
    body = await client.api(
        "add_lead", phone_number="+1 (312) 555-7777", list_id="101", first_name="Ada"
    )
    match = re.fullmatch(
        r"SUCCESS: add_lead LEAD HAS BEEN ADDED - 13125557777\|101\|(\d+)\|-5\.00\|6666\n", body
    )
    # "+1 (312)..." keeps its digits only: a 13125557777 number is not in area 312 (fallback).
    assert match is not None
    lead_id = match.group(1)
    assert state.leads[int(lead_id)].status == "NEW"
    assert state.leads[int(lead_id)].user == API_USER
    assert await client.api("lead_search", phone_number="13125557777") == (
        f"13125557777|1|{lead_id}\n"
    )
    body = await client.api("update_lead", lead_id=lead_id, last_name="Lovelace", city="London")
    assert body == f"SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|{lead_id}|1|||\n"
    # The same values again: MySQL reports 0 affected rows.
    body = await client.api("update_lead", lead_id=lead_id, last_name="Lovelace")
    assert body == f"SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|{lead_id}|0|||\n"
    row = await client.api("lead_all_info", lead_id=lead_id)
    fields = row.rstrip("\n").split("|")
    assert fields[9:12] == ["Ada", "", "Lovelace"] and fields[15] == "London"
    assert len(fields) == 32 and fields[-1] == lead_id
    body = await client.api("update_lead", lead_id=lead_id, delete_lead="Y")
    assert body == f"SUCCESS: update_lead LEAD HAS BEEN DELETED 0|0 - 6666|{lead_id}|1|0|0|\n"
    assert await client.api("lead_search", phone_number="13125557777") == (
        "ERROR: lead_search NO MATCHES FOUND IN THE SYSTEM: |6666|||13125557777\n"
    )
    assert await client.api("update_lead", lead_id=lead_id, city="X") == (
        f"ERROR: update_lead NO MATCHES FOUND IN THE SYSTEM: |6666|{lead_id}||\n"
    )


async def test_duplicate_checks_name_the_existing_lead(client: SimClient) -> None:
    add = {"phone_number": "3125550002", "list_id": "101"}
    assert await client.api("add_lead", duplicate_check="DUPLIST", **add) == (
        "ERROR: add_lead DUPLICATE PHONE NUMBER IN LIST - 3125550002|101|5002\n"
    )
    assert await client.api("add_lead", duplicate_check="DUPCAMP", **add) == (
        "ERROR: add_lead DUPLICATE PHONE NUMBER IN CAMPAIGN LISTS - 3125550002|101|5002|101\n"
    )
    assert await client.api(
        "add_lead", duplicate_check="DUPSYS", phone_number="3125550010", list_id="101"
    ) == ("ERROR: add_lead DUPLICATE PHONE NUMBER IN SYSTEM - 3125550010|101|5010|1001\n")
    assert await client.api(
        "add_lead", duplicate_check="DUPPHONEALTSYS", phone_number="3125550901", list_id="102"
    ) == ("ERROR: add_lead DUPLICATE PHONE NUMBER IN SYSTEM - 3125550901|102|5001|101|ALT\n")
    # Another list: DUPLIST lets it in.
    body = await client.api(
        "add_lead", duplicate_check="DUPLIST", phone_number="3125550002", list_id="102"
    )
    assert body.startswith("SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550002|102|")


async def test_dnc_blocks_and_lowercase_flags_are_ignored(client: SimClient) -> None:
    assert await client.api("add_lead", phone_number="3125550199", dnc_check="Y") == (
        "ERROR: add_lead PHONE NUMBER IN DNC - 3125550199|6666\n"
    )
    body = await client.api(
        "add_lead", phone_number="3125550198", campaign_dnc_check="Y", campaign_id="TESTCAMP"
    )
    assert body == "ERROR: add_lead PHONE NUMBER IN CAMPAIGN DNC - 3125550198|TESTCAMP|6666\n"
    # dnc_check keeps [A-Z] only: "y" becomes "" and no check runs; no list_id means list 999.
    body = await client.api("add_lead", phone_number="3125550199", dnc_check="y")
    assert body.startswith("SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550199|999|")


async def test_add_lead_checks_and_notices(
    client: SimClient, state: SimState, clock: ManualClock
) -> None:
    assert await client.api("add_lead", phone_number="12345") == (
        "ERROR: add_lead INVALID PHONE NUMBER LENGTH - 12345|6666\n"
    )
    assert await client.api("add_lead", phone_number="3121555000", usacan_prefix_check="Y") == (
        "ERROR: add_lead INVALID PHONE NUMBER PREFIX - 3121555000|6666\n"
    )
    assert await client.api(
        "add_lead", phone_number="3125550300", list_id="4444", list_exists_check="Y"
    ) == ("ERROR: add_lead NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED - 3125550300|4444\n")
    clock.now = JUNE_2026  # daylight time: the printed offset is PHP's float after "+1"
    body = await client.api(
        "add_lead", phone_number="3125550300", list_id="101", add_to_hopper="Y", callback="Y",
        campaign_id="TESTCAMP", callback_datetime="2DAYS", callback_type="ANYONE",
    )  # fmt: skip
    lines = body.splitlines()
    lead_id = max(state.leads)
    hopper_id = state.hopper[lead_id].hopper_id
    assert lines == [
        f"SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550300|101|{lead_id}|-5|6666",
        f"NOTICE: add_lead ADDED TO HOPPER - 3125550300|{lead_id}|{hopper_id}|6666",
        f"NOTICE: add_lead SCHEDULED CALLBACK ADDED - {lead_id}|TESTCAMP|2026-06-18 08:53:20|"
        "ANYONE||CALLBK",
    ]
    assert state.leads[lead_id].status == "CBHOLD"
    assert state.leads[lead_id].gmt_offset_now == "-5.00"


async def test_multi_alt_phones_debug_text_has_no_line_end(client: SimClient) -> None:
    body = await client.api(
        "add_lead", phone_number="3125550301", multi_alt_phones="3125550302_1_work!3125550303"
    )
    first, second = body.splitlines()
    assert first.startswith("SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550301|999|")
    lead_id = first.split("|")[2]
    assert second == (
        "3125550302|1|work3125550303||"
        f"NOTICE: add_lead MULTI-ALT-PHONE NUMBERS LOADED - 2|{lead_id}|6666"
    )


async def test_update_lead_search_methods_and_options(client: SimClient, state: SimState) -> None:
    body = await client.api(
        "update_lead", search_method="VENDOR_LEAD_CODE", vendor_lead_code="VL5003", city="Miami"
    )
    assert body == "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5003|1|||\n"
    assert state.leads[5003].city == "Miami"
    body = await client.api(
        "update_lead", search_method="PHONE_NUMBER", phone_number="4155550006", no_update="Y"
    )
    assert body == ("NOTICE: update_lead LEADS FOUND IN THE SYSTEM: |6666|5006||4155550006|101|0\n")
    body = await client.api(
        "update_lead", search_method="PHONE_NUMBER", phone_number="9995550001", no_update="Y"
    )
    assert body == "NOTICE: update_lead NO MATCHES FOUND IN THE SYSTEM: |6666|||9995550001\n"
    assert await client.api("update_lead", city="Nowhere") == (
        "ERROR: update_lead NO VALID SEARCH METHOD - 6666|LEAD_ID|||\n"
    )
    body = await client.api(
        "update_lead", search_method="PHONE_NUMBER", phone_number="3125550400",
        insert_if_not_found="Y", phone_code="1", list_id="102", first_name="New",
    )  # fmt: skip
    notice, added = body.splitlines()
    assert notice == "NOTICE: update_lead NO MATCHES FOUND IN THE SYSTEM: |6666|||3125550400"
    assert added == (
        f"SUCCESS: update_lead LEAD HAS BEEN ADDED - 3125550400|102|{max(state.leads)}|-6.00|6666"
    )
    # callback=REMOVE archives the lead's callbacks.
    body = await client.api("update_lead", lead_id="5004", callback="REMOVE")
    assert body == "NOTICE: update_lead SCHEDULED CALLBACK DELETED - 6666|5004|1|1\n"
    assert not [cb for cb in state.callbacks if cb.lead_id == 5004]


async def test_update_lead_hopper(client: SimClient) -> None:
    assert await client.api("update_lead", lead_id="5020", add_to_hopper="Y") == (
        "NOTICE: update_lead NOT ADDED TO HOPPER, LEAD IS ALREADY IN THE HOPPER - |5020|6666\n"
    )
    assert await client.api("update_lead", lead_id="5020", remove_from_hopper="Y") == (
        "NOTICE: update_lead REMOVED FROM HOPPER - |5020|READY|6666\n"
    )
    assert await client.api("update_lead", lead_id="5020", remove_from_hopper="Y") == (
        "NOTICE: update_lead NOT REMOVED FROM HOPPER, LEAD IS NOT IN THE HOPPER - |5020|6666\n"
    )


async def test_lead_search_rows_per_number(client: SimClient) -> None:
    body = await client.api(
        "lead_search", phone_number="3125550001,3125550002,9995550000", header="YES"
    )
    assert body == (
        "search_keyrecords_foundlead_ids\n"
        "3125550001|2|5020-5001\n"
        "3125550002|1|5002\n"
        "9995550000|0|\n"
    )
    # records caps the single query, not each number.
    body = await client.api("lead_search", phone_number="3125550001,3125550002", records="1")
    assert body == "3125550001|1|5020\n3125550002|0|\n"


async def test_lead_all_info_by_phone_and_stage(client: SimClient) -> None:
    body = await client.api("lead_all_info", phone_number="3125550001", header="YES", stage="tab")
    lines = body.splitlines()
    assert len(lines) == 4 and lines[0] == lines[2] and lines[0].startswith("status\tuser\t")
    assert lines[1].endswith("\t5020") and lines[3].endswith("\t5001")
    body = await client.api("lead_all_info", lead_id="5001", stage="newline")
    assert body.split("\n")[:3] == ["SALE", "1001", "VL5001"] and body.count("\n") == 32
    assert await client.api("lead_all_info", lead_id="424242") == (
        "ERROR: lead_all_info LEAD NOT FOUND: 6666|424242|\n"
    )


async def test_campaigns_list_one_and_csv(client: SimClient) -> None:
    assert await client.api("campaigns_list", campaign_id="SURVEY", stage="csv") == (
        "SURVEY,Customer Survey,N,ADMIN,MANUAL,0,UP,NEW,60,9,,\n"
    )
    assert await client.api("campaigns_list", campaign_id="NOPE", header="YES") == (
        "ERROR: campaigns_list THIS USER HAS NO VIEWABLE CAMPAIGNS: 6666|\n"
    )


async def test_agent_status_cases(client: SimClient) -> None:
    assert await client.api("agent_status", agent_user="1002") == (
        "PAUSED||0|SALESOUT|1|Bob Agent|AGENTS|1|BREAK||||8600052\n"
    )
    assert await client.api("agent_status", agent_user="1003") == (
        "ERROR: agent_status AGENT NOT LOGGED IN: 6666|1003\n"
    )
    assert await client.api("agent_status") == (
        "ERROR: agent_status INVALID SEARCH PARAMETERS: 6666|\n"
    )
    # include_ip: the header always gets computer_ip, the row only with an old LOGIN event.
    with_ip = await client.api("agent_status", agent_user="1001", include_ip="YES", header="YES")
    header, row = with_ip.splitlines()
    assert header.endswith("|session_id|computer_ip") and row.endswith("|8600051|10.10.10.51")
    without = await client.api("agent_status", agent_user="1002", include_ip="YES", header="YES")
    header, row = without.splitlines()
    assert header.count("|") == 13 and row.count("|") == 12


async def test_list_info_counts_and_trailing_delimiter(client: SimClient) -> None:
    body = await client.api(
        "list_info", list_id="1001", leads_counts="Y", dialable_count="Y", header="YES", stage="tab"
    )
    header, row = body.splitlines()
    assert header.split("\t")[-3:] == ["all_leads_count", "new_leads_count", "dialable_count"]
    assert row.split("\t")[-3:] == ["9", "5", "6"]
    assert await client.api("list_info", list_id="4444") == (
        "ERROR: list_info LIST DOES NOT EXIST: |6666|4444\n"
    )


# Fresh seeded state for each case; new leads start at lead_id 5032.
MORE_LINES = [
    pytest.param(
        "add_lead",
        {"phone_number": "3125550500", "nanpa_ac_prefix_check": "Y"},
        "NOTICE: add_lead NANPA options disabled, NANPA prefix data not loaded - 0|6666\n"
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550500|999|5032|-6.00|6666\n",
        id="add_lead-nanpa-notice",
    ),
    pytest.param(
        "add_lead",
        {"phone_number": "3125550502", "callback": "Y", "campaign_id": "NOPE"},
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550502|999|5032|-6.00|6666\n"
        "NOTICE: add_lead SCHEDULED CALLBACK NOT ADDED, CAMPAIGN NOT VALID - 5032|NOPE\n",
        id="add_lead-callback-bad-campaign",
    ),
    pytest.param(
        "add_lead",
        {"phone_number": "3125550503", "callback": "Y", "campaign_id": "TESTCAMP",
         "callback_type": "USERONLY", "callback_user": "ghost"},
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550503|999|5032|-6.00|6666\n"
        "NOTICE: add_lead SCHEDULED CALLBACK NOT ADDED, USER NOT VALID - "
        "5032|TESTCAMP|ghost|USERONLY\n",
        id="add_lead-callback-bad-user",
    ),
    pytest.param(
        "add_lead",
        {"phone_number": "3125550504", "list_id": "102", "add_to_hopper": "Y",
         "hopper_local_call_time_check": "Y"},
        # SURVEY calls 9am-5pm; 22:36 UTC is 16:36 in Chicago.
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550504|102|5032|-6.00|6666\n"
        "NOTICE: add_lead ADDED TO HOPPER - 3125550504|5032|3|6666\n",
        id="add_lead-hopper-in-call-time",
    ),
    pytest.param(
        "add_lead",
        {"phone_number": "2125550505", "list_id": "102", "add_to_hopper": "Y",
         "hopper_local_call_time_check": "Y"},
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 2125550505|102|5032|-5.00|6666\n"
        "NOTICE: add_lead NOT ADDED TO HOPPER, OUTSIDE OF LOCAL TIME - "
        "2125550505|5032|-5.00|0|6666\n",
        id="add_lead-hopper-outside-call-time",
    ),
    pytest.param(
        "update_lead",
        {"lead_id": "5004", "callback": "Y", "callback_datetime": "NOW", "campaign_id": "TESTCAMP"},
        "NOTICE: update_lead SCHEDULED CALLBACK UPDATED - 5004|TESTCAMP|2026-11-27 22:36:18|||\n",
        id="update_lead-callback-updated",
    ),
    pytest.param(
        "update_lead",
        {"lead_id": "5004", "callback": "Y"},
        "NOTICE: update_lead SCHEDULED CALLBACK NOT UPDATED, NO FIELDS SPECIFIED - 5004|\n",
        id="update_lead-callback-no-fields",
    ),
    pytest.param(
        "update_lead",
        # custom_1001 exists (list 1001 has fields): the count of rows deleted is printed (0);
        # without the table it is empty (checked on a real VICIdial).
        {"lead_id": "5010", "delete_cf_data": "Y"},
        "NOTICE: update_lead CUSTOM FIELDS DATA HAS BEEN DELETED - 6666|5010|1001|1|0\n",
        id="update_lead-delete-cf-data",
    ),
    pytest.param(
        "update_lead",
        {"lead_id": "99999", "insert_if_not_found": "Y"},
        "NOTICE: update_lead NO MATCHES FOUND IN THE SYSTEM: |6666|99999||\n"
        "ERROR: update_lead INVALID DATA FOR LEAD INSERTION - 6666||||Y\n",
        id="update_lead-insert-invalid",
    ),
    pytest.param(
        "update_lead",
        {"search_method": "PHONE_NUMBER", "phone_number": "3125550001", "records": "5",
         "status": "XX"},
        "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5020|1|||\n"
        "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5001|1|||\n",
        id="update_lead-several-records",
    ),
    pytest.param(
        "update_lead",
        {"lead_id": "5002", "list_id_field": "102", "search_location": "LIST", "list_id": "102"},
        "ERROR: update_lead NO MATCHES FOUND IN THE SYSTEM: |6666|5002||\n",
        id="update_lead-search-location-list",
    ),
    pytest.param(
        "lead_search",
        {"phone_number": "12345"},
        "ERROR: lead_search NO VALID SEARCH METHOD - 6666|PHONE_NUMBER|(0)|(0)|12345(0)\n",
        id="lead_search-no-valid-method",
    ),
    pytest.param(
        "lead_search",
        {"search_method": "VENDOR_LEAD_CODE", "vendor_lead_code": "VL5002,VL9999"},
        "VL5002|1|5002\nVL9999|0|\n",
        id="lead_search-vendor-codes",
    ),
    pytest.param(
        "lead_search",
        {"search_method": "LEAD_ID", "lead_id": "1", "lead_ids": "5001,5002"},
        "",  # found, but LEAD_ID searches print no rows (code quirk)
        id="lead_search-lead-id-quirk",
    ),
    pytest.param(
        "lead_all_info",
        {"phone_number": "3125550999", "archived_lead": "Y", "stage": "csv"},
        "SALE,6666,VL4999,WEB,101,-5.00,1,3125550999,,Old,,Record,,,,Chicago,IL,,,USA,U,,,,,,0,"
        "2024-06-01 09:00:00,0,,0,4999\n",
        id="lead_all_info-archived",
    ),
    pytest.param(
        "list_info",
        {"list_id": "102", "dialable_count": "Y", "stage": "csv"},
        "102,Test list 102,SURVEY,Y,2024-06-01 09:10:00,2024-06-02 12:00:00,2099-12-31,0,1\n",
        id="list_info-dialable-count",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("function", "params", "expected"), MORE_LINES)
async def test_more_reply_lines(
    client: SimClient, function: str, params: dict[str, str], expected: str
) -> None:
    assert await client.api(function, **params) == expected


@pytest.mark.parametrize("function", FUNCTIONS[1:])
async def test_function_permission_lines(client: SimClient, state: SimState, function: str) -> None:
    state.users[API_USER].vdc_agent_api_access = False
    body = await client.api(function)
    assert body.startswith(f"ERROR: {function} USER DOES NOT HAVE PERMISSION TO ")
    assert line_template(function, body.rstrip("\n")) is not None


# --- transport ----------------------------------------------------------------------------


async def test_tls_needs_the_simulator_ca(running: RunningSim) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.get(running.api_url, ssl=ssl.create_default_context())
        trusted = ssl.create_default_context(cafile=str(running.ca_file))
        host_url = running.base_url.replace("127.0.0.1", "localhost")
        async with session.get(f"{host_url}/vicidial/non_agent_api.php", ssl=trusted) as r:
            assert r.status == 200


async def test_plain_http_and_cleanup(state: SimState) -> None:
    sim = await start_simulator(state=state, tls=False)
    try:
        assert sim.base_url.startswith("http://127.0.0.1:")
        async with (
            aiohttp.ClientSession() as session,
            session.get(sim.api_url, params={"function": "version"}) as r,
        ):
            assert (await r.text()).startswith("VERSION: 2.14-194|")
    finally:
        await sim.close()
    assert not sim.ca_file.exists()
