"""IB's own `ibapi` 9.81 client (offers up to version 157) against the simulated gateway.

ibapi is synchronous: its reader runs in a thread. The test never hands work to a thread pool
(`asyncio.to_thread` under qasync completes futures with a signal emitted from the worker thread,
and such cross-thread emits have crashed PySide6): blocking calls run in plain threads and the
test polls their outcome on its own loop, so the server keeps running meanwhile.

Python's garbage collector runs in whichever thread happens to allocate: if ibapi's threads
trigger it while earlier tests left Qt objects in reference cycles, Qt would delete them off the
GUI thread and crash. So each test first collects garbage on the main thread.
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from typing import Any

import pytest
from ibapi.client import EClient
from ibapi.contract import Contract as IBContract
from ibapi.wrapper import EWrapper

from terminal_app.simulator.gateway import SimulatedGateway
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> None:
    gc.collect()


class App(EWrapper, EClient):
    """Records every callback by name; `wait(name)` blocks until one has arrived."""

    def __init__(self) -> None:
        EWrapper.__init__(self)
        EClient.__init__(self, wrapper=self)
        self.calls: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.cond = threading.Condition()

    def _record(self, name: str, *args: Any) -> None:
        with self.cond:
            self.calls[name].append(args)
            self.cond.notify_all()

    def wait(self, name: str, count: int = 1, timeout: float = 5.0) -> list[tuple[Any, ...]]:
        with self.cond:
            ok = self.cond.wait_for(lambda: len(self.calls[name]) >= count, timeout)
        assert ok, f"no {name} callback within {timeout}s (got {sorted(self.calls)})"
        return self.calls[name]

    def nextValidId(self, orderId: int) -> None:
        self._record("nextValidId", orderId)

    def managedAccounts(self, accountsList: str) -> None:
        self._record("managedAccounts", accountsList)

    def currentTime(self, time: int) -> None:
        self._record("currentTime", time)

    def error(self, reqId: int, errorCode: int, errorString: str, *rest: Any) -> None:
        self._record("error", reqId, errorCode, errorString)

    def contractDetails(self, reqId: int, contractDetails: Any) -> None:
        self._record("contractDetails", reqId, contractDetails)

    def contractDetailsEnd(self, reqId: int) -> None:
        self._record("contractDetailsEnd", reqId)

    def tickPrice(self, reqId: int, tickType: int, price: float, attrib: Any) -> None:
        self._record("tickPrice", reqId, tickType, price)

    def tickSize(self, reqId: int, tickType: int, size: int) -> None:
        self._record("tickSize", reqId, tickType, size)

    def historicalData(self, reqId: int, bar: Any) -> None:
        self._record("historicalData", reqId, bar)

    def historicalDataEnd(self, reqId: int, start: str, end: str) -> None:
        self._record("historicalDataEnd", reqId, start, end)

    def position(self, account: str, contract: Any, position: Any, avgCost: float) -> None:
        self._record("position", account, contract, position, avgCost)

    def positionEnd(self) -> None:
        self._record("positionEnd")

    def openOrder(self, orderId: int, contract: Any, order: Any, orderState: Any) -> None:
        self._record("openOrder", orderId, contract, order, orderState)

    def orderStatus(self, orderId: int, status: str, filled: Any, *rest: Any) -> None:
        self._record("orderStatus", orderId, status, filled)

    def execDetails(self, reqId: int, contract: Any, execution: Any) -> None:
        self._record("execDetails", reqId, contract, execution)

    def commissionReport(self, commissionReport: Any) -> None:
        self._record("commissionReport", commissionReport)

    def securityDefinitionOptionParameter(
        self,
        reqId: int,
        exchange: str,
        underlyingConId: int,
        tradingClass: str,
        multiplier: str,
        expirations: Any,
        strikes: Any,
    ) -> None:
        self._record("secDefOpt", reqId, exchange, tradingClass, expirations, strikes)

    def securityDefinitionOptionParameterEnd(self, reqId: int) -> None:
        self._record("secDefOptEnd", reqId)

    def tickOptionComputation(self, reqId: int, tickType: int, *values: Any) -> None:
        self._record("tickOptionComputation", reqId, tickType, *values)

    def updateMktDepth(
        self, reqId: int, position: int, operation: int, side: int, price: float, size: Any
    ) -> None:
        self._record("updateMktDepth", reqId, position, operation, side, price, size)


async def blocking(call: Any, *args: Any, timeout: float = 10.0) -> Any:
    """Run a blocking call in a plain thread; wait for it by polling, never by a signal."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = call(*args)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    await wait_until(lambda: not thread.is_alive(), timeout, f"{call} did not return")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def stock(symbol: str) -> IBContract:
    contract = IBContract()
    contract.symbol, contract.secType = symbol, "STK"
    contract.exchange, contract.currency = "SMART", "USD"
    return contract


async def run_app(port: int, app: App | None = None) -> tuple[App, threading.Thread]:
    app = app or App()
    await blocking(app.connect, "127.0.0.1", port, 3)
    thread = threading.Thread(target=app.run, daemon=True)
    thread.start()
    return app, thread


