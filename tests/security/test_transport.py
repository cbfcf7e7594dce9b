"""Attacks on the transport: the gateway's own listener (TLS, mTLS, slow and malformed clients,
connection floods) and its connection to VICIdial (trust, pinning, mTLS, Host, redirects).

The listener is the real one (``gateway.server.start_listener`` with ``handler_args``), on
127.0.0.1; certificates come from ``trustme``. Deadlines are set small (0.5 s) so the slow-client
attacks finish quickly.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import ssl
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import trustme
from aiohttp import web

from gateway.config_load import parse_config
from gateway.errors import ConfigError
from gateway.sim import RunningSim

from .conftest import (
    API_PASS,
    API_USER,
    GW,
    Reply,
    Seen,
    TLSFiles,
    _reply,
    assert_refused,
    client_context,
    closed_by_peer,
    raw_exchange,
    read_response,
    recorder,
    sec_config_dict,
    serve_gateway,
    server_context,
    write_leaf,
)

DEADLINE = 0.5  # server.client_timeout in the slow-client tests


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def leaf_der(leaf: trustme.LeafCert) -> bytes:
    return ssl.PEM_cert_to_DER_cert(leaf.cert_chain_pems[0].bytes().decode())


@pytest.fixture
def server_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def client_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(tmp_path: Path, server_ca: trustme.CA) -> TLSFiles:
    return write_leaf(server_ca, tmp_path / "server", "server")


def tls_doc(sim: RunningSim, tls: TLSFiles, **server: Any) -> dict[str, Any]:
    doc = sec_config_dict(sim.base_url, sim.ca_file)
    doc["server"]["tls"] = {
        "cert_file": str(tls.cert_file),
        "key_file": str(tls.key_file),
        "reload_interval": "50ms",
    }
    doc["server"].update(server)
    return doc


@contextlib.asynccontextmanager
async def tls_connection(
    port: int, ctx: ssl.SSLContext
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]]:
    """A TLS connection to the gateway and the certificate it presented."""
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=ctx, server_hostname="127.0.0.1"
    )
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        yield reader, writer, der
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            await writer.wait_closed()


HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n"


async def served_certificate(port: int, ctx: ssl.SSLContext) -> str:
    """The fingerprint a new handshake gets (after checking the connection serves)."""
    async with tls_connection(port, ctx) as (reader, writer, der):
        writer.write(HEALTHZ)
        response = await read_response(reader)
        assert response is not None and response.status == 200
        return fingerprint(der)


def replace_files(tls: TLSFiles, cert_pem: bytes, key_pem: bytes) -> None:
    """Replace key and certificate the way secret mounts do (write aside, then rename)."""
    for target, data in ((tls.key_file, key_pem), (tls.cert_file, cert_pem)):
        tmp = target.with_suffix(".new")
        tmp.write_bytes(data)
        os.replace(tmp, target)


async def call_with(
    gw: GW, ctx: ssl.SSLContext, function: str = "version", *, token: str | None = None
) -> Reply:
    """One call on its own connection made with ``ctx`` (to choose the client certificate)."""
    connector = aiohttp.TCPConnector(ssl=ctx, force_close=True)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.post(
            f"{gw.base_url}/v1/non-agent/{function}",
            headers={"Authorization": f"Bearer {token or gw.token()}"},
        ) as resp,
    ):
        return await _reply(resp)


# --- the HTTPS listener -------------------------------------------------------------------------


async def test_https_listener_serves_json_over_tls_1_2_or_newer(
    sec_sim: RunningSim, server_tls: TLSFiles, server_ca: trustme.CA
) -> None:
    ctx = client_context(server_ca)
    async with serve_gateway(parse_config(tls_doc(sec_sim, server_tls)), client_ssl=ctx) as gw:
        reply = await gw.call("version")
        assert reply.status == 200, reply.text
        async with tls_connection(gw.port, ctx) as (_, writer, der):
            assert writer.get_extra_info("ssl_object").version() in ("TLSv1.2", "TLSv1.3")
            assert der == leaf_der(server_tls.cert)


async def test_plain_http_on_the_tls_port_is_not_served(
    sec_sim: RunningSim, server_tls: TLSFiles
) -> None:
    async with serve_gateway(parse_config(tls_doc(sec_sim, server_tls))) as gw:
        assert await raw_exchange(gw.port, HEALTHZ, timeout=3) is None


async def test_certificate_replaced_on_disk_reaches_new_handshakes_keepalive_survives(
    sec_sim: RunningSim, server_tls: TLSFiles, server_ca: trustme.CA
) -> None:
    ctx = client_context(server_ca)
    async with serve_gateway(parse_config(tls_doc(sec_sim, server_tls))) as gw:
        old = fingerprint(leaf_der(server_tls.cert))
        async with tls_connection(gw.port, ctx) as (reader, writer, der):
            writer.write(HEALTHZ)
            first = await read_response(reader)
            assert first is not None and first.status == 200 and fingerprint(der) == old

            new_leaf = server_ca.issue_cert("127.0.0.1", "localhost")
            replace_files(
                server_tls, new_leaf.cert_chain_pems[0].bytes(), new_leaf.private_key_pem.bytes()
            )
            new = fingerprint(leaf_der(new_leaf))
            deadline = time.monotonic() + 5
            seen = old
            while seen != new and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                with contextlib.suppress(ConnectionError, ssl.SSLError, AssertionError):
                    seen = await served_certificate(gw.port, ctx)
            assert seen == new, "new handshakes never got the new certificate"

            # The kept-alive connection was not dropped: it still answers, on the old session.
            writer.write(HEALTHZ)
            again = await read_response(reader)
            assert again is not None and again.status == 200
            assert fingerprint(writer.get_extra_info("ssl_object").getpeercert(True)) == old


@pytest.mark.parametrize("broken", ["garbage-cert", "empty-cert", "garbage-key", "deleted"])
async def test_broken_replacement_keeps_the_old_certificate(
    sec_sim: RunningSim, server_tls: TLSFiles, server_ca: trustme.CA, broken: str
) -> None:
    ctx = client_context(server_ca)
    async with serve_gateway(parse_config(tls_doc(sec_sim, server_tls))) as gw:
        old = await served_certificate(gw.port, ctx)
        if broken == "garbage-cert":
            server_tls.cert_file.write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n")
        elif broken == "empty-cert":
            server_tls.cert_file.write_bytes(b"")
        elif broken == "garbage-key":
            server_tls.key_file.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnope\n")
        else:
            server_tls.cert_file.unlink()
            server_tls.key_file.unlink()
        await asyncio.sleep(0.4)  # several reload intervals
        for _ in range(3):
            assert await served_certificate(gw.port, ctx) == old


async def test_replacement_with_a_mismatched_key_keeps_the_old_certificate(
    sec_sim: RunningSim, server_tls: TLSFiles, server_ca: trustme.CA
) -> None:
    ctx = client_context(server_ca)
    async with serve_gateway(parse_config(tls_doc(sec_sim, server_tls))) as gw:
        old = await served_certificate(gw.port, ctx)
        other = server_ca.issue_cert("127.0.0.1", "localhost")
        server_tls.cert_file.write_bytes(other.cert_chain_pems[0].bytes())  # key file unchanged
        await asyncio.sleep(0.4)
        assert await served_certificate(gw.port, ctx) == old


# --- client certificates per app ----------------------------------------------------------------


@pytest.fixture
async def mtls_gw(
    sec_sim: RunningSim,
    server_tls: TLSFiles,
    server_ca: trustme.CA,
    client_ca: trustme.CA,
    tmp_path: Path,
) -> AsyncIterator[tuple[GW, trustme.LeafCert, trustme.LeafCert]]:
    """Apps ``secure`` (any certificate of the client CA) and ``pinned`` (only cert_a)."""
    client_ca_file = tmp_path / "client-ca.pem"
    client_ca.cert_pem.write_to_path(str(client_ca_file))
    cert_a = client_ca.issue_cert("app-a.internal")
    cert_b = client_ca.issue_cert("app-b.internal")
    doc = tls_doc(sec_sim, server_tls)
    doc["server"]["tls"]["client_ca_file"] = str(client_ca_file)

    def app(kid: str, rule: dict[str, Any]) -> dict[str, Any]:
        return {
            "keys": [{"kid": kid, "alg": "HS256", "secret": f"{kid}-hmac-secret-" + "s" * 32}],
            "upstream": "main",
            "source": kid.split("-")[0],
            "functions": ["version"],
            "client_cert": rule,
        }

    doc["apps"]["secure"] = app("secure-1", {"required": True})
    doc["apps"]["pinned"] = app(
        "pinned-1", {"required": True, "sha256": [fingerprint(leaf_der(cert_a)).upper()]}
    )
    ctx = client_context(server_ca)
    async with serve_gateway(parse_config(doc), client_ssl=ctx) as gw:
        yield gw, cert_a, cert_b


async def test_app_requiring_a_client_certificate_refuses_a_call_without_one(
    mtls_gw: tuple[GW, Any, Any], sec_sim: RunningSim, server_ca: trustme.CA
) -> None:
    gw, _, _ = mtls_gw
    for app in ("secure", "pinned"):
        reply = await call_with(gw, client_context(server_ca), token=gw.token(app))
        assert_refused(
            reply, 401, "unauthorized", reason="client_cert_required", sim=sec_sim, gw=gw
        )


async def test_app_requiring_a_client_certificate_accepts_one_from_client_ca_file(
    mtls_gw: tuple[GW, Any, Any], server_ca: trustme.CA
) -> None:
    gw, cert_a, cert_b = mtls_gw
    for cert in (cert_a, cert_b):
        reply = await call_with(gw, client_context(server_ca, cert), token=gw.token("secure"))
        assert reply.status == 200, reply.text


async def test_pinned_client_certificate_refuses_another_valid_certificate(
    mtls_gw: tuple[GW, Any, Any], sec_sim: RunningSim, server_ca: trustme.CA
) -> None:
    gw, cert_a, cert_b = mtls_gw
    reply = await call_with(gw, client_context(server_ca, cert_b), token=gw.token("pinned"))
    assert_refused(reply, 401, "unauthorized", reason="client_cert_mismatch", sim=sec_sim, gw=gw)
    reply = await call_with(gw, client_context(server_ca, cert_a), token=gw.token("pinned"))
    assert reply.status == 200, reply.text


async def test_client_certificate_from_another_ca_fails_the_handshake(
    mtls_gw: tuple[GW, Any, Any], sec_sim: RunningSim, server_ca: trustme.CA
) -> None:
    gw, _, _ = mtls_gw
    # A certificate of the *server* CA: valid somewhere, but not signed by client_ca_file.
    stranger = server_ca.issue_cert("app-a.internal")
    with pytest.raises(aiohttp.ClientError):
        await call_with(gw, client_context(server_ca, stranger), token=gw.token("secure"))
    assert sec_sim.state.requests == []


async def test_token_cache_does_not_skip_the_client_certificate_check(
    mtls_gw: tuple[GW, Any, Any], sec_sim: RunningSim, server_ca: trustme.CA
) -> None:
    gw, cert_a, _ = mtls_gw
    token = gw.token("secure")
    ok = await call_with(gw, client_context(server_ca, cert_a), token=token)
    assert ok.status == 200, ok.text
    hits = sec_sim.state.hits()
    reply = await call_with(gw, client_context(server_ca), token=token)  # same token, no cert
    assert_refused(reply, 401, "unauthorized", reason="client_cert_required", gw=gw)
    assert sec_sim.state.hits() == hits


async def test_apps_without_a_rule_need_no_client_certificate(
    mtls_gw: tuple[GW, Any, Any], server_ca: trustme.CA
) -> None:
    gw, _, _ = mtls_gw
    reply = await call_with(gw, client_context(server_ca), token=gw.token("crm"))
    assert reply.status == 200, reply.text


def test_client_cert_rule_without_client_ca_file_is_a_config_error() -> None:
    doc = sec_config_dict()
    doc["apps"]["crm"]["client_cert"] = {"required": True}
    with pytest.raises(ConfigError) as info:
        parse_config(doc)
    assert any(e.startswith("apps.crm.client_cert") for e in info.value.errors)


# --- malformed and oversized HTTP ---------------------------------------------------------------


@pytest.fixture
async def plain_gw(sec_sim: RunningSim) -> AsyncIterator[GW]:
    doc = sec_config_dict(sec_sim.base_url, sec_sim.ca_file)
    doc["server"].update(max_header_bytes=1024, client_timeout=DEADLINE, max_connections=3)
    async with serve_gateway(parse_config(doc)) as gw:
        yield gw


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 2000 + b"\r\n\r\n",
        b"GET /" + b"a" * 2000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /v1/non-agent/version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + b"a" * 3000
        + b"\r\n\r\n",
    ],
    ids=["header-value", "request-line", "authorization"],
)
async def test_header_line_over_max_header_bytes(
    plain_gw: GW, sec_sim: RunningSim, request_bytes: bytes
) -> None:
    response = await raw_exchange(plain_gw.port, request_bytes)
    assert response is not None and response.status == 431
    body = response.json()
    assert body["ok"] is False and body["error"]["type"] == "too_large"
    assert sec_sim.state.requests == []


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
        b"G\x00T /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A\x01: b\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        b"POST /v1/non-agent/version HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST /v1/non-agent/version HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
        b"Content-Length: 2\r\n\r\nab",
        b"POST /v1/non-agent/version HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"POST /v1/non-agent/version HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n",
        b"POST /v1/non-agent/version HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\nabc\r\n0\r\n\r\n",
        b"POST /v1/non-agent/version HTTP/1.1\r\nHost: x\r\n"
        b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-%d: a\r\n" % i for i in range(300))
        + b"\r\n",
    ],
    ids=[
        "garbage",
        "http-9.9",
        "nul-in-method",
        "control-in-header-name",
        "header-without-colon",
        "cl-and-te-smuggling",
        "two-content-lengths",
        "negative-content-length",
        "non-numeric-content-length",
        "bad-chunk-size",
        "te-chunked-not-last",
        "too-many-headers",
    ],
)
async def test_malformed_http_gets_a_json_400(
    plain_gw: GW, sec_sim: RunningSim, request_bytes: bytes
) -> None:
    response = await raw_exchange(plain_gw.port, request_bytes)
    assert response is not None and response.status == 400
    body = response.json()
    assert body["ok"] is False and body["error"]["type"] == "bad_request"
    assert sec_sim.state.requests == []


# --- slow clients -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "partial",
    [b"", b"GET /healthz HTT", b"POST /v1/non-agent/version HTTP/1.1\r\nHost: x\r\nX-A: b"],
    ids=["nothing", "partial-request-line", "partial-headers"],
)
async def test_slowloris_is_closed_after_client_timeout(plain_gw: GW, partial: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", plain_gw.port)
    try:
        started = time.monotonic()
        writer.write(partial)
        await writer.drain()
        assert await closed_by_peer(reader, DEADLINE + 2.0)
        assert DEADLINE - 0.1 <= time.monotonic() - started <= DEADLINE + 1.5
    finally:
        writer.close()


async def test_slowloris_dripping_bytes_is_closed_after_client_timeout(plain_gw: GW) -> None:
    """Each byte arrives before any idle timeout would fire; the deadline still holds."""
    reader, writer = await asyncio.open_connection("127.0.0.1", plain_gw.port)
    try:
        started = time.monotonic()
        closed = False
        for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa":
            with contextlib.suppress(ConnectionError):
                writer.write(bytes([byte]))
            if await closed_by_peer(reader, 0.1):
                closed = True
                break
        assert closed
        assert time.monotonic() - started <= DEADLINE + 1.5
    finally:
        writer.close()


async def test_slow_tls_handshake_is_closed_after_client_timeout(
    sec_sim: RunningSim, server_tls: TLSFiles
) -> None:
    doc = tls_doc(sec_sim, server_tls, client_timeout=DEADLINE)
    async with serve_gateway(parse_config(doc)) as gw:
        reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
        try:
            started = time.monotonic()
            writer.write(b"\x16\x03\x01")  # the start of a ClientHello, then nothing
            assert await closed_by_peer(reader, DEADLINE + 2.0)
            assert time.monotonic() - started <= DEADLINE + 1.5
        finally:
            writer.close()


async def test_slowloris_on_a_kept_alive_connection(plain_gw: GW) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", plain_gw.port)
    try:
        writer.write(HEALTHZ)
        first = await read_response(reader)
        assert first is not None and first.status == 200
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a")
        assert await closed_by_peer(reader, DEADLINE + 1.5)
    finally:
        writer.close()


async def test_body_sent_too_slowly_is_408(plain_gw: GW, sec_sim: RunningSim) -> None:
    token = plain_gw.token()
    head = (
        "POST /v1/non-agent/add_lead HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: 100\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", plain_gw.port)
    try:
        started = time.monotonic()
        writer.write(head + b'{"phone_nu')
        await writer.drain()
        async with asyncio.timeout(DEADLINE + 3):
            response = await read_response(reader)
        assert response is not None and response.status == 408
        assert response.json()["error"]["type"] == "request_timeout"
        assert DEADLINE - 0.1 <= time.monotonic() - started <= DEADLINE + 1.5
    finally:
        writer.close()
    assert sec_sim.state.requests == []


# --- connection floods --------------------------------------------------------------------------


async def test_connections_beyond_max_connections_get_a_json_503(plain_gw: GW) -> None:
    cap = plain_gw.config.server.max_connections
    held = [await asyncio.open_connection("127.0.0.1", plain_gw.port) for _ in range(cap)]
    try:
        await asyncio.sleep(0.05)
        reader, writer = await asyncio.open_connection("127.0.0.1", plain_gw.port)
        response = await read_response(reader)
        assert response is not None and response.status == 503
        assert response.headers.get("retry-after") == "1"
        assert response.json()["error"]["type"] == "unavailable"
        assert await closed_by_peer(reader, 1.0)
        writer.close()
        # The held connections are still served, and a freed slot is usable again.
        r0, w0 = held.pop()
        w0.write(HEALTHZ)
        ok = await read_response(r0)
        assert ok is not None and ok.status == 200
        w0.close()
        await asyncio.sleep(0.1)
        again = await raw_exchange(plain_gw.port, HEALTHZ)
        assert again is not None and again.status == 200
    finally:
        for _, w in held:
            w.close()


async def test_tls_connections_beyond_max_connections_get_a_json_503(
    sec_sim: RunningSim, server_tls: TLSFiles, server_ca: trustme.CA
) -> None:
    ctx = client_context(server_ca)
    doc = tls_doc(sec_sim, server_tls, max_connections=2)
    async with (
        serve_gateway(parse_config(doc)) as gw,
        tls_connection(gw.port, ctx),
        tls_connection(gw.port, ctx),
    ):
        await asyncio.sleep(0.05)
        async with tls_connection(gw.port, ctx) as (reader, _, _):
            response = await read_response(reader)
            assert response is not None and response.status == 503
            assert response.json()["error"]["type"] == "unavailable"


async def test_connections_stuck_in_the_tls_handshake_count_toward_max_connections(
    sec_sim: RunningSim, server_tls: TLSFiles
) -> None:
    doc = tls_doc(sec_sim, server_tls, max_connections=2, client_timeout="3s")
    async with serve_gateway(parse_config(doc)) as gw:
        socks = [await asyncio.open_connection("127.0.0.1", gw.port) for _ in range(6)]
        try:
            await asyncio.sleep(0.3)
            closed = [await closed_by_peer(r, 0.05) for r, _ in socks]
            assert sum(closed) >= 4, f"{6 - sum(closed)} of 6 connections held, cap is 2"
        finally:
            for _, w in socks:
                w.close()


# --- the gateway's connection to VICIdial --------------------------------------------------------


async def test_untrusted_upstream_certificate_sends_nothing(sec_sim: RunningSim) -> None:
    """No ca_file: the simulator's throwaway CA is not in the system store."""
    cfg = parse_config(sec_config_dict(sec_sim.base_url, None))
    async with serve_gateway(cfg) as gw:
        reply = await gw.call("campaigns_list")
    assert_refused(reply, 502, "upstream_error", sim=sec_sim)
    assert "TLS verification" in reply.body["error"]["message"]
    assert sec_sim.state.login_attempts(API_USER) == 0


