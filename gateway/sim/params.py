"""Request parameters as ``non_agent_api.php`` sees them.

Two PHP behaviours matter to a gateway and are reproduced here:

* each parameter is looked up by name in ``$_GET`` first and ``$_POST`` second, so a query-string
  value wins over a form-body value of the same name (``$_POST`` is filled only for POST requests
  with an urlencoded or multipart body; JSON bodies are invisible);
* every known parameter then goes through one ``preg_replace`` that silently *deletes* characters
  outside a whitelist (``user``/``pass`` keep ``[-_0-9a-zA-Z]``, ``source`` keeps ``[0-9a-zA-Z]``,
  Y/N flags keep ``[A-Z]`` ...), with ``+`` turned into a space for some text fields.

Values are decoded once (``%XX``, ``+`` as space) by the HTTP layer, like PHP. For a repeated name
the last value wins, as in PHP. Array-style names (``x[]``) are ignored (the reference leaves their
effect unsure; a gateway should reject them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from aiohttp import web

Filter = Callable[[str], str]


def keep(chars: str, *, plus_to_space: bool = False) -> Filter:
    """Delete every character outside ``[chars]`` (a regex class body)."""
    pattern = re.compile(f"[^{chars}]")

    def apply(value: str) -> str:
        kept = pattern.sub("", value)
        return kept.replace("+", " ") if plus_to_space else kept

    return apply


def free_text(value: str) -> str:
    """vendor_lead_code, source_id, comments: only ``; # "`` go, then ``+`` becomes a space."""
    return re.sub(r'[;#"]', "", value).replace("+", " ")


WORD = keep("-_0-9a-zA-Z")
ALNUM = keep("0-9a-zA-Z")
DIGITS = keep("0-9")
UPPER = keep("A-Z")
ADDRESS = keep("- '+.:/@_0-9a-zA-Z", plus_to_space=True)
NAME = keep("- '+_.0-9a-zA-Z", plus_to_space=True)


def _table(flt: Filter, names: str) -> dict[str, Filter]:
    return dict.fromkeys(names.split(), flt)


# The filters of non_agent_api.php (use_non_latin = 0) for the parameters the simulator reads.
FILTERS: dict[str, Filter] = {
    **_table(
        WORD,
        "function stage search_method duplicate_check list_id campaign_id user pass agent_user "
        "middle_initial country_code user_field callback_status callback_user status tz_method "
        "leads_counts",
    ),
    **_table(
        ALNUM,
        "source format header include_ip archived_lead list_exists_check custom_fields "
        "remove_from_hopper",
    ),
    **_table(
        DIGITS,
        "DB lead_id list_id_field rank entry_list_id phone_code records called_count "
        "force_entry_list_id",
    ),
    **_table(
        UPPER,
        "gender dnc_check campaign_dnc_check add_to_hopper hopper_local_call_time_check "
        "insert_if_not_found search_location no_update delete_lead delete_cf_data "
        "update_phone_number reset_lead usacan_areacode_check usacan_prefix_check callback "
        "callback_type nanpa_ac_prefix_check lookup_state time_format",
    ),
    **_table(free_text, "vendor_lead_code source_id comments"),
    **_table(ADDRESS, "address1 address2 address3 city security_phrase owner"),
    **_table(NAME, "first_name last_name alt_phone"),
    "dialable_count": keep("_0-9a-zA-Z"),
    "phone_number": keep(",0-9"),
    "lead_ids": keep(",0-9"),
    "hopper_priority": keep("-0-9"),
    "date_of_birth": keep("-0-9"),
    "gmt_offset_now": keep("-_.0-9"),
    "title": keep("- '_.0-9a-zA-Z"),
    "state": keep("- 0-9a-zA-Z"),
    "province": keep("- '+._0-9a-zA-Z", plus_to_space=True),
    "postal_code": keep("- '+0-9a-zA-Z", plus_to_space=True),
    "email": keep("- '+.:/@%_0-9a-zA-Z", plus_to_space=True),
    "multi_alt_phones": keep("- +!:_0-9a-zA-Z", plus_to_space=True),
    "callback_datetime": keep("- +.:/@_0-9a-zA-Z"),
    "callback_comments": keep("- +.:/@_0-9a-zA-Z"),
    "list_name": keep("- +.:/@?&_0-9a-zA-Z"),
}


