"""The upstream form, encoded once by the gateway (``encode_form``), is byte for byte what
aiohttp's ``FormData`` made of the same fields: the body, its Content-Type, and the whole
request on the wire (header order included)."""

from __future__ import annotations

import asyncio

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.upstream import encode_form

# Text VICIdial is sent: ASCII, the characters form encoding treats apart, and non-ASCII.
_chars = st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    list(" +&=%?#;/:@!$'()*,~|\t\n\r\"<>[]\\^`{}é€☎\u00a0")
)
_text = st.text(_chars, max_size=20)
# Names are the catalog's (VICIdial's parameter names), never a control character: FormData
# refuses those in a name (it would be a header of a multipart form).
_names = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyz_0123456789 +&=%é€")), max_size=12)
forms = st.dictionaries(_names, _text, max_size=8)


@given(form=forms)
def test_the_body_and_its_type_are_formdatas(form: dict[str, str]) -> None:
    ours = encode_form(form)
    theirs = aiohttp.FormData(form)()
    assert isinstance(theirs, aiohttp.payload.BytesPayload)
    assert ours._value == theirs._value
    assert ours.content_type == theirs.content_type
    assert dict(ours.headers) == dict(theirs.headers)


async def _raw_request(data: object) -> bytes:
    """The bytes one POST with ``data`` puts on the wire (a loopback server reads them)."""
    got: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        got.set_result(head + await reader.readexactly(length))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with (
        server,
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/vicidial/non_agent_api.php",
            data=data,
            headers={"Host": "dialer.example", "Accept": "text/plain, text/html"},
        ) as resp,
    ):
        await resp.read()
    return await got


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=forms)
async def test_the_request_on_the_wire_is_the_same(form: dict[str, str]) -> None:
    assert await _raw_request(encode_form(form)) == await _raw_request(form)


async def test_a_typical_form_on_the_wire() -> None:
    form = {
        "phone_number": "3125557006",
        "comments": "a b+c&d=e%f ünïcødé €",
        "function": "add_lead",
        "user": "6666",
        "pass": "p@ss w+rd&=",
        "source": "vicigw",
    }
    raw = await _raw_request(encode_form(form))
    assert raw == await _raw_request(form)
    assert raw.endswith(
        b"phone_number=3125557006&comments=a+b%2Bc%26d%3De%25f+%C3%BCn%C3%AFc%C3%B8d%C3%A9"
        b"+%E2%82%AC&function=add_lead&user=6666&pass=p%40ss+w%2Brd%26%3D&source=vicigw"
    )
    assert b"\r\nContent-Type: application/x-www-form-urlencoded\r\n" in raw
