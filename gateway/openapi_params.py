"""JSON Schemas of request bodies, derived from the catalog's parameters and the policy's rules.

Used by :mod:`gateway.openapi`. A parameter's schema says what :func:`gateway.policy.build_params`
accepts for it: the JSON types it takes (strings always; integers where their digits pass the
checks; ``true``/``false`` for two-valued flags; arrays for list parameters), the length limit,
the choices, the characters VICIdial keeps (``Param.charset`` or the kind's default, as an
anchored ECMA-262 pattern), ``Param.pattern``, the characters refused everywhere (control and
invisible formatting characters, the backslash) and the quotes refused for every request
(``Param.sql`` uses without a condition). An app's ``allow``/``force`` rules narrow it further.

What JSON Schema cannot say is left to the gateway and named in the parameter's description:
quotes refused only together with other parameters (a conditional SQL use), values VICIdial
decodes a second time, the joined length of a list, ``--BLANK--`` with ``insert_if_not_found``.
Those schemas accept a little more than the gateway, never less: a client that validates with
them never refuses a value the gateway would take. A regex that only Python reads is left out
(and said so), for the same reason.
"""

from __future__ import annotations

import re
from typing import Any

from .catalog.spec import BARE_SAFE, FORWARD_UNSAFE, FunctionSpec, Param
from .config import ParamRule
from .policy import DEFAULT_CHARSETS, canonical

# The characters build_params refuses in every value (policy._FORBIDDEN_CHARS), as an ECMA-262
# class body. Lone surrogates are left out: without the "u" flag an ECMA regex sees every
# character outside the basic plane as two surrogates, so naming them would refuse emoji.
_FORBIDDEN = r"\x00-\x1f\x7f-\x9f\\\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_FORBIDDEN_MULTILINE = (
    r"\x00-\x09\x0b-\x1f\x7f-\x9f\\\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
)
# Python-only regex syntax (named groups, inline flags, \A \Z, 8-digit escapes, comments).
_PYTHON_ONLY = re.compile(r"\(\?P|\(\?[aiLmsux]|\\[AZU]|\(\?#")
# Integer bounds are given up to this many digits (beyond, JSON numbers lose precision anyway).
_MAX_BOUNDED_DIGITS = 15
_CASELESS = re.compile(r"\(\?i\)([0-9A-Za-z_]+)")


def ecma(regex: str) -> str | None:
    """``regex`` as an ECMA-262 pattern with the same meaning, or None when it has none."""
    m = _CASELESS.fullmatch(regex)
    if m is not None:  # "(?i)name": a literal in any case
        return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in m.group(1))
    return None if _PYTHON_ONLY.search(regex) else regex


def _anchored(regex: str) -> str:
    return f"^(?:{regex})$"


# Character checks are written as "no character of this class anywhere" (an unanchored search,
# read alike by every regex engine): "^[...]*$" would let a final LF through where "$" matches
# before it (Python's re, which jsonschema uses).
def _none_of(body: str) -> dict[str, Any]:
    """No character of the class body ``body``."""
    return {"not": {"pattern": f"[{body}]"}}


def _only(body: str) -> dict[str, Any]:
    """Only characters of the class body ``body`` (a policy charset, possibly negated)."""
    if body.startswith("^"):
        return _none_of(body[1:])
    return {"not": {"pattern": f"[^{body}]"}}


def _digits_pass(param: Param, value: str) -> bool:
    """Does the text of an integer pass the character and pattern checks?"""
    charset = param.charset or DEFAULT_CHARSETS[param.kind]
    if not re.fullmatch(f"[{charset}]*", value):
        return False
    return param.pattern is None or re.fullmatch(param.pattern, value) is not None


