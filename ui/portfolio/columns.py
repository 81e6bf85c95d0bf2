"""The portfolio's columns: one row per holding (account, contract) and a totals row."""

from collections.abc import Callable
from dataclasses import dataclass, field

from terminal_app.portfolio import Holding
from terminal_app.price_format import format_money, format_price, format_quantity
from ui.live_table.columns import LiveRow


@dataclass(eq=False, kw_only=True)
class PortfolioRow(LiveRow):
    """A holding's row, or the totals row (`holding` None) with its sums in `totals`."""

    holding: Holding | None = None
    totals: dict[str, float | None] = field(default_factory=dict)
    net_liquidation: Callable[[str], float | None] = lambda _account: None

    @property
    def is_totals(self) -> bool:
        return self.holding is None


def _field(name: str) -> Callable[[PortfolioRow], float | str | None]:
    def get(row: PortfolioRow) -> float | str | None:
        if row.holding is None:
            return row.totals.get(name)
        value: float | str | None = getattr(row.holding, name)
        return value

    return get


def _text(get: Callable[[Holding], str], totals: str = "") -> Callable[[PortfolioRow], str]:
    return lambda row: totals if row.holding is None else get(row.holding)


def _percent_of_net_liq(row: PortfolioRow) -> float | None:
    if row.holding is None:
        return row.totals.get("percent")
    return percent_of(row.holding.market_value, row.net_liquidation(row.holding.account))


def percent_of(value: float | None, net_liquidation: float | None) -> float | None:
    if value is None or not net_liquidation:
        return None
    return 100.0 * value / net_liquidation


def _symbol(holding: Holding) -> str:
    contract = holding.contract
    if contract.secType == "CASH":
        return f"{contract.symbol}.{contract.currency}"
    return contract.localSymbol or contract.symbol


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    get: Callable[[PortfolioRow], float | str | None]
    fmt: Callable[[float], str] | None = None  # None: text
    signed: bool = False  # green above zero, red below
    flashes: bool = False
    visible: bool = True
    tooltip: str = ""

    @property
    def align_right(self) -> bool:
        return self.fmt is not None

    def format(self, value: float | str | None, row: PortfolioRow) -> str:
        if value is None:
            return ""
        if isinstance(value, str) or self.fmt is None:
            return str(value)
        return self.fmt(value)


COLUMNS: tuple[Column, ...] = (
    Column("account", "Account", _text(lambda h: h.account)),
    Column("symbol", "Symbol", _text(_symbol, "Total")),
    Column("type", "Type", _text(lambda h: h.contract.secType)),
    Column("position", "Position", _field("position"), format_quantity),
    Column("avg_cost", "Avg Cost", _field("avg_cost"), format_price),
    Column("market_price", "Mkt Price", _field("market_price"), format_price, flashes=True),
    Column("market_value", "Mkt Value", _field("market_value"), format_money),
    Column("unrealized", "Unrlzd P&L", _field("unrealized"), format_money, signed=True),
    Column("realized", "Rlzd P&L", _field("realized"), format_money, signed=True),
    Column("daily", "Daily P&L", _field("daily"), format_money, signed=True, flashes=True),
    Column(
        "percent",
        "% Net Liq",
        _percent_of_net_liq,
        lambda v: f"{v:.2f}%",
        tooltip="Market value in percent of the account's net liquidation value",
    ),
)
COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}
SUMMED = ("market_value", "unrealized", "realized", "daily")
