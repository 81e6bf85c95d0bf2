"""Every panel kind the terminal offers. Adding a kind here is all it takes to get it into the
View → New panel menu and into the first-run default workspace (see `resources/layouts/`); its
`offers` put it into other panels' row menus (a chart kind: `offers=(OpenOffer("Open chart"),)`).

The chart and the PnL graph import pyqtgraph and pandas: their modules are imported when such a
panel is built, and during a start that is after the start-up (ui/deferred_panel.py). Nothing
else on the start-up path may import them (tests/test_startup_imports.py).
"""

from PySide6.QtWidgets import QWidget

from ui.account.panel import AccountPanel
from ui.blotter.panel import BlotterPanel
from ui.deferred_panel import deferred
from ui.docks import PanelKind
from ui.dom.panel import DomPanel
from ui.messages_dock import MessagesPanel
from ui.order_ticket.panel import OrderTicketPanel
from ui.panel import PanelContext
from ui.portfolio.panel import PortfolioPanel
from ui.row_actions import OpenOffer, TargetOffer
from ui.watchlist.panel import WatchlistPanel

CHART_KIND = "chart"
WATCHLIST_KIND = "watchlist"  # where a symbol search pick goes when no linked panel shows it


def _chart(ctx: PanelContext) -> QWidget:
    from ui.chart.panel import ChartPanel  # pyqtgraph, pandas: loaded with the first chart

    return ChartPanel(ctx)


def _pnl(ctx: PanelContext) -> QWidget:
    from ui.pnl.panel import PnlPanel  # pyqtgraph: loaded with the panel

    return PnlPanel(ctx)


def builtin_kinds() -> list[PanelKind]:
    return [
        PanelKind(
            WATCHLIST_KIND,
            "Watchlist",
            WatchlistPanel,
            area="left",
            shortcut="Ctrl+Shift+W",
            default_link="red",
            offers=(TargetOffer("Add to watchlist"),),
        ),
        PanelKind(
            CHART_KIND,
            "Chart",
            deferred(_chart, "chart", linked=True),
            area="right",
            shortcut="Ctrl+Shift+G",
            default_link="red",
            offers=(OpenOffer("Open chart"),),
        ),
        PanelKind(
            "order_ticket",
            "Order Ticket",
            OrderTicketPanel,
            area="right",
            shortcut="Ctrl+Shift+T",
            default_link="red",
            offers=(OpenOffer("Trade…"),),
        ),
        PanelKind("blotter", "Orders", BlotterPanel, area="left", shortcut="Ctrl+Shift+O"),
        PanelKind(
            "dom", "DOM Ladder", DomPanel, default_link="red", offers=(OpenOffer("Open DOM"),)
        ),
        PanelKind(
            "portfolio",
            "Portfolio",
            PortfolioPanel,
            area="bottom",
            shortcut="Ctrl+Shift+P",
            default_link="red",
        ),
        PanelKind("account", "Account", AccountPanel, area="bottom", shortcut="Ctrl+Shift+A"),
        PanelKind("pnl", "PnL", deferred(_pnl, "PnL"), area="bottom", shortcut="Ctrl+Shift+L"),
        PanelKind(
            "messages",
            "Messages",
            lambda ctx: MessagesPanel(ctx.session.messages),
            area="left",
            shortcut="Ctrl+Shift+M",
        ),
    ]
