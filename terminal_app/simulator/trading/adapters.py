"""The simulator's market and ledger seen through the engine's ports (`ports.py`)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from terminal_app.simulator.market.calendar import next_session, session_on
from terminal_app.simulator.market.instruments import Instrument

from .ports import InstrumentSpec, SessionWindow


def spec_of(inst: Instrument) -> InstrumentSpec:
    """Order-relevant facts; the allowed order types are those TWS lists in contract details."""
    listed = inst.details().orderTypes
    return InstrumentSpec(
        con_id=inst.conId,
        symbol=inst.symbol,
        sec_type=inst.secType,
        currency=inst.currency,
        exchange=inst.primaryExchange or inst.exchange,
        min_tick=Decimal(repr(inst.minTick)),
        multiplier=Decimal(repr(inst.multiplier)),
        tradable=inst.secType != "IND",
        order_types=frozenset(listed.split(",")) if listed else frozenset({"NONE"}),
    )


def session_window(inst: Instrument, at: datetime) -> SessionWindow:
    """The session an order placed at `at` belongs to. Stocks work in RTH unless outsideRth;
    futures and forex trade their whole session (their liquid hours matter to data, not orders)."""
    full = next_session(inst.sessions, at.timestamp(), rth=False)
    regular = session_on(inst.sessions, full.trade_date, True) if inst.secType == "STK" else None
    bounds = regular or full
    return SessionWindow(
        open=_utc(bounds.start),
        close=_utc(bounds.end),
        outer_open=_utc(full.start),
        outer_close=_utc(full.end),
    )


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