# Every printable ASCII character, a LF and a non-ASCII letter, and the one value some filters
# keep whole: two filters that give the same results for these are the same filter (each keeps
# a set of characters; some turn "+" into a space or keep "---ALL---").
_PROBES = ("".join(chr(c) for c in range(32, 127)) + "\n\u00e9", "---ALL---")


def register_filters(filters: Mapping[str, Filter]) -> None:
    """Add the filters of more parameters (each handler module registers its own at import).

    A name registered before may be registered again only with a filter that behaves the same:
    two different filters for one parameter would mean two different VICIdials.
    """
    for name, flt in filters.items():
        known = FILTERS.setdefault(name, flt)
        if known is not flt and any(known(p) != flt(p) for p in _PROBES):
            raise ValueError(f"parameter {name!r} already has another filter")


def _last_wins(items: Iterable[tuple[str, object]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in items:
        if isinstance(value, str) and "[" not in name:
            values[name] = value
    return values


class Params:
    """The request's parameters: raw lookup (GET before POST) and VICIdial-filtered values."""

    def __init__(
        self,
        query: Mapping[str, str],
        body: Mapping[str, str],
        last_posted: str | None = None,
        raw_query: str = "",
    ) -> None:
        self.query = dict(query)
        self.body = dict(body)
        # The raw value of the last form field: PHP's loop over $_POST leaves it in $value,
        # which VICIdial writes into vicidial_api_log unfiltered.
        self.last_posted = last_posted
        self.raw_query = raw_query  # QUERY_STRING, still URL-encoded

    @property
    def query_string(self) -> str:
        """VICIdial's ``$query_string``: the raw query, then ``&GET-AND-POST=Y&`` and the POST
        fields again as ``name=value`` joined by ``&`` (decoded, ``' " \\ ;`` removed); with
        no query, the POST fields twice. update_lead reads a custom field only when ``?label=``
        or ``&label=`` occurs in it (so the first POST field counts too: its second copy follows
        an ``&``), and so when any value holds ``&label=``."""
        post = "&".join(f"{name}={value}" for name, value in self.body.items())
        post = re.sub(r"['\"\\\\;]", "", post)
        out = self.raw_query
        if not out and len(post) > 2:
            out = post
        if out and len(post) > 2:
            out += "&GET-AND-POST=Y&" + post
        return out

    @classmethod
    async def read(cls, request: web.Request) -> tuple[Params, tuple[str, ...], tuple[str, ...]]:
        """Parse a request; also return the query and body parameter names (for the log)."""
        query_items = list(request.rel_url.query.items())
        body_items: list[tuple[str, object]] = []
        if request.method == "POST":
            form = await request.post()  # urlencoded or multipart; anything else is empty
            body_items = list(form.items())
        last = body_items[-1][1] if body_items else None
        params = cls(
            _last_wins(query_items),
            _last_wins(body_items),
            last if isinstance(last, str) else None,
            request.rel_url.raw_query_string,
        )
        query_names = tuple(dict.fromkeys(name for name, _ in query_items))
        body_names = tuple(dict.fromkeys(name for name, _ in body_items))
        return params, query_names, body_names

    def raw(self, name: str) -> str | None:
        """``isset($_GET[x]) ? $_GET[x] : $_POST[x]``, before filtering."""
        if name in self.query:
            return self.query[name]
        return self.body.get(name)

    def as_vicidial_reads(self, name: str) -> str | None:
        """The value after VICIdial's filter (the raw value where the simulator knows none);
        None when the parameter was not sent."""
        value = self.raw(name)
        if value is None:
            return None
        flt = FILTERS.get(name)
        return value if flt is None else flt(value)

    def get(self, name: str) -> str:
        """The filtered value ("" when absent). Every name read must have a filter."""
        value = self.raw(name)
        return "" if value is None else FILTERS[name](value)
