"""SIGKILL of the gateway in the middle of order writes leaves a consistent paper account.

The gateway (`ib-terminal-sim`, its own process, state on disk) gets a burst of orders (market
orders that fill, resting limits, cancels) and is SIGKILLed at a random moment of it, several
times; after each restart the account it reads back must agree with itself and with what the
client was told before the kill:
- every order the gateway acknowledged is in its record (open or completed), every fill it
  reported is among its executions;
- each position equals the sum of the executions in that contract, and the cash equals the
  starting cash less what the executions cost and their commissions;
- no order id is used twice, and the next id it hands out is above every id it answered to or
  keeps working (ids of orders it never read, the kill coming first, may come again).
"""

import asyncio
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from ib_async import IB, Contract, LimitOrder, MarketOrder, Stock, Trade

from terminal_app.simulator.config import SimConfig
from tests.reliability.gateway_process import GatewayProcess, gateway_process
from tests.sim_fixtures import qualified
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio
KILLS = 3
BURST = 12
CLIENT_ID = 3


async def connected(port: int) -> IB:
    ib = IB()
    ib.RaiseRequestErrors = False
    await ib.connectAsync("127.0.0.1", port, clientId=CLIENT_ID, timeout=20)
    return ib


def burst(ib: IB, contract: Contract, bid: float, chance: random.Random) -> list[Trade]:
    """Orders as fast as the client sends them: fills, resting limits and cancels."""
    trades: list[Trade] = []
    for n in range(BURST):
        pick = chance.random()
        if pick < 0.4:
            action = "BUY" if n % 2 == 0 else "SELL"
            trades.append(ib.placeOrder(contract, MarketOrder(action, 1 + n % 3)))
        elif pick < 0.8 or not trades:
            price = round(bid * (0.9 + 0.01 * chance.random()), 2)
            trades.append(ib.placeOrder(contract, LimitOrder("BUY", 1, price, tif="GTC")))
        else:
            ib.cancelOrder(trades[-1].order)
    return trades


def acknowledged(trades: list[Trade]) -> tuple[set[int], set[str]]:
    """permIds of the orders the gateway answered, execIds of the fills it reported."""
    perm_ids = {t.order.permId for t in trades if t.order.permId}
    exec_ids = {f.execution.execId for t in trades for f in t.fills}
    return perm_ids, exec_ids


async def check_account(ib: IB, perm_ids: set[int], exec_ids: set[str], top_id: int) -> None:
    await asyncio.wait_for(ib.reqCompletedOrdersAsync(apiOnly=True), 10)
    await asyncio.wait_for(ib.reqExecutionsAsync(), 10)
    # The commission reports follow the executions' end, and ib_async files them on its own
    # Fill objects (`ib.fills()`), not on the ones reqExecutions returned.
    await asyncio.wait_for(ib.reqCurrentTimeAsync(), 10)
    fills = ib.fills()
    known = {t.order.permId for t in ib.trades()}
    assert perm_ids <= known, f"orders lost: {sorted(perm_ids - known)}"
    found = {f.execution.execId for f in fills}
    assert exec_ids <= found, f"fills lost: {sorted(exec_ids - found)}"
    assert len(found) == len(fills), "an execution recorded twice"
    held: dict[int, Decimal] = defaultdict(Decimal)
    spent = Decimal(0)
    for fill in fills:
        sign = 1 if fill.execution.side == "BOT" else -1
        shares = Decimal(repr(fill.execution.shares))
        held[fill.contract.conId] += sign * shares
        spent += sign * shares * Decimal(repr(fill.execution.price))
        spent += Decimal(repr(fill.commissionReport.commission))
    positions = {p.contract.conId: Decimal(repr(p.position)) for p in ib.positions()}
    assert {k: v for k, v in held.items() if v} == {k: v for k, v in positions.items() if v}
    cash = next(
        Decimal(v.value)
        for v in ib.accountValues()
        if v.tag == "TotalCashValue" and v.currency == "USD"
    )
    assert abs(cash - (SimConfig().starting_cash - spent)) < Decimal("0.01"), (cash, spent)
    ids = [t.order.orderId for t in ib.openTrades()]
    assert len(ids) == len(set(ids)), "an order id used twice"
    # Ids the gateway never read (killed first) may be handed out again; none it answered to.
    next_id = ib.client.getReqId()
    assert next_id > max(top_id, *ids, 0), "the next order id is not above every id used"


async def test_gateway_killed_during_order_writes(tmp_path: Path) -> None:
    chance = random.Random(22)
    async with gateway_process(tmp_path / "gateway") as gateway:
        perm_ids: set[int] = set()
        exec_ids: set[str] = set()
        top_id = 0
        for _kill in range(KILLS):
            ib = await connected(gateway.port)
            try:
                aapl = await qualified(ib, Stock("AAPL", "SMART", "USD"))
                [ticker] = await ib.reqTickersAsync(aapl)
                trades = burst(ib, aapl, ticker.bid, chance)
                await asyncio.sleep(chance.uniform(0.0, 0.05))  # somewhere in the burst's writes
                await kill(gateway)
                ours, reported = acknowledged(trades)
                answered = [t.order.orderId for t in trades if t.order.permId]
                top_id = max(top_id, *answered, 0)
                perm_ids |= ours
                exec_ids |= reported
            finally:
                ib.disconnect()
            await gateway.start()
            ib = await connected(gateway.port)
            try:
                await check_account(ib, perm_ids, exec_ids, top_id)
            finally:
                ib.disconnect()
        assert exec_ids and perm_ids, "no order was ever acknowledged before a kill"


async def kill(gateway: GatewayProcess) -> None:
    await gateway.kill()
    await wait_until(lambda: gateway.proc is not None and gateway.proc.returncode is not None)
