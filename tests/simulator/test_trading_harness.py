"""A scripted venue and a simple account for driving the order engine in unit tests.

The venue is the real instrument universe, clock and session calendar with a book the test sets by
hand, so each test states exactly which prices the market shows and prints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from ib_async import Contract, Order

from terminal_app.simulator.clock import SimClock, resolve_start
from terminal_app.simulator.market import Market
from terminal_app.simulator.market.instruments import Universe
from terminal_app.simulator.trading import Journal, OrderEngine
from terminal_app.simulator.trading.adapters import MarketVenue, session_window, spec_of
from terminal_app.simulator.trading.events import (
    CommissionEvent,
    EngineEvent,
    ErrorEvent,
    ExecutionEvent,
    OpenOrderEvent,
    OrderStatusEvent,
)
from terminal_app.simulator.trading.ports import (
    Book,
    FillPosting,
    InstrumentSpec,
    Level,
    MarginImpact,
    Print,
    SessionWindow,
)

UNIVERSE = Universe.load(as_of=resolve_start("2026-11-24 10:00"))
AAPL = 265598


def contract(symbol: str = "AAPL", sec_type: str = "STK") -> Contract:
    found = [i for i in UNIVERSE.instruments if i.symbol == symbol and i.secType == sec_type]
    return found[0].contract()


class ScriptedVenue:
    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self.books: dict[int, Book] = {}
        self.watchers: dict[int, list[Callable[[Print | None], None]]] = {}

    def now(self) -> datetime:
        return self.clock.now()

    def spec(self, con_id: int) -> InstrumentSpec | None:
        inst = UNIVERSE.get(con_id)
        return spec_of(inst) if inst is not None else None

    def book(self, con_id: int) -> Book:
        return self.books.get(con_id, Book(None, None, None))

    def watch(self, con_id: int, on_print: Callable[[Print | None], None]) -> Callable[[], None]:
        self.watchers.setdefault(con_id, []).append(on_print)
        return lambda: self.watchers[con_id].remove(on_print)

    def session(self, con_id: int, at: datetime) -> SessionWindow:
        inst = UNIVERSE.get(con_id)
        assert inst is not None
        return session_window(inst, at)

    def volume_fraction(self, con_id: int, start: datetime, end: datetime, at: datetime) -> float:
        return min(max((at - start) / (end - start), 0.0), 1.0)

    # --- scripting

    def quote(
        self,
        con_id: int,
        bid: float,
        ask: float,
        *,
        sizes: tuple[int, ...] = (100, 200, 300),
        tick: float = 0.01,
        last: float | None = None,
    ) -> None:
        """A ladder of levels one tick apart on each side with the given sizes."""
        previous = self.books.get(con_id)
        bids = tuple(Level(round(bid - i * tick, 6), Decimal(s)) for i, s in enumerate(sizes))
        asks = tuple(Level(round(ask + i * tick, 6), Decimal(s)) for i, s in enumerate(sizes))
        if last is None:
            last = previous.last if previous else None
        volume = previous.volume if previous else Decimal(0)
        self.books[con_id] = Book(bid, ask, last, bids, asks, volume)
        self._notify(con_id, None)

    def trade(self, con_id: int, price: float, size: int = 100) -> None:
        book = self.books[con_id]
        self.books[con_id] = Book(
            book.bid, book.ask, price, book.bids, book.asks, book.volume + Decimal(size)
        )
        self._notify(con_id, Print(price, Decimal(size)))

    def _notify(self, con_id: int, trade: Print | None) -> None:
        for watcher in list(self.watchers.get(con_id, ())):
            watcher(trade)


class SimpleAccount:
    """Average-cost positions and Reg-T-like margin (50% initial, 25% maintenance of gross)."""

    name = "DU1234567"

    def __init__(self, venue: ScriptedVenue | None, cash: Decimal = Decimal(1_000_000)) -> None:
        self.venue = venue
        self.cash = cash
        self.positions: dict[int, tuple[Decimal, Decimal]] = {}
        self.postings: list[FillPosting] = []

    def post(self, fill: FillPosting) -> Decimal | None:
        self.postings.append(fill)
        signed = fill.quantity if fill.side == "BOT" else -fill.quantity
        position, cost = self.positions.get(fill.con_id, (Decimal(0), Decimal(0)))
        realized: Decimal | None = None
        if position and (position > 0) != (signed > 0):
            closing = min(abs(signed), abs(position))
            direction = 1 if position > 0 else -1
            realized = closing * (fill.price - cost) * direction - fill.commission
        new = position + signed
        if new == 0:
            cost = Decimal(0)
        elif position == 0 or (position > 0) != (new > 0):
            cost = fill.price
        elif (position > 0) == (signed > 0):
            cost = (position * cost + signed * fill.price) / new
        self.positions[fill.con_id] = (new, cost)
        self.cash -= signed * fill.price + fill.commission
        return realized

    def _gross(self, extra: dict[int, Decimal], price: Decimal) -> Decimal:
        total = Decimal(0)
        for con_id, (position, cost) in self.positions.items():
            total += abs(position + extra.pop(con_id, Decimal(0))) * cost
        for quantity in extra.values():
            total += abs(quantity) * price
        return total

    def margin_impact(
        self, con_id: int, signed_quantity: Decimal, price: Decimal, commission: Decimal
    ) -> MarginImpact:
        before = self._gross({}, price)
        after = self._gross({con_id: signed_quantity}, price)
        equity = self.cash + sum(p * c for p, c in self.positions.values())
        return MarginImpact(
            init_before=before / 2,
            maint_before=before / 4,
            equity_with_loan_before=equity,
            init_after=after / 2,
            maint_after=after / 4,
            equity_with_loan_after=equity - commission,
        )


class Recorder:
    """Places orders on an engine and reads back the events it emitted."""

    engine: OrderEngine
    events: list[EngineEvent]
    next_id: int

    def place(self, order: Order, contract_: Contract | None = None, client_id: int = 1) -> int:
        order_id = order.orderId or self.next_id
        self.next_id = max(self.next_id, order_id) + 1
        self.engine.place(client_id, order_id, contract_ or contract(), order)
        return order_id

    def statuses(self, order_id: int) -> list[str]:
        return [
            e.status
            for e in self.events
            if isinstance(e, OrderStatusEvent) and e.order_id == order_id
        ]

    def last_status(self, order_id: int) -> OrderStatusEvent:
        found = [
            e for e in self.events if isinstance(e, OrderStatusEvent) and e.order_id == order_id
        ]
        assert found, f"no orderStatus for {order_id}"
        return found[-1]

    def fills(self, order_id: int | None = None) -> list[ExecutionEvent]:
        return [
            e
            for e in self.events
            if isinstance(e, ExecutionEvent)
            and (order_id is None or e.execution.orderId == order_id)
        ]

    def errors(self, order_id: int | None = None) -> list[tuple[int, str]]:
        return [
            (e.code, e.text)
            for e in self.events
            if isinstance(e, ErrorEvent) and (order_id is None or e.req_id == order_id)
        ]

    def open_orders(self, order_id: int) -> list[OpenOrderEvent]:
        return [e for e in self.events if isinstance(e, OpenOrderEvent) and e.order_id == order_id]

    def commissions(self) -> list[CommissionEvent]:
        return [e for e in self.events if isinstance(e, CommissionEvent)]


class Harness(Recorder):
    """The engine over a scripted venue: the test sets every quote and print."""

    def __init__(self, start: str = "2026-11-24 10:00", journal: Journal | None = None) -> None:
        self.clock = SimClock(resolve_start(start), speed=0)
        self.venue = ScriptedVenue(self.clock)
        self.account = SimpleAccount(self.venue)
        self.engine = OrderEngine(self.venue, self.account, journal=journal)
        self.events = []
        self.engine.add_listener(self.events.append)
        self.next_id = 1

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.engine.poll()


class MarketHarness(Recorder):
    """The engine over the simulator's real `Market` on a frozen clock that tests step."""

    def __init__(self, start: str = "2026-11-24 10:00", seed: int = 7) -> None:
        self.clock = SimClock(resolve_start(start), speed=0)
        self.market = Market(UNIVERSE, self.clock, seed)
        self.account = SimpleAccount(None)
        self.engine = OrderEngine(MarketVenue(self.market), self.account)
        self.events = []
        self.engine.add_listener(self.events.append)
        self.next_id = 1

    def step(self, seconds: int = 1) -> None:
        """Advance second by second, as the live market does."""
        for _ in range(seconds):
            self.clock.advance(1)
            self.market.step()
            self.engine.poll()

    def jump(self, seconds: float) -> None:
        """Skip ahead (the market catches up only its last 30 s, like a fast clock)."""
        self.clock.advance(seconds)
        self.market.step()
        self.engine.poll()
