"""What every simulated function shares: its context, its output buffer, and catalog rendering.

Reply lines are rendered from the catalog's templates (:mod:`gateway.catalog`), the same ones the
gateway's parser matches, so the simulator cannot drift from the parser on wording. Facts the
catalog does not carry (header quirks, delimiters) live in the handlers themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from gateway.catalog import CATALOG, Template
from gateway.catalog.spec import Result

from ..model import SimUser
from ..params import Params
from ..state import SimState


class Out:
    """The reply body being built; PHP ``echo`` calls, in order."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        # Reply headers a function sets itself (call_dispo_report: text/plain, attachments).
        self.headers: dict[str, str] = {}

    def line(self, text: str) -> None:
        """One LF-terminated line."""
        self._parts.append(text + "\n")

    def raw(self, text: str) -> None:
        """Text without a line end (VICIdial's unterminated debug prints)."""
        self._parts.append(text)

    def text(self) -> str:
        return "".join(self._parts)


@dataclass
class Ctx:
    """One authenticated call: the server, the filtered parameters and the API user."""

    state: SimState
    params: Params
    user: SimUser
    function: str

    def p(self, name: str) -> str:
        """A filtered parameter value ("" when absent)."""
        return self.params.get(name)

    @property
    def user_name(self) -> str:
        return self.user.user


@cache
def template(
    function: str, message: str, result: Result | None = None, fields: int | None = None
) -> Template:
    """The catalog template with this reason text (and field count, where variants share it)."""
    for t in CATALOG[function].templates:
        if t.message != message or (result is not None and t.result != result):
            continue
        if fields is None or len(t.fields) == fields:
            return t
    raise KeyError(f"{function}: no template {message!r} ({result}, {fields} fields)")


def render(
    function: str,
    message: str,
    values: Mapping[str, object],
    *,
    result: Result | None = None,
    fields: int | None = None,
) -> str:
    """A reply line (no LF) from the catalog; absent values print empty, as in PHP."""
    return template(function, message, result, fields).render(values)


def delimiter(stage: str, *, newline: bool = False) -> str:
    """The ``stage`` delimiter: exact, case-sensitive; anything else means a pipe."""
    options = {"csv": ",", "tab": "\t", "pipe": "|"}
    if newline:
        options["newline"] = "\n"
    return options.get(stage, "|")


def rows_columns(function: str) -> tuple[str, ...]:
    spec = CATALOG[function]
    assert spec.rows is not None, function
    return spec.rows.columns


Handler = Callable[[Ctx, Out], None]


@dataclass(frozen=True)
class FunctionImpl:
    """A simulated function and its standard checks (source, allowed functions, permission).

    ``permitted`` is the function's own permission query on ``vicidial_users``; when it fails
    the catalog line ``permission_message`` is printed with the count 0.
    """

    name: str
    run: Handler
    permitted: Callable[[SimUser], bool]
    permission_message: str
    needs_source: bool = True
