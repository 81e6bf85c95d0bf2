"""Pins the ib_async internals the session relies on (all read through `ib_internals`), with the
real ib_async client against the simulator: the request id found for a live object is the one
that went over the wire, and the connection states mean what the supervisor takes them to mean.
An ib_async upgrade that changes any of this fails here, not somewhere inside the session."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from ib_async import IB, Contract, Stock

from terminal_app.session import ib_internals
from terminal_app.session.broker import BrokerSession
from terminal_app.simulator.gateway import SimulatedGateway
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.sim_fixtures import SIM_ACCOUNT, qualified
from tests.waiting import wait_until


@pytest_asyncio.fixture
async def tapped_ib(tap: WireTap) -> AsyncIterator[IB]:
    ib = IB()
    ib.RaiseRequestErrors = False
    await ib.connectAsync("127.0.0.1", tap.port, clientId=3, timeout=5)
    try:
        yield ib
    finally:
        ib.disconnect()


async def wire_req_id(tap: WireTap, msg_id: str, position: int) -> int:
    """The request id field of the last `msg_id` request the tap saw."""
    await wait_until(lambda: tap.count(msg_id) > 0)
    fields = [f for _, m, f in tap.frames if m == msg_id][-1]
    return int(fields[position])


@pytest.mark.asyncio
async def test_ticker_request_ids_are_the_ones_on_the_wire(tapped_ib: IB, tap: WireTap) -> None:
    ib = tapped_ib
    aapl: Contract = await qualified(ib, Stock("AAPL", "SMART", "USD"))
    quotes = ib.reqMktData(aapl)
    book = ib.reqMktDepth(aapl, 5)
    trades = ib.reqTickByTickData(aapl, "AllLast")
    assert quotes is book is trades  # one Ticker per contract: only the id tells the streams apart
    in_quotes = ib_internals.ticker_req_id(ib, quotes, ib_internals.MKT_DATA)
    in_book = ib_internals.ticker_req_id(ib, book, ib_internals.MKT_DEPTH)
    in_trades = ib_internals.ticker_req_id(ib, trades, "AllLast")
    assert in_quotes == await wire_req_id(tap, wire.REQ_MKT_DATA, 2)
    assert in_book == await wire_req_id(tap, wire.REQ_MKT_DEPTH, 2)
    assert in_trades == await wire_req_id(tap, wire.REQ_TICK_BY_TICK, 1)
    assert len({in_quotes, in_book, in_trades}) == 3 and 0 not in (in_quotes, in_book, in_trades)
    ib.cancelTickByTickData(aapl, "AllLast")
    assert ib_internals.ticker_req_id(ib, trades, "AllLast") == 0  # a cancelled stream has none


@pytest.mark.asyncio
async def test_pnl_request_ids_are_the_ones_on_the_wire(tapped_ib: IB, tap: WireTap) -> None:
    ib = tapped_ib
    assert ib_internals.pnl_req_id(ib, SIM_ACCOUNT, "") == 0
    ib.reqPnL(SIM_ACCOUNT)
    assert ib_internals.pnl_req_id(ib, SIM_ACCOUNT, "") == await wire_req_id(tap, wire.REQ_PNL, 1)
    ib.reqPnLSingle(SIM_ACCOUNT, "", 265598)
    single = ib_internals.pnl_single_req_id(ib, SIM_ACCOUNT, "", 265598)
    assert single == await wire_req_id(tap, wire.REQ_PNL_SINGLE, 1) and single > 0
    ib.cancelPnL(SIM_ACCOUNT)
    ib.cancelPnLSingle(SIM_ACCOUNT, "", 265598)
    assert ib_internals.pnl_req_id(ib, SIM_ACCOUNT, "") == 0
    assert ib_internals.pnl_single_req_id(ib, SIM_ACCOUNT, "", 265598) == 0


@pytest.mark.asyncio
async def test_connection_states_through_a_connect_and_a_disconnect(
    sim_gateway: SimulatedGateway,
) -> None:
    ib = IB()
    assert not ib_internals.socket_open(ib) and not ib_internals.connecting(ib)
    sim_gateway.control.set_latency(0.2)  # a handshake slow enough to observe
    connect = asyncio.ensure_future(ib.connectAsync("127.0.0.1", sim_gateway.port, clientId=4))
    seen_connecting = False
    while not connect.done():
        if ib_internals.connecting(ib):
            seen_connecting = True
            assert ib_internals.socket_open(ib) and not ib.isConnected()
        await asyncio.sleep(0)
    await connect
    try:
        assert seen_connecting
        assert ib_internals.socket_open(ib) and not ib_internals.connecting(ib)
        before = ib_internals.messages_received(ib)
        await ib.reqCurrentTimeAsync()
        assert ib_internals.messages_received(ib) > before
    finally:
        ib.disconnect()
    assert not ib_internals.socket_open(ib) and not ib_internals.connecting(ib)


@pytest.mark.asyncio
async def test_capped_socket_reads_hand_ib_async_no_more_than_the_cap(sim_ib: IB) -> None:
    """The quadratic-decode mitigation relies on the loop's transport reading `max_size` bytes
    per `recv`, and on ib_async reassembling messages split across reads."""
    ib = sim_ib
    reads: list[int] = []
    ib.client.conn.hasData += lambda data: reads.append(len(data))
    assert ib_internals.cap_socket_reads(ib, 1024)
    aapl = await qualified(ib, Stock("AAPL", "SMART", "USD"))
    reads.clear()
    bars = await asyncio.wait_for(
        ib.reqHistoricalDataAsync(aapl, "", "2 D", "1 min", "TRADES", useRTH=True), 30
    )
    assert len(bars) > 300  # tens of KB: many reads
    assert max(reads) == 1024 and sum(reads) > 20 * 1024


@pytest.mark.asyncio
async def test_the_session_caps_its_socket_reads(sim_session: BrokerSession) -> None:
    transport = sim_session.ib.client.conn.transport
    assert getattr(transport, "max_size", None) == ib_internals.READ_BYTES


@pytest.mark.asyncio
async def test_a_market_rule_request_is_answered_through_its_future(tapped_ib: IB) -> None:
    ib = tapped_ib
    aapl = await qualified(ib, Stock("AAPL", "SMART", "USD"))
    [details] = await ib.reqContractDetailsAsync(aapl)
    rule = int(details.marketRuleIds.split(",")[0])
    increments = await asyncio.wait_for(ib_internals.request_market_rule(ib, rule), 5)
    assert increments and increments[0].lowEdge == 0 and increments[0].increment == 0.01
