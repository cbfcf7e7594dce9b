"""Specs of the Non-Agent API functions for lists, campaigns, DIDs and CID groups: update_list,
list_custom_fields, add_list, update_campaign, update_alt_url, update_presets, add_did, copy_did,
update_did, update_cid_group_entry, hopper_list, agent_campaigns.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` (the code's behaviour, where it differs
from VICIdial's manual). Field order and literal text of every template are VICIdial's.
"""

from __future__ import annotations

from .spec import FunctionSpec

FUNCTIONS: tuple[FunctionSpec, ...] = ()
