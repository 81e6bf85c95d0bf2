"""Reconnect after the gateway drops us or restarts: restore, re-sync, never re-send."""

import asyncio
from pathlib import Path

import pytest
from ib_async import LimitOrder, Stock, Trade

from terminal_app.session import (
    Backoff,
    BarsSpec,
    BrokerSession,
    Phase,
    ProfileKind,
    SessionSettings,
    make_profile,
)
from terminal_app.session.subscriptions import TickerHandle
from terminal_app.simulator.gateway import SimulatedGateway
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.sim_fixtures import connected_ib, sim_config
from tests.waiting import wait_until


async def trading_with_a_quote(session: BrokerSession, port: int) -> tuple[TickerHandle, Trade]:
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=port))
    aapl = await session.qualify(Stock("AAPL", "SMART", "USD"))
    quote = session.ticker(aapl)
    await wait_until(lambda: quote.ticker is not None and quote.ticker.bid > 0)
    assert quote.ticker is not None
    resting = LimitOrder("BUY", 1, round(quote.ticker.bid * 0.5, 2), tif="GTC")
    trade = session.place_order(aapl, resting)
    await wait_until(lambda: trade.orderStatus.status == "Submitted")
    return quote, trade


def phases(session: BrokerSession) -> list[Phase]:
    seen: list[Phase] = []
    session.stateChanged.connect(lambda s: seen.append(s.phase))
    return seen


@pytest.mark.asyncio
async def test_reconnects_after_the_gateway_drops_all_clients(
    session: BrokerSession, sim_gateway: SimulatedGateway, tap: WireTap
) -> None:
    quote, trade = await trading_with_a_quote(session, tap.port)
    aapl = quote.contract
    assert aapl is not None
    book = session.depth(aapl, rows=5)
    chart = session.bars(aapl, BarsSpec("1800 S", "1 min"))
    pnl = session.pnl()
    await wait_until(lambda: not (book.stale or chart.stale or pnl.stale), timeout=10)
    old_ticker, old_bars = quote.ticker, chart.bars
    seen = phases(session)
    replaced: list[int] = []
    quote.replaced.connect(lambda: replaced.append(1))
    stale: list[bool] = []
    quote.staleChanged.connect(stale.append)

    assert sim_gateway.control.drop_clients() == 1
    await wait_until(lambda: session.state.phase is Phase.RECONNECTING)
    assert not session.trading_allowed and "Reconnecting" in session.trading_reason
    await wait_until(lambda: session.state.phase is Phase.CONNECTED, timeout=15)
    assert seen[0] is Phase.RECONNECTING and seen[-1] is Phase.CONNECTED

    # Market data restored from the registry, on a fresh ib_async Ticker.
    await wait_until(lambda: quote.ticker is not old_ticker and not quote.stale)
    assert replaced and stale[:1] == [True] and stale[-1] is False
    assert tap.count(wire.REQ_MKT_DATA) == 2
    # Depth, bars and PnL too.
    await wait_until(lambda: not (book.stale or chart.stale or pnl.stale), timeout=10)
    assert chart.bars is not old_bars and chart.bars is not None and len(chart.bars) > 0
    assert tap.count(wire.REQ_MKT_DEPTH) == 2 and tap.count(wire.REQ_PNL) == 2
    assert tap.count(wire.REQ_HISTORICAL_DATA) == 2
    # Orders re-synced, never re-sent.
    assert tap.count(wire.PLACE_ORDER) == 1
    assert tap.count(wire.REQ_OPEN_ORDERS) == 2
    await wait_until(
        lambda: any(t.order.orderId == trade.order.orderId for t in session.open_trades())
    )
    assert session.trading_allowed


@pytest.mark.asyncio
async def test_reconnects_after_the_gateway_stops_and_restarts(
    session: BrokerSession, tmp_path: Path
) -> None:
    config = sim_config(state_dir=tmp_path)
    gateway = SimulatedGateway(config)
    port = await gateway.start("127.0.0.1", 0)
    tap = WireTap(port)
    await tap.start()
    try:
        quote, trade = await trading_with_a_quote(session, tap.port)
        await gateway.stop()
        await wait_until(lambda: session.state.phase is Phase.RECONNECTING)
        # Nothing listens: attempts fail and back off (capped), each announced.
        await wait_until(lambda: session.state.attempt >= 3)
        assert "closed the connection during the API handshake" in session.state.reason
        gateway = SimulatedGateway(config)
        await gateway.start("127.0.0.1", port)
        await wait_until(lambda: session.state.phase is Phase.CONNECTED, timeout=15)
        await wait_until(lambda: not quote.stale and quote.ticker is not None)
        assert tap.count(wire.REQ_MKT_DATA) == 2
        assert tap.count(wire.PLACE_ORDER) == 1  # nothing re-sent
        assert tap.count(wire.REQ_OPEN_ORDERS) == 2  # re-synced
        # The GTC order survived the restart (the gateway keeps its state) and is shown again.
        await wait_until(
            lambda: [t.order.orderId for t in session.open_trades()] == [trade.order.orderId]
        )
    finally:
        await tap.stop()
        await gateway.stop()


@pytest.mark.asyncio
async def test_user_can_cancel_reconnecting(
    session: BrokerSession, sim_gateway: SimulatedGateway
) -> None:
    profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port)
    assert await session.open_connection(profile)
    await sim_gateway.control.stop_listening()
    sim_gateway.control.drop_clients()
    await wait_until(lambda: session.state.phase is Phase.RECONNECTING)
    session.cancel_reconnect()
    assert session.state.phase is Phase.DISCONNECTED
    assert "cancelled" in session.state.reason
    await sim_gateway.control.resume_listening()
    await asyncio.sleep(0.3)  # longer than the backoff cap: a live retry loop would reconnect
    assert session.state.phase is Phase.DISCONNECTED and not session.ib.isConnected()


@pytest.mark.asyncio
async def test_duplicate_client_id_while_reconnecting_stops_the_retries(
    sim_gateway: SimulatedGateway,
) -> None:
    session = BrokerSession(SessionSettings(backoff=Backoff(initial=0.5, cap=0.5)))
    try:
        profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port, client_id=7)
        assert await session.open_connection(profile)
        sim_gateway.control.drop_clients()
        await wait_until(lambda: session.state.phase is Phase.RECONNECTING)
        # Another program takes client id 7 before our first retry (0.5 s backoff).
        async with connected_ib(sim_gateway, client_id=7):
            await wait_until(lambda: session.state.phase is Phase.FAILED, timeout=5)
            assert "client id 7 is already in use" in session.state.reason
            await asyncio.sleep(0.7)  # past the backoff: no further attempt
            assert session.state.phase is Phase.FAILED and session.state.attempt == 0
    finally:
        await session.close()
