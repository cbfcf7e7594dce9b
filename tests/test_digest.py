"""One digest of a request (gateway.digest): the idempotency fingerprint and the reply-cache key.

Both are stored (in Redis, shared by replicas and across upgrades), so the digest of a request
must never change: a fingerprint stored by a running gateway must still match the same request
sent to the next version (else a retry would be refused as another request).
"""

from __future__ import annotations

from gateway.cache import ReplyCache
from gateway.digest import request_digest
from gateway.limits import request_fingerprint

LEAD = {"phone_number": "3125550100", "list_id": "101"}


def test_the_digest_of_a_request_never_changes() -> None:
    # Values stored by earlier versions (canonical JSON: sorted pairs, compact, ASCII escapes).
    assert (
        request_fingerprint("add_lead", LEAD)
        == "194bb89a284fb0c72989db335ecd2aef903b73f486fcf73982ea2a8fb718eefd"
    )
    assert (
        request_fingerprint("add_lead", {"comments": 'é "x"'})
        == "909c39fc61dd35c22d39d8b58b262f21a333da30362e564d976a465bed48e045"
    )
    # The store puts its namespace in front (prefix:cache:<digest>, pinned in test_store_redis).
    assert (
        ReplyCache.key("main", "campaigns_list", {"stage": "tab"})
        == "58392d373890eeac3a8adb42a83fbe1f3629827e932bd1ff6e0d652b1bf917ea"
    )


def test_both_are_the_one_digest() -> None:
    assert request_fingerprint("add_lead", LEAD) == request_digest("add_lead", params=LEAD)
    key = ReplyCache.key("main", "campaigns_list", LEAD)
    assert key == request_digest("main", "campaigns_list", params=LEAD)


def test_the_order_of_the_params_does_not_matter() -> None:
    reordered = dict(reversed(list(LEAD.items())))
    assert list(reordered) != list(LEAD)
    assert request_digest("add_lead", params=reordered) == request_digest("add_lead", params=LEAD)


def test_requests_that_differ_have_different_digests() -> None:
    digests = {
        request_digest("add_lead", params=LEAD),
        request_digest("update_lead", params=LEAD),
        request_digest("main", "add_lead", params=LEAD),
        request_digest("add_lead", params={**LEAD, "list_id": "102"}),
        request_digest("add_lead", params={**LEAD, "comments": ""}),
        # No separator can be forged: each part is a JSON string of its own.
        request_digest("add_lead", params={"a": "b", "c": "d"}),
        request_digest("add_lead", params={"a": 'b", "c": "d'}),
        request_digest("add_lead", params={"a|b": "c"}),
        request_digest("add_lead", params={"a": "b|c"}),
        request_digest("add", "_lead", params=LEAD),
    }
    assert len(digests) == 10
    assert all(len(d) == 64 and set(d) <= set("0123456789abcdef") for d in digests)
