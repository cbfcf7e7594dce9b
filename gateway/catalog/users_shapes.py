"""Reply quirks of update_user and update_remote_agent that the general parser does not handle.

Both functions print their status lines like every other function, with two exceptions that
VICIdial's code makes on purpose or by accident:

* ``USER DOES NOT HAVE PERMISSION TO UPDATE THIS USER`` / ``... THIS REMOTE AGENT``: the data
  already ends with ``\\n`` and ``echo`` adds another, so the reply ends with an empty line.
  Exactly that one empty line is dropped; an empty line anywhere else is still a shape error.
* ``NO UPDATES DEFINED`` is an ERROR printed after the rank/grade, password-reset or
  ``REMOTE AGENT IS ALREADY <status>`` NOTICE lines whenever no plain field was given, although the
  ranks or password *were* changed (or the requested status already holds). Reporting that as a
  failure would make a caller retry a change that happened, so such a reply becomes a NOTICE
  result: the first change NOTICE is the main line, and the ERROR stays visible as a notice.
  ``NO UPDATES DEFINED`` without a change NOTICE (or after a failed password reset only) is still
  the error it says.

Everything else is left to :func:`gateway.catalog.parser.parse_reply`.
"""

from __future__ import annotations

from collections.abc import Mapping

from .parser import parse_reply
from .reply import Notice, ParsedReply
from .spec import FunctionSpec, general

# The lines that end with two LFs.
DOUBLE_LF_MESSAGES = frozenset(
    {
        "USER DOES NOT HAVE PERMISSION TO UPDATE THIS USER",
        "USER DOES NOT HAVE PERMISSION TO UPDATE THIS REMOTE AGENT",
    }
)
# NOTICE lines reporting a change that was made, or a requested state that already holds.
CHANGE_NOTICES = frozenset(
    {
        "USER CAMPAIGN RANKS/GRADES HAVE BEEN UPDATED",
        "USER IN-GROUP RANKS/GRADES HAVE BEEN UPDATED",
        "USER PASSWORD HAS BEEN RESET",
        "REMOTE AGENT IS ALREADY",
    }
)
NO_UPDATES = "NO UPDATES DEFINED"


def parse_update_reply(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """update_user / update_remote_agent: the general parser plus the two quirks above."""
    plain = general(spec)
    parsed = parse_reply(plain, _drop_double_lf(spec, text), params=params)
    return _change_despite_no_updates(parsed)


def _drop_double_lf(spec: FunctionSpec, text: str) -> str:
    """The text without the empty line that follows a DOUBLE_LF_MESSAGES error line."""
    if not text.endswith("\n\n"):
        return text
    last = text[:-2].rsplit("\n", 1)[-1]
    for template in spec.templates:
        if template.message in DOUBLE_LF_MESSAGES and template.regex().fullmatch(last):
            return text[:-1]
    return text


def _change_despite_no_updates(parsed: ParsedReply) -> ParsedReply:
    if parsed.result != "ERROR" or parsed.message != NO_UPDATES or parsed.generic:
        return parsed
    changes = [n for n in parsed.notices if n.result == "NOTICE" and n.message in CHANGE_NOTICES]
    if not changes:
        return parsed
    main = changes[0]
    rest = [n for n in parsed.notices if n is not main]
    error = Notice("ERROR", NO_UPDATES, parsed.data if isinstance(parsed.data, dict) else {})
    return ParsedReply(
        result="NOTICE",
        message=main.message,
        data=main.data,
        notices=(*rest, error),
        error_type=None,
    )
