"""The PnL dock: the account's daily, unrealized and realized P&L and the intraday curve."""
