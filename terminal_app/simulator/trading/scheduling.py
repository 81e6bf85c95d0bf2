"""When an order may work: its session, expiry (DAY, GTD), activation (OPG, goodAfterTime) and
algo schedule, set when it is placed, modified or restored."""

from __future__ import annotations

from datetime import datetime

from . import algos
from .ports import SessionWindow, Venue
from .times import parse_ib_time
from .working import WorkingOrder


def schedule(wo: WorkingOrder, now: datetime, venue: Venue) -> None:
    """Session, expiry time, activation time and algo for a new or modified order."""
    order = wo.order
    tif = (order.tif or "DAY").upper()
    session = session_for(wo, now, venue)
    wo.session = session
    wo.expires_at = None
    wo.activates_at = None
    wo.not_before = parse_ib_time(order.goodAfterTime, now) if order.goodAfterTime else None
    if tif == "DAY":
        wo.expires_at = session.outer_close if order.outsideRth else session.close
    elif tif == "GTD":
        wo.expires_at = parse_ib_time(order.goodTillDate, now)
    elif tif == "OPG":
        wo.activates_at = (
            session.open
            if now < session.open
            else venue.session(wo.spec.con_id, session.outer_close).open
        )
    if not order.algoStrategy:
        wo.algo = None
    elif wo.algo is None or wo.algo.params != algos.param_map(order.algoParams):
        # A modification that keeps the algo's parameters keeps its schedule.
        wo.algo = algos.build(
            order.algoStrategy, list(order.algoParams), wo.kind, now, session.close
        )


def session_for(wo: WorkingOrder, now: datetime, venue: Venue) -> SessionWindow:
    """The session the order works in now: past today's close it is the next one."""
    session = venue.session(wo.spec.con_id, now)
    if not wo.order.outsideRth and now >= session.close:
        session = venue.session(wo.spec.con_id, session.outer_close)
    return session
