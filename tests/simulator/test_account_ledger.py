"""Ledger math: average cost, realized/unrealized/daily PnL, futures, forex, margin, state."""

import json
from decimal import Decimal as D

import pytest

from terminal_app.simulator.account import Ledger
from terminal_app.simulator.account.values import SUMMARY_TAGS
from tests.simulator.test_trading_harness import (
    AAPL,
    EURUSD,
    USDJPY,
    es_front,
    make_market,
)


@pytest.fixture
def ledger(universe) -> Ledger:
    return Ledger("DU1234567", universe, make_market(universe))


def values(ledger: Ledger) -> dict[tuple[str, str], str]:
    return {(v.tag, v.currency): v.value for v in ledger.account_values()}


def test_fresh_account(ledger):
    v = values(ledger)
    assert v[("NetLiquidation", "USD")] == "1000000.00"
    assert v[("TotalCashValue", "USD")] == "1000000.00"
    assert v[("CashBalance", "BASE")] == "1000000.00"
    assert v[("NetLiquidationByCurrency", "BASE")] == "1000000.00"
    assert v[("BuyingPower", "USD")] == "4000000.00"
    assert v[("AccountType", "")] == "INDIVIDUAL"
    assert ("Leverage-S", "") in v
    assert ledger.portfolio() == [] and ledger.positions() == []
    pnl = ledger.pnl()
    assert (pnl.dailyPnL, pnl.unrealizedPnL, pnl.realizedPnL) == (0, 0, 0)


def test_stock_round_trip_and_flip(ledger):
    assert ledger.post_execution(AAPL, "BOT", D(100), D("200"), D(1)) is None
    (pos,) = ledger.positions()
    assert pos.position == 100 and pos.avgCost == pytest.approx(200.01)
    assert ledger.post_execution(AAPL, "BOT", D(100), D("210"), D(1)) is None
    assert ledger.positions()[0].avgCost == pytest.approx(205.01)
    realized = ledger.post_execution(AAPL, "SLD", D(50), D("215"), D(1))
    assert realized == D("498.50")  # (215 - 205.01) * 50 - 1
    # sell 250 more: closes 150, opens a 100 short at 220
    realized = ledger.post_execution(AAPL, "SLD", D(250), D("220"), D("2.5"))
    assert realized == D("2247.00")  # (220 - 205.01) * 150 - 1.5 (the closing share of 2.5)
    (pos,) = ledger.positions()
    assert pos.position == -100 and pos.avgCost == pytest.approx(220.01)
    cash = D(1_000_000) - 100 * 200 - 100 * 210 + 50 * 215 + 250 * 220 - D("5.5")
    assert ledger.snapshot().cash["USD"] == cash
    assert ledger.pnl().realizedPnL == pytest.approx(498.5 + 2247)
    # cover: back to flat, the closed position stays listed for the day with 0
    ledger.post_execution(AAPL, "BOT", D(100), D("219"), D(1))
    assert ledger.positions() == []
    (item,) = ledger.portfolio()
    # the cover realizes (220.01 - 219) * 100 - 1
    assert item.position == 0 and item.realizedPNL == pytest.approx(498.5 + 2247 + 100)


def test_unrealized_and_daily_pnl_follow_the_market(ledger):
    mark = ledger.mark(AAPL)[0]
    ledger.post_execution(AAPL, "BOT", D(10), D(str(mark)) - D(1), D(0))
    (item,) = ledger.portfolio()
    assert item.unrealizedPNL == pytest.approx(10.0) and item.marketPrice == mark
    single = ledger.pnl_single(AAPL)
    assert single.position == 10 and single.unrealizedPnL == pytest.approx(10.0)
    assert single.dailyPnL == pytest.approx(10.0)  # bought today: daily = vs the fill price
    assert single.value == pytest.approx(10 * mark)
    nl = D(values(ledger)[("NetLiquidation", "USD")])
    assert nl == D(1_000_000) + 10


def test_futures_use_the_multiplier_and_move_cash_only_on_close(universe, ledger):
    es = es_front(universe)
    ledger.post_execution(es, "BOT", D(2), D("5900"), D("4.5"))
    (pos,) = ledger.positions()
    assert pos.avgCost == pytest.approx(5900 * 50 + 2.25)
    assert ledger.snapshot().cash["USD"] == D(1_000_000) - D("4.5")
    mark = D(repr(ledger.mark(es)[0]))
    # The commission is paid once: NetLiquidation is cash plus the price change since the fill.
    assert ledger.snapshot().net_liquidation == D(1_000_000) - D("4.5") + (mark - 5900) * 100
    realized = ledger.post_execution(es, "SLD", D(1), D("5910.25"), D("2.25"))
    assert realized == D("10.25") * 50 - D("2.25") - D("2.25")
    # Cash: the closed contract's price change, less the three commissions paid so far.
    assert ledger.snapshot().cash["USD"] == D(1_000_000) + D("10.25") * 50 - D("6.75")
    assert ledger.snapshot().net_liquidation == (
        D(1_000_000) + D("10.25") * 50 - D("6.75") + (mark - 5900) * 50
    )
    v = values(ledger)
    assert D(v[("InitMarginReq", "USD")]) == D(22000)
    assert D(v[("GrossPositionValue", "USD")]) == 0  # futures are not position value
    ledger.post_execution(es, "SLD", D(1), D("5890"), D("2.25"))
    # Round trip of 2 contracts: -10 + 10.25 points × 50, four commissions, nothing twice.
    assert ledger.snapshot().cash["USD"] == D(1_000_000) + D("0.25") * 50 - 4 * D("2.25")
    assert ledger.snapshot().net_liquidation == ledger.snapshot().cash["USD"]


