"""The watchlist with 200 symbols streaming from the simulated gateway at its fastest.

Two runs against one flooding gateway process (its own process, so its CPU is not ours), side by
side because these machines are noisy:

- baseline: bare ib_async on the same qasync loop, 200 `reqMktData`, a handler that only counts;
- terminal: `BrokerSession` + `WatchlistPanel` (200 rows, shown offscreen, per-frame coalescing).

Measured per run: messages/s the client decoded, its process's CPU, ticker update events/s (one per
ticker per socket read), event-loop lag (how late a 100 ms timer fires),
and for the terminal run tick-to-model latency (ticker event → the `dataChanged` that covers its
row), tick-to-screen latency (ticker event → the end of the paint that drew its changed cells;
ticks that change no cell on screen, e.g. only a hidden column, are not counted), repaint cost per
frame (time in the table's own paintEvent), cells painted per frame, frames/s and rows changed per
frame. Prints a table
and one JSON line.
`python -m benchmarks bench_watchlist [--seconds 8] [--rate 50000] [--symbols 200]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Sequence
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from ib_async import IB, Contract, Ticker
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication

from benchmarks.gateway_process import flooding_gateway
from terminal_app.loop_lag import LoopLagProbe, percentile
from terminal_app.session import BrokerSession, ProfileKind, ib_internals, make_profile
from terminal_app.simulator.market.instruments import Universe
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from ui.panel import PanelContext
from ui.watchlist.panel import WatchlistPanel


def universe_contracts(count: int) -> list[Contract]:
    """`count` qualified contracts of the simulator's universe: stocks first, then the rest."""
    instruments = sorted(Universe.load().instruments, key=lambda i: (i.secType != "STK", i.conId))
    return [i.contract() for i in instruments if i.secType != "IND"][:count]


class _Window:
    """A measured window: wall time, this process's CPU, messages the client decoded, and how
    late a 100 ms timer fired on the loop (the loop-lag probe runs while the window is open)."""

    def __init__(self, ib: IB) -> None:
        self._ib = ib
        self._probe = LoopLagProbe(window=10_000)
        self._probe.start()
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        self._messages = ib_internals.messages_received(ib)
        self.elapsed = 0.0

    def close(self) -> float:
        self.elapsed = time.perf_counter() - self._wall
        self._cpu = time.process_time() - self._cpu
        self._messages = ib_internals.messages_received(self._ib) - self._messages
        self._probe.stop()
        return self.elapsed

    def figures(self, updates: int) -> dict[str, float]:
        lags = self._probe.samples()
        return {
            "messages_per_s": round(self._messages / self.elapsed),
            "cpu_s_per_s": round(self._cpu / self.elapsed, 2),
            "updates_per_s": round(updates / self.elapsed),
            "lag_p50_ms": _ms(lags, 50),
            "lag_p99_ms": _ms(lags, 99),
            "lag_max_ms": round(max(lags, default=0.0) * 1000, 2),
        }


def _ms(values: list[float], q: float) -> float:
    return round(percentile(values, q) * 1000, 2)


async def _baseline(port: int, contracts: list[Contract], seconds: float) -> dict[str, Any]:
    ib = IB()
    await ib.connectAsync("127.0.0.1", port, clientId=21, timeout=10)
    updates = 0

    def count(tickers: set[Ticker]) -> None:
        nonlocal updates
        updates += len(tickers)

    try:
        for contract in contracts:
            ib.reqMktData(contract)
        await asyncio.sleep(5.0)  # ib_async throttles requests to ~45/s: let all 200 reach it
        ib.pendingTickersEvent += count
        updates, window = 0, _Window(ib)
        await asyncio.sleep(seconds)
        window.close()
        return {"run": "bare ib_async", **window.figures(updates)}
    finally:
        ib.disconnect()


