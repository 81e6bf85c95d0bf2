"""Every request ib_async can send gets an answer from the gateway: data, an end message, or the
error TWS sends with the request's own id. No call may hang (issue 19).

Table-driven over ib_async's request methods (terminal_app/simulator/REQUESTS.md is the same
table in prose). The calls run concurrently, each bounded by its own timeout, so the table costs
about as long as its slowest row (a 5-second bar; requestFA, which ib_async gives up on after
its own 4 s, as against TWS).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from ib_async import (
    IB,
    LimitOrder,
    Option,
    ScannerSubscription,
    Stock,
    WshEventData,
)

from tests.sim_fixtures import SIM_ACCOUNT, qualified

Call = Callable[[IB, Any], Awaitable[Any]]

# Errors a request may end with (with its own reqId): what TWS sends an account like ours.
ENDS_WITH_ERROR = {
    "reqFundamentalData": 430,
    "reqNewsArticle": 10172,  # no such article
    "getWshMetaData": 10279,
    "getWshEventData": 10283,
}
OPTION = Option("AAPL", "20261218", 200.0, "C", "SMART", currency="USD")


def _callback(ib: IB, name: str) -> asyncio.Future[Any]:
    """A future completed by the next call of wrapper method `name` (for requests ib_async
    itself offers no awaitable for); the wrapper's own method, if it has one, still runs."""
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    original = getattr(ib.wrapper, name, None)

    def spy(*args: Any) -> None:
        if original is not None:
            original(*args)
        if not future.done():
            future.set_result(args)

    setattr(ib.wrapper, name, spy)
    return future


async def _client_reply(ib: IB, wrapper_method: str, send: Callable[[], object]) -> Any:
    future = _callback(ib, wrapper_method)
    send()
    return await future


async def _first_update(subscribe: Callable[[], Any]) -> Any:
    """A streaming request: its subscription object (Ticker, bar list) once its data arrived."""
    result = subscribe()
    await result.updateEvent
    return result


async def _open_orders(ib: IB, _: Any) -> None:
    """One after the other: ib_async keys both under "openOrders"."""
    await ib.reqOpenOrdersAsync()
    await ib.reqAllOpenOrdersAsync()


async def _trade_status(ib: IB, aapl: Any) -> str:
    trade = ib.placeOrder(aapl, LimitOrder("BUY", 1, 1.0))
    while trade.orderStatus.status in ("PendingSubmit", ""):
        await trade.statusEvent
    ib.cancelOrder(trade.order)
    while not trade.isDone():
        await trade.statusEvent
    return trade.orderStatus.status


