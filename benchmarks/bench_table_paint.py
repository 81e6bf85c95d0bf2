"""What one repaint of a watchlist grid costs, for the ways a live table could paint it.

Offscreen, 1400x900, every column shown, one synchronous `viewport().repaint()` of the whole grid
and of one cell, median of `--repeat` paints:

- `QTableView` with the stock delegate: `data()` per cell and role through the binding;
- `QTableView` with a delegate that draws the model's cached text with cached `QStaticText`;
- `LiveTableView` (`ui.live_table`): one `paintEvent` that draws the region's cells from the
  model's per-row cache with cached `QStaticText`, no delegate.

`python -m benchmarks bench_table_paint [--rows 100] [--repeat 30]`; prints a table and a JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Sequence

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ib_async import Contract, Ticker
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect
from PySide6.QtGui import QPainter, QStaticText
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from ui.live_table.view import LiveTableView
from ui.watchlist.columns import RowData
from ui.watchlist.model import WatchlistModel


class StaticTextDelegate(QStyledItemDelegate):
    """The alternative to a custom paintEvent: the stock view, a delegate reading the cache."""

    def __init__(self, model: WatchlistModel) -> None:
        super().__init__()
        self._model = model
        self._layouts: dict[str, QStaticText] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        texts, _ = self._model.cells(self._model.row(index.row()))
        text = texts[index.column()]
        rect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, option.palette.highlight())
        static = self._layouts.get(text)
        if static is None:
            static = self._layouts[text] = QStaticText(text)
        left = rect.right() - 4 - static.size().width()
        painter.drawStaticText(QPointF(left, rect.top() + 3), static)


def filled_model(rows: int) -> WatchlistModel:
    model = WatchlistModel()
    for i in range(rows):
        contract = Contract(conId=i + 1, symbol=f"S{i}", secType="STK", currency="USD")
        ticker = Ticker(contract=contract)
        ticker.minTick, ticker.bid, ticker.ask, ticker.last = 0.01, 100.0 + i, 100.01 + i, 100.0
        ticker.bidSize = ticker.askSize = 100.0
        ticker.close, ticker.volume, ticker.high, ticker.low = 99.0, 1e6, 101.0, 98.0
        model.append(RowData(contract, "Some company", position=10.0, daily_pnl=5.0, ticker=ticker))
    model.flush()
    return model


def median_ms(view: QTableView, rect: QRect | None, repeat: int) -> float:
    viewport = view.viewport()
    costs = []
    for _ in range(repeat):
        started = time.perf_counter()
        if rect is None:
            viewport.repaint()
        else:
            viewport.repaint(rect)
        costs.append(time.perf_counter() - started)
    return round(statistics.median(costs) * 1000, 3)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_table_paint", description=__doc__)
    parser.add_argument("--rows", type=int, default=100, help="model rows")
    parser.add_argument("--repeat", type=int, default=30, help="paints per figure")
    args, _ = parser.parse_known_args(list(argv) if argv is not None else None)
    app = QApplication.instance() or QApplication(["bench_table_paint"])
    model = filled_model(args.rows)
    stock = QTableView()
    stock.setModel(model)
    delegated = QTableView()
    delegated.setModel(model)
    delegate = StaticTextDelegate(model)
    delegated.setItemDelegate(delegate)
    views = {
        "QTableView, stock delegate": stock,
        "QTableView, QStaticText delegate": delegated,
        "LiveTableView": LiveTableView(model),
    }
    results = []
    for name, view in views.items():
        view.verticalHeader().setDefaultSectionSize(24)
        for column in range(model.columnCount()):
            view.horizontalHeader().setSectionHidden(column, False)
        view.resize(1400, 900)
        view.show()
        app.processEvents()
        cell = view.visualRect(model.index(3, 3))
        full, one = median_ms(view, None, args.repeat), median_ms(view, cell, args.repeat)
        results.append({"view": name, "full_grid_ms": full, "one_cell_ms": one})
        view.close()
    shown = views["LiveTableView"].rowAt(views["LiveTableView"].viewport().height() - 1) + 1
    print(f"{'view':<36}{'full grid ms':>14}{'one cell ms':>14}")
    for row in results:
        print(f"{row['view']:<36}{row['full_grid_ms']:>14}{row['one_cell_ms']:>14}")
    print(json.dumps({"benchmark": "table_paint", "rows_shown": shown, "runs": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
