"""Request parameters as ``agc/api.php`` (the Agent API) filters them.

The lookup is the Non-Agent API's (:class:`~gateway.sim.params.Params`: ``$_GET`` before
``$_POST``, last value wins), but the whitelists differ: ``pass`` keeps ``- . + / = _`` too,
``value`` keeps ``|``, ``source`` is alphanumeric, ``stage`` only loses quotes, backslashes and
semicolons, and several text fields turn ``+`` into a space before their whitelist. The table
below is api.php's for ``use_non_latin = 0``; a parameter api.php does not filter (none the
simulator reads) would need an entry here before a handler may read it.
"""

from __future__ import annotations

import re

from .params import ALNUM, DIGITS, UPPER, WORD, Filter, Params, keep


def _strip(chars: str, *, plus_to_space: bool = False) -> Filter:
    """Delete the characters of ``[chars]`` (a blacklist, the opposite of :func:`keep`)."""
    pattern = re.compile(f"[{chars}]")

    def apply(value: str) -> str:
        kept = pattern.sub("", value)
        return kept.replace("+", " ") if plus_to_space else kept

    return apply


def _table(flt: Filter, names: str) -> dict[str, Filter]:
    return dict.fromkeys(names.split(), flt)


# A text filter that first turns "+" into a space keeps "+" in its class here and converts after:
# the result is the same, since the space is in the class too.
AGENT_FILTERS: dict[str, Filter] = {
    **_table(
        WORD,
        "user agent_user function focus preview search close_window_link dnc_check "
        "campaign_dnc_check status dial_ingroup cid_choice outbound_cid recipient",
    ),
    **_table(
        ALNUM, "source format group_alias dial_prefix middle_initial alt_user md_check tw_check DB"
    ),
    **_table(
        UPPER,
        "vtiger_callback blended set_as_default country_code gender dial_override consultative "
        "callback_type",
    ),
    **_table(DIGITS, "lead_id rank text_size duration maxParticleCount particleSpeed"),
    **_table(
        _strip(";#", plus_to_space=True),
        "vendor_id vendor_lead_code source_id comments notification_text",
    ),
    **_table(
        keep("- '+.:/@_0-9a-zA-Z", plus_to_space=True),
        "address1 address2 address3 city security_phrase owner",
    ),
    **_table(keep("- '+_.0-9a-zA-Z", plus_to_space=True), "first_name last_name alt_phone"),
    "pass": keep("-.+/=_0-9a-zA-Z"),
    "value": keep("-|_0-9a-zA-Z"),
    "notes": keep("- +._0-9a-zA-Z", plus_to_space=True),
    "ingroup_choices": keep("- +_0-9a-zA-Z", plus_to_space=True),
    "stage": _strip("'\"\\\\;"),
    "alt_dial": keep("0-9A-Z"),
    "phone_code": keep("0-9X"),
    "phone_number": keep("*#0-9"),
    "gmt_offset_now": keep("-_.0-9"),
    "title": keep("- '_.0-9a-zA-Z"),
    "state": keep("- 0-9a-zA-Z"),
    "province": keep("- '+._0-9a-zA-Z", plus_to_space=True),
    # Filtered twice: "- '+0-9a-zA-Z" with "+" to space, then "- ._0-9a-zA-Z".
    "postal_code": keep("- +0-9a-zA-Z", plus_to_space=True),
    "date_of_birth": keep("-0-9"),
    "email": keep("- '+.:/@%_0-9a-zA-Z", plus_to_space=True),
    "callback_datetime": keep("- +:._0-9a-zA-Z", plus_to_space=True),
    "callback_comments": keep("- +._0-9a-zA-Z", plus_to_space=True),
    "qm_dispo_code": keep("-._0-9a-zA-Z"),
    "recipient_type": keep("_a-zA-Z"),
    "notification_date": keep("- :0-9"),
    "notification_retry": keep("YNyn"),
    "show_confetti": keep("YNyn"),
    "text_font": keep("- ,a-zA-Z"),
    "text_weight": keep(",a-zA-Z"),
    "text_color": keep("0-9a-zA-Z"),
    "multi_dial_phones": keep(",0-9"),
}  # fmt: skip


class AgentParams(Params):
    """The Agent API's view of a request: the same lookup, its own filters.

    One PHP accident is kept: api.php builds its log line with ``foreach($_POST as $key =>
    $value)``, so when a request does not send ``value`` at all, ``$value`` is the raw value of
    the last form field (a POST's ``agent_user`` or ``source``, say), and the function acts on it.
    """

    def raw(self, name: str) -> str | None:
        value = super().raw(name)
        if value is None and name == "value":
            return self.last_posted
        return value

    def get(self, name: str) -> str:
        """The filtered value ("" when absent). Every name read must have a filter."""
        value = self.raw(name)
        return "" if value is None else AGENT_FILTERS[name](value)
