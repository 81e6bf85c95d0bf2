"""The watchlist's Position and Daily P&L columns fill from the portfolio book, the source the
portfolio dock reads, and stay equal to it."""

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio
from PySide6.QtWidgets import QApplication

from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.portfolio import portfolio_book
from tests.orders.conftest import Desk
from tests.portfolio.conftest import hosted
from tests.waiting import wait_until
from ui.watchlist.columns import COLUMN_INDEX
from ui.watchlist.panel import WatchlistPanel


@pytest_asyncio.fixture
async def watchlist(qapp: QApplication, desk: Desk) -> AsyncIterator[WatchlistPanel]:
    async with hosted(desk, WatchlistPanel) as widget:
        yield widget


@pytest.mark.asyncio
async def test_position_and_daily_pnl_columns_follow_the_book(
    watchlist: WatchlistPanel, desk: Desk
) -> None:
    watchlist.add_symbols("AAPL")
    model = watchlist.lists()[0].model
    await wait_until(lambda: model.rowCount() == 1, 10)

    def cell(key: str) -> str:
        return str(model.data(model.index(0, COLUMN_INDEX[key])))

    assert cell("position") == "" and cell("dailyPnl") == ""
    quote = await desk.live_quote()
    desk.service.submit(desk.aapl, OrderIntent(Side.BUY, Decimal(4), OrderType.MKT), quote, True)
    await wait_until(lambda: cell("position") == "4", 10)
    book = portfolio_book(desk.session)
    await wait_until(lambda: book.daily_pnl(desk.aapl.conId) is not None, 10)
    await wait_until(lambda: model.row(0).daily_pnl == book.daily_pnl(desk.aapl.conId), 10)
    assert cell("dailyPnl") != ""
