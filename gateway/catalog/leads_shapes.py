"""Reply shapes of the leads area that the general parser cannot read, and their line formats.

Each ``parse_*`` function is a ``FunctionSpec.custom_parse``: pure, and raising only
:class:`ReplyShapeError` for a reply it does not recognise (never a guess). A reply made of
status lines (an ERROR, the login and permission lines every function can print) goes to the
general parser with the same spec, so those lines mean the same everywhere.

The shapes:

- ``lead_field_info``: the bare value, no line end. An empty body is an empty value. A body that
  is exactly one of the function's status lines (with its LF) is that line: VICIdial gives no
  other way to tell (a value never ends with a LF unless the data does).
- ``lead_status_search``: ``;---------- START OF RECORD n ----------`` then ``name => value``
  lines in a fixed order (then custom fields). A LF inside a free-text value continues it.
- ``lead_search``: pipe rows, one per number searched; when no number has a lead VICIdial prints
  ``NO MATCHES FOUND`` instead, read as the zero-count row of each number (a search that finds
  nothing is no error, and the reply has the same shape however many numbers matched).
- ``batch_update_lead``: a status line whose last field is a comma-separated id list; an empty
  body means "leads found, but no field to change was given" (nothing changed).
- ``sounds_list``: tab rows (the format the gateway asks for) or link lines.
- the HTML pickers (``moh_list``, ``vm_list``, ``ingroup_list``, ``callmenu_list``,
  ``container_list``) and ``agent_ingroup_info``: the fixed HTML VICIdial prints, line by line,
  turned into lists of objects. Values inside the HTML are printed raw (never entity-escaped), so
  they are returned as printed.

The line formats below are also what the simulator prints, so both sides share one wording.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .fields import ZERO_DATES, field_type, is_zero_date
from .parser import _PATHS, Misfit, parse_reply
from .reply import ParsedReply, ReplyShapeError
from .row_reader import Converter, RowReader, row_reader
from .spec import FieldType, FunctionSpec, Template, derived, general

# The standard lead columns in lead_status_search's order (lead_all_info ends with lead_id).
LEAD_COLUMNS: tuple[str, ...] = (
    "lead_id", "status", "user", "vendor_lead_code", "source_id", "list_id", "gmt_offset_now",
    "phone_code", "phone_number", "title", "first_name", "middle_initial", "last_name",
    "address1", "address2", "address3", "city", "state", "province", "postal_code",
    "country_code", "gender", "date_of_birth", "alt_phone", "email", "security_phrase",
    "comments", "called_count", "last_local_call_time", "rank", "owner", "entry_list_id",
)  # fmt: skip

# Lead columns whose values keep a LF (their input filter only drops ; # ").
FREE_TEXT_COLUMNS = frozenset({"vendor_lead_code", "source_id", "comments"})

_INT = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_FORMATS: Mapping[str, re.Pattern[str]] = {
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "datetime": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"),
}


# --- shared helpers ----------------------------------------------------------------------------


def typed(spec: FunctionSpec, name: str, text: str) -> Any:
    """A database value as JSON: numbers for counts and measures, "" (and MySQL's zero date in
    a date column) as None, else the text."""
    if text == "":
        return None
    kind = field_type(name, spec.field_types)
    if kind == "int":
        if not _INT.fullmatch(text):
            raise ReplyShapeError(f"{name} is not a whole number", text)
        return int(text)
    if kind == "decimal":
        if not _DECIMAL.fullmatch(text):
            raise ReplyShapeError(f"{name} is not a number", text)
        return float(text)
    shape = _FORMATS.get(kind)
    if shape is not None and not shape.fullmatch(text):
        raise ReplyShapeError(f"{name} is not a MySQL {kind}", text)
    return None if is_zero_date(kind, text) else text


def status_reply(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """A reply made of status lines only: read by the general parser with the same templates."""
    plain = general(spec, rows=None, empty_ok=False)
    return parse_reply(plain, text, params=params)


def _success(data: dict[str, Any] | list[dict[str, Any]] | None) -> ParsedReply:
    return ParsedReply("SUCCESS", None, data, (), None)


def _lines(text: str, what: str) -> list[str]:
    """The LF-terminated lines of a reply (VICIdial ends every one of these with a LF)."""
    if not text.endswith("\n"):
        raise ReplyShapeError(f"{what} without a final line end", text[-200:])
    return text[:-1].split("\n")


class _Cursor:
    """Lines read one by one; any surprise is a ReplyShapeError naming the line."""

    def __init__(self, lines: Sequence[str], what: str) -> None:
        self.lines = lines
        self.what = what
        self.i = 0

    def peek(self) -> str | None:
        return self.lines[self.i] if self.i < len(self.lines) else None

    def take(self) -> str:
        line = self.peek()
        if line is None:
            raise ReplyShapeError(
                f"{self.what} ends too early", self.lines[-1] if self.lines else ""
            )
        self.i += 1
        return line

    def expect(self, *expected: str) -> None:
        for want in expected:
            got = self.take()
            if got != want:
                raise ReplyShapeError(f"unexpected line in {self.what}", got)

    def match(self, pattern: re.Pattern[str]) -> re.Match[str]:
        line = self.take()
        m = pattern.fullmatch(line)
        if m is None:
            raise ReplyShapeError(f"unexpected line in {self.what}", line)
        return m

    def done(self) -> None:
        if self.i != len(self.lines):
            raise ReplyShapeError(f"unexpected line after {self.what}", self.lines[self.i])


# --- lead_field_info ---------------------------------------------------------------------------


def parse_lead_field_info(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """``{field_name: value}``; the value has no line end, so a LF-terminated line is status.

    A stored value can end with a LF too: such a reading is confirmed by the gateway
    (``FUNCTION.raw_value``) before it counts, and :func:`lead_field_value` reads the reply as
    the value when it is not.
    """
    if text.endswith("\n"):
        try:
            return status_reply(spec, text, params)
        except ReplyShapeError:
            if not params.get("field_name"):
                raise
    return lead_field_value(spec, text, params)


def lead_field_value(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """The reply read as the stored value, whatever it looks like."""
    name = params.get("field_name", "")
    if not name:
        raise ReplyShapeError("a lead_field_info value needs the field_name asked for", text)
    return _success({name: typed(spec, name, text)})


def lead_id_recheck(params: Mapping[str, str]) -> dict[str, str]:
    """The same lead's ``lead_id``: a value VICIdial computes, never stored text."""
    return {**params, "field_name": "lead_id"}


