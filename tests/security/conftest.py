"""Fixtures of the security suite: a gateway on the real listener, the simulator, raw sockets.

Every server here listens on 127.0.0.1 only and is stopped by the test that started it. The
secrets are distinctive strings, so a leak search cannot match anything by chance, and the
gateway's VICIdial user is ``apiuser6x`` (not ``6666``) for the same reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
import urllib.parse
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import trustme
from aiohttp import web
from multidict import CIMultiDictProxy

from gateway.app import SERVICES, create_app
from gateway.auth import mint_token
from gateway.catalog import CATALOG
from gateway.catalog.spec import FunctionSpec, Param
from gateway.config import RESERVED_PARAMS, AppConfig, Config
from gateway.config_load import parse_config
from gateway.errors import GatewayError
from gateway.metrics import Metrics
from gateway.policy import build_params
from gateway.server import handler_args, start_listener
from gateway.sim import RunningSim, SimState, start_simulator

from ..conftest import config_dict

# The gateway's VICIdial login, and a second API user of the same VICIdial.
API_USER = "apiuser6x"
API_PASS = "Sec-Pw_7kQz3VvT9mXa"
OTHER_USER = "apiuser7y"
OTHER_PASS = "Other-Pw_0xRt5NbE1"
# A stale password a misconfigured gateway would send.
WRONG_PASS = "Wrong-Pw_4hJd8LqZ2"
# HMAC secrets of the two apps of the standard config (>= 32 bytes for HS256).
CRM_SECRET = "sec-crm-hmac-9Vq2Lx7Rk4Tz1Wm8Pd5Hs3Jc6Ny0Bg"
REPORTS_SECRET = "sec-reports-hmac-3Fh8Qw1Ez6Xu9Ra4Ck7Vm2Ly5Tp"
# An HMAC secret only attackers use.
ATTACKER_SECRET = "attacker-hmac-secret-5Gk1Zp8Yq3Wn6Rt0Mv4Xs7"

SECRETS = (API_PASS, OTHER_PASS, WRONG_PASS, CRM_SECRET, REPORTS_SECRET)


def sec_config_dict(
    base_url: str = "https://127.0.0.1:1",
    ca_file: Path | str | None = None,
    *,
    password: str = API_PASS,
    user: str = API_USER,
    **apps_extra: Any,
) -> dict[str, Any]:
    """``tests.conftest.config_dict`` with this suite's login and secrets.

    Apps: ``crm`` (every catalog function; ``add_lead`` ``list_id`` limited to 101/102/999) and
    ``reports`` (``campaigns_list`` and ``list_info`` only).
    """
    doc = config_dict(base_url, Path(ca_file) if ca_file else None, password=password, **apps_extra)
    doc["upstreams"]["main"]["credentials"][0]["user"] = user
    secrets = {"crm-1": CRM_SECRET, "reports-1": REPORTS_SECRET}
    for app in doc["apps"].values():
        for key in app.get("keys", []):
            if key.get("kid") in secrets:
                key["secret"] = secrets[key["kid"]]
    return doc


# --- plausible request bodies ------------------------------------------------------------------

SAMPLES = Path(__file__).parent.parent / "data" / "samples"

_DEFAULTS = {
    "id": "1001",
    "int": "1",
    "phone": "3125550100",
    "flag": "Y",
    "code": "A",
    "date": "2030-01-01",
    "datetime": "2030-01-01 10:00:00",
    "text": "x",
    "list": "1",
}


def _default(param: Param) -> str:
    return param.choices[0] if param.choices else _DEFAULTS[param.kind]


def sample_bodies(spec: FunctionSpec) -> list[dict[str, str]]:
    """The caller parameters of each captured sample of this function."""
    out = []
    for path in sorted(SAMPLES.glob(f"{spec.name}__*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("# params: "):
                pairs = urllib.parse.parse_qsl(line[len("# params: ") :], keep_blank_values=True)
                out.append(
                    {
                        k: v
                        for k, v in pairs
                        if k not in RESERVED_PARAMS
                        and k not in spec.gateway_params
                        and spec.param(k) is not None
                    }
                )
    return out


def plausible_body(spec: FunctionSpec, app: AppConfig) -> dict[str, str]:
    """A body the gateway accepts: a sample's, else the required parameters with defaults."""
    required = {p.name: _default(p) for p in spec.params if p.required}
    for body in [*sample_bodies(spec), required]:
        try:
            build_params(app, spec, body)
        except GatewayError:
            continue
        return body
    raise AssertionError(f"no plausible body for {spec.name}")


