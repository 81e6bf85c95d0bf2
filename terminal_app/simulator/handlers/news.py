"""News: providers, historical headlines, articles, headline ticks (generic tick 292) and
bulletins."""

from __future__ import annotations

import logging
import math
import weakref
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from ib_async.util import parseIBDatetime

from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.market import MarketEvent, QuoteChange, Trade
from terminal_app.simulator.market.calendar import session_at
from terminal_app.simulator.news import PROVIDERS, NewsDesk, Story, provider_codes
from terminal_app.simulator.news.bulletins import bulletin, bulletin_time, next_bulletin_date
from terminal_app.simulator.news.stories import NEW_YORK, level_price, move_story, threshold_pct
from terminal_app.simulator.streams import NEWS

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.market import Market
    from terminal_app.simulator.market.instruments import Instrument
    from terminal_app.simulator.protocol.codec import Request

log = logging.getLogger(__name__)

ERR_NO_SECURITY = 200
ERR_VALIDATION = 321
ERR_NEWS_ARTICLE = 10172  # "Failed to request news article" (IB's error list; unverified)
BULLETINS_KEY = -12  # the bulletin feed's slot in Connection.subscriptions (it has no reqId)
NEWS_TICK = "292"

_desks: weakref.WeakKeyDictionary[Market, NewsDesk] = weakref.WeakKeyDictionary()


def desk(gw: SimulatedGateway) -> NewsDesk:
    found = _desks.get(gw.market)
    if found is None:
        found = _desks[gw.market] = NewsDesk(gw.market)
    return found


@handles("reqNewsProviders")
def news_providers(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.send("newsProviders", providers=list(PROVIDERS))


def _when(text: str, default: float) -> float:
    """A reqHistoricalNews bound: empty = `default`; zone-less times are New York time, as TWS
    takes them in its login zone."""
    text = text.strip()
    if not text:
        return default
    parsed = parseIBDatetime(text)
    if not isinstance(parsed, datetime):
        parsed = datetime(parsed.year, parsed.month, parsed.day)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=NEW_YORK)
    return parsed.timestamp()


def _news_time(t: float) -> str:
    """`YYYY-MM-DD HH:MM:SS.0` as TWS sends headline times (taken here in UTC)."""
    return f"{datetime.fromtimestamp(t, UTC):%Y-%m-%d %H:%M:%S}.0"