async def test_upstream_certificate_for_another_host_sends_nothing(tmp_path: Path) -> None:
    """A CA-valid certificate, but for another name: a MITM with a stolen/other certificate."""
    ca = trustme.CA()
    other = write_leaf(ca, tmp_path / "up", "up", "vicidial.example")
    async with recorder(ssl_context=server_context(other)) as up:
        cfg = parse_config(sec_config_dict(up.base_url, other.ca_file))
        async with serve_gateway(cfg) as gw:
            reply = await gw.call("campaigns_list")
        assert_refused(reply, 502, "upstream_error")
        assert up.seen == []


async def sim_fingerprint(sim: RunningSim) -> str:
    ctx = ssl.create_default_context(cafile=str(sim.ca_file))
    port = int(sim.base_url.rsplit(":", 1)[1])
    _, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=ctx, server_hostname="127.0.0.1"
    )
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    with contextlib.suppress(ConnectionError, ssl.SSLError):
        await writer.wait_closed()
    return fingerprint(der)


@pytest.mark.parametrize("form", ["hex", "colons-upper"])
async def test_pin_sha256_with_the_right_fingerprint(sec_sim: RunningSim, form: str) -> None:
    pin = await sim_fingerprint(sec_sim)
    if form == "colons-upper":
        pin = ":".join(pin[i : i + 2] for i in range(0, 64, 2)).upper()
    doc = sec_config_dict(sec_sim.base_url, sec_sim.ca_file)
    doc["upstreams"]["main"]["pin_sha256"] = ["00" * 32, pin]
    async with serve_gateway(parse_config(doc)) as gw:
        reply = await gw.call("campaigns_list")
    assert reply.status == 200, reply.text


