"""The real VICIdial client against the simulator.

What :class:`~gateway.upstream.VicidialUpstream` promises, each checked on its own: the form it
posts, which calls it sends again and which never, how a refused login moves a call to the next
credential (buffered and streamed), how a login refusal is told from data, what it withholds, and
that every lease it takes is given back. Time is the injected clock wherever the client takes one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from gateway.breaker import CircuitBreaker
from gateway.catalog import CATALOG, generic
from gateway.config import UpstreamConfig
from gateway.config_load import parse_config
from gateway.errors import NoCredential, Unavailable, UpstreamError, UpstreamTimeout
from gateway.metrics import Metrics
from gateway.policy import gateway_params
from gateway.refusal import PROBE_FUNCTION
from gateway.sim import RunningSim
from gateway.sim.data_reports import DidCall
from gateway.sim.faults import Faults
from gateway.upstream import (
    SCRUBBED,
    MaybeSent,
    NotSent,
    TLSRefused,
    UpstreamStream,
    VicidialUpstream,
    credential_used,
)

from .conftest import API_PASS, API_USER, config_dict, free_port

SECOND_USER, SECOND_PASS = "6667", "Second-Pass_0043"  # the simulator's second API user
WRONG_PASS = "Wrong_pw_123"


def upstream_config(sim: RunningSim, password: str = API_PASS, **settings: Any) -> UpstreamConfig:
    """The simulator's upstream with ``settings`` changed (as written in a config file)."""
    doc = config_dict(sim.base_url, sim.ca_file, password=password)
    doc["upstreams"]["main"].update(settings)
    return parse_config(doc).upstreams["main"]


@asynccontextmanager
async def opened(cfg: UpstreamConfig, **kwargs: Any) -> AsyncIterator[VicidialUpstream]:
    client = VicidialUpstream(cfg, **kwargs)
    try:
        yield client
    finally:
        await client.close()


def two_credentials(
    sim: RunningSim, first: str = API_PASS, second: str = SECOND_PASS, **settings: Any
) -> UpstreamConfig:
    """api-a (the simulator's first user) then api-b (its second), with these passwords."""
    return upstream_config(
        sim,
        credentials=[
            {"name": "api-a", "user": API_USER, "pass": first},
            {"name": "api-b", "user": SECOND_USER, "pass": second},
        ],
        **settings,
    )


def lead(phone: str) -> dict[str, str]:
    return {"phone_number": phone, "list_id": "101"}


def form(function: str, **params: str) -> dict[str, str]:
    """What the gateway sends for ``function``: the caller's params and its own (stage, ...)."""
    return {**params, **gateway_params(CATALOG[function])}


def leases_out(client: VicidialUpstream) -> int:
    """Leases taken and not given back, over every credential (always 0 once a call ended)."""
    return sum(client.credentials.state(c.name).in_flight for c in client.cfg.credentials)


async def lines_of(up: UpstreamStream) -> list[str]:
    return [line async for batch in up.batches for line in batch]


DAY, DID = "2024-07-01", "3125551000"


def did_export() -> dict[str, str]:
    return form("did_log_export", phone_number=DID, date=DAY)


@pytest.mark.asyncio
async def test_call_posts_a_form_without_query_string(sim: RunningSim) -> None:
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file)).upstreams["main"]
    client = VicidialUpstream(cfg)
    try:
        reply = await client.call(CATALOG["campaigns_list"], {"stage": "tab"}, source="crm")
    finally:
        await client.close()
    assert reply.status == 200 and reply.credential == "api-a"
    assert reply.content_type.startswith("text/html")
    assert "TESTCAMP\tTest Campaign" in reply.text
    (seen,) = sim.state.requests
    assert seen.method == "POST" and seen.query_string == ""
    assert seen.function == "campaigns_list"
    assert {"user", "pass", "source", "function", "stage"} <= set(seen.param_names)


@pytest.mark.asyncio
async def test_the_last_form_field_is_the_source_label(sim: RunningSim) -> None:
    # VICIdial writes the raw value of the last POST field into vicidial_api_log.value
    # (single-quoted, unfiltered): it must be the gateway's own harmless source label, never
    # the password (stored in clear) nor a caller's value (any character reaches SQL there).
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file)).upstreams["main"]
    client = VicidialUpstream(cfg)
    try:
        await client.call(CATALOG["add_lead"], lead("3125550001"), source="crm")
        async with client.stream(CATALOG["did_log_export"], {"stage": "tab"}, source="crm") as up:
            async for _ in up.batches:
                pass
    finally:
        await client.close()
    assert [r.body_names[-1] for r in sim.state.requests] == ["source", "source"]


