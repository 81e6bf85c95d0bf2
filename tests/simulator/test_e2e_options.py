"""Options against the real ib_async client over a socket: chains, qualification, quotes with
greeks, the two calculators, orders, fills, positions and margin."""

from __future__ import annotations

import math
from typing import NamedTuple

import pytest
from ib_async import (
    IB,
    Contract,
    Index,
    MarketOrder,
    Option,
    OptionChain,
    OptionComputation,
    Order,
    Stock,
    Ticker,
)

from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.market.option_quotes import RATE, dividend_yield
from tests.sim_fixtures import qualified
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio

SPX_CON_ID = 416904


async def chains_of(ib: IB, symbol: str, sec_type: str, con_id: int) -> list[OptionChain]:
    return await ib.reqSecDefOptParamsAsync(symbol, "", sec_type, con_id)


def nearest(values: list[float], target: float) -> float:
    return min(values, key=lambda v: abs(v - target))


class Greeks(NamedTuple):
    iv: float
    delta: float
    gamma: float
    vega: float
    theta: float
    price: float
    und: float


def greeks(comp: OptionComputation | None) -> Greeks:
    """Every number of a computation (all must be there)."""
    assert comp is not None
    values = (
        comp.impliedVol,
        comp.delta,
        comp.gamma,
        comp.vega,
        comp.theta,
        comp.optPrice,
        comp.undPrice,
    )
    assert None not in values, comp
    return Greeks(*(float(v) for v in values if v is not None))


async def streaming(ib: IB, contract: Contract) -> Ticker:
    ticker = ib.reqMktData(contract)
    await wait_until(
        lambda: (
            ticker.bid > 0
            and ticker.ask > 0
            and None not in (ticker.bidGreeks, ticker.askGreeks, ticker.modelGreeks)
        ),
        5,
        "no option quote with greeks",
    )
    return ticker


async def test_spx_chain_lists_spx_and_spxw_on_smart_and_cboe(sim_ib: IB) -> None:
    chains = await chains_of(sim_ib, "SPX", "IND", SPX_CON_ID)
    assert {(c.tradingClass, c.exchange) for c in chains} == {
        ("SPX", "SMART"),
        ("SPX", "CBOE"),
        ("SPXW", "SMART"),
        ("SPXW", "CBOE"),
    }
    by_class = {c.tradingClass: c for c in chains}
    spx, spxw = by_class["SPX"], by_class["SPXW"]
    assert (
        spx.multiplier == "100" and int(spx.underlyingConId) == SPX_CON_ID
    )  # ib_async keeps the text
    # SPXW lists every weekday (the simulated day is Tuesday 2026-11-24), SPX the monthlies,
    # whose AM settlement makes the Thursday before the third Friday the last trade date.
    assert spxw.expirations[:4] == ["20261124", "20261125", "20261126", "20261127"]
    assert spx.expirations[0] == "20261217"
    assert len(spxw.expirations) > len(spx.expirations) >= 6
    [index] = await sim_ib.reqTickersAsync(await qualified(sim_ib, Index("SPX", "CBOE", "USD")))
    spot = index.marketPrice()
    assert min(spx.strikes) < spot * 0.8 and max(spx.strikes) > spot * 1.2
    assert 5.0 in {b - a for a, b in zip(spx.strikes, spx.strikes[1:], strict=False)}


@pytest.mark.parametrize("symbol", ["AAPL", "SPY", "TSLA"])
async def test_stock_and_etf_chains(sim_ib: IB, symbol: str) -> None:
    stock = await qualified(sim_ib, Stock(symbol, "SMART", "USD"))
    chains = await chains_of(sim_ib, symbol, "STK", stock.conId)
    assert {c.tradingClass for c in chains} == {symbol}
    assert {"SMART", "CBOE"} <= {c.exchange for c in chains}
    smart = next(c for c in chains if c.exchange == "SMART")
    assert len(smart.expirations) >= 10 and len(smart.strikes) >= 20
    assert ("20261125" in smart.expirations) is (symbol == "SPY")  # SPY lists dailies