def lead_id_read(text: str, params: Mapping[str, str]) -> bool:
    """The recheck read the lead's id: the lead exists and is readable, so no status applied."""
    asked = params.get("lead_id", "")
    return text.isdigit() and asked.isdigit() and int(text) == int(asked)


# --- lead_search -------------------------------------------------------------------------------

LEAD_SEARCH_NO_MATCHES = "NO MATCHES FOUND IN THE SYSTEM"


def searched_numbers(phone_number: str) -> list[str]:
    """The numbers lead_search prints a row for: the comma-separated items of 6-18 characters,
    in order, repeats kept (VICIdial skips other items)."""
    return [item for item in phone_number.split(",") if 5 < len(item) < 19]


def parse_lead_search(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """One row per number searched, always; ``NO MATCHES FOUND`` becomes the rows VICIdial
    prints for numbers without a lead when another one matches: ``records_found`` 0,
    ``lead_ids`` empty."""
    reply = parse_reply(general(spec), text, params=params)
    if reply.result != "ERROR" or reply.generic or reply.message != LEAD_SEARCH_NO_MATCHES:
        return reply
    rows: list[dict[str, Any]] = [
        {"search_key": number, "records_found": 0, "lead_ids": []}
        for number in searched_numbers(params.get("phone_number", ""))
    ]
    return ParsedReply("SUCCESS", None, rows, reply.notices, None)


# --- lead_status_search ------------------------------------------------------------------------

RECORD_START = ";---------- START OF RECORD {n} ----------"
RECORD_LINE = "{name} => {value}"
_LABEL = re.compile(r"[A-Za-z0-9_]+")


def parse_lead_status_search(
    spec: FunctionSpec, text: str, params: Mapping[str, str]
) -> ParsedReply:
    """A list of records, one object per lead (the standard columns, then custom fields).

    Records of exactly the standard lines (and, when asked for, whole custom-field lines), every
    value fitting its type, take :func:`_plain_records`, and each other record is read alone by
    the general reader; a reply with a record it refuses is read line by line by the general
    reader below, the reference (``tests/test_fastpath.py`` proves them equal;
    :func:`~gateway.catalog.parser.row_paths` switches the fast path off and counts records).
    """
    if not text.startswith(RECORD_START.format(n=1) + "\n"):
        return status_reply(spec, text, params)
    custom = params.get("custom_fields") == "Y"
    paths = _PATHS.get()
    if paths is None or paths.fast:
        read = _plain_records(spec, text, custom=custom)
        if read is not None:
            if paths is not None:
                paths.plain += len(read[0]) - read[1]
                paths.searched += read[1]
            return _success(read[0])
    lines = _lines(text, "lead_status_search records")
    records: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        n = len(records) + 1
        if lines[i] != RECORD_START.format(n=n):
            raise ReplyShapeError(f"record {n} expected", lines[i])
        values, i = _record(lines, i + 1, RECORD_START.format(n=n + 1), custom=custom)
        records.append({key: typed(spec, key, value) for key, value in values.items()})
    if paths is not None:
        paths.searched += len(records)
    return _success(records)


def _record(
    lines: Sequence[str], i: int, next_start: str, *, custom: bool
) -> tuple[dict[str, str], int]:
    """One record's ``name => value`` pairs, from line i up to the next record's first line."""
    values: dict[str, str] = {}
    last = ""
    while i < len(lines) and lines[i] != next_start:
        line = lines[i]
        i += 1
        if len(values) < len(LEAD_COLUMNS):
            key = LEAD_COLUMNS[len(values)]
            if line.startswith(key + " => "):
                values[key] = line[len(key) + 4 :]
                last = key
                continue
        elif custom:
            label, sep, value = line.partition(" => ")
            # Custom values have LFs replaced by "!N": a label line is always whole.
            if sep and _LABEL.fullmatch(label) and label not in values:
                values[label] = value
                last = label
                continue
        if last in FREE_TEXT_COLUMNS:
            values[last] += "\n" + line  # a LF inside a free-text value
            continue
        raise ReplyShapeError("unexpected line in a lead_status_search record", line)
    if len(values) < len(LEAD_COLUMNS):
        raise ReplyShapeError("lead_status_search record with missing fields", "\n".join(lines))
    return values, i


# The fast path: one regex match per record of exactly the standard lines. With every line the
# next column's, in order, the general reader (which takes a line as the next column whenever it
# starts with that column's name) splits the record the same way: no LF inside a value, nothing
# to continue. A record it cannot settle (a LF inside a value, a missing or extra line, a value
# that is not of its type, a custom line not whole) is read alone by the general reader; a
# record that reader refuses sends the whole reply to it, so the errors are always its own.
_RECORD_HEAD, _RECORD_TAIL = RECORD_START.split("{n}")
_PLAIN_RECORD = re.compile(
    re.escape(_RECORD_HEAD)
    + "([0-9]+)"
    + re.escape(_RECORD_TAIL + "\n")
    + "".join(re.escape(RECORD_LINE.format(name=n, value="")) + "([^\n]*)\n" for n in LEAD_COLUMNS)
)


def _plain_records(
    spec: FunctionSpec, text: str, *, custom: bool
) -> tuple[list[dict[str, Any]], int] | None:
    """Every record of the reply as the general reader gives them, and how many of them were
    not plain. A record that is not plain (a LF inside a free-text value, a value of another
    type...) is read alone by the general reader (:func:`_one_record`), the others stay on the
    fast path; None when that reader refuses one (the general reader then reads the whole
    reply, and gives the error)."""
    if not text.endswith("\n"):
        return None
    read = _record_reader(spec)
    match = _PLAIN_RECORD.match
    records: list[dict[str, Any]] = []
    searched = 0
    pos, end = 0, len(text)
    while pos < end:
        n = len(records) + 1
        try:
            m = match(text, pos)
            if m is None or m[1] != str(n):
                raise Misfit("record")
            record = read(m.groups()[1:])
            after = m.end()
            if custom:
                after = _plain_custom_fields(spec, text, after, n + 1, record)
        except (Misfit, ReplyShapeError):
            alone = _one_record(spec, text, pos, n, custom=custom)
            if alone is None:
                return None
            record, after = alone
            searched += 1
        records.append(record)
        pos = after
    return records, searched


def _one_record(
    spec: FunctionSpec, text: str, pos: int, n: int, *, custom: bool
) -> tuple[dict[str, Any], int] | None:
    """Record ``n``, starting at ``pos``, read by the general reader (:func:`_record`) from its
    own lines: those up to the first line that starts record n + 1, where the general reader
    stops too. The record and the position after it; None when the reader refuses it."""
    start = RECORD_START.format(n=n) + "\n"
    if not text.startswith(start, pos):
        return None
    body = pos + len(start)
    next_start = RECORD_START.format(n=n + 1)
    cut = text.find("\n" + next_start + "\n", body - 1)
    stop = len(text) - 1 if cut < 0 else cut  # the reply ends with a LF
    lines = text[body:stop].split("\n") if stop >= body else []
    try:
        values, _ = _record(lines, 0, next_start, custom=custom)
        record = {key: typed(spec, key, value) for key, value in values.items()}
    except ReplyShapeError:
        return None
    return record, len(text) if cut < 0 else cut + 1


def _plain_custom_fields(
    spec: FunctionSpec, text: str, pos: int, next_n: int, record: dict[str, Any]
) -> int:
    """The custom-field lines from ``pos`` up to the next record (or the end), added to
    ``record``; the position after them. :class:`Misfit` for any line the general reader would
    not take as a new custom field."""
    next_start = RECORD_START.format(n=next_n) + "\n"
    end = len(text)
    while pos < end and not text.startswith(next_start, pos):
        eol = text.index("\n", pos)  # the reply ends with a LF (the regex matched one)
        label, sep, value = text[pos:eol].partition(" => ")
        if not sep or _LABEL.fullmatch(label) is None or label in record:
            raise Misfit(label)
        record[label] = typed(spec, label, value)
        pos = eol + 1
    return pos


def _record_reader(spec: FunctionSpec) -> RowReader:
    """A plain record's standard fields (in :data:`LEAD_COLUMNS` order) to its values (see
    :func:`record_typed_columns`). Made once per spec."""
    return derived(
        spec,
        "leads_shapes.record_reader",
        lambda: row_reader(LEAD_COLUMNS, record_typed_columns(spec)),
    )


def record_typed_columns(spec: FunctionSpec) -> tuple[tuple[int, Converter], ...]:
    """(position in :data:`LEAD_COLUMNS`, converter) of the standard columns :func:`typed` does
    not return as text; each converter gives :func:`typed`'s value or raises :class:`Misfit`."""
    typed_columns: list[tuple[int, Converter]] = []
    for i, name in enumerate(LEAD_COLUMNS):
        convert = _plain_converter(field_type(name, spec.field_types), name)
        if convert is not None:
            typed_columns.append((i, convert))
    return tuple(typed_columns)


def _plain_converter(kind: FieldType, name: str) -> Converter | None:
    """What :func:`typed` does for ``kind`` ("" is None for every kind), with :class:`Misfit`
    where it would raise; None for the kinds it returns as text."""
    if kind == "int":

        def to_int(text: str) -> int | None:
            if text.isdigit() and text.isascii():
                return int(text)
            if text == "":
                return None
            if _INT.fullmatch(text) is None:
                raise Misfit(name)
            return int(text)

        return to_int
    if kind == "decimal":

        def to_float(text: str) -> float | None:
            if text == "":
                return None
            if _DECIMAL.fullmatch(text) is None:
                raise Misfit(name)
            return float(text)

        return to_float
    shape = _FORMATS.get(kind)
    if shape is None:
        return None
    zero = ZERO_DATES.get(kind)
    fits = shape.fullmatch

    def to_date(text: str) -> str | None:
        if text == "" or text == zero:  # MySQL's zero date fits the shape: null, as typed() has it
            return None
        if fits(text) is None:
            raise Misfit(name)
        return text

    return to_date


# --- batch_update_lead -------------------------------------------------------------------------


def parse_batch_update_lead(
    spec: FunctionSpec, text: str, params: Mapping[str, str]
) -> ParsedReply:
    """The status line with ``lead_ids`` as a list; empty: found, but no field to change."""
    if text == "":
        return _success(None)
    reply = status_reply(spec, text, params)
    data = reply.data
    if isinstance(data, dict) and isinstance(data.get("lead_ids"), str):
        ids = data["lead_ids"].split(",")
        if not all(ids):
            raise ReplyShapeError("lead_ids is not a comma-separated list", data["lead_ids"])
        reply = dataclasses.replace(reply, data={**data, "lead_ids": ids})
    return reply


# --- sounds_list -------------------------------------------------------------------------------

# format=tab: the 0-based position in the sorted list, the file, its date (PHP prints a "."
# after the seconds), its size and its mtime.
SOUNDS_TAB_LINE = "{index}\t{filename}\t{date}.\t{size}\t{epoch}"
SOUNDS_LINK_LINE = '<a href="{url}">{filename}</a><br>'
_SOUND_TAB = re.compile(
    r"(?P<index>[0-9]+)\t(?P<filename>[^\t]+\.(?:wav|gsm))\t"
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})\.\t"
    r"(?P<size>[0-9]+)\t(?P<epoch>[0-9]+)"
)
_SOUND_LINK = re.compile(r'<a href="(?P<url>[^"]*)">(?P<filename>.+\.(?:wav|gsm))</a><br>')


