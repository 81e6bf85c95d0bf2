"""The DOM depth ladder's model (no widgets): the book aggregated per price tick, volume traded at
each price, size pulled and stacked per level, estimated queue positions, and the ladder window
that decides which ticks are on screen.

    grid = TickGrid.from_min_tick(details.minTick)
    book = LadderBook(grid)
    changes = book.apply_depth(ticker.domBids, ticker.domAsks, now)   # -> changed tick indices
    changes |= book.apply_trade(price, size, now)                      # tick-by-tick "AllLast"
    book.bid_size(i), book.ask_size(i), book.volume(i), book.pulled(i, now), book.stacked(i, now)
    book.queue.place(order_id, i, is_buy, now); book.queue.ahead(order_id)

Prices are integer tick indices throughout; `grid.price(i)` turns one back into a price.
"""

from terminal_app.dom.book import LadderBook
from terminal_app.dom.flow import FlowWindow, VolumeAtPrice
from terminal_app.dom.queue_position import QueueTracker
from terminal_app.dom.tick_grid import TickGrid
from terminal_app.dom.window import LadderWindow

__all__ = ["FlowWindow", "LadderBook", "LadderWindow", "QueueTracker", "TickGrid", "VolumeAtPrice"]
