"""The ladder's right-click menu at a price: cancel there, cancel all or flatten the contract,
and buy/sell limits or stops at that price. Every entry goes the way a click does (through the
order service, asking unless one-click is on)."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QMenu, QWidget

from ui.dom.trading import LadderTrading


def ladder_menu(trading: LadderTrading, index: int, parent: QWidget) -> QMenu:
    feed = trading.feed
    assert feed is not None
    symbol = feed.contract.localSymbol or feed.contract.symbol
    price = feed.grid.text(index)
    menu = QMenu(parent)
    cancel_here = menu.addAction("Cancel orders at this price", partial(trading.cancel_at, index))
    cancel_here.setEnabled(bool(feed.working_at(index)))
    menu.addAction(f"Cancel all for {symbol}", trading.cancel_all)
    menu.addAction(f"Flatten {symbol}", trading.flatten)
    menu.addSeparator()
    for is_buy in (True, False):
        for stop in (False, True):
            side, kind = "Buy" if is_buy else "Sell", "stop" if stop else "limit"
            menu.addAction(f"{side} {kind} at {price}", partial(trading.click, is_buy, index, stop))
    return menu