def parse_sounds_list(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """Tab rows: ``[{index, filename, date, size, epoch}]``; links: ``[{filename, url}]``."""
    if text == "":
        return _success([])  # no file in the store
    first = text.split("\n", 1)[0]
    if _SOUND_TAB.fullmatch(first):
        return _success(_sound_rows(_lines(text, "sounds_list rows")))
    if _SOUND_LINK.fullmatch(first):
        return _success(_sound_links(_lines(text, "sounds_list links")))
    return status_reply(spec, text, params)


def _sound_rows(lines: Sequence[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    last = -1
    for line in lines:
        m = _SOUND_TAB.fullmatch(line)
        # Positions rise; a file whose size changed while listing is skipped (a gap).
        if m is None or int(m["index"]) <= last:
            raise ReplyShapeError("unexpected sounds_list row", line)
        last = int(m["index"])
        out.append(
            {
                "index": last,
                "filename": m["filename"],
                "date": m["date"],
                "size": int(m["size"]),
                "epoch": int(m["epoch"]),
            }
        )
    return out


def _sound_links(lines: Sequence[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for line in lines:
        m = _SOUND_LINK.fullmatch(line)
        if m is None or not m["url"].endswith("/" + m["filename"]):
            raise ReplyShapeError("unexpected sounds_list link", line)
        out.append({"filename": m["filename"], "url": m["url"]})
    return out


# --- the HTML pickers --------------------------------------------------------------------------

PICKER_HEAD = (
    "\n"
    "<HTML><head><title>NON-AGENT API</title>\n"
    '<script language="Javascript">\n'
    "function choose_file(filename,fieldname)\n"
    "\t{\n"
    "\tif (filename.length > 0)\n"
    "\t\t{\n"
    "\t\tparent.document.getElementById(fieldname).value = filename;\n"
    "\t\tdocument.getElementById(\"selectframe\").innerHTML = '';\n"
    "\t\tdocument.getElementById(\"selectframe\").style.visibility = 'hidden';\n"
    "\t\tparent.close_chooser();\n"
    "\t\t}\n"
    "\t}\n"
    "function close_file()\n"
    "\t{\n"
    "\tdocument.getElementById(\"selectframe\").innerHTML = '';\n"
    "\tdocument.getElementById(\"selectframe\").style.visibility = 'hidden';\n"
    "\tparent.close_chooser();\n"
    "\t}\n"
    "</script>\n"
    "</head>\n"
    "\n"
    "<body>\n"
    '<a href="javascript:close_file();"><font size=1 face="Arial,Helvetica">'
    "close frame</font></a>\n"
    "<div id='selectframe' style=\"height:400px;width:710px;overflow:scroll;\">\n"
    "<table border=0 cellpadding=1 cellspacing=2 width=690 bgcolor=white><tr>\n"
)
PICKER_END = "</table></div></body></HTML>\n"
_FONT = '<font size=2 face="Arial,Helvetica">'

# The first two lines of every row: its number (rows alternate two colours) and the id link.
ROW_NUMBER = Template(
    '<tr bgcolor="{bg}"><td width=30><font size=1 face="Arial,Helvetica">{n}</td>'
)
ROW_CHOOSE = Template(
    "<td colspan=2><a href=\"javascript:choose_file('{id}','{comments*}');\">"
    + _FONT
    + "{id_text*}</a></td>"
)


def row_color(n: int) -> str:
    """The background of row n (1-based): odd rows are darker."""
    return "#E6E6E6" if n % 2 else "#F6F6F6"


def _cell(name: str, end: str = "</td>") -> Template:
    return Template("<td>" + _FONT + "{" + name + "*}" + end)


@dataclass(frozen=True)
class Picker:
    """One HTML picker: its header cells, the rest of a row, and the JSON keys of a row."""

    id_key: str  # the JSON name of the row's id
    title: str  # the id column's title ({type}: container_list's type)
    columns: tuple[str, ...]  # the other column titles
    lines: tuple[Template, ...]  # the row's lines after ROW_NUMBER and ROW_CHOOSE
    fields: tuple[str, ...]  # template fields returned, in order (same JSON name)
    # vm_list numbers the voicemail boxes and then the phones from 1 each (two sections).
    restarts: bool = False
    # moh_list: the second line pair of a row repeats the colour and lists the files.
    convert: Callable[[dict[str, str]], dict[str, Any]] | None = None

    def header(self, params: Mapping[str, str]) -> list[str]:
        title = self.title.replace("{type}", params.get("type", ""))
        cells = [f"<td>{c}</td>" for c in self.columns]
        return ["<td width=30>#</td>", f"<td colspan=2>{title}</td>", *cells, "</tr>"]


MOH_FILE_SEP = " &nbsp; "


def _moh_files(values: dict[str, str]) -> dict[str, Any]:
    files = values["files"]
    if values["bg2"] != values["bg"] or (files and not files.endswith(MOH_FILE_SEP)):
        raise ReplyShapeError("unexpected moh_list files row", files)
    return {"files": files.split(MOH_FILE_SEP)[:-1]}


PICKERS: Mapping[str, Picker] = {
    "moh_list": Picker(
        "moh_id",
        "Music On Hold Class",
        ("Name", "Random"),
        (
            _cell("moh_name"),
            _cell("random", "</td></tr>"),
            Template(
                '<tr bgcolor="{bg2}"><td colspan=2 width=100>'
                '<font size=1 face="Arial,Helvetica">&nbsp;</td>'
            ),
            Template(
                "<td colspan=3 width=590>" + _FONT + "Files: </font>"
                '<font size=1 face="Arial,Helvetica">{files*}</td></tr>'
            ),
        ),
        ("moh_name", "random"),
        convert=_moh_files,
    ),
    "vm_list": Picker(
        "voicemail_id",
        "Voicemail Boxes",
        ("Name", "Email"),
        (_cell("name"), _cell("email", "</td></tr>")),
        ("name", "email"),
        restarts=True,
    ),
    "ingroup_list": Picker(
        "group_id",
        "Inbound Groups",
        ("Name", "Color"),
        (
            _cell("group_name"),
            Template(
                '<td bgcolor="{group_color*}">' + _FONT + " &nbsp; &nbsp; &nbsp; &nbsp; </td></tr>"
            ),
        ),
        ("group_name", "group_color"),
    ),
    "callmenu_list": Picker(
        "menu_id",
        "Call Menus",
        ("Name",),
        (_cell("menu_name", "</td></tr>"),),
        ("menu_name",),
    ),
    "container_list": Picker(
        "container_id",
        "Settings Containers: <br>{type} type",
        ("Container Notes",),
        (_cell("container_notes", "</td></tr>"),),
        ("container_notes",),
    ),
}


def parse_picker(spec: FunctionSpec, text: str, params: Mapping[str, str]) -> ParsedReply:
    """The rows of an HTML picker as a list of objects (``[]`` when the table is empty)."""
    picker = PICKERS[spec.name]
    if not text.startswith(PICKER_HEAD):
        return status_reply(spec, text, params)
    if not text.endswith(PICKER_END):
        raise ReplyShapeError(f"{spec.name} page does not end as expected", text[-200:])
    lines = text[len(PICKER_HEAD) : len(text) - len(PICKER_END)].split("\n")
    header = picker.header(params)
    if lines[: len(header)] != header or lines[-1] != "":
        raise ReplyShapeError(f"unexpected {spec.name} table header", "\n".join(lines[:5]))
    rows = lines[len(header) : -1]
    size = 2 + len(picker.lines)
    if len(rows) % size:
        raise ReplyShapeError(f"incomplete {spec.name} row", "\n".join(rows[-size:]))
    out: list[dict[str, Any]] = []
    previous, sections = 0, 1
    for start in range(0, len(rows), size):
        values = _picker_row(picker, rows[start : start + size], params)
        n = int(values["n"])
        if picker.restarts and n == 1 and previous > 0 and sections == 1:
            sections = 2
        elif n != previous + 1:
            raise ReplyShapeError(f"{spec.name} rows out of order", rows[start])
        previous = n
        item: dict[str, Any] = {picker.id_key: values["id"]}
        item.update({name: values[name] or None for name in picker.fields})
        if picker.convert is not None:
            item.update(picker.convert(values))
        out.append(item)
    return _success(out)


def _picker_row(picker: Picker, lines: Sequence[str], params: Mapping[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for template, line in zip((ROW_NUMBER, ROW_CHOOSE, *picker.lines), lines, strict=True):
        m = template.regex().fullmatch(line)
        if m is None:
            raise ReplyShapeError("unexpected picker row line", line)
        values.update(m.groupdict())
    valid = (
        values["n"].isdigit()
        and values["bg"] == row_color(int(values["n"]))
        and values["id"] == values["id_text"]
        and values["id"] != ""
        and values["comments"] == params.get("comments", "")
    )
    if not valid:
        raise ReplyShapeError("inconsistent picker row", "\n".join(lines))
    return values


# --- agent_ingroup_info ------------------------------------------------------------------------

# stage=text: the reason text is empty, hence two spaces after "SUCCESS:". Not a catalog
# template (those all have a reason text); the block ends with an empty line.
AIG_TEXT_SUCCESS = Template("SUCCESS:  - {agent_user}|{stage}")
AIG_TEXT_LABELS = ("SELECTED INGROUPS", "OUTBOUND AUTODIAL", "MANAGER OVERRIDE", "MANAGER")

# The HTML views (stage=change with the change_agent_campaign permission, else the info table).
AIG_OPEN = '<TABLE WIDTH=680 CELLPADDING=0 CELLSPACING=5 BGCOLOR="#D9E6FE"><TR><TD ALIGN=LEFT>'
AIG_AGENT = "Agent: {agent_user} - {full_name} </TD><TD>"
AIG_CAMPAIGN = " &nbsp; Campaign: {campaign_id}</TD><TD>"
AIG_CLOSE = (
    '<a href="#" onclick="hide_ingroup_info();">Close</a></TD></TR>'
    '<TR><TD COLSPAN=3 BGCOLOR="#CCCCFF">'
)
AIG_TABLE = "<TABLE CELLPADDING=0 CELLSPACING=3 BORDER=0>"
AIG_END = "</TD></TR></TABLE>"
# info view
AIG_INFO_GROUP = "<TR><TD>{group_id}{mark}</TD><TD>{group_name}</TD></TR>"
AIG_INFO_NO_GROUPS = "<TR><TD>No In-Groups Allowed</TD></TR>"
AIG_INFO_TABLE_END = "</TABLE><BR>"
AIG_INFO_LINE = "{label}: {value}<BR>"
# change view
AIG_ON_HOOK = (
    "<TR><TD ALIGN=CENTER VALIGN=TOP COLSPAN=2><B>This is a Phone On-Hook Agent</B> &nbsp; "
    "Maximum Ring Time:  {ring_time}</TD></TR>"
)
AIG_SELECTED_OPEN = (
    "<TR><TD ALIGN=RIGHT VALIGN=TOP>Selected In-Groups: </TD><TD ALIGN=LEFT>",
    '<INPUT TYPE=HIDDEN NAME=agent_user ID=agent_user value="{agent_user}">',
    "<SELECT SIZE=10 NAME=ingroup_new_selections ID=ingroup_new_selections multiple>",
)
AIG_OPTION = '<option value="{group_id}"{selected}>{group_id} - {group_name}</option>'
AIG_NO_OPTION = '<option value="">No In-Groups Allowed</option>'
AIG_SELECTED_CLOSE = "</SELECT><BR></TD></TR>"
AIG_CHANGE_BLOCK = (
    "<TR><TD ALIGN=RIGHT>Change, Add, Remove:",
    "</TD><TD ALIGN=LEFT>",
    "<SELECT SIZE=1 NAME=ingroup_add_remove_change ID=ingroup_add_remove_change>",
    '<option value="CHANGE">CHANGE - Set in-groups to those selected above</option>',
    '<option value="ADD">ADD - Add in-groups selected above to agent selected</option>',
    '<option value="REMOVE">REMOVE - Remove in-groups selected above from agent selected</option>',
    "</SELECT>",
    "</TD></TR>",
)
AIG_BLENDED = (
    "<TR><TD ALIGN=RIGHT>Blended Outbound Autodial:",
    "</TD><TD ALIGN=LEFT>",
    "<SELECT SIZE=1 NAME=blended ID=blended{disabled}>",
    '<option value="YES"{yes}>Yes</option>',
    '<option value="NO"{no}>No</option>',
    "</SELECT>",
    "</TD></TR>",
)
AIG_DEFAULT = (
    "<TR><TD ALIGN=RIGHT>Set As User Default:",
    "</TD><TD ALIGN=LEFT>",
    "<SELECT SIZE=1 NAME=set_as_default ID=set_as_default{disabled}>",
    '<option value="YES">Yes</option>',
    '<option value="NO" SELECTED>No</option>',
    "</SELECT>",
    "</TD></TR>",
)
AIG_MANAGER = (
    "<TR><TD ALIGN=RIGHT>Manager In-Group Override:",
    "</TD><TD ALIGN=LEFT>",
    "{manager_ingroup_set} - {manager} - {manager_name}",
    "</TD></TR>",
)
AIG_SUBMIT = (
    "<TR><TD ALIGN=CENTER COLSPAN=2>",
    '<INPUT TYPE=BUTTON NAME=SUBMIT ID=SUBMIT VALUE="Submit Changes" '
    "onclick=\"submit_ingroup_changes('{agent_user}')\">",
    "</TD></TR>",
    "</TABLE>",
)
SELECTED = " SELECTED"
DISABLED = " DISABLED"

_AGENT = re.compile(r"Agent: (?P<agent_user>\S*) - (?P<full_name>.*) </TD><TD>")
_CAMPAIGN = re.compile(r" &nbsp; Campaign: (?P<campaign_id>.*)</TD><TD>")
_INFO_GROUP = re.compile(
    r"<TR><TD>(?P<group_id>[^ <]+)(?P<mark> \*)?</TD><TD>(?P<name>.*)</TD></TR>"
)
_ON_HOOK = re.compile(re.escape(AIG_ON_HOOK.split("{", 1)[0]) + r"(?P<ring_time>[0-9]*)</TD></TR>")
_OPTION = re.compile(
    r'<option value="(?P<group_id>[^" ]+)"(?P<selected> SELECTED)?>'
    r"(?P<group_text>[^ ]+) - (?P<name>.*)</option>"
)
_BLENDED_SELECT = re.compile(r"<SELECT SIZE=1 NAME=blended ID=blended(?P<disabled> DISABLED)?>")
_BLENDED_YES = re.compile(r'<option value="YES"(?P<selected> SELECTED)?>Yes</option>')
_BLENDED_NO = re.compile(r'<option value="NO"(?P<selected> SELECTED)?>No</option>')
_DEFAULT_SELECT = re.compile(
    r"<SELECT SIZE=1 NAME=set_as_default ID=set_as_default(?P<disabled> DISABLED)?>"
)


def selected_groups(closer_campaigns: str) -> list[str]:
    """The in-group ids of a stored list like `` SALESLINE SUPPORT -``."""
    return [g for g in closer_campaigns.split(" ") if g and g != "-"]


def parse_agent_ingroup_info(
    spec: FunctionSpec, text: str, params: Mapping[str, str]
) -> ParsedReply:
    """One object; ``view`` says which output VICIdial gave (text, info or change)."""
    if text.startswith("SUCCESS:  - "):
        return _success(_aig_text(text))
    if text.startswith(AIG_OPEN + "\n"):
        cursor = _Cursor(_lines(text, "agent_ingroup_info"), "agent_ingroup_info")
        return _success(_aig_html(cursor))
    return status_reply(spec, text, params)


def _aig_text(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    if len(lines) != 7 or lines[5:] != ["", ""]:
        raise ReplyShapeError("unexpected agent_ingroup_info text block", text)
    m = AIG_TEXT_SUCCESS.regex().fullmatch(lines[0])
    if m is None or m["stage"] != "text":
        raise ReplyShapeError("unexpected agent_ingroup_info text block", lines[0])
    values: list[str] = []
    for label, line in zip(AIG_TEXT_LABELS, lines[1:5], strict=True):
        if not line.startswith(label + ": "):
            raise ReplyShapeError("unexpected agent_ingroup_info text line", line)
        values.append(line[len(label) + 2 :])
    return {
        "view": "text",
        "agent_user": m["agent_user"],
        "selected_ingroups": selected_groups(values[0]),
        "outbound_autodial": values[1] or None,
        "manager_ingroup_set": values[2] or None,
        "manager": values[3] or None,
    }


def _aig_html(cursor: _Cursor) -> dict[str, Any]:
    cursor.expect(AIG_OPEN)
    agent = cursor.match(_AGENT)
    campaign = cursor.match(_CAMPAIGN)
    cursor.expect(AIG_CLOSE, AIG_TABLE)
    out: dict[str, Any] = {
        "view": "info",
        "agent_user": agent["agent_user"],
        "full_name": agent["full_name"] or None,
        "campaign_id": campaign["campaign_id"] or None,
    }
    following = cursor.peek() or ""
    if following == AIG_SELECTED_OPEN[0] or following.startswith(AIG_ON_HOOK[:40]):
        out.update(_aig_change(cursor, agent["agent_user"]))
    else:
        out.update(_aig_info(cursor))
    cursor.expect(AIG_END)
    cursor.done()
    return out


def _aig_info(cursor: _Cursor) -> dict[str, Any]:
    groups: list[dict[str, Any]] = []
    while cursor.peek() != AIG_INFO_TABLE_END:
        line = cursor.take()
        if line == AIG_INFO_NO_GROUPS and not groups and cursor.peek() == AIG_INFO_TABLE_END:
            break
        m = _INFO_GROUP.fullmatch(line)
        if m is None:
            raise ReplyShapeError("unexpected agent_ingroup_info in-group line", line)
        groups.append(
            {
                "group_id": m["group_id"],
                "group_name": m["name"] or None,
                "selected": bool(m["mark"]),
            }
        )
    cursor.expect(AIG_INFO_TABLE_END)
    values = []
    for label in AIG_TEXT_LABELS:
        line = cursor.take()
        prefix = label + ": "
        if not (line.startswith(prefix) and line.endswith("<BR>")):
            raise ReplyShapeError("unexpected agent_ingroup_info info line", line)
        values.append(line[len(prefix) : -len("<BR>")])
    cursor.expect("")
    return {
        "ingroups": groups,
        "selected_ingroups": selected_groups(values[0]),
        "outbound_autodial": values[1] or None,
        "manager_ingroup_set": values[2] or None,
        "manager": values[3] or None,
    }


def _aig_change(cursor: _Cursor, agent_user: str) -> dict[str, Any]:
    out: dict[str, Any] = {"view": "change", "on_hook_agent": False, "on_hook_ring_time": None}
    if cursor.peek() != AIG_SELECTED_OPEN[0]:
        ring = cursor.match(_ON_HOOK)["ring_time"]
        out.update(on_hook_agent=True, on_hook_ring_time=int(ring) if ring else None)
    cursor.expect(*(line.format(agent_user=agent_user) for line in AIG_SELECTED_OPEN))
    out["ingroups"] = _aig_options(cursor)
    cursor.expect(AIG_SELECTED_CLOSE, *AIG_CHANGE_BLOCK, *AIG_BLENDED[:2])
    disabled = cursor.match(_BLENDED_SELECT)["disabled"] is not None
    yes = cursor.match(_BLENDED_YES)["selected"] is not None
    no = cursor.match(_BLENDED_NO)["selected"] is not None
    if yes and no:
        raise ReplyShapeError("both autodial options selected", "")
    cursor.expect(*AIG_BLENDED[5:], *AIG_DEFAULT[:2])
    out["outbound_autodial"] = "Y" if yes else "N" if no else None
    out["outbound_autodial_disabled"] = disabled
    out["set_as_default_disabled"] = cursor.match(_DEFAULT_SELECT)["disabled"] is not None
    cursor.expect(*AIG_DEFAULT[3:])
    out.update(manager_ingroup_set=None, manager=None, manager_name=None)
    if cursor.peek() == AIG_MANAGER[0]:
        cursor.expect(*AIG_MANAGER[:2])
        line = cursor.take()
        parts = line.split(" - ", 2)
        if len(parts) != 3 or parts[0] not in ("SET", "Y"):
            raise ReplyShapeError("unexpected manager override line", line)
        out.update(manager_ingroup_set=parts[0], manager=parts[1] or None)
        out["manager_name"] = parts[2] or None
        cursor.expect(AIG_MANAGER[3])
    cursor.expect(*(line.format(agent_user=agent_user) for line in AIG_SUBMIT))
    return out


def _aig_options(cursor: _Cursor) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    while cursor.peek() != AIG_SELECTED_CLOSE:
        line = cursor.take()
        if line == AIG_NO_OPTION and not groups and cursor.peek() == AIG_SELECTED_CLOSE:
            break
        m = _OPTION.fullmatch(line)
        if m is None or m["group_id"] != m["group_text"]:
            raise ReplyShapeError("unexpected agent_ingroup_info in-group option", line)
        groups.append(
            {
                "group_id": m["group_id"],
                "group_name": m["name"] or None,
                "selected": m["selected"] is not None,
            }
        )
    return groups