@pytest.mark.asyncio
async def test_bad_login_reply_has_its_password_field_masked(sim: RunningSim) -> None:
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file, password="Wrong_pw_123")).upstreams[
        "main"
    ]
    client = VicidialUpstream(cfg)
    try:
        reply = await client.call(CATALOG["campaigns_list"], {}, source="crm")
    finally:
        await client.close()
    assert reply.refusal == "bad_login"
    assert reply.text == f"ERROR: Login incorrect, please try again: |{API_USER}|{SCRUBBED}|BAD|\n"
    assert "Wrong_pw_123" not in reply.text and API_PASS not in reply.text


@pytest.mark.asyncio
async def test_tls_is_verified(sim: RunningSim) -> None:
    # Without the simulator's CA (system trust only) the handshake must fail.
    cfg = parse_config(config_dict(sim.base_url)).upstreams["main"]
    client = VicidialUpstream(dataclasses.replace(cfg, ca_file=None))
    try:
        with pytest.raises(UpstreamError) as info:
            await client.call(CATALOG["version"], {}, source="crm")
    finally:
        await client.close()
    assert "TLS" in info.value.message
    assert len(sim.state.requests) == 0


@pytest.mark.asyncio
async def test_unreachable_upstream() -> None:
    cfg = parse_config(config_dict("https://127.0.0.1:9")).upstreams["main"]
    client = VicidialUpstream(cfg)
    try:
        with pytest.raises(UpstreamError):
            await client.call(CATALOG["version"], {}, source="crm")
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_the_spec_handed_over_decides_retries_not_the_catalog(sim: RunningSim) -> None:
    # A web-server error instead of VICIdial's answer is sent again only for a read: add_lead
    # is a write, so its 500 is passed on; the same function handed over as a read is retried.
    write = CATALOG["add_lead"]
    as_read = dataclasses.replace(write, effect="read_only")
    async with opened(upstream_config(sim, retry_backoff="1ms")) as client:
        sim.state.faults = Faults("http500", functions=frozenset({"add_lead"}), remaining=1)
        first = await client.call(write, lead("3125550101"), source="crm")
        sim.state.faults = Faults("http500", functions=frozenset({"add_lead"}), remaining=1)
        second = await client.call(as_read, lead("3125550102"), source="crm")
    assert (first.status, second.status) == (500, 200)
    assert "LEAD HAS BEEN ADDED" in second.text
    assert [r.function for r in sim.state.requests] == ["add_lead"] * 3


@pytest.mark.asyncio
async def test_the_spec_handed_over_decides_whether_a_refusal_is_looked_for(
    sim: RunningSim,
) -> None:
    # A function that needs no login cannot be refused one: its reply is never read as a
    # refusal. Here that reply is the bad-login line, which prints the password: withheld.
    listed = CATALOG["campaigns_list"]
    async with opened(upstream_config(sim, password="Wrong_pw_123")) as client:
        with pytest.raises(UpstreamError, match="withheld"):
            await client.call(dataclasses.replace(listed, needs_login=False), {}, source="crm")
        refused = await client.call(listed, {}, source="crm")
    assert refused.refusal == "bad_login"


# --- the form --------------------------------------------------------------------------------


async def test_the_gateway_owns_function_login_and_source_whatever_the_params_say(
    sim: RunningSim,
) -> None:
    # The policy never lets a caller send these names; the client does not rely on it: its
    # own values win, and the source label stays the last field (see _form).
    sneaky = {"source": "x'); --", "stage": "tab", "function": "add_lead", "user": "1001"}
    async with opened(upstream_config(sim)) as client:
        reply = await client.call(CATALOG["campaigns_list"], sneaky, source="crm")
    assert reply.status == 200 and "TESTCAMP" in reply.text
    (seen,) = sim.state.requests
    assert (seen.function, seen.user, seen.login) == ("campaigns_list", API_USER, "GOOD")
    assert seen.body_names[-4:] == ("function", "user", "pass", "source")
    assert seen.body_names.count("source") == 1


async def test_version_is_asked_without_any_credential(sim: RunningSim) -> None:
    async with opened(upstream_config(sim)) as client:
        version = await client.ping()
    (seen,) = sim.state.requests
    assert version and seen.function == "version"
    assert (seen.user, seen.login) == ("", None)
    assert "pass" not in seen.body_names and "user" not in seen.body_names


