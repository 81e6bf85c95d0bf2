"""The watchlist model on real ib_async Tickers, driven by their own update events."""

from ib_async import Contract, Ticker
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.watchlist.columns import COLUMN_INDEX, RowData
from ui.watchlist.model import (
    FLASH_MS,
    FRAME_MS,
    MAX_FRAME_MS,
    MIME_TYPE,
    SORT_ROLE,
    WatchlistModel,
)


class FakeClock:
    """The model's flash timing reads a clock; tests set it instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _stock(symbol: str, con_id: int) -> Contract:
    return Contract(conId=con_id, symbol=symbol, secType="STK", exchange="SMART", currency="USD")


def _model_with(n: int, clock: FakeClock | None = None) -> tuple[WatchlistModel, list[Ticker]]:
    model = WatchlistModel(clock=clock or FakeClock())
    tickers = []
    for i in range(n):
        contract = _stock(f"S{i}", 100 + i)
        ticker = Ticker(contract=contract)
        tickers.append(ticker)
        model.append(RowData(contract=contract, ticker=ticker))
    return model, tickers


def _text(model: WatchlistModel, row: int, key: str) -> str:
    return str(model.data(model.index(row, COLUMN_INDEX[key])))


def test_burst_of_updates_in_one_frame_gives_one_range(qapp: QApplication, qtbot: QtBot) -> None:
    model, tickers = _model_with(200)
    emitted: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=(): emitted.append((a.row(), b.row())))
    model.flush()
    emitted.clear()
    for i in range(10_000):
        ticker = tickers[i % 200]
        ticker.bid = 100.0 + (i % 7) * 0.01
        ticker.updateEvent.emit(ticker)
    assert emitted == []  # nothing repaints before the frame
    with qtbot.waitSignal(model.frame_flushed, timeout=1000) as blocker:
        pass
    assert blocker.args == [200]
    assert emitted == [(0, 199)]


def test_a_frame_is_one_range_and_names_its_changed_rows(qapp: QApplication) -> None:
    model, tickers = _model_with(10)
    model.flush()
    emitted: list[tuple[int, int, list[int]]] = []

    def changed(a: QModelIndex, b: QModelIndex, _roles: object = ()) -> None:
        emitted.append((a.row(), b.row(), list(model.frame_rows(a.row(), b.row()))))

    model.dataChanged.connect(changed)
    for i in (1, 2, 3, 7, 9):
        tickers[i].updateEvent.emit(tickers[i])
    assert model.flush() == 5
    assert emitted == [(1, 9, [1, 2, 3, 7, 9])]
    assert list(model.frame_rows(2, 4)) == [2, 3, 4]  # outside a frame: the whole range
    assert model.flush() == 0


def test_formatting_blank_for_missing_and_to_the_tick(qapp: QApplication) -> None:
    model, tickers = _model_with(1)
    assert _text(model, 0, "bid") == "" and _text(model, 0, "volume") == ""
    model.row(0).details_min_tick = 0.5
    assert model.row(0).min_tick == 0.5  # until the line's own tick arrives
    tickers[0].minTick = 0.25
    tickers[0].bid, tickers[0].ask, tickers[0].last = 5012.25, 5012.5, 5012.5
    tickers[0].bidSize, tickers[0].volume, tickers[0].close = 12.0, 1_234_567.0, 5000.0
    tickers[0].updateEvent.emit(tickers[0])
    assert _text(model, 0, "bid") == "5,012.25"
    assert _text(model, 0, "bidSize") == "12"
    assert _text(model, 0, "volume") == "1.23M"
    assert _text(model, 0, "change") == "+12.50"
    assert _text(model, 0, "changePct") == "+0.25%"
    tickers[0].bid = -1.0
    tickers[0].updateEvent.emit(tickers[0])
    assert _text(model, 0, "bid") == ""
    assert "nan" not in "".join(_text(model, 0, k) for k in COLUMN_INDEX)


def test_flash_tints_then_fades_without_per_cell_timers(qapp: QApplication) -> None:
    clock = FakeClock()
    model, tickers = _model_with(1, clock)
    bid = model.index(0, COLUMN_INDEX["bid"])
    tickers[0].bid = 10.0
    tickers[0].updateEvent.emit(tickers[0])
    assert model.data(bid, Qt.ItemDataRole.BackgroundRole) is None  # first value: no direction
    tickers[0].bid = 10.01
    tickers[0].updateEvent.emit(tickers[0])
    up = model.data(bid, Qt.ItemDataRole.BackgroundRole)
    assert up is not None and up.green() > up.red()
    clock.now += FLASH_MS / 2000
    assert model.data(bid, Qt.ItemDataRole.BackgroundRole).alpha() < up.alpha()
    tickers[0].bid = 10.0
    tickers[0].updateEvent.emit(tickers[0])
    down = model.data(bid, Qt.ItemDataRole.BackgroundRole)
    assert down.red() > down.green()
    model.flush()  # still fading: the row stays dirty for the next frame
    assert model.flush() == 1
    clock.now += FLASH_MS / 1000 + 0.01
    model.flush()
    assert model.data(bid, Qt.ItemDataRole.BackgroundRole) is None
    assert model.flush() == 0


def test_sort_move_and_remove(qapp: QApplication) -> None:
    model, tickers = _model_with(4)
    for ticker, last in zip(tickers, (3.0, 1.0, float("nan"), 2.0), strict=True):
        ticker.last = last
        ticker.updateEvent.emit(ticker)
    model.sort(COLUMN_INDEX["last"], Qt.SortOrder.AscendingOrder)
    assert [c.symbol for c in model.contracts()] == ["S1", "S3", "S0", "S2"]  # blank last
    model.sort(COLUMN_INDEX["last"], Qt.SortOrder.DescendingOrder)
    assert [c.symbol for c in model.contracts()] == ["S0", "S3", "S1", "S2"]
    assert model.data(model.index(0, COLUMN_INDEX["last"]), SORT_ROLE) == 3.0
    model.move_rows([2, 3], 0)
    assert [c.symbol for c in model.contracts()] == ["S1", "S2", "S0", "S3"]
    model.move_rows([0], 4)
    assert [c.symbol for c in model.contracts()] == ["S2", "S0", "S3", "S1"]
    released: list[list[RowData]] = []
    model.rows_released.connect(released.append)
    model.remove_indices([0, 2])
    assert [c.symbol for c in model.contracts()] == ["S0", "S1"]
    assert [r.contract.symbol for batch in released for r in batch] == ["S3", "S2"]
    emitted: list[int] = []
    model.dataChanged.connect(lambda a, b, _roles=(): emitted.append(a.row()))
    model.flush()
    emitted.clear()
    tickers[2].updateEvent.emit(tickers[2])  # a removed row's ticker no longer reaches the model
    assert model.flush() == 0


def test_drag_within_a_list_moves_and_between_lists_hands_over(qapp: QApplication) -> None:
    first, _ = _model_with(3)
    second = WatchlistModel()
    mime = first.mimeData([first.index(0, 0), first.index(0, 3)])
    assert mime.hasFormat(MIME_TYPE) and mime.text() == "S0"
    assert not first.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert [c.symbol for c in first.contracts()] == ["S1", "S2", "S0"]
    dropped: list[tuple[list[Contract], int]] = []
    second.contracts_dropped.connect(lambda contracts, row: dropped.append((contracts, row)))
    assert second.dropMimeData(mime, Qt.DropAction.CopyAction, -1, 0, QModelIndex())
    assert [(c.symbol, c.conId) for c in dropped[0][0]] == [("S0", 100)] and dropped[0][1] == 0


def test_error_rows_say_so_in_the_row(qapp: QApplication) -> None:
    model = WatchlistModel()
    model.append(RowData(contract=_stock("NOPE", 0), error="200: No security definition found"))
    symbol = model.index(0, COLUMN_INDEX["symbol"])
    assert model.data(symbol) == "⚠ NOPE"
    assert "No security definition" in model.data(symbol, Qt.ItemDataRole.ToolTipRole)
    assert model.data(symbol, Qt.ItemDataRole.ForegroundRole) is not None


def test_slow_paints_stretch_the_frame_within_bounds(qapp: QApplication) -> None:
    model = WatchlistModel()
    assert model.frame_interval() == FRAME_MS
    model.note_paint(0.002)
    assert model.frame_interval() == FRAME_MS  # cheap paints: 60 frames a second
    for _ in range(20):
        model.note_paint(0.020)
    assert 50 <= model.frame_interval() <= 60  # 20 ms paints: a frame of about 60 ms
    for _ in range(20):
        model.note_paint(0.5)
    assert model.frame_interval() == MAX_FRAME_MS  # never slower than 10 frames a second


def test_change_of_a_pair_without_trades_is_from_the_midpoint(qapp: QApplication) -> None:
    model, tickers = _model_with(1)
    ticker = tickers[0]
    ticker.minTick = 0.00005
    ticker.bid, ticker.ask, ticker.close = 1.0826, 1.0827, 1.0800
    ticker.updateEvent.emit(ticker)
    assert _text(model, 0, "last") == ""
    assert _text(model, 0, "change") == "+0.00265"
    assert _text(model, 0, "changePct") == "+0.25%"
