"""Expiration of option positions, as IB books it after the settlement time.

- Out of the money: the position closes at 0 (the premium is the realized PnL).
- Cash-settled (index) in the money: it closes at the intrinsic value.
- Physically settled (stock, ETF) in the money: exercise/assignment (OCC's automatic exercise,
  any amount in the money): the option closes at 0 and the shares change hands at the strike
  (a long call or short put buys multiplier × contracts, a long put or short call sells them).

The settlement price is the underlying's last price at the settlement time (the close for
PM-settled classes, the open for AM-settled ones), read from its path, so a late settlement (the
gateway was stopped) books the same. No commission, as at IB.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal

from terminal_app.simulator.account.ledger import Ledger
from terminal_app.simulator.market import Market
from terminal_app.simulator.market.bars import last_second
from terminal_app.simulator.market.option_quotes import expiry_epoch
from terminal_app.simulator.market.options import OptionInstrument
from terminal_app.simulator.market.stats import session_stats

log = logging.getLogger(__name__)

ZERO = Decimal(0)


def intrinsic(option: OptionInstrument, spot: float) -> float:
    gain = spot - option.strike if option.is_call else option.strike - spot
    return max(gain, 0.0)


class OptionExpiry:
    def __init__(self, ledger: Ledger, market: Market) -> None:
        self._ledger = ledger
        self._market = market

    def settle(self) -> None:
        """Book every held option whose settlement time the clock has passed."""
        now = self._ledger.clock.epoch()
        for con_id, quantity in self._ledger.holdings().items():
            option = self._market.options.get(con_id)
            if option is not None and expiry_epoch(option) <= now:
                self._settle(option, quantity, now)

    def settlement_price(self, option: OptionInstrument) -> float:
        path = self._market.path(option.underConId)
        return session_stats(path, last_second(expiry_epoch(option))).last

    def _settle(self, option: OptionInstrument, quantity: Decimal, now: float) -> None:
        spot = self.settlement_price(option)
        value = intrinsic(option, spot)
        when = datetime.fromtimestamp(now, UTC)
        cash_settled = option.option_class is not None and option.option_class.index
        close_side = "SLD" if quantity > 0 else "BOT"
        close_price = Decimal(repr(round(value, 2))) if cash_settled else ZERO
        self._ledger.post_execution(
            option.conId, close_side, abs(quantity), close_price, ZERO, when
        )
        delivered = ""
        if value > 0 and not cash_settled:
            buys = (quantity > 0) == option.is_call
            shares = abs(quantity) * Decimal(repr(option.multiplier))
            self._ledger.post_execution(
                option.underConId,
                "BOT" if buys else "SLD",
                shares,
                Decimal(repr(option.strike)),
                ZERO,
                when,
            )
            delivered = f"; {'bought' if buys else 'sold'} {shares} {option.symbol} at the strike"
        log.info(
            "%s expired (%s %s, underlying %.2f): closed at %s%s",
            option.localSymbol,
            quantity,
            "in the money" if value > 0 else "worthless",
            spot,
            close_price,
            delivered,
        )
