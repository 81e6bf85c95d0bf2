"""A scripted venue and a simple account for driving the order engine in unit tests.

`Harness`: the real instrument universe, clock, session calendar and ledger with a book the test
sets by hand, so a test states exactly which prices the market shows and prints (precise
scenarios: an OCA overfill, a print exactly at the limit). `MarketHarness`: everything real,
including the simulator's `Market`, stepped second by second on a frozen clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ib_async import Contract, Order

from terminal_app.simulator.account import Ledger
from terminal_app.simulator.clock import SimClock, resolve_start
from terminal_app.simulator.market import Market
from terminal_app.simulator.market.instruments import Universe
from terminal_app.simulator.trading import Journal, OrderEngine
from terminal_app.simulator.trading.adapters import (
    LedgerAccount,
    MarketVenue,
    session_window,
    spec_of,
)
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
    InstrumentSpec,
    Level,
    Print,
    SessionWindow,
)

NY = ZoneInfo("America/New_York")
START = datetime(2026, 11, 24, 10, 0, tzinfo=NY)  # a Tuesday, 10:00 New York
UNIVERSE = Universe.load(as_of=START)
AAPL, EURUSD, USDJPY, SPX = 265598, 12087792, 15016059, 416904
ACCOUNT = "DU1234567"


def make_market(universe: Universe = UNIVERSE, seed: int = 7, start: datetime = START) -> Market:
    """The simulator's market on a frozen clock (tests advance it)."""
    return Market(universe, SimClock(start, speed=0), seed)


def es_front(universe: Universe = UNIVERSE) -> int:
    """The front ES future as of START."""
    return next(i.conId for i in universe.instruments if i.localSymbol == "ESZ6")


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
        # The real ledger (its marks come from the real market; fills from the scripted book).
        self.ledger = Ledger(ACCOUNT, UNIVERSE, Market(UNIVERSE, self.clock, 7))
        self.engine = OrderEngine(self.venue, LedgerAccount(self.ledger), journal=journal)
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
        self.ledger = Ledger(ACCOUNT, UNIVERSE, self.market)
        self.engine = OrderEngine(MarketVenue(self.market), LedgerAccount(self.ledger))
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
