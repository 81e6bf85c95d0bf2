"""Bad symbols (issue 22): the symbol search box and the watchlist's paste, on a session
connected to the simulated gateway.

The paste is 1,000 lines: valid symbols (some repeated, some lower-case) among generated garbage,
malformed tokens that never reach IB and well-formed ones IB does not know. The valid ones become
rows, the rest is reported, and the loop stays responsive while it resolves: the lag is measured
and printed, not asserted (the machine is shared).
"""

import json
import random
import string
import sys
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from PySide6.QtWidgets import QApplication

from terminal_app.loop_lag import LoopLagProbe
from terminal_app.session import BrokerSession
from terminal_app.simulator.market.instruments import default_path
from terminal_app.symbol_parse import parse_symbol, split_symbols
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from tests.panel_hosting import hosted_panel
from tests.reliability.conftest_input import tried
from tests.waiting import wait_until
from ui.symbol_search import SymbolSearch
from ui.watchlist.panel import WatchlistPanel

pytestmark = pytest.mark.asyncio

#: Stocks the simulator lists: few enough for IB's 100 market-data lines.
VALID = [s["symbol"] for s in json.loads(default_path().read_text())["stocks"][:40]]


def garbage(rng: random.Random, count: int) -> list[str]:
    """Tokens that cannot be symbols (never sent to IB) and well-formed ones IB does not know."""
    junk = "!@#$%^&*()[]{}<>?|\\`~'\"ÄÖÜß€£¥😀"
    out: list[str] = []
    while len(out) < count:
        kind = rng.randrange(6)
        letters = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(1, 5)))
        if kind == 0:
            out.append(letters + rng.choice(junk) + letters)
        elif kind == 1:
            out.append(rng.choice(junk) * rng.randint(1, 8))
        elif kind == 2:
            out.append("Q" * 41 + letters)  # longer than any symbol
        elif kind == 3:
            out.append(f"{letters}:{rng.choice(['XYZ', '', 'STK:A:B:C', 'OPT:A:B:C:D'])}")
        elif kind == 4:
            out.append(f"/{letters}{rng.choice(junk)}")
        else:
            out.append(f"ZQ{letters}{rng.randint(0, 999)}")  # well-formed, unknown to IB
    return out


@pytest_asyncio.fixture
async def watchlist(sim_session: BrokerSession) -> AsyncIterator[WatchlistPanel]:
    async with hosted_panel(WatchlistPanel, sim_session, (900, 500)) as panel:
        yield panel


async def test_a_1000_line_paste_adds_the_valid_reports_the_rest_and_never_hangs(
    watchlist: WatchlistPanel,
) -> None:
    rng = random.Random(22)
    lines = [rng.choice([s, s.lower(), f" {s}\t"]) for s in VALID for _ in range(2)]
    lines += garbage(rng, 1000 - len(lines))
    rng.shuffle(lines)
    assert len(lines) == 1000
    tokens = split_symbols("\n".join(lines))
    bad = [t for t in tokens if t not in VALID]
    unknown = [t for t in bad if parse_symbol(t) is not None]  # these do go to IB
    probe = LoopLagProbe(interval=0.02)
    probe.start()
    began = time.monotonic()
    watchlist.add_symbols("\n".join(lines))
    tab = watchlist.current()
    await wait_until(lambda: not tab.pending, timeout=90, message="the paste never settled")
    took = time.monotonic() - began
    probe.stop()
    lag = probe.stats()
    rows = {row.contract.symbol for row in tab.model.rows()}
    assert rows == set(VALID)  # every valid one, once; nothing else
    notice = watchlist.status.text()
    assert "Not added" in notice
    assert f"{len(bad)} symbols not added" in notice
    # The report stays a few lines: the list keeps its room and the dock can still shrink.
    assert watchlist.minimumSizeHint().height() < 400
    assert tab.view.height() > watchlist.status.height()
    sys.stdout.write(
        f"\npaste of 1,000 lines: {len(VALID)} added, {len(bad)} distinct bad tokens "
        f"({len(unknown)} asked of IB) in {took:.1f}s; loop lag max {lag.max * 1000:.0f} ms, "
        f"p99 {lag.p99 * 1000:.0f} ms over {lag.samples} samples\n"
    )
    tried("watchlist paste (distinct bad tokens)", len(bad))


SEARCHES = ["ZZZZZZZZ", "?", "*", "%", "AAPL'--", "A" * 500, "\x00", "ÄÖÜ", "😀", "AAPL:STK"]
SEARCHES += ["A", "ES", "E", "/ES", "EUR.", ".", "-", "1", "NOSUCHCOMPANY INC", "\\", "%00"]


async def test_symbol_search_answers_every_malformed_or_ambiguous_text(
    qapp: QApplication, sim_session: BrokerSession
) -> None:
    tasks = TaskOwner("search-test")
    search = SymbolSearch(sim_session, LinkGroups(), tasks)
    picked: list[object] = []
    search.contract_picked.connect(picked.append)
    try:
        search.popup()
        answers = {}
        for text in SEARCHES:
            search.edit.setText(text)
            search.search_now()
            await wait_until(lambda: not search.status.text().startswith("Searching"), 10)
            answers[text] = (search.status.text(), search.model.rowCount())
            assert answers[text][0], f"nothing said for {text!r}"
        assert picked == []  # nothing picked without the user
        assert answers["A"][1] > 1  # ambiguous: a list to choose from, not a guess
        assert answers["ZZZZZZZZ"][1] == 0
    finally:
        search.close()
        search.deleteLater()
        await tasks.cancel_all()
    tried("symbol search", len(SEARCHES))
