"""News end to end (providers, headlines, articles, bulletins) and the headline ticks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from ib_async import IB, NewsBulletin, Stock

from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.handlers.news import NewsTicks, desk
from terminal_app.simulator.market import Trade
from terminal_app.simulator.market.calendar import session_at
from terminal_app.simulator.news.stories import level_price
from terminal_app.simulator.streams import MKT_DATA
from tests.sim_fixtures import qualified, sim_config
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio


async def test_providers_headlines_article(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    """Fails on the old gateway: no providers, and error 322 for headlines."""
    providers = await asyncio.wait_for(sim_ib.reqNewsProvidersAsync(), 5)
    assert [p.code for p in providers] == ["BRFG", "BRFUPDN", "DJNL"]
    tsla = await qualified(sim_ib, Stock("TSLA", "SMART", "USD"))
    codes = "+".join(p.code for p in providers)
    heads = await sim_ib.reqHistoricalNewsAsync(tsla.conId, codes, "", "", 20)
    assert isinstance(heads, list) and 0 < len(heads) <= 20
    now = sim_gateway.clock.now().replace(tzinfo=None)
    times = [h.time for h in heads]
    assert times == sorted(times, reverse=True) and times[0] <= now  # newest first, none ahead
    assert all(h.providerCode in ("BRFG", "BRFUPDN", "DJNL") for h in heads)
    assert any("TSLA" in h.headline for h in heads)
    only = await sim_ib.reqHistoricalNewsAsync(tsla.conId, "BRFG", "", "", 300)
    assert only and {h.providerCode for h in only} == {"BRFG"}
    article = await asyncio.wait_for(
        sim_ib.reqNewsArticleAsync(heads[0].providerCode, heads[0].articleId), 5
    )
    assert article.articleType == 0 and "TSLA" in article.articleText
    assert "Simulated" in article.articleText
    # the same seed and clock give the same stories; a window excludes the rest
    since = datetime(2026, 11, 20, tzinfo=UTC)
    window = await sim_ib.reqHistoricalNewsAsync(tsla.conId, codes, since, "", 300)
    assert window and all(h.time > since.replace(tzinfo=None) for h in window)


async def test_unknown_article_is_an_error(sim_ib: IB) -> None:
    errors: list[int] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
    await asyncio.wait_for(sim_ib.reqNewsArticleAsync("BRFG", "BRFG$1.20261124.m+9"), 5)
    assert errors == [10172]


async def test_bulletins(sim_ib: IB) -> None:
    got: list[NewsBulletin] = []
    sim_ib.newsBulletinEvent += got.append
    sim_ib.reqNewsBulletins(True)
    await wait_until(lambda: got, 5)
    assert got[0].msgId == 20261124 and got[0].msgType == 1 and "SPX" in got[0].message
    sim_ib.cancelNewsBulletins()


@dataclass
class Recorder:
    """Stands in for a connection: keeps what would be sent."""

    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def send(self, name: str, **values: Any) -> None:
        self.sent.append((name, values))


async def test_news_ticks_cross_thresholds_like_history() -> None:
    gw = SimulatedGateway(sim_config())
    inst = gw.universe.by_con_id[76792991]  # TSLA
    rec = Recorder()
    ticks = NewsTicks(gw, rec, 7, inst)  # type: ignore[arg-type]
    now = gw.clock.epoch()
    session = session_at(inst.sessions, now)
    assert session is not None
    prev_close = desk(gw).prev_close(inst, session.start)
    reached = [s for s in desk(gw).day(inst, session.trade_date) if ".m" in s.article_id]
    top = max([0, *(int(s.article_id.rsplit(".m", 1)[1]) for s in reached)])
    price = level_price(inst, prev_close, top + 2) + 0.01
    ticks.on_event(Trade(inst.conId, now, price, 100, 1e6, price))
    assert [v["articleId"].rsplit(".", 1)[1] for _, v in rec.sent] == [
        f"m+{top + 1}",
        f"m+{top + 2}",
    ]
    name, values = rec.sent[0]
    assert name == "tickNews" and values["providerCode"] == "BRFG"
    assert values["timeStamp"] == int(now * 1000) and "TSLA trades up" in values["headline"]
    ticks.on_event(Trade(inst.conId, now + 1, price, 100, 1e6, price))
    assert len(rec.sent) == 2  # each level once per day


async def test_news_tick_line_with_mdoff_sends_no_quotes(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    tsla = await qualified(sim_ib, Stock("TSLA", "SMART", "USD"))
    ticker = sim_ib.reqMktData(tsla, "mdoff,292:BRFG")
    await sim_ib.reqCurrentTimeAsync()  # answered after everything the line sent at once
    [conn] = sim_gateway.server.connections
    assert conn.count(MKT_DATA) == 1 and ticker.minTick == 0.01
    assert not ticker.bid > 0 and not ticker.last > 0
    sim_ib.cancelMktData(tsla)
    await wait_until(lambda: conn.count(MKT_DATA) == 0, 5)
