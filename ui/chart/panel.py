"""The chart dock: one contract's bars, live, with indicators; follows its link group.

The panel only wires things together: `ChartFeed` (terminal_app.chart) brings the bars through
the session (live line + paced history), `Studies` keeps the indicators in step, `ChartView`
draws, `ChartTrading` puts the contract's orders, position and fills on the price pane (through
the order service, `ChartOrders`) and opens the ticket from its right-click menu.
"""

import math
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from ib_async import Contract
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QVBoxLayout, QWidget

from terminal_app.chart.chart_orders import ChartOrders
from terminal_app.chart.export import chart_frame, export_frame
from terminal_app.chart.feed import ChartFeed
from terminal_app.chart.indicators import KINDS, Indicator, IndicatorSpec
from terminal_app.chart.studies import Studies
from terminal_app.chart.timeframes import WHAT_TO_SHOW, timeframe
from terminal_app.orders.intent import OrderType, Side
from terminal_app.session import ContractError, Phase
from terminal_app.session.contracts import contract_text
from ui.chart.controls import ChartControls
from ui.chart.layers import PriceLayer
from ui.chart.trading import ChartTrading
from ui.chart.view import ChartView
from ui.panel import PanelContext
from ui.watchlist.model import contract_from_dict, contract_to_dict

LONG_LOAD_CHUNKS = 10
TICKET_KIND = "order_ticket"