# name -> (call, timeout in seconds)
ROWS: dict[str, tuple[Call, float]] = {
    "reqCurrentTime": (lambda ib, c: ib.reqCurrentTimeAsync(), 2),
    "reqAccountUpdates": (lambda ib, c: ib.reqAccountUpdatesAsync(SIM_ACCOUNT), 2),
    "reqAccountUpdatesMulti": (lambda ib, c: ib.reqAccountUpdatesMultiAsync(SIM_ACCOUNT), 2),
    "reqAccountSummary": (lambda ib, c: ib.reqAccountSummaryAsync(), 2),
    "reqOpenOrders+reqAllOpenOrders": (_open_orders, 2),
    "reqCompletedOrders": (lambda ib, c: ib.reqCompletedOrdersAsync(False), 2),
    "reqExecutions": (lambda ib, c: ib.reqExecutionsAsync(), 2),
    "reqPositions": (lambda ib, c: ib.reqPositionsAsync(), 2),
    "reqContractDetails": (lambda ib, c: ib.reqContractDetailsAsync(c), 2),
    "reqMatchingSymbols": (lambda ib, c: ib.reqMatchingSymbolsAsync("AA"), 4),
    # reqMarketRule: in test_no_id_requests_answer_with_data, alone. ib_async gives it 1 s from
    # the call, less than its own pacing (45 messages/s) takes to send this burst.
    "reqHistoricalData": (
        lambda ib, c: ib.reqHistoricalDataAsync(c, "", "1 D", "1 hour", "TRADES", True),
        10,
    ),
    "reqHistoricalSchedule": (lambda ib, c: ib.reqHistoricalScheduleAsync(c, 3), 4),
    "reqHistoricalTicks": (
        lambda ib, c: ib.reqHistoricalTicksAsync(c, "", ib.wrapper.lastTime, 10, "TRADES", True),
        4,
    ),
    "reqHeadTimeStamp": (lambda ib, c: ib.reqHeadTimeStampAsync(c, "TRADES", True, 1), 4),
    "reqSmartComponents": (lambda ib, c: ib.reqSmartComponentsAsync("SMART"), 2),
    "reqMktDepthExchanges": (lambda ib, c: ib.reqMktDepthExchangesAsync(), 2),
    "reqHistogramData": (lambda ib, c: ib.reqHistogramDataAsync(c, True, "3 days"), 4),
    "reqFundamentalData": (lambda ib, c: ib.reqFundamentalDataAsync(c, "ReportSnapshot"), 2),
    "reqScannerData": (
        lambda ib, c: ib.reqScannerDataAsync(
            ScannerSubscription(
                instrument="STK", locationCode="STK.US.MAJOR", scanCode="TOP_PERC_GAIN"
            )
        ),
        10,  # the first scan quotes 176 instruments, a slice per loop pass
    ),
    "reqScannerParameters": (lambda ib, c: ib.reqScannerParametersAsync(), 2),
    "calculateImpliedVolatility": (
        lambda ib, c: ib.calculateImpliedVolatilityAsync(OPTION, 5.0, 200.0),
        4,
    ),
    "calculateOptionPrice": (lambda ib, c: ib.calculateOptionPriceAsync(OPTION, 0.3, 200.0), 4),
    "reqSecDefOptParams": (lambda ib, c: ib.reqSecDefOptParamsAsync("AAPL", "", "STK", 0), 2),
    "reqNewsProviders": (lambda ib, c: ib.reqNewsProvidersAsync(), 2),
    "reqNewsArticle": (lambda ib, c: ib.reqNewsArticleAsync("BZ", "BZ$1"), 2),
    "reqHistoricalNews": (
        lambda ib, c: ib.reqHistoricalNewsAsync(c.conId, "BZ", "", "", 10),
        4,
    ),
    "requestFA": (lambda ib, c: ib.requestFAAsync(1), 5),
    "getWshMetaData": (lambda ib, c: ib.getWshMetaDataAsync(), 2),
    "getWshEventData": (lambda ib, c: ib.getWshEventDataAsync(WshEventData(conId=c.conId)), 2),
    "reqUserInfo": (lambda ib, c: ib.reqUserInfoAsync(), 2),
    "reqTickers": (lambda ib, c: ib.reqTickersAsync(c), 4),
    "whatIfOrder": (lambda ib, c: ib.whatIfOrderAsync(c, LimitOrder("BUY", 1, 1.0)), 2),
    "qualifyContracts": (lambda ib, c: ib.qualifyContractsAsync(Stock("MSFT", "SMART", "USD")), 2),
    "placeOrder+cancelOrder": (_trade_status, 4),
    "reqMktData": (lambda ib, c: _first_update(lambda: ib.reqMktData(c)), 2),
    "reqMktDepth": (lambda ib, c: _first_update(lambda: ib.reqMktDepth(c)), 2),
    "reqTickByTickData": (
        lambda ib, c: _first_update(lambda: ib.reqTickByTickData(c, "BidAsk")),
        4,
    ),
    "reqRealTimeBars": (
        lambda ib, c: _first_update(lambda: ib.reqRealTimeBars(c, 5, "TRADES", True)),
        7,
    ),
    "reqPnL": (lambda ib, c: _client_reply(ib, "pnl", lambda: ib.reqPnL(SIM_ACCOUNT)), 3),
    "reqPnLSingle": (
        lambda ib, c: _client_reply(
            ib, "pnlSingle", lambda: ib.reqPnLSingle(SIM_ACCOUNT, "", c.conId)
        ),
        3,
    ),
    "reqIds": (lambda ib, c: _client_reply(ib, "nextValidId", lambda: ib.client.reqIds(1)), 2),
    "reqManagedAccts": (
        lambda ib, c: _client_reply(ib, "managedAccounts", ib.client.reqManagedAccts),
        2,
    ),
    "reqPositionsMulti": (
        lambda ib, c: _client_reply(
            ib, "positionMultiEnd", lambda: ib.client.reqPositionsMulti(9001, SIM_ACCOUNT, "")
        ),
        2,
    ),
    "reqSoftDollarTiers": (
        lambda ib, c: _client_reply(
            ib, "softDollarTiers", lambda: ib.client.reqSoftDollarTiers(9002)
        ),
        2,
    ),
    "reqFamilyCodes": (
        lambda ib, c: _client_reply(ib, "familyCodes", ib.client.reqFamilyCodes),
        2,
    ),
    "queryDisplayGroups": (
        lambda ib, c: _client_reply(
            ib, "displayGroupList", lambda: ib.client.queryDisplayGroups(9003)
        ),
        2,
    ),
    "subscribeToGroupEvents": (
        lambda ib, c: _client_reply(
            ib, "displayGroupUpdated", lambda: ib.client.subscribeToGroupEvents(9004, 1)
        ),
        2,
    ),
}