# --- what is sent again, and what never ------------------------------------------------------


async def test_a_read_cut_off_after_sending_is_sent_again(sim: RunningSim) -> None:
    sim.state.faults = Faults("reset", functions=frozenset({"campaigns_list"}), remaining=1)
    async with opened(upstream_config(sim, retry_backoff="1ms")) as client:
        reply = await client.call(CATALOG["campaigns_list"], form("campaigns_list"), source="crm")
        assert client.breaker.consecutive == 0  # the answer reset the count
        assert leases_out(client) == 0
    assert reply.status == 200 and "TESTCAMP" in reply.text
    assert sim.state.hits("campaigns_list") == 2


async def test_a_write_cut_off_after_sending_is_never_sent_again(sim: RunningSim) -> None:
    sim.state.faults = Faults("reset", functions=frozenset({"add_lead"}), remaining=1)
    async with opened(upstream_config(sim, retry_backoff="1ms")) as client:
        with pytest.raises(MaybeSent):
            await client.call(CATALOG["add_lead"], lead("3125550111"), source="crm")
        assert client.breaker.consecutive == 1
        assert leases_out(client) == 0
    assert sim.state.hits("add_lead") == 1  # it may have been done: VICIdial ran it once


async def test_a_call_that_never_left_is_tried_again_even_a_write() -> None:
    # Nothing listens there: no connection, so VICIdial cannot have seen it (retries: 2).
    cfg = parse_config(config_dict(f"https://127.0.0.1:{free_port()}")).upstreams["main"]
    async with opened(dataclasses.replace(cfg, retry_backoff=0.001)) as client:
        with pytest.raises(NotSent):
            await client.call(CATALOG["add_lead"], lead("3125550112"), source="crm")
        assert client.breaker.consecutive == 3
        assert leases_out(client) == 0


async def test_a_read_gives_up_after_the_configured_retries(sim: RunningSim) -> None:
    # Every answer is a web-server 503 page: sent 1 + retries times, the last answer passed on.
    sim.state.faults = Faults("html", functions=frozenset({"campaigns_list"}))
    async with opened(upstream_config(sim, retries=1, retry_backoff="1ms")) as client:
        reply = await client.call(CATALOG["campaigns_list"], form("campaigns_list"), source="crm")
        assert client.breaker.consecutive == 0  # a web server answered: not a transport failure
    assert reply.status == 503 and "Service Unavailable" in reply.text
    assert sim.state.hits("campaigns_list") == 2


async def test_a_timeout_is_sent_again_only_for_a_read(sim: RunningSim) -> None:
    sim.state.faults = Faults("hang")
    cfg = upstream_config(sim, retries=1, retry_backoff="1ms", timeout="300ms")
    async with opened(cfg) as client:
        with pytest.raises(UpstreamTimeout):
            await client.call(CATALOG["campaigns_list"], form("campaigns_list"), source="crm")
        with pytest.raises(UpstreamTimeout):
            await client.call(CATALOG["add_lead"], lead("3125550113"), source="crm")
        assert client.breaker.consecutive == 3
        assert leases_out(client) == 0
    assert (sim.state.hits("campaigns_list"), sim.state.hits("add_lead")) == (2, 1)


async def test_the_timeout_is_the_one_of_the_specs_class(sim: RunningSim) -> None:
    # VICIdial never answers; each call gives up after its class's timeout (the call timeout,
    # 10 s, is for classes without one), and says which.
    sim.state.faults = Faults("hang")
    cfg = upstream_config(sim, retries=0, class_timeouts={"write": "200ms", "read": "300ms"})
    async with opened(cfg) as client:
        with pytest.raises(UpstreamTimeout, match=r"within 0\.2 s"):
            await client.call(CATALOG["add_lead"], lead("3125550114"), source="crm")
        with pytest.raises(UpstreamTimeout, match=r"within 0\.3 s"):
            await client.call(CATALOG["campaigns_list"], {}, source="crm")
        as_write = dataclasses.replace(CATALOG["campaigns_list"], effect="mutating")
        with pytest.raises(UpstreamTimeout, match=r"within 0\.2 s"):
            await client.call(as_write, {}, source="crm")


async def test_a_certificate_that_is_not_pinned_sends_nothing_and_is_not_retried(
    sim: RunningSim,
) -> None:
    async with opened(upstream_config(sim, pin_sha256=["ab" * 32])) as client:
        with pytest.raises(TLSRefused, match="pinned"):
            await client.call(CATALOG["campaigns_list"], {}, source="crm")
        # A trust problem is not a passing failure: it does not count toward the breaker.
        assert client.breaker.consecutive == 0
        assert leases_out(client) == 0
    assert sim.state.requests == []


