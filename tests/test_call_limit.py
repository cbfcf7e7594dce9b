"""Step 3 of a call, without a server: the Idempotency-Key of a mutating call started, kept or
freed, on the memory store (the store itself against both backends: test_store.py)."""

from __future__ import annotations

import pytest

from gateway.call.limit import begin, settle, settle_error
from gateway.catalog import CATALOG
from gateway.config_load import parse_config
from gateway.errors import BadRequest, IdempotencyInProgress, NotSent, UpstreamTimeout
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
