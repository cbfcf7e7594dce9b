"""Fuzzing the request path and the reply parser (hypothesis, deterministic, moderate counts).

Request path: random JSON bodies with random and real parameter names, for random catalog
functions, through ``gateway.policy.build_params`` and through the real application with a fake
upstream: the answer is never a 500, and nothing reserved (or unknown) is ever forwarded.

Reply path: ``parse_reply`` over random text, and over template lines whose fields hold random
text with the password embedded: nothing but ``ReplyShapeError`` is ever raised, and the
``pass``/``user`` fields never come out. (A reply holding the password never reaches the parser:
the upstream client withholds it, see ``tests/test_exact.py``.)
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import string
import time
import urllib.parse
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gateway.app import create_app
from gateway.auth import mint_token
from gateway.catalog import CATALOG, generic
from gateway.catalog.parser import ReplyShapeError, parse_reply
from gateway.catalog.spec import FunctionSpec, Template
from gateway.config import RESERVED_PARAMS, Config
from gateway.config_load import parse_config
from gateway.errors import BadRequest, Forbidden
from gateway.policy import DEFAULT_CHARSETS, build_params, gateway_params
from gateway.server import handler_args, start_listener
from gateway.upstream import SCRUBBED, UpstreamReply, UpstreamStream

from ..conftest import without_request_ids
from .conftest import (
    API_PASS,
    API_USER,
    captured_replies,
    plausible_body,
    sec_config_dict,
)

# SEC_FUZZ_EXAMPLES=5000 runs a longer, randomised campaign (CI keeps 150, deterministic).
_EXAMPLES = int(os.environ.get("SEC_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=_EXAMPLES,
    deadline=None,
    derandomize=_EXAMPLES <= 150,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

FUNCTIONS = sorted(CATALOG)
PARAM_NAMES = sorted({p.name for s in CATALOG.values() for p in s.params})
OWNED = sorted({p for s in CATALOG.values() for p in s.gateway_params})
# Characters the policy must never let through (C0 controls, DEL, line separators, backslash).
FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\\u2028\u2029]")

CONFIG: Config = parse_config(
    sec_config_dict(
        limited={
            "keys": [{"kid": "limited-1", "alg": "HS256", "secret": "limited-hmac-" + "q" * 40}],
            "upstream": "main",
            "source": "limited",
            "functions": ["add_lead", "list_info", "campaigns_list"],
            "params": {
                "add_lead": {
                    "list_id": {"allow": ["101", "102"]},
                    "duplicate_check": {"force": "DUPLIST"},
                }
            },
        }
    )
)

names = st.one_of(
    st.sampled_from(PARAM_NAMES),
    st.sampled_from(sorted(RESERVED_PARAMS)),
    st.sampled_from(OWNED),
    st.text(max_size=12),
    st.sampled_from(["PASS", "User", "__proto__", "pass[]", "p\u0430ss", "\uff50ass", ""]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["Y", "N", "YES", "101", "3125550100", "2030-01-01", "a&pass=x", "x\\"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
noise = st.one_of(st.dictionaries(names, values, max_size=8), values)
text_values = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)

# A body each function accepts (from the captured samples); the fuzzer mutates it.
PLAUSIBLE = {name: plausible_body(spec, CONFIG.apps["crm"]) for name, spec in CATALOG.items()}


def _fitting(spec: FunctionSpec, name: str) -> st.SearchStrategy[Any]:
    """Values that may pass the parameter's own rules (so that calls get forwarded)."""
    param = spec.param(name)
    if param is None:
        return values
    if param.choices:
        return st.sampled_from(param.choices) | st.booleans()
    charset = param.charset or DEFAULT_CHARSETS[param.kind]
    return st.from_regex(
        f"[{charset}]{{0,{min(param.max_len, 30)}}}",
        fullmatch=True,
        alphabet=st.characters(exclude_categories=("Cs",)),
    )


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A function and a body: a plausible one with a few keys added, changed or removed."""
    function = draw(st.sampled_from(FUNCTIONS))
    spec = CATALOG[function]
    body: dict[str, Any] = dict(PLAUSIBLE[function])
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        action = draw(st.sampled_from(["add", "add-known", "change", "drop"]))
        if action == "add":
            body[draw(names)] = draw(values | text_values)
        elif action == "add-known" and spec.params:
            name = draw(st.sampled_from([p.name for p in spec.params]))
            body[name] = draw(_fitting(spec, name))
        elif action == "change" and body:
            name = draw(st.sampled_from(sorted(body)))
            body[name] = draw(_fitting(spec, name) | values)
        elif action == "drop" and body:
            del body[draw(st.sampled_from(sorted(body)))]
    return function, body


requests_ = st.one_of(
    mutated(),
    mutated(),
    st.tuples(st.sampled_from(FUNCTIONS), noise),
)


def _check_forwarded(spec: FunctionSpec, app_name: str, params: Mapping[str, str]) -> None:
    """What the policy hands to the upstream client is exactly the allowed form."""
    owned = gateway_params(spec)
    app = CONFIG.apps[app_name]
    for name, value in params.items():
        assert name not in RESERVED_PARAMS, name
        assert isinstance(value, str)
        if name in owned:
            assert value == owned[name], (name, value)
            continue
        param = spec.param(name)
        assert param is not None, f"unknown parameter {name!r} forwarded"
        assert not FORBIDDEN.search(value), (name, value)
        assert len(value) <= param.max_len
        charset = param.charset or DEFAULT_CHARSETS[param.kind]
        assert re.fullmatch(f"[{charset}]*", value), (name, value)
        if param.choices is not None:
            assert value in param.choices
        rule = app.rule(spec, name)
        if rule is not None and rule.force is not None:
            assert value == rule.force
        if rule is not None and rule.allow is not None:
            assert value in rule.allow
    for name in owned:
        assert params.get(name) == owned[name]


@FUZZ
@given(request=requests_, app=st.sampled_from(["crm", "crm", "reports", "limited"]))
def test_build_params_refuses_cleanly_or_forwards_only_allowed_names(
    request: tuple[str, Any], app: str
) -> None:
    function, body = request
    spec = CATALOG[function]
    try:
        params = build_params(CONFIG.apps[app], spec, body)
    except (BadRequest, Forbidden) as exc:
        event(f"refused {exc.status}")
        assert exc.status in (400, 403)
        json.dumps(exc.details)  # the refusal can always be put into the JSON body
        return
    event("forwarded")
    _check_forwarded(spec, app, params)


@FUZZ
@given(
    function=st.sampled_from(FUNCTIONS),
    extra=st.dictionaries(st.sampled_from(sorted(RESERVED_PARAMS) + OWNED), values, min_size=1),
)
def test_reserved_or_owned_name_anywhere_in_a_body_is_refused(
    function: str, extra: dict[str, Any]
) -> None:
    with pytest.raises(BadRequest) as info:
        build_params(CONFIG.apps["crm"], CATALOG[function], extra)
    assert info.value.details.get("parameter") in extra


# --- the real application with a fake upstream -----------------------------------------------


@dataclass
class FakeUpstream:
    """Answers with ``text``; records every call the gateway makes."""

    text: str = "ERROR: NO FUNCTION SPECIFIED\n"
    status: int = 200
    calls: list[tuple[str, dict[str, str], str]] = field(default_factory=list)

    async def call(
        self, spec: FunctionSpec, params: Mapping[str, str], *, source: str
    ) -> UpstreamReply:
        self.calls.append((spec.name, dict(params), source))
        return UpstreamReply(self.status, "text/html", self.text, "api-a", 0.001)

    @asynccontextmanager
    async def stream(
        self, spec: FunctionSpec, params: Mapping[str, str], *, source: str
    ) -> AsyncIterator[UpstreamStream]:
        self.calls.append((spec.name, dict(params), source))
        lines = self.text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()

        async def batches() -> AsyncIterator[list[str]]:
            if lines:
                yield lines

        yield UpstreamStream(self.status, "text/html", "api-a", time.monotonic(), batches())


@dataclass
class Served:
    runner: asyncio.Runner
    port: int
    fake: FakeUpstream
    session: aiohttp.ClientSession
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """One gateway for all examples, on a private event loop driven by each example."""
    fake = FakeUpstream()
    runner = asyncio.Runner()

    async def start() -> tuple[web.AppRunner, Any, aiohttp.ClientSession]:
        app_runner = web.AppRunner(
            create_app(CONFIG, upstreams={"main": fake}),
            access_log=None,
            **handler_args(CONFIG.server),
        )
        await app_runner.setup()
        listener = await start_listener(app_runner, CONFIG.server)
        return app_runner, listener, aiohttp.ClientSession()

    app_runner, listener, session = runner.run(start())
    tokens = {app: mint_token(CONFIG, app) for app in ("crm", "reports", "limited")}
    try:
        yield Served(runner, listener.port, fake, session, tokens)
    finally:

        async def stop() -> None:
            await session.close()
            await listener.close()
            await app_runner.cleanup()

        runner.run(stop())
        runner.close()


REPLIES = [
    "ERROR: NO FUNCTION SPECIFIED\n",
    "",
    "garbage\n",
    f"ERROR: Login incorrect, please try again: |{API_USER}|{SCRUBBED}|BAD|\n",
    f"ERROR: Too many login attempts, try again in 15 minutes: |{API_USER}|LOCK|\n",
    "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550100|101|5001|-5.00|" + API_USER + "\n",
    "VERSION: 2.14-194|BUILD: 241004-1518|DATE: 2024-06-03 10:00:00|EPOCH: 1717408800|DST: 0|"
    "TZ: 0.00|TZNOW: 0.00|\n",
    "<html><body>Fatal error</body></html>",
]
ALLOWED_STATUSES = {200, 400, 401, 403, 404, 405, 409, 413, 422, 502, 503, 504}


raw_requests = st.one_of(
    requests_.map(lambda r: (r[0], json.dumps(r[1]).encode())),
    requests_.map(lambda r: (r[0], json.dumps(r[1]).encode())),
    st.tuples(
        st.one_of(st.sampled_from(FUNCTIONS), st.text(min_size=1, max_size=20)),
        st.one_of(
            st.binary(max_size=200),
            st.sampled_from([b"", b"{", b'{"a": 1, "a": 2}', b"[" * 5000, b"\xef\xbb\xbf{}"]),
        ),
    ),
)


@FUZZ
@given(
    request=raw_requests,
    app=st.sampled_from(["crm", "crm", "reports", "limited"]),
    reply=st.sampled_from(REPLIES),
    upstream_status=st.sampled_from([200, 200, 200, 500]),
)
def test_the_application_never_answers_500_nor_forwards_a_reserved_name(
    served: Served,
    request: tuple[str, bytes],
    app: str,
    reply: str,
    upstream_status: int,
) -> None:
    function, body = request
    served.fake.text, served.fake.status = reply, upstream_status
    served.fake.calls.clear()

    async def call() -> tuple[int, str]:
        url = f"http://127.0.0.1:{served.port}/v1/non-agent/{urllib.parse.quote(function, safe='')}"
        headers = {"Authorization": f"Bearer {served.tokens[app]}"}
        async with served.session.post(url, data=body, headers=headers) as resp:
            return resp.status, await resp.text()

    status, text = served.runner.run(call())
    event(f"HTTP {status}, upstream called: {bool(served.fake.calls)}")
    assert status in ALLOWED_STATUSES, (status, text)
    document = json.loads(text)
    assert isinstance(document, dict)
    assert API_USER not in without_request_ids(text)
    for fn, params, source in served.fake.calls:
        assert source == CONFIG.apps[app].source
        _check_forwarded(CATALOG[fn], app, params)


# --- the reply parser ---------------------------------------------------------------------------


def _parse_params(spec: FunctionSpec, draw_flags: dict[str, str]) -> dict[str, str]:
    return {**draw_flags, **gateway_params(spec)}


@st.composite
def spec_and_params(draw: st.DrawFn) -> tuple[FunctionSpec, dict[str, str]]:
    spec = CATALOG[draw(st.sampled_from(FUNCTIONS))]
    flags = {
        p.name: draw(st.sampled_from(p.choices))
        for p in spec.params
        if p.choices and draw(st.booleans())
    }
    return spec, _parse_params(spec, flags)


line_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
structured = st.lists(
    st.one_of(
        line_text,
        st.sampled_from(["", "|", "\t", "||||", "\t\t\t", "SUCCESS: ", "ERROR: ", "NOTICE: "]),
        st.builds(lambda a, b: a + "|" + b, line_text, line_text),
        st.builds(lambda a, b: a + "\t" + b, line_text, line_text),
    ),
    max_size=6,
).map("\n".join)


def _templates(spec: FunctionSpec) -> list[Template]:
    return [*spec.templates, *generic.GENERIC]


def _parse(spec: FunctionSpec, text: str, params: dict[str, str]) -> Any:
    try:
        return parse_reply(spec, text, params=params)
    except ReplyShapeError as exc:
        return exc


@FUZZ
@given(sp=spec_and_params(), text=st.one_of(line_text, structured))
def test_parser_raises_nothing_but_reply_shape_error(
    sp: tuple[FunctionSpec, dict[str, str]], text: str
) -> None:
    spec, params = sp
    result = _parse(spec, text, params)
    event(type(result).__name__)


password_chars = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1)
field_text = st.one_of(
    line_text,
    st.just(API_PASS),
    st.builds(lambda a, b: a + API_PASS + b, line_text, line_text),
    st.builds(lambda a: f"pass='{API_PASS}' and user='{API_USER}'{a}", line_text),
    st.builds(lambda a: f"?user={API_USER}&pass={API_PASS}&x={a}", line_text),
)


@st.composite
def template_replies(draw: st.DrawFn) -> tuple[FunctionSpec, dict[str, str], str]:
    spec, params = draw(spec_and_params())
    lines = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        template = draw(st.sampled_from(_templates(spec)))
        values = {name: draw(field_text) for name in template.fields}
        lines.append(template.render(values))
    if spec.rows is not None and draw(st.booleans()):
        cells = [draw(field_text) for _ in spec.rows.columns]
        lines.append("\t".join(spec.rows.columns))
        lines.append("\t".join(cells))
    return spec, params, "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@FUZZ
@given(reply=template_replies())
def test_template_fields_with_any_text_parse_or_are_a_shape_error(
    reply: tuple[FunctionSpec, dict[str, str], str],
) -> None:
    spec, params, text = reply
    result = _parse(spec, text, params)  # anything but ReplyShapeError fails the test
    event(type(result).__name__)


@FUZZ
@given(reply=template_replies())
def test_bad_login_password_field_is_dropped_even_unscrubbed(
    reply: tuple[FunctionSpec, dict[str, str], str],
) -> None:
    """Defence in depth: the parser itself never returns a ``pass`` or ``user`` field."""
    spec, params, text = reply
    if spec.rows is not None or spec.custom_parse is not None:
        return  # rows may have a legitimate "user" column (an agent)
    result = _parse(spec, text, params)
    if isinstance(result, ReplyShapeError):
        return
    records = [result.data] if isinstance(result.data, dict) else []
    records += [n.data for n in result.notices]
    for record in records:
        assert "pass" not in record and "user" not in record, record


CAPTURED = [(c.spec, c.params, c.body) for c in captured_replies()]


@st.composite
def mutated_samples(draw: st.DrawFn) -> tuple[FunctionSpec, dict[str, str], str]:
    """A captured VICIdial reply, slightly broken and with the password planted in it."""
    spec, params, text = draw(st.sampled_from(CAPTURED))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        op = draw(st.sampled_from(["insert", "delete", "plant", "dup-line", "cut", "delim"]))
        if op == "insert":
            text = (
                text[:at]
                + draw(st.sampled_from(["|", "\t", "\n", ",", "-", "x", "\r"]))
                + text[at:]
            )
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=5)) :]
        elif op == "plant":
            text = text[:at] + API_PASS + text[at:]
        elif op == "dup-line" and text:
            lines = text.split("\n")
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif op == "cut":
            text = text[:at]
        elif op == "delim":
            text = text.replace("\t", "|") if "\t" in text else text.replace("|", "\t")
    return spec, params, text


@FUZZ
@given(reply=mutated_samples())
def test_parser_survives_mutated_captured_replies(
    reply: tuple[FunctionSpec, dict[str, str], str],
) -> None:
    spec, params, text = reply
    result = _parse(spec, text, params)  # anything but ReplyShapeError fails the test
    event(type(result).__name__)
