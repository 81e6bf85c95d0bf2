"""The ladder's book model on scripted books: aggregation on the tick grid, ordering, volume at
price, pulled/stacked arithmetic and queue-position estimates."""

from __future__ import annotations

from decimal import Decimal

from ib_async import DOMLevel

from terminal_app.dom import LadderBook, LadderWindow, TickGrid

ES = TickGrid.from_min_tick(0.25)


def lv(price: float, size: float, mm: str = "") -> DOMLevel:
    return DOMLevel(price, size, mm)


def test_grid_rounds_wire_floats_onto_ticks() -> None:
    cents = TickGrid.from_min_tick(0.01)
    assert cents.index(2.0999999) == cents.index(2.10) == 210
    assert ES.index(5000.25) == 20001 and ES.price(20001) == 5000.25
    assert ES.text(20001) == "5000.25" and cents.text(5) == "0.05"
    assert TickGrid.from_min_tick(0).tick == TickGrid.from_min_tick(0.01).tick


def test_depth_aggregates_per_price_and_keeps_sides_ordered() -> None:
    book = LadderBook(ES)
    # SMART depth: two market makers at 5000.00, rows arrive in ib_async's position order.
    changed = book.apply_depth(
        [lv(5000.00, 5, "A"), lv(5000.0000001, 3, "B"), lv(4999.75, 7)],
        [lv(5000.50, 4), lv(5000.25, 2)],
        now=0.0,
    )
    assert book.bid_levels() == [(20000, 8.0), (19999, 7.0)]
    assert book.ask_levels() == [(20001, 2.0), (20002, 4.0)]
    assert book.best_bid == 20000 and book.best_ask == 20001 and book.spread_ticks() == 1
    assert changed == {20000, 19999, 20001, 20002}
    # An update and a delete by position: only the touched ticks are reported.
    changed = book.apply_depth([lv(5000.00, 5, "A"), lv(4999.75, 7)], [lv(5000.50, 4)], now=1.0)
    assert changed == {20000, 20001}
    assert book.bid_size(20000) == 5 and book.ask_size(20001) == 0 and book.best_ask == 20002


def test_volume_at_price_and_last_trade_from_trades() -> None:
    book = LadderBook(ES)
    assert book.apply_trade(5000.25, 3, now=0.0) == {20001}
    assert book.apply_trade(5000.25, 2, now=0.1) == {20001}
    assert book.apply_trade(5000.00, 10, now=0.2) == {20000, 20001}  # old last row un-highlights
    assert book.volume.get(20001) == 5 and book.volume.get(20000) == 10
    assert book.volume.largest == 10 and book.last_index == 20000 and book.last_size == 10


def test_pulled_and_stacked_net_of_trades_within_the_window() -> None:
    book = LadderBook(ES, flow_seconds=5.0)
    book.apply_depth([lv(5000.00, 10)], [lv(5000.25, 10)], now=0.0)
    assert book.flow.stacked(20000) == 10  # the first picture counts as stacked
    book.apply_trade(5000.25, 4, now=1.0)
    book.apply_depth([lv(5000.00, 16)], [lv(5000.25, 3)], now=1.0)
    # Ask fell by 7: 4 of it traded, 3 pulled. Bid grew by 6: stacked.
    assert book.flow.pulled(20001) == 3 and book.flow.stacked(20000) == 16
    book.apply_depth([lv(5000.00, 16)], [lv(5000.25, 3)], now=5.5)
    assert book.flow.stacked(20000) == 6 and book.flow.pulled(20001) == 3
    changed = book.apply_depth([lv(5000.00, 16)], [lv(5000.25, 3)], now=6.5)
    assert changed == {20000, 20001}  # expiry alone changes the rows
    assert book.flow.stacked(20000) == 0 and book.flow.pulled(20001) == 0


