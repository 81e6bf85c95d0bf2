"""The indicators of one chart, kept in step with its bars."""

from typing import Any

from terminal_app.chart.indicators import Indicator, IndicatorSpec, build
from terminal_app.chart.series import BarSeries


class Studies:
    def __init__(self) -> None:
        self.items: list[Indicator] = []

    def add(self, spec: IndicatorSpec, series: BarSeries, zone: Any) -> Indicator:
        indicator = build(spec)
        indicator.recompute(series, zone)
        self.items.append(indicator)
        return indicator

    def remove(self, indicator: Indicator) -> None:
        self.items.remove(indicator)

    def replace(
        self, old: Indicator, spec: IndicatorSpec, series: BarSeries, zone: Any
    ) -> Indicator:
        """A new setting: the same place in the list, computed afresh."""
        new = build(spec)
        new.recompute(series, zone)
        self.items[self.items.index(old)] = new
        return new

    def recompute(self, series: BarSeries, zone: Any) -> None:
        for indicator in self.items:
            indicator.recompute(series, zone)

    def update_last(self, series: BarSeries, zone: Any) -> None:
        for indicator in self.items:
            indicator.update_last(series, zone)

    def specs(self) -> list[IndicatorSpec]:
        return [i.spec for i in self.items]
