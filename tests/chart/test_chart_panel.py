"""The chart panel against the simulated gateway: history joined to the live keepUpToDate bar,
older chunks at the left edge through the paced queue, timeframe switching, saved state."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import pytest_asyncio
from ib_async import BarData, Contract, Stock
from PySide6.QtWidgets import QApplication

from terminal_app.chart.indicators import IndicatorSpec
from terminal_app.chart.series import BarSeries
from terminal_app.session import BrokerSession, Kind
from terminal_app.session.pacing import HistoryKey
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.layout import LayoutStore
from terminal_app.workspace.link_groups import LinkGroups
from tests.waiting import wait_until
from ui.chart.panel import ChartPanel
from ui.main_window import MainWindow
from ui.panel import PanelContext
from ui.watchlist.panel import WatchlistPanel

pytestmark = pytest.mark.asyncio
AAPL = Stock("AAPL", "SMART", "USD")


@pytest_asyncio.fixture
async def tasks() -> AsyncIterator[TaskOwner]:
    owner = TaskOwner("chart-test")
    yield owner
    await owner.cancel_all()


def make_panel(session: BrokerSession, tasks: TaskOwner) -> ChartPanel:
    panel = ChartPanel(PanelContext(session, LinkGroups(), tasks))
    panel.resize(900, 500)
    panel.show()
    return panel


@pytest_asyncio.fixture
async def panel(
    qapp: QApplication, sim_session: BrokerSession, tasks: TaskOwner
) -> AsyncIterator[ChartPanel]:
    widget = make_panel(sim_session, tasks)
    try:
        yield widget
    finally:
        widget.release_panel()
        widget.close()
        widget.deleteLater()


async def loaded(panel: ChartPanel, contract: Contract = AAPL) -> None:
    panel.show_contract(contract)
    await wait_until(lambda: panel.feed.live and len(panel.feed.series) > 10, 10, "no bars")


def strictly_increasing(s: BarSeries) -> bool:
    return bool(np.all(np.diff(s.time) > 0))


async def test_history_joins_the_live_bar_and_older_chunks_without_gap_or_duplicate(
    panel: ChartPanel, sim_session: BrokerSession
) -> None:
    await loaded(panel)
    feed = panel.feed
    first, count = int(feed.series.time[0]), len(feed.series)
    ticks: list[bool] = []
    feed.ticked.connect(ticks.append)
    await wait_until(lambda: ticks, 10, "no live update")
    assert strictly_increasing(feed.series)
    assert feed.load_older()
    await wait_until(lambda: not feed.loading, 10, "older chunk never came")
    assert len(feed.series) > count and feed.series.time[0] < first
    assert strictly_increasing(feed.series)
    # The seam: the bars around the old first bar are exactly those of one request spanning it.
    assert panel.shown_contract() is not None
    spanning = BarSeries.from_bars(
        await sim_session.history(feed.contract or AAPL, "2 D", "1 min"), feed.zone
    )
    seam = int(np.searchsorted(feed.series.time, first))
    around = feed.series.time[seam - 30 : seam + 30]
    start = int(np.searchsorted(spanning.time, around[0]))
    np.testing.assert_array_equal(around, spanning.time[start : start + len(around)])


async def test_left_edge_loading_keeps_pacing(
    panel: ChartPanel, sim_session: BrokerSession
) -> None:
    await loaded(panel)
    scheduler = sim_session.history_scheduler
    sent_before = scheduler.pacer.sent_in_window()
    keys: list[HistoryKey] = []
    sim_session.historyQueueChanged.connect(
        lambda: keys.extend(r.key for r in scheduler.in_flight())
    )
    seen: list[int] = []
    for _ in range(5):  # the user drags against the left edge again and again
        panel.view.price.view.setXRange(0, 100, padding=0)
        seen.append(len(scheduler.waiting()) + len(scheduler.in_flight()))
    assert max(seen) <= 1  # one chunk at a time, never a burst
    await wait_until(lambda: not panel.feed.loading, 10)
    sent = scheduler.pacer.sent_in_window() - sent_before
    assert sent == 1
    assert {(k.duration, bool(k.end)) for k in keys} == {(panel.feed.timeframe.chunk, True)}


async def test_switching_timeframe_releases_the_old_line_and_aggregates(
    panel: ChartPanel, sim_session: BrokerSession
) -> None:
    await loaded(panel)
    panel.controls.timeframe.setCurrentText("4 h")
    await wait_until(lambda: panel.feed.timeframe.label == "4 h" and len(panel.feed.series) > 3, 10)
    assert sim_session.line_count(Kind.BARS) == 1
    hours = {t.hour for t in panel.feed.series.to_frame(panel.feed.zone).index[1:]}
    assert hours <= {0, 4, 8, 12, 16, 20}
    panel.controls.timeframe.setCurrentText("1 D")
    await wait_until(
        lambda: panel.feed.timeframe.label == "1 D" and len(panel.feed.series) > 20, 10
    )
    assert sim_session.line_count(Kind.BARS) == 1
    assert np.all(np.diff(panel.feed.series.time) >= 86400 - 3600)


async def test_state_round_trip_restores_contract_timeframe_and_indicators(
    panel: ChartPanel, sim_session: BrokerSession, tasks: TaskOwner
) -> None:
    await loaded(panel)
    panel.controls.timeframe.setCurrentText("5 min")
    panel.add_indicator(IndicatorSpec.make("SMA", period=50))
    panel.add_indicator(IndicatorSpec.make("RSI"))
    state = panel.panel_state()
    other = make_panel(sim_session, tasks)
    try:
        other.restore_panel_state(state)
        await wait_until(lambda: other.feed.live and len(other.feed.series) > 10, 10)
        assert other.panel_state() == state
        assert other.feed.timeframe.label == "5 min"
        assert "RSI" in other.view.panes
        rsi = other.studies.items[1].output("rsi")
        assert len(rsi) == len(other.feed.series) and np.isfinite(rsi[-1])
    finally:
        other.release_panel()
        other.close()
        other.deleteLater()


@pytest.mark.parametrize("kind", ["SMA", "MACD"])
async def test_indicators_follow_live_bars(panel: ChartPanel, kind: str) -> None:
    await loaded(panel)
    indicator = panel.add_indicator(IndicatorSpec.make(kind))
    ticks: list[bool] = []
    panel.feed.ticked.connect(ticks.append)
    await wait_until(lambda: len(ticks) >= 2, 10)
    name = "sma" if kind == "SMA" else "macd"
    assert len(indicator.output(name)) == len(panel.feed.series)
    fresh = IndicatorSpec.make(kind)
    from terminal_app.chart.indicators import build

    reference = build(fresh)
    reference.recompute(panel.feed.series, panel.feed.zone)
    np.testing.assert_allclose(indicator.output(name), reference.output(name), rtol=1e-9)


async def test_a_long_load_shows_progress_and_cancels(panel: ChartPanel) -> None:
    await loaded(panel)
    controls = panel.controls
    assert panel.feed.load_older(chunks=20)
    await wait_until(lambda: controls.progress.isVisible(), 10, "no progress shown")
    controls.cancel.click()
    assert not panel.feed.loading
    assert not controls.progress.isVisible() and not controls.cancel.isVisible()


async def test_open_chart_on_a_watchlist_row_opens_one_chart_and_raises_it_again(
    qapp: QApplication, tmp_path: Path, sim_session: BrokerSession
) -> None:
    window = MainWindow(
        store=LayoutStore(tmp_path / "ws"), settings_path=tmp_path / "ui.json", session=sim_session
    )
    window.show()
    try:
        watchlist = window.docks.open("watchlist").widget()
        assert isinstance(watchlist, WatchlistPanel)
        watchlist.add_symbols("AAPL")
        tab = watchlist.lists()[0]
        await wait_until(lambda: tab.model.rowCount() == 1, 10)
        menu = watchlist.row_menu(tab, tab.model.index(0, 0))
        [entry] = [a for a in menu.actions() if a.text() == "Open chart"]
        entry.trigger()
        charts = [d.widget() for d in window.docks.docks() if isinstance(d.widget(), ChartPanel)]
        assert len(charts) == 1
        chart = charts[0]
        assert isinstance(chart, ChartPanel)
        await wait_until(lambda: chart.feed.live, 10, "chart never went live")
        entry.trigger()  # the same symbol again: the same chart, no second one
        assert sum(isinstance(d.widget(), ChartPanel) for d in window.docks.docks()) == 1
    finally:
        window.docks.remove_all()
        window.close()
        window.deleteLater()


async def test_several_bars_in_one_update_recompute_the_indicators(panel: ChartPanel) -> None:
    """After a reconnect (or a slow read) the live list gains several bars at once."""
    await loaded(panel)
    sma = panel.add_indicator(IndicatorSpec.make("SMA", period=5))
    handle = panel.feed._handle
    assert handle is not None and handle.bars is not None
    bars = handle.bars
    last = bars[-1]
    for k in range(1, 4):
        bars.append(
            BarData(
                date=last.date + timedelta(minutes=k),
                open=last.close,
                high=last.close + k,
                low=last.close - k,
                close=last.close + k / 2,
                volume=100,
            )
        )
    count = len(panel.feed.series)
    handle.updated.emit(bars)
    assert len(panel.feed.series) == count + 3
    expected = pd.Series(panel.feed.series.close).rolling(5).mean().to_numpy()
    np.testing.assert_allclose(sma.output("sma")[-4:], expected[-4:])
