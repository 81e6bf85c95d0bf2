"""IB's `ibapi` 9.81 (server version 157) reads the scanner and news messages: its decoder
drops messages whose field count is off, and its reader dies on fields it cannot parse."""

from __future__ import annotations

from typing import Any

import pytest
from ibapi.scanner import ScannerSubscription

from terminal_app.simulator.gateway import SimulatedGateway
from tests.simulator.test_ibapi import App, blocking, run_app

pytestmark = pytest.mark.asyncio


class NewsApp(App):
    def scannerParameters(self, xml: str) -> None:
        self._record("scannerParameters", xml)

    def scannerData(self, reqId: int, rank: int, details: Any, *rest: Any) -> None:
        self._record("scannerData", reqId, rank, details)

    def scannerDataEnd(self, reqId: int) -> None:
        self._record("scannerDataEnd", reqId)

    def newsProviders(self, newsProviders: Any) -> None:
        self._record("newsProviders", newsProviders)

    def historicalNews(self, reqId: int, time: str, code: str, article: str, head: str) -> None:
        self._record("historicalNews", reqId, time, code, article, head)

    def historicalNewsEnd(self, reqId: int, hasMore: bool) -> None:
        self._record("historicalNewsEnd", reqId, hasMore)

    def newsArticle(self, requestId: int, articleType: int, articleText: str) -> None:
        self._record("newsArticle", requestId, articleType, articleText)

    def updateNewsBulletin(self, msgId: int, msgType: int, message: str, exch: str) -> None:
        self._record("updateNewsBulletin", msgId, msgType, message, exch)


async def test_ibapi_scanner_and_news_at_157(sim_gateway: SimulatedGateway) -> None:
    app = NewsApp()
    _, thread = await run_app(sim_gateway.port, app)
    try:
        await blocking(app.wait, "nextValidId")
        app.reqScannerParameters()
        [(xml,)] = await blocking(app.wait, "scannerParameters")
        assert xml.startswith("<?xml") and "TOP_PERC_GAIN" in xml
        sub = ScannerSubscription()
        sub.instrument, sub.locationCode, sub.scanCode = "FUT.US", "FUT.US", "MOST_ACTIVE"
        app.reqScannerSubscription(21, sub, [], [])
        await blocking(app.wait, "scannerDataEnd")
        rows = app.calls["scannerData"]
        assert [r[1] for r in rows] == list(range(len(rows))) and rows[0][0] == 21
        assert rows[0][2].contract.secType == "FUT" and rows[0][2].contract.conId > 0
        app.cancelScannerSubscription(21)

        app.reqNewsProviders()
        [(providers,)] = await blocking(app.wait, "newsProviders")
        assert [p.code for p in providers] == ["BRFG", "BRFUPDN", "DJNL"]
        [tsla] = [i.conId for i in sim_gateway.universe.instruments if i.symbol == "TSLA"]
        app.reqHistoricalNews(22, tsla, "BRFG+BRFUPDN+DJNL", "", "", 5, [])
        [(_, more)] = await blocking(app.wait, "historicalNewsEnd")
        heads = app.calls["historicalNews"]
        assert 0 < len(heads) <= 5 and more is True
        app.reqNewsArticle(23, heads[0][2], heads[0][3], [])
        [(req_id, kind, text)] = await blocking(app.wait, "newsArticle")
        assert req_id == 23 and kind == 0 and "TSLA" in text
        app.reqNewsBulletins(True)
        [(msg_id, msg_type, _message, _exch)] = await blocking(app.wait, "updateNewsBulletin")
        assert msg_id == 20261124 and msg_type == 1
        assert thread.is_alive()
    finally:
        app.disconnect()
        await blocking(thread.join, 5)
