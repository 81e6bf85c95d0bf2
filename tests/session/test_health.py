"""STALE marking by farm and connectivity codes, and what 1100/1101/1102 do to the session."""

import pytest
from ib_async import LimitOrder, Stock

from terminal_app.session import (
    BarsSpec,
    BrokerSession,
    Phase,
    ProfileKind,
    TickerHandle,
    make_profile,
)
from terminal_app.simulator.gateway import SimulatedGateway
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.sim_fixtures import SIM_ACCOUNT
from tests.waiting import wait_until


async def live_ticker(session: BrokerSession, tap: WireTap) -> TickerHandle:
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=tap.port))
    aapl = await session.qualify(Stock("AAPL", "SMART", "USD"))
    handle = session.ticker(aapl)
    await wait_until(lambda: not handle.stale and handle.ticker is not None)
    return handle


@pytest.mark.asyncio
async def test_market_farm_down_marks_quotes_stale_until_data_flows(
    session: BrokerSession, sim_gateway: SimulatedGateway, tap: WireTap
) -> None:
    quote = await live_ticker(session, tap)
    aapl = quote.contract
    assert aapl is not None
    chart = session.bars(aapl, BarsSpec("1800 S", "1 min"))
    await wait_until(lambda: not chart.stale, timeout=10)
    flips: list[bool] = []
    quote.staleChanged.connect(flips.append)
    sim_gateway.control.pause_feed()
    sim_gateway.control.inject_error(2103, "Market data farm connection is broken:usfarm")
    await wait_until(lambda: quote.stale)
    assert not chart.stale  # the historical farm is fine
    sim_gateway.control.inject_error(2104, "Market data farm connection is OK:usfarm")
    await wait_until(lambda: not quote.stale)
    assert flips == [True, False]
    assert [m.code for m in session.messages if m.code in (2103, 2104)][-2:] == [2103, 2104]
    sim_gateway.control.resume_feed()


@pytest.mark.asyncio
async def test_quotes_silent_after_the_farm_is_back_are_requested_again(
    session: BrokerSession, sim_gateway: SimulatedGateway, tap: WireTap
) -> None:
    quote = await live_ticker(session, tap)
    requests = tap.count(wire.REQ_MKT_DATA)
    sim_gateway.control.pause_feed()
    sim_gateway.control.farm_blip()  # 2103 then 2104, and no data flows afterwards
    await wait_until(lambda: tap.count(wire.REQ_MKT_DATA) == requests + 1)
    assert tap.count(wire.CANCEL_MKT_DATA) == 1
    sim_gateway.control.resume_feed()
    await wait_until(lambda: not quote.stale)


@pytest.mark.asyncio
async def test_historical_farm_down_marks_bars_stale(
    session: BrokerSession, sim_gateway: SimulatedGateway, tap: WireTap
) -> None:
    quote = await live_ticker(session, tap)
    assert quote.contract is not None
    chart = session.bars(quote.contract, BarsSpec("1800 S", "1 min"))
    await wait_until(lambda: not chart.stale, timeout=10)
    sim_gateway.control.inject_error(2105, "HMDS data farm connection is broken:ushmds")
    await wait_until(lambda: chart.stale)
    assert not quote.stale  # quotes come from the market data farm, which is fine
    sim_gateway.control.inject_error(2106, "HMDS data farm connection is OK:ushmds")
    await wait_until(lambda: not chart.stale, timeout=10)


@pytest.mark.asyncio
async def test_1100_blocks_orders_and_1102_restores_without_resubscribing(
    session: BrokerSession, sim_gateway: SimulatedGateway, tap: WireTap
) -> None:
    quote = await live_ticker(session, tap)
    requests = tap.count(wire.REQ_MKT_DATA)
    sim_gateway.control.pause_feed()
    sim_gateway.control.connectivity_lost()
    await wait_until(lambda: session.state.phase is Phase.RECONNECTING)
    assert session.state.attempt == 0 and "1100" in session.state.reason
    assert not session.trading_allowed and "1100" in session.trading_reason
    assert quote.stale
    sim_gateway.control.connectivity_restored(data_lost=False)
    await wait_until(lambda: session.state.phase is Phase.CONNECTED)
    assert session.trading_allowed and not quote.stale
    sim_gateway.control.resume_feed()
    assert tap.count(wire.REQ_MKT_DATA) == requests  # 1102: data kept, nothing re-requested


@pytest.mark.asyncio
async def test_1101_resubscribes_everything_and_resyncs(
    session: BrokerSession, sim_gateway: SimulatedGateway, tap: WireTap
) -> None:
    quote = await live_ticker(session, tap)
    pnl = session.pnl()
    assert session.pnl(SIM_ACCOUNT).users == 2  # the default account by name: the same line
    await wait_until(lambda: not pnl.stale)
    assert quote.contract is not None and quote.ticker is not None
    resting = LimitOrder("BUY", 1, round(quote.ticker.bid * 0.5, 2), tif="GTC")
    trade = session.place_order(quote.contract, resting)
    await wait_until(lambda: trade.orderStatus.status == "Submitted")
    open_orders = tap.count(wire.REQ_OPEN_ORDERS)
    market, positions = tap.count(wire.REQ_MKT_DATA), tap.count(wire.REQ_POSITIONS)
    synced: list[int] = []
    session.synced.connect(lambda: synced.append(1))
    sim_gateway.control.connectivity_lost()
    await wait_until(lambda: quote.stale)
    sim_gateway.control.connectivity_restored(data_lost=True)
    await wait_until(lambda: tap.count(wire.REQ_MKT_DATA) == market + 1)
    await wait_until(lambda: not quote.stale)
    await wait_until(lambda: synced == [1], timeout=8)
    assert tap.count(wire.REQ_POSITIONS) == positions + 1
    # Orders are re-read, never re-sent; the working one is still listed.
    assert tap.count(wire.REQ_OPEN_ORDERS) == open_orders + 1
    assert tap.count(wire.PLACE_ORDER) == 1
    assert [t.order.orderId for t in session.open_trades()] == [trade.order.orderId]
    assert session.state.phase is Phase.CONNECTED and session.trading_allowed
    await wait_until(lambda: tap.count(wire.REQ_PNL) == 2 and not pnl.stale)
    assert not [m for m in session.messages if "request not sent" in m.text]


@pytest.mark.asyncio
async def test_cancel_during_1100_disconnects(
    session: BrokerSession, sim_gateway: SimulatedGateway, tap: WireTap
) -> None:
    await live_ticker(session, tap)
    sim_gateway.control.connectivity_lost()
    await wait_until(lambda: session.state.phase is Phase.RECONNECTING)
    session.cancel_reconnect()
    assert session.state.phase is Phase.DISCONNECTED and not session.ib.isConnected()
    assert not session.trading_allowed