class ChartPanel(QWidget):
    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._session = ctx.session
        self._tasks = ctx.tasks
        self.feed = ChartFeed(ctx.session, ctx.tasks)
        self.studies = Studies()
        self.controls = ChartControls()
        self.view = ChartView(lambda: self.feed.series)
        self.orders = ChartOrders(ctx.session, self)
        self.trading = ChartTrading(
            self.orders, self.view, lambda: self.feed.series.time, self.open_ticket, self
        )
        self._pending: Contract | None = None  # to show once connected
        self._dialog: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.controls)
        for widget in self.trading.widgets():
            layout.addWidget(widget)
        layout.addWidget(self.view, 1)
        self._wire()
        self._build_menus()
        self.view.say(
            "No symbol: pick one in a panel of the same link colour, or Open chart on a row"
        )

    def _wire(self) -> None:
        c, feed, view = self.controls, self.feed, self.view
        feed.reset.connect(self._on_reset)
        feed.extended.connect(self._on_extended)
        feed.ticked.connect(self._on_ticked)
        feed.progress.connect(c.show_progress)
        feed.failed.connect(c.status.setText)
        view.needs_history.connect(lambda: feed.load_older(1))
        view.following_changed.connect(c.live.setChecked)
        c.live.clicked.connect(lambda: view.go_live())
        c.cancel.clicked.connect(feed.cancel_loading)
        c.style_box.currentTextChanged.connect(view.set_style)
        for combo in (c.timeframe, c.what):
            combo.currentTextChanged.connect(lambda _text: self._reload())
        c.rth.toggled.connect(lambda _on: self._reload())
        self._session.stateChanged.connect(self._on_state)

    def _build_menus(self) -> None:
        self._indicator_menu = QMenu(self)
        self._indicator_menu.aboutToShow.connect(self._fill_indicator_menu)
        self.controls.indicators.setMenu(self._indicator_menu)
        export = QMenu(self)
        export.addAction("Data to CSV…", lambda: self._ask_path("CSV (*.csv)", self.export_data))
        export.addAction(
            "Data to Parquet…", lambda: self._ask_path("Parquet (*.parquet)", self.export_data)
        )
        export.addAction("Picture to PNG…", lambda: self._ask_path("PNG (*.png)", self.export_png))
        export.addSeparator()
        export.addAction("Load more history", lambda: self.feed.load_older(LONG_LOAD_CHUNKS))
        self.controls.export.setMenu(export)

    # --- contract ---------------------------------------------------------------------------------
    def show_contract(self, contract: Contract) -> None:
        """Linked pick or "Open chart": qualify (for the exchange's time zone), then load."""
        self._pending = contract
        self.controls.symbol.setText(contract.localSymbol or contract.symbol)
        if self._session.is_connected:
            self._tasks.spawn(self._qualify_and_show(contract), name="chart contract")

    def shown_contract(self) -> Contract | None:
        return self.feed.contract or self._pending

    async def _qualify_and_show(self, contract: Contract) -> None:
        try:
            qualified = await self._session.qualify(contract)
        except ContractError as exc:
            self.controls.status.setText(str(exc))
            return
        if self._pending is contract:
            self._pending = None
            self.controls.symbol.setText(contract_text(qualified))
            self._show(qualified)

    def _show(self, contract: Contract) -> None:
        c = self.controls
        self.controls.status.setText("")
        self.view.say("")
        self.orders.show(contract)
        self.feed.show(
            contract, timeframe(c.timeframe.currentText()), c.what.currentText(), c.rth.isChecked()
        )

    def _reload(self) -> None:
        if self.feed.contract is not None:
            self._show(self.feed.contract)

    def _on_state(self, state: object) -> None:
        if getattr(state, "phase", None) is Phase.CONNECTED and self._pending is not None:
            self.show_contract(self._pending)

    # --- bars changed -----------------------------------------------------------------------------
    def _on_reset(self) -> None:
        self.view.set_time_info(self.feed.zone, self.feed.timeframe.seconds)
        self.studies.recompute(self.feed.series, self.feed.zone)
        self.view.bars_reset()
        self.trading.bars_changed()

    def _on_extended(self, count: int) -> None:
        self.studies.recompute(self.feed.series, self.feed.zone)
        self.view.bars_prepended(count)
        self.trading.bars_changed()

    def _on_ticked(self, appended: bool) -> None:
        self.studies.update_last(self.feed.series, self.feed.zone)
        self.view.bar_ticked(appended)
        if appended:
            self.trading.bars_changed()

    # --- orders -----------------------------------------------------------------------------------
    def open_ticket(self, side: Side, kind: OrderType, price: Decimal) -> None:
        """The right-click menu's choice: the ticket on this contract, pre-filled."""
        contract = self.feed.contract
        if contract is None:
            return
        ticket = self._ctx.open_panel(TICKET_KIND, contract)
        prefill = getattr(ticket, "prefill_order", None)
        if prefill is not None:
            prefill(side, kind, price)

    # --- indicators -------------------------------------------------------------------------------
    def add_indicator(self, spec: IndicatorSpec) -> Indicator:
        indicator = self.studies.add(spec, self.feed.series, self.feed.zone)
        self.view.add_indicator(indicator)
        return indicator

    def remove_indicator(self, indicator: Indicator) -> None:
        self.view.remove_indicator(indicator)
        self.studies.remove(indicator)

    def configure_indicator(self, indicator: Indicator, spec: IndicatorSpec) -> Indicator:
        self.view.remove_indicator(indicator)
        new = self.studies.replace(indicator, spec, self.feed.series, self.feed.zone)
        self.view.add_indicator(new)
        return new

    def _fill_indicator_menu(self) -> None:
        menu = self._indicator_menu
        menu.clear()
        add = menu.addMenu("Add")
        for kind in KINDS:
            add.addAction(kind, partial(self._add_kind, kind))
        for indicator in self.studies.items:
            sub = menu.addMenu(indicator.spec.label)
            sub.addAction("Settings…", partial(self._ask_settings, indicator))
            sub.addAction("Remove", partial(self.remove_indicator, indicator))

    def _add_kind(self, kind: str) -> None:
        self.add_indicator(IndicatorSpec.make(kind))

    def _ask_settings(self, indicator: Indicator) -> None:
        """Non-blocking: `open()` and a signal, never a nested loop."""
        names = [name for name, _ in indicator.spec.params]
        if not names:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(indicator.spec.kind)
        dialog.setLabelText(", ".join(names))
        dialog.setTextValue(", ".join(f"{v:g}" for _, v in indicator.spec.params))

        def chosen(text: str) -> None:
            try:
                values = [float(part) for part in text.split(",")]
                if len(values) != len(names) or not all(v > 0 and math.isfinite(v) for v in values):
                    raise ValueError
            except ValueError:
                self.controls.status.setText(
                    f"{indicator.spec.kind}: give {len(names)} positive numbers"
                )
                return
            self.configure_indicator(
                indicator,
                IndicatorSpec.make(indicator.spec.kind, **dict(zip(names, values, strict=True))),
            )

        dialog.textValueSelected.connect(chosen)
        self._dialog = dialog
        dialog.open()

    # --- export -----------------------------------------------------------------------------------
    def _ask_path(self, name_filter: str, save: Any) -> None:
        dialog = QFileDialog(self, "Export chart", "", name_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(lambda path: save(Path(path)))
        self._dialog = dialog
        dialog.open()

    def export_data(self, path: Path) -> None:
        try:
            export_frame(chart_frame(self.feed.series, self.studies, self.feed.zone), path)
        except (OSError, ValueError) as exc:
            self.controls.status.setText(f"Export failed: {exc}")

    def export_png(self, path: Path) -> None:
        if not self.view.grab().save(str(path)):
            self.controls.status.setText(f"Export failed: could not write {path}")

    # --- panel protocol ---------------------------------------------------------------------------
    def has_live_data(self) -> bool:
        """Live once its bars stream; a chart with no symbol has nothing to wait for."""
        return self.shown_contract() is None or self.feed.live

    def panel_state(self) -> dict[str, Any]:
        c = self.controls
        contract = self.shown_contract()
        return {
            "contract": contract_to_dict(contract) if contract is not None else None,
            "timeframe": c.timeframe.currentText(),
            "what_to_show": c.what.currentText(),
            "rth": c.rth.isChecked(),
            "style": c.style_box.currentText(),
            "indicators": [spec.to_dict() for spec in self.studies.specs()],
        }

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        c = self.controls
        c.timeframe.setCurrentText(timeframe(str(state.get("timeframe", ""))).label)
        what = str(state.get("what_to_show", "TRADES"))
        c.what.setCurrentText(what if what in WHAT_TO_SHOW else "TRADES")
        c.rth.setChecked(bool(state.get("rth", False)))
        style = str(state.get("style", "candles"))
        c.style_box.setCurrentText(style if style in PriceLayer.STYLES else "candles")
        for item in state.get("indicators", []):
            self.add_indicator(IndicatorSpec.from_dict(item))
        if state.get("contract"):
            self.show_contract(contract_from_dict(state["contract"]))

    def release_panel(self) -> None:
        self.feed.stop()
        self.trading.stop()
