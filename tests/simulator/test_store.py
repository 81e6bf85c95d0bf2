"""Persistence of the paper account: restart, corruption, SIGKILL in the middle of writes."""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from ib_async import LimitOrder, MarketOrder, Order, StopOrder, TagValue

from terminal_app.simulator.store import FILE_NAME, StateStore, open_engine
from tests.simulator.test_trading_harness import AAPL, Harness, MarketHarness, contract


def restarted(state_dir: Path, start: str = "2026-11-24 10:00") -> tuple[Harness, StateStore]:
    store = StateStore(state_dir)
    h = Harness(start, journal=store)
    state = store.load()
    h.engine.restore(
        state.orders,
        state.executions,
        state.next_ids,
        state.perm_id,
        state.exec_seq,
        state.completed,
    )
    return h, store


def test_a_day_order_survives_a_restart_within_its_day_and_expires_after_it(
    tmp_path: Path,
) -> None:
    h, store = restarted(tmp_path)
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    day = h.place(LimitOrder("BUY", 100, 98.00), client_id=5)
    store.close()
    same_day, store = restarted(tmp_path, "2026-11-24 15:00")
    same_day.engine.poll()
    assert [o.order_id for o, _ in same_day.engine.open_orders()] == [day]
    store.close()
    next_day, store = restarted(tmp_path, "2026-11-25 10:00")
    next_day.engine.poll()
    assert not next_day.engine.open_orders()
    assert next_day.engine.completed_orders()[-1].state.status == "Cancelled"
    store.close()


def test_the_account_files_are_private(tmp_path: Path) -> None:
    h, store = restarted(tmp_path)
    h.place(LimitOrder("BUY", 100, 98.00, tif="GTC"))
    files = [p for p in tmp_path.iterdir() if p.name.startswith(FILE_NAME)]
    assert {p.name for p in files} >= {FILE_NAME, f"{FILE_NAME}-wal"}
    assert {p.name: p.stat().st_mode & 0o777 for p in files} == {p.name: 0o600 for p in files}
    store.close()


def test_one_value_sqlite_cannot_hold_costs_only_its_own_row(tmp_path: Path) -> None:
    """Engines that get past the door's id checks (tests, future callers) still keep every
    other client's orders."""
    h, store = restarted(tmp_path)
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    h.place(LimitOrder("BUY", 1, 98.00, tif="GTC", orderId=2**63), client_id=7)
    kept = [
        h.place(LimitOrder("BUY", 1, 98.00, tif="GTC", orderId=i), client_id=8) for i in (3, 4, 5)
    ]
    store.close()
    again, store = restarted(tmp_path)
    assert sorted(o.order_id for o, _ in again.engine.open_orders()) == kept
    store.close()


