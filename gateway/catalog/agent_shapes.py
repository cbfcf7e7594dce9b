"""Agent API replies the general parser cannot read alone: ``webserver`` and ``webphone_url``.

- ``webserver`` prints an HTML ``<PRE>`` block of ``label: value`` lines.
- ``webphone_url`` (DISPLAY) prints the agent session's stored webphone address raw, with no line
  feed, and its query holds the agent phone's password (``phone_pass``, base64). VICIdial's own
  status lines always end with a line feed, so a reply without one is the address. The address
  is returned taken apart: the part before ``?`` and its query parameters as printed (split
at ``&`` and the first ``=``, not decoded), **without**
  ``phone_pass`` (a whole parameter left out, never a substring edited), and ``withheld`` names
  what was left out. A reply that is neither a status line nor such an address is refused
  without an excerpt: it could hold the password.
"""

from __future__ import annotations

from collections.abc import Mapping

from .parser import parse_reply
from .reply import ParsedReply, ReplyShapeError
from .spec import FunctionSpec, general

WEBSERVER_HEAD = "<PRE>Webserver Data:\n"
WEBSERVER_TAIL = "</PRE>\n"
# Query parameters of the webphone address that are secrets: never passed on.
WEBPHONE_SECRETS = frozenset({"phone_pass"})


def parse_webserver(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    if not (text.startswith(WEBSERVER_HEAD) and text.endswith(WEBSERVER_TAIL)):
        return parse_reply(general(spec), text, params=params)
    data: dict[str, str] = {}
    for line in text[len(WEBSERVER_HEAD) : -len(WEBSERVER_TAIL)].split("\n"):
        if not line:
            continue
        label, sep, value = line.partition(": ")
        if not sep:
            # "ini_get not allowed: " ends in the separator without a value.
            label, sep, value = line.partition(":")
        if not sep or label in data:
            raise ReplyShapeError("webserver: a line is not 'label: value'", line)
        data[label] = value
    return ParsedReply("SUCCESS", None, data, (), None)


def parse_webphone_url(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    if "\n" in text:
        return parse_reply(general(spec), text, params=params)
    address, sep, query = text.partition("?")
    if not sep or not address:
        # No excerpt: the text may be an address holding the phone's password.
        raise ReplyShapeError("webphone_url: the reply is neither a status line nor an address", "")
    # Split, never decoded: the values are base64 as printed ("+" and "/" stay as they are).
    pairs: list[tuple[str, str]] = []
    for item in query.split("&"):
        name, _, value = item.partition("=")
        pairs.append((name, value))
    kept = [(name, value) for name, value in pairs if name not in WEBPHONE_SECRETS]
    withheld = sorted({name for name, _ in pairs if name in WEBPHONE_SECRETS})
    data = {
        "address": address,
        # A list of pairs, as printed: phone_login appears twice in VICIdial's address.
        "query": [[name, value] for name, value in kept],
        "withheld": withheld,
    }
    return ParsedReply("SUCCESS", None, data, (), None)
