"""The DOM dock: a header (contract, position and average price, spread) over the ladder.

It shows one contract (its link group's symbol, "Open DOM" on another panel's row, or the one
it was saved with) and holds that contract's depth and tick-by-tick lines through a `DomFeed`
until it shows another or closes. A contract not yet qualified (a restored chart's SPY) is
looked up first, once connected; the grid then follows the contract's market rule.
Click-trading (see `ui.dom.trading`): left-click in the bid or buy column buys a limit at
that price, in the ask or sell column sells; Ctrl/Shift-click places a stop instead. Working
orders show in the buy/sell columns: drag one to another row to move it (a modify, sent on
release), click its × to cancel it. A right-click opens the menu at that price (cancel there,
cancel all, flatten, limits and stops at the price). The View menu switches cumulative depth,
SMART depth and auto-centre; they, the quantity and the bracket are saved with the workspace.
Keys: B buys at the bid, S sells at the ask, Shift+B / Shift+S at market; Space or C recentres
on the inside market; 1–4 pick the quantity presets; Esc drops an order waiting for
confirmation. Each goes the same way as a click (asks unless one-click is on).
"""

from __future__ import annotations

from typing import Any

from ib_async import Contract
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QVBoxLayout, QWidget

from terminal_app.dom.feed import DomFeed, smart_depth_allowed
from terminal_app.dom.market_rules import ladder_grid
from terminal_app.orders import order_service
from terminal_app.session.contracts import ContractError, contract_text
from terminal_app.session.state import Phase
from ui.dom.cells import Col, size_text
from ui.dom.ladder_view import LadderView
from ui.dom.menu import ladder_menu
from ui.dom.options import LadderOptions
from ui.dom.order_bar import ConfirmBar, OrderBar
from ui.dom.trading import LadderTrading
from ui.panel import PanelContext
from ui.watchlist.model import contract_from_dict, contract_to_dict

RECENTRE_KEYS = {Qt.Key.Key_Space, Qt.Key.Key_C}
PRESET_KEYS = {Qt.Key.Key_1: 1, Qt.Key.Key_2: 2, Qt.Key.Key_3: 3, Qt.Key.Key_4: 4}
BUY_COLUMNS = {Col.BUYS, Col.BID}
SELL_COLUMNS = {Col.SELLS, Col.ASK}