async def test_chain_to_qualified_quote_order_fill_and_position(
    sim_gateway: SimulatedGateway, sim_ib: IB
) -> None:
    chains = await chains_of(sim_ib, "SPX", "IND", SPX_CON_ID)
    spxw = next(c for c in chains if c.tradingClass == "SPXW" and c.exchange == "SMART")
    [index] = await sim_ib.reqTickersAsync(await qualified(sim_ib, Index("SPX", "CBOE", "USD")))
    strike = nearest(spxw.strikes, index.marketPrice())
    expiry = spxw.expirations[3]
    option = await qualified(
        sim_ib, Option("SPX", expiry, strike, "C", "SMART", "100", "USD", tradingClass="SPXW")
    )
    assert option.conId > 0 and option.multiplier == "100" and option.tradingClass == "SPXW"
    assert option.lastTradeDateOrContractMonth == expiry
    assert option.localSymbol == f"SPXW  {expiry[2:]}C{round(strike * 1000):08d}"

    ticker = await streaming(sim_ib, option)
    bid, ask, model = (greeks(g) for g in (ticker.bidGreeks, ticker.askGreeks, ticker.modelGreeks))
    assert bid.price == ticker.bid and ask.price == ticker.ask
    assert ticker.bid <= model.price <= ticker.ask
    assert bid.iv <= model.iv <= ask.iv
    assert 0.3 < model.delta < 0.7 and model.gamma > 0 and model.vega > 0 and model.theta < 0
    assert model.und == pytest.approx(index.marketPrice(), rel=0.01)
    # The greeks follow the index (it prints a value every second), consistent with the quote.
    await wait_until(lambda: greeks(ticker.modelGreeks).und != model.und, 3, "greeks stand still")
    moved = greeks(ticker.modelGreeks)
    assert moved.delta != model.delta and greeks(ticker.bidGreeks).price == ticker.bid

    reports: list[float] = []
    sim_ib.commissionReportEvent += lambda trade, fill, report: reports.append(report.commission)
    trade = sim_ib.placeOrder(option, MarketOrder("BUY", 2))
    await wait_until(lambda: trade.orderStatus.status == "Filled", 5, trade.orderStatus.status)
    await wait_until(lambda: reports, 5, "no commission report")
    price = trade.orderStatus.avgFillPrice
    assert price == pytest.approx(ticker.ask, abs=1.0)
    assert reports == [1.3]  # 0.65 per contract
    await wait_until(
        lambda: any(
            p.contract.conId == option.conId and p.position == 2 for p in sim_ib.positions()
        ),
        5,
    )
    [position] = [p for p in sim_ib.positions() if p.contract.conId == option.conId]
    assert position.avgCost == pytest.approx(price * 100 + 1.3 / 2)
    assert position.contract.localSymbol == option.localSymbol
    cash = float(sim_gateway.ledger.snapshot().cash["USD"])
    assert cash == pytest.approx(1_000_000 - 2 * 100 * price - 1.3, abs=0.01)


async def test_quotes_respect_put_call_parity_within_the_spread(
    sim_gateway: SimulatedGateway, sim_ib: IB
) -> None:
    stock = await qualified(sim_ib, Stock("AAPL", "SMART", "USD"))
    [chain] = [
        c for c in await chains_of(sim_ib, "AAPL", "STK", stock.conId) if c.exchange == "SMART"
    ]
    [quote] = await sim_ib.reqTickersAsync(stock)
    strike, expiry = nearest(chain.strikes, quote.marketPrice()), chain.expirations[5]
    call = await qualified(sim_ib, Option("AAPL", expiry, strike, "C", "SMART"))
    put = await qualified(sim_ib, Option("AAPL", expiry, strike, "P", "SMART"))
    c, p = await streaming(sim_ib, call), await streaming(sim_ib, put)
    call_model, put_model = greeks(c.modelGreeks), greeks(p.modelGreeks)
    spot = call_model.und
    option = sim_gateway.market.options.get(call.conId)
    assert option is not None
    years = sim_gateway.market.options.years(option)
    parity = spot * math.exp(-dividend_yield("AAPL") * years) - strike * math.exp(-RATE * years)
    assert c.bid - p.ask <= parity <= c.ask - p.bid
    assert call_model.delta - put_model.delta == pytest.approx(
        math.exp(-dividend_yield("AAPL") * years), abs=1e-6
    )


