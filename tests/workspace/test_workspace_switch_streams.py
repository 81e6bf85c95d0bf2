"""Issue 14 item 1: switching between two large workspaces must leave every row streaming.

The real window, session and simulated gateway: each switch cancels one workspace's quote lines
and requests the other's. The terminal must stay within TWS's 50 messages/s, and the gateway
must count the way TWS does (loop stalls on the shared loop must not bunch legal traffic into an
error 100); a request that was dropped all the same must be retried or shown in its row.
"""

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from ib_async import Contract
from PySide6.QtWidgets import QApplication

from terminal_app.ib_errors import Severity
from terminal_app.session.messages import Message
from terminal_app.session.profiles import ProfileKind, make_profile
from terminal_app.session.state import Phase
from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.market.instruments import Universe
from tests.waiting import wait_until
from tests.workspace.app_run import shown_window
from ui.main_window import MainWindow
from ui.watchlist.panel import WatchlistPanel

ROWS_PER_LIST = 30
SWITCHES = 4


@pytest.fixture
def window(qapp: QApplication, tmp_path: Path) -> Iterator[MainWindow]:
    with shown_window(tmp_path) as win:
        yield win


def _contracts() -> list[Contract]:
    instruments = sorted(Universe.load().instruments, key=lambda i: i.conId)
    return [i.contract() for i in instruments if i.secType in ("STK", "CASH")]


def _watchlists(window: MainWindow) -> list[WatchlistPanel]:
    panels = [d.widget() for d in window.docks.docks("watchlist")]
    return [p for p in panels if isinstance(p, WatchlistPanel)]


def _all_rows_stream(window: MainWindow, since: float) -> bool:
    """Every row of every list has a ticker that updated after `since` and is not STALE."""
    for panel in _watchlists(window):
        for tab in panel.lists():
            for row in tab.model.rows():
                if row.error or row.stale or row.ticker is None:
                    return False
                if row.ticker.time is None or row.ticker.time.timestamp() < since:
                    return False
    return True


def _stuck(window: MainWindow) -> str:
    rows = [r for p in _watchlists(window) for t in p.lists() for r in t.model.rows()]
    stale = [r.contract.symbol for r in rows if r.stale]
    failed = [f"{r.contract.symbol}: {r.error}" for r in rows if r.error]
    return f"{len(rows)} rows, STALE: {stale[:10]}, failed: {failed[:3]}"


def _make_workspace(window: MainWindow, name: str, contracts: list[Contract]) -> None:
    window.docks.remove_all()
    for start in (0, ROWS_PER_LIST):
        panel = window.docks.open("watchlist").widget()
        assert isinstance(panel, WatchlistPanel)
        panel.add_contracts(contracts[start : start + ROWS_PER_LIST])
    assert window.workspace.save(name)


@pytest.mark.asyncio
async def test_switching_large_workspaces_keeps_every_row_streaming(
    window: MainWindow, sim_gateway: SimulatedGateway
) -> None:
    contracts = _contracts()
    assert len(contracts) >= 4 * ROWS_PER_LIST, "the universe is too small for this test"
    rate_errors: list[Message] = []
    window.session.messages.subscribe(
        lambda m: rate_errors.append(m) if m.code == 100 and m.severity is Severity.ERROR else None
    )
    window.request_connect(make_profile(ProfileKind.CUSTOM, port=sim_gateway.port))
    await wait_until(lambda: window.session.state.phase is Phase.CONNECTED, 20)
    _make_workspace(window, "Swing", contracts[: 2 * ROWS_PER_LIST])
    _make_workspace(window, "DayTrade", contracts[2 * ROWS_PER_LIST : 4 * ROWS_PER_LIST])
    for switch in range(SWITCHES):
        target = "Swing" if switch % 2 == 0 else "DayTrade"
        started = time.time()  # ib_async stamps ticker.time with the wall clock of the read
        window.workspace.switch_to(target)
        assert window.workspace.current_name == target
        try:
            await wait_until(partial(_all_rows_stream, window, started), 20)
        except AssertionError:
            raise AssertionError(
                f"switch {switch + 1} to {target}: not every row streams again "
                f"({_stuck(window)}; error 100: {len(rate_errors)})"
            ) from None
        assert not rate_errors, f"error 100 after switch {switch + 1}: {rate_errors[0].text}"
