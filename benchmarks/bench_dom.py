"""Three DOM ladders on three futures against a flooding simulated gateway (its own process).

Each ladder holds its contract's depth, tick-by-tick and L1 lines and paints on the frame rules.
Measured over `--seconds`: event-loop lag (how late a 100 ms timer fires), this process's CPU,
depth updates/s the ladders took, and depth-message-to-painted-row latency (from the read that
changed a tick's row to the paint that drew it: `LadderView.rowPainted`), repaint
cost per paint. Targets (issue 17): lag p99 ≤ 20 ms, message-to-row p99 ≤ 25 ms.
The gateway runs at its own depth rate by default (`--rate 0`): its L1 flood starves its depth
streams (about 1 depth update/s at 50k/s flood against about 24/s without), so a flood measures
the gateway, not the ladders.
`python -m benchmarks bench_dom [--seconds 8] [--rate 0]`.
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
from ib_async import Contract
from PySide6.QtWidgets import QApplication

from benchmarks.gateway_process import flooding_gateway
from benchmarks.measure import Window, ms
from terminal_app.session import BrokerSession, ProfileKind, make_profile
from terminal_app.simulator.market.instruments import Universe
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from ui.dom.panel import DomPanel
from ui.panel import PanelContext

SYMBOLS = ("ES", "NQ", "CL")


def front_months(symbols: Sequence[str] = SYMBOLS) -> list[Contract]:
    """The simulator's first listed future of each symbol."""
    futures = [i for i in Universe.load().instruments if i.secType == "FUT"]
    chosen = []
    for symbol in symbols:
        listed = sorted(
            (i for i in futures if i.symbol == symbol), key=lambda i: i.lastTradeDateOrContractMonth
        )
        if listed:
            chosen.append(listed[0].contract())
    return chosen


async def _measure(port: int, seconds: float) -> dict[str, Any]:
    session = BrokerSession()
    tasks = TaskOwner("bench-dom")
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=port, client_id=23))
    panels: list[DomPanel] = []
    latencies: list[float] = []
    paints: list[float] = []
    depth_updates = 0

    def on_depth(_value: object) -> None:
        nonlocal depth_updates
        depth_updates += 1

    try:
        for contract in front_months():
            qualified = await session.qualify(contract)
            panel = DomPanel(PanelContext(session, LinkGroups(), tasks))
            panel.resize(520, 760)
            panel.show()
            panel.show_contract(qualified)
            panels.append(panel)
        deadline = time.monotonic() + 60
        while not all(p.has_live_data() for p in panels):
            if time.monotonic() > deadline:
                raise TimeoutError("the ladders' books did not arrive within 60 s")
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        for panel in panels:
            panel.ladder.rowPainted.connect(lambda _i, s: latencies.append(s))
            assert panel.feed is not None
            panel.feed._depth.updated.connect(on_depth)
            view = panel.ladder
            paint = view.paintEvent

            def timed(event: Any, paint: Any = paint) -> None:
                started = time.perf_counter()
                paint(event)
                paints.append(time.perf_counter() - started)

            view.paintEvent = timed  # type: ignore[method-assign]
        window = Window()
        await asyncio.sleep(seconds)
        figures = window.close()
        elapsed = window.elapsed
        return {
            "ladders": len(panels),
            "cpu_s_per_s": figures["cpu_s_per_s"],
            "depth_updates_per_s": round(depth_updates / elapsed),
            "lag_p50_ms": figures["lag_p50_ms"],
            "lag_p99_ms": figures["lag_p99_ms"],
            "lag_max_ms": figures["lag_max_ms"],
            "msg_to_row_p50_ms": ms(latencies, 50),
            "msg_to_row_p99_ms": ms(latencies, 99),
            "rows_painted_per_s": round(len(latencies) / elapsed),
            "paints_per_s": round(len(paints) / elapsed, 1),
            "repaint_p50_ms": ms(paints, 50),
            "repaint_p99_ms": ms(paints, 99),
        }
    finally:
        for panel in panels:
            panel.release_panel()
            panel.close()
            panel.deleteLater()
        await tasks.cancel_all()
        await session.close()


async def _run(rate: float, seconds: float) -> tuple[dict[str, Any], float]:
    with flooding_gateway(rate) as gateway:
        gateway.start_window()
        figures = await _measure(gateway.port, seconds)
        return figures, gateway.server_cpu()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_dom", description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured window")
    parser.add_argument("--rate", type=float, default=0.0, help="gateway L1 flood, changes/s")
    args = parser.parse_args(list(argv) if argv is not None else None)
    app = QApplication.instance() or QApplication(["bench_dom"])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        figures, server_cpu = runner.run(_run(args.rate, args.seconds))
    for key, value in figures.items():
        print(f"{key:<24}{value:>12}")
    print(f"gateway process CPU (s per s): {server_cpu:.2f}")
    print(json.dumps({"benchmark": "dom", "flood_per_s": args.rate, **figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
