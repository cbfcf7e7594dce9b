"""Custom lead fields for ``add_lead`` and ``update_lead``, learned from VICIdial itself.

A VICIdial list can have custom fields: one column per field label in the list's
``custom_<list_id>`` table. Callers send them as one object, ``{"custom_fields": {"label":
"value"}}``; the gateway sends ``custom_fields=Y`` and one form field per label. It sits between
the policy (second step of the data path) and the upstream call:

- **Labels**: which labels a list has is asked of VICIdial (``list_custom_fields``) the first time
  a list is needed, and kept per upstream and list for ``upstreams.<n>.custom_fields.ttl``
  (default 5 minutes; at most ``max_lists`` lists, least recently used first out). A label the
  list does not have is refused (400) with the labels it has, after asking once more when the
  kept ones are older than :data:`REFRESH_AFTER` (a field added a moment ago).
- **Values** are checked like every other value, by :func:`gateway.policy.check_value` on a
  :class:`~gateway.catalog.spec.Param` per label (:func:`custom_param`): VICIdial turns ``+``
  into a space and deletes ``;`` and ``"`` (refused, never altered), pastes the value into
  ``label="value"`` and pastes it back into single-quoted SQL whenever the lead is read
  (``sql_uses.CUSTOM_FIELD_SQL``); control characters, backslashes and characters outside
  Unicode's basic plane (VICIdial's utf8mb3 tables store ``?`` for them) are refused.
  VICIdial's API tells neither a field's type nor its size, so the length limit is what its
  largest custom column (a text area) holds.
- **Which list**: add_lead's ``list_id`` (999 when shorter than 3 digits, as VICIdial does), or
  its ``entry_list_id`` when over 99. For update_lead, the lead's own: VICIdial writes the
  table of the lead's ``entry_list_id`` when over 99, else of ``force_entry_list_id``, else of
  the lead's list. The gateway reads the lead's ``list_id`` and ``entry_list_id``
  (``lead_field_info``) first, so update_lead with custom fields needs ``lead_id`` (and
  ``search_method`` LEAD_ID, its default), and cannot use ``insert_if_not_found``.
- **add_lead in two steps**: VICIdial's own add_lead builds its custom-table INSERT with a
  trailing comma (SVN r3884 and every earlier revision): the lead is added, then the SQL error
  ends the reply (HTTP 500 on PHP 8; PHP 7 silently stores nothing). So the gateway sends
  add_lead without them, then ``update_lead lead_id=<new> custom_fields=Y`` with the values,
  and returns add_lead's reply with update_lead's lines among its ``notices``. If that second
  step fails, the answer is a 502 naming the added lead (``details.lead_id``).
- **Form fields VICIdial would confuse with a label**: update_lead reads a custom field when
  ``&label=`` occurs anywhere in the request (so a value holding ``&notes=`` empties field
  ``notes``), and reads it by name from the form (so a list with a field called ``pass`` would
  store the gateway's VICIdial password in it). Both are refused.

Per-app rules (``apps.<app>.params.<function>.custom_fields.<label>: {allow, force}``) work like
the rules of ordinary parameters.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .catalog import CATALOG
from .catalog.reply import Notice, ParsedReply
from .catalog.spec import FunctionSpec, Param
from .catalog.sql_uses import CUSTOM_FIELD_SQL
from .config import RESERVED_PARAMS, AppConfig, ParamRule, UpstreamConfig
from .errors import ERROR_TYPES, BadRequest, Forbidden, GatewayError, NotFound, UpstreamError
from .policy import check_value

FUNCTIONS = frozenset({"add_lead", "update_lead"})
# VICIdial's labels: letters, digits and "_" (admin_lists_custom.php), at most 50.
LABEL_RE = re.compile(r"[A-Za-z0-9_]{1,50}")
# A TEXT column of a utf8mb3 table (a text-area field) holds 65,535 bytes: 21,845 characters.
MAX_VALUE_CHARS = 21_845
# What VICIdial keeps of a custom value (refused: what it deletes or turns into a space, and
# characters of 4 UTF-8 bytes, which its utf8mb3 tables store as "?").
VALUE_CHARSET = '^;"+\\U00010000-\\U0010FFFF'
# Labels kept for less than this long are not asked for again on an unknown label.
REFRESH_AFTER = 10.0

Lookup = Callable[[FunctionSpec, Mapping[str, str]], Awaitable[ParsedReply]]
After = Callable[[ParsedReply], Awaitable[ParsedReply]]

_UPDATE_VALUES_STORED = "CUSTOM FIELDS VALUES UPDATED"
# VICIdial removes these from the request before it looks for "&label=" in it.
_QUERY_STRING_DROPS = re.compile(r"['\"\\\\;]")


@lru_cache(maxsize=4096)
def custom_param(label: str) -> Param:
    """The parameter one custom field's value is checked as (the very checks of any value)."""
    return Param(
        f"custom_fields.{label}",
        "text",
        max_len=MAX_VALUE_CHARS,
        charset=VALUE_CHARSET,
        sql=CUSTOM_FIELD_SQL["update_lead"],
    )


