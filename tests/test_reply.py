"""What a parsed reply looks like to callers (gateway.catalog.reply): notices as JSON, logins
hidden. The notices of a buffered reply and of a streamed export are written by one function."""

from __future__ import annotations

import json

from gateway.call.convert import reply_json
from gateway.catalog import CATALOG
from gateway.catalog.parser import parse_reply
from gateway.catalog.reply import Notice, notices_json

ADD_LEAD = CATALOG["add_lead"]


def test_notices_as_json_keep_their_order_and_fields() -> None:
    notices = (
        Notice("NOTICE", "ADD LEAD TO HOPPER", {"lead_id": 7, "list_id": "101"}),
        Notice("ERROR", "LIST NOT FOUND", {}),
    )
    assert notices_json(notices) == [
        {
            "result": "NOTICE",
            "message": "ADD LEAD TO HOPPER",
            "data": {"lead_id": 7, "list_id": "101"},
        },
        {"result": "ERROR", "message": "LIST NOT FOUND", "data": {}},
    ]
    assert notices_json(()) == []
    json.dumps(notices_json(notices))  # plain JSON values only


def test_a_buffered_reply_writes_its_notices_with_it() -> None:
    text = (
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550100|101|7|-5.00|6666\n"
        "NOTICE: add_lead ADDED TO HOPPER - 3125550100|7|12|6666\n"
    )
    parsed = parse_reply(ADD_LEAD, text, params={})
    body = reply_json(ADD_LEAD, parsed)
    assert body["ok"] is True and body["notices"] == notices_json(parsed.notices)
    assert body["notices"] == [
        {
            "result": "NOTICE",
            "message": "ADDED TO HOPPER",
            "data": {"phone_number": "3125550100", "lead_id": "7", "hopper_id": "12"},
        }
    ]