@dataclass(frozen=True)
class Captured:
    """A real VICIdial reply from ``tests/data/samples`` and the form it answered."""

    name: str
    spec: FunctionSpec
    params: dict[str, str]  # without user/pass/source/function
    body: str


def captured_replies() -> list[Captured]:
    out = []
    for path in sorted(SAMPLES.glob("*.txt")):
        function = path.name.split("__", 1)[0]
        if function not in CATALOG:
            continue
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        params: dict[str, str] = {}
        for line in head.split("\n"):
            if line.startswith("# params: "):
                pairs = urllib.parse.parse_qsl(line[len("# params: ") :], keep_blank_values=True)
                params = {k: v for k, v in pairs if k not in RESERVED_PARAMS}
        out.append(Captured(path.stem, CATALOG[function], params, body))
    return out


# --- the gateway on its real listener ----------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: CIMultiDictProxy[str]
    text: str

    @property
    def error_type(self) -> str | None:
        error = self.body.get("error")
        return error.get("type") if isinstance(error, dict) else None

    @property
    def details(self) -> dict[str, Any]:
        error = self.body.get("error")
        return error.get("details", {}) if isinstance(error, dict) else {}


async def _reply(resp: aiohttp.ClientResponse) -> Reply:
    text = await resp.text()
    try:
        body = json.loads(text)
    except ValueError:
        raise AssertionError(f"HTTP {resp.status}: not a JSON body: {text[:200]!r}") from None
    assert isinstance(body, dict), text[:200]
    return Reply(resp.status, body, resp.headers, text)


@dataclass
class GW:
    """A running gateway: its config, port, and an HTTP client session for it.

    ``metrics`` are the app's own; ``logs`` holds what the gateway logged (``gateway.app``,
    ``gateway.call``) while it ran.
    """

    config: Config
    port: int
    session: aiohttp.ClientSession
    tls: bool = False
    replies: list[Reply] = field(default_factory=list)
    metrics: Metrics | None = None
    logs: list[logging.LogRecord] = field(default_factory=list)

    def auth_failure(self, reply: Reply) -> str:
        """Why the gateway refused this call's credentials: the reason in its warning line for
        the reply's request id, also counted in ``vicigw_auth_failures_total{reason}``."""
        request_id = reply.headers["X-Request-ID"]
        failures = [r for r in self.logs if r.getMessage() == "authentication failed"]
        mine = [r for r in failures if getattr(r, "request_id", None) == request_id]
        assert len(mine) == 1, f"no single warning for request {request_id}: {failures}"
        assert mine[0].levelno == logging.WARNING
        reason = str(getattr(mine[0], "reason", None))
        assert self.metrics is not None
        counted = self.metrics.registry.get_sample_value(
            "vicigw_auth_failures_total", {"reason": reason}
        )
        assert counted == sum(1 for r in failures if getattr(r, "reason", None) == reason)
        return reason

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def token(self, app: str = "crm", **kw: Any) -> str:
        return mint_token(self.config, app, **kw)

    async def call(
        self,
        function: str,
        body: Any = None,
        *,
        app: str = "crm",
        token: str | None = None,
        authorization: str | None = None,
        headers: Mapping[str, str] | None = None,
        raw: bytes | None = None,
        query: str = "",
        send_auth: bool = True,
        api: str = "non-agent",
    ) -> Reply:
        """POST /v1/{api}/{function} (``api``: non-agent or agent); the reply must be JSON
        (every gateway reply is)."""
        hdrs: dict[str, str] = {}
        if send_auth:
            hdrs["Authorization"] = authorization or f"Bearer {token or self.token(app)}"
        hdrs.update(headers or {})
        kwargs: dict[str, Any] = {"headers": hdrs}
        if raw is not None:
            kwargs["data"] = raw
        elif body is not None:
            kwargs["json"] = body
        url = f"{self.base_url}/v1/{api}/{function}{query}"
        async with self.session.post(url, **kwargs) as resp:
            reply = await _reply(resp)
        self.replies.append(reply)
        return reply

    async def get(self, path: str, headers: Mapping[str, str] | None = None) -> Reply:
        async with self.session.get(f"{self.base_url}{path}", headers=headers) as resp:
            reply = await _reply(resp)
        self.replies.append(reply)
        return reply

    async def get_text(self, path: str) -> tuple[int, str, CIMultiDictProxy[str]]:
        async with self.session.get(f"{self.base_url}{path}") as resp:
            return resp.status, await resp.text(), resp.headers


