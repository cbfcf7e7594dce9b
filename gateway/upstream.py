"""Fourth step of the data path: the HTTP call to VICIdial.

One :class:`VicidialUpstream` per configured upstream owns one ``aiohttp.ClientSession`` (a
keep-alive pool of at most ``max_concurrency`` connections) with TLS verified against the upstream's
``ca_file`` or the system trust store. Each call is a POST of a form body to
``base_url + /vicidial/non_agent_api.php``: the caller's parameters plus ``function``, ``source``
and the credential's ``user``/``pass``. The URL never carries a query string (VICIdial reads the
query before the body, so nothing may be able to add one) and the ``Host`` is always the configured
host.

Every credential value of the upstream is scrubbed from the reply text before it is returned, so
nothing after this module (parser, logs, JSON) can see it; VICIdial echoes the password in its
bad-login reply.

The rest of the gateway depends only on the :class:`Upstream` protocol, so views can be tested
with a fake and the real client against the simulator.
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import ssl
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp

from .config import Credential, UpstreamConfig
from .errors import UpstreamError, UpstreamTimeout

NON_AGENT_PATH = "/vicidial/non_agent_api.php"
SCRUBBED = "********"
# A VICIdial reply is small except for exports; cap what a buffered call reads.
MAX_REPLY_BYTES = 64 * 1024 * 1024
# Streamed exports are read in chunks of this size; no single line may exceed MAX_LINE_CHARS.
STREAM_CHUNK_BYTES = 256 * 1024
MAX_LINE_CHARS = 4 * 1024 * 1024


@dataclass(frozen=True)
class UpstreamReply:
    status: int
    content_type: str
    text: str  # already scrubbed of every credential value of the upstream
    credential: str  # the credential's name (never its value)
    elapsed: float  # seconds


@dataclass(frozen=True)
class UpstreamStream:
    """A reply being received: its status, and its lines in batches as they arrive.

    ``batches`` yields lists of complete lines, scrubbed, without their LF; the last line of the
    reply comes last whether or not it ended with a LF. Transport failures while reading raise
    the same gateway errors as :meth:`Upstream.call`.
    """

    status: int
    content_type: str
    credential: str
    started: float  # time.monotonic() when the request was sent
    batches: AsyncIterator[list[str]]


class Upstream(Protocol):
    """The calls the rest of the gateway makes to VICIdial."""

    async def call(self, function: str, params: Mapping[str, str], *, source: str) -> UpstreamReply:
        """The whole reply (bounded), for ordinary functions."""
        ...

    def stream(
        self, function: str, params: Mapping[str, str], *, source: str
    ) -> AbstractAsyncContextManager[UpstreamStream]:
        """The reply line by line, for exports streamed to the caller."""
        ...


async def _line_batches(
    resp: aiohttp.ClientResponse, charset: str, secrets: Iterable[str]
) -> AsyncIterator[list[str]]:
    """Split the body into lines as chunks arrive; scrub each complete line.

    A credential cannot contain a LF, so scrubbing complete lines never misses one that is split
    across two chunks. An unterminated line longer than MAX_LINE_CHARS is no VICIdial reply.
    """
    secrets = list(secrets)
    decoder = codecs.getincrementaldecoder(charset)(errors="replace")
    carry = ""
    async for chunk in resp.content.iter_chunked(STREAM_CHUNK_BYTES):
        text = carry + decoder.decode(chunk)
        cut = text.rfind("\n")
        if cut < 0:
            carry = text
            if len(carry) > MAX_LINE_CHARS:
                raise UpstreamError("VICIdial sent an overlong line")
            continue
        carry = text[cut + 1 :]
        yield scrub(text[:cut], secrets).split("\n")
    rest = carry + decoder.decode(b"", final=True)
    if rest:
        yield [scrub(rest, secrets)]


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret (longest first) with ``********``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, SCRUBBED)
    return text


def ssl_context(cfg: UpstreamConfig) -> ssl.SSLContext:
    """Verification always on: the configured CA file, else the system trust store.

    With ``client_cert`` the gateway also presents a certificate (mutual TLS).
    """
    ctx = ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if cfg.client_cert is not None:
        ctx.load_cert_chain(cfg.client_cert.cert_file, cfg.client_cert.key_file)
    return ctx


class PinMismatch(aiohttp.ClientError):
    """The server's certificate passed CA verification but is not one of the pinned ones."""


