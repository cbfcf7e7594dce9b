"""The shape of a catalog entry: one frozen :class:`FunctionSpec` per VICIdial function.

The catalog is the single source of truth about VICIdial: the policy takes parameter names and
limits from it, the parser takes reply templates and column lists from it, and the simulator renders
its replies from the very same templates. A spec states facts only (names, literal reply text, field
order, types); the code that acts on them lives in :mod:`gateway.catalog.parser` and the simulator.

Reply lines are written as *templates* exactly as VICIdial prints them, e.g.::

    SUCCESS: add_lead LEAD HAS BEEN ADDED - {phone_number}|{list_id}|{lead_id}|{gmt_offset}|{user}

Text outside braces is literal. ``{name}`` is one field that cannot contain ``|``; ``{name*}`` may
(it matches as little as possible, so the literal text after it still anchors the line). In a
status template ``{user}`` is always the gateway's own VICIdial login and is never returned.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from .reply import ParsedReply

Effect = Literal["read_only", "mutating"]
# Which of VICIdial's two HTTP APIs serves the function: the Non-Agent API
# (``/vicidial/non_agent_api.php``) or the Agent API (``/agc/api.php``).
Api = Literal["non_agent", "agent"]
Result = Literal["SUCCESS", "ERROR", "NOTICE"]

# Value types of reply fields. "int"/"decimal" become JSON numbers; everything else stays a string
# (phone numbers, ids that may carry leading zeros, codes, dates); an empty value is always null.
FieldType = Literal["text", "int", "decimal", "phone", "id", "code", "datetime", "date"]

# Parameter kinds. "flag" takes true/false (sent as Y/N) or the literal strings; "int" digits only.
ParamKind = Literal["text", "int", "flag", "phone", "id", "code", "date", "datetime", "list"]

API_USER_FIELD = "user"  # in status templates: the gateway's own login, always dropped

_FIELD_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(\*?)\}")
_PREFIXES: tuple[Result, ...] = ("SUCCESS", "ERROR", "NOTICE")
_SEPARATORS = (": |", " - ", ": ", " -", ":", "|")


@dataclass(frozen=True)
class Template:
    """One line VICIdial can print, with what it means.

    ``error_type`` (an ``error.type`` of :mod:`gateway.errors`) is set for ERROR lines and for any
    other line that must end the call as an error (e.g. the login failures).
    """

    text: str
    error_type: str | None = None
    # The result class when the prefix does not tell it: a line without SUCCESS/ERROR/NOTICE
    # prefix (``version``), or a NOTICE that in fact ends the call with nothing done (ERROR).
    result_override: Result | None = None
    # The reason text, where the one derived from the text would be wrong (an Agent API line
    # that starts with a parameter name, not the function's: "agent_user is not paused").
    reason: str | None = None

    # result, fields and message are derived from the text once (cached_property: a frozen
    # template never changes), since the parser reads them for every reply line it matches.
    @cached_property
    def result(self) -> Result:
        if self.result_override is not None:
            return self.result_override
        for prefix in _PREFIXES:
            if self.text.startswith(prefix + ": "):
                return prefix
        raise ValueError(f"template has no SUCCESS/ERROR/NOTICE prefix: {self.text!r}")

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """Field names in order; a name repeated in the template is listed once."""
        seen: list[str] = []
        for m in _FIELD_RE.finditer(self.text):
            if m.group(1) not in seen:
                seen.append(m.group(1))
        return tuple(seen)

    @cached_property
    def message(self) -> str:
        """The reason text: the literal part after ``<PREFIX>: <function> `` and before the data."""
        if self.reason is not None:
            return self.reason
        head = _FIELD_RE.split(self.text, maxsplit=1)[0] if "{" in self.text else self.text
        for prefix in _PREFIXES:
            if head.startswith(prefix + ": "):
                head = head[len(prefix) + 2 :]
                word, _, rest = head.partition(" ")
                # "<function> REASON": the function word, then an upper-case reason. Generic lines
                # ("Login incorrect, ...") and all-lower-case reasons ("audio store web
                # directory does not exist") have no function word.
                if rest and ("_" in word or (word.islower() and rest[:1].isupper())):
                    head = rest
                break
        for sep in _SEPARATORS:
            if head.endswith(sep):
                head = head[: -len(sep)]
                break
        return head.strip()

    def regex(self) -> re.Pattern[str]:
        return _compile(self.text)

    def render(self, values: Mapping[str, object]) -> str:
        """The line as VICIdial prints it (without the final LF); missing values are empty."""

        def sub(m: re.Match[str]) -> str:
            value = values.get(m.group(1), "")
            return "" if value is None else str(value)

        return _FIELD_RE.sub(sub, self.text)


_compiled: dict[str, re.Pattern[str]] = {}


def _compile(text: str) -> re.Pattern[str]:
    pattern = _compiled.get(text)
    if pattern is None:
        parts: list[str] = []
        pos = 0
        seen: set[str] = set()
        for m in _FIELD_RE.finditer(text):
            parts.append(re.escape(text[pos : m.start()]))
            name, star = m.group(1), m.group(2)
            body = r".*?" if star else r"[^|\n]*"
            parts.append(f"(?:{body})" if name in seen else f"(?P<{name}>{body})")
            seen.add(name)
            pos = m.end()
        parts.append(re.escape(text[pos:]))
        pattern = re.compile("".join(parts), re.DOTALL)
        _compiled[text] = pattern
    return pattern


Quote = Literal["'", '"', "bare"]
# What a value pasted into SQL without quotes may be: a number, a list of them, a name.
BARE_SAFE = re.compile(r"[0-9A-Za-z_,]*")
# Characters a value ``update_list`` forwards unencoded to admin_lists_custom.php may not hold:
# "&" starts another parameter there, "%" and "+" are decoded once more.
FORWARD_UNSAFE = "&%+"
# (other parameter, how it is tested, values): "equals" any of the values, "contains" any of them
# as a substring (VICIdial's preg_match), "not_empty" (no values).
SqlWhen = tuple[str, Literal["equals", "contains", "not_empty"], tuple[str, ...]]


@dataclass(frozen=True)
class SqlUse:
    """One place VICIdial pastes a parameter's value into SQL without escaping it.

    ``quote`` is the quote of the string literal the value lands in (``bare``: no quotes at
    all, a number, a list or a name). ``stored``: the value is stored first, and VICIdial pastes
    the stored value into SQL when it reads the record back later (second order). The facts,
    and how each was confirmed, are in :mod:`gateway.catalog.sql_uses`.
    """

    quote: Quote
    what: str  # the statement in a few words, with VICIdial's line numbers
    when: SqlWhen | None = None  # only when another parameter of the request is sent so
    stored: bool = False

    def applies(self, sent: Mapping[str, str] | None) -> bool:
        """Does this use happen for a request with these parameters (None: any request)?"""
        return holds(self.when, sent)


def holds(when: SqlWhen | None, sent: Mapping[str, str] | None) -> bool:
    """Does the condition hold for a request with these parameters (None: any request)?"""
    if when is None or sent is None:
        return True
    name, test, values = when
    got = sent.get(name, "")
    if test == "not_empty":
        return got != ""
    if test == "equals":
        return got in values
    return any(v in got for v in values)


@dataclass(frozen=True)
class Param:
    """A request parameter VICIdial reads for this function."""

    name: str
    kind: ParamKind = "text"
    required: bool = False
    max_len: int = 255
    # Exact allowed values, when the function has a fixed set.
    choices: tuple[str, ...] | None = None
    summary: str = ""
    # Characters VICIdial keeps for this parameter (a regex character-class body). VICIdial
    # silently deletes every other character, so the gateway refuses them instead of letting data
    # be lost. None: the default of the kind (see gateway.policy).
    charset: str | None = None
    # kind "list": the separator VICIdial expects between items (JSON arrays are joined with it,
    # and an item holding it is refused: VICIdial would read two), and the items VICIdial reads
    # whole although they hold it ("---ALL---" in the dash-separated report lists).
    list_sep: str = ","
    whole_items: tuple[str, ...] = ()
    # Values the VICIdial manual warns are heavy on the database (hopper_list BLOCK): refused
    # unless the app's policy allows heavy options for this function.
    heavy: tuple[str, ...] = ()
    # A full-match regex the value must also fit, where characters alone do not say enough
    # (e.g. "---ALL---" or digits: VICIdial drops the dashes of anything else).
    pattern: str | None = None
    # The value may hold line feeds (VICIdial keeps them: custom field options, help texts).
    multiline: bool = False
    # Other spellings VICIdial reads exactly as a value of this parameter: (full-match regex,
    # the value sent instead, with \1... for the regex's groups), tried in order. Only where
    # VICIdial reads both the same way (local_gmt "-5" is "-5.00": VICIdial compares the two as
    # numbers); the value sent then gets every check. The summary says what is converted.
    spellings: tuple[tuple[str, str], ...] = ()
    # A value VICIdial turns into an empty one before it stores it (update_lead's "--BLANK--"):
    # it passes the length limit and the choices, except in a request where ``blank_kept``
    # holds, because VICIdial then stores the text as it stands (an inserted lead).
    blank: str | None = None
    blank_kept: SqlWhen | None = None
    # Every place VICIdial pastes the value into SQL unescaped (gateway.catalog.sql_uses);
    # () when it never reaches SQL. None: not known, so every quote counts as dangerous.
    sql: tuple[SqlUse, ...] | None = None
    # VICIdial URL-decodes the value a second time when it contains this text (list web form
    # addresses with "%3A%2F%2F"): the decoded value is what reaches SQL.
    decoded_when: str | None = None
    # VICIdial pastes the value unencoded into a form body it posts to another of its scripts
    # (update_list's custom-field calls to admin_lists_custom.php), which decodes it again.
    forwarded: bool = False


@dataclass(frozen=True)
class Rows:
    """A reply made of delimited data rows (optionally after a header row)."""

    columns: tuple[str, ...]
    # How the delimiter is chosen: "stage" (csv/tab/pipe via stage=), or "pipe" (always |).
    delimiter_option: Literal["stage", "pipe"] = "stage"
    # The delimiter the gateway asks for (stage value) when delimiter_option is "stage".
    stage: str | None = "tab"
    # Ask for header=YES and key rows by the header's names (new/custom columns come through).
    request_header: bool = True
    # Columns whose values may contain the delimiter (free text); extra fields are folded back
    # into them. One such column is always repaired exactly; with several, only a placement that
    # keeps every typed column valid counts, and it must be the only one (see the parser).
    free_text: tuple[str, ...] = ()
    # Every data row has a slot for the last column (list_info dialable_count), printed or not:
    # when the column is not requested, the row ends with one extra, empty field the header does
    # not have; when it is requested, the row and the header have the same fields.
    trailing_delimiter: bool = False
    # The last N columns may be missing from a data row (agent_status computer_ip).
    optional_tail: int = 0
    # Exactly one data row is printed (the JSON data is then an object, not a list).
    single: bool = False
    # (column, param, value): the column is printed (header and rows) only when the request has
    # param=value exactly (list_info leads_counts=Y, agent_status include_ip=YES).
    conditional_columns: tuple[tuple[str, str, str], ...] = ()
    # stage=newline selects LF as the delimiter (lead_all_info); elsewhere it means "|".
    newline_stage: bool = False
    # With header=YES the header is printed again before every data row (lead_all_info).
    header_per_row: bool = False
    # A non-empty value of this parameter selects at most one row (lead_all_info lead_id).
    single_if_param: str | None = None
    # (param, value) that appends custom-field columns after ``columns``; only the header row
    # names them (lead_all_info custom_fields=Y).
    custom_columns: tuple[str, str] | None = None
    # (column, separator): the value is a list joined by separator, "" is [] (lead_search lead_ids).
    split_columns: tuple[tuple[str, str], ...] = ()


CustomParse = Callable[["FunctionSpec", str, Mapping[str, str]], "ParsedReply"]


@dataclass(frozen=True)
class RawValue:
    """The whole reply can be one stored value (``lead_field_info`` prints a field raw).

    Stored data can then read as any of the function's status lines, so a reply that parses as
    one is only taken for one when a second call, whose answer data cannot forge, agrees: the
    gateway asks again with ``recheck(params)`` (the lead's own id), and if ``proves_data``
    holds for that answer, the first reply was data and ``as_data`` reads it so.
    """

    recheck: Callable[[Mapping[str, str]], dict[str, str]]
    proves_data: Callable[[str, Mapping[str, str]], bool]
    as_data: CustomParse


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    summary: str
    effect: Effect
    idempotent: bool | Literal["partly"]
    params: tuple[Param, ...] = ()
    templates: tuple[Template, ...] = ()
    rows: Rows | None = None
    # The reply may be empty and that means success with no data.
    empty_ok: bool = False
    # Parameters the gateway sets itself (stage, header); callers may not send them.
    gateway_params: tuple[str, ...] = ()
    # Parameters always sent with a fixed value the gateway chooses (e.g. the one output format
    # that can be parsed, or that does not leak the login); callers may not send them.
    fixed_params: Mapping[str, str] = field(default_factory=dict)
    field_types: Mapping[str, FieldType] = field(default_factory=dict)
    # The function needs no login (version): it can never count toward VICIdial's lockout.
    needs_login: bool = True
    # A reply shape the general parser does not handle (HTML pickers, key/value blocks, a raw
    # value): a pure function (spec, text, params) -> ParsedReply raising ReplyShapeError.
    custom_parse: CustomParse | None = None
    # Export/report functions whose rows are streamed to the caller as they arrive.
    stream: bool = False
    # The whole reply may be a stored value: status lines are confirmed before they count.
    raw_value: RawValue | None = None
    # The API that serves the function (its URL path at VICIdial, its route at the gateway).
    api: Api = "non_agent"
    # Parameters always sent, empty when the caller gave none: agc/api.php reads ``value`` from
    # a variable its loop over the form fields leaves holding the *last* field's value, so a
    # request without one would act on the gateway's source label (external_add_lead stored
    # it as the lead's phone number).
    sent_empty: tuple[str, ...] = ()
    # Names VICIdial looks for anywhere in the request body, keys and values, in any case, to
    # decide which parameters were sent (update_fields, refresh_panel): each one found sets
    # that field, to the value sent or to empty. A name may appear only as its own parameter.
    body_fields: tuple[str, ...] = ()

    def param(self, name: str) -> Param | None:
        return self._params_by_name.get(name)

    @cached_property
    def _params_by_name(self) -> Mapping[str, Param]:
        by_name: dict[str, Param] = {}
        for p in self.params:
            by_name.setdefault(p.name, p)  # the first of a repeated name, as a scan would find
        return by_name

    @cached_property
    def derived(self) -> dict[Hashable, Any]:
        """Work derived from this spec and done once per spec object (the parser's column
        layouts and converters, its template index): no fact, never compared or shown. Each
        user keys its entries by its own name; see :func:`derived`."""
        return {}

    @property
    def label(self) -> str:
        """The function as metrics and the audit log name it: the name, and for the Agent API
        ``agent/<name>`` (both APIs have a ``version``)."""
        return self.name if self.api == "non_agent" else f"agent/{self.name}"

    @property
    def param_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.params)

    def template(self, message: str, result: Result | None = None) -> Template:
        """The template with this reason text (for the simulator and tests)."""
        for t in self.templates:
            if t.message == message and (result is None or t.result == result):
                return t
        raise KeyError(f"{self.name}: no template {message!r}")


_T = TypeVar("_T")


def derived(spec: FunctionSpec, key: Hashable, make: Callable[[], _T]) -> _T:
    """``make()`` computed once per spec object and kept in :attr:`FunctionSpec.derived`."""
    cache = spec.derived
    try:
        value: _T = cache[key]
    except KeyError:
        value = cache[key] = make()
    return value


def general(spec: FunctionSpec, **changes: Any) -> FunctionSpec:
    """``spec`` without its ``custom_parse`` (and with ``changes``), for a special-shape parser
    that hands (part of) its reply to the general parser: made once per spec object and
    ``changes`` (kept in :attr:`FunctionSpec.derived`), so the parser's per-spec work (column
    layouts, converters, template index) is done once, not on every call. The values of
    ``changes`` must be the same at every call with those names (they are constants of the
    caller)."""
    key = ("spec.general", tuple(sorted(changes)))
    return derived(spec, key, lambda: dataclasses.replace(spec, custom_parse=None, **changes))