@contextlib.asynccontextmanager
async def serve_gateway(
    cfg: Config,
    *,
    upstreams: Mapping[str, Any] | None = None,
    clock: Callable[[], float] | None = None,
    client_ssl: ssl.SSLContext | None = None,
) -> AsyncIterator[GW]:
    """The gateway as ``vicigw serve`` runs it: create_app on ``start_listener`` (127.0.0.1)."""
    assert cfg.server.host == "127.0.0.1"
    kwargs: dict[str, Any] = {}
    if upstreams is not None:
        kwargs["upstreams"] = upstreams
    if clock is not None:
        kwargs["clock"] = clock
    app = create_app(cfg, **kwargs)
    runner = web.AppRunner(app, access_log=None, **handler_args(cfg.server))
    records = _Records()
    loggers = [logging.getLogger(name) for name in ("gateway.app", "gateway.call")]
    for logger in loggers:
        logger.addHandler(records)
    await runner.setup()
    listener = None
    try:
        listener = await start_listener(runner, cfg.server)
        connector = aiohttp.TCPConnector(ssl=client_ssl if client_ssl is not None else False)
        async with aiohttp.ClientSession(connector=connector) as session:
            yield GW(
                cfg,
                listener.port,
                session,
                tls=cfg.server.tls is not None,
                metrics=app[SERVICES].metrics,
                logs=records.records,
            )
    finally:
        for logger in loggers:
            logger.removeHandler(records)
        if listener is not None:
            await listener.close()
        await runner.cleanup()


class _Records(logging.Handler):
    """Keeps the log records it is given (for :meth:`GW.auth_failure`)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# --- the simulator -----------------------------------------------------------------------------


@pytest.fixture
async def sec_sim() -> AsyncIterator[RunningSim]:
    """A seeded simulator whose API users are this suite's (HTTPS, throwaway CA)."""
    state = SimState.seeded(api_users={API_USER: API_PASS, OTHER_USER: OTHER_PASS})
    running = await start_simulator("127.0.0.1", 0, state=state)
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def gw(sec_sim: RunningSim) -> AsyncIterator[GW]:
    """The standard config against the simulator, on a plain-HTTP listener."""
    cfg = parse_config(sec_config_dict(sec_sim.base_url, sec_sim.ca_file))
    async with serve_gateway(cfg) as gateway:
        yield gateway


# The WWW-Authenticate values of a 401 (RFC 6750 §3): no credentials, bad credentials, a bad
# request. Nothing else: no error_description that would tell one failed check from another.
CHALLENGES = ("Bearer", 'Bearer error="invalid_token"', 'Bearer error="invalid_request"')


def assert_refused(
    reply: Reply,
    status: int,
    error_type: str,
    *,
    reason: str | None = None,
    parameter: str | None = None,
    sim: RunningSim | None = None,
    gw: GW | None = None,
) -> None:
    """The exact refusal, and (with ``sim``) that nothing reached VICIdial.

    ``reason``: an authentication failure. The reply says only "invalid token" (it must not
    tell one failed check from another); the reason is in the gateway's log and metric (``gw``).
    """
    assert (reply.status, reply.error_type) == (status, error_type), reply.text
    assert reply.body["ok"] is False
    assert reply.headers.get("Content-Type", "").startswith("application/json")
    if reason is not None:
        assert gw is not None, "the reason is only in the gateway's log and metrics: pass gw"
        error = reply.body["error"]
        assert (error["message"], error["details"]) == ("invalid token", {}), reply.text
        assert reply.headers["WWW-Authenticate"] in CHALLENGES, reply.headers
        assert gw.auth_failure(reply) == reason, reply.text
    if parameter is not None:
        assert reply.details.get("parameter") == parameter, reply.text
    if sim is not None:
        assert sim.state.requests == [], "the gateway called VICIdial although it had to refuse"


