"""Option maths, listings and expiry, without sockets (the wire is in test_e2e_options)."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal as D

import pytest
from ib_async import Contract

from terminal_app.simulator.account import Ledger
from terminal_app.simulator.account.expiry import OptionExpiry
from terminal_app.simulator.market.instruments import Universe
from terminal_app.simulator.market.option_model import implied_vol, price_and_greeks
from terminal_app.simulator.market.option_quotes import expiry_epoch
from terminal_app.simulator.market.options import OptionInstrument, occ_symbol, third_friday
from tests.simulator.test_trading_harness import AAPL, START, UNIVERSE, make_market

S, K, T, VOL, R, Q = 100.0, 105.0, 0.25, 0.3, 0.045, 0.01


def test_put_call_parity_and_greeks_against_finite_differences() -> None:
    call = price_and_greeks(True, S, K, T, VOL, R, Q)
    put = price_and_greeks(False, S, K, T, VOL, R, Q)
    assert call.price - put.price == pytest.approx(S * math.exp(-Q * T) - K * math.exp(-R * T))
    h = 0.01
    up, down = (price_and_greeks(True, S + d, K, T, VOL, R, Q).price for d in (h, -h))
    assert call.delta == pytest.approx((up - down) / (2 * h), rel=1e-4)
    assert call.gamma == pytest.approx((up - 2 * call.price + down) / h**2, rel=1e-3)
    vol_up = price_and_greeks(True, S, K, T, VOL + 0.0001, R, Q).price
    assert call.vega == pytest.approx((vol_up - call.price) / 0.01, rel=1e-3)  # per vol point
    day_later = price_and_greeks(True, S, K, T - 1 / 365, VOL, R, Q).price
    assert call.theta == pytest.approx(day_later - call.price, rel=2e-2)  # per calendar day
    assert -1 < put.delta < 0 and call.delta - put.delta == pytest.approx(math.exp(-Q * T))


def test_implied_vol_round_trip_and_no_arbitrage_bounds() -> None:
    for is_call in (True, False):
        price = price_and_greeks(is_call, S, K, T, 0.42, R, Q).price
        assert implied_vol(is_call, price, S, K, T, R, Q) == pytest.approx(0.42, abs=1e-5)
    assert implied_vol(False, 4.0, S, K, T, R, Q) is None  # below the put's intrinsic 5.00
    assert implied_vol(True, 1.0, S, K, 0.0, R, Q) is None  # expired


def test_listing_dates_and_symbols() -> None:
    assert third_friday(2026, 12) == date(2026, 12, 18)
    assert occ_symbol("SPXW", date(2026, 12, 18), "P", 5925.0) == "SPXW  261218P05925000"
    assert occ_symbol("AAPL", date(2027, 1, 15), "C", 232.5) == "AAPL  270115C00232500"


def _options(**fields: str) -> list[OptionInstrument]:
    contract = Contract(secType="OPT")
    for name, value in fields.items():
        setattr(contract, name, value)
    found = UNIVERSE.match(contract)
    assert found and all(isinstance(o, OptionInstrument) for o in found)
    return found  # type: ignore[return-value]


def test_expiry_delivers_shares_cash_settles_indices_and_drops_worthless() -> None:
    market = make_market(UNIVERSE)  # Tuesday 2026-11-24 10:00 New York
    ledger = Ledger("DU1234567", UNIVERSE, market)
    spot = market.quote(AAPL).last
    calls = _options(symbol="AAPL", lastTradeDateOrContractMonth="20261127", right="C")
    itm = max((o for o in calls if o.strike < spot - 5), key=lambda o: o.strike)
    otm = min((o for o in calls if o.strike > spot + 5), key=lambda o: o.strike)
    puts = _options(
        symbol="SPX", tradingClass="SPXW", lastTradeDateOrContractMonth="20261124", right="P"
    )
    deep_put = max(puts, key=lambda o: o.strike)  # today's expiry, far in the money
    ledger.post_execution(itm.conId, "BOT", D(2), D("10"), D("1.30"))
    ledger.post_execution(otm.conId, "SLD", D(1), D("1"), D("0.65"))
    ledger.post_execution(deep_put.conId, "SLD", D(1), D("5"), D("0.65"))
    expiry = OptionExpiry(ledger, market)
    expiry.settle()
    assert len(ledger.holdings()) == 3  # nothing expires before its settlement time
    cash = ledger.snapshot().cash["USD"]

    market.clock.advance(expiry_epoch(itm) - market.clock.epoch() + 1)  # Friday 16:00:01
    expiry.settle()
    assert ledger.holdings() == {AAPL: 200}  # 2 calls exercised, the others gone
    [stock] = [p for p in ledger.positions() if p.contract.conId == AAPL]
    assert stock.avgCost == pytest.approx(itm.strike)
    index_close = expiry.settlement_price(deep_put)  # Tuesday's 16:00 SPX value
    assert expiry.settlement_price(itm) > 0 and index_close > 0
    put_value = D(repr(round(deep_put.strike - index_close, 2)))
    expected = cash - 200 * D(repr(itm.strike)) - 100 * put_value
    assert ledger.snapshot().cash["USD"] == expected


def test_option_positions_survive_a_restart() -> None:
    market = make_market(UNIVERSE)
    ledger = Ledger("DU1234567", UNIVERSE, market)
    [put] = _options(symbol="AAPL", lastTradeDateOrContractMonth="20261218", right="P")[:1]
    ledger.post_execution(put.conId, "SLD", D(3), D("2.5"), D("1.95"))
    saved = ledger.export()

    fresh = Universe.load(as_of=START)  # a new process: no option has been made yet
    assert fresh.get(put.conId) is None
    restored = Ledger("DU1234567", fresh, make_market(fresh))
    restored.load(saved)
    assert restored.holdings() == {put.conId: D(-3)}
    [position] = restored.positions()
    assert position.contract.localSymbol == put.localSymbol and position.contract.right == "P"