async def test_an_open_breaker_refuses_at_once_until_its_version_probe_answers(
    sim: RunningSim,
) -> None:
    now = [1000.0]
    breaker = CircuitBreaker(2, 30.0, clock=lambda: now[0])
    sim.state.faults = Faults("http500", functions=frozenset({"version"}))
    cfg = upstream_config(sim, retries=0)
    async with opened(
        dataclasses.replace(cfg, base_url=f"https://127.0.0.1:{free_port()}"), breaker=breaker
    ) as down:
        for _ in range(2):
            with pytest.raises(NotSent):
                await down.call(CATALOG["campaigns_list"], {}, source="crm")
    async with opened(cfg, breaker=breaker) as client:
        with pytest.raises(Unavailable):  # open: nothing is sent
            await client.call(CATALOG["campaigns_list"], {}, source="crm")
        assert sim.state.requests == []
        now[0] += 31  # half-open: version is asked first, and fails (HTTP 500)
        with pytest.raises(Unavailable):
            await client.call(CATALOG["campaigns_list"], {}, source="crm")
        assert [r.function for r in sim.state.requests] == ["version"]
        sim.state.faults = None
        now[0] += 31
        reply = await client.call(CATALOG["campaigns_list"], form("campaigns_list"), source="crm")
    assert reply.status == 200
    assert [r.function for r in sim.state.requests] == ["version", "version", "campaigns_list"]


# --- refused logins: the next credential -----------------------------------------------------


async def test_a_refused_login_moves_the_same_call_to_the_next_credential(
    sim: RunningSim,
) -> None:
    async with opened(two_credentials(sim, first=WRONG_PASS)) as client:
        reply = await client.call(CATALOG["campaigns_list"], form("campaigns_list"), source="crm")
        assert credential_used() == "api-b"
        assert client.credentials.state("api-a").status == "failed"
        assert client.credentials.state("api-b").status == "healthy"
        assert leases_out(client) == 0
        again = await client.call(CATALOG["campaigns_list"], form("campaigns_list"), source="crm")
    assert (reply.status, reply.credential, reply.refusal) == (200, "api-b", None)
    assert "TESTCAMP" in reply.text
    assert again.credential == "api-b"  # api-a is cooling down: not tried again
    assert [r.user for r in sim.state.requests] == [API_USER, SECOND_USER, SECOND_USER]


async def test_a_refused_streamed_login_moves_to_the_next_credential(sim: RunningSim) -> None:
    sim.state.reports.add_synthetic_did_calls(50, day=DAY, did=DID)
    async with opened(two_credentials(sim, first=WRONG_PASS)) as client:
        async with client.stream(CATALOG["did_log_export"], did_export(), source="crm") as up:
            lines = await lines_of(up)
        assert client.credentials.state("api-a").status == "failed"
        assert leases_out(client) == 0
    assert (up.status, up.credential, up.refusal) == (200, "api-b", None)
    assert len(lines) == 50 and all(DID in line for line in lines)


async def test_when_every_credential_is_refused_the_last_refusal_is_the_answer(
    sim: RunningSim,
) -> None:
    now = [5000.0]
    cfg = two_credentials(sim, first=WRONG_PASS, second="Also_wrong_456")
    async with opened(cfg, clock=lambda: now[0]) as client:
        reply = await client.call(CATALOG["campaigns_list"], {}, source="crm")
        assert leases_out(client) == 0
        with pytest.raises(NoCredential):  # both cool down now: nothing is sent
            await client.call(CATALOG["campaigns_list"], {}, source="crm")
    assert (reply.status, reply.credential, reply.refusal) == (200, "api-b", "bad_login")
    assert (
        reply.text == f"ERROR: Login incorrect, please try again: |{SECOND_USER}|{SCRUBBED}|BAD|\n"
    )
    assert reply.retry_after is not None and reply.retry_after >= 1
    assert reply.reason is not None and "api-a failed" in reply.reason and "api-b" in reply.reason
    assert len(sim.state.requests) == 2