def test_forex_balances_and_base_conversion(ledger):
    rate = ledger.mark(EURUSD)[0]
    ledger.post_execution(EURUSD, "BOT", D(100_000), D("1.08"), D(2))
    snap = ledger.snapshot()
    assert snap.cash["EUR"] == D(100_000) and snap.cash["USD"] == D(1_000_000) - 108_000 - 2
    assert float(snap.rates["EUR"]) == pytest.approx(rate)
    v = values(ledger)
    assert D(v[("CashBalance", "EUR")]) == D(100_000)
    assert float(v[("ExchangeRate", "EUR")]) == pytest.approx(rate)
    base = float(v[("NetLiquidationByCurrency", "BASE")])
    assert base == pytest.approx(1_000_000 - 108_000 - 2 + 100_000 * rate, abs=0.01)
    assert float(v[("NetLiquidation", "USD")]) == pytest.approx(base, abs=0.01)
    assert D(v[("InitMarginReq", "USD")]) == pytest.approx(D(3000) * D(repr(rate)), abs=1)
    jpy_rate = ledger.mark(USDJPY)[0]
    ledger.post_execution(USDJPY, "SLD", D(10_000), D("150"), D(2))
    snap = ledger.snapshot()
    assert snap.cash["JPY"] == D(1_500_000)
    assert float(snap.rates["JPY"]) == pytest.approx(1 / jpy_rate)


def test_margin_impact_does_not_change_the_account(ledger):
    ledger.post_execution(AAPL, "BOT", D(10), D("200"), D(1))
    ledger.post_execution(EURUSD, "BOT", D(20_000), D("1.08"), D(2))
    before = ledger.export()
    ledger.margin_impact(AAPL, D(-30), D("201"), D(1))  # closes and flips the held position
    ledger.margin_impact(EURUSD, D(-20_000), D("1.09"), D(2))
    assert ledger.export() == before
    mark = D(repr(ledger.mark(AAPL)[0]))  # positions are margined at the market price
    impact = ledger.margin_impact(AAPL, D(1000), mark, D(1))
    assert impact.init_after - impact.init_before == 1000 * mark * D("0.25")
    assert impact.equity_with_loan_after == impact.equity_with_loan_before - 1
    assert ledger.export() == before


def test_state_round_trip_and_notifications(universe, ledger):
    calls = []
    unsubscribe = ledger.subscribe(lambda: calls.append(1))
    ledger.post_execution(AAPL, "BOT", D(7), D("201.5"), D(1))
    ledger.post_execution(es_front(universe), "SLD", D(1), D("5900"), D(2))
    assert len(calls) == 2
    unsubscribe()
    document = json.loads(json.dumps(ledger.export()))
    fresh = Ledger("DU1234567", universe, ledger.market)
    fresh.load(document)
    assert fresh.positions() == ledger.positions()
    assert fresh.snapshot().cash == ledger.snapshot().cash
    assert fresh.export() == ledger.export()  # every figure, the future's carried commission too
    assert fresh.snapshot().net_liquidation == ledger.snapshot().net_liquidation
    copy = Ledger("DU1234567", universe, ledger.market)
    copy.restore(ledger.state())
    assert copy.export() == ledger.export()


def test_summary_tags(ledger):
    rows = ledger.summary("All")
    assert [r.tag for r in rows] == list(SUMMARY_TAGS)
    picked = ledger.summary("NetLiquidation,BuyingPower")
    assert [(r.tag, r.currency) for r in picked] == [
        ("NetLiquidation", "USD"),
        ("BuyingPower", "USD"),
    ]
    ledger.post_execution(EURUSD, "BOT", D(1000), D("1.08"), D(2))
    ledger_all = ledger.summary("$LEDGER:ALL")
    assert {r.currency for r in ledger_all} == {"USD", "EUR", "BASE"}
    assert {r.currency for r in ledger.summary("$LEDGER:EUR")} == {"EUR"}
    assert all(r.currency == "USD" for r in ledger.summary("$LEDGER"))


def test_day_roll_resets_daily_figures(universe):
    market = make_market(universe)
    clock = market.clock
    ledger = Ledger("DU1234567", universe, market)
    ledger.post_execution(AAPL, "BOT", D(10), D("200"), D(1))
    ledger.post_execution(AAPL, "SLD", D(5), D("201"), D(1))
    assert ledger.pnl().realizedPnL != 0
    clock.advance(24 * 3600)
    assert ledger.pnl().realizedPnL == 0
    single = ledger.pnl_single(AAPL)
    q = market.quote(AAPL)
    assert single.dailyPnL == pytest.approx(5 * (q.last - q.prevClose), abs=0.01)
