"""The chart dock: pyqtgraph items that draw only the visible bars, panes, axis, panel."""
