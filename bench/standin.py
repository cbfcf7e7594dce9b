"""The benchmark's stand-in dialer: VICIdial's Non-Agent API answered from precomputed replies.

    python bench/standin.py --spec '{"dialers": {"campaigns_list-200": ["campaigns_list", 200]}}'
                            --dir /tmp/somewhere

One process serves several "dialers", each on its own HTTPS port (a throwaway CA from
``gateway.sim.tls``; its PEM is written to ``--dir``), each answering
``POST /vicidial/non_agent_api.php`` for one function with a reply of N rows. The replies are built
once, at start, from the real captured replies in ``tests/data/samples`` (their rows repeated, one
column made unique per row), so the gateway's parser reads what real VICIdial would send. The
stand-in honours ``stage`` (the delimiter) and ``header`` (a header row); it checks no login and
does no per-call work beyond reading the form and looking the reply up (a combination of
``function``/``stage``/``header`` not built at start is built on its first call, then kept).

Prints one JSON line ``{"ca_file": ..., "ports": {dialer: port}}`` when it listens, then serves
until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gateway.catalog import CATALOG  # noqa: E402
from gateway.policy import gateway_params  # noqa: E402
from gateway.sim.tls import make_server_tls  # noqa: E402

SAMPLES = REPO / "tests" / "data" / "samples"
API_PATH = "/vicidial/non_agent_api.php"
HEADERS = {"Content-Type": "text/html; charset=utf-8"}  # what VICIdial sends
DELIMITERS = {"csv": ",", "tab": "\t"}  # any other stage (or none): "|"


def sample_body(name: str) -> str:
    """The exact reply text of a captured sample (after its ``# key: value`` lines)."""
    text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    _head, sep, body = text.partition("\n\n")
    if not sep:
        raise ValueError(f"{name}: no blank line after the sample's headers")
    return body


def sample_rows(name: str) -> list[list[str]]:
    """The data rows of a captured sample asked for without ``stage`` (so split on "|"), the
    header row left out where the capture asked for one."""
    text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    params = next(line for line in text.splitlines() if line.startswith("# params: "))
    lines = [line for line in sample_body(name).splitlines() if line]
    if "&stage=" in params:
        raise ValueError(f"{name}: a sample without stage is needed")
    if "&header=YES" in params:
        lines = lines[1:]
    return [line.split("|") for line in lines]


@dataclass(frozen=True)
class RowShape:
    """Delimited rows: the sample with the data rows (no stage: "|"), the sample whose first
    line is the header row (header=YES), and the column made unique in each repeated row."""

    rows_sample: str
    header_sample: str | None
    unique_column: int
    unique_format: str

    def reply(self, rows: int, stage: str | None, header: str | None) -> str:
        delim = DELIMITERS.get(stage or "", "|")
        lines = []
        if header == "YES" and self.header_sample is not None:
            names = sample_body(self.header_sample).split("\n", 1)[0]
            lines.append(delim.join(names.split("|")))
        data = sample_rows(self.rows_sample)
        for i in range(rows):
            fields = list(data[i % len(data)])
            fields[self.unique_column] = self.unique_format.format(i + 1)
            lines.append(delim.join(fields))
        return "\n".join(lines) + "\n"


ROW_SHAPES = {
    "campaigns_list": RowShape("campaigns_list__ok", "campaigns_list__header_yes", 0, "C{:07d}"),
    "logged_in_agents": RowShape(
        "logged_in_agents__ok", "logged_in_agents__header_yes", 0, "1{:05d}"
    ),
    "recording_lookup": RowShape("recording_lookup__ok_duration", None, 2, "{:d}"),
}


def lead_status_search(rows: int) -> str:
    """``rows`` records like the sample's first one, numbered, each with its own lead_id."""
    body = sample_body("lead_status_search__ok")
    first = body.split(";---------- START OF RECORD 2 ----------\n", 1)[0]
    fields = first.splitlines()[1:]  # without the record's start line
    out = []
    for i in range(rows):
        out.append(f";---------- START OF RECORD {i + 1} ----------")
        out.extend(f"lead_id => {10_000 + i}" if f.startswith("lead_id => ") else f for f in fields)
    return "\n".join(out) + "\n"


def first_line(sample: str) -> Callable[[int], str]:
    """A one-line reply: the sample's first line (the count is ignored)."""
    return lambda _rows: sample_body(sample).split("\n", 1)[0] + "\n"


OTHER_REPLIES: dict[str, Callable[[int], str]] = {
    "add_lead": first_line("add_lead__ok_callback"),
    "version": lambda _rows: sample_body("version__ok_bad_password_ignored"),
    "lead_status_search": lead_status_search,
}

FUNCTIONS = sorted({*ROW_SHAPES, *OTHER_REPLIES})


def build_reply(function: str, rows: int, stage: str | None, header: str | None) -> bytes:
    shape = ROW_SHAPES.get(function)
    if shape is not None:
        return shape.reply(rows, stage, header).encode()
    make = OTHER_REPLIES.get(function)
    if make is not None:
        return make(rows).encode()
    return f"ERROR: {function} NOT IN THE BENCHMARK'S STAND-IN\n".encode()


Key = tuple[str | None, str | None, str | None]  # function, stage, header


def dialer_app(function: str, rows: int) -> web.Application:
    """One dialer: ``function`` answers with ``rows`` rows; ``version`` answers too (/readyz)."""
    replies: dict[Key, bytes] = {}
    for name in (function, "version"):
        asked = gateway_params(CATALOG[name])  # what the gateway (and the floor) ask for
        key = (name, asked.get("stage"), asked.get("header"))
        replies[key] = build_reply(name, rows, key[1], key[2])

    async def answer(request: web.Request) -> web.Response:
        form = await request.post()
        key = (_text(form.get("function")), _text(form.get("stage")), _text(form.get("header")))
        body = replies.get(key)
        if body is None:
            body = replies[key] = build_reply(key[0] or "", rows, key[1], key[2])
        return web.Response(body=body, headers=HEADERS)

    app = web.Application(client_max_size=1 << 20)
    app.router.add_post(API_PATH, answer)
    return app


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--spec", required=True, help='{"dialers": {name: [function, rows]}}')
    p.add_argument("--dir", required=True, type=Path, help="where the CA certificate is written")
    args = p.parse_args()
    dialers = json.loads(args.spec)["dialers"]
    tls = make_server_tls()
    ca_file = tls.write_ca(args.dir / "standin-ca.pem")
    runners: list[web.AppRunner] = []
    ports: dict[str, int] = {}
    for name, (function, rows) in dialers.items():
        runner = web.AppRunner(dialer_app(function, int(rows)), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls.context, backlog=1024)
        await site.start()
        runners.append(runner)
        ports[name] = int(runner.addresses[0][1])
    print(json.dumps({"ca_file": str(ca_file), "ports": ports}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for runner in runners:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
