"""The account values the account dock shows, in the order TWS's account window groups them.

`reqAccountUpdates` (which ib_async keeps running for the session) sends each as an
`AccountValue(account, tag, value, currency)`; per-currency ledger tags also come for "BASE",
the account's total in its base currency."""

KEY_TAGS: dict[str, str] = {
    "NetLiquidation": "Net liquidation",
    "NetLiquidationByCurrency": "Net liquidation by currency",
    "TotalCashValue": "Total cash",
    "CashBalance": "Cash balance",
    "BuyingPower": "Buying power",
    "AvailableFunds": "Available funds",
    "ExcessLiquidity": "Excess liquidity",
    "InitMarginReq": "Initial margin",
    "MaintMarginReq": "Maintenance margin",
    "GrossPositionValue": "Gross position value",
    "SMA": "SMA",
    "Cushion": "Cushion",
    "UnrealizedPnL": "Unrealized P&L",
    "RealizedPnL": "Realized P&L",
}
PERCENT_TAGS = frozenset({"Cushion"})  # a fraction of net liquidation
ORDER = {tag: i for i, tag in enumerate(KEY_TAGS)}


def sort_key(tag: str, currency: str) -> tuple[int, int, str]:
    """Group by key value; within one, the currencies alphabetically and BASE (the total) last."""
    return ORDER.get(tag, len(ORDER)), currency == "BASE", currency