async def test_when_every_streamed_login_is_refused_the_masked_line_is_the_stream(
    sim: RunningSim,
) -> None:
    cfg = two_credentials(sim, first=WRONG_PASS, second="Also_wrong_456")
    async with opened(cfg) as client:
        async with client.stream(CATALOG["did_log_export"], did_export(), source="crm") as up:
            lines = await lines_of(up)
        assert leases_out(client) == 0
    assert (up.status, up.credential, up.refusal) == (200, "api-b", "bad_login")
    assert lines == [f"ERROR: Login incorrect, please try again: |{SECOND_USER}|{SCRUBBED}|BAD|"]
    assert up.retry_after is not None and up.reason is not None


async def test_a_refused_credential_is_tried_again_once_its_cooldown_is_over(
    sim: RunningSim,
) -> None:
    # The injected clock, not a sleep: api-a comes back after credential_cooldown.
    now = [10_000.0]
    cfg = two_credentials(sim, first="Rotated_pw_789", credential_cooldown="60s")
    async with opened(cfg, clock=lambda: now[0]) as client:
        first = await client.call(CATALOG["campaigns_list"], {}, source="crm")
        sim.state.set_password(API_USER, "Rotated_pw_789")  # VICIdial now has the new one
        now[0] += 59
        before = await client.call(CATALOG["campaigns_list"], {}, source="crm")
        now[0] += 2
        after = await client.call(CATALOG["campaigns_list"], {}, source="crm")
        assert client.credentials.state("api-a").status == "healthy"
    assert [first.credential, before.credential, after.credential] == ["api-b", "api-b", "api-a"]


# --- what is a refusal, and what is data -----------------------------------------------------


async def test_a_lock_is_believed_only_once_a_probe_confirms_it(sim: RunningSim) -> None:
    user = sim.state.users[API_USER]
    user.failed_login_count, user.last_login_date = 10, sim.state.now()
    async with opened(upstream_config(sim)) as client:
        reply = await client.call(CATALOG["campaigns_list"], {}, source="crm")
        assert client.credentials.state("api-a").kind == "locked"
        assert leases_out(client) == 0
    assert reply.refusal == "locked" and reply.retry_after is not None
    assert [r.function for r in sim.state.requests] == ["campaigns_list", PROBE_FUNCTION]


async def test_stored_data_that_reads_as_a_lock_is_the_reply(sim: RunningSim) -> None:
    locked = generic.LOCKED.render({"user": API_USER}) + "\n"
    sim.state.leads[5001].comments = locked
    async with opened(upstream_config(sim)) as client:
        reply = await client.call(
            CATALOG["lead_field_info"], {"lead_id": "5001", "field_name": "comments"}, source="crm"
        )
        assert client.credentials.state("api-a").status == "healthy"
    assert (reply.refusal, reply.text) == (None, locked)
    assert [r.function for r in sim.state.requests] == ["lead_field_info", PROBE_FUNCTION]


async def test_a_bad_login_that_echoes_another_password_is_data(sim: RunningSim) -> None:
    # Only the password this request sent makes a bad-login line conclusive; no probe needed.
    other = generic.BAD_LOGIN.render({"user": API_USER, "pass": "guess", "auth_message": "BAD"})
    sim.state.leads[5001].comments = other + "\n"
    async with opened(upstream_config(sim)) as client:
        reply = await client.call(
            CATALOG["lead_field_info"], {"lead_id": "5001", "field_name": "comments"}, source="crm"
        )
    assert (reply.refusal, reply.text) == (None, other + "\n")
    assert sim.state.hits(PROBE_FUNCTION) == 0


async def test_a_refusal_is_looked_for_only_in_a_200_reply(sim: RunningSim) -> None:
    sim.state.faults = Faults("http500", functions=frozenset({"add_lead"}))
    async with opened(upstream_config(sim, password=WRONG_PASS)) as client:
        reply = await client.call(CATALOG["add_lead"], lead("3125550115"), source="crm")
        # The login was not decided: the credential keeps its state and its lease is back.
        assert client.credentials.state("api-a").status == "unverified"
        assert leases_out(client) == 0
    assert (reply.status, reply.refusal) == (500, None)


async def test_a_new_credential_is_verified_by_a_login_that_runs_nothing(
    sim: RunningSim,
) -> None:
    async with opened(two_credentials(sim, second=WRONG_PASS)) as client:
        await client.verify_fresh()
        states = [client.credentials.state(n).status for n in ("api-a", "api-b")]
        assert leases_out(client) == 0
    assert states == ["healthy", "failed"]
    assert [r.function for r in sim.state.requests] == [PROBE_FUNCTION, PROBE_FUNCTION]


# --- what is withheld ------------------------------------------------------------------------


