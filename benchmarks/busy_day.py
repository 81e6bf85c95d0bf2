"""A busy trading day in the terminal, set up the same way for every benchmark that needs one.

- `seed_account(...)`: positions and working orders made at the gateway by a separate ib_async
  client before the terminal starts (never through the UI), kept in the gateway's state dir.
- `BusyDay`: the default workspace plus a watchlist of `symbols` rows (about 5 updates/s each on
  the simulator's own cadence), DOM ladders on ES, NQ and CL (depth every 125 ms), two 1-minute
  charts with live bars, the portfolio and the blotter; `probe()` hooks tick-to-screen
  instruments to every panel kind.
- `busy_day(home, setup)`: all of it, on the terminal's embedded gateway (`terminal_run`).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ib_async import IB, BarDataList, Contract, LimitOrder, MarketOrder, Ticker, Trade
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from benchmarks.measure import LadderLatency, TableLatency, WidgetLatency
from benchmarks.terminal_run import gateway_child, running_terminal, until
from terminal_app.paths import data_dir
from terminal_app.session import BrokerSession
from terminal_app.session.profiles import default_profile
from terminal_app.simulator.market.instruments import Universe
from ui.blotter.panel import BlotterPanel
from ui.chart.panel import ChartPanel
from ui.dom.panel import DomPanel
from ui.main_window import MainWindow
from ui.portfolio.panel import PortfolioPanel
from ui.watchlist.panel import WatchlistPanel

LADDERS = ("ES", "NQ", "CL")
MAIN_SIZE = (1920, 1080)
WATCHLIST_SIZE = (900, 1000)  # about 45 of its rows in view
LADDER_SIZE = (460, 800)
CHART_SIZE = (1000, 600)
PORTFOLIO_HEIGHT = 480  # its 20 rows and the totals
SETTLE_S = 2.0  # from every panel streaming to the measured window (first paints, layouts)
# The embedded profile's client id: the seeded orders are the terminal's own.
SEED_CLIENT_ID = default_profile().client_id


def stocks(count: int, skip: Collection[str] = ()) -> list[Contract]:
    """`count` of the simulator's stocks, most traded first, leaving out `skip` symbols."""
    listed = sorted(
        (i for i in Universe.load().instruments if i.secType == "STK" and i.symbol not in skip),
        key=lambda i: -i.adv,
    )
    return [i.contract() for i in listed[:count]]


