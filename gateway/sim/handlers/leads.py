"""Simulated leads functions (see gateway/catalog/leads.py): the registry of this area.

The handlers live in :mod:`.leads_records` (lead records and call logs) and
:mod:`.leads_pickers` (HTML pickers, audio store, agent in-groups). Importing this module
registers the input filters of the parameters they read.

What the simulator leaves out: ``api_list_restrict`` (the shared user row has no such column,
so the restricted-list lines are never printed), lead_field_info's reads of custom fields
(``custom_fields=Y`` dies like a missing table; the tables themselves are in
:mod:`.lead_custom`), lead data masking and field encryption, ``source=queuemetrics``, the
one-second sleep of sounds_list and its BAD WAV marks, and container_list's order of checks
(its missing-type error comes before the ``api_allowed_functions`` test in VICIdial, after it
here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..model import SimUser
from ..params import ALNUM, WORD, Filter, keep, register_filters
from . import leads_pickers as pickers
from . import leads_records as records
from .base import FunctionImpl, Handler
from .lead_common import lead_writer

_FILTERS: Mapping[str, Filter] = {
    "call_id": ALNUM,
    "group": keep("-|_0-9a-zA-Z"),
    "field_name": WORD,
    "type": WORD,
    "date": keep("-0-9"),
}


register_filters(_FILTERS)


def _lead_reader(user: SimUser, *, view_reports: bool) -> bool:
    """vdc_agent_api_access, level 7+, and view_reports or modify_leads 1-4 as asked."""
    if not (user.vdc_agent_api_access and user.user_level > 6):
        return False
    return user.view_reports if view_reports else 1 <= user.modify_leads <= 4


def _logged_in(user: SimUser) -> bool:
    """The pickers' permission query: level 7+ and active (always true after a login)."""
    return user.user_level > 6 and user.active


def _impl(
    name: str, run: Handler, permitted: Callable[[SimUser], bool], message: str
) -> FunctionImpl:
    return FunctionImpl(name, run, permitted=permitted, permission_message=message)


def _picker(name: str, run: Handler, message: str) -> FunctionImpl:
    # The pickers never check the source.
    return FunctionImpl(
        name, run, permitted=_logged_in, permission_message=message, needs_source=False
    )


IMPLS: tuple[FunctionImpl, ...] = (
    _impl(
        "ccc_lead_info",
        records.ccc_lead_info,
        lambda u: _lead_reader(u, view_reports=True),
        "USER DOES NOT HAVE PERMISSION TO GET LEAD INFO",
    ),
    _impl(
        "lead_callback_info",
        records.lead_callback_info,
        lambda u: _lead_reader(u, view_reports=True),
        "USER DOES NOT HAVE PERMISSION TO GET LEAD INFO",
    ),
    _impl(
        "lead_dearchive",
        records.lead_dearchive,
        lambda u: u.vdc_agent_api_access and u.modify_leads == 1 and u.user_level > 7,
        "USER DOES NOT HAVE PERMISSION TO MODIFY LEAD INFO",
    ),
    _impl(
        "lead_field_info",
        records.lead_field_info,
        lambda u: _lead_reader(u, view_reports=False),
        "USER DOES NOT HAVE PERMISSION TO GET LEAD INFO",
    ),
    _impl(
        "lead_status_search",
        records.lead_status_search,
        lambda u: _lead_reader(u, view_reports=False),
        "USER DOES NOT HAVE PERMISSION TO GET LEAD INFO",
    ),
    _impl(
        "update_log_entry",
        records.update_log_entry,
        lead_writer,
        "USER DOES NOT HAVE PERMISSION TO UPDATE LOGS",
    ),
    _impl(
        "batch_update_lead",
        records.batch_update_lead,
        lead_writer,
        "USER DOES NOT HAVE PERMISSION TO UPDATE LEADS IN THE SYSTEM",
    ),
    _impl(
        "agent_ingroup_info",
        pickers.agent_ingroup_info,
        lambda u: u.vdc_agent_api_access and u.user_level > 6,
        "USER DOES NOT HAVE PERMISSION TO GET AGENT INFO",
    ),
    _picker(
        "sounds_list", pickers.sounds_list, "USER DOES NOT HAVE PERMISSION TO VIEW SOUNDS LIST"
    ),
    _picker("moh_list", pickers.moh_list, "USER DOES NOT HAVE PERMISSION TO VIEW SOUNDS LIST"),
    _picker(
        "vm_list", pickers.vm_list, "USER DOES NOT HAVE PERMISSION TO VIEW VOICEMAIL BOXES LIST"
    ),
    _picker(
        "ingroup_list",
        pickers.ingroup_list,
        "USER DOES NOT HAVE PERMISSION TO VIEW INBOUND GROUPS LIST",
    ),
    _picker(
        "callmenu_list",
        pickers.callmenu_list,
        "USER DOES NOT HAVE PERMISSION TO VIEW CALL MENUS LIST",
    ),
    _picker(
        "container_list",
        pickers.container_list,
        "USER DOES NOT HAVE PERMISSION TO VIEW CALL MENUS LIST",
    ),
)
