"""A float column that grows geometrically, for indicator outputs updated bar by bar."""

import numpy as np


class Track:
    def __init__(self) -> None:
        self._buf = np.full(16, np.nan)
        self._len = 0

    def __len__(self) -> int:
        return self._len

    @property
    def values(self) -> np.ndarray:
        return self._buf[: self._len]

    def reset(self, values: np.ndarray) -> None:
        self._buf = np.full(max(16, len(values) * 2), np.nan)
        self._buf[: len(values)] = values
        self._len = len(values)

    def put(self, i: int, value: float) -> None:
        """Set index `i` (≤ len: the last bar or one new one)."""
        if i >= len(self._buf):
            grown = np.full(len(self._buf) * 2, np.nan)
            grown[: self._len] = self.values
            self._buf = grown
        self._buf[i] = value
        self._len = max(self._len, i + 1)

    def at(self, i: int) -> float:
        return float(self._buf[i]) if 0 <= i < self._len else float("nan")
