"""Brackets (parentId + transmit staging) and OCA groups of types 1, 2 and 3."""

from __future__ import annotations

from ib_async import LimitOrder, Order, StopOrder

from tests.simulator.test_trading_harness import AAPL, Harness, contract


def bracket(h: Harness, entry: float, take: float, stop: float, qty: int = 100) -> tuple[int, ...]:
    parent = h.place(LimitOrder("BUY", qty, entry, transmit=False))
    tp = h.place(LimitOrder("SELL", qty, take, parentId=parent, transmit=False))
    sl = h.place(StopOrder("SELL", qty, stop, parentId=parent, transmit=True))
    return parent, tp, sl


def test_staged_orders_do_nothing_until_the_last_child_transmits() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    parent = h.place(LimitOrder("BUY", 100, 100.05, transmit=False))  # marketable, but staged
    tp = h.place(LimitOrder("SELL", 100, 101.00, parentId=parent, transmit=False))
    assert not h.events and not h.engine.open_orders()
    sl = h.place(StopOrder("SELL", 100, 99.00, parentId=parent, transmit=True))
    assert h.last_status(parent).status == "Filled"
    assert h.last_status(tp).status == "Submitted" and h.last_status(tp).parent_id == parent
    assert h.last_status(sl).status == "PreSubmitted"  # a stop waits for its trigger


def test_children_wait_for_the_parent_then_go_live_and_are_oca() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    parent, tp, sl = bracket(h, 99.50, 100.50, 99.00)
    assert h.last_status(parent).status == "Submitted"
    assert h.last_status(tp).status == "PreSubmitted"
    h.venue.quote(AAPL, 100.60, 100.62)  # would fill the take-profit, but the parent is not filled
    assert not h.fills(tp)
    h.venue.quote(AAPL, 99.40, 99.50, last=99.45)
    assert h.last_status(parent).status == "Filled"
    assert h.last_status(tp).status == "Submitted"
    h.venue.quote(AAPL, 100.50, 100.52)
    assert h.last_status(tp).status == "Filled"
    assert h.last_status(sl).status == "Cancelled"  # the other exit goes with it


def test_partial_exit_fill_reduces_the_sibling() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01, sizes=(1000,))
    parent, tp, sl = bracket(h, 100.02, 101.00, 99.00, qty=300)
    assert h.last_status(parent).status == "Filled"
    h.venue.trade(AAPL, 101.00, 100)  # at the limit: 100 of 300
    assert h.last_status(tp).filled == 100
    reduced = h.open_orders(sl)[-1]
    assert reduced.order.totalQuantity == 200 and h.last_status(sl).remaining == 200


def test_parent_cancel_cancels_children() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    parent, tp, sl = bracket(h, 99.00, 101.00, 98.00)
    h.engine.cancel(1, parent)
    assert [h.last_status(i).status for i in (parent, tp, sl)] == ["Cancelled"] * 3


def test_child_of_unknown_parent_is_rejected() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    child = h.place(LimitOrder("SELL", 100, 101.00, parentId=77))
    assert h.errors(child)[0][0] == 201


def _oca(h: Harness, oca_type: int) -> tuple[int, int]:
    msft = contract("MSFT")
    h.venue.quote(msft.conId, 400.00, 400.02, last=400.01)
    a = h.place(LimitOrder("BUY", 300, 99.90, ocaGroup="g", ocaType=oca_type))
    b = h.place(LimitOrder("BUY", 300, 399.90, ocaGroup="g", ocaType=oca_type), msft)
    return a, b


def test_oca_type_1_cancels_the_others_on_a_partial_fill() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    a, b = _oca(h, 1)
    h.venue.trade(AAPL, 99.90, 100)
    assert h.last_status(a).filled == 100 and h.last_status(a).status == "Submitted"
    assert h.last_status(b).status == "Cancelled"


def test_oca_type_2_reduces_the_others_proportionally() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    a, b = _oca(h, 2)
    h.venue.trade(AAPL, 99.90, 100)
    assert h.last_status(b).remaining == 200 and h.open_orders(b)[-1].order.totalQuantity == 200
    h.venue.trade(AAPL, 99.89, 10)
    assert h.last_status(a).status == "Filled"
    assert h.last_status(b).status == "Cancelled"


def test_oca_type_3_reduces_without_block_so_one_event_can_overfill() -> None:
    """Two orders of one type-3 group on the same contract both fill on one print."""
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    a = h.place(LimitOrder("BUY", 100, 99.90, ocaGroup="x", ocaType=3))
    b = h.place(LimitOrder("BUY", 100, 99.80, ocaGroup="x", ocaType=3))
    h.venue.trade(AAPL, 99.70, 500)
    assert h.last_status(a).status == "Filled" and h.last_status(b).status == "Filled"
    # With block (type 2) the second is reduced before it can fill.
    h2 = Harness()
    h2.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    c = h2.place(LimitOrder("BUY", 100, 99.90, ocaGroup="y", ocaType=2))
    d = h2.place(LimitOrder("BUY", 100, 99.80, ocaGroup="y", ocaType=2))
    h2.venue.trade(AAPL, 99.70, 500)
    assert h2.last_status(c).status == "Filled" and h2.last_status(d).status == "Cancelled"
    assert not h2.fills(d)


def test_stop_child_triggers_after_parent_fill() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    _, tp, sl = bracket(h, 100.02, 102.00, 99.50)
    h.venue.quote(AAPL, 99.48, 99.50)
    h.venue.trade(AAPL, 99.50)
    assert h.last_status(sl).status == "Filled"
    assert h.last_status(tp).status == "Cancelled"
    assert h.ledger.position(AAPL) == 0


def test_trail_child_with_order_class() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    parent = h.place(LimitOrder("BUY", 100, 100.02, transmit=False))
    trail = h.place(
        Order(action="SELL", totalQuantity=100, orderType="TRAIL", auxPrice=1.0, parentId=parent)
    )
    assert h.last_status(parent).status == "Filled"
    h.venue.trade(AAPL, 101.00)
    h.venue.trade(AAPL, 99.99)
    assert h.last_status(trail).status == "Filled"


def test_exits_work_as_far_as_the_parent_has_filled() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01, sizes=(1000,))
    parent, tp, sl = bracket(h, 99.90, 100.50, 99.00, qty=300)
    h.venue.trade(AAPL, 99.90, 100)  # the parent fills 100 of 300
    assert h.last_status(parent).filled == 100
    assert h.last_status(tp).status == "Submitted"
    h.venue.quote(AAPL, 100.60, 100.62, sizes=(1000,))  # the take-profit could do 300...
    assert h.last_status(tp).filled == 100  # ...but only 100 are bought
    assert h.last_status(sl).remaining == 200  # the stop shrank with it (OCA)
    assert h.ledger.position(AAPL) == 0


def test_cancelled_partly_filled_parent_leaves_exits_for_the_filled_part() -> None:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01, sizes=(1000,))
    parent, tp, sl = bracket(h, 99.90, 101.00, 99.00, qty=300)
    h.venue.trade(AAPL, 99.90, 100)
    h.engine.cancel(1, parent)
    assert h.last_status(parent).status == "Cancelled"
    for child in (tp, sl):
        status = h.last_status(child)
        assert status.status in ("Submitted", "PreSubmitted") and status.remaining == 100
        assert h.open_orders(child)[-1].order.totalQuantity == 100
    h.venue.quote(AAPL, 98.90, 98.92)
    h.venue.trade(AAPL, 98.95)
    assert h.last_status(sl).status == "Filled" and h.last_status(tp).status == "Cancelled"
    assert h.ledger.position(AAPL) == 0
