"""Fault modes of the simulated VICIdial, for the fault suite and the graceful-shutdown tests.

Set ``state.faults`` to a :class:`Faults` to make the server misbehave the way real VICIdial
servers (Apache + PHP + MySQL) do. Every faulty request is still recorded in ``state.requests``,
so tests can count how often the gateway really called. Modes:

``slow``      answer normally after ``delay`` seconds
``hang``      run the function, then never answer (until the client gives up)
``http500``   HTTP 500 with an empty body, function not run (a PHP fatal error)
``html``      an HTML error page from the web server (HTTP 503), function not run
``garbage``   HTTP 200 with text that is no VICIdial reply, function not run
``truncate``  the function runs; only the first half of its reply is sent (valid HTTP)
``reset``     the function runs; half its reply is sent, then the connection is reset
``stall``     the function runs; half its reply is sent, then nothing more (connection kept)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["slow", "hang", "http500", "html", "garbage", "truncate", "reset", "stall"]

# Modes in which the function itself does not run (the failure is before PHP gets to it).
NOT_RUN: frozenset[str] = frozenset({"http500", "html", "garbage"})


@dataclass
class Faults:
    mode: Mode
    delay: float = 0.0  # slow: seconds before the answer
    functions: frozenset[str] = field(default_factory=frozenset)  # empty: every function
    remaining: int | None = None  # how many requests still fail (None: all)

    def applies(self, function: str) -> bool:
        if self.functions and function not in self.functions:
            return False
        if self.remaining is None:
            return True
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True


HTML_ERROR_PAGE = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
    "<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n"
    "<p>The server is temporarily unable to service your\nrequest due to maintenance downtime "
    "or capacity\nproblems. Please try again later.</p>\n</body></html>\n"
)
GARBAGE = (
    "\x1b[0m<br />\n<b>Warning</b>:  mysqli_query(): MySQL server has gone away in "
    "<b>/srv/www/htdocs/vicidial/non_agent_api.php</b> on line <b>1337</b><br />\n"
)
