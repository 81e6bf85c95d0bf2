"""The DOM in the main window on the simulated gateway: at start (the default workspace) it shows
its link group's symbol, it follows the group when the symbol changes, and its ladder state is
saved with the workspace and restored with one-click off."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtWidgets import QApplication

from terminal_app.session import BrokerSession
from tests.dom.conftest import ES
from tests.waiting import wait_until
from tests.workspace.app_run import shown_window
from ui.dom.panel import DomPanel
from ui.main_window import MainWindow


@pytest_asyncio.fixture
async def window(
    qapp: QApplication, tmp_path: Path, sim_session: BrokerSession
) -> AsyncIterator[MainWindow]:
    with shown_window(tmp_path, sim_session) as win:
        try:
            yield win
        finally:
            win.docks.remove_all()  # panels give their lines back before the session closes
            await win.tasks.cancel_all()


def _dom(window: MainWindow) -> DomPanel:
    [dock] = window.docks.docks("dom")
    panel = dock.widget()
    assert isinstance(panel, DomPanel)
    return panel


def _shows(panel: DomPanel, symbol: str) -> bool:
    feed = panel.feed
    return feed is not None and feed.contract.symbol == symbol and bool(feed.contract.conId)


@pytest.mark.asyncio
async def test_the_default_workspace_dom_shows_its_linked_symbol_and_follows_it(
    window: MainWindow, sim_session: BrokerSession
) -> None:
    window.workspace.reset_to_default()
    dom = _dom(window)
    await wait_until(lambda: _shows(dom, "SPY"), 15, "the DOM never showed the red group's SPY")
    current = window.links.current("red")
    assert current is not None and current.symbol == "SPY"
    es = await sim_session.qualify(ES)
    window.links.publish("red", es)  # a pick in a red panel
    await wait_until(lambda: _shows(dom, "ES"), 10, "the DOM did not follow its link group")


@pytest.mark.asyncio
async def test_ladder_state_round_trips_through_the_workspace_with_one_click_off(
    window: MainWindow, sim_session: BrokerSession
) -> None:
    dock = window.docks.open("dom", link="none")
    dom = dock.widget()
    assert isinstance(dom, DomPanel)
    dom.show_contract(await sim_session.qualify(ES))
    bar, options = dom.order_bar, dom.options
    bar.quantity.setValue(5)
    bar.take_profit.setValue(8)
    bar.stop_loss.setValue(4)
    bar.one_click.setChecked(True)
    options.cumulative.setChecked(True)
    options.auto_centre.setChecked(False)
    assert dom.trading.one_click
    assert window.workspace.save("Scalping")
    saved = dom.panel_state()
    assert set(saved) == {  # one-click is never saved
        "contract",
        "quantity",
        "take_profit_ticks",
        "stop_loss_ticks",
        "cumulative",
        "smart_depth",
        "centre",
    }

    window.workspace.reset_to_default()
    assert window.workspace.restore("Scalping")
    restored = _dom(window)
    assert restored is not dom
    await wait_until(lambda: _shows(restored, "ES"), 10, "the restored DOM lost its contract")
    bar, options = restored.order_bar, restored.options
    assert (bar.quantity.value(), bar.take_profit.value(), bar.stop_loss.value()) == (5, 8, 4)
    assert not bar.one_click.isChecked() and not restored.trading.one_click
    assert restored.trading.quantity == 5 and restored.trading.bracket.take_profit == 8
    assert options.cumulative.isChecked() and restored.feed is not None
    assert restored.feed.book.cumulative
    assert not options.auto_centre.isChecked() and not restored.ladder.window_.auto
    assert restored.panel_state() == saved
