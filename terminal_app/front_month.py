"""Pick the front month among listed futures, as "/ES" in a watchlist means."""

from collections.abc import Sequence
from datetime import date

from ib_async import Contract


def front_month(candidates: Sequence[Contract], today: date) -> Contract | None:
    """The future with the nearest last trade date on or after `today` (None if none is left)."""
    stamp = today.strftime("%Y%m%d")
    live = [
        c
        for c in candidates
        if c.secType == "FUT" and _expiry(c) >= stamp and c.lastTradeDateOrContractMonth
    ]
    return min(live, key=_expiry, default=None)


def _expiry(contract: Contract) -> str:
    text = contract.lastTradeDateOrContractMonth.split(" ")[0]
    return text if len(text) == 8 else text + "99"  # YYYYMM: the month's end