def take(spec: FunctionSpec, body: Any) -> dict[str, str] | None:
    """Remove ``custom_fields`` from an add_lead/update_lead body: ``{label: value}`` as strings
    (None when absent). Numbers become text, ``null`` an empty value."""
    if spec.name not in FUNCTIONS or not isinstance(body, dict) or "custom_fields" not in body:
        return None
    raw = body.pop("custom_fields")
    if not isinstance(raw, dict):
        raise BadRequest(
            "'custom_fields' must be an object of field labels and values, "
            'e.g. {"favorite_color": "red"}',
            details={"parameter": "custom_fields"},
        )
    values: dict[str, str] = {}
    for label, value in raw.items():
        if not LABEL_RE.fullmatch(label):
            shown = label[:64].encode("unicode_escape").decode("ascii")
            raise BadRequest(
                f"custom field label {shown!r} is not a VICIdial label ([A-Za-z0-9_], 1-50)",
                details={"parameter": f"custom_fields.{shown}"},
            )
        if value is None:
            values[label] = ""
        elif isinstance(value, str):
            values[label] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            values[label] = str(value)
        else:
            raise BadRequest(
                f"custom field {label!r} must be a string, an integer or null",
                details={"parameter": f"custom_fields.{label}"},
            )
    return values


def describe(app: AppConfig, function: str) -> dict[str, Any] | None:
    """The ``custom_fields`` parameter as ``GET /v1/functions`` lists it (with the app's rules)."""
    if function not in FUNCTIONS:
        return None
    rules = {
        label: {
            **({"allowed_values": list(r.allow)} if r.allow is not None else {}),
            **({"fixed_value": r.force} if r.force is not None else {}),
        }
        for label, r in app.custom_fields.get(function, {}).items()
    }
    return {
        "name": "custom_fields",
        "kind": "object",
        "required": False,
        "max_length": MAX_VALUE_CHARS,
        "summary": "the list's custom fields: {label: value}; labels as VICIdial lists them",
        "fields": rules,
    }


@dataclass(frozen=True)
class Plan:
    """What to send: the form, what identifies the request (idempotency), and a step to run
    after VICIdial's answer (add_lead: storing the new lead's custom fields)."""

    params: dict[str, str]
    fingerprint: dict[str, str]
    after: After | None = None


@dataclass
class _Labels:
    labels: tuple[str, ...]
    fetched: float
    base_url: str


