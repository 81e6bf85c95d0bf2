"""Which instruments have live orders, and the venue subscription that wakes the engine for each:
an instrument is watched from its first tracked order until its last one is done."""

from __future__ import annotations

import functools
from collections.abc import Callable

from .ports import Print, Venue
from .working import Key, WorkingOrder


class MarketWatch:
    def __init__(self, venue: Venue, on_market: Callable[[int, Print | None], None]) -> None:
        self._venue = venue
        self._on_market = on_market
        self._by_con: dict[int, list[Key]] = {}
        self._unwatch: dict[int, Callable[[], None]] = {}

    def keys(self, con_id: int) -> list[Key]:
        """The orders of `con_id` in the order they were tracked (a copy: evaluation changes it)."""
        return list(self._by_con.get(con_id, ()))

    def con_ids(self) -> list[int]:
        return list(self._by_con)

    def track(self, wo: WorkingOrder) -> None:
        con_id = wo.spec.con_id
        keys = self._by_con.setdefault(con_id, [])
        if wo.key not in keys:
            keys.append(wo.key)
        if con_id not in self._unwatch:
            self._unwatch[con_id] = self._venue.watch(
                con_id, functools.partial(self._on_market, con_id)
            )

    def untrack(self, wo: WorkingOrder) -> None:
        con_id = wo.spec.con_id
        keys = self._by_con.get(con_id, [])
        if wo.key in keys:
            keys.remove(wo.key)
        if not keys:
            self._by_con.pop(con_id, None)
            unwatch = self._unwatch.pop(con_id, None)
            if unwatch is not None:
                unwatch()

    def close(self) -> None:
        for unwatch in self._unwatch.values():
            unwatch()
        self._unwatch.clear()
