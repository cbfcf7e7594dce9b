"""A VICIdial Non-Agent API simulator for integration tests and demos.

It answers ``/vicidial/non_agent_api.php`` like the real PHP script for ``version``, ``add_lead``,
``update_lead``, ``lead_search``, ``lead_all_info``, ``campaigns_list``, ``agent_status`` and
``list_info`` (plus the login, lockout, source and permission lines every function can print), on
in-memory data seeded like the reference server, over HTTPS with a throwaway CA.

Layout: :mod:`.state` (tables, login/lockout, request log), :mod:`.params` (GET-before-POST and
input filters), :mod:`.server` (request flow), :mod:`.handlers` (one handler per function),
:mod:`.tls` (certificates), :mod:`.runner` (start/stop on a socket).
"""

from __future__ import annotations

from .clock import ManualClock
from .faults import Faults
from .model import RequestRecord, SimUser
from .runner import RunningSim, start_simulator
from .server import create_sim_app
from .state import LoginStats, SimState
from .tls import SimTLS, make_server_tls

__all__ = [
    "Faults",
    "LoginStats",
    "ManualClock",
    "RequestRecord",
    "RunningSim",
    "SimState",
    "SimTLS",
    "SimUser",
    "create_sim_app",
    "make_server_tls",
    "start_simulator",
]
