"""Specs of the Non-Agent API functions for reports and exports: recording_lookup, did_log_export,
phone_number_log, agent_stats_export, user_group_status, in_group_status, user_details,
callid_info, logged_in_agents, call_status_stats, call_dispo_report, check_phone_number.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` (the code's behaviour, where it differs
from VICIdial's manual). Field order and literal text of every template are VICIdial's.
"""

from __future__ import annotations

from .spec import FunctionSpec

FUNCTIONS: tuple[FunctionSpec, ...] = ()
