"""The whole terminal, offscreen, with its default workspace (every trading panel open) on a
simulated gateway that counts what reaches it: the ground truth the fault and safety tests check
the terminal against.

- `fault_gateway`: a `GatewayHost` around a `SimulatedGateway` (seed 7, Tuesday 10:00 New York,
  state kept in a temp dir, so `restart()` keeps the paper account).
- `GatewayCount(gateway)`: its requests counted by name as it dispatches them: an order "sent
  twice" is two `placeOrder`s there, whatever the client believes.
- `terminal`: a `MainWindow` with the default workspace, connected to it on a custom profile
  (clientId `CLIENT_ID`) with test-sized retry delays, AAPL published on the red link group (the
  chart, DOM and ticket follow it), and every panel's lines up at the gateway.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest_asyncio
from ib_async import Contract, Stock
from PySide6.QtWidgets import QApplication, QWidget

from terminal_app.orders import order_service
from terminal_app.orders.intent import OrderIntent, OrderType, Side, Tif
from terminal_app.orders.prices import Quote
from terminal_app.session import (
    BrokerSession,
    ConnectionProfile,
    Phase,
    ProfileKind,
    make_profile,
)
from terminal_app.session.subscriptions import Kind
from terminal_app.simulator.connection import Connection
from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.protocol.codec import Request
from terminal_app.workspace.layout import LayoutStore
from tests.sim_fixtures import FAST_SESSION, sim_config
from tests.waiting import wait_until
from ui.dom.panel import DomPanel
from ui.main_window import MainWindow

CLIENT_ID = 21
CONNECT_TIMEOUT = 20.0
RESTORE_TIMEOUT = 25.0  # a loaded 2-core machine reconnects and replays in a few seconds
# What each kind of session line is called among a gateway connection's subscriptions.
AT_GATEWAY = {
    Kind.MARKET: "mktData",
    Kind.DEPTH: "depth",
    Kind.TICKS: "tickByTick",
    Kind.BARS: "history",
    Kind.REALTIME_BARS: "realTimeBars",
    Kind.PNL: "pnl",
    Kind.PNL_SINGLE: "pnlSingle",
}
ORDER_REQUESTS = ("placeOrder", "cancelOrder", "reqGlobalCancel")


class GatewayCount:
    """Requests the gateway dispatched, by name, counted where they arrive (across restarts:
    `attach` each new gateway process)."""

    def __init__(self, gateway: SimulatedGateway) -> None:
        self.names: Counter[str] = Counter()
        self.orders: list[Request] = []  # every placeOrder, modifies included
        self.attach(gateway)

    def attach(self, gateway: SimulatedGateway) -> None:
        original = gateway.dispatch

        def dispatch(conn: Connection, request: Request) -> None:
            self.names[request.name] += 1
            if request.name == "placeOrder":
                self.orders.append(request)
            original(conn, request)

        gateway.dispatch = dispatch  # type: ignore[method-assign]

    def order_ids(self) -> list[int]:
        return [int(r["orderId"]) for r in self.orders]


class GatewayHost:
    """The fixture's gateway, which a test may stop and start again as a new gateway on the
    same port and state dir (TWS restarting)."""

    def __init__(self, gateway: SimulatedGateway) -> None:
        self.gateway = gateway
        self.count = GatewayCount(gateway)
        self.running = True

    async def stop(self) -> None:
        if self.running:
            self.running = False
            await self.gateway.stop()

    async def restart(self) -> None:
        """A new gateway process: same port, same saved account, counted by the same count."""
        await self.stop()
        old = self.gateway
        self.gateway = SimulatedGateway(old.config)
        self.count.attach(self.gateway)
        await self.gateway.start(old.host, old.port)
        self.running = True


@dataclass
class Terminal:
    window: MainWindow
    # None: the gateway is another process (the test counts requests on the wire instead).
    host: GatewayHost | None
    baseline: Counter[str] = field(default_factory=Counter)  # every open panel's lines

    @property
    def gateway(self) -> SimulatedGateway:
        assert self.host is not None
        return self.host.gateway

    @property
    def count(self) -> GatewayCount:
        assert self.host is not None
        return self.host.count

    @property
    def session(self) -> BrokerSession:
        return self.window.session

    def lines_at_gateway(self) -> Counter[str]:
        if self.host is None:
            return self.lines_in_session()
        conn = self.gateway.server.by_client_id.get(CLIENT_ID)
        if conn is None or conn.closed:
            return Counter()
        return lines_of(conn)

    def lines_in_session(self) -> Counter[str]:
        return +Counter({AT_GATEWAY[k]: self.session.line_count(k) for k in Kind})

    def restored_text(self) -> str:
        return (
            f"{self.session.state.text}; gateway {dict(self.lines_at_gateway())}, session "
            f"{dict(self.lines_in_session())}, before {dict(self.baseline)}, live panels "
            f"{self.window.panels_live()}"
        )

    def is_restored(self) -> bool:
        """Connected, every line of before back at the gateway (no more, no fewer) and every
        panel showing live data again."""
        return (
            self.session.is_connected
            and self.lines_in_session() == self.baseline
            and self.lines_at_gateway() == self.baseline
            and self.window.panels_live()
        )

    async def wait_restored(self, timeout: float = RESTORE_TIMEOUT) -> None:
        await self.wait(self.is_restored, timeout, "not restored")

    async def settle(self, also: Callable[[], bool] = lambda: True) -> None:
        """Wait until every panel is live and all its lines are at the gateway; those lines are
        the baseline a fault must restore."""
        await self.wait(
            lambda: (
                self.window.panels_live()
                and self.lines_at_gateway() == self.lines_in_session()
                and also()
            ),
            RESTORE_TIMEOUT,
            "panels not up",
        )
        self.baseline = self.lines_in_session()

    async def wait(self, condition: Callable[[], object], timeout: float, what: str) -> None:
        """`wait_until`, failing with the terminal's state as it is at the timeout."""
        try:
            await wait_until(condition, timeout)
        except AssertionError:
            raise AssertionError(f"{what}: {self.restored_text()}") from None

    def panel(self, kind: str) -> QWidget:
        """The one open panel of `kind` (the default workspace has one of each)."""
        [dock] = self.window.docks.docks(kind)
        return dock.widget()

    async def ladder_and_bid(self) -> tuple[DomPanel, int]:
        """The DOM ladder, once its book has a best bid (its grid index)."""
        dom = self.panel("dom")
        assert isinstance(dom, DomPanel)
        await wait_until(lambda: dom.feed is not None and dom.feed.book.best_bid is not None, 10)
        assert dom.feed is not None and dom.feed.book.best_bid is not None
        return dom, dom.feed.book.best_bid

    def messages(self) -> list[str]:
        return [m.text for m in self.session.messages]


