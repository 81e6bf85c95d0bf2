"""Account streams through ib_async: summary tags, updates, multi updates, PnL once a second."""

from __future__ import annotations

import asyncio

import pytest
from ib_async import IB, MarketOrder, Stock

from terminal_app.simulator.gateway import SimulatedGateway
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio

ACCOUNT = "DU1234567"


async def test_account_summary_tags(sim_ib: IB) -> None:
    rows = await asyncio.wait_for(sim_ib.accountSummaryAsync(ACCOUNT), 5)
    tags = {r.tag: r for r in rows}
    for tag in (
        "NetLiquidation",
        "TotalCashValue",
        "BuyingPower",
        "AvailableFunds",
        "ExcessLiquidity",
        "GrossPositionValue",
        "AccountType",
    ):
        assert tag in tags, tag
    assert float(tags["NetLiquidation"].value) == pytest.approx(1_000_000, rel=1e-6)
    assert tags["NetLiquidation"].currency == "USD"


async def test_account_values_by_currency_and_multi_updates(sim_ib: IB) -> None:
    values = {(v.tag, v.currency): v.value for v in sim_ib.accountValues()}
    assert ("NetLiquidationByCurrency", "BASE") in values
    assert ("CashBalance", "USD") in values
    seen: list[str] = []
    sim_ib.accountValueEvent += lambda value: seen.append(value.tag)
    # ib_async returns nothing from this request; its rows arrive as accountValueEvent.
    await asyncio.wait_for(sim_ib.reqAccountUpdatesMultiAsync(ACCOUNT), 5)
    assert {"NetLiquidation", "TotalCashValue"} <= set(seen)


async def test_pnl_streams_follow_a_fill(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    [aapl] = await sim_ib.qualifyContractsAsync(Stock("AAPL", "SMART", "USD"))
    assert aapl is not None
    pnl = sim_ib.reqPnL(ACCOUNT)
    await wait_until(lambda: pnl.realizedPnL == pnl.realizedPnL, 5, "no pnl")  # not nan
    trade = sim_ib.placeOrder(aapl, MarketOrder("BUY", 200))  # type: ignore[arg-type]
    await wait_until(lambda: trade.orderStatus.status == "Filled", 5)
    single = sim_ib.reqPnLSingle(ACCOUNT, "", aapl.conId)  # type: ignore[union-attr]
    await wait_until(lambda: single.position == 200 and single.value > 0, 5)
    gross = [
        v for v in sim_ib.accountValues() if v.tag == "GrossPositionValue" and v.currency == "USD"
    ]
    await wait_until(
        lambda: any(
            v.tag == "GrossPositionValue" and float(v.value) > 0 for v in sim_ib.accountValues()
        ),
        5,
        f"gross position value still {gross}",
    )
    sim_ib.cancelPnL(ACCOUNT)
    sim_ib.cancelPnLSingle(ACCOUNT, "", aapl.conId)  # type: ignore[union-attr]
    conn = sim_gateway.server.by_client_id[1]
    await wait_until(lambda: conn.count("pnl", "pnlSingle") == 0, 5)
