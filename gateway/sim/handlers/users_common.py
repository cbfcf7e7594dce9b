"""What the simulated users functions share: their input filters, permission queries, scoping.

Every function of this area runs its own permission query on ``vicidial_users`` (``user_level >= 8``
plus flags such as ``modify_users`` or ``ast_admin_access``) right after the generic checks. The
flags SimUser does not carry live in ``state.useradmin`` (see :mod:`gateway.sim.data_users`), so
the handlers make that query themselves instead of through ``FunctionImpl.permitted`` (which sees
only the SimUser); the order of checks is the PHP's either way.

Values are compared the way PHP 8 compares a request string with a number (:func:`php_cmp`), so
the range checks behave like VICIdial's for odd input too.
"""

from __future__ import annotations

import re

from ..data_users import UserDetails
from ..model import SimUser
from ..params import ALNUM, DIGITS, UPPER, WORD, Filter, keep, register_filters
from .base import Ctx, Out, render


def _outbound_cid(value: str) -> str:
    """``[-_0-9a-zA-Z]``, then digits only unless the value is exactly ``---ALL---``."""
    value = WORD(value)
    return value if value == "---ALL---" else DIGITS(value)


def _table(flt: Filter, names: str) -> dict[str, Filter]:
    return dict.fromkeys(names.split(), flt)


_LABEL = keep("- +.:/@_0-9a-zA-Z")

# The filters of non_agent_api.php (use_non_latin = 0) for this area's parameters. ``extension``
# is filtered twice, first to [-_0-9a-zA-Z]: that is what survives.
USER_FILTERS: dict[str, Filter] = {
    **_table(
        WORD,
        "agent_pass agent_user_group phone_login phone_pass source_user registration_password "
        "phone_context admin_user_group alias_id is_webphone webphone_auto_answer "
        "use_external_server_ip template_id on_hook_agent extension",
    ),
    **_table(
        DIGITS,
        "agent_user_level hotkeys_active agent_choose_ingroups agent_choose_blended "
        "closer_default_blended campaign_grade camp_rg_only ingroup_grade ingrp_rg_only "
        "reset_password number_of_lines caller_id_number phone_ring_timeout session_id",
    ),
    **_table(UPPER, "active delete_user delete_phone delete_alias"),
    **_table(ALNUM, "voicemail_id protocol outbound_alt_cid"),
    **_table(_LABEL, "agent_full_name custom_one custom_two custom_three custom_four custom_five"),
    "alias_name": _LABEL,
    "wrapup_seconds_override": keep("-0-9"),
    "campaign_rank": keep("-_0-9"),
    "ingroup_rank": keep("-_0-9"),
    "group_alias_id": keep("_0-9a-zA-Z"),
    "group_id": keep("_0-9a-zA-Z"),
    "group_alias_name": keep("- +_0-9a-zA-Z", plus_to_space=True),
    "caller_id_name": keep("- +_0-9a-zA-Z", plus_to_space=True),
    "phone_full_name": keep("- +._0-9a-zA-Z"),
    "dialplan_number": keep("*#0-9a-zA-Z"),
    "server_ip": keep("-.:_0-9a-zA-Z"),
    "local_gmt": keep("-.0-9"),
    "in_groups": keep("-|,_0-9a-zA-Z"),
    "group": keep("-|_0-9a-zA-Z"),
    "phone_logins": keep("-,_0-9a-zA-Z"),
    "delete_vm_after_email": keep("a-zA-Z"),
    "outbound_cid": _outbound_cid,
}

register_filters(USER_FILTERS)


# --- permissions and scoping ----------------------------------------------------------------


def details(ctx: Ctx, user: SimUser | None = None) -> UserDetails:
    return ctx.state.useradmin.user_details(user or ctx.user)


def manager_may(ctx: Ctx, *flags: str, agent_api: bool = True) -> bool:
    """``user_level >= 8 and active='Y'`` plus the given flags (vicidial_users columns)."""
    user = ctx.user
    if user.user_level < 8 or not user.active:
        return False
    if agent_api and not user.vdc_agent_api_access:
        return False
    row = details(ctx)
    for flag in flags:
        value = getattr(user, flag) if hasattr(user, flag) else getattr(row, flag)
        if not value:
            return False
    return True


def refuse(ctx: Ctx, out: Out, function: str, message: str) -> None:
    """The permission error: the count of the permission query, always 0 here."""
    out.line(render(function, message, {"user": ctx.user_name, "allowed_user": 0}))


def viewable_groups(ctx: Ctx) -> frozenset[str] | None:
    """admin_viewable_groups of the API user's group (None: every group)."""
    return ctx.state.user_group_of(ctx.user).viewable_groups()


def in_view(ctx: Ctx, user_group: str) -> bool:
    groups = viewable_groups(ctx)
    return groups is None or user_group in groups


def group_exists_in_view(ctx: Ctx, user_group: str) -> bool:
    """``SELECT count(*) from vicidial_user_groups where user_group=... <viewable>`` > 0."""
    return user_group in ctx.state.user_groups and in_view(ctx, user_group)


def level_allows(ctx: Ctx, target_level: int) -> bool:
    """The target's level is below the API user's, or equal with modify_same_user_level."""
    if details(ctx).modify_same_user_level:
        return target_level <= ctx.user.user_level
    return target_level < ctx.user.user_level


def level_op(ctx: Ctx) -> str:
    return "<=" if details(ctx).modify_same_user_level else "<"


def autogenerate_user(ctx: Ctx) -> str:
    """The next free user id from system_settings.auto_user_add_value, stepping by 7."""
    data = ctx.state.useradmin
    value = data.auto_user_add_value
    while str(value) in ctx.state.users:
        value += 7
    data.auto_user_add_value = value
    return str(value)


def rebuild_conf(ctx: Ctx, server_ip: str) -> None:
    """``UPDATE servers SET rebuild_conf_files='Y' where generate... and active... and ip``."""
    server = ctx.state.useradmin.servers.get(server_ip)
    if server and server.generate_vicidial_conf == "Y" and server.active_asterisk_server == "Y":
        server.rebuild_conf_files = "Y"


# --- PHP comparisons ------------------------------------------------------------------------

_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def php_cmp(value: str, number: int) -> int:
    """PHP 8 ``value <=> number`` for a request string: numerically if the string is numeric,
    else as strings (the number turned into a string)."""
    if _NUMERIC.fullmatch(value.rstrip(" \t\n\r\v\f")):
        left = float(value)
        return (left > number) - (left < number)
    text = str(number)
    return (value > text) - (value < text)


def out_of_range(value: str, low: int, high: int) -> bool:
    """``($value > high) or ($value < low)`` as PHP 8 evaluates it."""
    return php_cmp(value, high) > 0 or php_cmp(value, low) < 0
