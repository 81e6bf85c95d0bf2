"""IB's `ibapi` 9.81 (version 157, exact field counts) gets the issue-19 answers too: scanner
parameters, market rules, positionsMulti, SMART components, family codes and the new generic
ticks."""

from __future__ import annotations

from typing import Any

import pytest

from terminal_app.simulator.gateway import SimulatedGateway
from tests.simulator.test_ibapi import App, _collect_on_the_gui_thread, blocking, run_app, stock

pytestmark = pytest.mark.asyncio
__all__ = ["_collect_on_the_gui_thread"]  # the autouse fixture applies here too


class ServicesApp(App):
    def scannerParameters(self, xml: str) -> None:
        self._record("scannerParameters", xml)

    def marketRule(self, marketRuleId: int, priceIncrements: Any) -> None:
        self._record("marketRule", marketRuleId, priceIncrements)

    def positionMultiEnd(self, reqId: int) -> None:
        self._record("positionMultiEnd", reqId)

    def smartComponents(self, reqId: int, smartComponentMap: Any) -> None:
        self._record("smartComponents", reqId, smartComponentMap)

    def familyCodes(self, familyCodes: Any) -> None:
        self._record("familyCodes", familyCodes)

    def tickGeneric(self, reqId: int, tickType: int, value: float) -> None:
        self._record("tickGeneric", reqId, tickType, value)

    def tickString(self, reqId: int, tickType: int, value: str) -> None:
        self._record("tickString", reqId, tickType, value)


async def test_ibapi_gets_the_answers_at_157(
    sim_gateway: SimulatedGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tests.simulator.test_ibapi.App", ServicesApp)
    app, thread = await run_app(sim_gateway.port)
    assert isinstance(app, ServicesApp)
    try:
        await blocking(app.wait, "nextValidId")
        app.reqScannerParameters()
        app.reqMarketRule(26)
        app.reqMarketRule(999_999)
        app.reqPositionsMulti(5, "DU1234567", "")
        app.reqSmartComponents(6, "SMART")
        app.reqFamilyCodes()
        app.reqMktData(7, stock("KO"), "456,236,104,106,221,411", False, False, [])
        [(xml,)] = await blocking(app.wait, "scannerParameters")
        assert xml.startswith("<?xml")
        rules = {r[0]: r[1] for r in await blocking(app.wait, "marketRule", 2)}
        assert rules[26][0].increment == 0.01 and rules[999_999] == []
        assert await blocking(app.wait, "positionMultiEnd") == [(5,)]
        [(_, venues)] = await blocking(app.wait, "smartComponents")
        assert venues
        [(codes,)] = await blocking(app.wait, "familyCodes")
        assert codes[0].accountID == "DU1234567"
        strings = await blocking(app.wait, "tickString")
        assert any(t == 59 for _, t, _ in strings)  # dividends
        generic = {t for _, t, _ in await blocking(app.wait, "tickGeneric", 4)}
        assert {23, 24, 46, 58} <= generic
    finally:
        app.disconnect()
        await blocking(thread.join, 5)
