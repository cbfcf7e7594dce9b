"""The cost of encoding the gateway's JSON replies: the standard library beside orjson and msgspec.

    .venv/bin/pip install msgspec     # only for this script (orjson is a gateway dependency)
    .venv/bin/python bench/json_encode.py [--core 0]

The replies are real ones: captured VICIdial replies from ``tests/data/samples`` parsed by the
gateway's own parser into the envelope the gateway sends (``ok``, ``function``, ``result``,
``message``, ``data``, ``notices``, ``request_id``); the row replies repeat the sample's rows to
200 and 1,000 rows, with a unique id per row. For each reply it prints microseconds per encoding
(best of five rounds) and the share a per-call cost of 500 us would give it, for:

- ``stdlib`` as the gateway sent replies before orjson (``web.json_response``: ``json.dumps``
  with its defaults, ASCII escapes, then UTF-8 bytes);
- ``stdlib compact``: ``ensure_ascii=False`` and no spaces, as the streamed exports write;
- ``orjson`` and ``msgspec``, if installed.

Each encoder's bytes are decoded again and compared with the reply, so a faster encoder that
changes a value (a float, a non-ASCII name) shows as ``DIFFERS`` instead of a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gateway.catalog import CATALOG
from gateway.catalog.parser import parse_reply
from gateway.catalog.reply import notices_json

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "samples"
PER_CALL_US = 500.0  # a round figure for the gateway's whole per-call cost, for the share column

Encoder = Callable[[Any], bytes]


def _sample(name: str) -> tuple[dict[str, str], str]:
    """The parameters and the body of a captured reply (the ``# ...`` header lines dropped)."""
    params: dict[str, str] = {}
    body: list[str] = []
    in_header = True
    for line in (SAMPLES / name).read_text().splitlines(keepends=True):
        if in_header and line.startswith("# params: "):
            for pair in line[len("# params: ") :].strip().split("&"):
                key, _, value = pair.partition("=")
                params[key] = value
        elif in_header and line.startswith("#"):
            continue
        elif in_header and line == "\n":
            in_header = False
        else:
            in_header = False
            body.append(line)
    for secret in ("user", "pass", "source", "function"):
        params.pop(secret, None)
    return params, "".join(body)


def _repeat_rows(text: str, rows: int, header: bool) -> str:
    """The reply's data rows repeated to ``rows`` rows, the first field made unique per row."""
    lines = text.rstrip("\n").split("\n")
    head, data = (lines[:1], lines[1:]) if header else ([], lines)
    out = list(head)
    for i in range(rows):
        first, sep, rest = data[i % len(data)].partition("|")
        out.append(f"{first}{i}{sep}{rest}")
    return "\n".join(out) + "\n"


def envelope(function: str, text: str, params: dict[str, str]) -> dict[str, Any]:
    parsed = parse_reply(CATALOG[function], text, params=params)
    return {
        "ok": True,
        "function": function,
        "result": parsed.result,
        "message": parsed.message,
        "data": parsed.data,
        "notices": notices_json(parsed.notices),
        "request_id": "5b0d6a1e-3f7c-4c8e-9a41-0e2f5a6b7c8d",
    }


def replies() -> dict[str, dict[str, Any]]:
    params, text = _sample("add_lead__ok_callback.txt")
    out = {"add_lead (one line)": envelope("add_lead", text, params)}
    params, text = _sample("campaigns_list__header_yes.txt")
    for rows in (3, 200, 1000):
        body = _repeat_rows(text, rows, header=True)
        out[f"campaigns_list, {rows} rows"] = envelope("campaigns_list", body, params)
    return out


def encoders() -> dict[str, Encoder]:
    found: dict[str, Encoder] = {
        "stdlib": lambda v: json.dumps(v).encode(),
        "stdlib compact": lambda v: json.dumps(
            v, ensure_ascii=False, separators=(",", ":")
        ).encode(),
    }
    try:
        import orjson

        found["orjson"] = orjson.dumps
    except ImportError:
        pass
    try:
        import msgspec

        found["msgspec"] = msgspec.json.encode
    except ImportError:
        pass
    return found


def per_call_us(encode: Encoder, value: Any) -> float:
    """Microseconds per encoding, the best of five rounds of about 0.2 s each."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            encode(value)
        if time.perf_counter() - start > 0.05:
            break
        n *= 2
    n *= 4
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            encode(value)
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--core", type=int, default=None, help="pin to this CPU core")
    args = ap.parse_args()
    if args.core is not None:
        os.sched_setaffinity(0, {args.core})
    found = encoders()
    print("| reply | " + " | ".join(f"{name} us" for name in found) + " |")
    print("|---|" + "---|" * len(found))
    for label, value in replies().items():
        cells = []
        for encode in found.values():
            if json.loads(encode(value)) != value:
                cells.append("DIFFERS")
                continue
            us = per_call_us(encode, value)
            cells.append(f"{us:,.1f} ({us / PER_CALL_US:.0%})")
        print(f"| {label} | " + " | ".join(cells) + " |")
    pinned = sorted(os.sched_getaffinity(0))
    print(f"\n(share: of a {PER_CALL_US:.0f} us call; ran on cores {pinned})")


if __name__ == "__main__":
    main()
