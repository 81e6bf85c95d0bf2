"""Option requests: chains (reqSecDefOptParams), the two calculators, and the greeks that stream
with an option's market data (``tickOptionComputation`` for bid, ask, last and model)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from terminal_app.simulator.handlers.contracts import ERR_VALIDATION, resolve
from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.market.events import Callback, MarketEvent, QuoteChange
from terminal_app.simulator.market.option_quotes import Computation, OptionMarket
from terminal_app.simulator.market.options import OptionInstrument, last_trade_day, option_classes

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.market.instruments import Instrument
    from terminal_app.simulator.protocol.codec import Request

log = logging.getLogger(__name__)

CUSTOM_COMPUTATION = 53  # IB's tick type for the calculators' answers
PRICE_BASED = 1  # tickAttrib: the volatility is implied by a price
DELAYED_GREEKS = {10: 80, 11: 81, 12: 82, 13: 83}
UNSET_PRICE, UNSET_GREEK = -1.0, -2.0  # what IB sends for a value it could not compute


@handles("reqSecDefOptParams")
def sec_def_opt_params(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """One message per trading class and exchange, then the end. No options listed (a future's
    options, or an unknown underlying): the end message only, as TWS answers."""
    req_id = int(req["reqId"])
    con_id = int(req["underlyingConId"])
    symbol = str(req["underlyingSymbol"]).strip().upper()
    sec_type = str(req["underlyingSecType"]).strip().upper()
    if not str(req["futFopExchange"]).strip():
        for under in gw.universe.instruments:
            if con_id and under.conId != con_id:
                continue
            if (symbol and under.symbol != symbol) or (sec_type and under.secType != sec_type):
                continue
            for cls in option_classes(under):
                dates, strikes = gw.market.options.chains.listing(cls, gw.clock.epoch())
                expirations = sorted({f"{last_trade_day(cls, d):%Y%m%d}" for d in dates})
                for exchange in cls.exchanges:
                    conn.send(
                        "securityDefinitionOptionParameter",
                        reqId=req_id,
                        exchange=exchange,
                        underlyingConId=under.conId,
                        tradingClass=cls.trading_class,
                        multiplier="100",
                        expirations=expirations,
                        strikes=strikes,
                    )
    conn.send("securityDefinitionOptionParameterEnd", reqId=req_id)


def _option(gw: SimulatedGateway, conn: Connection, req: Request) -> OptionInstrument | None:
    req_id = int(req["reqId"])
    inst = resolve(gw, conn, req_id, req["contract"])
    if inst is None:
        return None
    option = gw.market.options.get(inst.conId)
    if option is None:
        conn.error(
            req_id, ERR_VALIDATION, f"Error validating request: {inst.localSymbol} is not an option"
        )
    return option


Calculation = Callable[[OptionMarket, OptionInstrument, float, float], Computation]


def _calculate(gw: SimulatedGateway, conn: Connection, req: Request, compute: Calculation) -> None:
    """Answer a calculator request with ``compute(options, option, spot, years)`` (tick 53);
    an underlying price of 0 means the simulated one."""
    option = _option(gw, conn, req)
    if option is None:
        return
    options = gw.market.options
    given = float(req["underPrice"])
    spot = given if given > 0 else options.spot(option)
    comp = compute(options, option, spot, options.years(option))
    _send(conn, int(req["reqId"]), CUSTOM_COMPUTATION, comp)


@handles("calculateImpliedVolatility")
def implied_volatility(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    price = float(req["optionPrice"])
    _calculate(
        gw, conn, req, lambda om, option, spot, years: om.computation(option, price, spot, years)
    )


@handles("calculateOptionPrice")
def option_price(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    vol = float(req["volatility"])
    _calculate(gw, conn, req, lambda om, option, spot, years: om.at_vol(option, vol, spot, years))


@handles("cancelCalculateImpliedVolatility", "cancelCalculateOptionPrice")
def cancel_calculation(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """The calculators answer at once: nothing is left to cancel."""


def _send(conn: Connection, req_id: int, tick_type: int, comp: Computation) -> None:
    g = comp.greeks
    conn.send_tick(
        (req_id, tick_type),
        "tickOptionComputation",
        reqId=req_id,
        tickType=tick_type,
        tickAttrib=PRICE_BASED,
        impliedVol=UNSET_PRICE if comp.implied_vol is None else comp.implied_vol,
        delta=UNSET_GREEK if g is None else g.delta,
        optPrice=UNSET_PRICE if comp.opt_price is None else comp.opt_price,
        pvDividend=UNSET_PRICE if g is None else g.pv_dividend,
        gamma=UNSET_GREEK if g is None else g.gamma,
        vega=UNSET_GREEK if g is None else g.vega,
        theta=UNSET_GREEK if g is None else g.theta,
        undPrice=comp.und_price,
    )


@dataclass
class GreeksLine:
    """The greeks of one option market-data line: sent with the snapshot and again whenever the
    option's quote changes (only the computations that changed)."""

    gw: SimulatedGateway
    conn: Connection
    req_id: int
    option: OptionInstrument
    delayed: bool
    sent: dict[int, Computation] = field(default_factory=dict)

    def send(self) -> None:
        options = self.gw.market.options
        for tick, comp in options.computations(self.option, options.quote(self.option)).items():
            if self.sent.get(tick) == comp:
                continue
            self.sent[tick] = comp
            _send(self.conn, self.req_id, DELAYED_GREEKS[tick] if self.delayed else tick, comp)

    def wrap(self, on_event: Callback) -> Callback:
        def forward(event: MarketEvent) -> None:
            on_event(event)
            if isinstance(event, QuoteChange):
                self.send()

        return forward


def greeks_line(
    gw: SimulatedGateway, conn: Connection, req_id: int, inst: Instrument, delayed: bool
) -> GreeksLine | None:
    """The greeks stream of a reqMktData line, or None when ``inst`` is not an option."""
    option = gw.market.options.get(inst.conId)
    return None if option is None else GreeksLine(gw, conn, req_id, option, delayed)