class CustomFields:
    """The labels of each list, kept per upstream (see the module doc), and the planning of a
    call with custom fields. One per process (``Services.custom_fields``)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._lists: dict[str, OrderedDict[str, _Labels]] = {}
        self._inflight: dict[tuple[str, str], asyncio.Future[tuple[str, ...]]] = {}

    # --- the labels --------------------------------------------------------------------------

    def retain(self, upstreams: Mapping[str, UpstreamConfig]) -> None:
        """Forget the lists of upstreams no longer configured (after a reload)."""
        for name in list(self._lists):
            if name not in upstreams:
                del self._lists[name]

    def size(self) -> int:
        """Lists kept, over all upstreams."""
        return sum(len(lists) for lists in self._lists.values())

    async def labels(
        self, upstream: UpstreamConfig, list_id: str, lookup: Lookup, *, older_than: float = 0.0
    ) -> tuple[str, ...]:
        """The list's labels: kept ones younger than the TTL (and than ``older_than`` seconds
        ago, if given), else asked of VICIdial; calls that need the same list at once share
        one question."""
        kept = self._lists.setdefault(upstream.name, OrderedDict())
        entry = kept.get(list_id)
        now = self.clock()
        if entry is not None and entry.base_url == upstream.base_url:
            age = now - entry.fetched
            if age < upstream.custom_fields.ttl and (older_than <= 0 or age < older_than):
                kept.move_to_end(list_id)
                return entry.labels
        key = (upstream.name, list_id)
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[tuple[str, ...]] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            labels = await _ask_labels(list_id, lookup)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it
            raise
        finally:
            del self._inflight[key]
        future.set_result(labels)
        if upstream.custom_fields.ttl > 0:
            kept = self._lists.setdefault(upstream.name, OrderedDict())
            kept[list_id] = _Labels(labels, self.clock(), upstream.base_url)
            kept.move_to_end(list_id)
            while len(kept) > upstream.custom_fields.max_lists:
                kept.popitem(last=False)
        return labels

    async def _known(
        self, upstream: UpstreamConfig, list_id: str, values: Mapping[str, str], lookup: Lookup
    ) -> tuple[str, ...]:
        labels = await self.labels(upstream, list_id, lookup)
        if any(label not in labels for label in values):
            # A field added in VICIdial since: ask again, unless just asked.
            labels = await self.labels(upstream, list_id, lookup, older_than=REFRESH_AFTER)
        unknown = [label for label in values if label not in labels]
        if unknown:
            have = ", ".join(labels) if labels else "none"
            raise BadRequest(
                f"list {list_id} has no custom field {unknown[0]!r} (its custom fields: {have})",
                details={
                    "parameter": f"custom_fields.{unknown[0]}",
                    "list_id": list_id,
                    "custom_fields": list(labels),
                },
            )
        return labels

    # --- a call ------------------------------------------------------------------------------

    async def plan(
        self,
        app: AppConfig,
        upstream: UpstreamConfig,
        spec: FunctionSpec,
        params: dict[str, str],
        sent: Mapping[str, str] | None,
        lookup: Lookup,
    ) -> Plan:
        """The call to make for ``params`` (already through the policy) and the caller's custom
        values ``sent`` (see :func:`take`); refuses what VICIdial would get wrong."""
        values = _with_rules(app, spec.name, sent)
        if values is None:
            return Plan(params, params)
        for label, value in values.items():
            check_value(custom_param(label), value)
        if spec.name == "add_lead":
            if not values:
                return Plan(params, params)
            # The second step's form: update_lead lead_id=<new> custom_fields=Y <values>.
            fixed = _owned({"lead_id": "", "custom_fields": "Y"}, values)
            list_id = _add_lead_list(params)
            labels = await self._known(upstream, list_id, values, lookup)
            _check_form(list_id, labels, fixed, values)
            fingerprint = {**params, **{f"custom_fields.{k}": v for k, v in values.items()}}
            return Plan(params, fingerprint, after=_store_after_add(values, lookup))
        fixed = _owned({**params, "custom_fields": "Y"}, values)
        list_id = await _lead_custom_list(params, lookup)
        labels = await self._known(upstream, list_id, values, lookup)
        _check_form(list_id, labels, fixed, values)
        form = {**fixed, **values}
        return Plan(form, form)


def _with_rules(
    app: AppConfig, function: str, sent: Mapping[str, str] | None
) -> dict[str, str] | None:
    """The caller's values under the app's rules (forced values added); None: no custom fields."""
    rules: Mapping[str, ParamRule] = app.custom_fields.get(function, {})
    forced = {label: r.force for label, r in rules.items() if r.force is not None}
    if sent is None and not forced:
        return None
    values = dict(sent or {})
    for label, value in values.items():
        rule = rules.get(label)
        if rule is None:
            continue
        if rule.allow is not None and value not in rule.allow:
            raise Forbidden(
                f"value of custom field {label!r} is not allowed for app {app.name!r}",
                details={"parameter": f"custom_fields.{label}"},
            )
        if rule.force is not None and value != rule.force:
            raise Forbidden(
                f"custom field {label!r} is fixed for app {app.name!r} and may not be changed",
                details={"parameter": f"custom_fields.{label}"},
            )
    for label, value in forced.items():
        values.setdefault(label, value)
    return values


def _add_lead_list(params: Mapping[str, str]) -> str:
    """The table add_lead's custom fields belong to: entry_list_id over 99, else list_id."""
    entry = params.get("entry_list_id", "")
    if entry.isdigit() and int(entry) > 99:
        return str(int(entry))
    list_id = params.get("list_id", "")
    return list_id if len(list_id) >= 3 else "999"