async def test_calculators_invert_each_other(sim_ib: IB) -> None:
    chains = await chains_of(sim_ib, "SPX", "IND", SPX_CON_ID)
    spx = next(c for c in chains if c.tradingClass == "SPX")
    strike = nearest(spx.strikes, 6000.0)
    option = await qualified(
        sim_ib, Option("SPX", spx.expirations[1], strike, "P", "SMART", tradingClass="SPX")
    )
    priced = greeks(await sim_ib.calculateOptionPriceAsync(option, 0.2, 6000.0))
    assert priced.price > 0 and -1 < priced.delta < 0 and priced.und == 6000.0
    assert priced.iv == 0.2
    implied = greeks(await sim_ib.calculateImpliedVolatilityAsync(option, priced.price, 6000.0))
    assert implied.iv == pytest.approx(0.2, abs=1e-4) and implied.price == priced.price


async def test_short_option_needs_margin_long_option_does_not(sim_ib: IB) -> None:
    stock = await qualified(sim_ib, Stock("TSLA", "SMART", "USD"))
    [chain] = [
        c for c in await chains_of(sim_ib, "TSLA", "STK", stock.conId) if c.exchange == "SMART"
    ]
    [quote] = await sim_ib.reqTickersAsync(stock)
    spot = quote.marketPrice()
    strike = nearest(chain.strikes, spot * 1.1)
    option = await qualified(sim_ib, Option("TSLA", chain.expirations[2], strike, "C", "SMART"))
    short = await sim_ib.whatIfOrderAsync(
        option, Order(action="SELL", orderType="MKT", totalQuantity=1)
    )
    long = await sim_ib.whatIfOrderAsync(
        option, Order(action="BUY", orderType="MKT", totalQuantity=1)
    )
    # Naked call: premium + max(20 % of spot - OTM amount, 10 % of spot), × 100.
    [ticker] = await sim_ib.reqTickersAsync(option)
    rule = 100 * (ticker.midpoint() + max(0.2 * spot - (strike - spot), 0.1 * spot))
    assert float(short.initMarginChange) == pytest.approx(rule, rel=0.02)
    assert float(long.initMarginChange) == 0.0


async def test_expiry_settles_the_position_and_options_have_no_history(
    sim_gateway: SimulatedGateway, sim_ib: IB
) -> None:
    chains = await chains_of(sim_ib, "SPX", "IND", SPX_CON_ID)
    spxw = next(c for c in chains if c.tradingClass == "SPXW" and c.exchange == "SMART")
    assert spxw.expirations[0] == "20261124"  # expires today at 16:00 New York
    [index] = await sim_ib.reqTickersAsync(await qualified(sim_ib, Index("SPX", "CBOE", "USD")))
    strike = nearest(spxw.strikes, index.marketPrice())
    option = await qualified(
        sim_ib, Option("SPX", "20261124", strike, "C", "SMART", tradingClass="SPXW")
    )
    errors: list[int] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
    bars = await sim_ib.reqHistoricalDataAsync(option, "", "1 D", "1 min", "TRADES", True)
    assert list(bars) == [] and errors == [162]
    trade = sim_ib.placeOrder(option, MarketOrder("BUY", 1))
    await wait_until(lambda: trade.orderStatus.status == "Filled", 5, trade.orderStatus.status)
    await wait_until(lambda: any(p.contract.conId == option.conId for p in sim_ib.positions()), 5)
    cash = sim_gateway.ledger.snapshot().cash["USD"]
    sim_gateway.clock.advance(6.5 * 3600)  # 16:30: settled in cash at the 16:00 index value
    await wait_until(
        lambda: all(p.contract.conId != option.conId for p in sim_ib.positions()), 5, "not settled"
    )
    held = sim_gateway.market.options.get(option.conId)
    assert held is not None
    settled = sim_gateway.expiry.settlement_price(held)
    value = max(settled - strike, 0.0)
    assert float(sim_gateway.ledger.snapshot().cash["USD"] - cash) == pytest.approx(
        100 * value, abs=0.01
    )