async def test_a_reply_that_prints_a_password_is_withheld_and_counted(sim: RunningSim) -> None:
    sim.state.leads[5001].comments = f"call back, pw {API_PASS} ok"
    metrics = Metrics()
    async with opened(upstream_config(sim), metrics=metrics) as client:
        with pytest.raises(UpstreamError, match="withheld") as info:
            await client.call(
                CATALOG["lead_field_info"],
                {"lead_id": "5001", "field_name": "comments"},
                source="crm",
            )
        assert leases_out(client) == 0
    assert API_PASS not in str(info.value)
    labels = {"upstream": "main", "function": "lead_field_info"}
    assert metrics.registry.get_sample_value("vicigw_upstream_replies_withheld_total", labels) == 1


async def test_a_rotated_away_password_is_withheld_too(sim: RunningSim) -> None:
    sim.state.leads[5001].comments = "old one: Old-Pass_0001"
    async with opened(upstream_config(sim), previous_secrets=["Old-Pass_0001"]) as client:
        with pytest.raises(UpstreamError, match="withheld"):
            await client.call(
                CATALOG["lead_field_info"],
                {"lead_id": "5001", "field_name": "comments"},
                source="crm",
            )


async def test_the_password_inside_a_longer_word_is_no_echo(sim: RunningSim) -> None:
    sim.state.leads[5001].comments = f"x{API_PASS}9"
    async with opened(upstream_config(sim)) as client:
        reply = await client.call(
            CATALOG["lead_field_info"], {"lead_id": "5001", "field_name": "comments"}, source="crm"
        )
    assert reply.text == f"x{API_PASS}9"


async def test_a_streamed_batch_that_prints_a_password_is_withheld(sim: RunningSim) -> None:
    # 20,000 rows come in several batches; the password is in the last row only.
    sim.state.reports.add_synthetic_did_calls(20_000, day=DAY, did=DID)
    sim.state.reports.did_calls.append(DidCall("1.2", "1", DID, API_PASS, f"{DAY} 23:59:59"))
    received: list[str] = []
    async with opened(upstream_config(sim)) as client:
        with pytest.raises(UpstreamError, match="withheld"):
            async with client.stream(CATALOG["did_log_export"], did_export(), source="crm") as up:
                async for batch in up.batches:
                    received += batch
        assert leases_out(client) == 0
    assert 0 < len(received) <= 20_000  # the batches before the one holding it
    assert not any(API_PASS in line for line in received)


# --- streaming -------------------------------------------------------------------------------


async def test_a_stream_gives_the_same_lines_as_the_buffered_reply(sim: RunningSim) -> None:
    sim.state.reports.add_synthetic_did_calls(20_000, day=DAY, did=DID)
    async with opened(upstream_config(sim)) as client:
        whole = await client.call(CATALOG["did_log_export"], did_export(), source="crm")
        batches: list[list[str]] = []
        async with client.stream(CATALOG["did_log_export"], did_export(), source="crm") as up:
            async for batch in up.batches:
                batches.append(batch)
        assert leases_out(client) == 0
    assert len(batches) > 1  # several chunks, each cut at a line end
    assert whole.text.endswith("\n")
    assert [line for batch in batches for line in batch] == whole.text[:-1].split("\n")
    assert up.credential == "api-a" and up.content_type.startswith("text/html")


async def test_a_stream_that_is_not_vicidials_answer_is_passed_on_as_it_is(
    sim: RunningSim,
) -> None:
    sim.state.faults = Faults("html")
    async with opened(upstream_config(sim, password=WRONG_PASS)) as client:
        async with client.stream(CATALOG["did_log_export"], did_export(), source="crm") as up:
            lines = await lines_of(up)
        assert client.credentials.state("api-a").status == "unverified"
        assert leases_out(client) == 0
    assert (up.status, up.refusal) == (503, None)
    assert "<title>503 Service Unavailable</title>" in lines
    assert sim.state.hits("did_log_export") == 1  # streams are never sent twice


async def test_a_stream_cut_off_midway_fails_while_reading(sim: RunningSim) -> None:
    sim.state.reports.add_synthetic_did_calls(20_000, day=DAY, did=DID)
    sim.state.faults = Faults("reset", functions=frozenset({"did_log_export"}))
    async with opened(upstream_config(sim)) as client:
        with pytest.raises(MaybeSent):
            async with client.stream(CATALOG["did_log_export"], did_export(), source="crm") as up:
                await lines_of(up)
        assert leases_out(client) == 0
