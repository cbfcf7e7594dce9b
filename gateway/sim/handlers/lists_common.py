"""What the simulated lists functions share: input filters, permission queries, scoping, PHP maths.

Each function of this area runs its own permission query on ``vicidial_users`` right after the
generic checks. Flags :class:`~gateway.sim.model.SimUser` lacks (``modify_campaigns``,
``modify_inbound_dids`` ...) live in ``state.listadmin.permissions``, so the handlers finish that
query themselves (``FunctionImpl.permitted`` sees only the SimUser); the order of checks stays the
PHP's either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..params import ALNUM, DIGITS, UPPER, WORD, Filter, keep, register_filters
from .base import Ctx, Out, render


def _dashes_or(rest: Filter) -> Filter:
    """``[-_0-9a-zA-Z]``, then ``rest`` unless the value is exactly ``---ALL---``."""

    def apply(value: str) -> str:
        value = WORD(value)
        return value if value == "---ALL---" else rest(value)

    return apply


def _table(flt: Filter, names: str) -> dict[str, Filter]:
    return dict.fromkeys(names.split(), flt)


_URL = keep("- %=+.:/@?&_0-9a-zA-Z")
_DESCRIPTION = keep("- .,_0-9a-zA-Z")
_FIELD_TEXT = keep(" .,-_0-9a-zA-Z")  # ",-_" is a range (0x2C-0x5F), as in the PHP
_LABEL = keep("_0-9a-zA-Z")
_DID = keep(":+*#._0-9a-zA-Z")
_VOICEMAIL = keep("*#._0-9a-zA-Z")

# The filters of non_agent_api.php (use_non_latin = 0) for this area's parameters. extension and
# field_name are filtered twice, first to [-_0-9a-zA-Z]: that is what survives. field_options
# keeps ' and & only for SCRIPT fields; the simulator always drops them.
LIST_FILTERS: dict[str, Filter] = {
    **_table(UPPER, "active reset_list delete_list delete_leads ignore_agentdirect"),
    **_table(
        WORD,
        "script am_message drop_inbound_group expiration_date local_call_time xferconf_one "
        "xferconf_two xferconf_three xferconf_four xferconf_five custom_copy_method custom_order "
        "dial_method list_order_randomize list_order_secondary dial_status_add dial_status_remove "
        "lead_filter_id did_route record_call extension exten_context phone_extension menu_id "
        "cid_group_id field_name",
    ),
    **_table(
        ALNUM,
        "use_internal_webserver action preset_hide_number delete_did field_type name_position "
        "multi_position",
    ),
    **_table(
        DIGITS,
        "custom_fields_copy campaign_vdad_exten hopper_level dial_timeout url_rank "
        "url_call_length field_rank field_size field_max field_order",
    ),
    **_table(
        _LABEL,
        "custom_fields_add custom_fields_update custom_fields_delete field_label field_show_hide "
        "field_rerank entry_type url_type call_handle_method agent_search_method",
    ),
    **_table(keep("_A-Z"), "field_required field_duplicate"),
    **_table(keep("NY"), "field_encrypt reset_hopper"),
    **_table(_URL, "web_form_address web_form_address_two web_form_address_three dispo_call_url"),
    **_table(_URL, "webform_one webform_two webform_three url_address"),
    **_table(_DESCRIPTION, "campaign_name did_description filter_clean_cid_number cid_description"),
    **_table(keep(".0-9"), "auto_dial_level adaptive_maximum_level"),
    **_table(_FIELD_TEXT, "url_description field_description"),
    **_table(_VOICEMAIL, "preset_number voicemail_ext"),
    **_table(_DID, "did_pattern source_did_pattern"),
    "alt_url_id": keep("0-9A-Z"),
    "reset_time": keep("-_0-9"),
    "list_description": keep("- +.:/@?&_0-9a-zA-Z"),
    "list_order": keep(" 0-9a-zA-Z"),
    "url_statuses": keep("- 0-9a-zA-Z"),
    "url_lists": keep("- 0-9A-Z"),
    "preset_name": keep("- _0-9a-zA-Z"),
    "preset_dtmf": keep("- ,*#0-9a-zA-Z"),
    "new_dids": keep(":+,*#._0-9a-zA-Z"),
    "server_ip": keep("-.:_0-9a-zA-Z"),
    "group": keep("-|_0-9a-zA-Z"),
    "field_options": keep(" .\n|,-_0-9a-zA-Z"),
    "field_help": keep(" '&.\n|,-_0-9a-zA-Z"),
    "field_default": keep(" .\n,-_0-9a-zA-Z"),
    "outbound_cid": _dashes_or(DIGITS),
    "areacode": _dashes_or(ALNUM),
}

register_filters(LIST_FILTERS)


# --- permissions and scoping -------------------------------------------------------------------


def may(ctx: Ctx, *flags: str) -> bool:
    """The API user has these ``vicidial_users`` flags (see data_lists.Permissions)."""
    perms = ctx.state.listadmin.permissions_of(ctx.user_name)
    return all(getattr(perms, flag) for flag in flags)


def refuse(ctx: Ctx, out: Out, function: str, message: str) -> None:
    """The permission query found no row: VICIdial prints the count, 0."""
    out.line(render(function, message, {"user": ctx.user_name, "allowed_user": 0}))


def allowed_campaigns(ctx: Ctx) -> frozenset[str] | None:
    """The API user group's allowed_campaigns, or None for all."""
    return ctx.state.user_group_of(ctx.user).campaign_filter()


def campaign_visible(ctx: Ctx, campaign_id: str) -> bool:
    """The campaign exists and the API user group's allowed_campaigns include it."""
    allowed = allowed_campaigns(ctx)
    return campaign_id in ctx.state.campaigns and (allowed is None or campaign_id in allowed)


def group_visible(ctx: Ctx, user_group: str) -> bool:
    """A row whose user_group the API user's admin_viewable_groups allows."""
    viewable = ctx.state.user_group_of(ctx.user).viewable_groups()
    return viewable is None or user_group in viewable


# --- PHP values --------------------------------------------------------------------------------

_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")


def numeric_value(value: str) -> float | None:
    """The value of a PHP numeric string, or None if PHP 8 would not call it numeric."""
    return float(value) if _NUMERIC.fullmatch(value) else None


def php_outside(value: str, low: float, high: float) -> bool:
    """PHP 8's ``($value > $high) or ($value < $low)`` for a request string and two numbers.

    A numeric string compares as a number; any other string is compared with the numbers
    printed as strings (PHP 8 semantics).
    """
    number = numeric_value(value)
    if number is not None:
        return number > high or number < low
    return value > _php_str(high) or value < _php_str(low)


def _php_str(number: float) -> str:
    return str(int(number)) if number == int(number) else repr(number)


def first_failure(checks: Iterable[tuple[bool, str, str]]) -> tuple[str, str] | None:
    """The first (reason, field) whose check failed, in VICIdial's order."""
    for failed, reason, name in checks:
        if failed:
            return reason, name
    return None


def optional_error(ctx: Ctx, out: Out, function: str, reason: str, name: str) -> None:
    """``ERROR: <fn> <reason>, THIS IS AN OPTIONAL FIELD: |user|value``."""
    values = {"user": ctx.user_name, name: ctx.p(name)}
    out.line(render(function, f"{reason}, THIS IS AN OPTIONAL FIELD", values, result="ERROR"))


def blank_or(value: str, blank: str = "") -> str:
    """``--BLANK--`` means an empty value."""
    return blank if value == "--BLANK--" else value
