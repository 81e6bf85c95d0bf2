"""The news desk: which stories exist for an instrument and period, from the simulated market.

Finished days are cached (their stories never change); the day in progress is rebuilt from its
5-minute bars on each request and lists only stories whose time has come.
"""

from __future__ import annotations

from datetime import date

from terminal_app.simulator.market import Market
from terminal_app.simulator.market.calendar import previous_session, session_on, sessions_between
from terminal_app.simulator.market.instruments import Instrument
from terminal_app.simulator.news.stories import (
    Story,
    TradeDay,
    bar_time,
    day_stories,
    parse_article_id,
)

LOOKBACK_DAYS = 31  # history older than this before the request's end is not searched
MAX_RESULTS = 300  # TWS's limit for reqHistoricalNews


class NewsDesk:
    def __init__(self, market: Market) -> None:
        self.market = market
        self._closed: dict[tuple[int, date], list[Story]] = {}

    def prev_close(self, inst: Instrument, session_start: float) -> float:
        what = "TRADES" if inst.has_trades else "MIDPOINT"
        prev = previous_session(inst.sessions, session_start, rth=True)
        bars = self.market.bars(inst.conId, prev.end, "2 D", "1 day", what, True)
        return bars[-1].close if bars else float("nan")

    def day(self, inst: Instrument, trade_date: date) -> list[Story]:
        """The stories of one trade date that are due by now."""
        session = session_on(inst.sessions, trade_date, rth=False)
        now = self.market.clock.epoch()
        if session is None or session.start > now:
            return []
        key = (inst.conId, trade_date)
        if key in self._closed:
            return self._closed[key]
        closed = session.end <= now
        what = "TRADES" if inst.has_trades else "MIDPOINT"
        bars = self.market.bars(inst.conId, min(session.end, now), "1 D", "5 mins", what, False)
        bars = [b for b in bars if session.start <= bar_time(b) < session.end]
        regular = session_on(inst.sessions, trade_date, rth=True) or session
        day = TradeDay(
            inst,
            trade_date,
            self.prev_close(inst, session.start),
            bars,
            regular.start,
            regular.end if regular.end <= now else None,
        )
        stories = [s for s in day_stories(self.market.seed, day) if s.time <= now]
        if closed:
            self._closed[key] = stories
        return stories

    def headlines(
        self, inst: Instrument, providers: frozenset[str], start: float, end: float, limit: int
    ) -> tuple[list[Story], bool]:
        """Newest first, at most `limit` (TWS: 300); the flag says whether more matched."""
        end = min(end, self.market.clock.epoch())
        start = max(start, end - LOOKBACK_DAYS * 86400)
        found: list[Story] = []
        for session in sessions_between(inst.sessions, start, end + 86400, rth=False):
            for story in self.day(inst, session.trade_date):
                if story.provider in providers and start < story.time <= end:
                    found.append(story)
        found.sort(key=lambda s: s.time, reverse=True)
        limit = max(1, min(limit, MAX_RESULTS))
        return found[:limit], len(found) > limit

    def article(self, provider: str, article_id: str) -> Story | None:
        parsed = parse_article_id(article_id)
        if parsed is None or parsed[0] != provider:
            return None
        inst = self.market.universe.get(parsed[1])
        if inst is None:
            return None
        return next((s for s in self.day(inst, parsed[2]) if s.article_id == article_id), None)