def test_working_gtc_orders_executions_and_ids_survive_a_restart(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    h = Harness(journal=store)
    store.bind_account(h.ledger.export)
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    gtc = h.place(LimitOrder("BUY", 300, 99.00, tif="GTC", orderRef="keep me"), client_id=5)
    day = h.place(LimitOrder("BUY", 100, 98.00), client_id=5)  # DAY: kept within its day
    adaptive = h.place(
        Order(
            action="BUY",
            totalQuantity=100,
            orderType="LMT",
            lmtPrice=95.0,
            tif="GTC",
            algoStrategy="Adaptive",
            algoParams=[TagValue("adaptivePriority", "Patient")],
        ),
        client_id=6,
    )
    h.venue.trade(AAPL, 99.00, 100)  # partial fill of the GTC order
    trail = h.place(
        Order(action="SELL", totalQuantity=10, orderType="TRAIL", auxPrice=0.5, tif="GTC"),
        client_id=5,
    )
    h.venue.trade(AAPL, 100.50)  # ratchets the trailing stop to 100.00
    h.place(MarketOrder("BUY", 7, orderId=40), client_id=5)
    before = h.engine.executions()
    completed = [(c.order.orderId, c.state.status) for c in h.engine.completed_orders()]
    assert completed[-1] == (40, "Filled")
    store.close()

    h2, store2 = restarted(tmp_path)
    saved = store2.load().account
    assert saved is not None
    h2.ledger.load(saved)
    assert h2.ledger.position(AAPL) == 107 == h.ledger.position(AAPL)
    opened = {o.order_id: (o, s) for o, s in h2.engine.open_orders()}
    assert set(opened) == {gtc, day, trail, adaptive}
    opened_gtc, status = opened[gtc]
    order = opened_gtc.order
    assert order.orderRef == "keep me" and order.permId == h.last_status(gtc).perm_id
    assert status.filled == 100 and status.remaining == 200 and status.avg_fill_price == 99.00
    assert opened[trail][0].order.trailStopPrice == 100.00
    assert opened[adaptive][0].order.algoParams == [TagValue("adaptivePriority", "Patient")]
    after = h2.engine.executions()
    assert [(r.execution.execId, r.execution.time, r.report.commission) for r in after] == [
        (r.execution.execId, r.execution.time, r.report.commission) for r in before
    ]
    restored = [(c.order.orderId, c.state.status) for c in h2.engine.completed_orders()]
    assert restored == completed
    assert h2.engine.completed_orders()[-1].state.completedTime.endswith("America/New_York")
    assert h2.engine.next_order_id(5) == 41 and h2.engine.next_order_id(6) == adaptive + 1
    # The restored order keeps working: it fills, and the ids keep counting up.
    h2.venue.quote(AAPL, 98.00, 98.02, last=98.01)
    assert h2.last_status(gtc).status == "Filled" and h2.last_status(gtc).filled == 300
    assert h2.last_status(trail).status == "Filled"  # last 98.01 is through its 100.00 stop
    assert h2.fills(gtc)[0].execution.execId not in {r.execution.execId for r in before}
    store2.close()
    h3, store3 = restarted(tmp_path)
    assert {o.order_id for o, _ in h3.engine.open_orders()} == {day, adaptive}
    store3.close()


def test_a_corrupt_state_file_is_moved_aside_and_the_account_starts_fresh(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.ERROR):
        store = StateStore(tmp_path)
    assert "unreadable" in caplog.text and "fresh account" in caplog.text
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert store.load().orders == [] and store.load().executions == []
    store.close()


def test_undecodable_rows_count_as_corruption(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    h = Harness(journal=store)
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    h.place(StopOrder("SELL", 100, 90.00, tif="GTC"))
    store._db.execute("UPDATE orders SET body='{\"nonsense\": 1}'")
    store.close()
    fresh = StateStore(tmp_path)
    assert fresh.load().orders == []
    assert any(".corrupt-" in p.name for p in tmp_path.iterdir())
    fresh.close()


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from ib_async import LimitOrder, MarketOrder

    from terminal_app.simulator.store import StateStore
    from tests.simulator.test_trading_harness import AAPL, Harness, contract

    store = StateStore(Path(sys.argv[1]))
    h = Harness(journal=store)
    state = store.load()
    h.engine.restore(state.orders, state.executions, state.next_ids, state.perm_id, state.exec_seq)
    if state.account is not None:
        h.ledger.load(state.account)
    store.bind_account(h.ledger.export)
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01, sizes=(10**9,))
    oid = h.engine.next_order_id(1)
    while True:
        h.engine.place(1, oid, contract(), LimitOrder("BUY", 1, 90.0, tif="GTC"))
        h.engine.place(1, oid + 1, contract(), MarketOrder("BUY", 1))
        print(oid, flush=True)
        oid += 2
    """
)


def test_sigkill_mid_write_never_corrupts_the_state(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    state_dir = tmp_path / "state"
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    seen_ids = 0
    for round_ in range(3):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(state_dir)],
            stdout=subprocess.PIPE,
            env=env,
            cwd=Path.cwd(),
        )
        assert proc.stdout is not None
        lines = 0
        target = 20 + 37 * round_
        while lines < target:
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, "writer produced nothing"
            if not proc.stdout.readline():
                pytest.fail(f"writer died: {proc.wait()}")
            lines += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store = StateStore(state_dir)
        state = store.load()
        assert not any(".corrupt-" in p.name for p in state_dir.iterdir())
        # Each operation is atomic: an order, its id and its fill are all there or all absent.
        assert state.exec_seq == len(state.executions)
        assert state.account is not None
        (position,) = state.account["positions"]
        assert Decimal(position["quantity"]) == len(state.executions)
        assert len(state.executions) >= seen_ids + lines - 1
        working = {o.order_id for o in state.orders}
        assert state.next_ids[1] > max(working)
        seen_ids = len(state.executions)
        store.close()


def test_open_engine_restores_the_ledger_and_sets_aside_an_account_it_cannot_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    h = MarketHarness()
    engine, store = open_engine(h.market, h.ledger, tmp_path)
    assert store is not None
    engine.place(1, 1, contract(), MarketOrder("BUY", 100))
    engine.place(1, 2, contract(), LimitOrder("BUY", 100, 1.00, tif="GTC"))
    store.close()

    again = MarketHarness()
    engine2, store2 = open_engine(again.market, again.ledger, tmp_path)
    assert again.ledger.position(AAPL) == 100
    assert [o.order_id for o, _ in engine2.open_orders()] == [2]
    assert engine2.next_order_id(1) == 3
    assert store2 is not None
    broken = json.dumps({"cash": {"USD": "lots"}})
    store2._db.execute("UPDATE meta SET value=? WHERE key='account'", (broken,))
    store2.close()

    third = MarketHarness()
    with caplog.at_level(logging.ERROR):
        engine3, store3 = open_engine(third.market, third.ledger, tmp_path)
    assert "does not load" in caplog.text
    assert third.ledger.position(AAPL) == 0 and engine3.open_orders() == []
    assert any(".corrupt-" in p.name for p in tmp_path.iterdir())
    assert store3 is not None
    store3.close()