# Requests TWS sends nothing back for: they must not draw an error either.
SILENT: dict[str, Callable[[IB, Any], None]] = {
    "reqNewsBulletins": lambda ib, c: ib.reqNewsBulletins(True),
    "cancelNewsBulletins": lambda ib, c: ib.cancelNewsBulletins(),
    "setServerLogLevel": lambda ib, c: ib.client.setServerLogLevel(2),
    "reqMarketDataType": lambda ib, c: ib.reqMarketDataType(1),
    "reqGlobalCancel": lambda ib, c: ib.reqGlobalCancel(),
    "updateDisplayGroup": lambda ib, c: ib.client.updateDisplayGroup(9004, "8314@SMART"),
    "unsubscribeFromGroupEvents": lambda ib, c: ib.client.unsubscribeFromGroupEvents(9004),
    "cancelPositionsMulti": lambda ib, c: ib.client.cancelPositionsMulti(9001),
    "cancelWshMetaData": lambda ib, c: ib.client.cancelWshMetaData(9005),
}


async def _row(ib: IB, contract: Any, name: str) -> tuple[str, str]:
    call, timeout = ROWS[name]
    try:
        await asyncio.wait_for(call(ib, contract), timeout)
    except TimeoutError:
        return name, f"no answer within {timeout} s"
    return name, "ok"


@pytest.mark.asyncio
async def test_every_request_is_answered_within_its_timeout(sim_ib: IB) -> None:
    aapl = await qualified(sim_ib, Stock("AAPL", "SMART", "USD"))
    errors: list[tuple[int, int]] = []
    sim_ib.errorEvent += lambda req_id, code, *_: errors.append((req_id, code))

    results = dict(await asyncio.gather(*(_row(sim_ib, aapl, name) for name in ROWS)))

    assert {name: r for name, r in results.items() if r != "ok"} == {}
    for name in SILENT:
        SILENT[name](sim_ib, aapl)
    await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 2)  # answered after all of them
    unsupported = [e for e in errors if e[1] in (320, 322)]
    assert unsupported == []
    codes = {code for _, code in errors}
    assert set(ENDS_WITH_ERROR.values()) <= codes


@pytest.mark.asyncio
async def test_no_id_requests_answer_with_data(sim_ib: IB) -> None:
    """The requests without a reqId that used to hang: answered, never with error reqId -1."""
    errors: list[tuple[int, int]] = []
    sim_ib.errorEvent += lambda req_id, code, *_: errors.append((req_id, code))

    xml = await asyncio.wait_for(sim_ib.reqScannerParametersAsync(), 2)
    known = await asyncio.wait_for(sim_ib.reqMarketRuleAsync(26), 1)
    unknown = await asyncio.wait_for(sim_ib.reqMarketRuleAsync(999_999), 1)
    sim_ib.reqNewsBulletins(True)
    await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 2)

    assert xml.startswith("<?xml") and "<ScanTypeList" in xml
    assert known and known[0].increment == 0.01
    assert unknown == []
    assert [e for e in errors if e[0] == -1 and e[1] not in range(2100, 2200)] == []
