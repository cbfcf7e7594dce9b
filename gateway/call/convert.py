"""Step 5, convert: VICIdial's text → :class:`~gateway.catalog.reply.ParsedReply` → an error
of :mod:`gateway.errors` or the JSON body of the reply.

- :func:`parse`: an HTTP error or a reply of no known shape is a 502 (logged with an excerpt);
- :func:`read`: an upstream reply, refused logins included (:mod:`gateway.refusal`);
- :func:`recheck`: a reply that read as a status line where the whole reply may be a stored
  value (``spec.raw_value``) stands unless a second call proves it data;
- :func:`reply_error` / :func:`reply_json`: a parsed reply as the caller gets it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from ..catalog.generic import CALLER_MESSAGES
from ..catalog.parser import ParsedReply, ReplyShapeError, parse_reply
from ..catalog.reply import notices_json
from ..catalog.spec import CustomParse, FunctionSpec
from ..errors import ERROR_TYPES, GatewayError, UpstreamError, error_of_type
from ..refusal import refusal_reply
from ..upstream import UpstreamReply

log = logging.getLogger("gateway.call")

# Statuses whose VICIdial data is about the caller's own input and may be shown as details.
DETAIL_STATUSES = frozenset({404, 409, 422})


def parse(
    spec: FunctionSpec,
    status: int,
    text: str,
    params: Mapping[str, str],
    request_id: str,
    reader: CustomParse | None = None,
) -> ParsedReply:
    """The parsed reply (by the catalog, or by ``reader``); 502 for an HTTP error or no shape."""
    if status != 200:
        log.warning(
            "upstream answered with an HTTP error",
            extra={"request_id": request_id, "function": spec.name, "http_status": status},
        )
        raise UpstreamError(f"VICIdial answered HTTP {status}")
    try:
        return (reader or _parse_reply)(spec, text, params)
    except ReplyShapeError as exc:
        log.warning(
            "unrecognised VICIdial reply",
            extra={"request_id": request_id, "function": spec.name, "excerpt": exc.excerpt},
        )
        raise UpstreamError("VICIdial sent a reply the gateway does not recognise") from None


def _parse_reply(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    return parse_reply(spec, text, params=params)


def read(
    spec: FunctionSpec, reply: UpstreamReply, params: Mapping[str, str], request_id: str
) -> ParsedReply:
    """An upstream reply parsed: a confirmed refusal of the gateway's login as such, else the
    function's reply (:func:`parse`)."""
    if reply.refusal is not None:
        return refusal_reply(reply.refusal)
    return parse(spec, reply.status, reply.text, params, request_id)


def needs_recheck(spec: FunctionSpec, parsed: ParsedReply) -> bool:
    return spec.raw_value is not None and parsed.message is not None and not parsed.login_failure


async def recheck(
    spec: FunctionSpec,
    params: Mapping[str, str],
    parsed: ParsedReply,
    text: str,
    call: Callable[[Mapping[str, str]], Awaitable[UpstreamReply]],
    request_id: str,
) -> ParsedReply:
    """A reply that read as a status line, when the whole reply may be a stored value
    (``spec.raw_value``): it stands unless a second call, whose answer data cannot forge,
    proves it data."""
    raw = spec.raw_value
    assert raw is not None
    again_params = raw.recheck(params)
    again = await call(again_params)
    if (
        again.status != 200
        or again.refusal is not None
        or not raw.proves_data(again.text, again_params)
    ):
        return parsed
    log.info(
        "a reply that read as a status line was stored data (recheck)",
        extra={"request_id": request_id, "function": spec.name},
    )
    return parse(spec, 200, text, params, request_id, raw.as_data)


def reply_json(spec: FunctionSpec, parsed: ParsedReply) -> dict[str, Any]:
    """The JSON body of a parsed reply that is no error (see :func:`reply_error`; request_id is
    added by the caller)."""
    return {
        "ok": True,
        "function": spec.name,
        "result": parsed.result,
        "message": parsed.message,
        "data": parsed.data,
        "notices": notices_json(parsed.notices),
    }


def reply_error(parsed: ParsedReply, retry_after: int | None = None) -> GatewayError | None:
    """The error a parsed reply is, if it is one; ``retry_after`` is the wait the credential
    pool computed when the call ran out of credentials (kept if the error carries one: a 503
    for VICIdial's lock of the gateway's login)."""
    if parsed.result != "ERROR" or parsed.error_type is None:
        return None
    cls = ERROR_TYPES.get(parsed.error_type, UpstreamError)
    if parsed.generic:
        message = CALLER_MESSAGES.get(
            parsed.message or "", "VICIdial refused the gateway's account"
        )
    elif cls.status in DETAIL_STATUSES:
        message = parsed.message or "VICIdial refused the request"
    else:
        message = f"VICIdial refused the gateway's account: {parsed.message}"
    details = parsed.data if cls.status in DETAIL_STATUSES and isinstance(parsed.data, dict) else {}
    return error_of_type(
        parsed.error_type,
        message,
        details=details,
        notices=notices_json(parsed.notices),
        retry_after=retry_after,
    )