async def seed_account(port: int, contracts: Sequence[Contract], orders: int) -> None:
    """A position in each of `contracts` (market buys, waited until filled) and `orders` working
    limit buys 20 % under the fill price (waited until the gateway has them working)."""
    ib = IB()
    await ib.connectAsync("127.0.0.1", port, clientId=SEED_CLIENT_ID, timeout=30)
    try:
        fills = [ib.placeOrder(c, MarketOrder("BUY", 100)) for c in contracts]
        await until(lambda: all(t.orderStatus.status == "Filled" for t in fills), "seed fills", 60)
        working: list[Trade] = []
        for n in range(orders):
            filled = fills[n % len(fills)]
            price = round(filled.orderStatus.avgFillPrice * (0.8 - 0.01 * (n // len(fills))), 2)
            working.append(ib.placeOrder(filled.contract, LimitOrder("BUY", 10, price)))
        await until(
            lambda: all(t.orderStatus.status in ("PreSubmitted", "Submitted") for t in working),
            "seed orders working",
            60,
        )
    finally:
        ib.disconnect()


def _widget(window: MainWindow, kind: str, index: int = 0) -> Any:
    docks = window.docks.docks(kind)
    return docks[index].widget() if len(docks) > index else None


@dataclass
class Probes:
    """Tick-to-screen samples (seconds) per panel kind."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    _undo: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for undo in self._undo:
            undo()
        self._undo.clear()


@dataclass
class BusyDay:
    """The busy day's panels in a running terminal. `build()` opens and fills them."""

    window: MainWindow
    symbols: int = 100
    watchlist: WatchlistPanel = field(init=False)
    ladders: list[DomPanel] = field(default_factory=list)
    charts: list[ChartPanel] = field(default_factory=list)
    portfolio: PortfolioPanel = field(init=False)
    blotter: BlotterPanel = field(init=False)

    @property
    def session(self) -> BrokerSession:
        return self.window.session

    async def build(self, positions: int, orders: int) -> None:
        window = self.window
        watchlist, portfolio, blotter = (
            _widget(window, "watchlist"),
            _widget(window, "portfolio"),
            _widget(window, "blotter"),
        )
        assert isinstance(watchlist, WatchlistPanel), "the default workspace has a watchlist"
        assert isinstance(portfolio, PortfolioPanel) and isinstance(blotter, BlotterPanel)
        self.watchlist, self.portfolio, self.blotter = watchlist, portfolio, blotter
        model = watchlist.current().model
        await until(lambda: all(r.ticker is not None for r in model.rows()), "default rows")
        shown = {r.contract.symbol for r in model.rows()}
        watchlist.add_contracts(stocks(self.symbols - model.rowCount(), shown))
        futures = {
            r.contract.symbol: r.contract for r in model.rows() if r.contract.secType == "FUT"
        }
        chart = _widget(window, "chart")
        assert isinstance(chart, ChartPanel)
        second = window.docks.open("chart", contract=futures["ES"]).widget()
        assert isinstance(second, ChartPanel)
        self.charts = [chart, second]
        first = _widget(window, "dom")
        assert isinstance(first, DomPanel)
        first.show_contract(futures[LADDERS[0]])
        self.ladders = [first]
        for symbol in LADDERS[1:]:
            ladder = window.docks.open("dom", contract=futures[symbol]).widget()
            assert isinstance(ladder, DomPanel)
            self.ladders.append(ladder)
        self._arrange()
        await until(lambda: self._streaming(positions, orders), "the busy day's panels live")
        await asyncio.sleep(SETTLE_S)

    def _arrange(self) -> None:
        """A trader's two screens: the main window on one (the portfolio tall enough for its
        rows), the watchlist, the ladders and the second chart floating on the other, each big
        enough to show what it streams (docked at 1280x800 a ladder got 15 px, no rows)."""
        window = self.window
        window.resize(*MAIN_SIZE)
        floating = [(self.watchlist, WATCHLIST_SIZE), (self.charts[1], CHART_SIZE)]
        floating += [(ladder, LADDER_SIZE) for ladder in self.ladders]
        for x, (panel, size) in enumerate(floating):
            dock = panel.parentWidget()
            assert isinstance(dock, QDockWidget)
            dock.setFloating(True)
            dock.resize(*size)
            dock.move(MAIN_SIZE[0] + 40 * x, 0)
        for dock in window.docks.docks("blotter") + window.docks.docks("portfolio"):
            dock.show()
        portfolio = window.docks.docks("portfolio")
        window.resizeDocks(portfolio, [PORTFOLIO_HEIGHT], Qt.Orientation.Vertical)

    def _streaming(self, positions: int, orders: int) -> bool:
        rows = self.watchlist.current().model.rows()
        return (
            len(rows) >= self.symbols
            and all(r.ticker is not None and not math.isnan(r.ticker.bid) for r in rows)
            and all(p.has_live_data() for p in self.ladders)
            and all(c.feed.live for c in self.charts)
            and len(self.portfolio.model.holding_rows()) >= positions
            and self.blotter.working.rowCount() >= orders
        )

    def probe(self) -> Probes:
        """Tick-to-screen instruments on every panel of the busy day."""
        probes = Probes()
        ib = self.session.ib
        tab = self.watchlist.current()
        watch = TableLatency(tab.model, tab.view, lambda r: id(r.ticker) if r.ticker else None)

        def quote(ticker: Ticker) -> None:
            # A read that only moved a ladder's depth or prints is no quote for the row.
            if ticker.ticks or not (ticker.domTicks or ticker.tickByTicks):
                watch.arrived(id(ticker))

        tickers = [r.ticker for r in tab.model.rows() if r.ticker is not None]
        for ticker in tickers:
            ticker.updateEvent += quote

        def unhook() -> None:
            for ticker in tickers:
                ticker.updateEvent.disconnect(quote)

        probes._undo.append(unhook)
        probes._undo.append(watch.disconnect)
        probes.samples["watchlist"] = watch.samples

        folio = TableLatency(
            self.portfolio.model,
            self.portfolio.view,
            lambda r: r.holding.contract.conId if r.holding is not None else None,
        )
        pnl = lambda value: folio.arrived(value.conId)  # noqa: E731
        item = lambda value: folio.arrived(value.contract.conId)  # noqa: E731
        ib.pnlSingleEvent += pnl
        ib.updatePortfolioEvent += item
        probes._undo += [lambda: ib.pnlSingleEvent.disconnect(pnl), folio.disconnect]
        probes._undo.append(lambda: ib.updatePortfolioEvent.disconnect(item))
        probes.samples["portfolio"] = folio.samples

        orders = TableLatency(
            self.blotter.working,
            self.blotter.working_view,
            lambda r: r.record.trade.order.orderId,
        )
        status = lambda trade: orders.arrived(trade.order.orderId)  # noqa: E731
        ib.orderStatusEvent += status
        probes._undo += [lambda: ib.orderStatusEvent.disconnect(status), orders.disconnect]
        probes.samples["blotter"] = orders.samples

        ladders = LadderLatency(ib, probes.samples.setdefault("dom", []))
        for dom in self.ladders:
            ladders.add(dom)
        probes._undo.append(ladders.disconnect)

        charts: list[float] = probes.samples.setdefault("chart", [])
        for chart in self.charts:
            self._probe_chart(chart, ib, charts, probes)
        return probes

    @staticmethod
    def _probe_chart(chart: ChartPanel, ib: IB, samples: list[float], probes: Probes) -> None:
        latency = WidgetLatency(chart.view, samples)
        contract = chart.shown_contract()
        con_id = contract.conId if contract is not None else 0

        def on_bars(bars: BarDataList, _new: bool) -> None:
            if bars.contract.conId == con_id:
                latency.arrived()

        ib.barUpdateEvent += on_bars
        probes._undo.append(lambda: ib.barUpdateEvent.disconnect(on_bars))


@dataclass
class Setup:
    """The numbers of a busy day."""

    symbols: int = 100
    positions: int = 20
    orders: int = 20


@contextlib.asynccontextmanager
async def busy_day(home: Path, setup: Setup) -> AsyncIterator[BusyDay]:
    """Seed the account at the gateway, start the terminal on it, open the busy day's panels."""
    state = data_dir() / "simulator"
    async with gateway_child(state) as gateway:
        await seed_account(gateway.port, stocks(setup.positions), setup.orders)
    async with running_terminal(home) as window:
        day = BusyDay(window, setup.symbols)
        await day.build(setup.positions, setup.orders)
        yield day