class DomPanel(QWidget):
    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = ctx.session
        self._tasks = ctx.tasks
        self._feed: DomFeed | None = None
        self._pending: Contract | None = None  # asked for, not shown yet (being looked up)
        self._spread: int | None = None  # shown in the header
        self._header = QLabel("No contract: pick one in a linked panel, or “Open DOM” on a row")
        self._header.setTextFormat(Qt.TextFormat.PlainText)
        self.ladder = LadderView(self)
        self.trading = LadderTrading(ctx.session, order_service(ctx.session), self)
        self.order_bar = OrderBar(self.trading, self)
        self.confirm_bar = ConfirmBar(self.trading, self)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()  # shown while it says why a click was refused
        self.trading.notice.connect(self._show_notice)
        self.trading.confirmNeeded.connect(lambda _text: self.notice.hide())
        self.ladder.cellClicked.connect(self._on_cell_clicked)
        self.ladder.cancelClicked.connect(self._on_cancel_clicked)
        self.ladder.orderDragged.connect(self._on_order_dragged)
        self.ladder.menuRequested.connect(self._on_menu)
        self.menu: QMenu | None = None  # the right-click menu while it is open
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.options = LadderOptions(self)
        self.options.cumulative.toggled.connect(self._on_cumulative)
        self.options.smart.toggled.connect(self._on_smart)
        self.options.auto_centre.toggled.connect(self._on_auto_centre)
        top = QHBoxLayout()
        top.addWidget(self._header, 1)
        top.addWidget(self.options)
        layout.addLayout(top)
        layout.addWidget(self.order_bar)
        layout.addWidget(self.confirm_bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.ladder, 1)
        self._enable_trading(False)
        self._session.stateChanged.connect(self._on_state)

    @property
    def feed(self) -> DomFeed | None:
        return self._feed

    def show_contract(self, contract: Contract) -> None:
        """Show `contract` at once when it is qualified; else look it up first (once
        connected) and keep showing what it showed until then."""
        feed = self._feed
        if contract.conId and feed is not None and feed.contract.conId == contract.conId:
            self._pending = None
            return
        if contract.conId and self._session.details(contract.conId) is not None:
            self._pending = None
            self._open(contract)
            return
        self._pending = contract
        self._header.setText(f"{contract_text(contract)}: looking it up…")
        self._look_up()

    def shown_contract(self) -> Contract | None:
        if self._pending is not None:
            return self._pending
        return self._feed.contract if self._feed is not None else None

    def has_live_data(self) -> bool:
        """A ladder showing nothing expects nothing; one showing a contract waits for its book."""
        feed = self._feed
        if self._pending is not None:
            return False
        return feed is None or (not feed.stale and bool(feed.book.bids or feed.book.asks))

    def release_panel(self) -> None:
        self._pending = None
        self._close()

    def _look_up(self) -> None:
        contract = self._pending
        if contract is not None and self._session.is_connected:
            self._tasks.spawn(self._qualify(contract), name=f"dom {contract_text(contract)}")

    async def _qualify(self, contract: Contract) -> None:
        try:
            qualified = await self._session.qualify(contract)
        except ContractError as exc:
            if self._pending is contract:
                self._pending = None
                self._header.setText(str(exc))
            return
        if self._pending is contract:
            self.show_contract(qualified)

    def _on_state(self, state: object) -> None:
        if getattr(state, "phase", None) is Phase.CONNECTED:
            self._look_up()

    def _open(self, contract: Contract) -> None:
        self._close()
        self.notice.hide()  # what it said was about the contract shown before
        smart = self.options.smart.isChecked()
        self._feed = feed = DomFeed(self._session, contract, smart=smart, parent=self)
        feed.book.cumulative = self.options.cumulative.isChecked()
        feed.ordersChanged.connect(self._update_header)
        feed.changed.connect(self._on_changed)
        feed.failed.connect(self._show_notice)
        self.ladder.set_feed(feed)
        self.trading.feed = feed
        self._enable_trading(True)
        self.options.smart.setEnabled(smart_depth_allowed(contract))
        self._update_header()
        self._tasks.spawn(self._use_market_rule(feed), name=f"dom rule {contract.conId}")

    async def _use_market_rule(self, feed: DomFeed) -> None:
        try:
            grid = await ladder_grid(self._session, feed.contract)
        except ContractError:  # disconnected meanwhile: the min tick grid stays
            return
        if feed is self._feed:
            feed.use_grid(grid)

    def _close(self) -> None:
        feed, self._feed = self._feed, None
        if feed is not None:
            self.trading.dismiss()
            self.trading.feed = None
            self._enable_trading(False)
            self.ladder.set_feed(None)
            feed.release()
            feed.deleteLater()

    # ------------------------------------------------------------------ view switches
    def _on_cumulative(self, on: bool) -> None:
        if self._feed is not None:
            self._feed.book.cumulative = on
        self.ladder.invalidate()

    def _on_smart(self, _on: bool) -> None:
        """Another depth request: the book is shown afresh from the new line."""
        feed = self._feed
        if feed is not None and smart_depth_allowed(feed.contract):
            self._open(feed.contract)

    def _on_auto_centre(self, on: bool) -> None:
        self.ladder.window_.auto = on

    # ------------------------------------------------------------------ workspace
    def panel_state(self) -> dict[str, Any]:
        """One-click is never saved: a restored ladder always asks first."""
        contract = self.shown_contract()
        bar = self.order_bar
        return {
            "contract": contract_to_dict(contract) if contract is not None else None,
            "quantity": bar.quantity.value(),
            "take_profit_ticks": bar.take_profit.value(),
            "stop_loss_ticks": bar.stop_loss.value(),
            "cumulative": self.options.cumulative.isChecked(),
            "smart_depth": self.options.smart.isChecked(),
            "centre": "auto" if self.options.auto_centre.isChecked() else "manual",
        }

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        bar = self.order_bar
        bar.one_click.setChecked(False)
        bar.quantity.setValue(int(state.get("quantity", 1)))
        bar.take_profit.setValue(int(state.get("take_profit_ticks", 0)))
        bar.stop_loss.setValue(int(state.get("stop_loss_ticks", 0)))
        self.options.cumulative.setChecked(bool(state.get("cumulative", False)))
        self.options.smart.setChecked(bool(state.get("smart_depth", True)))
        self.options.auto_centre.setChecked(state.get("centre", "auto") != "manual")
        if state.get("contract"):
            self.show_contract(contract_from_dict(state["contract"]))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in RECENTRE_KEYS:
            self.ladder.recentre()
        elif key in PRESET_KEYS:
            self.order_bar.preset(PRESET_KEYS[Qt.Key(key)])
        elif key in (Qt.Key.Key_B, Qt.Key.Key_S) and self._feed is not None:
            is_buy = key == Qt.Key.Key_B
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.trading.at_market(is_buy)
            else:
                self.trading.at_inside(is_buy)
        elif key == Qt.Key.Key_Escape:
            self.trading.dismiss()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def _enable_trading(self, on: bool) -> None:
        """Trading controls act on the shown contract: none shown, none offered."""
        self.order_bar.setEnabled(on)

    def _on_cell_clicked(self, col: int, index: int, stop: bool) -> None:
        self.ladder.setFocus()
        if col in BUY_COLUMNS | SELL_COLUMNS:
            self.trading.click(col in BUY_COLUMNS, index, stop)

    def _on_cancel_clicked(self, col: int, index: int) -> None:
        self.trading.cancel_at(index, col == Col.BUYS)

    def _on_order_dragged(self, col: int, source: int, target: int) -> None:
        self.trading.move(source, target, col == Col.BUYS)

    def _on_menu(self, _col: int, index: int, where: QPoint) -> None:
        if self._feed is None:
            return
        self.menu = menu = ladder_menu(self.trading, index, self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.aboutToHide.connect(lambda: setattr(self, "menu", None))
        menu.popup(where)

    def _on_changed(self, _indices: object) -> None:
        feed = self._feed
        if feed is not None and feed.book.spread_ticks() != self._spread:
            self._update_header()

    def _update_header(self) -> None:
        feed = self._feed
        if feed is None:
            return
        contract = feed.contract
        name = contract.localSymbol or contract.symbol
        self._spread = feed.book.spread_ticks()
        spread = "—" if self._spread is None else f"{self._spread} tick{'s' * (self._spread != 1)}"
        position = size_text(feed.position) or "0"
        average = f" @ {feed.average_price:.{feed.grid.decimals}f}" if feed.average_price else ""
        self._header.setText(f"{name}  ·  position {position}{average}  ·  spread {spread}")
