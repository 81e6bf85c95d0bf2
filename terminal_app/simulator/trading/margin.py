"""Margin as TWS checks it: when an order is placed or modified, when a held order is released to
the market, and for whatIf requests (the margin and commission figures without the order)."""

from __future__ import annotations

from decimal import Decimal

from ib_async import Order, OrderState

from . import errors
from .commissions import CommissionQuote, order_commission
from .order_fields import NEEDS_AUX, quantity_of, uses_limit
from .ports import Account, InstrumentSpec, MarginImpact, Venue
from .working import WorkingOrder


class MarginCheck:
    def __init__(self, venue: Venue, account: Account) -> None:
        self._venue = venue
        self._account = account

    def check_account(self, order: Order) -> None:
        if order.account and order.account != self._account.name:
            raise errors.rejected(f"The account {order.account!r} is not managed by this login")

    def check_buying_power(self, wo: WorkingOrder) -> None:
        impact, _ = self._impact(wo.spec, wo.order)
        if impact.init_after > impact.init_before and not impact.sufficient:
            raise errors.rejected(
                "YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY "
                f"WITH LOAN VALUE [{impact.equity_with_loan_after:.2f} USD] MUST EXCEED THE "
                f"INITIAL MARGIN [{impact.init_after:.2f} USD]"
            )

    def what_if(self, spec: InstrumentSpec, order: Order) -> OrderState:
        """The OrderState a whatIf placeOrder answers with (for an order already validated)."""
        self.check_account(order)
        impact, quote = self._impact(spec, order)
        return OrderState(
            status="PreSubmitted",
            initMarginBefore=_num(impact.init_before),
            maintMarginBefore=_num(impact.maint_before),
            equityWithLoanBefore=_num(impact.equity_with_loan_before),
            initMarginChange=_num(impact.init_after - impact.init_before),
            maintMarginChange=_num(impact.maint_after - impact.maint_before),
            equityWithLoanChange=_num(
                impact.equity_with_loan_after - impact.equity_with_loan_before
            ),
            initMarginAfter=_num(impact.init_after),
            maintMarginAfter=_num(impact.maint_after),
            equityWithLoanAfter=_num(impact.equity_with_loan_after),
            commission=float(quote.commission),
            minCommission=float(quote.minimum),
            maxCommission=float(quote.maximum),
            commissionCurrency="USD",
            warningText=(
                ""
                if impact.sufficient or impact.init_after <= impact.init_before
                else "Insufficient equity: this order would be rejected for margin"
            ),
        )

    def _impact(self, spec: InstrumentSpec, order: Order) -> tuple[MarginImpact, CommissionQuote]:
        quantity = quantity_of(order)
        price = Decimal(repr(self._reference_price(spec.con_id, order)))
        quote = order_commission(spec, quantity, price)
        signed = quantity if order.action.upper() == "BUY" else -quantity
        impact = self._account.margin_impact(spec.con_id, signed, price, quote.commission)
        return impact, quote

    def _reference_price(self, con_id: int, order: Order) -> float:
        """The price margin is checked at: the limit, else the stop, else the market."""
        if uses_limit(order):
            return float(order.lmtPrice)  # type: ignore[arg-type]
        if order.orderType.upper() in NEEDS_AUX:
            return float(order.auxPrice)  # type: ignore[arg-type]
        book = self._venue.book(con_id)
        side = book.ask if order.action.upper() == "BUY" else book.bid
        for price in (side, book.last, book.mid):
            if price is not None and price > 0:
                return price
        raise errors.rejected("No market price available to check this order")


def _num(value: Decimal) -> str:
    return f"{value:.2f}"
