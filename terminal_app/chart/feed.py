"""A chart's bars: the live keepUpToDate line joined to older history loaded chunk by chunk.

The live line (`session.bars`, one chunk of history plus the bar in progress) is the newest part;
scrolling past the left edge asks the session's paced history queue for the chunk before the
first bar, ending exactly at it, so the seam has neither a gap nor a duplicate (`BarSeries.prepend`
drops what overlaps). Only the last bar of the live list is read on an update (O(1)); after a
reconnect the session swaps in a new list and its bars from our last time on are merged.
"""

import asyncio
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ib_async import Contract
from PySide6.QtCore import QObject, Signal

from terminal_app.chart.aggregate import aggregate, fold_last
from terminal_app.chart.series import BarSeries, bar_epoch
from terminal_app.chart.timeframes import DEFAULT, Timeframe
from terminal_app.session import BarsHandle, BarsSpec, BrokerSession
from terminal_app.tasks import TaskOwner

FALLBACK_ZONE = "America/New_York"


def exchange_zone(session: BrokerSession, contract: Contract) -> ZoneInfo:
    """The contract's exchange time zone from its details (what the time axis shows)."""
    details = session.details(contract.conId) if contract.conId else None
    name = (details.timeZoneId if details else "") or FALLBACK_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(FALLBACK_ZONE)


def end_text(epoch: int) -> str:
    """IB's endDateTime in UTC (the dash form needs no zone name)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y%m%d-%H:%M:%S")


class ChartFeed(QObject):
    """Signals: `reset()` all bars are new; `extended(int)` that many older bars were put in
    front (0: several new bars came at once, recompute what depends on them);
    `ticked(bool appended)` the last bar changed; `progress(done, total)` of a history load
    (total 0: finished); `failed(str)`."""

    reset = Signal()
    extended = Signal(int)
    ticked = Signal(bool)
    progress = Signal(int, int)
    failed = Signal(str)

    def __init__(self, session: BrokerSession, tasks: TaskOwner) -> None:
        super().__init__()
        self._session = session
        self._tasks = tasks
        self.contract: Contract | None = None
        self.timeframe: Timeframe = DEFAULT
        self.what_to_show = "TRADES"
        self.use_rth = False
        self.zone: Any = ZoneInfo(FALLBACK_ZONE)
        self.source = BarSeries()  # bars as IB sends them (1 h for a 4 h chart)
        self.series = BarSeries()  # bars as shown
        self.exhausted = False  # IB has nothing older
        self._handle: BarsHandle | None = None
        self._synced = 0  # how many bars of the live list are merged
        self._loader: asyncio.Task[None] | None = None

    # --- what is shown ---------------------------------------------------------------------------
    def show(
        self, contract: Contract, timeframe: Timeframe, what_to_show: str, use_rth: bool
    ) -> None:
        """Start over on a contract / timeframe / data type (the old line is released)."""
        self.stop()
        self.contract, self.timeframe = contract, timeframe
        self.what_to_show, self.use_rth = what_to_show, use_rth
        self.zone = exchange_zone(self._session, contract)
        self.source, self.series, self.exhausted, self._synced = BarSeries(), BarSeries(), False, 0
        spec = BarsSpec(timeframe.chunk, timeframe.bar_size, what_to_show, use_rth)
        self._handle = self._session.bars(contract, spec)
        self._handle.updated.connect(self._on_update)
        self._handle.replaced.connect(self._on_replaced)
        self._handle.failed.connect(self.failed)
        self.reset.emit()
        if self._handle.bars is not None:  # the line was already open for another chart
            self._on_replaced()

    def stop(self) -> None:
        self.cancel_loading()
        if self._handle is not None:
            self._handle.updated.disconnect(self._on_update)
            self._handle.replaced.disconnect(self._on_replaced)
            self._handle.failed.disconnect(self.failed)
            self._handle.release()
            self._handle = None

    @property
    def live(self) -> bool:
        return self._handle is not None and self._handle.bars is not None

    @property
    def loading(self) -> bool:
        return self._loader is not None and not self._loader.done()

    # --- the live line ---------------------------------------------------------------------------
    def _on_replaced(self) -> None:
        """A new live list (first data, or after a reconnect): merge it from our last bar on."""
        self._synced = 0
        bars = self._handle.bars if self._handle else None
        if bars is None:
            return
        fresh = BarSeries.from_bars(bars, self.zone)
        if not len(self.source):
            self.source = fresh
            self._synced = len(bars)
            self._rebuild()
            self.reset.emit()
            return
        self._merge_from(bars, 0)

    def _on_update(self, bars: Any) -> None:
        if self._synced == 0 and not len(self.source):
            self._on_replaced()
            return
        self._merge_from(bars, max(self._synced - 1, 0))

    def _merge_from(self, bars: Any, start: int) -> None:
        group = self.timeframe.group
        before = len(self.series)
        for bar in bars[start:]:
            t = bar_epoch(bar.date, self.zone)
            if len(self.source) and t < self.source.time[-1]:
                continue
            volume = max(float(bar.volume), 0.0)
            self.source.upsert(t, bar.open, bar.high, bar.low, bar.close, volume)
            if group is not None:
                fold_last(self.source, self.series, group, self.zone)
        self._synced = len(bars)
        added = len(self.series) - before
        if added > 1:  # caught up after a reconnect: indicators need more than the last bar
            self.extended.emit(0)
        self.ticked.emit(added > 0)

    def _rebuild(self) -> None:
        group = self.timeframe.group
        self.series = self.source if group is None else aggregate(self.source, group, self.zone)

    # --- older history ---------------------------------------------------------------------------
    def load_older(self, chunks: int = 1) -> bool:
        """Fetch `chunks` chunks before the first bar, one paced request at a time; False when
        nothing was started (already loading, no data yet, or no older data)."""
        if self.loading or self.exhausted or not len(self.source) or self.contract is None:
            return False
        self._loader = self._tasks.spawn(self._load(chunks), name="chart history")
        return True

    def cancel_loading(self) -> None:
        if self._loader is not None and not self._loader.done():
            self._loader.cancel()
            self.progress.emit(0, 0)
        self._loader = None

    async def _load(self, chunks: int) -> None:
        assert self.contract is not None
        tf = self.timeframe
        try:
            for done in range(chunks):
                self.progress.emit(done, chunks)
                bars = await self._session.history(
                    self.contract,
                    tf.chunk,
                    tf.bar_size,
                    self.what_to_show,
                    self.use_rth,
                    end=end_text(int(self.source.time[0])),
                )
                added = self.source.prepend(BarSeries.from_bars(bars, self.zone))
                if added == 0:
                    self.exhausted = True
                    break
                before = len(self.series)
                self._rebuild()
                self.extended.emit(len(self.series) - before)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.failed.emit(getattr(exc, "text", "") or str(exc) or type(exc).__name__)
        finally:
            self.progress.emit(0, 0)
