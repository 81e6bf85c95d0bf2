"""What the benchmarks measure, in one place: latency figures, a measured window (loop lag, CPU of
this process and of another one, messages decoded) and tick-to-screen probes per panel kind.

Tick-to-screen runs from the ib_async event of the read that carried a change (the message is
decoded) to the end of the paint that drew it. A row's first change since it was last painted
starts its clock, so a row that changes five times before one paint counts once, with its oldest
change (what the user waited for).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ib_async import IB
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QWidget

from terminal_app.loop_lag import LoopLagProbe, percentile
from terminal_app.session import ib_internals
from ui.live_table.model import LiveTableModel
from ui.live_table.view import LiveTableView

if TYPE_CHECKING:
    from ui.dom.panel import DomPanel


def ms(values: list[float], q: float) -> float:
    """The q-th percentile of `values` (seconds) in milliseconds."""
    return round(percentile(values, q) * 1000, 2)


def latency_figures(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in ms and the sample count of latencies in seconds."""
    return {
        "p50_ms": ms(values, 50),
        "p95_ms": ms(values, 95),
        "p99_ms": ms(values, 99),
        "max_ms": round(max(values, default=0.0) * 1000, 2),
        "n": len(values),
    }


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of another process (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb() -> float:
    """This process's resident set size in MiB (Linux /proc; the peak elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def machine() -> dict[str, Any]:
    """Core count and load average: the machine these figures came from, as it was."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {"cores": os.cpu_count(), "load_avg": [round(v, 2) for v in load]}


def print_versus(keys: Sequence[str], terminal: dict[str, Any], bare: dict[str, Any]) -> None:
    """The terminal's figures beside the bare client's, one row per key."""
    print(f"{'':<24}{'terminal':>12}{'bare ib_async':>15}")
    for key in keys:
        print(f"{key:<24}{terminal.get(key, ''):>12}{bare.get(key, ''):>15}")


def print_result(result: dict[str, Any]) -> None:
    """The closing lines of every report: the machine as it was, then the JSON line."""
    print(f"cores {result['cores']}, load average {result['load_avg']}")
    print(json.dumps(result))


class Window:
    """A measured stretch of time: wall time, this process's CPU, the CPU of `other_pid` (the
    gateway), messages `ib` decoded, and how late a 100 ms timer fired on the running loop."""

    def __init__(self, ib: IB | None = None, other_pid: int | None = None) -> None:
        self._ib = ib
        self._other_pid = other_pid
        self._probe = LoopLagProbe(window=1_000_000)
        self._probe.start()
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        self._other = process_cpu_s(other_pid) if other_pid is not None else None
        self._messages = ib_internals.messages_received(ib) if ib is not None else 0
        self.elapsed = 0.0

    def close(self) -> dict[str, Any]:
        """Stop the window; its figures (CPU in seconds per wall second)."""
        self.elapsed = elapsed = time.perf_counter() - self._wall
        cpu = time.process_time() - self._cpu
        self._probe.stop()
        lags = self._probe.samples()
        figures: dict[str, Any] = {
            "seconds": round(elapsed, 1),
            "cpu_s_per_s": round(cpu / elapsed, 3),
            "lag_p50_ms": ms(lags, 50),
            "lag_p99_ms": ms(lags, 99),
            "lag_max_ms": round(max(lags, default=0.0) * 1000, 2),
        }
        if self._ib is not None:
            messages = ib_internals.messages_received(self._ib) - self._messages
            figures["messages_per_s"] = round(messages / elapsed)
        if self._other_pid is not None:
            now = process_cpu_s(self._other_pid)
            if now is not None and self._other is not None:
                figures["gateway_cpu_s_per_s"] = round((now - self._other) / elapsed, 3)
        return figures


class TableLatency:
    """Tick-to-screen of one live table: `arrived(key)` when a message for a row's key is
    decoded; the model's `dataChanged`, the view's `queued` (the row has cells to repaint) and
    `painted` (the rows a paint drew) close it. `key_of(row)` is None for rows without one."""

    def __init__(
        self,
        model: LiveTableModel,
        view: LiveTableView,
        key_of: Callable[[Any], Hashable | None],
    ) -> None:
        self.samples: list[float] = []
        self._model, self._view, self._key_of = model, view, key_of
        self._first: dict[Hashable, float] = {}  # key -> first change since its row was queued
        self._awaiting: dict[int, float] = {}  # row -> its first change since last painted
        self._queued: set[int] = set()
        # The view's own dataChanged slot runs first and emits `queued` for the rows it will
        # repaint; `_on_changed` then moves those rows' clocks to awaiting the paint.
        view.queued.connect(self._queued.update)
        model.dataChanged.connect(self._on_changed)
        view.painted.connect(self._on_painted)

    def arrived(self, key: Hashable) -> None:
        self._first.setdefault(key, time.perf_counter())

    def disconnect(self) -> None:
        self._view.queued.disconnect(self._queued.update)
        self._model.dataChanged.disconnect(self._on_changed)
        self._view.painted.disconnect(self._on_painted)

    def _on_changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = ()) -> None:
        model = self._model
        for r in range(top.row(), min(bottom.row() + 1, model.rowCount())):
            key = self._key_of(model.row(r))
            since = self._first.pop(key, None) if key is not None else None
            if since is not None and r in self._queued:
                self._awaiting.setdefault(r, since)
        self._queued.clear()

    def _on_painted(self, rows: list[int], _cells: int) -> None:
        now = time.perf_counter()
        for r in rows:
            since = self._awaiting.pop(r, None)
            if since is not None:
                self.samples.append(now - since)