@handles("reqHistoricalNews")
def historical_news(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    inst = gw.universe.get(int(req["conId"]))
    if inst is None:
        conn.error(req_id, ERR_NO_SECURITY, "No security definition has been found for the request")
        return
    try:
        end = _when(str(req["endDateTime"]), gw.clock.epoch())
        start = _when(str(req["startDateTime"]), -math.inf)
    except (ValueError, KeyError) as exc:
        conn.error(req_id, ERR_VALIDATION, f"Error validating request: invalid date ({exc})")
        return
    codes = provider_codes(str(req["providerCodes"]))
    stories, more = desk(gw).headlines(inst, codes, start, end, int(req["totalResults"]))
    for story in stories:
        conn.send(
            "historicalNews",
            reqId=req_id,
            time=_news_time(story.time),
            providerCode=story.provider,
            articleId=story.article_id,
            headline=story.headline,
        )
    conn.send("historicalNewsEnd", reqId=req_id, hasMore=more)


@handles("reqNewsArticle")
def news_article(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    story = desk(gw).article(str(req["providerCode"]), str(req["articleId"]))
    if story is None:
        conn.error(
            req_id,
            ERR_NEWS_ARTICLE,
            f"Failed to request news article: article {req['articleId']} not found",
        )
        return
    conn.send("newsArticle", reqId=req_id, articleType=0, articleText=story.body)


# ---------------------------------------------------------------- headline ticks


class NewsTicks:
    """Sends tickNews for each threshold the session move crosses while subscribed: the same
    story (id and headline) that reqHistoricalNews lists afterwards."""

    def __init__(
        self, gw: SimulatedGateway, conn: Connection, req_id: int, inst: Instrument
    ) -> None:
        self.gw, self.conn, self.req_id, self.inst = gw, conn, req_id, inst
        self.trade_date: date | None = None
        self.prev_close = math.nan
        self.reached = (0, 0)  # highest and lowest level so far today

    def _start_day(self, t: float) -> bool:
        session = session_at(self.inst.sessions, t)
        if session is None:
            return False
        if session.trade_date != self.trade_date:
            self.trade_date = session.trade_date
            self.prev_close = desk(self.gw).prev_close(self.inst, session.start)
            levels = [int(s.article_id.rsplit(".m", 1)[1]) for s in self._moves(session.trade_date)]
            self.reached = (max([0, *levels]), min([0, *levels]))
        return math.isfinite(self.prev_close)

    def _moves(self, d: date) -> list[Story]:
        return [s for s in desk(self.gw).day(self.inst, d) if ".m" in s.article_id]

    def on_event(self, event: MarketEvent) -> None:
        if isinstance(event, Trade):
            price = event.price
        elif isinstance(event, QuoteChange) and not self.inst.has_trades:
            price = (event.bid + event.ask) / 2
        else:
            return
        if not self._start_day(event.time):
            return
        high, low = self.reached
        while high < 20 and price >= level_price(self.inst, self.prev_close, high + 1):
            high += 1
            self._send(high, event.time)
        while low > -20 and price <= level_price(self.inst, self.prev_close, low - 1):
            low -= 1
            self._send(low, event.time)
        self.reached = (high, low)

    def _send(self, level: int, when: float) -> None:
        assert self.trade_date is not None
        story = move_story(self.inst, self.trade_date, self.prev_close, level, when)
        sentiment = 1 if level > 0 else -1
        self.conn.send(
            "tickNews",
            reqId=self.req_id,
            timeStamp=int(when * 1000),
            providerCode=story.provider,
            articleId=story.article_id,
            headline=story.headline,
            extraData=f"A:{self.inst.conId}:L:en:K:{sentiment * threshold_pct(self.inst):g}",
        )


def start_news_ticks(
    gw: SimulatedGateway, conn: Connection, req_id: int, inst: Instrument, generic: set[str]
) -> Callable[[], None] | None:
    """Generic tick `292` or `292:BRFG+...` on reqMktData: stream headlines; returns the stop
    function, or None when the line asked for no news (or for providers without such stories)."""
    asked = [g for g in generic if g == NEWS_TICK or g.startswith(NEWS_TICK + ":")]
    if not asked:
        return None
    codes = provider_codes(asked[0].partition(":")[2])
    if "BRFG" not in codes:
        return lambda: None  # analyst actions and newsletters appear before/after the session
    ticks = NewsTicks(gw, conn, req_id, inst)
    return gw.market.subscribe(inst.conId, ticks.on_event)


# ---------------------------------------------------------------- bulletins


class BulletinFeed:
    def __init__(self, gw: SimulatedGateway, conn: Connection, all_messages: bool) -> None:
        self.gw, self.conn = gw, conn
        now = gw.clock.epoch()
        start = next_bulletin_date(now - 86400 if all_messages else now)
        self.next = start
        self.repeater = conn.repeat(self.step, 0.0, "news bulletins")

    def step(self) -> float:
        clock = self.gw.clock
        while bulletin_time(self.next) <= clock.epoch():
            item = bulletin(self.gw.market, self.next)
            self.conn.send(
                "updateNewsBulletin",
                msgId=item.msgId,
                msgType=item.msgType,
                message=item.message,
                origExchange=item.origExchange,
            )
            self.next = next_bulletin_date(bulletin_time(self.next))
        return min(clock.real_seconds_until(bulletin_time(self.next)), 60.0)


@handles("reqNewsBulletins")
def news_bulletins(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    feed = BulletinFeed(gw, conn, bool(req["allMessages"]))
    conn.subscribe(BULLETINS_KEY, NEWS, feed.repeater.cancel)


@handles("cancelNewsBulletins")
def cancel_news_bulletins(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.unsubscribe(BULLETINS_KEY, NEWS)
