"""Every position of every managed account with its live figures, bound to ib_async's position
and portfolio events (never polled).

TWS refreshes `updatePortfolio` only every few minutes, so a holding's P&L, value and price come
from its `reqPnLSingle` line as soon as that streams; the portfolio update fills in until then
(and carries the average cost). A holding that was closed today stays, at position 0, with its
line, so its realized P&L still shows and moves, as TWS does.
"""

import math
from dataclasses import dataclass, field

from ib_async import Contract, PnLSingle, PortfolioItem, Position
from PySide6.QtCore import QObject, Signal

from terminal_app.price_format import is_missing
from terminal_app.session import BrokerSession, PnLHandle

Key = tuple[str, int]  # account, conId


def _number(value: object) -> float | None:
    if value is None or not isinstance(value, int | float) or is_missing(value):
        return None
    return float(value)


@dataclass(eq=False)
class Holding:
    account: str
    contract: Contract
    position: float = 0.0
    avg_cost: float | None = None  # IB's average cost (per unit times the multiplier)
    market_price: float | None = None
    market_value: float | None = None
    unrealized: float | None = None
    realized: float | None = None
    daily: float | None = None
    line: PnLHandle | None = field(default=None, repr=False)

    @property
    def multiplier(self) -> float:
        try:
            return float(self.contract.multiplier or 1) or 1.0
        except ValueError:
            return 1.0


class PortfolioBook(QObject):
    changed = Signal(object)  # Holding: new, or its figures moved

    def __init__(self, session: BrokerSession, parent: QObject | None = None) -> None:
        super().__init__(parent or session)
        self._session = session
        self._holdings: dict[Key, Holding] = {}
        session.positionChanged.connect(self._on_position)
        session.portfolioChanged.connect(self._on_portfolio)
        session.synced.connect(self._resync)
        self._resync()

    def holdings(self) -> list[Holding]:
        return list(self._holdings.values())

    def open_holdings(self) -> list[Holding]:
        return [h for h in self._holdings.values() if h.position]

    def accounts(self) -> list[str]:
        return sorted({h.account for h in self._holdings.values()})

    def position(self, con_id: int) -> float | None:
        """The position in `con_id` over all accounts; None when none is held."""
        total = sum(h.position for h in self._holdings.values() if h.contract.conId == con_id)
        return total or None

    def daily_pnl(self, con_id: int) -> float | None:
        values = [
            h.daily
            for h in self._holdings.values()
            if h.contract.conId == con_id and h.position and h.daily is not None
        ]
        return sum(values) if values else None

    # -- ib_async events ----------------------------------------------------------------------

    def _resync(self) -> None:
        for position in self._session.positions():
            self._on_position(position)
        for item in self._session.portfolio():
            self._on_portfolio(item)

    def _holding(self, account: str, contract: Contract) -> Holding:
        key = (account, contract.conId)
        holding = self._holdings.get(key)
        if holding is None:
            holding = self._holdings[key] = Holding(account, contract)
        elif contract.symbol and not holding.contract.symbol:
            holding.contract = contract
        return holding

    def _on_position(self, position: Position) -> None:
        holding = self._holding(position.account, position.contract)
        holding.position = float(position.position)
        holding.avg_cost = _number(position.avgCost) if holding.position else holding.avg_cost
        self._follow(holding)

    def _on_portfolio(self, item: PortfolioItem) -> None:
        holding = self._holding(item.account, item.contract)
        holding.position = float(item.position)
        holding.avg_cost = _number(item.averageCost)
        if holding.line is None or not isinstance(holding.line.pnl, PnLSingle):
            holding.market_price = _number(item.marketPrice)
            holding.market_value = _number(item.marketValue)
            holding.unrealized = _number(item.unrealizedPNL)
            holding.realized = _number(item.realizedPNL)
        self._follow(holding)

    def _follow(self, holding: Holding) -> None:
        """Hold a PnLSingle line from the first open position on: kept when the position goes
        flat, so the day's realized P&L (commissions included) keeps coming live."""
        if holding.position and holding.line is None and holding.contract.conId:
            line = holding.line = self._session.pnl_single(holding.contract.conId, holding.account)
            line.updated.connect(lambda _value, h=holding: self._on_pnl(h))
            if isinstance(line.pnl, PnLSingle):
                self._apply_pnl(holding, line.pnl)
        if not holding.position:
            holding.market_value = holding.unrealized = 0.0
        self.changed.emit(holding)

    def _on_pnl(self, holding: Holding) -> None:
        line = holding.line
        if line is not None and isinstance(line.pnl, PnLSingle):
            self._apply_pnl(holding, line.pnl)
            self.changed.emit(holding)

    @staticmethod
    def _apply_pnl(holding: Holding, pnl: PnLSingle) -> None:
        holding.daily = _number(pnl.dailyPnL)
        holding.unrealized = _number(pnl.unrealizedPnL)
        holding.realized = _number(pnl.realizedPnL)
        value = _number(pnl.value)
        if value is not None:
            holding.market_value = value
            if holding.position:
                price = value / (holding.position * holding.multiplier)
                holding.market_price = price if math.isfinite(price) else holding.market_price
