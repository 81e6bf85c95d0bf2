"""Requests no well-behaved client sends, over a real socket: each gets TWS's error for that
request and the connection stays (issue 12, items 3 and 4).

Numbers that do not fit a 32-bit integer field are "Error reading request" (320), as TWS's own
parser fails on them; absurd values that parse are refused with the request's validation error
(201 for orders, 162/321 for history), never 322 "unexpected error".
"""

from __future__ import annotations

import logging
import math

import pytest
from ib_async import Contract, LimitOrder

from terminal_app.simulator.gateway import SimulatedGateway
from tests.raw_client import RawClient, ib_async_fields

pytestmark = pytest.mark.asyncio

AAPL = Contract(conId=265598, symbol="AAPL", secType="STK", exchange="SMART", currency="USD")
MARKER = 424242  # stands for the field a case replaces
ORDER_ID = 77


def with_field(call: str, value: str, *args: object) -> list[str]:
    """The fields ib_async sends for `call(*args)`, with the `MARKER` field set to `value`."""
    fields = ib_async_fields(178, call, *args)
    assert fields.count(str(MARKER)) == 1
    return [value if field == str(MARKER) else field for field in fields]


def marked_contract() -> Contract:
    return Contract(conId=MARKER, symbol="AAPL", secType="STK", exchange="SMART", currency="USD")


def history(duration: str = "1 D", end: str = "", format_date: object = 1) -> list[str]:
    return ib_async_fields(
        178, "reqHistoricalData", 8, AAPL, end, duration, "1 day", "TRADES", True, format_date,
        False, [],
    )  # fmt: skip


OVERFLOWING = {
    "reqMktData reqId inf": with_field("reqMktData", "inf", MARKER, AAPL, "", False, False, []),
    "reqMktData conId 1e400": with_field(
        "reqMktData", "1e400", 3, marked_contract(), "", False, False, []
    ),
    "reqHistoricalData formatDate 5000 digits": [
        "9" * 5000 if f == str(MARKER) else f for f in history(format_date=MARKER)
    ],
    "placeOrder orderId 2**63-1": with_field(
        "placeOrder", str(2**63 - 1), MARKER, AAPL, LimitOrder("BUY", 1, 100.0)
    ),
    "cancelOrder orderId -inf": with_field("cancelOrder", "-inf", MARKER, ""),
    "reqContractDetails conId nan": with_field("reqContractDetails", "nan", 9, marked_contract()),
}


@pytest.mark.parametrize("fields", OVERFLOWING.values(), ids=OVERFLOWING.keys())
async def test_a_number_that_does_not_fit_is_error_320_and_the_client_stays(
    sim_gateway: SimulatedGateway, fields: list[str]
) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        await client.start(31)
        error = await client.error_for(*fields)
        assert error[3] == "320" and error[4].startswith("Error reading request")
        assert await client.round_trip() < 5
    finally:
        client.close()


def order(quantity: float = 100, price: float = 189.0) -> list[str]:
    return ib_async_fields(178, "placeOrder", ORDER_ID, AAPL, LimitOrder("BUY", quantity, price))


ABSURD = {
    "quantity 1e308": (order(quantity=1e308), ORDER_ID, 201),
    "quantity nan": (order(quantity=math.nan), ORDER_ID, 201),
    "quantity inf": (order(quantity=math.inf), ORDER_ID, 201),
    "limit price 1e308": (order(price=1e308), ORDER_ID, 201),
    "history duration 99999 Y": (history(duration="99999 Y"), 8, 162),
    "history time zone Mars/Olympus": (history(end="20261124 10:00:00 Mars/Olympus"), 8, 321),
}


@pytest.mark.parametrize(("fields", "req_id", "code"), ABSURD.values(), ids=ABSURD.keys())
async def test_an_absurd_value_gets_its_validation_error_and_the_client_stays(
    sim_gateway: SimulatedGateway, fields: list[str], req_id: int, code: int
) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        await client.start(32)
        error = await client.error_for(*fields)
        assert (int(error[2]), int(error[3])) == (req_id, code), error
        assert await client.round_trip() < 5
        assert not sim_gateway.engine.open_orders()
    finally:
        client.close()


async def test_a_5000_digit_version_closes_quietly(
    sim_gateway: SimulatedGateway, caplog: pytest.LogCaptureFixture
) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        with caplog.at_level(logging.WARNING, logger="terminal_app.simulator"):
            client.writer.write(b"API\0" + len(b"v1" + b"5" * 5000).to_bytes(4, "big"))
            client.writer.write(b"v1" + b"5" * 5000)
            assert await client.closed_by_server()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    finally:
        client.close()
