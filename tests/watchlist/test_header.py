"""The watchlist's header and row drags as a trader uses them (issue 14, items 6, 8 and 9).

Real widgets offscreen over real ib_async Tickers: the header menu is opened through the header's
own context-menu signal, sorts through header clicks, drags through the view's drop handling."""

from collections.abc import Iterator

import pytest
from ib_async import Contract, Ticker
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.watchlist.menus import menu_action, open_header_menu
from ui.watchlist.columns import COLUMN_INDEX, COLUMNS, RowData
from ui.watchlist.model import WatchlistModel
from ui.watchlist.table_view import WatchlistView

LASTS = (3.0, 1.0, 4.0, 2.0, 5.0)


def _row(i: int, last: float) -> RowData:
    contract = Contract(conId=100 + i, symbol=f"S{i}", secType="STK", currency="USD")
    ticker = Ticker(contract=contract)
    ticker.minTick, ticker.last, ticker.close = 0.01, last, 2.5
    return RowData(contract=contract, ticker=ticker, daily_pnl=10.0 * i)


@pytest.fixture
def view(qapp: QApplication, qtbot: QtBot) -> Iterator[WatchlistView]:
    model = WatchlistModel()
    for i, last in enumerate(LASTS):
        model.append(_row(i, last))
    widget = WatchlistView(model)
    widget.resize(1100, 300)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    model.detach()
    widget.close()
    widget.deleteLater()


def _symbols(view: WatchlistView) -> list[str]:
    return [c.symbol for c in view.watchlist_model().contracts()]


def _titles(view: WatchlistView) -> list[str]:
    """The column titles as the header draws them."""
    model = view.watchlist_model()
    return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(len(COLUMNS))]


def _fits(view: WatchlistView, column: int) -> bool:
    header = view.horizontalHeader()
    return header.sectionSize(column) >= header.sectionSizeHint(column)


def _click_header(view: WatchlistView, qtbot: QtBot, column: int) -> None:
    header = view.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(column) + 6, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)


def _drop_before(view: WatchlistView, source: int, target: int) -> None:
    """Drag row `source` and drop it on the upper edge of row `target`, as the mouse would."""
    model = view.watchlist_model()
    mime = model.mimeData([model.index(source, c) for c in range(model.columnCount())])
    rect = view.visualRect(model.index(target, COLUMN_INDEX["last"]))
    drop = QDropEvent(
        QPoint(rect.center().x(), rect.top() + 1).toPointF(),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    drop.setDropAction(Qt.DropAction.MoveAction)
    view.dropEvent(drop)


def test_an_ampersand_in_a_column_title_shows_in_the_header_menu(
    view: WatchlistView, qtbot: QtBot
) -> None:
    """Item 6: "Daily P&L" read "Daily PL" with an underlined L (the & became a mnemonic)."""
    menu = open_header_menu(view, COLUMN_INDEX["dailyPnl"])
    for title in ("Daily P&L", "Sort by Daily P&L ascending", "Sort by Daily P&L descending"):
        action = menu_action(menu, title)  # the text as the menu shows it, mnemonics stripped
        assert QKeySequence.mnemonic(action.text()).isEmpty(), action.text()
    for column in COLUMNS:
        assert menu_action(menu, column.header).isCheckable()
    menu.close()


def test_a_header_click_sorts_once_and_shows_which_column_and_way(
    view: WatchlistView, qtbot: QtBot
) -> None:
    """Item 8: the sorted column's title shows TWS's arrow while the order holds; its tooltip says
    that moving prices do not re-sort and that new rows go at the end; a new or dragged row
    clears the arrow."""
    model = view.watchlist_model()
    last = COLUMN_INDEX["last"]
    _click_header(view, qtbot, last)
    assert _symbols(view) == ["S1", "S3", "S0", "S2", "S4"]
    assert _titles(view)[last] == "Last ▲" and _fits(view, last)
    assert _titles(view).count("Last ▲") == 1 and sum("▼" in t for t in _titles(view)) == 0
    tip = str(model.headerData(last, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole))
    assert "ascending" in tip and "new rows" in tip.lower() and "end" in tip
    assert model.headerData(
        COLUMN_INDEX["bid"], Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    ) in (None, "")

    _click_header(view, qtbot, last)  # the same header again: the other way
    assert _symbols(view) == ["S4", "S2", "S0", "S3", "S1"]
    assert _titles(view)[last] == "Last ▼"

    ticker = model.row(0).ticker  # S4, the highest
    assert ticker is not None
    ticker.last = 0.5
    ticker.updateEvent.emit(ticker)  # a price moves: no re-sort, and the arrow stays
    qtbot.waitUntil(lambda: not model.frame_pending())
    assert _symbols(view)[0] == "S4" and _titles(view)[last] == "Last ▼"

    model.append(_row(5, 9.0))  # a new row goes at the end: the list no longer reads sorted
    assert _symbols(view)[-1] == "S5"
    assert _titles(view) == [c.header for c in COLUMNS]

    menu = open_header_menu(view, last)  # the menu's sort shows the arrow as well
    menu_action(menu, "Sort by Last descending").trigger()
    menu.close()
    assert _symbols(view) == ["S5", "S2", "S0", "S3", "S1", "S4"]
    assert _titles(view)[last] == "Last ▼"
    _drop_before(view, 5, 0)  # a drag rearranges: the arrow goes
    assert _symbols(view)[0] == "S4"
    assert _titles(view) == [c.header for c in COLUMNS]


def test_a_dragged_row_stays_selected_where_it_lands(view: WatchlistView, qtbot: QtBot) -> None:
    """Item 9: after a drag the selection stayed on the old row number, not on the moved row."""
    view.setFocus()
    view.selectRow(0)
    qtbot.waitUntil(lambda: view.selected_rows() == [0])
    _drop_before(view, 0, 3)
    assert _symbols(view) == ["S1", "S2", "S0", "S3", "S4"]
    assert view.selected_rows() == [2]
    assert view.currentIndex().row() == 2
    view.selectRow(4)
    _drop_before(view, 4, 1)  # upwards as well
    assert _symbols(view) == ["S1", "S4", "S2", "S0", "S3"]
    assert view.selected_rows() == [1]