async def _terminal(port: int, contracts: list[Contract], seconds: float) -> dict[str, Any]:
    session = BrokerSession()
    tasks = TaskOwner("bench")
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=port, client_id=22))
    panel = WatchlistPanel(PanelContext(session, LinkGroups(), tasks))
    panel.resize(1400, 900)
    panel.show()
    tab = panel.current()
    model, view = tab.model, tab.view
    first_dirty: dict[int, float] = {}
    latencies: list[float] = []
    to_screen: list[float] = []
    awaiting: dict[int, float] = {}  # row -> its first tick since it was last painted
    queued: set[int] = set()  # rows the view queued for repaint in the current dataChanged
    paints: list[float] = []
    cells_painted: list[int] = []
    frame_rows: list[int] = []
    updates = 0

    def on_tick(ticker: Ticker) -> None:
        nonlocal updates
        updates += 1
        first_dirty.setdefault(id(ticker), time.perf_counter())

    def on_changed(top: QModelIndex, bottom: QModelIndex, _roles: object = ()) -> None:
        now = time.perf_counter()
        for r in model.frame_rows(top.row(), bottom.row()):
            ticker = model.row(r).ticker
            since = first_dirty.pop(id(ticker), None) if ticker is not None else None
            if since is not None:
                latencies.append(now - since)
                if r in queued:
                    awaiting.setdefault(r, since)
        queued.clear()

    def on_queued(rows: list[int]) -> None:
        queued.update(rows)

    def on_painted(rows: list[int], cells: int) -> None:
        now = time.perf_counter()
        cells_painted.append(cells)
        for r in rows:
            since = awaiting.pop(r, None)
            if since is not None:
                to_screen.append(now - since)

    def on_frame(count: int) -> None:
        frame_rows.append(count)

    paint = view.paintEvent

    def timed_paint(event: Any) -> None:
        started = time.perf_counter()
        paint(event)
        paints.append(time.perf_counter() - started)

    try:
        panel.add_contracts(contracts)
        for _ in range(300):  # the session's bulk lane paces the 200 requests (up to 30 s)
            if all(r.ticker is not None for r in model.rows()):
                break
            await asyncio.sleep(0.1)
        await _settled(model.rows())
        for row in model.rows():
            if row.ticker is not None:
                row.ticker.updateEvent += on_tick
        view.queued.connect(on_queued)  # the view's own dataChanged slot runs before on_changed
        model.dataChanged.connect(on_changed)
        view.painted.connect(on_painted)
        model.frame_flushed.connect(on_frame)
        view.paintEvent = timed_paint  # type: ignore[method-assign]
        updates, window = 0, _Window(session.ib)
        await asyncio.sleep(seconds)
        elapsed = window.close()
        return {
            "run": "ib-terminal watchlist",
            **window.figures(updates),
            "tick_to_model_p50_ms": _ms(latencies, 50),
            "tick_to_model_p99_ms": _ms(latencies, 99),
            "tick_to_screen_p50_ms": _ms(to_screen, 50),
            "tick_to_screen_p99_ms": _ms(to_screen, 99),
            "repaint_p50_ms": _ms(paints, 50),
            "repaint_p99_ms": _ms(paints, 99),
            "frames_per_s": round(len(frame_rows) / elapsed, 1),
            "paints_per_s": round(len(paints) / elapsed, 1),
            "cells_per_paint": round(sum(cells_painted) / max(1, len(cells_painted)), 1),
            "rows_per_frame": round(sum(frame_rows) / max(1, len(frame_rows)), 2),
            "rows": model.rowCount(),
        }
    finally:
        await tasks.cancel_all()
        panel.close()
        panel.deleteLater()
        await session.close()


async def _settled(rows: Sequence[Any], timeout: float = 90.0) -> None:
    """Wait for the 52-week figures (generic tick 165) of every row: the gateway computes them
    from a year of bars once per instrument, busy for seconds after the subscriptions, and a
    window opened before it is done measures the gateway's stalls, not the terminal."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        tickers = [r.ticker for r in rows if r.ticker is not None]
        if all(t.high52week == t.high52week for t in tickers):  # nan until it arrives
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)


async def _both(rate: float, symbols: int, seconds: float) -> tuple[list[dict[str, Any]], float]:
    contracts = universe_contracts(symbols)
    with flooding_gateway(rate) as gateway:
        gateway.start_window()
        baseline = await _baseline(gateway.port, contracts, seconds)
        terminal = await _terminal(gateway.port, contracts, seconds)
        server_cpu = gateway.server_cpu()
    return [baseline, terminal], server_cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_watchlist", description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured window per run")
    parser.add_argument("--rate", type=float, default=50_000, help="gateway flood, changes/s")
    parser.add_argument("--symbols", type=int, default=200, help="watchlist rows")
    args = parser.parse_args(list(argv) if argv is not None else None)
    app = QApplication.instance() or QApplication(["bench_watchlist"])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        rows, server_cpu = runner.run(_both(args.rate, args.symbols, args.seconds))
    keys = ["messages_per_s", "cpu_s_per_s", "updates_per_s", "lag_p50_ms", "lag_p99_ms"]
    keys += ["lag_max_ms"]
    extra = ["tick_to_model_p50_ms", "tick_to_model_p99_ms"]
    extra += ["tick_to_screen_p50_ms", "tick_to_screen_p99_ms", "repaint_p50_ms", "repaint_p99_ms"]
    extra += ["frames_per_s", "paints_per_s", "cells_per_paint", "rows_per_frame", "rows"]
    print(f"{'metric':<24}" + "".join(f"{r['run']:>24}" for r in rows))
    for key in keys + extra:
        cells = "".join(f"{r.get(key, ''):>24}" for r in rows)
        print(f"{key:<24}{cells}")
    print(f"gateway process CPU (s per s): {server_cpu:.2f}")
    print(
        json.dumps(
            {
                "benchmark": "watchlist",
                "symbols": args.symbols,
                "flood_per_s": args.rate,
                "runs": rows,
                "gateway_cpu": round(server_cpu, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