def _owned(fixed: dict[str, str], values: Mapping[str, str]) -> dict[str, str]:
    """``fixed``, the form fields besides the custom values; a custom label may not be one of
    them, nor one the gateway adds itself (``pass``: the form would carry the gateway's password
    under that label, and VICIdial would store it in the lead)."""
    taken = set(fixed) | RESERVED_PARAMS
    clash = sorted(label for label in values if label in taken)
    if clash:
        raise BadRequest(
            f"custom field {clash[0]!r} has the name of a form field the gateway sends",
            details={"parameter": f"custom_fields.{clash[0]}"},
        )
    return fixed


def _check_form(
    list_id: str, labels: tuple[str, ...], fixed: Mapping[str, str], values: Mapping[str, str]
) -> None:
    """Refuse what would make update_lead write a field the caller did not send: a label of the
    list that is the name of another form field, or that occurs as ``&label=`` in a value."""
    form = {**fixed, **values}
    sent_fields = set(fixed) | RESERVED_PARAMS
    for label in labels:
        if label in sent_fields:
            raise BadRequest(
                f"list {list_id} has a custom field named {label!r} like a form field the "
                "gateway sends: VICIdial would store that field's value in it (rename the "
                "custom field in VICIdial)",
                details={"parameter": "custom_fields", "list_id": list_id, "label": label},
            )
    others = [label for label in labels if label not in values]
    for name, value in form.items():
        seen = _QUERY_STRING_DROPS.sub("", value)
        for label in others:
            if f"&{label}=" in seen or f"?{label}=" in seen:
                shown = name if name not in values else f"custom_fields.{name}"
                raise BadRequest(
                    f"{shown!r} may not contain '&{label}=': VICIdial would then empty custom "
                    f"field {label!r} of the lead",
                    details={"parameter": shown, "label": label},
                )


async def _ask(lookup: Lookup, function: str, params: Mapping[str, str]) -> ParsedReply:
    """One of the gateway's own calls; its failures say which call it was (an operator may have
    to allow that function to the gateway's VICIdial user)."""
    try:
        return await lookup(CATALOG[function], params)
    except GatewayError as exc:
        raise exc.reworded(
            f"the gateway's own {function} call (for custom fields) failed: {exc.message}"
        ) from None


async def _ask_labels(list_id: str, lookup: Lookup) -> tuple[str, ...]:
    """``list_custom_fields`` for one list: its labels, in table order."""
    reply = await _ask(lookup, "list_custom_fields", {"list_id": list_id})
    if reply.result == "ERROR":
        if reply.error_type == "not_found":
            raise BadRequest(
                f"list {list_id} does not exist, so it has no custom fields",
                details={"parameter": "custom_fields", "list_id": list_id},
            )
        if reply.message == "CUSTOM LIST FIELDS ARE NOT ENABLED ON THIS SYSTEM":
            raise BadRequest(
                "custom fields are not enabled on this VICIdial system",
                details={"parameter": "custom_fields"},
            )
        raise _refused("list_custom_fields", reply)
    rows = reply.data if isinstance(reply.data, list) else [reply.data]
    for row in rows:
        if isinstance(row, dict) and str(row.get("list_id")) == list_id:
            found = row.get("custom_fields_list_space_delimited") or []
            return tuple(str(label) for label in found if LABEL_RE.fullmatch(str(label)))
    raise UpstreamError(f"VICIdial's list_custom_fields did not print list {list_id}")


