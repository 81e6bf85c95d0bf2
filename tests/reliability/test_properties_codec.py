"""Property-based tests of the simulated gateway's protocol codec (issue 22).

- Every message the simulator's encoder can make, framed as it goes on the wire, is read back by
  ib_async's own client (its socket reader and `Decoder`) as the values it was made from.
- Any bytes from a client are refused cleanly: the frame reader returns messages or raises
  `FramingError` (the server closes that client), the request decoder raises only `DecodeError`
  (the server answers 320 "Error reading request", as TWS does), and over a real socket the
  gateway survives whatever it is sent and keeps serving other clients.

Strings are ASCII (non-NUL): the simulator keeps server text 7-bit on purpose (see
shared/simulator-notes.md: ib_async mangles UTF-8 in some fields).
"""

import asyncio
import contextlib
import logging
import math
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ib_async.client import Client
from ib_async.util import UNSET_DOUBLE

from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.protocol import framing
from terminal_app.simulator.protocol.codec import DecodeError, decode, encode
from terminal_app.simulator.protocol.framing import FrameReader, FramingError
from terminal_app.simulator.protocol.requests import REQUESTS
from tests.raw_client import RawClient
from tests.reliability.conftest_input import tried
from tests.simulator.test_protocol import Sink

VERSION = 178
INT = st.integers(-(2**31), 2**31 - 2)  # 2**31 - 1 is IB's "unset" (sent as an empty field)
ID = st.integers(0, 2**31 - 2)
#: IB's "unset" double goes out as an empty field (read back as 0 or unset): not a value.
PRICE = st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x != UNSET_DOUBLE)
SIZE = st.one_of(st.integers(0, 10**12).map(float), st.floats(0, 1e12, allow_nan=False))
TEXT = st.text(st.characters(min_codepoint=1, max_codepoint=127), max_size=40)
TIME = st.integers(0, 2**31 - 2)


def _plain(*names: str, call: str = "") -> Callable[[dict[str, Any], str], tuple[str, tuple]]:
    """The wrapper call ib_async makes: `call` (default: the message's name) with `names`."""
    return lambda v, message: (call or message, tuple(v[n] for n in names))


#: message → (value strategies, the wrapper call ib_async must make with those values)
MESSAGES: dict[str, tuple[dict[str, st.SearchStrategy[Any]], Callable[..., tuple]]] = {
    "tickPrice": (
        {"reqId": ID, "tickType": st.integers(0, 90), "price": PRICE, "size": SIZE,
         "mask": st.integers(0, 7)},
        _plain("reqId", "tickType", "price", "size", call="priceSizeTick"),
    ),
    "tickSize": (
        {"reqId": ID, "tickType": st.integers(0, 90), "size": SIZE},
        _plain("reqId", "tickType", "size"),
    ),
    "orderStatus": (
        {"orderId": ID, "status": TEXT, "filled": SIZE, "remaining": SIZE, "avgFillPrice": PRICE,
         "permId": INT, "parentId": INT, "lastFillPrice": PRICE, "clientId": INT,
         "whyHeld": TEXT, "mktCapPrice": PRICE},
        _plain("orderId", "status", "filled", "remaining", "avgFillPrice", "permId", "parentId",
               "lastFillPrice", "clientId", "whyHeld", "mktCapPrice"),
    ),
    "error": (
        {"reqId": INT, "code": st.integers(0, 99999), "text": TEXT,
         "advancedOrderRejectJson": TEXT},
        _plain("reqId", "code", "text", "advancedOrderRejectJson"),
    ),
    "nextValidId": ({"orderId": ID}, _plain("orderId")),
    "currentTime": ({"time": TIME}, _plain("time")),
    "pnl": (
        {"reqId": ID, "dailyPnL": PRICE, "unrealizedPnL": PRICE, "realizedPnL": PRICE},
        _plain("reqId", "dailyPnL", "unrealizedPnL", "realizedPnL"),
    ),
    "pnlSingle": (
        {"reqId": ID, "position": SIZE, "dailyPnL": PRICE, "unrealizedPnL": PRICE,
         "realizedPnL": PRICE, "value": PRICE},
        _plain("reqId", "position", "dailyPnL", "unrealizedPnL", "realizedPnL", "value"),
    ),
    "tickByTickMidPoint": (
        {"reqId": ID, "time": TIME, "midPoint": PRICE},
        _plain("reqId", "time", "midPoint"),
    ),
    "tickString": (
        {"reqId": ID, "tickType": st.integers(0, 90), "value": TEXT},
        _plain("reqId", "tickType", "value"),
    ),
    "accountSummary": (
        {"reqId": ID, "account": TEXT, "tag": TEXT, "value": TEXT, "currency": TEXT},
        _plain("reqId", "account", "tag", "value", "currency"),
    ),
    "updateAccountValue": (
        {"key": TEXT, "value": TEXT, "currency": TEXT, "account": TEXT},
        _plain("key", "value", "currency", "account"),
    ),
    "marketDataType": (
        {"reqId": ID, "marketDataType": st.integers(1, 4)},
        _plain("reqId", "marketDataType"),
    ),
    "headTimestamp": ({"reqId": ID, "timestamp": TEXT}, _plain("reqId", "timestamp")),
}  # fmt: skip


