"""Chart data without widgets: bar arrays, timeframes, aggregation, indicators, the live feed.

`ui.chart` draws what is here; nothing here imports Qt widgets or pyqtgraph (a layering test).
"""
