"""What "Close position", "Flatten all" and "Cancel all + flatten" send: market orders opposite
each open position, built once, listed for the confirmation, and then exactly those sent."""

from dataclasses import dataclass
from decimal import Decimal

from ib_async import Contract, Trade

from terminal_app.orders import OrderService
from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.orders.prices import Quote
from terminal_app.portfolio.book import Holding

CANCEL_ALL_LINE = "Cancel every working order of every account (global cancel)"


@dataclass(frozen=True)
class ClosePlan:
    staged: list[tuple[Contract, OrderIntent]]
    lines: list[str]  # one line per thing sent, in the order sent
    cancel_all: bool = False
    problems: tuple[str, ...] = ()  # why an order cannot go: then nothing is offered

    @property
    def empty(self) -> bool:
        return not self.staged and not self.cancel_all


def closing_intent(holding: Holding) -> OrderIntent:
    side = Side.SELL if holding.position > 0 else Side.BUY
    quantity = Decimal(repr(abs(holding.position))).normalize()
    return OrderIntent(side, quantity, OrderType.MKT, account=holding.account)


def plan_close(
    service: OrderService, holdings: list[Holding], cancel_all: bool = False
) -> ClosePlan:
    staged = [(h.contract, closing_intent(h)) for h in holdings if h.position]
    lines = [CANCEL_ALL_LINE] if cancel_all else []
    problems: list[str] = []
    for contract, intent in staged:
        review = service.review(contract, intent, Quote())
        if review.blocked:
            problems.extend(f"{contract.symbol}: {p.message}" for p in review.problems)
        account = f" ({intent.account})" if intent.account else ""
        lines.extend(f"{line}{account}" for line in review.lines)
    return ClosePlan(staged, lines, cancel_all, tuple(problems))


def send(service: OrderService, plan: ClosePlan) -> list[Trade]:
    """Send the confirmed plan: the cancel first, then each closing order (OrderRefused if the
    order gate is shut, before anything is sent)."""
    if plan.cancel_all:
        service.global_cancel()
    trades: list[Trade] = []
    for contract, intent in plan.staged:
        trades.extend(service.submit(contract, intent, Quote(), confirmed=True))
    return trades
