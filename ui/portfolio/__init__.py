"""The portfolio dock: positions with live P&L, totals, close and flatten."""
