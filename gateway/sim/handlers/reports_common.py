"""What the simulated report functions share: filtered parameters, delimiters, scoping, PHP math.

The report functions print rows joined by the ``stage`` delimiter, after an optional header row,
and several of them compute with PHP's loose numbers (``round`` half away from zero, a float
echoed as ``40`` or ``16.7``, ``sec_convert``'s ``h:mm:ss``): those rules live here once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from ..clock import php_number
from ..params import WORD, Filter, keep
from .base import Ctx, Out, delimiter

# Parameters other areas read too (add_user in_groups; add_phone/update_phone/add_did extension):
# filtered here from the raw value rather than registered, so the areas cannot clash on them.
_LOCAL_FILTERS: Mapping[str, Filter] = {
    "in_groups": keep("-|,_0-9a-zA-Z"),
    "extension": WORD,  # [-_0-9a-zA-Z], then [-*#.:/@_0-9a-zA-Z]: the first one wins
}


def param(ctx: Ctx, name: str) -> str:
    """A filtered parameter, also for the names this module filters itself."""
    flt = _LOCAL_FILTERS.get(name)
    if flt is None:
        return ctx.p(name)
    raw = ctx.params.raw(name)
    return "" if raw is None else flt(raw)


def stage_delimiter(ctx: Ctx) -> str:
    return delimiter(ctx.p("stage"))


def write_rows(ctx: Ctx, out: Out, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """The header row (with ``header=YES``) and the rows, joined by the stage delimiter."""
    dl = stage_delimiter(ctx)
    if ctx.p("header") == "YES":
        out.line(dl.join(header))
    for row in rows:
        out.line(dl.join(map(str, row)))


def viewable_groups(ctx: Ctx) -> frozenset[str] | None:
    """User groups the API user's group may see (admin_viewable_groups), None for all."""
    return ctx.state.user_group_of(ctx.user).viewable_groups()


def allowed_campaigns(ctx: Ctx) -> frozenset[str] | None:
    """Campaigns the API user's group may see (allowed_campaigns), None for all."""
    return ctx.state.user_group_of(ctx.user).campaign_filter()


def matches(pattern: str, text: str) -> bool:
    """``preg_match("/pattern/i", text)``."""
    return re.search(pattern, text, re.IGNORECASE) is not None


# --- PHP numbers ---------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def php_round(value: float, digits: int = 0) -> float:
    """PHP ``round()``: half away from zero, on the shortest decimal form of the value."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def php_leading_number(value: object) -> float:
    """A PHP value used in arithmetic: a string counts by its leading number ("1:09:25" is 1)."""
    if value is None:
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    m = _LEADING_NUMBER.match(str(value))
    return float(m.group(0)) if m else 0.0


def zero_div(dividend: float, divisor: float) -> float:
    """VICIdial's MathZDC(): 0 when dividing by zero."""
    if divisor == 0 or dividend == 0:
        return 0.0
    return dividend / divisor


def sec_convert(seconds: float, precision: str) -> str:
    """VICIdial's sec_convert(): ``h:mm:ss`` (H, HF), ``m:ss`` (M), else plain seconds."""
    sec = php_round(seconds)
    if sec < 1:
        if precision in ("HF", "H"):
            return "0:00:00"
        return "0" if precision == "S" else "0:00"
    whole = int(sec)
    if precision in ("HF", "H"):
        hours, rest = divmod(whole, 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if precision == "M":
        return f"{whole // 60}:{whole % 60:02d}"
    return php_number(sec)