async def test_pin_sha256_with_a_wrong_fingerprint_sends_nothing(sec_sim: RunningSim) -> None:
    """CA verification passes, the pin does not: the credential never leaves the gateway."""
    doc = sec_config_dict(sec_sim.base_url, sec_sim.ca_file)
    doc["upstreams"]["main"]["pin_sha256"] = ["ab" * 32]
    async with serve_gateway(parse_config(doc)) as gw:
        reply = await gw.call("campaigns_list")
        again = await gw.call("version")
    assert_refused(reply, 502, "upstream_error", sim=sec_sim)
    assert_refused(again, 502, "upstream_error", sim=sec_sim)
    assert "pinned" in reply.body["error"]["message"]
    assert sec_sim.state.login_attempts(API_USER) == 0


def test_http_upstream_is_refused_by_config_validation() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(sec_config_dict("http://127.0.0.1:1"))
    assert any(e.startswith("upstreams.main.base_url: http://") for e in info.value.errors)


def test_http_upstream_only_with_allow_insecure_http() -> None:
    doc = sec_config_dict("http://127.0.0.1:1")
    doc["upstreams"]["main"]["allow_insecure_http"] = True
    cfg = parse_config(doc)
    assert any("INSECURE" in w for w in cfg.warnings)


@pytest.mark.parametrize(
    "base_url",
    [
        f"https://{API_USER}:{API_PASS}@127.0.0.1:1",
        "https://127.0.0.1:1/?pass=x",
        "https://127.0.0.1:1/#x",
        "ftp://127.0.0.1:1",
        "file:///etc/passwd",
        "https://",
        "//127.0.0.1:1",
    ],
)
def test_unsafe_base_urls_are_refused_by_config_validation(base_url: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(sec_config_dict(base_url))
    assert any(e.startswith("upstreams.main.base_url") for e in info.value.errors)
    assert all(API_PASS not in e for e in info.value.errors)


@pytest.fixture
def up_tls(tmp_path: Path) -> TLSFiles:
    return write_leaf(trustme.CA(), tmp_path / "upstream", "upstream")


async def test_upstream_mutual_tls_presents_the_client_certificate(
    up_tls: TLSFiles, client_ca: trustme.CA, tmp_path: Path
) -> None:
    mine = write_leaf(client_ca, tmp_path / "gwclient", "gwclient", "gateway.internal")
    ctx = server_context(up_tls, require_client_ca=client_ca)
    async with recorder(ssl_context=ctx) as up:
        doc = sec_config_dict(up.base_url, up_tls.ca_file)
        doc["upstreams"]["main"]["client_cert"] = {
            "cert_file": str(mine.cert_file),
            "key_file": str(mine.key_file),
        }
        async with serve_gateway(parse_config(doc)) as gw:
            reply = await gw.call("campaigns_list")
        assert_refused(reply, 502, "upstream_error")  # the fake's "ERROR: nothing" is no reply
        assert len(up.seen) == 1
        assert up.seen[0].client_cert == leaf_der(mine.cert)


async def test_upstream_requiring_mutual_tls_gets_nothing_without_a_client_certificate(
    up_tls: TLSFiles, client_ca: trustme.CA
) -> None:
    ctx = server_context(up_tls, require_client_ca=client_ca)
    async with recorder(ssl_context=ctx) as up:
        cfg = parse_config(sec_config_dict(up.base_url, up_tls.ca_file))
        async with serve_gateway(cfg) as gw:
            reply = await gw.call("campaigns_list")
        assert_refused(reply, 502, "upstream_error")
        assert up.seen == []


async def test_fixed_host_header_and_nothing_of_the_callers_request_reaches_upstream(
    up_tls: TLSFiles,
) -> None:
    async with recorder(ssl_context=server_context(up_tls)) as up:
        cfg = parse_config(sec_config_dict(up.base_url, up_tls.ca_file))
        async with serve_gateway(cfg) as gw:
            reply = await gw.call(
                "campaigns_list",
                {"campaign_id": "TESTCAMP"},
                query="?pass=x&user=y",
                headers={
                    "Host": "attacker.example",
                    "X-Forwarded-Host": "attacker.example",
                    "X-Forwarded-For": "10.6.6.6",
                    "Forwarded": "host=attacker.example",
                    "X-Original-URL": "/vicidial/admin.php",
                    "Cookie": "PHPSESSID=stolen",
                    "X-Request-ID": "rid-123",
                },
            )
        assert_refused(reply, 502, "upstream_error")
        (seen,) = up.seen
        assert seen.headers["host"] == up.base_url.removeprefix("https://")
        leaked = {"x-forwarded-host", "x-forwarded-for", "forwarded", "x-original-url", "cookie"}
        assert not leaked & set(seen.headers), seen.headers
        assert "authorization" not in seen.headers
        assert (seen.method, seen.path, seen.query_string) == (
            "POST",
            "/vicidial/non_agent_api.php",
            "",
        )
        assert seen.form["user"] == API_USER and seen.form["pass"] == API_PASS
        assert set(seen.form) == {
            "campaign_id",
            "stage",
            "header",
            "function",
            "source",
            "user",
            "pass",
        }


async def test_upstream_redirect_is_not_followed(up_tls: TLSFiles) -> None:
    """Following it would send the form, password included, wherever VICIdial points."""
    async with recorder() as elsewhere:

        def redirect(seen: Seen) -> web.Response:
            raise web.HTTPFound(f"{elsewhere.base_url}/steal")

        async with recorder(ssl_context=server_context(up_tls), respond=redirect) as up:
            cfg = parse_config(sec_config_dict(up.base_url, up_tls.ca_file))
            async with serve_gateway(cfg) as gw:
                reply = await gw.call("campaigns_list")
            assert_refused(reply, 502, "upstream_error")
            assert len(up.seen) == 1
        assert elsewhere.seen == []


async def test_upstream_cookies_are_never_sent_back(up_tls: TLSFiles) -> None:
    def set_cookie(seen: Seen) -> web.Response:
        resp = web.Response(text="ERROR: nothing\n", content_type="text/html")
        resp.set_cookie("PHPSESSID", "upstream-session")
        return resp

    async with recorder(ssl_context=server_context(up_tls), respond=set_cookie) as up:
        cfg = parse_config(sec_config_dict(up.base_url, up_tls.ca_file))
        async with serve_gateway(cfg) as gw:
            first = await gw.call("campaigns_list")
            await gw.call("campaigns_list")
        assert "Set-Cookie" not in first.headers
        assert len(up.seen) == 2
        assert "cookie" not in up.seen[1].headers
