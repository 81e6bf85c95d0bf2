"""The simulated paper account: cash, positions, PnL, margin, account values (see ``ledger``).

``Ledger(account, universe, market, starting_cash=1_000_000, base="USD")`` is the only object the
gateway needs; the order engine books fills with ``post_execution`` and asks ``margin_impact``.
"""

from terminal_app.simulator.account.ledger import (
    Ledger,
    LedgerState,
    MarginImpact,
    PositionState,
    Snapshot,
)

__all__ = ["Ledger", "LedgerState", "MarginImpact", "PositionState", "Snapshot"]
