"""The DOM dock: a header (contract, position and average price, spread) over the ladder.

It shows one contract (a linked pick or "Open DOM" on another panel's row) and holds that
contract's depth and tick-by-tick lines through a `DomFeed` until it shows another or closes.
Click-trading (see `ui.dom.trading`): left-click in the bid or buy column buys a limit at
that price, in the ask or sell column sells; Ctrl/Shift-click places a stop instead. Working
orders show in the buy/sell columns: drag one to another row to move it (a modify, sent on
release), click its × to cancel it. A right-click opens the menu at that price (cancel there,
cancel all, flatten, limits and stops at the price).
Keys: B buys at the bid, S sells at the ask, Shift+B / Shift+S at market; Space or C recentres
on the inside market; 1–4 pick the quantity presets; Esc drops an order waiting for
confirmation. Each goes the same way as a click (asks unless one-click is on).
"""

from __future__ import annotations

from ib_async import Contract
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QMenu, QVBoxLayout, QWidget

from terminal_app.dom.feed import DomFeed
from terminal_app.orders import order_service
from ui.dom.cells import Col, size_text
from ui.dom.ladder_view import LadderView
from ui.dom.menu import ladder_menu
from ui.dom.order_bar import ConfirmBar, OrderBar
from ui.dom.trading import LadderTrading
from ui.panel import PanelContext

RECENTRE_KEYS = {Qt.Key.Key_Space, Qt.Key.Key_C}
PRESET_KEYS = {Qt.Key.Key_1: 1, Qt.Key.Key_2: 2, Qt.Key.Key_3: 3, Qt.Key.Key_4: 4}
BUY_COLUMNS = {Col.BUYS, Col.BID}
SELL_COLUMNS = {Col.SELLS, Col.ASK}


class DomPanel(QWidget):
    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = ctx.session
        self._feed: DomFeed | None = None
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
        layout.addWidget(self._header)
        layout.addWidget(self.order_bar)
        layout.addWidget(self.confirm_bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.ladder, 1)
        self._enable_trading(False)

    @property
    def feed(self) -> DomFeed | None:
        return self._feed

    def show_contract(self, contract: Contract) -> None:
        if not contract.conId or (
            self._feed is not None and self._feed.contract.conId == contract.conId
        ):
            return
        self.release_panel()
        self._feed = DomFeed(self._session, contract, parent=self)
        self._feed.ordersChanged.connect(self._update_header)
        self._feed.changed.connect(self._on_changed)
        self.ladder.set_feed(self._feed)
        self.trading.feed = self._feed
        self._enable_trading(True)
        self._update_header()

    def shown_contract(self) -> Contract | None:
        return self._feed.contract if self._feed is not None else None

    def has_live_data(self) -> bool:
        """A ladder showing nothing expects nothing; one showing a contract waits for its book."""
        feed = self._feed
        return feed is None or (not feed.stale and bool(feed.book.bids or feed.book.asks))

    def release_panel(self) -> None:
        feed, self._feed = self._feed, None
        if feed is not None:
            self.trading.dismiss()
            self.trading.feed = None
            self._enable_trading(False)
            self.ladder.set_feed(None)
            feed.release()
            feed.deleteLater()

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