class ParamSchema:
    """The schema of one parameter, and whether it says exactly what the gateway accepts."""

    def __init__(self, spec: FunctionSpec, param: Param, rule: ParamRule | None, heavy_ok: bool):
        self.spec = spec
        self.param = param
        self.rule = rule
        self.heavy_ok = heavy_ok
        self.notes: list[str] = []
        self.exact = True

    def string(self) -> dict[str, Any]:
        """What a JSON string must be."""
        p = self.param
        forbidden = _FORBIDDEN_MULTILINE if p.multiline else _FORBIDDEN
        checks: list[dict[str, Any]] = [_none_of(forbidden)]
        charset = p.charset or DEFAULT_CHARSETS[p.kind]
        checks.append(_only(charset))
        if p.pattern is not None:
            pattern = ecma(p.pattern)
            if pattern is None:
                self.notes.append(f"must match the Python regex {p.pattern} (not shown here)")
                self.exact = False
            else:
                checks.append({"pattern": f"^(?:{pattern})?$"})
        checks += self._sql_checks()
        if p.forwarded:
            checks.append(_none_of(re.escape(FORWARD_UNSAFE)))
        if p.kind == "list":
            checks.append(self._no_empty_item())
        size: dict[str, Any] = {"maxLength": p.max_len}
        if p.choices is not None:
            size["enum"] = list(p.choices) + (
                [""] if not p.required and "" not in p.choices else []
            )
        if p.blank is not None:
            checks.append({"anyOf": [{"const": p.blank}, size]})
            if p.blank_kept is not None:
                other, _, values = p.blank_kept
                self.notes.append(
                    f"{p.blank} must also fit the length and choices when {other}="
                    f"{'/'.join(values)}"
                )
                self.exact = False
        else:
            checks.append(size)
        rule = self._rule_values()
        if rule is not None:
            checks.append({"enum": rule})
        if p.heavy and not self.heavy_ok:
            checks.append({"not": {"enum": list(p.heavy)}})
        schema: dict[str, Any] = {"type": "string", "allOf": checks}
        spellings = self._spellings()
        if spellings:
            self.exact = False
            return {"anyOf": [schema, *spellings]}
        return schema

    def _no_empty_item(self) -> dict[str, Any]:
        """A list's separator never starts or ends it, nor comes twice (an empty item)."""
        p = self.param
        if p.whole_items:  # items that hold the separator: not said in a pattern
            self.notes.append(f"has no empty item (a {p.list_sep!r} at the start, end or twice)")
            self.exact = False
            return {}
        sep = re.escape(p.list_sep)
        return {"not": {"pattern": f"^{sep}|{sep}{sep}|{sep}$"}}

    def _rule_values(self) -> list[str] | None:
        rule = self.rule
        if rule is None:
            return None
        if rule.force is not None:
            return [rule.force]
        return list(rule.allow) if rule.allow is not None else None

    def _sql_checks(self) -> list[dict[str, Any]]:
        p = self.param
        out: list[dict[str, Any]] = []
        if p.decoded_when is not None:
            self.notes.append(
                f"a value holding {p.decoded_when} is checked as VICIdial decodes it again"
            )
            self.exact = False
        if p.sql is None:
            out += [_none_of("'"), _none_of('"')]
            return out
        quotes: set[str] = set()
        bare = False
        for use in p.sql:
            if use.when is not None:
                other, test, values = use.when
                shown = "/".join(values) if values else "not empty"
                self.notes.append(
                    f"may not hold {use.quote} when {other} {test} {shown} ({use.what})"
                    if use.quote != "bare"
                    else f"must be a plain number, list or name when {other} {test} {shown}"
                )
                self.exact = False
            elif use.quote == "bare":
                bare = True
            else:
                quotes.add(use.quote)
        for quote in sorted(quotes):
            out.append(_none_of(quote))
        if bare:
            out.append(_only(BARE_SAFE.pattern[1:-2]))
        return out

    def _spellings(self) -> list[dict[str, Any]]:
        """Other spellings accepted (sent in the catalog's spelling): one pattern each."""
        out: list[dict[str, Any]] = []
        for regex, _sent in self.param.spellings:
            pattern = ecma(regex)
            if pattern is None:
                self.notes.append(f"also accepts values matching the Python regex {regex}")
                continue
            forbidden = _FORBIDDEN_MULTILINE if self.param.multiline else _FORBIDDEN
            out.append(
                {"type": "string", "allOf": [{"pattern": _anchored(pattern)}, _none_of(forbidden)]}
            )
        return out

    def integer(self) -> dict[str, Any] | None:
        """What a JSON integer must be (its digits are the value), or None when none passes."""
        p = self.param
        if not _digits_pass(p, "0123456789") or (
            p.pattern is not None and not all(_digits_pass(p, d) for d in ("1", "42", "123"))
        ):
            return self._few_integers()
        if p.pattern is not None:
            self.exact = False
        allowed: list[str] | None = list(p.choices) if p.choices is not None else None
        rule = self._rule_values()
        if rule is not None:
            allowed = rule if allowed is None else [v for v in allowed if v in rule]
        if allowed is not None:
            numbers = [int(v) for v in allowed if re.fullmatch(r"-?[1-9][0-9]*|0", v)]
            numbers = [n for n in numbers if _digits_pass(p, str(n))]
            # Small numbers another spelling turns into an allowed value (0 for N).
            numbers += [
                n
                for n in range(-99, 100)
                if n not in numbers
                and p.spellings
                and canonical(p, str(n)) != str(n)
                and canonical(p, str(n)) in [*allowed, *([""] if not p.required else [])]
            ]
            return {"type": "integer", "enum": numbers} if numbers else None
        schema: dict[str, Any] = {"type": "integer"}
        if p.max_len <= _MAX_BOUNDED_DIGITS:
            schema["maximum"] = 10**p.max_len - 1
            if _digits_pass(p, "-1"):
                schema["minimum"] = -(10 ** (p.max_len - 1) - 1)
        else:
            self.notes.append(f"an integer has at most {p.max_len} characters")
            self.exact = False
        if not _digits_pass(p, "-1"):
            schema["minimum"] = 0
        if p.heavy and not self.heavy_ok:
            schema["not"] = {"enum": [int(h) for h in p.heavy if h.isdigit()]}
        return schema

    def _few_integers(self) -> dict[str, Any] | None:
        """Where digits in general do not pass: the small numbers that do, as they are sent
        (after another spelling: 0 for N)."""
        p = self.param
        allowed = self._rule_values()
        choices = None if p.choices is None else [*p.choices, *([""] if not p.required else [])]
        numbers = []
        for n in range(-99, 100):
            value = canonical(p, str(n))
            if (
                len(value) <= p.max_len
                and _digits_pass(p, value)
                and (choices is None or value in choices)
                and (allowed is None or value in allowed)
            ):
                numbers.append(n)
        if numbers and len(numbers) < 199:
            return {"type": "integer", "enum": numbers}
        return None

    def boolean(self) -> dict[str, Any] | None:
        p = self.param
        if p.kind != "flag" or not p.choices or len(p.choices) < 2:
            return None
        rule = self._rule_values()
        values = [
            b
            for b, v in ((True, p.choices[0]), (False, p.choices[1]))
            if rule is None or canonical(p, v) in rule
        ]
        if not values:
            return None
        return {"type": "boolean"} if len(values) == 2 else {"const": values[0]}

    def array(self) -> dict[str, Any] | None:
        p = self.param
        if p.kind != "list":
            return None
        sep = re.escape(p.list_sep)
        whole = [{"const": w} for w in p.whole_items]
        no_sep: dict[str, Any] = {"type": "string", "minLength": 1, **_none_of(sep)}
        string_item = {"allOf": [self._item_checks(), {"anyOf": [no_sep, *whole]}]}
        self.notes.append(
            f"an array is joined with {p.list_sep!r}: the joined text is at most "
            f"{p.max_len} characters"
        )
        self.exact = False
        return {
            "type": "array",
            "minItems": 1,
            "items": {"anyOf": [string_item, {"type": "integer", "minimum": 0}]},
        }

    def _item_checks(self) -> dict[str, Any]:
        p = self.param
        forbidden = _FORBIDDEN_MULTILINE if p.multiline else _FORBIDDEN
        charset = p.charset or DEFAULT_CHARSETS[p.kind]
        return {
            "type": "string",
            "allOf": [_none_of(forbidden), _only(charset), *self._sql_checks()],
        }

    def schema(self) -> dict[str, Any]:
        p = self.param
        variants = [self.string()]
        for extra in (self.integer(), self.boolean(), self.array()):
            if extra is not None:
                variants.append(extra)
        out: dict[str, Any] = variants[0] if len(variants) == 1 else {"anyOf": variants}
        text = p.summary or p.name
        if p.kind == "flag" and p.choices and len(p.choices) >= 2:
            text += f" (true sends {p.choices[0]}, false {p.choices[1]})"
        if p.heavy:
            text += (
                f"; {', '.join(p.heavy)} is heavy on VICIdial's database and needs the app's "
                "allow_heavy"
            )
        if self.rule is not None and self.rule.force is not None:
            text += f"; fixed to {self.rule.force!r} for this app"
        notes = sorted(set(self.notes))
        if notes:
            text += ". The gateway also checks: " + "; ".join(notes)
        return {**out, "description": text}
