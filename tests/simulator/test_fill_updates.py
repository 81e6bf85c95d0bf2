"""Positions and portfolio follow a fill at once, as with TWS (issue 19: they lagged ~1 s)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from ib_async import IB, MarketOrder, Stock

from terminal_app.simulator.gateway import SimulatedGateway
from tests.sim_fixtures import connected_ib, qualified


@pytest.mark.asyncio
async def test_positions_and_portfolio_are_current_when_the_fill_arrives(
    sim_gateway: SimulatedGateway,
) -> None:
    async with connected_ib(sim_gateway) as ib, connected_ib(sim_gateway, client_id=2) as other:
        aapl = await qualified(ib, Stock("AAPL", "SMART", "USD"))
        filled = asyncio.Event()
        position_at: list[float] = []
        ib.positionEvent += lambda p: position_at.append(time.perf_counter())
        trade = ib.placeOrder(aapl, MarketOrder("BUY", 7))
        trade.filledEvent += lambda _: filled.set()
        await asyncio.wait_for(filled.wait(), 5)
        filled_at = time.perf_counter()

        assert [(p.contract.conId, p.position) for p in ib.positions()] == [(aapl.conId, 7)]
        assert [(p.contract.conId, p.position) for p in ib.portfolio()] == [(aapl.conId, 7)]
        assert position_at and position_at[0] - filled_at < 0.1
        # Another client of the same account sees it within the same moment.
        await _until(lambda: bool(other.positions()), other, 0.2)


async def _until(condition: Callable[[], bool], ib: IB, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        assert time.perf_counter() < deadline, "condition not met in time"
        await asyncio.wait_for(ib.updateEvent, deadline - time.perf_counter())