def test_queue_position_drops_with_trades_and_pulls_ahead() -> None:
    book = LadderBook(ES)
    book.apply_depth([lv(5000.00, 20)], [lv(5000.25, 5)], now=0.0)
    book.queue.place(7, 20000, is_buy=True, level_size=book.bid_size(20000))
    assert book.queue.ahead(7) == 20
    book.apply_trade(5000.00, 5, now=1.0)
    book.apply_depth([lv(5000.00, 15)], [lv(5000.25, 5)], now=1.0)
    assert book.queue.ahead(7) == 15  # the trade, no pull (the decrease was the trade)
    book.apply_depth([lv(5000.00, 9)], [lv(5000.25, 5)], now=2.0)
    assert book.queue.ahead(7) == 9  # all of the level was ahead: the whole pull counts
    book.apply_depth([lv(5000.00, 19)], [lv(5000.25, 5)], now=3.0)  # 10 join behind us
    book.apply_depth([lv(5000.00, 9.5)], [lv(5000.25, 5)], now=4.0)
    # 9.5 pulled from a level of 19 with 9 ahead: 9/19 of it was ahead.
    assert abs((book.queue.ahead(7) or 0.0) - 4.5) < 1e-9
    book.apply_trade(5000.00, 10, now=5.0)
    assert book.queue.ahead(7) == 0 and book.queue.orders_at(20000) == [7]
    assert book.queue.forget(7) == 20000 and book.queue.ahead(7) is None


def test_auto_centre_moves_only_outside_the_middle_band_and_not_while_held() -> None:
    window = LadderWindow(rows=20, band=0.5)
    assert window.follow(100, 101) and window.centre == 100
    assert window.row_of(100) == 10 and window.index_at(0) == 110
    assert not window.follow(104, 105)  # within ±5 ticks of the centre
    window.held = True
    assert not window.follow(110, 111) and window.centre == 100
    window.held = False
    assert window.follow(110, 111) and window.centre == 110
    window.scroll(30)
    assert window.centre == 140 and window.row_of(110) is None
    assert window.recentre(110, 111) and window.centre == 110


def test_a_market_rule_grid_changes_its_increment_with_the_price() -> None:
    # An option's rule: 0.01 below 3.00, 0.05 from 3.00 (lowEdge, increment as IB sends them).
    grid = TickGrid.from_rule([(3.0, 0.05), (0.0, 0.01)], min_tick=0.01)
    assert grid.variable and grid.tick == Decimal("0.01") and grid.decimals == 2
    assert [grid.text(i) for i in (298, 299, 300, 301, 302)] == [
        "2.98",
        "2.99",
        "3.00",
        "3.05",
        "3.10",
    ]
    assert grid.index(2.99) == 299 and grid.index(3.05) == 301 and grid.index(3.0999999) == 302
    assert grid.index(3.02) == 300  # off the grid: its nearest row
    # One row is one tick on either side of the edge: a move of two rows from 2.99 is 3.05.
    assert grid.value(grid.index(2.99) + 2) == Decimal("3.05")
    assert not TickGrid.from_rule([], min_tick=0.25).variable  # no rule: the min tick
    assert TickGrid.from_rule([(1.0, 0.5)], min_tick=0.25).tick == Decimal("0.25")


def test_cumulative_depth_sums_each_side_from_the_inside_out() -> None:
    book = LadderBook(ES)
    book.apply_depth(
        [lv(5000.00, 5), lv(4999.75, 7), lv(4999.50, 3)], [lv(5000.25, 2), lv(5000.50, 4)], 0.0
    )
    book.cumulative = True  # summed from the book as it stands
    assert [book.cumulative_size(i, True) for i in (20000, 19999, 19998)] == [5, 12, 15]
    assert [book.cumulative_size(i, False) for i in (20001, 20002)] == [2, 6]
    assert book.cumulative_size(19990, True) == 0 and book.cumulative_size(20000, False) == 0
    # Off: a change reports its own row only, and no sums are kept; on: every row outward too.
    book.cumulative = False
    assert book.apply_depth([lv(5000.00, 6), lv(4999.75, 7), lv(4999.50, 3)], [], 1.0) == {
        20000,
        20001,
        20002,
    }
    assert book.cumulative_bids == {} and book.cumulative_asks == {}
    book.cumulative = True
    changed = book.apply_depth([lv(5000.00, 1), lv(4999.75, 7), lv(4999.50, 3)], [], 2.0)
    assert changed == {20000, 19999, 19998}
    assert [book.cumulative_size(i, True) for i in (20000, 19999, 19998)] == [1, 8, 11]
