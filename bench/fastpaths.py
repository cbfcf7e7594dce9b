"""Old and new side by side, in one process: the record reader, the password scan, the export.

    taskset -c 1 .venv/bin/python bench/fastpaths.py [--rounds 5] [--export-rows 200000]

The machine is shared and noisy, so every comparison runs both variants in the same process,
interleaved, best of ``--rounds``, and the ratio is what to read (absolute figures move with the
machine). Each pair is first checked to give the same result.

- ``lead_status_search``, 1,000 records as the harness's stand-in sends them: the general line
  reader (``row_paths(fast=False)``, the reference) against the record fast path.
- The row readers (``gateway.catalog.row_reader``): the rows of ``campaigns_list`` (200),
  ``logged_in_agents`` (1,000) and the 1,000 ``lead_status_search`` records, already split into
  fields, built field by field (``read_by_loop``, the reference) against the compiled reader.
- The password scan of a whole buffered reply (the same 1,000 records, and a 256 KiB export
  batch): ``printed_password_pattern(...).search`` (the reference, what every reply took before)
  against ``PrintedPassword.found``. The harness's password (nowhere in the data), and one that
  occurs inside every phone number without being a whole word.
- The export's CPU stages for a ``recording_lookup`` reply as the stand-in sends it
  (``stage=tab``, ``duration=Y``): the gateway's own chunk reader (``upstream._line_batches``, fed
  256 KiB chunks in memory), the password scan of each batch, the row encoder
  (``RowStream.feed_many_json``) and the JSON writer's joining and encoding, each timed apart,
  then MB/s of VICIdial's text through all of them, old scan against new.

No network, no event loop other than the one driving ``_line_batches``. It prints figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from standin import build_reply

from gateway.catalog import CATALOG
from gateway.catalog import leads_shapes as shapes
from gateway.catalog.parser import RowFitter, parse_reply, row_paths
from gateway.catalog.row_reader import read_by_loop, row_reader
from gateway.catalog.stream import RowStream
from gateway.upstream import (
    STREAM_CHUNK_BYTES,
    PrintedPassword,
    _line_batches,
    printed_password_pattern,
)

# The harness's password (nowhere in the data), and one inside every phone number and file name
# (never a whole word there, so never a match: every occurrence must be looked at).
PASSWORDS = (["Bench-Pass_01"], ["3125550"])
LOGINS = {"6666": "bench"}  # the gateway's login, as the harness configures it


def best(call: Callable[[], Any], rounds: int, per_round: int = 1) -> float:
    out = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            call()
        out = min(out, (time.perf_counter() - start) / per_round)
    return out


def pair(label: str, old: float, new: float, unit: str = "ms") -> None:
    scale = 1e3 if unit == "ms" else 1.0
    print(f"{label:58} {old * scale:9.2f} {new * scale:9.2f} {unit:>3}  {old / new:6.2f}x")


def records(rounds: int) -> None:
    spec = CATALOG["lead_status_search"]
    text = build_reply("lead_status_search", 1000, None, None).decode()
    params = {"status": "SALE", "date": "2024-06-03"}

    def parse(fast: bool) -> Any:
        with row_paths(fast=fast):
            return parse_reply(spec, text, params=params)

    for label in ("1,000 records", "1,000, one with a LF in comments"):
        assert parse(True) == parse(False)
        pair(
            f"lead_status_search {label}: general -> fast",
            best(lambda: parse(False), rounds, 5),
            best(lambda: parse(True), rounds, 5),
        )
        # The second round: record 500 read alone by the general reader.
        head, sep, rest = text.partition(";---------- START OF RECORD 500 ----------\n")
        text = head + sep + rest.replace("comments => ", "comments => two\nlines ", 1)


def row_readers(rounds: int) -> None:
    tab = {"stage": "tab", "header": "YES"}
    for function, count in (("campaigns_list", 200), ("logged_in_agents", 1000)):
        lines = build_reply(function, count, "tab", "YES").decode().rstrip("\n").split("\n")
        layout = RowFitter.for_header(CATALOG[function], tab, lines[0])._layout
        rows = [line.split("\t") for line in lines[1:]]
        label = f"{function}, {count} rows of {len(layout.names)}"
        _readers(label, layout.names, layout.typed, rows, rounds)
    text = build_reply("lead_status_search", 1000, None, None).decode()
    spec = CATALOG["lead_status_search"]
    records, pos = [], 0
    while (m := shapes._PLAIN_RECORD.match(text, pos)) is not None:  # as _plain_records reads
        records.append(list(m.groups()[1:]))
        pos = m.end()
    assert len(records) == 1000
    typed = shapes.record_typed_columns(spec)
    _readers("lead_status_search, 1,000 records of 32", shapes.LEAD_COLUMNS, typed, records, rounds)


def _readers(
    label: str, names: tuple[str, ...], typed: Any, rows: list[list[str]], rounds: int
) -> None:
    compiled = row_reader(names, typed)
    assert [compiled(r) for r in rows] == [read_by_loop(names, typed, r) for r in rows]
    pair(
        f"row reader, {label}: loop -> compiled",
        best(lambda: [read_by_loop(names, typed, r) for r in rows], rounds, 5),
        best(lambda: [compiled(r) for r in rows], rounds, 5),
    )


def scans(rounds: int, export_text: str) -> None:
    replies = {
        "1,000-record reply": build_reply("lead_status_search", 1000, None, None).decode(),
        "256 KiB export batch": export_text[:STREAM_CHUNK_BYTES].rsplit("\n", 1)[0],
    }
    for what, text in replies.items():
        for passwords in PASSWORDS:
            pattern = printed_password_pattern(passwords)
            scan = PrintedPassword(passwords)
            assert (pattern.search(text) is not None) == scan.found(text)
            pair(
                f"password scan, {what}, {passwords[0]!r}: regex -> find",
                best(lambda p=pattern, t=text: p.search(t), rounds, 5),
                best(lambda s=scan, t=text: s.found(t), rounds, 5),
            )


class _Content:
    def __init__(self, body: bytes) -> None:
        self.body = body

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        for i in range(0, len(self.body), n):
            yield self.body[i : i + n]


class _Response:
    def __init__(self, body: bytes) -> None:
        self.content = _Content(body)


async def _batches(body: bytes) -> list[list[str]]:
    return [batch async for batch in _line_batches(_Response(body), "utf-8")]  # type: ignore[arg-type]


def export(rounds: int, body: bytes) -> None:
    spec = CATALOG["recording_lookup"]
    params = {"lead_id": "5001", "duration": "Y", "stage": "tab"}
    mb = len(body) / 1e6
    batches = asyncio.run(_batches(body))
    read = best(lambda: asyncio.run(_batches(body)), rounds)

    def scanned(found: Callable[[str], object]) -> Callable[[], None]:
        def run() -> None:
            for batch in batches:
                found(batch[0] if len(batch) == 1 else "\n".join(batch))

        return run

    pattern = printed_password_pattern(PASSWORDS[0])
    scan = PrintedPassword(PASSWORDS[0])
    old_scan = best(scanned(pattern.search), rounds)
    new_scan = best(scanned(scan.found), rounds)

    def encode(old_login_test: bool) -> Callable[[], list[list[str]]]:
        def run() -> list[list[str]]:
            rows = RowStream(spec, params, LOGINS)
            if old_login_test:  # the generator step per row this replaced
                hide = rows._hide
                rows._any_login = lambda found: any(  # type: ignore[method-assign]
                    row[i] in LOGINS for row in found for i in hide
                )
            return [rows.feed_many_json(batch, ",") for batch in batches]

        return run

    encoded = encode(False)()
    assert encode(True)() == encoded
    stream = RowStream(spec, params, LOGINS)
    fields = [[line.split("\t") for line in batch] for batch in batches]
    hide = stream._hide
    login_test = (
        best(lambda: [any(r[i] in LOGINS for r in f for i in hide) for f in fields], rounds),
        best(lambda: [stream._any_login(f) for f in fields], rounds),
    )
    old_rows = best(encode(True), rounds)
    rows_s = best(encode(False), rounds)

    def write() -> int:
        size = 0
        for parts in encoded:
            size += len(("," + ",".join(parts)).encode())
        return size

    write_s = best(write, rounds)
    print(
        f"export, {mb:.1f} MB of VICIdial's text, {len(batches)} batches, password {PASSWORDS[0]}:"
    )
    print(f"  {'read (decode, split into lines)':56} {read * 1e3:9.2f} ms")
    pair("  password scan of every batch: regex -> find", old_scan, new_scan)
    pair("  rows to JSON (feed_many_json): login test per row -> per column", old_rows, rows_s)
    pair("  the login test alone: per row -> per column", *login_test)
    print(f"  {'writer (join, encode)':56} {write_s * 1e3:9.2f} ms")
    old = read + old_scan + old_rows + write_s
    new = read + new_scan + rows_s + write_s
    print(
        f"  {'all four, MB/s of VICIdial text: old -> new':56} {mb / old:9.1f} {mb / new:9.1f}"
        f" MB/s  {old / new:6.2f}x"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--export-rows", type=int, default=200_000)
    args = ap.parse_args()
    body = build_reply("recording_lookup", args.export_rows, "tab", None)
    print(f"{'':58} {'old':>9} {'new':>9}      ratio")
    records(args.rounds)
    row_readers(args.rounds)
    scans(args.rounds, body.decode())
    export(args.rounds, body)


if __name__ == "__main__":
    main()
