"""IB algos: TWAP/VWAP/ArrivalPx slicing over time, Adaptive aggressiveness, rejections."""

from __future__ import annotations

from ib_async import LimitOrder, MarketOrder, Order, TagValue

from tests.simulator.test_trading_harness import AAPL, Harness

DEEP = (5000, 5000, 5000)


def algo(order: Order, strategy: str, **params: str) -> Order:
    order.algoStrategy = strategy
    order.algoParams = [TagValue(k, v) for k, v in params.items()]
    return order


def market() -> Harness:
    h = Harness("2026-11-24 10:00")
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01, sizes=DEEP)
    return h


def test_twap_slices_evenly_between_start_and_end() -> None:
    h = market()
    oid = h.place(
        algo(
            MarketOrder("BUY", 1000),
            "Twap",
            strategyType="Marketable",
            startTime="10:00:00 US/Eastern",
            endTime="10:10:00 US/Eastern",
        )
    )
    cumulative = [h.last_status(oid).filled]
    for _ in range(20):
        h.advance(30)
        cumulative.append(h.last_status(oid).filled)
    assert cumulative[0] == 50  # the first slice goes at once
    assert cumulative[10] == 550  # on schedule half way
    assert cumulative[-1] == 1000 and h.last_status(oid).status == "Filled"
    assert len(h.fills(oid)) == 20  # one child execution per slice, all on the parent order
    assert all(f.execution.orderId == oid for f in h.fills(oid))


def test_twap_without_allow_past_end_cancels_the_rest_at_end_time() -> None:
    h = market()
    oid = h.place(algo(LimitOrder("BUY", 1000, 99.00), "Twap", endTime="10:05:00 US/Eastern"))
    h.advance(300)
    assert h.last_status(oid).status == "Cancelled" and not h.fills(oid)


def test_vwap_respects_max_pct_vol() -> None:
    h = market()
    oid = h.place(
        algo(
            MarketOrder("BUY", 1000),
            "Vwap",
            maxPctVol="0.1",
            startTime="10:00:00 US/Eastern",
            endTime="10:10:00 US/Eastern",
            allowPastEndTime="1",
        )
    )
    assert h.last_status(oid).filled == 0  # nothing traded yet: nothing allowed
    for _ in range(10):
        h.clock.advance(60)
        h.venue.trade(AAPL, 100.01, 500)
    assert h.last_status(oid).filled == 500  # 10% of 5000
    h.advance(60)
    for _ in range(20):
        h.venue.trade(AAPL, 100.01, 5000)
    assert h.last_status(oid).status == "Filled"  # past the end, allowed to finish


def test_vwap_follows_the_volume_profile() -> None:
    h = market()
    oid = h.place(
        algo(MarketOrder("BUY", 1000), "Vwap", startTime="10:00:00", endTime="11:00:00 US/Eastern")
    )
    h.advance(900)
    assert h.last_status(oid).filled == 250  # the test venue's profile is flat


def test_arrival_price_front_loads_with_higher_urgency() -> None:
    done = {}
    for aversion in ("Get Done", "Passive"):
        h = market()
        oid = h.place(
            algo(
                MarketOrder("BUY", 1000),
                "ArrivalPx",
                riskAversion=aversion,
                endTime="10:20:00 US/Eastern",
            )
        )
        h.advance(300)
        done[aversion] = h.last_status(oid).filled
    assert done["Get Done"] > done["Passive"] > 0


def test_adaptive_priority_sets_aggressiveness() -> None:
    urgent = market()
    u = urgent.place(algo(LimitOrder("BUY", 100, 100.10), "Adaptive", adaptivePriority="Urgent"))
    assert urgent.fills(u)[0].execution.price == 100.02
    patient = market()
    p = patient.place(algo(LimitOrder("BUY", 100, 100.10), "Adaptive", adaptivePriority="Patient"))
    assert not patient.fills(p)
    patient.venue.trade(AAPL, 100.01)  # above its bid-pegged price: nothing
    assert not patient.fills(p)
    patient.advance(20 * 60)  # walks across the spread over time
    assert patient.fills(p)[0].execution.price == 100.02


def test_bad_algos_are_rejected_ib_style() -> None:
    h = market()
    cases = [
        algo(MarketOrder("BUY", 100), "Sniper"),
        algo(MarketOrder("BUY", 100), "Vwap", maxPctVol="0.9"),
        algo(MarketOrder("BUY", 100), "Twap", bogus="1"),
        algo(MarketOrder("BUY", 100), "Adaptive", adaptivePriority="Fast"),
        algo(MarketOrder("BUY", 100), "Twap", startTime="10:30:00", endTime="10:20:00"),
        algo(Order(action="BUY", totalQuantity=100, orderType="STP", auxPrice=101), "Twap"),
    ]
    for order in cases:
        oid = h.place(order)
        code, text = h.errors(oid)[0]
        assert code == 201 and text.startswith("Order rejected - reason:")
    assert not h.engine.open_orders()


def test_twap_matching_same_side_posts_passively() -> None:
    h = market()
    oid = h.place(
        algo(
            MarketOrder("BUY", 1000),
            "Twap",
            strategyType="Matching Same Side",
            endTime="10:10:00 US/Eastern",
        )
    )
    assert not h.fills(oid)  # resting on the bid, not crossing the spread
    h.venue.trade(AAPL, 100.00, 500)
    assert [(f.execution.shares, f.execution.price) for f in h.fills(oid)] == [(50, 100.00)]
    h.advance(300)
    h.venue.trade(AAPL, 99.99, 5000)  # through its price: catches up with the schedule
    assert h.last_status(oid).filled == 550
    assert h.fills(oid)[-1].execution.price == 100.00


def test_modifying_an_algo_keeps_its_schedule() -> None:
    h = market()
    order = algo(MarketOrder("BUY", 1000), "Twap", endTime="10:10:00 US/Eastern")
    oid = h.place(order)
    h.advance(300)
    assert h.last_status(oid).filled == 550
    order.orderId, order.totalQuantity = oid, 2000
    h.place(order)  # same id, same parameters: a bigger order on the same clock
    h.advance(30)
    assert h.last_status(oid).filled == 1200  # 12 of 20 slices of 2000
    order.algoParams = [TagValue("endTime", "10:20:00 US/Eastern")]
    h.place(order)  # new parameters: a new schedule from now
    h.advance(30)
    assert h.last_status(oid).filled == 1200  # 2 of 20 slices of 2000 are long done
