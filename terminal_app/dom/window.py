"""Which ticks the ladder shows: a fixed number of rows around a centre tick that follows the
inside market only when it leaves the middle band, and never while the mouse is pressed (a
ladder that moves under a pressed button turns a click into an order at the wrong price)."""

from __future__ import annotations


class LadderWindow:
    def __init__(self, rows: int = 40, band: float = 0.5) -> None:
        self.rows = max(3, rows)
        self.band = min(max(band, 0.0), 1.0)
        self.centre: int | None = None
        self.held = False
        self.auto = True  # follow the inside market; off: only the recentre key moves it

    @property
    def top(self) -> int:
        """The tick on row 0 (the highest price shown)."""
        return (self.centre or 0) + self.rows // 2

    def index_at(self, row: int) -> int:
        return self.top - row

    def row_of(self, index: int) -> int | None:
        row = self.top - index
        return row if 0 <= row < self.rows else None

    def resize(self, rows: int) -> None:
        self.rows = max(3, rows)

    def scroll(self, ticks: int) -> None:
        """Browse: positive scrolls up (towards higher prices)."""
        if self.centre is not None and not self.held:
            self.centre += ticks

    def recentre(self, bid: int | None, ask: int | None) -> bool:
        middle = _middle(bid, ask)
        if middle is None or self.held or middle == self.centre:
            return False
        self.centre = middle
        return True

    def follow(self, bid: int | None, ask: int | None) -> bool:
        """Auto-centre: move only when the inside market left the middle band (with `auto`
        off, only to show the market at all). True if moved."""
        middle = _middle(bid, ask)
        if middle is None or self.held:
            return False
        if self.centre is None:
            return self.recentre(bid, ask)
        if not self.auto:
            return False
        half_band = self.rows * self.band / 2
        if abs(middle - self.centre) > half_band:
            return self.recentre(bid, ask)
        return False


def _middle(bid: int | None, ask: int | None) -> int | None:
    if bid is not None and ask is not None:
        return (bid + ask) // 2
    return bid if bid is not None else ask
