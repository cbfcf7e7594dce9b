"""Reply shapes of the lists area that the general parser needs a little help with.

Each function here runs the general parser (:func:`gateway.catalog.parser.parse_reply`) on a spec
without a custom parser, then adjusts the result in one known way:

* ``update_list`` with ``insert_if_not_found=Y`` prints its "SENDING TO add_list FUNCTION" NOTICE
  and then *add_list's* whole reply (add_list re-checks its own permission, so even a generic
  "function not allowed" line can follow). The rest is parsed with the add_list spec.
* ``update_alt_url`` / ``update_presets`` list their rows only when asked to (``alt_url_id=LIST``
  / ``action=LIST``) and print a "LIST, No Records Found" NOTICE instead of an empty table: that
  NOTICE keeps its result and message, and its data becomes ``[]`` so a listing is always a list.
* ``hopper_list`` pads its last column to a fixed width (``"NEVER    "``): the padding is
  presentation, not data, and is trimmed.

They are pure and, like every parser, raise only :class:`ReplyShapeError`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .parser import parse_reply
from .reply import Notice, ParsedReply
from .spec import general

if TYPE_CHECKING:
    from .spec import CustomParse, FunctionSpec

_SENDING = "LIST DOES NOT EXIST, SENDING TO add_list FUNCTION"
_NO_RECORDS = "LIST, No Records Found"


def _general(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    return parse_reply(general(spec), text, params=params)


def fallthrough_to(target: FunctionSpec) -> CustomParse:
    """update_list: a leading SENDING NOTICE hands the rest of the reply to ``target``."""

    def parse(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
        first, newline, rest = text.partition("\n")
        sending = spec.template(_SENDING, "NOTICE").regex().fullmatch(first)
        if sending is None or not rest:
            return _general(spec, text, params)
        head = _general(spec, first + newline, params)
        tail = _general(target, rest, params)
        notice = Notice(head.result, head.message or _SENDING, _as_dict(head.data))
        return dataclasses.replace(tail, notices=(notice, *tail.notices))

    return parse


def _as_dict(data: object) -> dict[str, object]:
    return data if isinstance(data, dict) else {}


def parse_list_mode(mode_param: str) -> CustomParse:
    """The LIST mode (``mode_param`` = LIST) of a function: no records is an empty list."""

    def parse(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
        reply = _general(spec, text, params)
        if params.get(mode_param) == "LIST" and reply.message == _NO_RECORDS:
            return dataclasses.replace(reply, data=[])
        return reply

    return parse


def parse_hopper_list(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """hopper_list: trim the fixed-width padding of ``last_call_time``."""
    reply = _general(spec, text, params)
    if isinstance(reply.data, list):
        rows = [_trimmed(row, "last_call_time") for row in reply.data]
        return dataclasses.replace(reply, data=rows)
    return reply


def _trimmed(row: dict[str, object], column: str) -> dict[str, object]:
    value = row.get(column)
    if isinstance(value, str):
        return {**row, column: value.rstrip(" ") or None}
    return row
