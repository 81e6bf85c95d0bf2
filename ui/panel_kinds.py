"""Every panel kind the terminal offers. Adding a kind here is all it takes to get it into the
View → New panel menu and into the first-run default workspace (see `resources/layouts/`); its
`offers` put it into other panels' row menus (a chart kind: `offers=(OpenOffer("Open chart"),)`).
"""

from ui.account.panel import AccountPanel
from ui.blotter.panel import BlotterPanel
from ui.chart.panel import ChartPanel
from ui.docks import PanelKind
from ui.dom.panel import DomPanel
from ui.messages_dock import MessagesPanel
from ui.order_ticket.panel import OrderTicketPanel
from ui.pnl.panel import PnlPanel
from ui.portfolio.panel import PortfolioPanel
from ui.row_actions import OpenOffer, TargetOffer
from ui.watchlist.panel import WatchlistPanel

CHART_KIND = "chart"
WATCHLIST_KIND = "watchlist"  # where a symbol search pick goes when no linked panel shows it


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
            ChartPanel,
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
        PanelKind("pnl", "PnL", PnlPanel, area="bottom", shortcut="Ctrl+Shift+L"),
        PanelKind(
            "messages",
            "Messages",
            lambda ctx: MessagesPanel(ctx.session.messages),
            area="left",
            shortcut="Ctrl+Shift+M",
        ),
    ]
