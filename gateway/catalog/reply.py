"""What parsing a VICIdial reply produces: :class:`ParsedReply`, or :class:`ReplyShapeError`.

Shared by the general parser (:mod:`gateway.catalog.parser`) and the special-shape parsers a spec
can name (``FunctionSpec.custom_parse``: HTML pickers, key/value blocks, raw values).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .fields import USER_ID_FIELDS
from .spec import Result

EXCERPT_CHARS = 200
_BAD_LOGIN_PASS = re.compile(r"(Login incorrect, please try again: \|[^|\n]*\|)[^|\n]*")


def mask(text: str) -> str:
    """Mask the password field of a bad-login line (defence in depth; replies are scrubbed)."""
    return _BAD_LOGIN_PASS.sub(r"\1***", text)


@dataclass(frozen=True)
class Notice:
    """A secondary line of the reply (usually NOTICE; also a second SUCCESS or ERROR line)."""

    result: Result
    message: str  # the reason text (Template.message)
    data: dict[str, Any]  # typed fields; the API user (and a bad-login password) are dropped


def notices_json(notices: Iterable[Notice]) -> list[dict[str, Any]]:
    """The ``notices`` of a reply as callers get them (buffered replies and streamed exports)."""
    return [{"result": n.result, "message": n.message, "data": n.data} for n in notices]


@dataclass(frozen=True)
class ParsedReply:
    result: Result  # "SUCCESS" | "ERROR" | "NOTICE"
    message: str | None  # reason text of the main line (None for row data)
    data: dict[str, Any] | list[dict[str, Any]] | None
    notices: tuple[Notice, ...]
    error_type: str | None  # for errors: an error.type of gateway.errors.ERROR_TYPES
    login_failure: bool = False  # VICIdial refused the login (only gateway.refusal says so)
    generic: bool = False  # the main line is one of generic.GENERIC (data not for callers)


def hide_login(row: dict[str, Any], logins: Mapping[str, str]) -> dict[str, Any]:
    """``row`` with each user-id field whose *whole* value is one of the gateway's own VICIdial
    logins replaced by that credential's name (an exact match, never a substring)."""
    hits = [k for k in USER_ID_FIELDS if k in row and isinstance(row[k], str) and row[k] in logins]
    if not hits:
        return row
    return {k: logins[v] if k in hits else v for k, v in row.items()}


def hide_logins(reply: ParsedReply, logins: Mapping[str, str]) -> ParsedReply:
    """The reply with :func:`hide_login` applied to every record of its data and notices; the
    reply itself when no record holds a login (the usual case: nothing is copied)."""
    if not logins:
        return reply
    data = reply.data
    if isinstance(data, dict):
        data = hide_login(data, logins)
    elif isinstance(data, list):
        data = _hide_in_rows(data, logins)
    notices = reply.notices
    if any(hide_login(n.data, logins) is not n.data for n in notices):
        notices = tuple(
            dataclasses.replace(n, data=hide_login(n.data, logins)) for n in reply.notices
        )
    if data is reply.data and notices is reply.notices:
        return reply
    return dataclasses.replace(reply, data=data, notices=notices)


_USER_ID_FIELDS = tuple(sorted(USER_ID_FIELDS))


def _hide_in_rows(rows: list[dict[str, Any]], logins: Mapping[str, str]) -> list[dict[str, Any]]:
    """:func:`hide_login` on every row; ``rows`` itself when no row changed. A row is looked
    up once per user-id field (four: cheaper than finding out which of them its columns
    have)."""
    out: list[dict[str, Any]] | None = None
    for i, row in enumerate(rows):
        hidden = row
        for k in _USER_ID_FIELDS:
            value = row.get(k)
            if value is not None and isinstance(value, str) and value in logins:  # None: no column
                hidden = hide_login(row, logins)
                break
        if hidden is not row and out is None:
            out = rows[:i]
        if out is not None:
            out.append(hidden)
    return rows if out is None else out


class ReplyShapeError(ValueError):
    """The reply fits no known shape.

    ``excerpt`` is the first ~200 characters of the offending line(s); the text given to the
    parser is already scrubbed of secrets, and a bad-login password is masked here once more.
    """

    def __init__(self, reason: str, excerpt: str = "") -> None:
        self.reason = reason
        self.excerpt = mask(excerpt)[:EXCERPT_CHARS]
        super().__init__(f"{reason}: {self.excerpt!r}" if excerpt else reason)
