"""What each ladder column shows for one price tick: plain strings from the feed's model, so the
painter does no formatting of its own and a row's texts can be compared to skip repaints."""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum

from terminal_app.dom.feed import DomFeed


class Col(IntEnum):
    BUYS = 0
    BID = 1
    PRICE = 2
    ASK = 3
    SELLS = 4
    VOLUME = 5
    PULLED = 6
    STACKED = 7


ORDER_COLUMNS = frozenset({Col.BUYS, Col.SELLS})
TITLES = ("Buy", "Bid", "Price", "Ask", "Sell", "Volume", "Pulled", "Stacked")
CUMULATIVE_TITLES = ("Buy", "ΣBid", "Price", "ΣAsk", "Sell", "Volume", "Pulled", "Stacked")
WIDTHS = (1.3, 1.0, 1.2, 1.0, 1.3, 1.4, 0.8, 0.8)  # relative widths


def size_text(value: float | Decimal) -> str:
    if not value:
        return ""
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def order_text(feed: DomFeed, index: int, is_buy: bool) -> str:
    """Working size at this price, with the estimated size ahead of our order in brackets."""
    working = (feed.buy_orders if is_buy else feed.sell_orders).get(index)
    if not working:
        return ""
    ahead = [feed.book.queue.ahead(oid) for oid in feed.book.queue.orders_at(index)]
    known = [a for a in ahead if a is not None]
    text = size_text(working)
    return f"{text} ({size_text(min(known)) or '0'})" if known else text


def titles(feed: DomFeed | None) -> tuple[str, ...]:
    return CUMULATIVE_TITLES if feed is not None and feed.book.cumulative else TITLES


def row_texts(feed: DomFeed, index: int) -> tuple[str, ...]:
    """With cumulative depth on, the bid and ask cells show the size summed from the inside."""
    book = feed.book
    summed = book.cumulative
    return (
        order_text(feed, index, True),
        size_text(book.cumulative_size(index, True) if summed else book.bid_size(index)),
        feed.grid.text(index),
        size_text(book.cumulative_size(index, False) if summed else book.ask_size(index)),
        order_text(feed, index, False),
        size_text(book.volume.get(index)),
        size_text(book.flow.pulled(index)),
        size_text(book.flow.stacked(index)),
    )
