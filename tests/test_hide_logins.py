"""The gateway's own VICIdial logins shown by name (``hide_logins``): the per-row reference
(:func:`hide_login` on every record) against the reply-wide pass that skips rows quickly."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gateway.catalog.fields import USER_ID_FIELDS
from gateway.catalog.reply import Notice, ParsedReply, hide_login, hide_logins

LOGINS = {"6666": "api-a", "gwuser": "api-b"}


def reference(reply: ParsedReply, logins: dict[str, str]) -> ParsedReply:
    """Every record through hide_login, as the gateway always did."""
    data: Any = reply.data
    if isinstance(data, dict):
        data = hide_login(data, logins)
    elif isinstance(data, list):
        data = [hide_login(row, logins) for row in data]
    notices = tuple(dataclasses.replace(n, data=hide_login(n.data, logins)) for n in reply.notices)
    return dataclasses.replace(reply, data=data, notices=notices)


def _reply(data: Any, notices: tuple[Notice, ...] = ()) -> ParsedReply:
    return ParsedReply("SUCCESS", None, data, notices, None)


# Values near the logins: equal, a substring, a superstring, other types.
values = st.sampled_from(["6666", "66666", "666", "gwuser", "gwuser2", "xgwuser", "", "api-a"]) | (
    st.integers(-5, 7000) | st.none() | st.text(max_size=6)
)
names = st.sampled_from([*sorted(USER_ID_FIELDS), "status", "campaign_id", "full_name"])
rows = st.dictionaries(names, values, max_size=6)


@given(data=st.lists(rows, max_size=8) | rows | st.none(), notices=st.lists(rows, max_size=2))
def test_the_reply_wide_pass_equals_the_per_row_reference(
    data: Any, notices: list[dict[str, Any]]
) -> None:
    reply = _reply(data, tuple(Notice("NOTICE", "n", n) for n in notices))
    assert hide_logins(reply, LOGINS) == reference(reply, LOGINS)


def test_whole_values_only_and_the_rows_keep_their_order() -> None:
    rows = [
        {"user": "6666", "status": "READY"},
        {"user": "66660", "status": "PAUSED"},
        {"agent_user": "gwuser", "full_name": "gwuser"},
        {"campaign_id": "6666"},
    ]
    out = hide_logins(_reply(rows), LOGINS).data
    assert out == [
        {"user": "api-a", "status": "READY"},
        {"user": "66660", "status": "PAUSED"},
        {"agent_user": "api-b", "full_name": "gwuser"},  # only user-id fields
        {"campaign_id": "6666"},
    ]


def test_a_reply_without_any_login_is_returned_as_it_is() -> None:
    rows = [{"user": f"agent{n}", "status": "READY"} for n in range(200)]
    reply = _reply(rows, (Notice("NOTICE", "n", {"user": "6667"}),))
    assert hide_logins(reply, LOGINS) is reply  # nothing copied
    lists = _reply([{"campaign_id": "C", "active": "Y"}] * 3)
    assert hide_logins(lists, LOGINS) is lists
