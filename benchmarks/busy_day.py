"""A busy trading day in the terminal, set up the same way for every benchmark that needs one.

- `running_terminal(argv)`: the whole app (`ui.main.run_app`, offscreen) in this process, in a
  fresh user dir (IB_TERMINAL_HOME), first-run default workspace; with no `argv` it starts its
  embedded gateway as a child process, as `ib-terminal` does.
- `seed_account(...)`: positions and working orders made at the gateway by a separate ib_async
  client before the terminal starts (never through the UI), kept in the gateway's state dir.
- `BusyDay`: the default workspace plus a watchlist of `symbols` rows (about 5 updates/s each on
  the simulator's own cadence), DOM ladders on ES, NQ and CL (depth every 125 ms), two 1-minute
  charts with live bars, the portfolio and the blotter; `probe()` hooks tick-to-screen
  instruments to every panel kind.
- `replay_lines(...)`: the terminal's subscriptions sent again by a bare ib_async client, the
  baseline of what the same lines cost without a terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ib_async import IB, BarDataList, Contract, LimitOrder, MarketOrder, Ticker, Trade
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from benchmarks.measure import TableLatency, WidgetLatency, Window
from terminal_app.cli import parse_args
from terminal_app.paths import data_dir
from terminal_app.session import BrokerSession
from terminal_app.session.line_kinds import LINE_KINDS, Wire
from terminal_app.session.profiles import default_profile
from terminal_app.session.simulated import EmbeddedSimulator
from terminal_app.session.state import Phase
from terminal_app.session.subscriptions import Kind, Line
from terminal_app.simulator.market.instruments import Universe
from terminal_app.workspace.layout import LayoutStore
from ui.blotter.panel import BlotterPanel
from ui.chart.panel import ChartPanel
from ui.dom.panel import DomPanel
from ui.main import run_app
from ui.main_window import MainWindow
from ui.portfolio.panel import PortfolioPanel
from ui.watchlist.panel import WatchlistPanel

START_TIMEOUT_S = 120.0  # a loaded machine subscribing 100 rows through the paced bulk lane
LADDERS = ("ES", "NQ", "CL")
MAIN_SIZE = (1920, 1080)
WATCHLIST_SIZE = (900, 1000)  # about 45 of its rows in view
LADDER_SIZE = (460, 800)
CHART_SIZE = (1000, 600)
PORTFOLIO_HEIGHT = 480  # its 20 rows and the totals
SETTLE_S = 2.0  # from every panel streaming to the measured window (first paints, layouts)
# The embedded profile's client id: the seeded orders are the terminal's own.
SEED_CLIENT_ID = default_profile().client_id


def app() -> QApplication:
    """The one QApplication; closing the window ends `run_app`, not the application."""
    instance = QApplication.instance() or QApplication(["ib-terminal-bench"])
    assert isinstance(instance, QApplication)
    instance.setQuitOnLastWindowClosed(False)
    return instance


async def until(
    condition: Callable[[], object], what: str, timeout: float = START_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout:g}s")
        await asyncio.sleep(0.05)


@contextlib.contextmanager
def fresh_home() -> Any:
    """Every user dir below a new temporary folder for the duration (a first run)."""
    old = os.environ.get("IB_TERMINAL_HOME")
    with tempfile.TemporaryDirectory(prefix="ib-terminal-bench-") as home:
        os.environ["IB_TERMINAL_HOME"] = home
        try:
            yield Path(home)
        finally:
            if old is None:
                os.environ.pop("IB_TERMINAL_HOME", None)
            else:
                os.environ["IB_TERMINAL_HOME"] = old


@contextlib.asynccontextmanager
async def running_terminal(home: Path, argv: Sequence[str] = ()) -> AsyncIterator[MainWindow]:
    """The app connected and its default panels live; closed (and its gateway stopped) after."""
    window = MainWindow(store=LayoutStore(home / "ws"), settings_path=home / "ui.json")
    run = asyncio.ensure_future(run_app(parse_args(list(argv)), window))
    try:
        session = window.session
        await until(lambda: session.state.phase is Phase.CONNECTED or run.done(), "not connected")
        if run.done():
            run.result()  # raises what stopped it
        await until(window.panels_live, "default panels not live")
        yield window
    finally:
        window.close()
        await asyncio.wait_for(run, 60)


@contextlib.asynccontextmanager
async def gateway_child(state_dir: Path) -> AsyncIterator[EmbeddedSimulator]:
    """The terminal's own gateway program on `state_dir`, outside any terminal."""
    simulator = EmbeddedSimulator(state_dir)
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()


def stocks(count: int, skip: set[str] = frozenset()) -> list[Contract]:  # type: ignore[assignment]
    """`count` of the simulator's stocks, most traded first, leaving out `skip` symbols."""
    listed = sorted(
        (i for i in Universe.load().instruments if i.secType == "STK" and i.symbol not in skip),
        key=lambda i: -getattr(i, "adv", 0),
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

        ladder: list[float] = probes.samples.setdefault("dom", [])
        for dom in self.ladders:
            dom.ladder.rowPainted.connect(lambda _index, seconds: ladder.append(seconds))

        charts: list[float] = probes.samples.setdefault("chart", [])
        for chart in self.charts:
            self._probe_chart(chart, ib, charts, probes)
        return probes

    @staticmethod
    def _probe_chart(chart: ChartPanel, ib: IB, samples: list[float], probes: Probes) -> None:
        widget: QWidget = chart.view
        latency = WidgetLatency(widget)
        latency.samples = samples
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


def copied(lines: Sequence[Line]) -> list[Line]:
    """Fresh lines with the same kind, contract and parameters (nothing live attached)."""
    return [Line(line.key, line.kind, line.contract, dict(line.params)) for line in lines]


async def replay_lines(ib: IB, lines: Sequence[Line]) -> None:
    """Send `lines` the way the session does (its own request code per kind); history lines as
    one keepUpToDate request each."""
    accounts = ib.managedAccounts()
    wire = Wire(ib, lambda: accounts[0] if accounts else "")
    for line in lines:
        if line.kind is Kind.BARS:
            spec = line.params["spec"]
            assert line.contract is not None
            await ib.reqHistoricalDataAsync(
                line.contract,
                "",
                spec.duration,
                spec.bar_size,
                spec.what_to_show,
                spec.use_rth,
                keepUpToDate=True,
            )
            continue
        request = LINE_KINDS[line.kind].request
        if request is not None:
            request(wire, line)


async def baseline(
    port: int, lines: Sequence[Line], seconds: float, client_id: int
) -> dict[str, Any]:
    """A bare ib_async client on the same lines, counting updates only."""
    ib = IB()
    await ib.connectAsync("127.0.0.1", port, clientId=client_id, timeout=30)
    updates = 0

    def count(*args: Any) -> None:
        nonlocal updates
        updates += len(args[0]) if isinstance(args[0], set) else 1

    try:
        await replay_lines(ib, lines)
        await asyncio.sleep(5.0)  # ib_async paces requests at ~45/s: let them all reach it
        ib.pendingTickersEvent += count
        ib.barUpdateEvent += count
        ib.pnlSingleEvent += count
        window = Window(ib)
        await asyncio.sleep(seconds)
        figures = window.close()
        figures["updates_per_s"] = round(updates / window.elapsed)
        figures["lines"] = len(lines)
        return figures
    finally:
        ib.disconnect()
