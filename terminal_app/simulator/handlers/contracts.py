"""Contract lookups and session basics: details, symbol search, depth exchanges, time, ids."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ib_async.objects import DepthMktDataDescription, PriceIncrement

from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.market.options import OPTION_RULES

if TYPE_CHECKING:
    from ib_async import Contract

    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.market.instruments import Instrument
    from terminal_app.simulator.protocol.codec import Request

log = logging.getLogger(__name__)

ERR_NO_SECURITY = 200
ERR_VALIDATION = 321


@handles("reqCurrentTime")
def current_time(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.send("currentTime", time=int(gw.clock.epoch()))


@handles("reqIds")
def req_ids(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    assert conn.client_id is not None
    conn.send("nextValidId", orderId=gw.next_valid_id(conn.client_id))


@handles("reqMarketDataType")
def market_data_type(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    kind = int(req["marketDataType"])
    if kind not in (1, 2, 3, 4):
        conn.error(-1, ERR_VALIDATION, f"Invalid market data type {kind}: use 1, 2, 3 or 4")
        return
    conn.market_data_type = kind


@handles("reqContractDetails")
def contract_details(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    contract = req["contract"]
    matches = gw.universe.match(contract)
    if not matches:
        conn.error(req_id, ERR_NO_SECURITY, "No security definition has been found for the request")
        return
    now = gw.clock.now()
    exchange = contract.exchange.strip().upper() or None
    for inst in matches:
        details = inst.details(now, exchange if exchange in inst.validExchanges else None)
        assert details.contract is not None
        last = details.contract.lastTradeDateOrContractMonth
        if last and details.lastTradeTime:
            last = f"{last} {details.lastTradeTime} {details.timeZoneId}"
        conn.send(
            "contractDetails",
            reqId=req_id,
            details=details,
            contract=details.contract,
            lastTradeDate=last,
        )
    conn.send("contractDetailsEnd", reqId=req_id)


@handles("reqMatchingSymbols")
def matching_symbols(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.send(
        "symbolSamples",
        reqId=int(req["reqId"]),
        descriptions=gw.universe.matching_symbols(str(req["pattern"])),
    )


@handles("reqMktDepthExchanges")
def depth_exchanges(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    seen: dict[tuple[str, str], DepthMktDataDescription] = {}
    for inst in gw.universe.instruments:
        if not inst.has_depth:
            continue
        listing = inst.primaryExchange or inst.exchange
        if listing == "SMART":
            continue
        key = (listing, inst.secType)
        if key not in seen:
            seen[key] = DepthMktDataDescription(listing, inst.secType, listing, "Deep2", 1)
    conn.send("mktDepthExchanges", descriptions=sorted(seen.values(), key=lambda d: d.exchange))


@handles("reqManagedAccts")
def managed_accounts(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.send("managedAccounts", accounts=gw.config.account)


@handles("reqMarketRule")
def market_rule(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """Price increments of a rule id from contract details: the option rules' increments change
    with the price (`OPTION_RULES`); the others have one tick size.

    An unknown id gets a rule with no increments (unverified against TWS): the request carries
    no id, so an error (reqId -1) would leave ib_async waiting out its timeout.
    """
    rule_id = int(req["marketRuleId"])
    levels = OPTION_RULES.get(rule_id)
    if levels is None:
        ticks = sorted({i.minTick for i in gw.universe.instruments if i.marketRuleId == rule_id})
        levels = ((0.0, ticks[0]),) if ticks else ()
    if not levels:
        log.info("%r: unknown market rule %d", conn, rule_id)
    increments = [PriceIncrement(lowEdge=low, increment=step) for low, step in levels]
    conn.send("marketRule", marketRuleId=rule_id, increments=increments)


def resolve(
    gw: SimulatedGateway, conn: Connection, req_id: int, contract: Contract
) -> Instrument | None:
    """The one instrument a data request names; otherwise error 200 (unknown or ambiguous)."""
    matches = gw.universe.match(contract)
    if len(matches) == 1:
        return matches[0]
    if matches:
        text = (
            f"The contract description specified for {contract.symbol} is ambiguous; "
            f"{len(matches)} contracts match"
        )
    else:
        text = "No security definition has been found for the request"
    conn.error(req_id, ERR_NO_SECURITY, text)
    return None
