"""Issue 14 item 2: rows for symbols resolved on an earlier run show (and subscribe) at once, from
the symbol cache, and IB's live answer corrects what the cache got wrong."""

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from terminal_app.session import BrokerSession
from terminal_app.session.profiles import ProfileKind, make_profile
from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.market.instruments import Universe
from terminal_app.symbol_cache import SymbolCache
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from tests.waiting import wait_until
from ui.panel import PanelContext
from ui.watchlist.model import contract_to_dict
from ui.watchlist.panel import WatchlistPanel


def _symbols(panel: WatchlistPanel) -> list[str]:
    return [row.contract.symbol for row in panel.lists()[0].model.rows()]


def _con_id(symbol: str) -> int:
    return next(i.conId for i in Universe.load().instruments if i.symbol == symbol)


@pytest.mark.asyncio
async def test_cached_symbols_show_before_ib_answers_and_ib_corrects_the_cache(
    qapp: QApplication, session: BrokerSession, sim_gateway: SimulatedGateway, tmp_path: Path
) -> None:
    path = tmp_path / "symbols.json"
    profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port, client_id=14)
    tasks = TaskOwner("symbol-cache")
    panels: list[WatchlistPanel] = []

    def new_panel() -> WatchlistPanel:
        panels.append(
            WatchlistPanel(PanelContext(session, LinkGroups(), tasks), cache=SymbolCache(path))
        )
        return panels[-1]

    try:
        # The last run: what IB answered is kept, a symbol IB does not know is not.
        assert await session.open_connection(profile)
        first = new_panel()
        first.add_symbols("AAPL MSFT IWM XQZJUNK")
        await wait_until(lambda: "XQZJUNK" in first.status.text(), 10, "never resolved")
        saved = json.loads(path.read_text())["symbols"]
        assert sorted(saved) == ["AAPL", "IWM", "MSFT"]
        assert saved["AAPL"]["conId"] == _con_id("AAPL") and saved["AAPL"]["description"]
        # Since then IWM's entry went wrong (say IB re-listed it): it names QQQ's contract.
        qqq = next(i.contract() for i in Universe.load().instruments if i.symbol == "QQQ")
        saved["IWM"] = contract_to_dict(qqq) | {"description": "wrong", "minTick": 0.01}
        path.write_text(json.dumps({"version": 1, "symbols": saved}))
        await session.close_connection()
        first.release_panel()

        # This start: the rows are there before any connection, with their long names.
        second = new_panel()
        second.add_symbols("AAPL msft IWM")
        assert _symbols(second) == ["AAPL", "MSFT", "QQQ"]
        assert second.lists()[0].model.row(0).description == saved["AAPL"]["description"]
        assert session.line_count() == 3  # held now, requested when the connection is up
        assert await session.open_connection(profile)
        await wait_until(lambda: sorted(_symbols(second)) == ["AAPL", "IWM", "MSFT"], 10)
        await wait_until(lambda: all(not r.stale for r in second.lists()[0].model.rows()), 10)
        assert json.loads(path.read_text())["symbols"]["IWM"]["conId"] == _con_id("IWM")
    finally:
        for panel in panels:
            panel.release_panel()
            panel.deleteLater()
        await tasks.cancel_all()


def test_a_damaged_cache_is_kept_aside_and_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "symbols.json"
    path.write_text('{"version": 1, "symbols": {"AAPL": ')
    cache = SymbolCache(path)
    assert cache.get("AAPL") is None
    assert (tmp_path / "symbols.json.bak").exists()
    cache.record({"aapl ": {"conId": 265598, "symbol": "AAPL"}, "NOPE": None})
    assert SymbolCache(path).get("AAPL") == {"conId": 265598, "symbol": "AAPL"}
