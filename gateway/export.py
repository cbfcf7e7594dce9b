"""Streamed exports: VICIdial rows in, a chunked JSON document (or NDJSON) out, memory flat.

Used instead of the buffered path for functions whose spec says ``stream=True``. The reply is read
in chunks and split into lines (:meth:`~gateway.upstream.Upstream.stream`); while only status lines
have arrived nothing is sent, so an export that fails (an ERROR line, a login failure) gets the
ordinary JSON error with its proper status. From the first data row on, rows are parsed one by one
(:class:`~gateway.catalog.stream.RowStream`) and written as they come.

JSON (the default) is the same object as a buffered reply, with ``data`` first and the keys that
depend on how the stream ends last::

    {"function": "did_log_export", "request_id": "…", "data": [{…}, {…}],
     "notices": [], "message": null, "result": "SUCCESS", "ok": true}

If the reply breaks off or stops making sense after rows were sent, the document still closes
properly, with ``"ok": false``, ``"result": "ERROR"`` and an ``error`` object; the HTTP status is
already 200 by then, so a client must check ``ok``.

NDJSON (``Accept: application/x-ndjson``): one row object per line, then one trailer line
``{"trailer": {"ok": true, "function": …, "rows": N, "notices": [], "request_id": …}}`` (with
``"ok": false`` and ``"error"`` when the stream failed). A stream without its trailer was cut off.

Time limits: the whole export, from the call to VICIdial to the last byte written to the client,
ends by one deadline (the class timeout; see :func:`stream_export`), and each write must also be
taken within ``server.write_timeout``. VICIdial too slow: an upstream timeout, as above. The
client too slow (it does not read): the connection is reset there (:mod:`gateway.client_writes`),
so a client cannot hold the concurrency slots of an export for longer than its class timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .catalog.parser import parse_reply, split_leading_status
from .catalog.reply import Notice, ParsedReply, ReplyShapeError, hide_login, notices_json
from .catalog.spec import FunctionSpec
from .catalog.stream import RowStream
from .client_writes import ClientTooSlow, write_by
from .errors import GatewayError, UpstreamError, UpstreamTimeout
from .refusal import refusal_reply
from .upstream import Upstream, UpstreamStream

log = logging.getLogger("gateway.export")

NDJSON = "application/x-ndjson"
# Rows are encoded and written in batches of about this many bytes.
WRITE_BATCH_BYTES = 64 * 1024
# Status lines before the first row are few and short; more than this is no VICIdial reply.
MAX_HEAD_CHARS = 1024 * 1024


def wants_ndjson(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return any(part.split(";")[0].strip().lower() == NDJSON for part in accept.split(","))




def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Export:
    """How a streamed export went: ``rows`` sent; ``cut`` when the client did not read in time."""

    response: web.StreamResponse
    rows: int
    credential: str
    cut: bool = False


@dataclass(frozen=True)
class Buffered:
    """The reply turned out to hold no rows (nothing was sent): the caller answers it as an
    ordinary reply. ``retry_after`` and ``reason`` as in UpstreamReply (a refusal with no
    credential left: the 503's wait, and why)."""

    parsed: ParsedReply
    credential: str
    retry_after: int | None = None
    reason: str | None = None


async def stream_export(
    request: web.Request,
    spec: FunctionSpec,
    params: Mapping[str, str],
    upstream: Upstream,
    *,
    source: str,
    request_id: str,
    deadline: float,
    write_timeout: float,
    logins: Mapping[str, str],
) -> Export | Buffered:
    """Send the export, all of it by ``deadline`` (event-loop time).

    :class:`Buffered` when the reply has no rows (nothing is sent: the caller answers it like
    any other reply); gateway errors for failures before anything was sent. VICIdial not done
    by the deadline is an upstream timeout (before the first row: 504; after: the document
    closes with an error). A client that does not take a batch within ``write_timeout``, or the
    whole export by the deadline, is cut off: the export ends there, with ``cut`` set.
    """
    async with contextlib.AsyncExitStack() as stack:
        async with _vicidial_by(deadline):
            up = await stack.enter_async_context(upstream.stream(spec, params, source=source))
            if up.refusal is not None:
                return Buffered(refusal_reply(up.refusal), up.credential, up.retry_after, up.reason)
            if up.status != 200:
                raise UpstreamError(f"VICIdial answered HTTP {up.status}")
            head, first = await _read_head(spec, up)
        if first is None:
            return Buffered(_parse_whole(spec, head, params), up.credential)
        notices, _ = split_leading_status(spec, head)
        notices = tuple(dataclasses.replace(n, data=hide_login(n.data, logins)) for n in notices)
        ndjson = wants_ndjson(request)
        response = web.StreamResponse(
            status=200,
            headers={
                "Content-Type": f"{NDJSON}; charset=utf-8"
                if ndjson
                else "application/json; charset=utf-8",
                "X-Request-ID": request_id,
                "Cache-Control": "no-store",
            },
        )
        response.enable_chunked_encoding()
        writer = (_NdjsonWriter if ndjson else _JsonWriter)(
            request, response, deadline, write_timeout
        )
        try:
            await writer.by_deadline(response.prepare(request))
            await writer.start(spec.name, request_id)
            rows = RowStream(spec, params, logins)
            error = await _send_rows(writer, rows, head[first:], up.batches, deadline, request_id)
            await writer.finish(spec.name, request_id, notices, error, rows.emitted)
        except ClientTooSlow:
            log.warning(
                "client did not read the export in time; connection cut",
                extra={"request_id": request_id, "function": spec.name, "rows": writer.sent},
            )
            return Export(response, writer.sent, up.credential, cut=True)
        return Export(response, rows.emitted, up.credential)


async def _send_rows(
    writer: _Writer,
    rows: RowStream,
    first: list[str],
    batches: AsyncIterator[list[str]],
    deadline: float,
    request_id: str,
) -> GatewayError | None:
    """Parse and write every row; the error that ended the stream early, if any.

    :class:`ClientTooSlow` is not caught: nothing more can be written then.
    """
    try:
        await writer.rows(rows.feed_many_json(first, writer.sep))
        while True:
            async with _vicidial_by(deadline):
                batch = await anext(batches, None)
            if batch is None:
                break
            await writer.rows(rows.feed_many_json(batch, writer.sep))
        await writer.rows(rows.close_json())
    except ReplyShapeError as exc:
        log.warning(
            "unrecognised VICIdial export row",
            extra={"request_id": request_id, "function": rows.spec.name, "excerpt": exc.excerpt},
        )
        return UpstreamError("VICIdial sent a row the gateway does not recognise")
    except GatewayError as exc:
        return exc
    return None


@contextlib.asynccontextmanager
async def _vicidial_by(deadline: float) -> AsyncIterator[None]:
    """Waiting for VICIdial past the export's deadline is an upstream timeout."""
    try:
        async with asyncio.timeout_at(deadline):
            yield
    except TimeoutError:
        raise UpstreamTimeout("VICIdial did not send the whole export in time") from None


async def _read_head(spec: FunctionSpec, up: UpstreamStream) -> tuple[list[str], int | None]:
    """Lines up to and including the first data line, and that line's index (None: no data)."""
    head: list[str] = []
    size = 0
    async for batch in up.batches:
        head += batch
        _, first = split_leading_status(spec, head)
        if first < len(head):
            return head, first
        size += sum(len(line) for line in batch)
        if size > MAX_HEAD_CHARS:
            raise UpstreamError("VICIdial sent a reply the gateway does not recognise")
    return head, None


def _parse_whole(spec: FunctionSpec, lines: list[str], params: Mapping[str, str]) -> ParsedReply:
    try:
        return parse_reply(spec, "\n".join(lines), params=params)
    except ReplyShapeError as exc:
        log.warning(
            "unrecognised VICIdial reply", extra={"function": spec.name, "excerpt": exc.excerpt}
        )
        raise UpstreamError("VICIdial sent a reply the gateway does not recognise") from None


class _Writer:
    """Encodes rows in batches and writes them, each write within its time limit; subclasses
    frame the document."""

    def __init__(
        self,
        request: web.Request,
        response: web.StreamResponse,
        deadline: float,
        write_timeout: float,
    ) -> None:
        self.request = request
        self.response = response
        self.deadline = deadline
        self.write_timeout = write_timeout
        self.pending: list[str] = []
        self.pending_size = 0
        self.count = 0  # rows given to write()
        self.sent = 0  # rows written to the client (their whole batch taken)

    async def by_deadline(self, write: Awaitable[Any]) -> None:
        """One write: within write_timeout, and not past the export's deadline."""
        loop = asyncio.get_running_loop()
        await write_by(self.request, min(loop.time() + self.write_timeout, self.deadline), write)

    async def write(self, text: str) -> None:
        self.pending.append(text)
        self.pending_size += len(text)
        if self.pending_size >= WRITE_BATCH_BYTES:
            await self.flush()

    async def flush(self) -> None:
        if self.pending:
            data = "".join(self.pending).encode()
            rows = self.count
            self.pending = []
            self.pending_size = 0
            await self.by_deadline(self.response.write(data))
            self.sent = rows

    async def start(self, function: str, request_id: str) -> None:
        raise NotImplementedError

    sep: str  # between two rows (an item of rows() may hold several, joined with it)

    async def rows(self, rows: list[str]) -> None:
        """Rows already encoded as JSON objects."""
        raise NotImplementedError

    async def finish(
        self,
        function: str,
        request_id: str,
        notices: tuple[Notice, ...],
        error: GatewayError | None,
        rows: int,
    ) -> None:
        raise NotImplementedError


class _JsonWriter(_Writer):
    sep = ","

    async def start(self, function: str, request_id: str) -> None:
        await self.write(
            f'{{"function":{_dumps(function)},"request_id":{_dumps(request_id)},"data":['
        )

    async def rows(self, rows: list[str]) -> None:
        if rows:
            text = ("," if self.count else "") + ",".join(rows)
            self.count += len(rows)
            await self.write(text)

    async def finish(
        self,
        function: str,
        request_id: str,
        notices: tuple[Notice, ...],
        error: GatewayError | None,
        rows: int,
    ) -> None:
        tail: dict[str, Any] = {"notices": notices_json(notices), "message": None}
        if error is None:
            tail.update(result="SUCCESS", ok=True)
        else:
            tail.update(result="ERROR", ok=False, error=_error_json(error, rows))
        await self.write("]," + _dumps(tail)[1:])
        await self.flush()
        await self.by_deadline(self.response.write_eof())


class _NdjsonWriter(_Writer):
    sep = "\n"

    async def start(self, function: str, request_id: str) -> None:
        return None

    async def rows(self, rows: list[str]) -> None:
        if rows:
            self.count += len(rows)
            await self.write("\n".join(rows) + "\n")

    async def finish(
        self,
        function: str,
        request_id: str,
        notices: tuple[Notice, ...],
        error: GatewayError | None,
        rows: int,
    ) -> None:
        trailer: dict[str, Any] = {
            "ok": error is None,
            "function": function,
            "rows": rows,
            "notices": notices_json(notices),
            "request_id": request_id,
        }
        if error is not None:
            trailer["error"] = _error_json(error, rows)
        await self.write(_dumps({"trailer": trailer}) + "\n")
        await self.flush()
        await self.by_deadline(self.response.write_eof())


def _error_json(error: GatewayError, rows: int) -> dict[str, Any]:
    return {
        "type": error.type,
        "message": f"{error.message} (after {rows} rows)",
        "details": {"rows_sent": rows},
    }