def lines_of(conn: Connection) -> Counter[str]:
    wanted = set(AT_GATEWAY.values())
    return Counter(sub.kind for sub in conn.subscriptions.values() if sub.kind in wanted)


AAPL = Stock("AAPL", "SMART", "USD")


@contextlib.contextmanager
def default_window(tmp_path: Path) -> Iterator[MainWindow]:
    """The first-run window: the default workspace, every trading panel in it."""
    session = BrokerSession(FAST_SESSION)
    window = MainWindow(
        store=LayoutStore(tmp_path / "ws"), settings_path=tmp_path / "ui.json", session=session
    )
    window.workspace.reset_to_default()
    window.show()
    try:
        yield window
    finally:
        window.close()
        window.docks.remove_all()
        window.deleteLater()


def custom(port: int, **changes: object) -> ConnectionProfile:
    """The tests' profile: a custom endpoint as clientId `CLIENT_ID`."""
    return make_profile(ProfileKind.CUSTOM, port=port, client_id=CLIENT_ID, **changes)


async def connect_terminal(
    window: MainWindow, profile: ConnectionProfile, link: Contract = AAPL
) -> None:
    """Connect as the user would, then show `link` on the red link group (chart, DOM, ticket)."""
    window.request_connect(profile)
    await wait_until(
        lambda: window.session.state.phase is Phase.CONNECTED,
        CONNECT_TIMEOUT,
        f"not connected: {window.session.state.text}",
    )
    contract = await window.session.qualify(link)
    window.links.publish("red", contract)


