"""Positions and their live P&L (no widgets): one `PortfolioBook` per session, shared by the
portfolio dock and the watchlist's Position / Daily P&L columns.

    book = portfolio_book(session)      # created on first use
    book.holdings()                     # list[Holding], one per (account, conId)
    book.changed(Holding)               # Qt signal: a holding's figures moved
    book.flatten_orders()               # what "Flatten all" sends
"""

import weakref

from terminal_app.portfolio.book import Holding, PortfolioBook
from terminal_app.session.broker import BrokerSession

__all__ = ["Holding", "PortfolioBook", "portfolio_book"]

_books: "weakref.WeakKeyDictionary[BrokerSession, PortfolioBook]" = weakref.WeakKeyDictionary()


def portfolio_book(session: BrokerSession) -> PortfolioBook:
    """The session's portfolio book (created on first use)."""
    book = _books.get(session)
    if book is None:
        book = _books[session] = PortfolioBook(session)
    return book