def _ib_async_reader() -> tuple[Client, Sink]:
    """ib_async's client past its handshake, its socket reader feeding a recording wrapper."""
    sink = Sink()
    client = Client(sink)
    client._serverVersion = VERSION
    client.decoder.serverVersion = VERSION
    client._apiReady = True
    return client, sink


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(MESSAGES)))
    fields, _expected = MESSAGES[name]
    return name, {key: draw(strategy) for key, strategy in fields.items()}


def _same(got: tuple, wanted: tuple) -> bool:
    return len(got) == len(wanted) and all(
        g == w or (isinstance(w, float) and math.isnan(w) and math.isnan(g))
        for g, w in zip(got, wanted, strict=True)
    )


@given(sent=st.lists(messages(), min_size=1, max_size=5), cut=st.integers(0, 10_000))
def test_what_the_simulator_encodes_ib_async_reads_back(
    sent: list[tuple[str, dict[str, Any]]], cut: int
) -> None:
    stream = b"".join(framing.encode_fields(encode(name, VERSION, **v)) for name, v in sent)
    client, sink = _ib_async_reader()
    cut %= len(stream) + 1
    client._onSocketHasData(stream[:cut])  # any split of the stream, as TCP delivers it
    client._onSocketHasData(stream[cut:])
    wanted = [MESSAGES[name][1](values, name) for name, values in sent]
    calls = [c for c in sink.calls if not c[0].startswith("tcpData")]  # its own bookkeeping
    assert [call for call, _ in calls] == [call for call, _ in wanted]
    for (_, got), (_, expected) in zip(calls, wanted, strict=True):
        assert _same(got, expected), (got, expected)


@given(data=st.binary(max_size=300), prefixed=st.booleans())
def test_any_bytes_are_messages_or_a_framing_error(data: bytes, prefixed: bool) -> None:
    reader = FrameReader(max_size=4096)
    with contextlib.suppress(FramingError):
        for body in reader.feed((framing.API_SIGN if prefixed else b"") + data):
            assert 0 < len(body) <= 4096


#: Request ids the server knows, to aim generated fields at its real decoders.
KNOWN_IDS = st.sampled_from(sorted(REQUESTS))
FIELD = st.one_of(
    TEXT,
    st.sampled_from(["", "0", "-1", "1e400", "nan", "inf", "-inf", "2147483648", "9" * 30]),
    st.integers(-(2**40), 2**40).map(str),
)


@given(msg_id=st.one_of(KNOWN_IDS.map(str), FIELD), fields=st.lists(FIELD, max_size=60))
def test_any_fields_decode_or_are_a_decode_error(msg_id: str, fields: list[str]) -> None:
    with contextlib.suppress(DecodeError):
        decode([msg_id, *fields], VERSION)


def _garbage(rng: random.Random) -> bytes:
    """What a broken or hostile client sends after a good handshake: framed junk fields for a
    real request id, random bytes, absurd lengths, truncated frames."""
    kind = rng.randrange(4)
    if kind == 0:
        msg_id = rng.choice(sorted(REQUESTS))
        fields = [str(msg_id)] + [
            rng.choice(["", "x", "-1", "1e400", "nan", str(rng.getrandbits(40)), "ÿ"])
            for _ in range(rng.randrange(0, 40))
        ]
        return framing.encode_fields(fields)
    if kind == 1:
        return rng.randbytes(rng.randrange(1, 200))
    if kind == 2:
        return (rng.choice([0, 2**24 + 1, 2**32 - 1])).to_bytes(4, "big") + b"junk\0"
    return framing.encode_fields(["3", "1"])[: rng.randrange(1, 6)] + rng.randbytes(3)


@pytest.mark.asyncio
async def test_the_gateway_survives_any_bytes_and_serves_others(
    sim_gateway: SimulatedGateway, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(22)
    payloads = [_garbage(rng) for _ in range(60)]
    closed = answered = waiting = 0
    for payload in payloads:
        client = await RawClient.open(sim_gateway.port)
        try:
            await client.start(77)
            client.writer.write(payload)
            client.send(49, 1)  # reqCurrentTime: answered if the junk was refused, not fatal
            try:
                await client.read_until("49", timeout=1)
                answered += 1
            except (asyncio.IncompleteReadError, ConnectionError):
                closed += 1  # a framing error closes this client, as TWS does
            except TimeoutError:
                waiting += 1  # a frame's length promised more bytes: TWS waits for them too
        finally:
            client.close()
    probe = await RawClient.open(sim_gateway.port)
    try:
        await probe.start(78)
        assert await probe.round_trip() < 5  # still serving
    finally:
        probe.close()
    crashed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert crashed == []  # no handler raised on the junk (that would be 322, not 320)
    outcome = f"{closed} closed, {answered} answered, {waiting} waiting for the frame's rest"
    tried(f"raw bytes at the gateway ({outcome})", len(payloads))
