"""What the chart draws for a 1,000,000-bar series: only the visible range, folded to the view's
width when zoomed out, and only the last bar on a live update (asserted on what is drawn); and
when it rebuilds what it caches (counted, never timed)."""

from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from terminal_app.chart.indicators import IndicatorSpec
from terminal_app.chart.series import BarSeries
from terminal_app.chart.studies import Studies
from terminal_app.chart.synthetic import minute_bars
from ui.chart.items import Drawn
from ui.chart.layers import Layer
from ui.chart.view import ChartView

N = 1_000_000


@pytest.fixture(scope="module")
def million() -> BarSeries:
    return minute_bars(N)


@pytest.fixture
def view(qapp: QApplication, million: BarSeries) -> Iterator[ChartView]:
    chart = ChartView(lambda: million)
    chart.set_time_info(ZoneInfo("America/New_York"), 60)
    chart.resize(800, 500)
    chart.bars_reset()
    chart.show()
    yield chart
    chart.close()
    chart.deleteLater()


def counting(layer: Layer) -> list[tuple[int, int, int]]:
    """Record every build of `layer`'s primitives (lo, hi, step)."""
    calls: list[tuple[int, int, int]] = []
    build = layer.build

    def recorded(lo: int, hi: int, step: int) -> Any:
        calls.append((lo, hi, step))
        return build(lo, hi, step)

    layer.build = recorded  # type: ignore[method-assign]
    return calls


def show(view: ChartView, x0: float, x1: float) -> Drawn:
    view.price.view.setXRange(x0, x1, padding=0)
    view.grab()
    return view.price.visuals[0].history.drawn


def test_only_the_visible_range_is_drawn(view: ChartView) -> None:
    drawn = show(view, 500_000, 500_200)
    assert drawn.step == 1
    assert 499_990 <= drawn.lo <= 500_000 and 500_200 <= drawn.hi <= 500_210
    assert drawn.marks <= 220


def test_zoomed_out_draws_at_most_one_bar_per_pixel_column(view: ChartView) -> None:
    drawn = show(view, 0, N)
    width = view.price.view.width()
    assert drawn.lo == 0 and drawn.hi == N - 1  # all but the live bar, which has its own item
    assert drawn.marks <= width + 1
    assert drawn.step >= N // width
    volume = view.volume.visuals[0].history.drawn
    assert volume.marks <= width + 1


def test_y_range_fits_the_visible_bars_not_the_history(view: ChartView, million: BarSeries) -> None:
    show(view, 200_000, 200_100)
    (_, _), (y0, y1) = view.price.view.viewRange()
    low, high = million.low[200_000:200_101].min(), million.high[200_000:200_101].max()
    assert y0 <= low and high <= y1
    assert (y1 - y0) < 1.2 * (high - low)


def tick(view: ChartView, series: BarSeries, qtbot: QtBot | None, **change: float) -> None:
    """Revise the live bar as the panel does, and (with `qtbot`) wait until Qt has repainted
    what that dirtied."""
    n = len(series)
    t, o, h, low, c, v = series.bar(n - 1)
    bar = {"h": h, "low": low, "c": c, "v": v}
    bar.update({k: bar[k] + change.get(k, 0.0) for k in bar})
    series.upsert(t, o, bar["h"], bar["low"], bar["c"], bar["v"])
    live = view.price.visuals[0].live
    live.drawn = Drawn(0, 0, 1)
    view.bar_ticked(appended=False)
    if qtbot is not None:
        qtbot.waitUntil(lambda: live.drawn != Drawn(0, 0, 1))


def test_a_live_update_redraws_only_the_last_bar(
    view: ChartView, million: BarSeries, qtbot: QtBot
) -> None:
    n = len(million)
    tick(view, million, qtbot)  # the first paint after showing repaints everything
    history = view.price.visuals[0].history
    builds = history.builds
    layouts = [pane.plot.getAxis("right").layouts for pane in view.panes.values()]
    built = counting(view.price_layer)
    live_rect = view.price.visuals[0].live.boundingRect()
    tick(view, million, qtbot, c=0.25)
    assert built == [(n - 1, n, 1)]  # the live item, one bar; the history's window is kept
    assert history.builds == builds
    assert view.price.visuals[0].live.drawn == Drawn(n - 1, n, 1)
    # history painted only the few bars whose drawing reaches into the repainted pixels (the
    # live bar's rectangle plus Qt's margin), not the ~150 visible
    assert history.drawn.lo >= n - 5 and history.drawn.marks <= 4
    # a tick inside the bar's range moves nothing else: same rectangle, same axes
    assert view.price.visuals[0].live.boundingRect() == live_rect
    assert [pane.plot.getAxis("right").layouts for pane in view.panes.values()] == layouts


def test_a_live_bar_growing_inside_the_shown_range_does_not_refit_the_pane(
    view: ChartView, million: BarSeries, qtbot: QtBot
) -> None:
    """Volume grows on every tick; while the bar stays inside the fitted margin the pane keeps
    its range (no whole-pane repaint per tick); past it, one refit; scrolled back, none."""
    view.grab()
    refits: list[object] = []
    view.volume.view.sigYRangeChanged.connect(lambda *args: refits.append(args))
    (_, _), (_, top) = view.volume.view.viewRange()
    n = len(million)
    bar_volume = million.volume[n - 1]
    tick(view, million, qtbot, v=float(top - bar_volume) * 0.9)  # just under the top
    for _ in range(3):
        tick(view, million, qtbot, v=float(top - bar_volume) * 0.02)
    assert refits == []
    tick(view, million, qtbot, v=float(top))  # past the top: one refit, the bar in range
    assert len(refits) == 1
    assert view.volume.view.viewRange()[1][1] >= million.volume[n - 1]
    view.price.view.setXRange(n - 5000, n - 4800, padding=0)
    view.grab()
    ranges = view.price.view.viewRange()[1], view.volume.view.viewRange()[1]
    tick(view, million, None, h=1000.0, v=1e9)  # far out of range, but out of view
    assert (view.price.view.viewRange()[1], view.volume.view.viewRange()[1]) == ranges