async def _lead_custom_list(params: Mapping[str, str], lookup: Lookup) -> str:
    """The list whose custom table update_lead writes for this lead (see the module doc)."""
    lead_id = params.get("lead_id", "")
    method = params.get("search_method", "")
    if not lead_id or (len(method) >= 6 and method != "LEAD_ID"):
        raise BadRequest(
            "custom fields on update_lead need the lead's lead_id (and search_method LEAD_ID, "
            "its default): the lead's list decides which custom fields it has",
            details={"parameter": "custom_fields"},
        )
    if params.get("insert_if_not_found") == "Y":
        raise BadRequest(
            "custom fields on update_lead cannot be combined with insert_if_not_found; "
            "add the lead with add_lead and custom_fields instead",
            details={"parameter": "custom_fields"},
        )
    base = {"lead_id": lead_id}
    if "archived_lead" in params:
        base["archived_lead"] = params["archived_lead"]
    names = ("list_id", "entry_list_id")
    read = [_ask(lookup, "lead_field_info", {**base, "field_name": name}) for name in names]
    found: dict[str, str] = {}
    for reply in await asyncio.gather(*read):
        if reply.result == "ERROR":
            if reply.message == "LEAD NOT FOUND":
                raise NotFound(
                    f"lead {lead_id} not found (its list decides its custom fields)",
                    details={"lead_id": lead_id},
                )
            raise _refused("lead_field_info", reply)
        if isinstance(reply.data, dict):
            found.update({k: "" if v is None else str(v) for k, v in reply.data.items()})
    list_id, entry = found.get("list_id", ""), found.get("entry_list_id", "")
    chosen = list_id
    force = params.get("force_entry_list_id", "")
    if len(force) > 1:
        chosen = force
    if entry.isdigit() and int(entry) > 99:
        chosen = entry
    if not chosen.isdigit():
        raise UpstreamError(f"VICIdial did not tell lead {lead_id}'s list")
    return chosen


def _store_after_add(values: Mapping[str, str], lookup: Lookup) -> After:
    """add_lead's second step: update_lead the new lead with its custom values."""

    async def after(added: ParsedReply) -> ParsedReply:
        if added.result != "SUCCESS" or not isinstance(added.data, dict):
            return added  # nothing added (a duplicate, a bad number ...): nothing to store
        lead_id = str(added.data.get("lead_id") or "")
        if not lead_id.isdigit():
            raise UpstreamError("VICIdial added the lead without telling its lead_id")
        try:
            reply = await lookup(
                CATALOG["update_lead"], {**values, "lead_id": lead_id, "custom_fields": "Y"}
            )
        except GatewayError as exc:
            raise _not_stored(lead_id, exc.message) from None
        lines = list(reply.notices)
        if reply.message is not None:
            data = reply.data if isinstance(reply.data, dict) else {}
            lines.insert(0, Notice(reply.result, reply.message, data))
        if reply.result == "ERROR" or not any(n.message == _UPDATE_VALUES_STORED for n in lines):
            said = "; ".join(n.message for n in lines) or "no answer"
            raise _not_stored(lead_id, f"VICIdial said: {said}")
        return dataclasses.replace(added, notices=(*added.notices, *lines))

    return after


def _not_stored(lead_id: str, why: str) -> UpstreamError:
    return UpstreamError(
        f"lead {lead_id} was added, but its custom fields were not stored ({why}); "
        "store them with update_lead",
        details={"lead_id": lead_id},
    )


def _refused(function: str, reply: ParsedReply) -> GatewayError:
    """An ERROR answer to one of the gateway's own lookups, as the error it means."""
    cls = ERROR_TYPES.get(reply.error_type or "", UpstreamError)
    return cls(f"VICIdial refused the gateway's {function} call: {reply.message}")
