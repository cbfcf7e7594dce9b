"""The reply path's JSON encoder (``gateway.jsonenc.dumps``: orjson, the standard library as
the fallback and the reference). Decoded, its bytes are exactly what ``json.dumps`` writes, on
every sample reply and on generated values; the bytes differ only in form (compact, UTF-8
instead of ``\\u`` escapes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.call.convert import reply_json
from gateway.call.reply import answer, replayed
from gateway.catalog import CATALOG
from gateway.catalog.parser import ParsedReply, ReplyShapeError, parse_reply
from gateway.jsonenc import dumps
from gateway.store import StoredResponse

from .samples import SAMPLES, load_sample

SAMPLE_PATHS = sorted(p for p in SAMPLES.rglob("*.txt") if p.name.split("__", 1)[0] in CATALOG)


def same_as_stdlib(value: Any) -> None:
    """Decoded, ``dumps`` gives the value the standard library's own encoding gives: the same
    text once re-encoded (1 and 1.0 told apart, every float's digits)."""
    reference = json.dumps(value)
    assert json.dumps(json.loads(dumps(value))) == reference
    assert json.loads(dumps(value)) == json.loads(reference)


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.stem)
def test_every_sample_reply_encodes_to_the_same_values(path: Path) -> None:
    sample = load_sample(path)
    spec = CATALOG[sample.function]
    try:
        parsed = parse_reply(spec, sample.text, params=sample.params)
    except ReplyShapeError:
        return
    same_as_stdlib({**reply_json(spec, parsed), "request_id": "r1"})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too: orjson refuses those, the fallback writes them
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@given(value=json_values)
def test_generated_values_encode_to_the_same_values(value: Any) -> None:
    same_as_stdlib(value)


def test_the_reply_is_compact_utf8_with_the_same_content_type() -> None:
    spec = CATALOG["campaigns_list"]
    parsed = ParsedReply("SUCCESS", None, [{"campaign_name": "Ventes été ☎", "n": 1}], (), None)
    reply = answer(spec, parsed, None, "r1")
    body = reply.response.body
    assert isinstance(body, bytes)
    assert "Ventes été ☎".encode() in body and b"\\u" not in body
    assert body == dumps({**reply_json(spec, parsed), "request_id": "r1"})
    assert reply.response.headers["Content-Type"] == "application/json; charset=utf-8"
    again = replayed(StoredResponse(200, json.loads(body)))
    assert again.response.body == body  # a replay is the same bytes
    assert again.response.headers["Content-Type"] == "application/json; charset=utf-8"
