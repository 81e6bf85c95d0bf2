"""The chart's tool row: timeframe, data type, RTH, style, indicators, export, follow live,
and a history progress bar with Cancel."""

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QWidget,
)

from terminal_app.chart.timeframes import DEFAULT, TIMEFRAMES, WHAT_TO_SHOW
from ui.chart.layers import PriceLayer


class ChartControls(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 2, 2, 2)
        self.symbol = QLabel("—")
        self.symbol.setMinimumWidth(60)
        self.timeframe = QComboBox()
        self.timeframe.addItems([tf.label for tf in TIMEFRAMES])
        self.timeframe.setCurrentText(DEFAULT.label)
        self.what = QComboBox()
        self.what.addItems(WHAT_TO_SHOW)
        self.rth = QCheckBox("RTH")
        self.rth.setToolTip("Regular trading hours only")
        self.style_box = QComboBox()
        self.style_box.addItems(PriceLayer.STYLES)
        self.indicators = QToolButton()
        self.indicators.setText("Indicators")
        self.indicators.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export = QToolButton()
        self.export.setText("Export")
        self.export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.live = QPushButton("Live")
        self.live.setCheckable(True)
        self.live.setChecked(True)
        self.live.setToolTip("Follow the newest bar (paused while you look at older bars)")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(120)
        self.progress.setFormat("history %v/%m")
        self.cancel = QPushButton("Cancel")
        self.status = QLabel()
        for widget in (
            self.symbol,
            self.timeframe,
            self.what,
            self.rth,
            self.style_box,
            self.indicators,
            self.export,
            self.live,
            self.progress,
            self.cancel,
            self.status,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        self.show_progress(0, 0)

    def show_progress(self, done: int, total: int) -> None:
        """total 0: no load running."""
        self.progress.setVisible(total > 0)
        self.cancel.setVisible(total > 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
