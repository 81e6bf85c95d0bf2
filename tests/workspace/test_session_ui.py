"""The shell against the simulated gateway: status bar, connection flow, symbol search."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio
from ib_async import Contract, LimitOrder, Stock
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from terminal_app.loop_lag import LoopLagProbe
from terminal_app.session.broker import BrokerSession, SessionSettings
from terminal_app.session.contracts import SymbolMatch
from terminal_app.session.profiles import ConnectionProfile, ProfileKind, make_profile
from terminal_app.session.state import Backoff, Phase
from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.workspace.layout import LayoutStore
from tests.sim_fixtures import running_gateway, sim_config
from tests.waiting import wait_until
from tests.workspace.panels import SymbolPanel, symbol_kind
from ui.connection_dialog import ConnectionDialog
from ui.main_window import MainWindow
from ui.symbol_search import result_rows

CONNECT_TIMEOUT = 20.0


@pytest.fixture
def window(qapp: QApplication, tmp_path: Path) -> Iterator[MainWindow]:
    session = BrokerSession(SessionSettings(backoff=Backoff(initial=0.05, cap=0.2)))
    win = MainWindow(
        store=LayoutStore(tmp_path / "ws"), settings_path=tmp_path / "ui.json", session=session
    )
    win.docks.register_kind(symbol_kind("sym"))
    win.show()
    yield win
    win.close()
    win.deleteLater()


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with running_gateway(sim_config()) as gw:
        yield gw


async def _connected(window: MainWindow, port: int, **changes: object) -> None:
    profile = make_profile(ProfileKind.CUSTOM, port=port, **changes)
    window.request_connect(profile)
    await wait_until(
        lambda: window.session.state.phase is Phase.CONNECTED,
        CONNECT_TIMEOUT,
        f"not connected: {window.session.state.text}",
    )


@pytest.mark.asyncio
async def test_status_bar_follows_connect_drop_and_cancelled_reconnect(
    window: MainWindow, gateway: SimulatedGateway
) -> None:
    status = window.status
    assert status.state.text() == "● Disconnected"
    try:
        await _connected(window, gateway.port, live=True, client_id=17)
        assert status.state.text() == "● Connected"
        assert "Custom" in status.profile.text() and "client 17" in status.profile.text()
        assert not status.live_badge.isHidden() and status.sim_badge.isHidden()
        assert status.account.text() == "DU1234567"
        # The simulator's clock (a fixed 2026-11-24 10:00 New York start), not the wall clock.
        await wait_until(lambda: status.server_now() is not None, 5)
        server = status.server_now()
        assert server is not None and server.date() == date(2026, 11, 24)
        assert status.clock.text() == server.astimezone().strftime("%H:%M:%S %Z")
        assert status.cancel_button.isHidden()
        assert not window.cancel_connecting_action.isEnabled()

        await gateway.stop()
        await wait_until(lambda: window.session.state.phase is Phase.RECONNECTING, 10)
        assert status.state.text().startswith("● Reconnecting (attempt ")
        assert status.state.toolTip() == window.session.state.text
        assert status.server_now() is None
        assert not status.cancel_button.isHidden()
        assert window.cancel_connecting_action.isEnabled()
        status.cancel_button.click()
        assert window.session.state.phase is Phase.DISCONNECTED
        assert status.state.text() == "● Disconnected: reconnect cancelled"
        assert status.cancel_button.isHidden()
        assert status.account.isHidden()
    finally:
        await window.session.close()


@pytest.mark.asyncio
async def test_a_refused_connect_request_keeps_the_live_badge_of_the_connection_in_use(
    window: MainWindow, gateway: SimulatedGateway
) -> None:
    status = window.status
    gateway.control.set_latency(0.2)  # a slow handshake to overlap with
    try:
        window.request_connect(make_profile(ProfileKind.CUSTOM, port=gateway.port, live=True))
        await wait_until(lambda: window.session.state.phase is Phase.CONNECTING)
        window.request_connect(make_profile(ProfileKind.SIMULATED))  # refused: one at a time
        await wait_until(
            lambda: any("already in progress" in m.text for m in window.session.messages)
        )
        assert not status.live_badge.isHidden() and status.sim_badge.isHidden()
        assert "Custom" in status.profile.text()
        assert "another connection attempt is in progress" in window.statusBar().currentMessage()
    finally:
        await window.session.close()


@pytest.mark.asyncio
async def test_status_bar_cancel_aborts_a_connect_attempt(
    window: MainWindow, gateway: SimulatedGateway
) -> None:
    status = window.status
    gateway.control.set_latency(0.2)  # a slow handshake to interrupt
    try:
        window.request_connect(make_profile(ProfileKind.CUSTOM, port=gateway.port, live=True))
        await wait_until(lambda: window.session.state.phase is Phase.CONNECTING)
        assert not status.cancel_button.isHidden()
        assert window.cancel_connecting_action.isEnabled()  # File → Cancel connecting
        status.cancel_button.click()
        await wait_until(lambda: window.session.state.phase is Phase.DISCONNECTED)
        assert not window.cancel_connecting_action.isEnabled()
        assert status.cancel_button.isHidden() and not window.session.ib.isConnected()
        await wait_until(lambda: window.tasks.pending == 0)
        assert window.session.state.phase is Phase.DISCONNECTED
    finally:
        await window.session.close()


@pytest.mark.asyncio
async def test_remote_host_asks_before_connecting(window: MainWindow) -> None:
    profile = make_profile(ProfileKind.CUSTOM, host="192.0.2.10", port=7497, timeout=0.5)
    try:
        window.request_connect(profile)
        box = window.remote_warning
        assert box.isVisible() and "192.0.2.10" in box.text() and "LIVE" not in box.text()
        assert window.session.state.phase is Phase.DISCONNECTED
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0)  # let anything wrongly scheduled start
        assert window.session.state.phase is Phase.DISCONNECTED
        assert window.tasks.pending == 0

        window.request_connect(profile)
        box = window.remote_warning
        accept = next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
        )
        accept.click()
        # Acknowledged: the session really tries (and fails: TEST-NET address, nothing there).
        await wait_until(lambda: window.session.state.phase is Phase.FAILED, 10)
        assert "confirm the remote-host warning" not in window.session.state.reason
        assert "192.0.2.10" in window.session.state.reason
        # The reason stays readable in the status bar (elided), in full in its tooltip.
        assert window.status.state.text().startswith("● Failed: ")
        assert "192.0.2.10" in window.status.state.text()
        assert window.status.state.toolTip().startswith(window.session.state.text)
    finally:
        await window.session.close()


def test_connection_dialog_builds_profiles(window: MainWindow) -> None:
    dialog = ConnectionDialog(None, window)
    dialog.open()
    assert dialog.profile().is_simulated and not dialog.host.isEnabled()
    live = dialog.profile_box.findData(ProfileKind.TWS_LIVE.value)
    dialog.client_id.setValue(9)
    dialog.profile_box.setCurrentIndex(live)
    profile = dialog.profile()
    assert (profile.kind, profile.port, profile.client_id) == (ProfileKind.TWS_LIVE, 7496, 9)
    assert not dialog.live_note.isHidden() and dialog.remote_note.isHidden()
    dialog.host.setText("10.0.0.5")
    profile = dialog.profile()
    assert profile.kind is ProfileKind.CUSTOM and profile.is_live and profile.needs_host_warning
    assert not dialog.remote_note.isHidden()
    requested: list[object] = []
    dialog.connect_requested.connect(requested.append)
    dialog.read_only.setChecked(True)
    dialog.connect_button.click()
    assert len(requested) == 1
    sent = requested[0]
    assert getattr(sent, "read_only", False) and getattr(sent, "host", "") == "10.0.0.5"


def test_futures_expiries_become_rows_of_their_own() -> None:
    es = SymbolMatch(
        Contract(secType="IND", symbol="ES", exchange="CME", currency="USD"),
        "E-mini S&P 500",
        ("FUT", "FOP"),
        ("20261218", "20270319"),
    )
    rows = result_rows([es])
    assert [r.cells()[:2] for r in rows] == [
        ("ES", "IND"),
        ("   ES 18 Dec 2026", "FUT"),
        ("   ES 19 Mar 2027", "FUT"),
    ]
    assert "also FUT, FOP" in rows[0].cells()[4]
    future = rows[2].contract()
    assert (future.secType, future.lastTradeDateOrContractMonth) == ("FUT", "20270319")
    # A future's own row picks its front month.
    es_fut = SymbolMatch(
        Contract(secType="FUT", symbol="ES", exchange="CME", currency="USD"),
        "E-mini S&P 500",
        expiries=("20261218", "20270319"),
    )
    fut_rows = result_rows([es_fut])
    assert fut_rows[0].cells()[4] == "E-mini S&P 500  · front month 18 Dec 2026"
    assert fut_rows[1].cells()[2] == "CME"
    front = fut_rows[0].contract()
    assert (front.exchange, front.lastTradeDateOrContractMonth) == ("CME", "20261218")


@pytest.mark.asyncio
async def test_symbol_search_lists_matches_picks_into_the_link_group_and_says_no_match(
    window: MainWindow, gateway: SimulatedGateway
) -> None:
    dock = window.docks.open("sym")
    panel = dock.widget()
    assert isinstance(panel, SymbolPanel)
    search = window.symbol_search
    try:
        await _connected(window, gateway.port)
        search.popup()
        assert search.isVisible() and "red link group" in search.target.text()
        search.edit.setText("AAPL")
        search.search_now()
        await wait_until(lambda: search.model.rowCount() > 0, 10, search.status.text())
        first = search.model.row(0).cells()
        assert first[0] == "AAPL" and first[1] == "STK" and first[3] == "USD"
        assert first[4]  # description
        search.pick(0)
        await wait_until(lambda: panel.shown == ["AAPL"], 10, search.status.text())
        current = window.links.current("red")
        assert current is not None and current.conId > 0
        assert not search.isVisible()

        # Type and press Enter at once: the exact symbol is picked when the results arrive.
        search.popup()
        search.edit.setText("MSFT")
        search.edit.returnPressed.emit()
        await wait_until(lambda: panel.shown == ["AAPL", "MSFT"], 10, search.status.text())

        # The count is of the rows shown: a future's listed months are rows (picks) too.
        search.popup()
        search.edit.setText("ES")
        search.search_now()
        await wait_until(lambda: "match" in search.status.text(), 10, search.status.text())
        rows = search.model.rowCount()
        futures_months = sum(1 for r in search.model.rows() if r.expiry)
        assert futures_months > 0
        assert search.status.text().startswith(f"{rows} matches (")
        assert f", {futures_months} futures months)" in search.status.text()
        # Down in the text box walks the results (the box keeps the focus).
        before = search.table.currentIndex().row()
        QTest.keyClick(search.edit, Qt.Key.Key_Down)
        assert search.table.currentIndex().row() == before + 1
        assert search.table.selectionModel().selectedRows()[0].row() == before + 1

        search.popup()
        search.edit.setText("QQZZXXNOPE")
        search.search_now()
        await wait_until(lambda: "No instrument matches" in search.status.text(), 10)
        assert search.model.rowCount() == 0
    finally:
        await window.session.close()


@pytest.mark.asyncio
async def test_symbol_search_while_offline_says_so(window: MainWindow) -> None:
    search = window.symbol_search
    search.popup()
    search.edit.setText("AAPL")
    search.search_now()
    await wait_until(lambda: "Not connected" in search.status.text(), 5)
    assert search.model.rowCount() == 0


@pytest.mark.asyncio
async def test_cancel_all_asks_then_cancels_open_orders(
    window: MainWindow, gateway: SimulatedGateway
) -> None:
    assert not window.cancel_all_action.isEnabled()
    try:
        await _connected(window, gateway.port, live=True)
        assert window.cancel_all_action.isEnabled()
        contract = await window.session.qualify(Stock("AAPL", "SMART", "USD"))
        trade = window.session.place_order(contract, LimitOrder("BUY", 1, 1.00))
        await wait_until(lambda: trade.orderStatus.status in ("Submitted", "PreSubmitted"), 10)
        box = window.confirm_cancel_all()
        assert "1 known to this terminal" in box.text()
        assert "the account (LIVE: Custom)" in box.text()
        box.button(QMessageBox.StandardButton.No).click()
        box = window.confirm_cancel_all()
        box.button(QMessageBox.StandardButton.Yes).click()
        await wait_until(lambda: trade.orderStatus.status == "Cancelled", 10)
        assert trade.orderStatus.status == "Cancelled"
    finally:
        await window.session.close()
    assert not window.cancel_all_action.isEnabled()


@pytest.mark.asyncio
async def test_status_bar_shows_loop_lag(window: MainWindow) -> None:
    probe = LoopLagProbe(interval=0.01)
    probe.start()
    try:
        window.status.set_probe(probe)
        await wait_until(lambda: probe.stats().samples >= 2)
        probe.record(0.3)  # a blocked loop: 300 ms late
        window.status.refresh()
        assert window.status.lag.text() == "Lag 300 ms"
        assert "#e5484d" in window.status.lag.styleSheet()
        probe.record(0.001)
        window.status.refresh()
        assert window.status.lag.text() == "Lag 1 ms" and window.status.lag.styleSheet() == ""
        assert "p99 300 ms" in window.status.lag.toolTip()
    finally:
        probe.stop()


@pytest.mark.asyncio
async def test_last_profile_is_remembered_and_quick_connect_keeps_the_client_id(
    window: MainWindow,
) -> None:
    profile = make_profile(ProfileKind.TWS_PAPER, client_id=42, port=1, timeout=1.0)
    try:
        window.request_connect(profile)  # nothing listens on port 1: fails fast
        await wait_until(lambda: window.session.state.phase is Phase.FAILED, 10)
        assert window.settings.last_profile["client_id"] == 42
        dialog = window.show_connection_dialog()
        assert dialog.profile_box.currentData() == ProfileKind.TWS_PAPER.value
        assert dialog.client_id.value() == 42
        dialog.close()
        quick = next(a for a in window.file_menu.actions() if a.text() == "Connect &to")
        menu = quick.menu()
        assert isinstance(menu, QMenu)
        gateway_paper = next(a for a in menu.actions() if a.text() == "IB Gateway paper")
        live = next(a for a in menu.actions() if a.text().startswith("TWS live"))
        assert "(LIVE)" in live.text()
        requested: list[ConnectionProfile] = []
        window.request_connect = requested.append  # type: ignore[method-assign,assignment]
        gateway_paper.trigger()
        assert [(p.kind, p.port, p.client_id) for p in requested] == [
            (ProfileKind.GATEWAY_PAPER, 4002, 42)
        ]
    finally:
        await window.session.close()


@pytest.mark.asyncio
async def test_status_bar_says_starting_simulator_while_the_gateway_process_starts(
    window: MainWindow,
) -> None:
    shown: list[str] = []  # the label after each state change (the window's slot runs first)
    window.session.stateChanged.connect(lambda _s: shown.append(window.status.state.full_text()))
    try:
        window.request_connect(make_profile(ProfileKind.SIMULATED))
        await wait_until(lambda: window.session.is_connected, 30, window.session.state.text)
    finally:
        await window.session.close()
    starting = shown.index("● Connecting: starting simulator")
    assert shown[starting + 1 :][:2] == ["● Connecting", "● Connected"]


def test_status_badges_follow_the_profile(window: MainWindow) -> None:
    status = window.status
    status.show_profile(make_profile(ProfileKind.SIMULATED, read_only=True))
    assert not status.sim_badge.isHidden() and not status.readonly_badge.isHidden()
    assert status.live_badge.isHidden()
    assert status.profile.text() == "Simulated (embedded) · client 1"
    status.show_profile(make_profile(ProfileKind.GATEWAY_LIVE, client_id=3))
    assert not status.live_badge.isHidden() and status.sim_badge.isHidden()
    assert status.readonly_badge.isHidden()
    assert status.profile.text() == "IB Gateway live · 127.0.0.1:4001 · client 3"
    status.show_profile(None)
    assert status.profile.text() == "Not connected" and status.live_badge.isHidden()


def test_status_bar_shows_the_history_queue(window: MainWindow) -> None:
    status = window.status
    assert status.history.isHidden()
    status.show_history(
        ["AAPL 1 min 1 D TRADES", "ES 5 mins 2 D TRADES"], ["MSFT 1 day 1 Y TRADES"]
    )
    assert status.history.text() == "History: 2 waiting, 1 loading"
    assert "waiting: ES 5 mins 2 D TRADES" in status.history.toolTip()
    assert not status.history.isHidden()
    window._on_history_queue()  # the session's queue is empty
    assert status.history.isHidden()
