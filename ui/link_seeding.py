"""A restored workspace's link groups start with the symbols its panels show.

A link group's symbol is only ever set by a pick (`LinkGroups.publish`), so after a restore a
chart showing SPY sat in the red group next to a DOM and a ticket showing nothing. Like TWS,
where a colour group has one symbol, each colour whose group has none takes the symbol the first
of its panels shows, qualified (a restored chart's contract is not yet), and publishes it to
the others. It waits for the connection; a pick made in the meantime wins.
"""

import logging

from ib_async import Contract
from PySide6.QtCore import QObject

from terminal_app.session.broker import BrokerSession
from terminal_app.session.contracts import ContractError, contract_text
from terminal_app.session.state import Phase
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import NOT_LINKED, LinkGroups
from ui.docks import DockManager
from ui.panel import ShowsContract

log = logging.getLogger(__name__)


class LinkSeeder(QObject):
    def __init__(
        self, docks: DockManager, links: LinkGroups, session: BrokerSession, tasks: TaskOwner
    ) -> None:
        super().__init__(docks)
        self._docks = docks
        self._links = links
        self._session = session
        self._tasks = tasks
        self._wanted: dict[str, tuple[Contract, object]] = {}  # colour -> (contract, source)
        session.stateChanged.connect(self._on_state)

    def seed(self) -> None:
        """Call after a workspace was applied (its panels restored)."""
        self._wanted = {}
        for dock in self._docks.docks():
            color, widget = self._docks.link_of(dock), dock.widget()
            if color in (None, NOT_LINKED) or color in self._wanted:
                continue
            contract = widget.shown_contract() if isinstance(widget, ShowsContract) else None
            if contract is not None and self._links.current(color) is None:
                self._wanted[color] = (contract, widget)
        self._start()

    def _on_state(self, state: object) -> None:
        if getattr(state, "phase", None) is Phase.CONNECTED:
            self._start()

    def _start(self) -> None:
        if not self._session.is_connected:
            return
        wanted, self._wanted = self._wanted, {}
        for color, (contract, source) in wanted.items():
            self._tasks.spawn(self._publish(color, contract, source), name=f"link seed {color}")

    async def _publish(self, color: str, contract: Contract, source: object) -> None:
        if not contract.conId:
            try:
                contract = await self._session.qualify(contract)
            except ContractError as exc:  # the panel showing it says so itself
                log.info("link group %s: %s not seeded (%s)", color, contract_text(contract), exc)
                return
        if self._links.current(color) is None:
            self._links.publish(color, contract, source)
