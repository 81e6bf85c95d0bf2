"""Requests for services the simulated paper account has no data for: fundamentals, option
exercise, FA, WSH, display groups, soft-dollar tiers, family codes, user info.

Each gets what TWS sends an account with no data or no permission for it: an empty answer, or
the error TWS sends with the request's own id, so no client call waits forever. Requests that
carry no id get a reply, since an error with reqId -1 ends no ib_async request. The table in
`terminal_app/simulator/REQUESTS.md` lists them all. Scanners and news: `scanner.py`, `news.py`.
"""

from __future__ import annotations

import logging
from collections import Counter
from types import SimpleNamespace
from typing import TYPE_CHECKING

from terminal_app.simulator.handlers.contracts import resolve
from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.market import HistoricalDataError

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.protocol.codec import Request

log = logging.getLogger(__name__)

ERR_VALIDATION = 321
ERR_NO_FUNDAMENTALS = 430
ERR_WSH_META = 10279
ERR_WSH_EVENTS = 10283

DISPLAY_GROUPS = "1|2|3|4|5|6|7"  # TWS's seven colour groups
# IB's one-letter codes of the venues SMART routes US stocks to (reqSmartComponents).
VENUE_LETTERS = {"NYSE": "N", "NASDAQ": "Q", "ARCA": "P", "AMEX": "A", "BATS": "Z", "IEX": "V"}
NO_FA = "Error validating request.-'bI' : cause - FA data operations ignored for non FA customers."


def _nothing(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """TWS sends nothing back for these (cancels, subscriptions with nothing to say yet)."""


handles(
    "setServerLogLevel",
    "cancelFundamentalData",
    "updateDisplayGroup",
    "unsubscribeFromGroupEvents",
    "cancelPositionsMulti",
    "cancelHistogramData",
    "cancelWshMetaData",
    "cancelWshEventData",
)(_nothing)


@handles("reqFundamentalData")
def fundamental_data(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if resolve(gw, conn, req_id, req["contract"]) is not None:
        conn.error(
            req_id,
            ERR_NO_FUNDAMENTALS,
            "We are sorry, but fundamentals data for the security specified is not available.",
        )


@handles("exerciseOptions")
def exercise_options(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """Early exercise is not simulated (held options settle at expiry): refused with 321."""
    req_id = int(req["reqId"])
    inst = resolve(gw, conn, req_id, req["contract"])
    if inst is not None:
        cause = "exercise is not simulated" if inst.secType == "OPT" else "not an option"
        conn.error(
            req_id, ERR_VALIDATION, f"Error validating request.-'{req.name}' : cause - {cause}"
        )


@handles("requestFA")
def request_fa(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """TWS refuses FA requests from a non-FA account, with no id (the request has none)."""
    conn.error(-1, ERR_VALIDATION, NO_FA)


@handles("replaceFA")
def replace_fa(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.error(int(req["reqId"]), ERR_VALIDATION, NO_FA)


@handles("queryDisplayGroups")
def display_groups(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.send("displayGroupList", reqId=int(req["reqId"]), groups=DISPLAY_GROUPS)


@handles("subscribeToGroupEvents")
def group_events(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """The group's current contract: none ("") in a TWS nobody clicks in."""
    conn.send("displayGroupUpdated", reqId=int(req["reqId"]), contractInfo="")


@handles("reqPositionsMulti")
def positions_multi(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    for pos in gw.ledger.positions():
        conn.send(
            "positionMulti",
            reqId=req_id,
            account=pos.account,
            contract=pos.contract,
            position=pos.position,
            avgCost=pos.avgCost,
            modelCode=str(req["modelCode"]),
        )
    conn.send("positionMultiEnd", reqId=req_id)


@handles("reqSoftDollarTiers")
def soft_dollar_tiers(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.send("softDollarTiers", reqId=int(req["reqId"]), tiers=[])


@handles("reqFamilyCodes")
def family_codes(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    codes = [SimpleNamespace(accountID=gw.config.account, familyCodeStr="")]
    conn.send("familyCodes", codes=codes)


@handles("reqSmartComponents")
def smart_components(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """The venues behind a bboExchange (tickReqParams); unknown ones have none."""
    bbo = str(req["bboExchange"])
    venues = sorted(
        {
            inst.primaryExchange
            for inst in gw.universe.instruments
            if inst.exchange == bbo and inst.primaryExchange in VENUE_LETTERS
        }
    )
    components = [
        SimpleNamespace(bitNumber=bit, exchange=venue, exchangeLetter=VENUE_LETTERS[venue])
        for bit, venue in enumerate(venues)
    ]
    conn.send("smartComponents", reqId=int(req["reqId"]), components=components)


@handles("reqWshMetaData")
def wsh_meta_data(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.error(int(req["reqId"]), ERR_WSH_META, "Failed to request WSH metadata: no subscription")


@handles("reqWshEventData")
def wsh_event_data(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.error(
        int(req["reqId"]), ERR_WSH_EVENTS, "Failed to request WSH event data: no subscription"
    )


@handles("reqUserInfo")
def user_info(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.send("userInfo", reqId=int(req["reqId"]), whiteBrandingId="")


# A histogram period ("3 days", "1 week") as a history duration ("3 D", "1 W").
_PERIOD_UNITS = {"day": "D", "days": "D", "week": "W", "weeks": "W", "month": "M", "months": "M"}


@handles("reqHistogramData")
def histogram_data(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """Volume at price over the period, from 5-minute bars (bar counts for untraded FX)."""
    req_id = int(req["reqId"])
    inst = resolve(gw, conn, req_id, req["contract"])
    if inst is None:
        return
    count, _, unit = str(req["timePeriod"]).strip().partition(" ")
    if not count.isdigit() or unit.lower() not in _PERIOD_UNITS:
        conn.error(req_id, ERR_VALIDATION, f"Error validating request: period {count} {unit}")
        return
    what = "TRADES" if inst.has_trades else "MIDPOINT"
    try:
        bars = gw.market.bars(
            inst.conId,
            None,
            f"{count} {_PERIOD_UNITS[unit.lower()]}",
            "5 mins",
            what,
            bool(req["useRTH"]),
        )
    except HistoricalDataError as exc:
        conn.error(req_id, exc.code, exc.message)
        return
    at_price: Counter[float] = Counter()
    for bar in bars:
        price = round(round(bar.close / inst.minTick) * inst.minTick, 10)
        at_price[price] += int(bar.volume) if inst.has_trades else 1
    items = [SimpleNamespace(price=p, count=n) for p, n in sorted(at_price.items())]
    conn.send("histogramData", reqId=req_id, items=items)
