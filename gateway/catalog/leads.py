"""Specs of the Non-Agent API functions for lead records and the HTML pickers: ccc_lead_info,
lead_callback_info, lead_dearchive, lead_field_info, lead_status_search, update_log_entry,
batch_update_lead, sounds_list, moh_list, vm_list, ingroup_list, callmenu_list, container_list,
agent_ingroup_info.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` (the code's behaviour, where it differs
from VICIdial's manual). Field order and literal text of every template are VICIdial's.
"""

from __future__ import annotations

from .spec import FunctionSpec

FUNCTIONS: tuple[FunctionSpec, ...] = ()
