"""The one way an order reaches IB: intent → validation → precautions → ib_async orders → the
session's order gate. Every panel that trades goes through here, so nothing can skip a check.

`review()` says what would be sent and why not (for the ticket to show as the user types);
`submit()` reviews again with the caller's current quote and sends only a clean review, and one
that went beyond a precaution only when `confirmed`.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ib_async import Contract, Order, Trade
from PySide6.QtCore import QObject

from terminal_app.orders import builders
from terminal_app.orders.book import OrderBook
from terminal_app.orders.intent import OrderIntent
from terminal_app.orders.precautions import cautions
from terminal_app.orders.prices import ContractRules, Quote, from_ib
from terminal_app.orders.settings import OrderSettings
from terminal_app.orders.summary import order_line
from terminal_app.orders.validation import Problem, errors, validate
from terminal_app.session.broker import BrokerSession, OrderRefused
from terminal_app.tasks import TaskOwner


class NeedsConfirmation(OrderRefused):
    """The order goes beyond a precaution (or has a warning): ask the user, then submit again
    with `confirmed=True`. `str(exc)` lists the reasons."""


@dataclass(frozen=True)
class Review:
    problems: list[Problem]
    cautions: list[str]
    orders: list[Order]  # as they would be sent (ids are placeholders until submit)
    lines: list[str]  # one readable line per order, for the confirmation

    @property
    def blocked(self) -> bool:
        return bool(errors(self.problems))

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.cautions) or any(p.warning for p in self.problems)

    @property
    def reasons(self) -> list[str]:
        """What the user must accept: warnings and precautions."""
        return [p.message for p in self.problems if p.warning] + self.cautions


@dataclass(frozen=True)
class WhatIf:
    commission: Decimal | None
    initial_margin_change: Decimal | None
    maintenance_margin_change: Decimal | None
    equity_after: Decimal | None
    warning: str = ""


class OrderService(QObject):
    def __init__(
        self,
        session: BrokerSession,
        settings: OrderSettings | None = None,
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or session)
        self._session = session
        self.settings = settings or OrderSettings()
        self._clock = clock or self._gateway_now
        self._gateway_offset = timedelta(0)
        self._tasks = TaskOwner("order-service", on_error=session.report_error)
        self.book = OrderBook(session, self)
        if clock is None:
            session.synced.connect(self._read_gateway_clock)
            if session.is_connected:
                self._read_gateway_clock()

    def _gateway_now(self) -> datetime:
        """The gateway's time, for "is this GTD or algo window past": IB's is the wall clock,
        the embedded simulator's starts where its configuration says and may run faster."""
        return datetime.now(UTC) + self._gateway_offset

    def _read_gateway_clock(self) -> None:
        self._tasks.spawn(self._set_gateway_offset(), name="order-service gateway clock")

    async def _set_gateway_offset(self) -> None:
        try:
            server = await self._session.server_time()
        except (ConnectionError, TimeoutError):
            return  # keep the last offset; the next (re)connect reads it again
        self._gateway_offset = server - datetime.now(UTC)

    @property
    def live_warning(self) -> str:
        """What every confirmation says first while the account is a live (real-money) one;
        "" otherwise."""
        profile = self._session.profile
        if profile is None or not profile.is_live:
            return ""
        return f"LIVE ACCOUNT ({profile.name}): this order uses real money"

    def rules(self, contract: Contract) -> ContractRules:
        return ContractRules.from_details(self._session.details(contract.conId))

    def review(self, contract: Contract, intent: OrderIntent, quote: Quote) -> Review:
        if not contract.conId:  # IB would refuse it (200): say so before anything is sent
            name = contract.localSymbol or contract.symbol or "No symbol"
            return Review([Problem("symbol", f"{name!r} is not a looked-up contract")], [], [], [])
        rules = self.rules(contract)
        problems = validate(intent, rules, quote, self._clock())
        if errors(problems):
            return Review(problems, [], [], [])
        orders = builders.build(intent, rules, itertools.count(1), quote)
        found = cautions(intent, rules, quote, self.settings.precautions)
        return Review(problems, found, orders, [order_line(contract, o) for o in orders])

    def submit(
        self, contract: Contract, intent: OrderIntent, quote: Quote, confirmed: bool = False
    ) -> list[Trade]:
        """Send `intent`; OrderRefused says why not (disabled, invalid, or NeedsConfirmation)."""
        return self.submit_oca([(contract, intent, quote)], 0, confirmed)

    def submit_oca(
        self,
        staged: list[tuple[Contract, OrderIntent, Quote]],
        oca_type: int,
        confirmed: bool = False,
    ) -> list[Trade]:
        """Send staged orders together; with `oca_type` 1-3 their entries form one new OCA
        group. Nothing is sent unless every one of them passes."""
        self._check_gate()
        reviews = [self.review(c, i, q) for c, i, q in staged]
        for review in reviews:
            if review.blocked:
                raise OrderRefused(errors(review.problems)[0].message)
        reasons = [r for review in reviews for r in review.reasons]
        if reasons and not confirmed:
            raise NeedsConfirmation("; ".join(reasons))
        ids = iter(self._session.next_order_id, None)
        batches = [
            builders.build(intent, self.rules(contract), ids, quote)
            for contract, intent, quote in staged
        ]
        if oca_type:
            builders.join_oca([batch[0] for batch in batches], oca_type)
        return [
            self._session.place_order(contract, order)
            for (contract, _i, _q), batch in zip(staged, batches, strict=True)
            for order in batch
        ]

    def modify(
        self, trade: Trade, intent: OrderIntent, quote: Quote, confirmed: bool = False
    ) -> Trade:
        """Send `intent` as a modification of the working order `trade` (same orderId, its
        parent and OCA group kept), validated and checked like a new order."""
        self._check_gate()
        if intent.bracket is not None:
            raise OrderRefused("A modify changes one order; attach exits to a new order")
        review = self.review(trade.contract, intent, quote)
        if review.blocked:
            raise OrderRefused(errors(review.problems)[0].message)
        if review.reasons and not confirmed:
            raise NeedsConfirmation("; ".join(review.reasons))
        return self._session.place_order(trade.contract, modified(trade.order, review.orders[0]))

    def cancel(self, trade: Trade) -> None:
        self._session.cancel_order(trade)

    def cancel_all(self) -> int:
        """Cancel every working order this client placed (the blotter's "Cancel all"; orders
        of other clients need the global cancel). Returns how many cancels were sent."""
        self._check_gate()
        client = self._session.profile.client_id if self._session.profile else 0
        ours = [
            r.trade
            for r in self.book.records()
            if r.state.working and r.trade.order.clientId == client and r.trade.order.orderId
        ]
        for trade in ours:
            self._session.cancel_order(trade)
        return len(ours)

    def global_cancel(self) -> None:
        """Cancel every working order, from any client (IB's global cancel)."""
        self._check_gate()
        self._session.global_cancel()

    async def what_if(self, contract: Contract, intent: OrderIntent, quote: Quote) -> WhatIf:
        """IB's preview of the entry order (commission, margin change, equity after)."""
        review = self.review(contract, intent, quote)
        if review.blocked:
            raise OrderRefused(errors(review.problems)[0].message)
        order = review.orders[0]
        order.orderId, order.parentId, order.transmit = 0, 0, True
        state = await self._session.what_if(contract, order)
        return WhatIf(
            from_ib(state.commission),
            _number(state.initMarginChange),
            _number(state.maintMarginChange),
            _number(state.equityWithLoanAfter),
            state.warningText,
        )

    def _check_gate(self) -> None:
        if not self._session.trading_allowed:
            raise OrderRefused(self._session.trading_reason)


def modified(original: Order, new: Order) -> Order:
    """`new` with the identity of the order it replaces: IB matches a modify by orderId, and
    a child keeps its parent and OCA group."""
    new.orderId, new.clientId, new.permId = original.orderId, original.clientId, original.permId
    new.parentId, new.ocaGroup, new.ocaType = original.parentId, original.ocaGroup, original.ocaType
    new.transmit = True
    return new


def _number(text: str) -> Decimal | None:
    try:
        return from_ib(float(text))
    except (TypeError, ValueError):
        return None
