"""The account's figures as TWS names them: updateAccountValue keys and account-summary tags.

``account_value_rows`` gives what reqAccountUpdates streams (per-currency keys once per currency
and once with currency ``BASE``); ``summary_rows`` what reqAccountSummary answers for a tag list
(IB's documented tags, ``$LEDGER``, ``$LEDGER:CURRENCY`` and ``$LEDGER:ALL``). Values are text
with two decimals, as TWS sends them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ib_async import AccountValue

if TYPE_CHECKING:
    from terminal_app.simulator.account.ledger import Snapshot

ACCOUNT_TYPE = "INDIVIDUAL"

SUMMARY_TAGS = (
    "AccountType",
    "NetLiquidation",
    "TotalCashValue",
    "SettledCash",
    "AccruedCash",
    "BuyingPower",
    "EquityWithLoanValue",
    "PreviousDayEquityWithLoanValue",
    "GrossPositionValue",
    "RegTEquity",
    "RegTMargin",
    "SMA",
    "InitMarginReq",
    "MaintMarginReq",
    "AvailableFunds",
    "ExcessLiquidity",
    "Cushion",
    "FullInitMarginReq",
    "FullMaintMarginReq",
    "FullAvailableFunds",
    "FullExcessLiquidity",
    "LookAheadNextChange",
    "LookAheadInitMarginReq",
    "LookAheadMaintMarginReq",
    "LookAheadAvailableFunds",
    "LookAheadExcessLiquidity",
    "HighestSeverity",
    "DayTradesRemaining",
    "Leverage",
)
LEDGER_TAGS = (
    "CashBalance",
    "TotalCashBalance",
    "AccruedCash",
    "StockMarketValue",
    "OptionMarketValue",
    "FutureOptionValue",
    "FuturesPNL",
    "NetLiquidationByCurrency",
    "UnrealizedPnL",
    "RealizedPnL",
    "ExchangeRate",
    "FundValue",
    "NetDividend",
    "MutualFundValue",
    "MoneyMarketFundValue",
    "CorporateBondValue",
    "TBondValue",
    "TBillValue",
    "WarrantValue",
    "FxCashBalance",
    "AccountOrGroup",
    "RealCurrency",
    "IssuerOptionValue",
)


def _fmt(x: Decimal | float) -> str:
    return f"{Decimal(x):.2f}"


def _rate(x: Decimal) -> str:
    text = f"{x:.8f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _base_figures(s: Snapshot) -> dict[str, str]:
    """Account-wide figures in the base currency, keyed by their TWS name."""
    return {
        "NetLiquidation": _fmt(s.net_liquidation),
        "TotalCashValue": _fmt(s.total_cash),
        "SettledCash": _fmt(s.total_cash),
        "AccruedCash": "0.00",
        "BuyingPower": _fmt(s.buying_power),
        "EquityWithLoanValue": _fmt(s.equity_with_loan),
        "PreviousDayEquityWithLoanValue": _fmt(s.equity_with_loan - s.daily),
        "GrossPositionValue": _fmt(s.gross_position_value),
        "RegTEquity": _fmt(s.equity_with_loan),
        "RegTMargin": _fmt(s.gross_position_value / 2),
        "SMA": _fmt(max(Decimal(0), s.equity_with_loan - s.gross_position_value / 2)),
        "InitMarginReq": _fmt(s.init_margin),
        "MaintMarginReq": _fmt(s.maint_margin),
        "AvailableFunds": _fmt(s.available_funds),
        "ExcessLiquidity": _fmt(s.excess_liquidity),
        "Cushion": f"{s.cushion:.6f}",
        "FullInitMarginReq": _fmt(s.init_margin),
        "FullMaintMarginReq": _fmt(s.maint_margin),
        "FullAvailableFunds": _fmt(s.available_funds),
        "FullExcessLiquidity": _fmt(s.excess_liquidity),
        "LookAheadNextChange": "0",
        "LookAheadInitMarginReq": _fmt(s.init_margin),
        "LookAheadMaintMarginReq": _fmt(s.maint_margin),
        "LookAheadAvailableFunds": _fmt(s.available_funds),
        "LookAheadExcessLiquidity": _fmt(s.excess_liquidity),
        "HighestSeverity": "0",
        "DayTradesRemaining": "-1",
        "Leverage": f"{s.leverage:.4f}",
    }


def _ledger_rows(s: Snapshot, base: str) -> list[tuple[str, str, str]]:
    """(tag, value, currency) per currency and for BASE: the $LEDGER figures."""
    rows: list[tuple[str, str, str]] = []
    for ccy, fig in s.by_currency.items():
        rows += [
            ("CashBalance", _fmt(fig["cash"]), ccy),
            ("TotalCashBalance", _fmt(fig["cash"]), ccy),
            ("StockMarketValue", _fmt(fig["stock"]), ccy),
            ("OptionMarketValue", _fmt(fig["options"]), ccy),
            ("FuturesPNL", _fmt(fig["futures"]), ccy),
            ("NetLiquidationByCurrency", _fmt(fig["net_liquidation"]), ccy),
            ("UnrealizedPnL", _fmt(fig["unrealized"]), ccy),
            ("RealizedPnL", _fmt(fig["realized"]), ccy),
            ("ExchangeRate", _rate(s.rates[ccy]), ccy),
        ]
    rows += [
        ("CashBalance", _fmt(s.total_cash), "BASE"),
        ("TotalCashBalance", _fmt(s.total_cash), "BASE"),
        ("StockMarketValue", _fmt(s.stock_value), "BASE"),
        ("OptionMarketValue", _fmt(s.option_value), "BASE"),
        ("FuturesPNL", _fmt(s.futures_pnl), "BASE"),
        ("NetLiquidationByCurrency", _fmt(s.net_liquidation), "BASE"),
        ("UnrealizedPnL", _fmt(s.unrealized), "BASE"),
        ("RealizedPnL", _fmt(s.realized), "BASE"),
        ("ExchangeRate", _rate(Decimal(1)), "BASE"),
    ]
    return rows


def account_value_rows(account: str, base: str, s: Snapshot) -> list[AccountValue]:
    """updateAccountValue rows (reqAccountUpdates), in TWS's alphabetical key order."""
    rows: list[tuple[str, str, str]] = [
        ("AccountCode", account, ""),
        ("AccountOrGroup", account, base),
        ("AccountReady", "true", ""),
        ("AccountType", ACCOUNT_TYPE, ""),
        ("Leverage-S", f"{s.leverage:.4f}", ""),
        ("NetLiquidation-S", _fmt(s.net_liquidation), base),
        ("RealCurrency", base, base),
    ]
    for tag, value in _base_figures(s).items():
        if tag in ("Leverage",):
            continue
        unitless = tag in ("Cushion", "LookAheadNextChange", "HighestSeverity")
        rows.append((tag, value, "" if unitless or tag == "DayTradesRemaining" else base))
    rows += _ledger_rows(s, base)
    rows += [("Currency", ccy, ccy) for ccy in s.by_currency] + [("Currency", base, "BASE")]
    rows.sort(key=lambda r: (r[0], r[2] == "BASE", r[2]))
    return [AccountValue(account, tag, value, ccy, "") for tag, value, ccy in rows]


