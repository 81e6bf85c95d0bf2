"""Three DOM ladders on three futures against a simulated gateway in its own process.

Two phases on one gateway in one run, measured over `--seconds` each:
- baseline: a bare ib_async client holding the same three depth lines and doing nothing with
  them: the loop lag and CPU that decoding the feed costs by itself;
- ladders: three DOM panels (depth, tick-by-tick and L1 lines each) painting on the frame rules.
Message-to-row latency runs from the moment ib_async decodes a depth message (a hook on its
`Wrapper.updateMktDepthL2`) to the end of the paint that drew that price's row
(`LadderView.rowPainted`); a message for a row outside the ladder's window is not counted.
Loop lag is how late a 100 ms timer fires over the same window. Targets (issue 17): lag p99 ≤
20 ms, message-to-row p99 ≤ 25 ms. The gateway runs at its own depth rate by default (`--rate 0`):
an L1 flood starves its depth streams, so a flood measures the gateway, not the ladders.
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
from ib_async import IB, Contract
from PySide6.QtWidgets import QApplication

from benchmarks.gateway_process import flooding_gateway
from benchmarks.measure import LadderLatency, Window, hook_depth, ms
from benchmarks.terminal_run import until
from terminal_app.session import BrokerSession, ProfileKind, make_profile
from terminal_app.simulator.market.instruments import Universe
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from ui.dom.panel import DomPanel
from ui.panel import PanelContext

SYMBOLS = ("ES", "NQ", "CL")
DEPTH_ROWS = 20


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


async def _window(seconds: float) -> dict[str, Any]:
    """Loop lag and CPU over `seconds` of the running loop, with the exact elapsed time."""
    window = Window()
    await asyncio.sleep(seconds)
    return window.close() | {"seconds": window.elapsed}


async def _baseline(port: int, contracts: list[Contract], seconds: float) -> dict[str, float]:
    """The same depth lines in a bare ib_async client that only counts the messages."""
    ib = IB()
    messages = 0

    def count(*_args: Any) -> None:
        nonlocal messages
        messages += 1

    await ib.connectAsync("127.0.0.1", port, clientId=24, timeout=30)
    try:
        hook_depth(ib, count)
        for contract in contracts:
            ib.reqMktDepth(contract, DEPTH_ROWS)
        await until(lambda: messages > 0, "the baseline's depth", 60)
        await asyncio.sleep(1.0)
        messages = 0
        figures = await _window(seconds)
        figures["depth_msgs_per_s"] = round(messages / figures["seconds"])
        for contract in contracts:
            ib.cancelMktDepth(contract)
        return figures
    finally:
        ib.disconnect()


async def _ladders(session: BrokerSession, contracts: list[Contract], seconds: float
                   ) -> dict[str, float]:  # fmt: skip
    tasks = TaskOwner("bench-dom")
    panels: list[DomPanel] = []
    paints: list[float] = []
    latency: LadderLatency | None = None

    try:
        for contract in contracts:
            panel = DomPanel(PanelContext(session, LinkGroups(), tasks))
            panel.resize(520, 760)
            panel.show()
            panel.show_contract(contract)
            panels.append(panel)
        await until(lambda: all(p.has_live_data() for p in panels), "the books", 60)
        await asyncio.sleep(1.0)
        latency = LadderLatency(session.ib)
        for panel in panels:
            latency.add(panel)
            view = panel.ladder
            paint = view.paintEvent

            def timed(event: Any, paint: Any = paint) -> None:
                started = time.perf_counter()
                paint(event)
                paints.append(time.perf_counter() - started)

            view.paintEvent = timed  # type: ignore[method-assign]
        latency.messages, latencies = 0, latency.samples
        figures = await _window(seconds)
        elapsed = figures["seconds"]
        return figures | {
            "depth_msgs_per_s": round(latency.messages / elapsed),
            "msg_to_row_p50_ms": ms(latencies, 50),
            "msg_to_row_p99_ms": ms(latencies, 99),
            "rows_measured_per_s": round(len(latencies) / elapsed),
            "paints_per_s": round(len(paints) / elapsed, 1),
            "paint_p50_ms": ms(paints, 50),
            "paint_p99_ms": ms(paints, 99),
        }
    finally:
        if latency is not None:
            latency.disconnect()
        for panel in panels:
            panel.release_panel()
            panel.close()
            panel.deleteLater()
        await tasks.cancel_all()


async def _measure(port: int, seconds: float) -> tuple[dict[str, float], dict[str, float]]:
    session = BrokerSession()
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=port, client_id=23))
    try:
        contracts = [await session.qualify(c) for c in front_months()]
        baseline = await _baseline(port, contracts, seconds)
        ladders = await _ladders(session, contracts, seconds)
        return baseline, ladders
    finally:
        await session.close()


async def _run(rate: float, seconds: float) -> tuple[dict[str, float], dict[str, float], float]:
    with flooding_gateway(rate) as gateway:
        gateway.start_window()
        baseline, ladders = await _measure(gateway.port, seconds)
        return baseline, ladders, gateway.server_cpu()


def _table(baseline: dict[str, float], ladders: dict[str, float]) -> str:
    lines = [f"{'':<22}{'bare ib_async':>14}{'3 ladders':>12}"]
    for key in ladders:
        if key == "seconds":
            continue
        lines.append(f"{key:<22}{baseline.get(key, ''):>14}{ladders[key]:>12}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_dom", description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="each measured window")
    parser.add_argument("--rate", type=float, default=0.0, help="gateway L1 flood, changes/s")
    args = parser.parse_args(list(argv) if argv is not None else None)
    app = QApplication.instance() or QApplication(["bench_dom"])
    QApplication.setQuitOnLastWindowClosed(False)  # the ladders close before the session does
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        baseline, ladders, server_cpu = runner.run(_run(args.rate, args.seconds))
    print(_table(baseline, ladders))
    print(f"gateway process CPU (s per s): {server_cpu:.2f}; load average {os.getloadavg()[0]:.1f}")
    figures = {k: v for k, v in ladders.items() if k != "seconds"}
    base = {f"baseline_{k}": v for k, v in baseline.items() if k != "seconds"}
    print(json.dumps({"benchmark": "dom", "flood_per_s": args.rate, **figures, **base}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