class _PinnedConnector(aiohttp.TCPConnector):
    """A connector that, after the verified TLS handshake, also checks the certificate pins.

    aiohttp's own ``Fingerprint`` replaces CA verification instead of adding to it (and takes one
    digest); here both apply, and several pins allow a certificate rotation. The check runs on
    every new connection, before any request (and so any credential) is written to it.
    """

    def __init__(self, *, pins: frozenset[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pins = pins

    async def _wrap_create_connection(self, *args: Any, **kwargs: Any) -> Any:
        transport, protocol = await super()._wrap_create_connection(*args, **kwargs)
        sslobj = transport.get_extra_info("ssl_object")
        der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
        if der is None or hashlib.sha256(der).hexdigest() not in self._pins:
            transport.close()
            raise PinMismatch("VICIdial's certificate does not match the pinned fingerprints")
        return transport, protocol


class VicidialUpstream:
    """The real VICIdial client. Create it inside a running loop; ``await close()`` when done."""

    def __init__(self, cfg: UpstreamConfig) -> None:
        self.cfg = cfg
        parts = urlsplit(cfg.base_url)
        self.url = f"{cfg.base_url}{NON_AGENT_PATH}"
        self.host_header = parts.netloc
        https = parts.scheme == "https"
        ssl_arg: ssl.SSLContext | bool = ssl_context(cfg) if https else False
        connector = (
            _PinnedConnector(pins=cfg.pin_sha256, limit=cfg.max_concurrency, ssl=ssl_arg)
            if https and cfg.pin_sha256
            else aiohttp.TCPConnector(limit=cfg.max_concurrency, ssl=ssl_arg)
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=cfg.timeout),
            # Never follow or store anything the upstream sends back but the body.
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
        )

    @property
    def secrets(self) -> list[str]:
        return [c.password.reveal() for c in self.cfg.credentials]

    def credential(self) -> Credential:
        return self.cfg.credentials[0]

    def _form(self, function: str, params: Mapping[str, str], source: str) -> dict[str, str]:
        cred = self.credential()
        return {
            **params,
            "function": function,
            "source": source,
            "user": cred.user.reveal(),
            "pass": cred.password.reveal(),
        }

    @asynccontextmanager
    async def _post(
        self, function: str, params: Mapping[str, str], source: str
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """The POST, with transport failures mapped to gateway errors (body reads included)."""
        try:
            async with self._session.post(
                self.url,
                data=self._form(function, params, source),
                headers={"Host": self.host_header, "Accept": "text/plain, text/html"},
                allow_redirects=False,
            ) as resp:
                yield resp
        except TimeoutError:
            raise UpstreamTimeout(
                f"VICIdial did not answer within {self.cfg.timeout:g} s"
            ) from None
        except PinMismatch:
            raise UpstreamError("VICIdial's certificate does not match the pinned ones") from None
        except aiohttp.ClientSSLError:
            raise UpstreamError("TLS verification of VICIdial failed") from None
        except (aiohttp.ClientError, OSError, asyncio.IncompleteReadError):
            raise UpstreamError("could not reach VICIdial") from None

    async def call(self, function: str, params: Mapping[str, str], *, source: str) -> UpstreamReply:
        started = time.monotonic()
        async with self._post(function, params, source) as resp:
            body = await resp.content.read(MAX_REPLY_BYTES + 1)
            if len(body) > MAX_REPLY_BYTES:
                raise UpstreamError("VICIdial reply too large")
            text = scrub(body.decode(resp.charset or "utf-8", errors="replace"), self.secrets)
            reply = UpstreamReply(
                resp.status,
                resp.headers.get("Content-Type", ""),
                text,
                self.credential().name,
                time.monotonic() - started,
            )
        return reply

    @asynccontextmanager
    async def stream(
        self, function: str, params: Mapping[str, str], *, source: str
    ) -> AsyncIterator[UpstreamStream]:
        started = time.monotonic()
        async with self._post(function, params, source) as resp:
            yield UpstreamStream(
                status=resp.status,
                content_type=resp.headers.get("Content-Type", ""),
                credential=self.credential().name,
                started=started,
                batches=_line_batches(resp, resp.charset or "utf-8", self.secrets),
            )

    async def close(self) -> None:
        await self._session.close()