class WidgetLatency:
    """Tick-to-screen of a widget that repaints whole (a chart): `arrived()` on a message for
    it, and the end of its next paint closes every change since the previous paint."""

    def __init__(self, widget: QWidget, samples: list[float] | None = None) -> None:
        self.samples = samples if samples is not None else []
        self._since: float | None = None
        paint = widget.paintEvent

        def timed(event: Any) -> None:
            paint(event)
            if self._since is not None:
                self.samples.append(time.perf_counter() - self._since)
                self._since = None

        widget.paintEvent = timed  # type: ignore[method-assign]

    def arrived(self) -> None:
        if self._since is None:
            self._since = time.perf_counter()


DepthHook = Callable[[int, int, int, float], None]  # reqId, operation, side, price


def hook_depth(ib: IB, on_message: DepthHook) -> Callable[[], None]:
    """Call `on_message` as ib_async decodes each depth message, before it applies it (a delete
    names its price only through the row it removes); returns the undo."""
    wrapper = ib.wrapper
    apply = wrapper.updateMktDepthL2

    def hooked(req_id: int, position: int, maker: str, op: int, side: int, price: float,
               *rest: Any) -> None:  # fmt: skip
        if op == 2:
            ticker = wrapper.reqId2Ticker.get(req_id)
            dom = (ticker.domBidsDict if side else ticker.domAsksDict) if ticker else {}
            level = dom.get(position)
            price = level.price if level is not None else 0.0
        on_message(req_id, op, side, price)
        apply(req_id, position, maker, op, side, price, *rest)

    wrapper.updateMktDepthL2 = hooked  # type: ignore[method-assign,assignment]

    def undo() -> None:
        wrapper.updateMktDepthL2 = apply  # type: ignore[method-assign]

    return undo


class LadderLatency:
    """Message-to-row of DOM ladders: from ib_async decoding a depth message for a price inside a
    ladder's window to the end of the paint that drew that price's row (`rowPainted`). A row
    changed several times before one paint counts once, from its oldest change."""

    def __init__(self, ib: IB, samples: list[float] | None = None) -> None:
        self.samples = samples if samples is not None else []
        self.messages = 0
        self._ib = ib
        self._ladders: dict[int, DomPanel] = {}  # by conId
        self._decoded: dict[int, dict[int, float]] = {}  # conId -> tick index -> first undrawn
        self._undo = hook_depth(ib, self._on_message)

    def add(self, panel: DomPanel) -> None:
        """Measure `panel`, which must show a contract with a live book."""
        assert panel.feed is not None
        con_id = panel.feed.contract.conId
        self._ladders[con_id], self._decoded[con_id] = panel, {}
        panel.ladder.rowPainted.connect(lambda index, c=con_id: self._on_row(c, index))

    def disconnect(self) -> None:
        self._undo()

    def _on_message(self, req_id: int, _op: int, _side: int, price: float) -> None:
        self.messages += 1
        ticker = self._ib.wrapper.reqId2Ticker.get(req_id)
        panel = self._ladders.get(ticker.contract.conId) if ticker and ticker.contract else None
        if panel is None or panel.feed is None or price <= 0:
            return
        index = panel.feed.grid.index(price)
        if panel.ladder.window_.row_of(index) is not None:
            self._decoded[panel.feed.contract.conId].setdefault(index, time.perf_counter())

    def _on_row(self, con_id: int, index: int) -> None:
        since = self._decoded[con_id].pop(index, None)
        if since is not None:
            self.samples.append(time.perf_counter() - since)