@pytest_asyncio.fixture
async def fault_gateway(tmp_path: Path) -> AsyncIterator[GatewayHost]:
    gateway = SimulatedGateway(sim_config(state_dir=tmp_path / "gateway"))
    await gateway.start("127.0.0.1", 0)
    host = GatewayHost(gateway)
    try:
        yield host
    finally:
        await host.stop()


@contextlib.asynccontextmanager
async def running_terminal(
    tmp_path: Path, host: GatewayHost, **profile: object
) -> AsyncIterator[Terminal]:
    """The default window connected to `host`'s gateway (profile `custom(port, **profile)`),
    every panel up."""
    with default_window(tmp_path) as window:
        try:
            await connect_terminal(window, custom(host.gateway.port, **profile))
            term = Terminal(window, host)
            await term.settle(lambda: term.lines_in_session()[AT_GATEWAY[Kind.DEPTH]] > 0)
            yield term
        finally:
            await window.tasks.cancel_all()
            await window.session.close()


@pytest_asyncio.fixture
async def terminal(
    qapp: QApplication, tmp_path: Path, fault_gateway: GatewayHost
) -> AsyncIterator[Terminal]:
    async with running_terminal(tmp_path, fault_gateway) as term:
        yield term


@dataclass(frozen=True)
class Seeded:
    """What the account had before a fault: one resting GTC order and one fill (a position)."""

    resting_id: int
    filled_id: int
    exec_id: str
    position: float
    # Filled, resting: what IB knows them by (completed orders come back without an orderId).
    perm_ids: tuple[int, int]


def red_contract(term: Terminal) -> Contract:
    contract = term.window.links.current("red")
    assert contract is not None and contract.conId
    return contract


def live_quote(term: Terminal) -> Quote:
    handle = term.session.ticker(red_contract(term))
    try:
        quote = Quote.of(handle)
    finally:
        handle.release()
    assert quote.bid is not None and quote.ask is not None, "no live quote"
    return quote


def resting_buy(term: Terminal, quantity: int, tif: Tif = Tif.GTC) -> OrderIntent:
    """A buy limit 3% under the bid: it rests (within the 5% precaution, so no question)."""
    bid = live_quote(term).bid
    assert bid is not None
    price = (bid * Decimal("0.97")).quantize(Decimal("0.01"))
    return OrderIntent(Side.BUY, Decimal(quantity), OrderType.LMT, limit_price=price, tif=tif)


async def seed_account(term: Terminal) -> Seeded:
    """A filled market order and a GTC limit far below the market, through the order service
    (as every panel sends them)."""
    service = order_service(term.session)
    contract = red_contract(term)
    quote = live_quote(term)
    [filled] = service.submit(contract, OrderIntent(Side.BUY, Decimal(10), OrderType.MKT), quote)
    [resting] = service.submit(contract, resting_buy(term, 1), quote)
    await wait_until(lambda: filled.orderStatus.status == "Filled" and filled.fills, 10)
    await wait_until(lambda: resting.orderStatus.status == "Submitted", 10)
    await wait_until(lambda: _position(term, contract.conId) == 10, 10)
    await term.settle()  # the portfolio's position line joins the baseline
    return Seeded(
        resting.order.orderId,
        filled.order.orderId,
        filled.fills[0].execution.execId,
        10.0,
        (filled.order.permId, resting.order.permId),
    )


def _position(term: Terminal, con_id: int) -> float:
    return sum(p.position for p in term.session.positions() if p.contract.conId == con_id)


def resynced(term: Terminal, seeded: Seeded) -> bool:
    """The session shows again what the gateway has: the resting order working, the fill and
    the position (ib_async's objects are new after a reconnect: this reads them afresh)."""
    con_id = red_contract(term).conId
    working = [t.order.orderId for t in term.session.open_trades()]
    return (
        seeded.resting_id in working
        and any(f.execution.execId == seeded.exec_id for f in term.session.fills())
        and _position(term, con_id) == seeded.position
    )


async def wait_resynced(term: Terminal, seeded: Seeded) -> None:
    await term.wait(lambda: resynced(term, seeded), RESTORE_TIMEOUT, "not re-synced")
