"""The JSON encoder of the gateway's replies: :func:`dumps`.

orjson, where it can encode the value; the standard library otherwise (an integer beyond 64
bits, a key that is not a string) and as the reference (``tests/test_jsonenc.py`` decodes
both on every sample and generated replies). The two give the same values once decoded; the
bytes differ only in form: compact, and non-ASCII text written as UTF-8 rather than as ``\\u``
escapes (the fallback writes the same form). A reply is ``application/json; charset=utf-8``
either way, as before. orjson writes NaN and infinities as ``null``; the parser makes none.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
