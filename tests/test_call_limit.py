"""Step 3 of a call, without a server: the Idempotency-Key of a mutating call started, kept or
freed, on the memory store (the store itself against both backends: test_store.py)."""

from __future__ import annotations

import pytest

from gateway.call.limit import agent_turn, begin, settle, settle_error
from gateway.catalog import AGENT_CATALOG, CATALOG
from gateway.config_load import parse_config
from gateway.errors import (
    AgentBusy,
    BadRequest,
    IdempotencyInProgress,
    NotSent,
    UpstreamTimeout,
)
from gateway.limits import IdempotentCall
from gateway.state import open_state
from gateway.store import StoredResponse

from .conftest import config_dict

CFG = parse_config(config_dict())
APP = CFG.apps["crm"]
ADD = CATALOG["add_lead"]
FORM = {"phone_number": "3125557006", "list_id": "101"}


async def test_only_a_mutating_call_with_a_key_is_idempotent() -> None:
    store = open_state(CFG.state).idempotency
    assert await begin(store, APP, ADD, None, FORM) is None
    assert await begin(store, APP, CATALOG["version"], "k1", {}) is None
    assert isinstance(await begin(store, APP, ADD, "k1", FORM), IdempotentCall)
    with pytest.raises(BadRequest):
        await begin(store, APP, ADD, "not a key!", FORM)


async def test_an_answered_call_is_kept_and_replayed() -> None:
    store = open_state(CFG.state).idempotency
    started = await begin(store, APP, ADD, "k1", FORM)
    assert isinstance(started, IdempotentCall)
    with pytest.raises(IdempotencyInProgress):
        await begin(store, APP, ADD, "k1", FORM)
    await settle(started, 200, {"ok": True, "data": {"lead_id": "5026"}}, acted=True)
    again = await begin(store, APP, ADD, "k1", FORM)
    assert again == StoredResponse(200, {"ok": True, "data": {"lead_id": "5026"}})


@pytest.mark.parametrize(
    ("status", "body", "acted"),
    [
        (503, {"ok": False}, False),  # VICIdial refused the gateway's login: nothing done
        (200, None, True),  # a streamed reply has no body to keep
    ],
)
async def test_a_call_vicidial_did_not_act_on_frees_the_key(
    status: int, body: dict[str, object] | None, acted: bool
) -> None:
    store = open_state(CFG.state).idempotency
    started = await begin(store, APP, ADD, "k1", FORM)
    assert isinstance(started, IdempotentCall)
    await settle(started, status, body, acted=acted)
    assert isinstance(await begin(store, APP, ADD, "k1", FORM), IdempotentCall)


async def test_an_error_after_sending_is_kept_one_before_frees_the_key() -> None:
    store = open_state(CFG.state).idempotency
    sent = await begin(store, APP, ADD, "sent", FORM)
    assert isinstance(sent, IdempotentCall)
    await settle_error(sent, UpstreamTimeout("VICIdial did not answer"), "add_lead", "r1")
    kept = await begin(store, APP, ADD, "sent", FORM)
    assert isinstance(kept, StoredResponse) and kept.status == 504
    assert kept.body["error"] == {  # type: ignore[index]
        "type": "upstream_timeout",
        "message": "VICIdial did not answer",
        "details": {},
    }
    assert kept.body["request_id"] == "r1"
    never = await begin(store, APP, ADD, "never", FORM)
    assert isinstance(never, IdempotentCall)
    await settle_error(never, NotSent("VICIdial could not be reached"), "add_lead", "r2")
    assert isinstance(await begin(store, APP, ADD, "never", FORM), IdempotentCall)


# --- one Agent API call in flight per agent -------------------------------------------------------

UPSTREAM = CFG.upstreams["main"]
DIAL = AGENT_CATALOG["external_dial"]
DIAL_FORM = {
    "agent_user": "1001",
    "value": "3125551212",
    "search": "NO",
    "preview": "NO",
    "focus": "NO",
}


async def test_a_second_call_for_the_agent_is_agent_busy_until_the_first_ends() -> None:
    locks = open_state(CFG.state).agents
    async with agent_turn(locks, UPSTREAM, DIAL, DIAL_FORM):
        with pytest.raises(AgentBusy) as info:
            async with agent_turn(locks, UPSTREAM, DIAL, DIAL_FORM):
                pytest.fail("two calls for one agent ran at once")
        assert info.value.retry_after == 1 and info.value.details == {"agent_user": "1001"}
        # Another agent is not held up.
        async with agent_turn(locks, UPSTREAM, DIAL, {**DIAL_FORM, "agent_user": "1002"}):
            pass
    async with agent_turn(locks, UPSTREAM, DIAL, DIAL_FORM):  # the first call ended
        pass


async def test_a_failed_call_gives_the_turn_back() -> None:
    locks = open_state(CFG.state).agents
    with pytest.raises(UpstreamTimeout):
        async with agent_turn(locks, UPSTREAM, DIAL, DIAL_FORM):
            raise UpstreamTimeout("VICIdial did not answer")
    async with agent_turn(locks, UPSTREAM, DIAL, DIAL_FORM):
        pass


async def test_reads_and_the_non_agent_api_take_no_turn() -> None:
    locks = open_state(CFG.state).agents
    count = AGENT_CATALOG["calls_in_queue_count"]
    async with agent_turn(locks, UPSTREAM, DIAL, DIAL_FORM):
        async with agent_turn(locks, UPSTREAM, count, {"agent_user": "1001", "value": "DISPLAY"}):
            pass  # a widget's poll beside a dial
        async with agent_turn(locks, UPSTREAM, CATALOG["agent_status"], {"agent_user": "1001"}):
            pass
