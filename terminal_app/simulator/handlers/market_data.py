"""Streaming market data: L1 ticks (reqMktData), L2 depth, tick-by-tick and 5-second bars.

Each subscription turns the market's events (`QuoteChange`, `Trade`, `DepthChange`) into the tick
messages TWS sends, with IB's limits: 100 market data lines (error 101), 3 depth books (309),
3 tick-by-tick streams (10190), a reqId already streaming (322). Delayed data
(reqMarketDataType 3/4) is 15 minutes old (`delayed.py`) and uses the delayed tick ids.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from terminal_app.simulator.handlers.contracts import resolve
from terminal_app.simulator.handlers.delayed import quote_for, stream_delayed
from terminal_app.simulator.handlers.generic_ticks import (
    daily_bars,
    later,
    send_generic,
    send_mark,
    wants_mark,
)
from terminal_app.simulator.handlers.news import start_news_ticks
from terminal_app.simulator.handlers.options import greeks_line
from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.market import (
    DepthChange,
    HistoricalDataError,
    MarketEvent,
    QuoteChange,
    Trade,
)
from terminal_app.simulator.streams import DEPTH, MKT_DATA, REALTIME_BARS, TICK_BY_TICK

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.market.instruments import Instrument
    from terminal_app.simulator.protocol.codec import Request

log = logging.getLogger(__name__)

ERR_LINES = 101
ERR_DUPLICATE_ID = 322
ERR_NO_TICKER = 300
ERR_DEPTH_LIMIT = 309
ERR_NO_DEPTH = 10092
ERR_TBT_LIMIT = 10190

SNAPSHOT_PERMISSIONS = 3  # tickReqParams: what TWS answers for snapshot + streaming permissions

# Tick ids (ib_async's wrapper maps) and their delayed twins.
BID_SIZE, BID, ASK, ASK_SIZE, LAST, LAST_SIZE = 0, 1, 2, 3, 4, 5
HIGH, LOW, VOLUME, CLOSE, OPEN = 6, 7, 8, 9, 14
LOW_13W, HIGH_13W, LOW_26W, HIGH_26W, LOW_52W, HIGH_52W, AV_VOLUME = 15, 16, 17, 18, 19, 20, 21
LAST_TIMESTAMP, RT_VOLUME = 45, 48
DELAYED = {0: 69, 1: 66, 2: 67, 3: 70, 4: 68, 5: 71, 6: 72, 7: 73, 8: 74, 9: 75, 14: 76, 45: 88}


def _ok(value: float) -> bool:
    return not math.isnan(value)


@dataclass
class TickLine:
    """One reqMktData line of one client: its last sent values, so only changes go out."""

    conn: Connection
    req_id: int
    inst: Instrument
    delayed: bool
    rt_volume: bool
    sent: dict[int, float] = field(default_factory=dict)
    mark: bool = False  # generic tick 221: a mark price follows every quote and trade

    def _id(self, tick: int) -> int:
        return DELAYED.get(tick, tick) if self.delayed else tick

    def price(self, tick: int, price: float, size: float = 0.0) -> None:
        self.sent[tick] = price
        tick_type = self._id(tick)
        self.conn.send_tick(
            (self.req_id, tick_type),
            "tickPrice",
            reqId=self.req_id,
            tickType=tick_type,
            price=price,
            size=size,
            mask=0,
        )

    def size(self, tick: int, size: float) -> None:
        self.sent[tick] = size
        tick_type = self._id(tick)
        self.conn.send_tick(
            (self.req_id, tick_type), "tickSize", reqId=self.req_id, tickType=tick_type, size=size
        )

    def string(self, tick: int, value: str) -> None:
        tick_type = self._id(tick)
        self.conn.send_tick(
            (self.req_id, tick_type),
            "tickString",
            reqId=self.req_id,
            tickType=tick_type,
            value=value,
        )

    def quote(self, bid: float, ask: float, bid_size: float, ask_size: float) -> None:
        for price_tick, size_tick, price, size in (
            (BID, BID_SIZE, bid, bid_size),
            (ASK, ASK_SIZE, ask, ask_size),
        ):
            if not _ok(price) or size <= 0:
                continue  # a bid/ask with size 0 would blank the quote in ib_async
            if self.sent.get(price_tick) != price:
                self.sent[size_tick] = size
                self.price(price_tick, price, size)
            elif self.sent.get(size_tick) != size:
                self.size(size_tick, size)

    def trade(self, price: float, size: float, when: float, volume: float, vwap: float) -> None:
        self.price(LAST, price, size)
        if self.inst.has_trades:
            self.size(VOLUME, volume)
        self.string(LAST_TIMESTAMP, str(int(when)))
        if self.rt_volume:
            self.string(RT_VOLUME, _rt_volume(price, size, when, volume, vwap))
        high, low = self.sent.get(HIGH, math.nan), self.sent.get(LOW, math.nan)
        if not _ok(high) or price > high:
            self.price(HIGH, price)
        if not _ok(low) or price < low:
            self.price(LOW, price)

    def on_event(self, event: MarketEvent) -> None:
        if isinstance(event, QuoteChange):
            self.quote(event.bid, event.ask, event.bidSize, event.askSize)
        elif isinstance(event, Trade):
            self.trade(event.price, event.size, event.time, event.volume, event.vwap)
        if self.mark:
            send_mark(self)


def _rt_volume(price: float, size: float, when: float, volume: float, vwap: float) -> str:
    """Generic tick 233: `price;size;epoch ms;total volume;VWAP;single trade`."""
    return f"{price!r};{_size_text(size)};{round(when * 1000)};{_size_text(volume)};{vwap:.8f};true"


def _size_text(size: float) -> str:
    return str(int(size)) if size == int(size) else repr(size)


def _generic_ticks(text: str) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()}


def _range_stats(gw: SimulatedGateway, line: TickLine) -> None:
    """Generic tick 165: 13/26/52-week lows and highs and the average daily volume."""
    inst = line.inst
    daily = daily_bars(gw, inst, "1 Y")
    for weeks, low_tick, high_tick in (
        (13, LOW_13W, HIGH_13W),
        (26, LOW_26W, HIGH_26W),
        (52, LOW_52W, HIGH_52W),
    ):
        window = daily[-weeks * 5 :]
        if window:
            line.price(low_tick, min(b.low for b in window))
            line.price(high_tick, max(b.high for b in window))
    if inst.has_trades and daily:
        recent = daily[-90:]
        line.size(AV_VOLUME, round(sum(b.volume for b in recent) / len(recent)))


def _send_snapshot(
    gw: SimulatedGateway, line: TickLine, generic: set[str], streaming: bool
) -> None:
    q = quote_for(gw, line)
    line.quote(q.bid, q.ask, q.bidSize, q.askSize)
    if _ok(q.last):
        line.price(LAST, q.last, q.lastSize)
        line.string(LAST_TIMESTAMP, str(int(q.lastTime or q.time)))
    if line.inst.has_trades:
        line.size(VOLUME, q.volume)
    for tick, value in ((HIGH, q.high), (LOW, q.low), (CLOSE, q.prevClose), (OPEN, q.open)):
        if _ok(value):
            line.price(tick, value)
    if "233" in generic and _ok(q.last):
        line.string(
            RT_VOLUME, _rt_volume(q.last, q.lastSize, q.lastTime or q.time, q.volume, q.vwap)
        )
    if "165" in generic:
        if streaming:
            later(line, lambda: _range_stats(gw, line))
        else:
            _range_stats(gw, line)
    send_generic(gw, line, generic, streaming)


def _announce_type(gw: SimulatedGateway, conn: Connection, req_id: int, inst: Instrument) -> bool:
    """Send marketDataType for the line; returns whether the data is delayed."""
    kind = conn.market_data_type
    open_now = gw.market.is_open(inst.conId)
    if kind in (2, 4) and open_now:
        kind -= 1  # frozen data switches to live/delayed while the market is open
    conn.send("marketDataType", reqId=req_id, marketDataType=kind)
    return kind in (3, 4)


@handles("reqMktData")
def req_mkt_data(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if not _new_stream_id(conn, req_id):
        return
    snapshot = bool(req["snapshot"] or req["regulatorySnapshot"])
    if not snapshot and conn.count(MKT_DATA) >= gw.config.max_market_data_lines:
        conn.error(
            req_id,
            ERR_LINES,
            f"Max number of tickers has been reached ({gw.config.max_market_data_lines})",
        )
        return
    inst = resolve(gw, conn, req_id, req["contract"])
    if inst is None:
        return
    generic = _generic_ticks(req["genericTickList"])
    conn.send(
        "tickReqParams",
        reqId=req_id,
        minTick=inst.minTick,
        bboExchange=inst.exchange,
        snapshotPermissions=SNAPSHOT_PERMISSIONS,
    )
    delayed = _announce_type(gw, conn, req_id, inst)
    news = None if snapshot else start_news_ticks(gw, conn, req_id, inst, generic)
    if news is not None and "mdoff" in generic:  # headlines only, no market data
        conn.subscribe(req_id, MKT_DATA, news)
        return
    line = TickLine(conn, req_id, inst, delayed, "233" in generic, mark=wants_mark(generic))
    _send_snapshot(gw, line, generic, streaming=not snapshot)
    greeks = greeks_line(gw, conn, req_id, inst, delayed)
    if greeks is not None:
        greeks.send()
    if snapshot:
        conn.send("tickSnapshotEnd", reqId=req_id)
        return
    if delayed and greeks is None:
        quotes = stream_delayed(gw, line)
    else:  # an option's quote and greeks follow its underlying live (delayed: ticks 66-, 80-)
        on_event = line.on_event if greeks is None else greeks.wrap(line.on_event)
        quotes = gw.market.subscribe(inst.conId, on_event)
    conn.subscribe(req_id, MKT_DATA, quotes if news is None else _together(quotes, news))


def _together(*stops: Callable[[], None]) -> Callable[[], None]:
    def stop_all() -> None:
        for stop in stops:
            stop()

    return stop_all


@handles("cancelMktData")
def cancel_mkt_data(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    _cancel(conn, int(req["reqId"]), MKT_DATA)


def _new_stream_id(conn: Connection, req_id: int) -> bool:
    """False (and TWS's error 322) when `req_id` already names a stream of this client: the
    running stream is kept, not replaced."""
    if req_id not in conn.subscriptions:
        return True
    log.warning("%r: reqId %d is already streaming", conn, req_id)
    conn.error(req_id, ERR_DUPLICATE_ID, "Error processing request. Duplicate ticker id")
    return False


def _cancel(conn: Connection, req_id: int, kind: str) -> None:
    if not conn.unsubscribe(req_id, kind):
        log.info("%r: cancel of unknown %s reqId %d", conn, kind, req_id)
        conn.error(req_id, ERR_NO_TICKER, f"Can't find EId with tickerId:{req_id}")


# ---------------------------------------------------------------- depth


@dataclass
class DepthLine:
    conn: Connection
    req_id: int
    rows: int
    smart: bool
    exchange: str

    def send(self, position: int, operation: int, side: int, price: float, size: float) -> None:
        if self.smart:
            self.conn.send(
                "updateMktDepthL2",
                reqId=self.req_id,
                position=position,
                marketMaker=self.exchange,
                operation=operation,
                side=side,
                price=price,
                size=size,
                isSmartDepth=True,
            )
        else:
            self.conn.send(
                "updateMktDepth",
                reqId=self.req_id,
                position=position,
                operation=operation,
                side=side,
                price=price,
                size=size,
            )

    def on_event(self, event: MarketEvent) -> None:
        if isinstance(event, DepthChange):
            for op in event.ops:
                # The book diffs per position: rows beyond ours change only at the tail.
                if op.position < self.rows:
                    self.send(op.position, op.operation, op.side, op.price, op.size)


@handles("reqMktDepth")
def req_mkt_depth(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if not _new_stream_id(conn, req_id):
        return
    if conn.count(DEPTH) >= gw.config.max_depth_subscriptions:
        conn.error(
            req_id,
            ERR_DEPTH_LIMIT,
            f"Max number ({gw.config.max_depth_subscriptions}) "
            "of market depth requests has been reached",
        )
        return
    inst = resolve(gw, conn, req_id, req["contract"])
    if inst is None:
        return
    if not inst.has_depth:
        conn.error(
            req_id,
            ERR_NO_DEPTH,
            "Deep market data is not supported for this "
            f"combination of security type/exchange ({inst.secType}/{inst.exchange})",
        )
        return
    rows = max(1, min(int(req["numRows"]), 50))
    line = DepthLine(
        conn, req_id, rows, bool(req["isSmartDepth"]), inst.primaryExchange or inst.exchange
    )
    unsubscribe = gw.market.subscribe(inst.conId, line.on_event, depth=True)
    bids, asks = gw.market.depth(inst.conId, rows)
    for side, levels in ((0, asks), (1, bids)):
        for position, level in enumerate(levels):
            line.send(position, 0, side, level.price, level.size)
    conn.subscribe(req_id, DEPTH, unsubscribe)


@handles("cancelMktDepth")
def cancel_mkt_depth(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    _cancel(conn, int(req["reqId"]), DEPTH)


# ---------------------------------------------------------------- tick-by-tick


TBT_TYPES = {"Last": 1, "AllLast": 2, "BidAsk": 3, "MidPoint": 4}


@dataclass
class TickByTickLine:
    conn: Connection
    req_id: int
    kind: int
    ignore_size: bool
    exchange: str
    last_bid_ask: tuple[float, float, float, float] | None = None
    last_mid: float | None = None

    def last(self, when: float, price: float, size: float) -> None:
        self.conn.send(
            "tickByTickLast",
            reqId=self.req_id,
            tickType=self.kind,
            time=int(when),
            price=price,
            size=size,
            mask=0,
            exchange=self.exchange,
            specialConditions="",
        )

    def bid_ask(
        self, when: float, bid: float, ask: float, bid_size: float, ask_size: float
    ) -> None:
        key = (bid, ask, 0.0, 0.0) if self.ignore_size else (bid, ask, bid_size, ask_size)
        if key == self.last_bid_ask:
            return
        self.last_bid_ask = key
        self.conn.send(
            "tickByTickBidAsk",
            reqId=self.req_id,
            time=int(when),
            bidPrice=bid,
            askPrice=ask,
            bidSize=bid_size,
            askSize=ask_size,
            mask=0,
        )

    def mid(self, when: float, bid: float, ask: float) -> None:
        mid = round((bid + ask) / 2, 10)
        if mid != self.last_mid:
            self.last_mid = mid
            self.conn.send("tickByTickMidPoint", reqId=self.req_id, time=int(when), midPoint=mid)

    def on_event(self, event: MarketEvent) -> None:
        if isinstance(event, Trade):
            if self.kind in (1, 2):
                self.last(event.time, event.price, event.size)
        elif isinstance(event, QuoteChange) and _ok(event.bid) and _ok(event.ask):
            if self.kind == 3:
                self.bid_ask(event.time, event.bid, event.ask, event.bidSize, event.askSize)
            elif self.kind == 4:
                self.mid(event.time, event.bid, event.ask)


@handles("reqTickByTickData")
def req_tick_by_tick(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if not _new_stream_id(conn, req_id):
        return
    kind = TBT_TYPES.get(str(req["tickType"]))
    if kind is None:
        conn.error(
            req_id,
            10189,
            f"Failed to request tick-by-tick data: unknown tick type {req['tickType']!r}",
        )
        return
    if conn.count(TICK_BY_TICK) >= gw.config.max_tick_by_tick:
        conn.error(req_id, ERR_TBT_LIMIT, "Max number of tick-by-tick requests has been reached.")
        return
    inst = resolve(gw, conn, req_id, req["contract"])
    if inst is None:
        return
    line = TickByTickLine(
        conn, req_id, kind, bool(req["ignoreSize"]), inst.primaryExchange or inst.exchange
    )
    count = int(req["numberOfTicks"])
    if count > 0:
        _replay_ticks(gw, line, inst, count)
    q = gw.market.quote(inst.conId)
    if _ok(q.bid) and _ok(q.ask):
        if kind == 3:
            line.bid_ask(q.time, q.bid, q.ask, q.bidSize, q.askSize)
        elif kind == 4:
            line.mid(q.time, q.bid, q.ask)
    conn.subscribe(req_id, TICK_BY_TICK, gw.market.subscribe(inst.conId, line.on_event))


def _replay_ticks(gw: SimulatedGateway, line: TickByTickLine, inst: Instrument, count: int) -> None:
    """numberOfTicks > 0: the most recent ticks first, then the live stream."""
    what = {1: "TRADES", 2: "TRADES", 3: "BID_ASK", 4: "MIDPOINT"}[line.kind]
    try:
        rows = cast(
            "list[Any]", gw.market.historical_ticks(inst.conId, None, None, count, what, False)
        )
    except Exception as exc:
        log.info("%r: no tick history for %s: %s", line.conn, inst.localSymbol, exc)
        return
    for row in rows:
        when = row.time.timestamp()
        if line.kind in (1, 2):
            line.last(when, row.price, row.size)
        elif line.kind == 3:
            line.bid_ask(
                when,
                row.priceBid,
                row.priceAsk,
                row.sizeBid,
                row.sizeAsk,
            )
        else:
            line.last_mid = None
            line.conn.send(
                "tickByTickMidPoint", reqId=line.req_id, time=int(when), midPoint=row.price
            )


@handles("cancelTickByTickData")
def cancel_tick_by_tick(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    _cancel(conn, int(req["reqId"]), TICK_BY_TICK)


# ---------------------------------------------------------------- 5-second bars


@handles("reqRealTimeBars")
def req_real_time_bars(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if not _new_stream_id(conn, req_id):
        return
    inst = resolve(gw, conn, req_id, req["contract"])
    if inst is None:
        return
    what = str(req["whatToShow"]).upper()
    if what not in ("TRADES", "MIDPOINT", "BID", "ASK"):
        conn.error(req_id, 321, f"Error validating request: invalid whatToShow {what!r}")
        return
    if int(req["barSize"]) != 5:
        log.info(
            "%r: realtime bar size %s served as 5 s (the only size TWS supports)",
            conn,
            req["barSize"],
        )
    stream = RealtimeBars(gw, conn, req_id, inst, what, bool(req["useRTH"]))
    conn.subscribe(req_id, REALTIME_BARS, conn.repeat(stream.step, 0.0, f"5s bars {req_id}").cancel)


@dataclass
class RealtimeBars:
    """Sends each 5-second bar once the simulated clock has passed its end."""

    gw: SimulatedGateway
    conn: Connection
    req_id: int
    inst: Instrument
    what: str
    rth: bool
    bar_start: int = -1

    def step(self) -> float | None:
        clock = self.gw.clock
        now = clock.epoch()
        if self.bar_start < 0:
            self.bar_start = int(now) // 5 * 5
        # A fast clock or a stalled loop: skip ahead rather than flood old bars.
        if now - self.bar_start > 60:
            self.bar_start = int(now) // 5 * 5 - 5
        while now >= self.bar_start + 5:
            if not self._send(self.bar_start):
                return None
            self.bar_start += 5
        wait = clock.real_seconds_until(self.bar_start + 5)
        return min(wait, 1.0) if math.isfinite(wait) else 1.0

    def _send(self, start: int) -> bool:
        market = self.gw.market
        if self.rth and not market.is_open(self.inst.conId, rth=True, t=start):
            return True
        try:
            bar = market.realtime_bar(self.inst.conId, start, self.what)
        except HistoricalDataError as exc:
            self.conn.error(self.req_id, exc.code, exc.message)
            return False
        if bar is not None:
            self.conn.send("realtimeBar", reqId=self.req_id, time=start, bar=bar)
        return True


@handles("cancelRealTimeBars")
def cancel_real_time_bars(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    _cancel(conn, int(req["reqId"]), REALTIME_BARS)