def test_a_pan_inside_the_built_window_does_not_rebuild_it(view: ChartView) -> None:
    history = view.price.visuals[0].history
    show(view, 500_000, 500_200)
    builds = history.builds
    for shift in (50, 100, 150, -150):  # the window is the visible range plus 200 bars a side
        drawn = show(view, 500_000 + shift, 500_200 + shift)
        assert drawn.lo <= 500_000 + shift and drawn.hi >= 500_200 + shift
        assert drawn.marks <= 220  # still only the visible part is drawn
    assert history.builds == builds


def test_a_pan_past_the_built_window_or_a_zoom_rebuilds_it_once(view: ChartView) -> None:
    history = view.price.visuals[0].history
    show(view, 500_000, 500_200)
    builds = history.builds
    show(view, 500_300, 500_500)
    assert history.builds == builds + 1
    show(view, 500_300, 500_500)
    assert history.builds == builds + 1
    show(view, 400_000, 600_000)  # zoomed out: another fold step
    assert history.builds == builds + 2


def test_a_new_bar_rebuilds_the_history_once(
    view: ChartView, million: BarSeries, qtbot: QtBot
) -> None:
    history = view.price.visuals[0].history
    view.grab()
    builds = history.builds
    t, *_ = million.bar(len(million) - 1)
    million.upsert(t + 60, 1, 1, 1, 1, 1)
    view.bar_ticked(appended=True)
    view.grab()
    assert history.builds == builds + 1
    assert history.drawn.hi == len(million) - 1  # the finished bar is history now
    tick(view, million, qtbot, v=5)
    assert history.builds == builds + 1


def test_axes_lay_out_once_per_range_change_and_reuse_label_texts(view: ChartView) -> None:
    axis = view.volume.plot.getAxis("bottom")
    show(view, 500_000, 500_200)
    layouts = axis.layouts
    view.grab()
    assert axis.layouts == layouts  # a repaint without a range change reuses the layout
    show(view, 500_010, 500_210)
    assert axis.layouts == layouts + 1
    texts = dict(axis._texts)
    show(view, 500_000, 500_200)
    assert all(axis._texts[k] is v for k, v in texts.items())  # shaped once, reused


def test_following_live_moves_with_a_new_bar_and_pauses_when_scrolled_back(
    view: ChartView, million: BarSeries
) -> None:
    n = len(million)
    (x0, x1), _ = view.price.view.viewRange()
    t, *_ = million.bar(n - 1)
    million.upsert(t + 60, 1, 1, 1, 1, 1)
    view.bar_ticked(appended=True)
    (y0, y1), _ = view.price.view.viewRange()
    assert (y0, y1) == pytest.approx((x0 + 1, x1 + 1))
    view.price.view.setXRange(n - 5000, n - 4800, padding=0)
    assert not view.following
    million.upsert(t + 120, 1, 1, 1, 1, 1)
    view.bar_ticked(appended=True)
    assert view.price.view.viewRange()[0] == pytest.approx([n - 5000, n - 4800])


def test_reaching_the_left_edge_asks_for_older_history(view: ChartView) -> None:
    asked: list[bool] = []
    view.needs_history.connect(lambda: asked.append(True))
    view.price.view.setXRange(1000, 1200, padding=0)
    assert not asked
    view.price.view.setXRange(5, 205, padding=0)
    assert asked


def test_oscillators_get_their_own_panes_and_removing_the_last_one_drops_it(
    view: ChartView, million: BarSeries
) -> None:
    studies = Studies()
    zone = ZoneInfo("America/New_York")
    rsi = studies.add(IndicatorSpec.make("RSI"), million, zone)
    macd = studies.add(IndicatorSpec.make("MACD"), million, zone)
    sma = studies.add(IndicatorSpec.make("SMA"), million, zone)
    for indicator in (rsi, macd, sma):
        view.add_indicator(indicator)
    assert list(view.panes) == ["price", "volume", "RSI", "MACD"]
    assert len(view.price.visuals) == 2  # candles and the SMA line
    assert "SMA(20)" in view.readout(len(million) - 1)
    view.remove_indicator(rsi)
    view.remove_indicator(sma)
    assert list(view.panes) == ["price", "volume", "MACD"]
    assert len(view.price.visuals) == 1
    shown = [name for name, pane in view.panes.items() if pane.plot.getAxis("bottom").isVisible()]
    assert shown == ["MACD"]  # one time axis, under the lowest pane


def test_the_crosshair_follows_the_mouse_over_any_pane(view: ChartView) -> None:
    show(view, 500_000, 500_200)
    lines = view._cross
    assert not any(line.isVisible() for line in lines)  # nothing drawn until the mouse comes
    pos = view.volume.view.mapViewToScene(QPointF(500_100.2, 1.0))
    view.scene().sigMouseMoved.emit(pos)
    assert all(line.isVisible() and line.pos().x() == 500_100 for line in lines)
    assert view.readout(500_100) in view._readout.text
    view.grab()
    assert all(line.boundingRect().contains(QPointF(0, line.boundingRect().center().y()))
               for line in lines)  # fmt: skip