# --- TLS material (trustme) --------------------------------------------------------------------


@dataclass
class TLSFiles:
    """A certificate and key written to disk, with the CA that issued them."""

    ca: trustme.CA
    cert: trustme.LeafCert
    cert_file: Path
    key_file: Path
    ca_file: Path


def write_leaf(ca: trustme.CA, directory: Path, name: str, *identities: str) -> TLSFiles:
    directory.mkdir(parents=True, exist_ok=True)
    leaf = ca.issue_cert(*(identities or ("127.0.0.1", "localhost")))
    cert_file, key_file, ca_file = (
        directory / f"{name}.pem",
        directory / f"{name}.key",
        directory / f"{name}-ca.pem",
    )
    leaf.cert_chain_pems[0].write_to_path(str(cert_file))
    leaf.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    return TLSFiles(ca, leaf, cert_file, key_file, ca_file)


def client_context(ca: trustme.CA, cert: trustme.LeafCert | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    if cert is not None:
        cert.configure_cert(ctx)
    return ctx


# --- raw HTTP over a socket --------------------------------------------------------------------


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> dict[str, Any]:
        assert self.headers.get("content-type", "").startswith("application/json"), self.headers
        out = json.loads(self.body)
        assert isinstance(out, dict)
        return out


async def read_response(reader: asyncio.StreamReader) -> RawResponse | None:
    """One HTTP/1.x response (Content-Length framed); None if the peer closed first."""
    try:
        line = await reader.readline()
    except (ConnectionError, ssl.SSLError):
        return None
    if not line:
        return None
    status = int(line.split()[1])
    headers: dict[str, str] = {}
    while True:
        h = await reader.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return RawResponse(status, headers, body)


async def closed_by_peer(reader: asyncio.StreamReader, within: float) -> bool:
    """Whether the peer closes the connection (EOF or reset) within ``within`` seconds."""
    try:
        async with asyncio.timeout(within):
            while True:
                try:
                    chunk = await reader.read(65536)
                except (ConnectionError, ssl.SSLError):
                    return True
                if not chunk:
                    return True
    except TimeoutError:
        return False


async def raw_exchange(
    port: int,
    data: bytes,
    *,
    ssl_ctx: ssl.SSLContext | None = None,
    timeout: float = 5.0,
) -> RawResponse | None:
    """Send ``data`` on a new connection and read one response."""
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=ssl_ctx, server_hostname="127.0.0.1" if ssl_ctx else None
    )
    try:
        writer.write(data)
        await writer.drain()
        async with asyncio.timeout(timeout):
            return await read_response(reader)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            await writer.wait_closed()


# --- a recording HTTP(S) server standing in for VICIdial or an attacker's host ----------------


@dataclass
class Seen:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str]
    client_cert: bytes | None


@dataclass
class Recorder:
    """Records every request; answers with ``respond(seen)`` (default: ``ERROR: nothing``)."""

    base_url: str
    seen: list[Seen]
    respond: Callable[[Seen], web.StreamResponse] | None = None


@contextlib.asynccontextmanager
async def recorder(
    *,
    ssl_context: ssl.SSLContext | None = None,
    respond: Callable[[Seen], web.StreamResponse] | None = None,
) -> AsyncIterator[Recorder]:
    rec = Recorder("", [], respond)

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        form: dict[str, str] = {}
        if request.content_type == "application/x-www-form-urlencoded":
            form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        transport = request.transport
        sslobj = transport.get_extra_info("ssl_object") if transport is not None else None
        der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
        seen = Seen(
            request.method,
            request.path,
            request.rel_url.raw_query_string,
            {k.lower(): v for k, v in request.headers.items()},
            body,
            form,
            der,
        )
        rec.seen.append(seen)
        if rec.respond is not None:
            return rec.respond(seen)
        return web.Response(text="ERROR: nothing\n", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await site.start()
        port = runner.addresses[0][1]
        rec.base_url = f"{'https' if ssl_context else 'http'}://127.0.0.1:{port}"
        yield rec
    finally:
        await runner.cleanup()


def server_context(tls: TLSFiles, *, require_client_ca: trustme.CA | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(tls.cert_file, tls.key_file)
    if require_client_ca is not None:
        require_client_ca.configure_trust(ctx)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx
