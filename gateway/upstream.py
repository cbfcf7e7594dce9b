"""Fourth step of the data path: the HTTP call to VICIdial.

One :class:`VicidialUpstream` per configured upstream owns one ``aiohttp.ClientSession`` (a
keep-alive pool of at most ``max_concurrency`` connections) with TLS verified against the upstream's
``ca_file`` or the system trust store. Each call is a POST of a form body to
``base_url + /vicidial/non_agent_api.php`` (the Agent API's functions: ``/agc/api.php``): the
caller's parameters plus ``function``, ``source`` and the credential's ``user``/``pass``. The
URL never carries a query string (VICIdial reads the query before the body, so nothing may be
able to add one) and the ``Host`` is always the configured host.

Replies are passed on exactly as VICIdial sent them: no substring of a reply is ever edited, so
a caller's data comes back unchanged whatever the credentials are. VICIdial echoes the password
in one place only, its bad-login line; that line is recognised by :mod:`gateway.refusal`, never
handed to the parser, and its ``pass`` field is masked (the field, not a substring). As a last line
of defence, a reply that holds one of the upstream's passwords anywhere else is withheld: the
call fails with 502, the reply is not logged, and ``vicigw_upstream_replies_withheld_total``
counts it (SECURITY.md says why withholding, not masking).

The rest of the gateway depends only on the :class:`Upstream` protocol, so views can be tested
with a fake and the real client against the simulator.
"""

from __future__ import annotations

import asyncio
import codecs
import contextvars
import dataclasses
import functools
import hashlib
import logging
import random
import re
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import quote_plus, urlsplit

import aiohttp
from aiohttp.payload import BytesPayload

from . import refusal
from .breaker import CircuitBreaker
from .catalog.spec import Api, FunctionSpec
from .config import Credential, UpstreamConfig
from .credentials import DEFAULT_RECHECK, CredentialPool, CredentialState, Lease
from .errors import (
    MaybeSent,
    NoCredential,
    NotSent,
    ReplyTooLarge,
    TLSRefused,
    UpstreamError,
    UpstreamTimeout,
)
from .files import file_stamp
from .metrics import Metrics
from .store import CredentialStateStore

log = logging.getLogger("gateway.upstream")

NON_AGENT_PATH = "/vicidial/non_agent_api.php"
AGENT_PATH = "/agc/api.php"
# Where each of VICIdial's two APIs is served (FunctionSpec.api).
API_PATHS: dict[Api, str] = {"non_agent": NON_AGENT_PATH, "agent": AGENT_PATH}
SCRUBBED = "********"
# A VICIdial reply is small except for exports; cap what a buffered call reads.
MAX_REPLY_BYTES = 64 * 1024 * 1024
# Streamed exports are read in chunks of this size; no single line may exceed MAX_LINE_CHARS.
STREAM_CHUNK_BYTES = 256 * 1024
MAX_LINE_CHARS = 4 * 1024 * 1024
# The form fields the gateway always sets itself, last and in this order (see _form).
_OWN_FIELDS = frozenset({"function", "user", "pass", "source"})
# The source label of the gateway's own logins that run nothing (verifying a new secret).
VERIFY_SOURCE = "vicigw"

# The credential the last call to VICIdial in this request leased (each aiohttp request runs in
# a task of its own): the audit record names it also when the call then ends in an error.
_credential_used: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "vicigw_credential_used", default=None
)


FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


# What quote_plus leaves as it is: a name or value made only of these needs no quoting.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _quoted(text: str) -> str:
    return text if _UNRESERVED(text) else quote_plus(text)


def encode_form(form: Mapping[str, str]) -> BytesPayload:
    """The form body, encoded once: the bytes and Content-Type aiohttp's ``FormData`` makes of
    the same fields (``urlencode``, UTF-8, spaces as ``+``), without its per-field bookkeeping
    (tests/test_form_encoding.py compares the two, on the wire too). A field that needs no
    quoting is not run through ``quote_plus`` (most are: ids, codes, the login)."""
    body = "&".join([f"{_quoted(name)}={_quoted(value)}" for name, value in form.items()])
    return BytesPayload(body.encode(), content_type=FORM_CONTENT_TYPE)


def credential_used() -> str | None:
    """The name of the credential the last VICIdial call of this request was sent with."""
    return _credential_used.get()


@dataclass(frozen=True)
class UpstreamReply:
    status: int
    content_type: str
    text: str  # as VICIdial sent it; never holds a password (see the module doc)
    credential: str  # the credential's name (never its value)
    elapsed: float  # seconds
    # VICIdial refused the login itself, confirmed (see gateway.refusal); the text is then only
    # the refusal line, never to be parsed as the function's reply.
    refusal: refusal.Kind | None = None
    # With a refusal and no other credential left: the wait until one may be usable (the
    # Retry-After of a 503) and why none is (for the audit log).
    retry_after: int | None = None
    reason: str | None = None


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
    refusal: refusal.Kind | None = None  # as in UpstreamReply
    retry_after: int | None = None
    reason: str | None = None


_Body = TypeVar("_Body")


@dataclass(frozen=True)
class _Read(Generic[_Body]):
    """As much of a response as tells whether it is a refusal, and the body to pass on."""

    claim: refusal.Claim | None  # the reply reads as a refusal of this login (to be confirmed)
    claimed: str  # the whole reply the claim is about (unscrubbed), with its LF
    body: _Body


# Reads a response: it gets the response and a function that reads a whole reply as a claim.
_Reader = Callable[
    [aiohttp.ClientResponse, Callable[[str], refusal.Claim | None]], Awaitable[_Read[_Body]]
]


@dataclass(frozen=True)
class _Answer(Generic[_Body]):
    """What VICIdial answered with a login it did not refuse (see VicidialUpstream._exchange)."""

    status: int
    content_type: str
    credential: str
    started: float  # time.monotonic() when the call began
    body: _Body


@dataclass(frozen=True)
class _Refused:
    """VICIdial's confirmed refusal of the last login tried; ``line`` is masked."""

    status: int
    content_type: str
    credential: str
    started: float
    kind: refusal.Kind
    line: str  # the refusal line with its LF, the echoed password masked
    retry_after: int | None = None  # set when no other credential is left (as in UpstreamReply)
    reason: str | None = None


class Upstream(Protocol):
    """The calls the rest of the gateway makes to VICIdial."""

    async def call(
        self, spec: FunctionSpec, params: Mapping[str, str], *, source: str
    ) -> UpstreamReply:
        """The whole reply (bounded), for ordinary functions."""
        ...

    def stream(
        self, spec: FunctionSpec, params: Mapping[str, str], *, source: str
    ) -> AbstractAsyncContextManager[UpstreamStream]:
        """The reply line by line, for exports streamed to the caller."""
        ...

    async def ping(self) -> str:
        """VICIdial's version, asked without any credential (for readiness checks)."""
        ...

    def usable_credentials(self) -> int:
        """How many credentials are in service now."""
        ...

    def held_credentials(self) -> int:
        """How many credentials are on hold (``hold: true``)."""
        ...


def printed_password_pattern(passwords: Iterable[str]) -> re.Pattern[str]:
    """Where a reply prints one of ``passwords``: as a whole word, not inside a longer run of
    letters and digits (so ``1234`` in the phone number ``3125551234`` is not the password,
    ``ref 1234 and`` or ``pass=1234`` is). VICIdial prints a variable between separators, so an
    echo of the password always stands alone like this."""
    alternatives = "|".join(re.escape(p) for p in sorted(set(passwords), key=len, reverse=True))
    if not alternatives:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(f"(?<![0-9A-Za-z])(?:{alternatives})(?![0-9A-Za-z])")


class PrintedPassword:
    """Does a reply print one of ``passwords``? :func:`printed_password_pattern`'s ``search``,
    the reference, in fewer steps: a match starts where one of the passwords occurs, so
    ``str.find`` (a fast scan) looks for the occurrences and the pattern only decides at each,
    from the first ``_MAX_TRIES`` on by one search of the rest. A reply where no password occurs
    (nearly every one) costs one ``find`` per password, not a regex step per character."""

    _MAX_TRIES = 32  # occurrences of one password checked one by one

    def __init__(self, passwords: Iterable[str]) -> None:
        self.pattern = printed_password_pattern(passwords)
        self.words = tuple(sorted(set(passwords)))

    def found(self, text: str) -> bool:
        match = self.pattern.match
        for word in self.words:
            i = text.find(word)
            tries = 0
            while i >= 0:
                if match(text, i) is not None:
                    return True
                tries += 1
                if tries == self._MAX_TRIES:
                    if self.pattern.search(text, i) is not None:
                        return True
                    break  # no match at i or later; the other passwords may still occur before
                i = text.find(word, i + 1)
        return False


async def _line_batches(resp: aiohttp.ClientResponse, charset: str) -> AsyncIterator[list[str]]:
    """Split the body into complete lines as chunks arrive (not yet scrubbed).

    An unterminated line longer than MAX_LINE_CHARS is no VICIdial reply.
    """
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
        yield text[:cut].split("\n")
    rest = carry + decoder.decode(b"", final=True)
    if rest:
        yield [rest]


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


def pool_key(cfg: UpstreamConfig) -> tuple[object, ...]:
    """What a connection pool depends on: a reload that keeps these keeps the pool."""
    parts = urlsplit(cfg.base_url)
    files = [cfg.ca_file]
    if cfg.client_cert is not None:
        files += [cfg.client_cert.cert_file, cfg.client_cert.key_file]
    return (
        parts.scheme,
        parts.netloc,
        cfg.pin_sha256,
        cfg.max_concurrency,
        # A CA or client certificate replaced on disk needs a new TLS context.
        tuple((f, file_stamp(f)) for f in files if f is not None),
    )


class ConnectionPool:
    """One keep-alive pool (an ``aiohttp.ClientSession``) with an upstream's TLS settings."""

    def __init__(self, cfg: UpstreamConfig) -> None:
        self.key = pool_key(cfg)
        https = urlsplit(cfg.base_url).scheme == "https"
        ssl_arg: ssl.SSLContext | bool = ssl_context(cfg) if https else False
        connector = (
            _PinnedConnector(pins=cfg.pin_sha256, limit=cfg.max_concurrency, ssl=ssl_arg)
            if https and cfg.pin_sha256
            else aiohttp.TCPConnector(limit=cfg.max_concurrency, ssl=ssl_arg)
        )
        self.session = aiohttp.ClientSession(
            connector=connector,
            # Never store anything the upstream sends back but the body.
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
        )

    async def close(self) -> None:
        await self.session.close()


class VicidialUpstream:
    """The real VICIdial client of one upstream, for one configuration.

    ``pool`` (the connections) and ``states`` (what is known about each credential) may come
    from the previous configuration, so a reload keeps both. ``previous_secrets`` are scrubbed
    from replies too (credentials rotated away may still be echoed by calls in flight).
    """

    def __init__(
        self,
        cfg: UpstreamConfig,
        *,
        pool: ConnectionPool | None = None,
        states: dict[tuple[str, str], CredentialState] | None = None,
        previous_secrets: Iterable[str] = (),
        metrics: Metrics | None = None,
        breaker: CircuitBreaker | None = None,
        store: CredentialStateStore | None = None,
        clock: Callable[[], float] = time.time,
        recheck: float = DEFAULT_RECHECK,
    ) -> None:
        self.cfg = cfg
        self.breaker = breaker or CircuitBreaker(cfg.breaker_failures, cfg.breaker_open_for)
        self.name = cfg.name
        self.urls = {api: f"{cfg.base_url}{path}" for api, path in API_PATHS.items()}
        self.host_header = urlsplit(cfg.base_url).netloc
        self.pool = pool if pool is not None and pool.key == pool_key(cfg) else ConnectionPool(cfg)
        self.metrics = metrics
        self.credentials = CredentialPool(
            cfg.name,
            cfg.credentials,
            states=states,
            cooldown=cfg.credential_cooldown,
            recheck=recheck,
            clock=clock,
            on_change=self._credential_changed,
            store=store,
        )
        self.secrets = sorted(
            {c.password.reveal() for c in cfg.credentials} | set(previous_secrets),
            key=len,
            reverse=True,
        )
        self._printed_password = PrintedPassword(self.secrets)

    def _credential_changed(self, name: str, state: CredentialState) -> None:
        if self.metrics is not None:
            self.metrics.credential_state(self.name, name, state)

    def _form(
        self, cred: Credential, function: str, params: Mapping[str, str], source: str
    ) -> dict[str, str]:
        """The form body. ``source`` goes last: VICIdial logs the *raw, unfiltered* value of
        the last form field into its single-quoted ``vicidial_api_log.value`` (a variable left
        over from a loop over the POST fields), so the last field must be one the gateway owns,
        harmless in SQL and no secret (the password there would be stored in clear). The
        gateway's own fields are never taken from ``params`` (a key already there would keep its
        place in the form, so ``source`` would not be last)."""
        return {
            **{k: v for k, v in params.items() if k not in _OWN_FIELDS},
            "function": function,
            "user": cred.user.reveal(),
            "pass": cred.password.reveal(),
            "source": source,
        }

    @asynccontextmanager
    async def _post(
        self,
        cred: Credential,
        function: str,
        params: Mapping[str, str],
        source: str,
        timeout: aiohttp.ClientTimeout,
        api: Api = "non_agent",
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """The POST to ``api``'s script, with transport failures mapped to gateway errors (body
        reads included).

        :class:`NotSent` means no connection was made, so VICIdial cannot have seen the call.
        """
        try:
            async with self.pool.session.post(
                self.urls[api],
                data=encode_form(self._form(cred, function, params, source)),
                headers={"Host": self.host_header, "Accept": "text/plain, text/html"},
                allow_redirects=False,
                timeout=timeout,
            ) as resp:
                yield resp
        except aiohttp.ConnectionTimeoutError:
            raise NotSent("could not connect to VICIdial in time") from None
        except TimeoutError:
            raise UpstreamTimeout(f"VICIdial did not answer within {timeout.total:g} s") from None
        except PinMismatch:
            raise TLSRefused("VICIdial's certificate does not match the pinned ones") from None
        except aiohttp.ClientSSLError:
            raise TLSRefused("TLS verification of VICIdial failed") from None
        except aiohttp.ClientConnectorError:
            raise NotSent("could not reach VICIdial") from None
        except ReplyTooLarge:
            raise
        except (aiohttp.ClientError, OSError, asyncio.IncompleteReadError):
            raise MaybeSent("the connection to VICIdial failed during the call") from None

    def _timeout(self, spec: FunctionSpec) -> aiohttp.ClientTimeout:
        total = class_timeout(self.cfg, spec)
        return aiohttp.ClientTimeout(total=total, connect=min(self.cfg.connect_timeout, total))

    async def _backoff(self, attempt: int) -> None:
        """Jittered exponential backoff: 0..base, 0..2*base, ..."""
        await asyncio.sleep(random.uniform(0, self.cfg.retry_backoff * (2**attempt)))

    def _withhold_if_password(self, function: str, lines: Sequence[str]) -> None:
        """The last line of defence: a reply printing a password (outside the bad-login line,
        handled apart) is never passed on, nor edited (see printed_password_pattern)."""
        text = lines[0] if len(lines) == 1 else "\n".join(lines)
        if self._printed_password.found(text):
            if self.metrics is not None:
                self.metrics.upstream_replies_withheld.labels(self.name, function).inc()
            log.error(
                "VICIdial's reply held the gateway's VICIdial password: withheld (not passed on, "
                "not logged)",
                extra={"upstream": self.name, "function": function},
            )
            raise UpstreamError(
                "VICIdial's reply held the gateway's VICIdial password, so it was withheld"
            )

    async def _guarded(
        self, function: str, batches: AsyncIterator[list[str]]
    ) -> AsyncIterator[list[str]]:
        """The batches, each checked by :meth:`_withhold_if_password` before it goes on."""
        async for batch in batches:
            self._withhold_if_password(function, batch)
            yield batch

    async def _login_failed(self, lease: Lease, kind: refusal.Kind) -> None:
        await self.credentials.login_failed(lease, kind)
        if self.metrics is not None:
            self.metrics.upstream_login_failures.labels(self.name, lease.credential.name).inc()

    def _claim(self, cred: Credential, spec: FunctionSpec, body: str) -> refusal.Claim | None:
        """The refusal of this login ``body`` (unscrubbed, the whole reply) reads as, if any:
        still to be confirmed (:meth:`_confirmed`). A function that needs no login has none."""
        if not spec.needs_login:
            return None
        return refusal.read_claim(body, cred.user.reveal(), cred.password.reveal(), spec.api)

    async def _confirmed(
        self,
        cred: Credential,
        spec: FunctionSpec,
        claim: refusal.Claim,
        source: str,
        timeout: aiohttp.ClientTimeout,
    ) -> refusal.Kind | None:
        """The refusal ``claim`` proves, probing where it must (None: the reply is data)."""
        if claim.conclusive:
            return claim.kind
        verdict = await self._probe(cred, source, timeout)
        if verdict is None or verdict == "login_ok":
            log.warning(
                "a reply read as VICIdial refusing the login, but a probe did not confirm it: "
                "taken as the function's reply (it may be stored data made to look like one)",
                extra={
                    "upstream": self.name,
                    "credential": cred.name,
                    "function": spec.name,
                    "claimed": claim.kind,
                    "probe": verdict or "no answer",
                },
            )
            return None
        return verdict

    async def _probe(
        self, cred: Credential, source: str, timeout: aiohttp.ClientTimeout
    ) -> refusal.Verdict:
        """Log in with a function VICIdial does not have: its reply can hold no stored data."""
        try:
            async with self._post(cred, refusal.PROBE_FUNCTION, {}, source, timeout) as resp:
                body = await _read_body(resp)
                status, charset = resp.status, resp.charset or "utf-8"
        except (UpstreamError, UpstreamTimeout):
            return None
        if status != 200:
            return None
        return refusal.probe_verdict(
            body.decode(charset, errors="replace"), cred.user.reveal(), cred.password.reveal()
        )

    @asynccontextmanager
    async def _exchange(
        self,
        spec: FunctionSpec,
        params: Mapping[str, str],
        source: str,
        read: _Reader[_Body],
    ) -> AsyncIterator[_Answer[_Body] | _Refused]:
        """The call sent with one credential after another, in the pool's order, until VICIdial
        does not refuse the login: its answer (the response still open), or, when no credential
        is left after a refusal, the last refusal with the pool's wait and reason.

        ``read`` reads as much of the response as tells whether it is a refusal. Every lease is
        given back: succeeded (a 200 that is no refusal), login_failed, or released.
        """
        timeout = self._timeout(spec)
        started = time.monotonic()
        tried: set[str] = set()
        refused: _Refused | None = None
        while True:
            try:
                lease = await self.credentials.acquire(tried)
            except NoCredential as exc:
                if refused is None:
                    raise
                # This call saw VICIdial refuse the login: say so (502; a lock is a 503).
                yield dataclasses.replace(refused, retry_after=exc.retry_after, reason=exc.reason)
                return
            cred = lease.credential
            _credential_used.set(cred.name)
            decided = False
            try:
                async with self._post(cred, spec.name, params, source, timeout, spec.api) as resp:
                    got = await read(resp, functools.partial(self._claim, cred, spec))
                    kind = (
                        await self._confirmed(cred, spec, got.claim, source, timeout)
                        if got.claim is not None
                        else None
                    )
                    content_type = resp.headers.get("Content-Type", "")
                    if kind is not None:
                        await self._login_failed(lease, kind)
                        decided = True
                        tried.add(cred.name)
                        refused = _Refused(
                            resp.status,
                            content_type,
                            cred.name,
                            started,
                            kind,
                            refusal.masked(got.claimed, kind, SCRUBBED, spec.api),
                        )
                        continue
                    if resp.status == 200:
                        await self.credentials.succeeded(lease)
                        decided = True
                    yield _Answer(resp.status, content_type, cred.name, started, got.body)
                    return
            finally:
                if not decided:
                    await self.credentials.released(lease)

    async def call(
        self, spec: FunctionSpec, params: Mapping[str, str], *, source: str
    ) -> UpstreamReply:
        """The whole reply, with the breaker's say and retries where they are safe.

        Read-only functions are retried (at most ``retries`` times, jittered backoff) after a
        transport failure or a reply that is not VICIdial's (a web-server 5xx page, an empty
        500). A mutating call is re-sent only if it never left (no connection was made).
        """
        _credential_used.set(None)
        read_only = spec.effect == "read_only"
        attempts = 1 + self.cfg.retries
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            if attempt:
                await self._backoff(attempt - 1)
            await self.breaker.before_call(self.ping)
            try:
                reply = await self._call_once(spec, params, source)
            except TLSRefused:
                raise  # a trust problem, not a passing one: neither retried nor counted
            except NotSent:
                self.breaker.failed()
                if last:
                    raise
                continue  # VICIdial never saw it: safe to send again, even a write
            except (UpstreamTimeout, MaybeSent):
                self.breaker.failed()
                if last or not read_only:
                    raise  # a write may have been done: never sent twice
                continue
            self.breaker.succeeded()
            if _not_vicidial(reply) and read_only and not last:
                continue
            return reply
        raise AssertionError("unreachable")

    async def _call_once(
        self, spec: FunctionSpec, params: Mapping[str, str], source: str
    ) -> UpstreamReply:
        """One call (a refused login moves it to the next credential), read whole."""
        async with self._exchange(spec, params, source, _read_whole) as got:
            elapsed = time.monotonic() - got.started
            if isinstance(got, _Refused):
                return UpstreamReply(
                    got.status,
                    got.content_type,
                    got.line,
                    got.credential,
                    elapsed,
                    got.kind,
                    got.retry_after,
                    got.reason,
                )
            body = got.body
            if spec.api == "agent":
                # The Agent API's login line echoes the password also when it is no refusal
                # of the credential (no Agent API access): masked, it goes to the parser.
                body = self._masked_agent_login(got.credential, body) or body
            self._withhold_if_password(spec.label, [body])
            return UpstreamReply(got.status, got.content_type, body, got.credential, elapsed)

    def _masked_agent_login(self, credential: str, body: str) -> str | None:
        for cred in self.cfg.credentials:
            if cred.name == credential:
                user, password = cred.user.reveal(), cred.password.reveal()
                return refusal.masked_agent_login(body, user, password, SCRUBBED)
        return None

    @asynccontextmanager
    async def stream(
        self, spec: FunctionSpec, params: Mapping[str, str], *, source: str
    ) -> AsyncIterator[UpstreamStream]:
        """The reply line by line; the first lines are read before deciding about the login."""
        _credential_used.set(None)
        await self.breaker.before_call(self.ping)
        async with self._exchange(spec, params, source, self._read_lines) as got:
            if isinstance(got, _Refused):
                yield UpstreamStream(
                    got.status,
                    "",
                    got.credential,
                    got.started,
                    _prepend([got.line.removesuffix("\n")], _nothing()),
                    got.kind,
                    got.retry_after,
                    got.reason,
                )
            else:
                yield UpstreamStream(
                    status=got.status,
                    content_type=got.content_type,
                    credential=got.credential,
                    started=got.started,
                    batches=self._guarded(spec.label, got.body),
                )

    async def _read_lines(
        self, resp: aiohttp.ClientResponse, claim_of: Callable[[str], refusal.Claim | None]
    ) -> _Read[AsyncIterator[list[str]]]:
        """The reply as line batches; read on past the first only if it may be a refusal (a
        refusal is the whole reply: one line)."""
        self.breaker.succeeded()  # VICIdial answered
        raw = _line_batches(resp, resp.charset or "utf-8")
        first: list[str] = await anext(raw, [])
        if resp.status == 200 and len(first) == 1:
            body = first[0] + "\n"
            claim = claim_of(body)
            if claim is not None:
                second = await anext(raw, None)
                if second is None:
                    return _Read(claim, body, _prepend(first, raw))
                raw = _prepend(second, raw)
        return _Read(None, "", _prepend(first, raw))

    async def ping(self) -> str:
        """``version`` needs no login: no credential is sent, none can be spent."""
        form = {"function": "version"}
        try:
            async with self.pool.session.post(
                self.urls["non_agent"],
                data=form,
                headers={"Host": self.host_header},
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=min(self.cfg.timeout, 10.0)),
            ) as resp:
                text = (await resp.content.read(4096)).decode("utf-8", errors="replace")
                status = resp.status
        except TimeoutError:
            raise UpstreamTimeout("VICIdial did not answer version in time") from None
        except (aiohttp.ClientError, OSError):
            raise UpstreamError("could not reach VICIdial") from None
        if status != 200 or not text.startswith("VERSION: "):
            raise UpstreamError(f"VICIdial's version reply was not recognised (HTTP {status})")
        return text[len("VERSION: ") :].split("|", 1)[0]

    def usable_credentials(self) -> int:
        return self.credentials.usable_count()

    def held_credentials(self) -> int:
        return self.credentials.held_count()

    async def verify(self, name: str) -> None:
        """Log in once with an unverified credential (a new secret, a hold released), with a
        function VICIdial does not have, so nothing runs: its state is then known without
        waiting for a call. Skipped if anything else decides its state (a call, a replica)."""
        lease = await self.credentials.probe_lease(name)
        if lease is None:
            return
        timeout = aiohttp.ClientTimeout(
            total=min(self.cfg.timeout, 10.0), connect=self.cfg.connect_timeout
        )
        try:
            verdict = await self._probe(lease.credential, VERIFY_SOURCE, timeout)
        except BaseException:
            await self.credentials.released(lease)
            raise
        if verdict == "login_ok":
            await self.credentials.succeeded(lease)
        elif verdict is None:
            await self.credentials.released(lease)
        else:
            await self._login_failed(lease, verdict)

    async def verify_fresh(self) -> None:
        """:meth:`verify` each credential this configuration made unverified, in order."""
        for name in self.credentials.fresh:
            await self.verify(name)

    async def close(self) -> None:
        await self.pool.close()


async def _read_whole(
    resp: aiohttp.ClientResponse, claim_of: Callable[[str], refusal.Claim | None]
) -> _Read[str]:
    """The whole reply, decoded (bounded, see _read_body)."""
    raw = (await _read_body(resp)).decode(resp.charset or "utf-8", errors="replace")
    return _Read(claim_of(raw) if resp.status == 200 else None, raw, raw)


async def _read_body(resp: aiohttp.ClientResponse) -> bytes:
    """The whole body, up to EOF, at most MAX_REPLY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(STREAM_CHUNK_BYTES):
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            raise ReplyTooLarge("VICIdial reply too large")
        chunks.append(chunk)
    return b"".join(chunks)


FunctionClass = str  # "export" | "read" | "write"


def function_class(spec: FunctionSpec) -> FunctionClass:
    """Exports (streamed) and reads apart from writes, for concurrency caps and timeouts."""
    if spec.stream:
        return "export"
    return "read" if spec.effect == "read_only" else "write"


def class_timeout(cfg: UpstreamConfig, spec: FunctionSpec) -> float:
    """How long a call of ``spec`` may take in all (``class_timeouts``, else ``timeout``)."""
    return cfg.class_timeouts.get(function_class(spec), cfg.timeout)


def _not_vicidial(reply: UpstreamReply) -> bool:
    """A web-server error instead of a VICIdial answer (VICIdial itself always says 200)."""
    return reply.status in (500, 502, 503, 504)


async def _nothing() -> AsyncIterator[list[str]]:
    return
    yield


async def _prepend(first: list[str], rest: AsyncIterator[list[str]]) -> AsyncIterator[list[str]]:
    if first:
        yield first
    async for batch in rest:
        yield batch
