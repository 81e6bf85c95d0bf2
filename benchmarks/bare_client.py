"""The baseline: a bare ib_async client on the terminal's own lines, counting only.

The lines come from the terminal's line registry (`BrokerSession.lines()`) and go out through
the session's own request code per kind (`LINE_KINDS`), so both carry the same subscriptions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from ib_async import IB

from benchmarks.measure import Window
from terminal_app.session.line_kinds import LINE_KINDS, Wire
from terminal_app.session.subscriptions import Kind, Line


def copied(lines: Sequence[Line]) -> list[Line]:
    """Fresh lines with the same kind, contract and parameters (nothing live attached)."""
    return [Line(line.key, line.kind, line.contract, dict(line.params)) for line in lines]


async def replay_lines(ib: IB, lines: Sequence[Line]) -> None:
    """Send `lines` the way the session does (its own request code per kind); history lines as
    one keepUpToDate request each."""
    accounts = ib.managedAccounts()
    wire = Wire(ib, lambda: accounts[0] if accounts else "")
    for line in lines:
        if line.kind is Kind.BARS:
            spec = line.params["spec"]
            assert line.contract is not None
            await ib.reqHistoricalDataAsync(
                line.contract,
                "",
                spec.duration,
                spec.bar_size,
                spec.what_to_show,
                spec.use_rth,
                keepUpToDate=True,
            )
            continue
        request = LINE_KINDS[line.kind].request
        if request is not None:
            request(wire, line)


async def baseline(
    port: int, lines: Sequence[Line], seconds: float, client_id: int
) -> dict[str, Any]:
    """A bare ib_async client on the same lines, counting updates only."""
    ib = IB()
    await ib.connectAsync("127.0.0.1", port, clientId=client_id, timeout=30)
    updates = 0

    def count(*args: Any) -> None:
        nonlocal updates
        updates += len(args[0]) if isinstance(args[0], set) else 1

    try:
        await replay_lines(ib, lines)
        await asyncio.sleep(5.0)  # ib_async paces requests at ~45/s: let them all reach it
        ib.pendingTickersEvent += count
        ib.barUpdateEvent += count
        ib.pnlSingleEvent += count
        window = Window(ib)
        await asyncio.sleep(seconds)
        figures = window.close()
        figures["updates_per_s"] = round(updates / window.elapsed)
        figures["lines"] = len(lines)
        return figures
    finally:
        ib.disconnect()