async def test_ibapi_handshake_at_157_and_basic_requests(sim_gateway: SimulatedGateway) -> None:
    app, thread = await run_app(sim_gateway.port)
    try:
        assert app.serverVersion() == 157
        await blocking(app.wait, "nextValidId")
        assert app.calls["managedAccounts"] == [("DU1234567",)]
        farm_codes = {c[1] for c in await blocking(app.wait, "error", 3)}
        assert {2104, 2106, 2158} <= farm_codes  # 5-field errors arrive at 157

        app.reqCurrentTime()
        [(epoch,)] = await blocking(app.wait, "currentTime")
        assert abs(epoch - sim_gateway.clock.epoch()) < 2

        app.reqContractDetails(7, stock("AAPL"))
        await blocking(app.wait, "contractDetailsEnd")
        [(req_id, details)] = app.calls["contractDetails"]
        assert req_id == 7 and details.contract.symbol == "AAPL" and details.minTick > 0

        app.reqContractDetails(8, stock("NOPE"))
        errors = await blocking(app.wait, "error", 4)
        assert (8, 200) in {(e[0], e[1]) for e in errors}
    finally:
        app.disconnect()
        await blocking(thread.join, 5)
    assert not thread.is_alive()


async def test_ibapi_market_data_history_and_orders_at_157(sim_gateway: SimulatedGateway) -> None:
    from ibapi.order import Order

    app, thread = await run_app(sim_gateway.port)
    try:
        await blocking(app.wait, "nextValidId")
        app.reqMktData(11, stock("AAPL"), "233", False, False, [])
        app.reqMktDepth(12, stock("AAPL"), 5, False, [])
        await blocking(app.wait, "tickSize", 3)
        await blocking(app.wait, "updateMktDepth", 10)
        assert {c[1] for c in app.calls["tickPrice"]} >= {1, 2, 4}
        assert all(isinstance(c[2], int) for c in app.calls["tickSize"])  # 9.81 needs ints

        app.reqHistoricalData(13, stock("AAPL"), "", "1 D", "5 mins", "TRADES", 1, 1, False, [])
        [(req_id, start, end)] = await blocking(app.wait, "historicalDataEnd")
        bars = [c[1] for c in app.calls["historicalData"]]
        assert req_id == 13 and len(bars) == 7 and start < end
        assert all(b.low <= b.open <= b.high and b.volume > 0 for b in bars)

        order = Order()
        order.action, order.totalQuantity, order.orderType = "BUY", 10, "MKT"
        order.eTradeOnly = order.firmQuoteOnly = False
        order_id = app.calls["nextValidId"][0][0]
        app.placeOrder(order_id, stock("AAPL"), order)
        await blocking(app.wait, "commissionReport")
        [opened, *_] = app.calls["openOrder"]
        assert opened[0] == order_id and opened[2].permId > 0  # 120-field openOrder parsed
        assert "Filled" in {c[1] for c in app.calls["orderStatus"]}
        [(exec_req, _contract, execution)] = app.calls["execDetails"]
        assert exec_req == -1 and execution.shares == 10 and execution.orderId == order_id
        assert thread.is_alive()  # the reader never died on a field it could not parse
    finally:
        app.disconnect()
        await blocking(thread.join, 5)


async def test_ibapi_option_chain_details_and_greeks_at_157(sim_gateway: SimulatedGateway) -> None:
    app, thread = await run_app(sim_gateway.port)
    try:
        await blocking(app.wait, "nextValidId")
        app.reqSecDefOptParams(21, "SPX", "", "IND", 416904)
        await blocking(app.wait, "secDefOptEnd")
        chains = {(c[1], c[2]): c for c in app.calls["secDefOpt"]}
        assert set(chains) == {
            ("SMART", "SPX"),
            ("CBOE", "SPX"),
            ("SMART", "SPXW"),
            ("CBOE", "SPXW"),
        }
        _, _, _, expirations, strikes = chains[("SMART", "SPXW")]
        option = IBContract()
        option.symbol, option.secType, option.exchange, option.currency = (
            "SPX",
            "OPT",
            "SMART",
            "USD",
        )
        option.tradingClass, option.right = "SPXW", "C"
        option.lastTradeDateOrContractMonth = sorted(expirations)[2]
        option.strike = sorted(strikes)[len(strikes) // 2]
        app.reqContractDetails(22, option)
        await blocking(app.wait, "contractDetailsEnd")
        [(_, details)] = app.calls["contractDetails"]  # the 41-field layout below 164
        assert details.contract.multiplier == "100" and details.underConId == 416904
        app.reqMktData(23, option, "", False, False, [])
        computations = await blocking(app.wait, "tickOptionComputation", 3)
        assert {c[1] for c in computations} >= {10, 11, 13}
        model = next(c for c in computations if c[1] == 13)
        assert model[3] > 0 and 0 < model[4] < 1  # implied vol, delta
        assert thread.is_alive()
    finally:
        app.disconnect()
        await blocking(thread.join, 5)
