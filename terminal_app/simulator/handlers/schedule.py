"""reqHistoricalData with whatToShow SCHEDULE (ib_async's `reqHistoricalSchedule`): the sessions
of the last N trade dates, in the exchange's time zone, as TWS sends them (message 106)."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING

from terminal_app.simulator.market.calendar import sessions_between

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.market.instruments import Instrument

ERR_VALIDATION = 321
DAY = 86400.0


def send_schedule(
    gw: SimulatedGateway,
    conn: Connection,
    req_id: int,
    inst: Instrument,
    end: datetime | None,
    duration: str,
    rth: bool,
) -> None:
    count, _, unit = duration.strip().partition(" ")
    if not count.isdigit() or unit.strip().upper() != "D" or int(count) < 1:
        conn.error(
            req_id, ERR_VALIDATION, f"Error validating request: schedule duration {duration!r}"
        )
        return
    days = int(count)
    end_t = (end or gw.clock.now()).timestamp()
    spec = inst.sessions
    found = sessions_between(spec, end_t - DAY * (days * 1.5 + 7), end_t, rth)[-days:]

    def text(t: float) -> str:
        return f"{datetime.fromtimestamp(t, spec.tz):%Y%m%d-%H:%M:%S}"

    sessions = [
        SimpleNamespace(start=text(s.start), end=text(s.end), refDate=f"{s.trade_date:%Y%m%d}")
        for s in found
    ]
    conn.send(
        "historicalSchedule",
        reqId=req_id,
        start=sessions[0].start if sessions else text(end_t),
        end=sessions[-1].end if sessions else text(end_t),
        timeZone=spec.timeZoneId,
        sessions=sessions,
    )