def summary_rows(
    account: str, base: str, s: Snapshot, tags: str | list[str] = "All"
) -> list[AccountValue]:
    """reqAccountSummary rows for ``tags`` ("All", a comma list, or "$LEDGER[:CCY|:ALL]")."""
    wanted = [t.strip() for t in (tags.split(",") if isinstance(tags, str) else tags) if t.strip()]
    if not wanted or wanted == ["All"]:
        wanted = list(SUMMARY_TAGS)
    figures = _base_figures(s)
    out: list[AccountValue] = []
    ledger = _ledger_rows(s, base)
    for tag in wanted:
        if tag == "AccountType":
            out.append(AccountValue(account, tag, ACCOUNT_TYPE, "", ""))
        elif tag in figures:
            unitless = tag in ("Cushion", "LookAheadNextChange", "HighestSeverity", "Leverage")
            unitless = unitless or tag == "DayTradesRemaining"
            out.append(AccountValue(account, tag, figures[tag], "" if unitless else base, ""))
        elif tag == "$LEDGER":
            out += [AccountValue(account, t, v, base, "") for t, v, c in ledger if c == "BASE"]
        elif tag == "$LEDGER:ALL":
            out += [AccountValue(account, t, v, c, "") for t, v, c in ledger]
        elif tag.startswith("$LEDGER:"):
            ccy = tag.split(":", 1)[1].upper()
            out += [AccountValue(account, t, v, c, "") for t, v, c in ledger if c == ccy]
    return out
