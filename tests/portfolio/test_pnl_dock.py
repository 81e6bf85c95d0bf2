"""The PnL dock against the simulated gateway: the intraday curve grows from the reqPnL stream,
continues across a reconnect, and a new panel (a restart) the same day keeps the saved curve."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.portfolio.pnl_curve import PnlCurve, curve_path, load_curve
from terminal_app.session import BrokerSession
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from tests.orders.conftest import Desk
from tests.waiting import wait_until
from ui.panel import PanelContext
from ui.pnl.panel import PnlPanel


def _open(desk: Desk, folder: Path) -> PnlPanel:
    panel = PnlPanel(PanelContext(desk.session, LinkGroups(), TaskOwner("pnl-test")), folder=folder)
    panel.show()
    return panel


def _samples(panel: PnlPanel) -> int:
    return len(panel.curve.times) if panel.curve is not None else 0


@pytest.mark.asyncio
async def test_curve_grows_survives_a_reconnect_and_a_restart(
    qapp: QApplication, desk: Desk, tmp_path: Path
) -> None:
    quote = await desk.live_quote()
    desk.service.submit(desk.aapl, OrderIntent(Side.BUY, Decimal(50), OrderType.MKT), quote, True)
    panel = _open(desk, tmp_path)
    try:
        await wait_until(lambda: _samples(panel) >= 2, 15, "the curve does not grow")
        assert panel.labels["daily"].text() != "" and panel.has_live_data()
        x, _y = panel.line.getData()
        assert x is not None and len(x) == _samples(panel)

        profile = desk.session.profile
        assert profile is not None
        await desk.session.close_connection()
        await wait_until(lambda: panel.stale, 5)
        assert "STALE" in panel.status.text() and not panel.has_live_data()
        before = _samples(panel)
        assert await desk.session.open_connection(profile)
        await wait_until(lambda: _samples(panel) >= before + 2, 15, "no samples after reconnect")
        assert not panel.stale
    finally:
        panel.release_panel()  # saves
        panel.close()
        panel.deleteLater()
    assert panel.curve is not None
    saved = panel.curve.times[:]
    on_disk, problem = load_curve(tmp_path, panel.curve.account, panel.curve.day)
    assert problem is None and on_disk.times == saved

    restarted = _open(desk, tmp_path)  # a restart: a new panel over the saved day
    try:
        await wait_until(lambda: _samples(restarted) > len(saved), 15)
        assert restarted.curve is not None and restarted.curve.times[: len(saved)] == saved
    finally:
        restarted.release_panel()
        restarted.close()
        restarted.deleteLater()


def test_a_damaged_curve_file_is_kept_and_a_new_curve_starts(tmp_path: Path) -> None:
    day = date(2026, 12, 3)
    path = curve_path(tmp_path, "DU123", day)
    path.write_text("{not json", encoding="utf-8")
    curve, problem = load_curve(tmp_path, "DU123", day)
    assert curve.times == [] and problem is not None
    assert any(tmp_path.glob("*.bak"))  # the damaged file is kept


@pytest.mark.asyncio
async def test_an_unwritable_folder_is_said_and_the_curve_kept(
    qapp: QApplication, session: BrokerSession, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    ctx = PanelContext(session, LinkGroups(), TaskOwner("pnl-test"))
    panel = PnlPanel(ctx, folder=blocker / "pnl")
    panel.curve = PnlCurve("DU1", date(2026, 12, 3), [1.0], [2.0])
    panel._unsaved = True
    panel.release_panel()  # saves: must not raise
    panel.deleteLater()
    assert panel.curve.values == [2.0]
    assert any("cannot be saved" in m.text for m in session.messages)
