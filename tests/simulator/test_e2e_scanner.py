"""Market scanners end to end: the real ib_async client against the simulated gateway."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import pytest
from ib_async import IB, ScanDataList, ScannerSubscription, TagValue

from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.scanner import Snap
from terminal_app.simulator.streams import SCANNER
from tests.sim_fixtures import connected_ib, running_gateway, sim_config
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio


async def test_scanner_parameters_parse_as_tws_document(sim_ib: IB) -> None:
    """Fails on the old gateway: error 322 and ib_async waits forever (here: the timeout)."""
    text = await asyncio.wait_for(sim_ib.reqScannerParametersAsync(), 5)
    root = ET.fromstring(text)
    assert root.tag == "ScanParameterResponse"
    kinds = {i.findtext("type") for i in root.iterfind("InstrumentList/Instrument")}
    assert {"STK", "ETF.EQ.US", "IND.US", "FUT.US"} <= kinds
    locations = {loc.findtext("locationCode") for loc in root.iter("Location")}
    assert {"STK.US.MAJOR", "STK.NYSE", "STK.NASDAQ", "FUT.CME", "IND.US"} <= locations
    codes = {s.findtext("scanCode") for s in root.iterfind("ScanTypeList/ScanType")}
    assert {"TOP_PERC_GAIN", "TOP_PERC_LOSE", "MOST_ACTIVE", "HOT_BY_VOLUME"} <= codes
    assert {"HIGH_OPT_IMP_VOLAT"} <= codes
    fields = {f.findtext("code") for f in root.iter("AbstractField")}
    assert {"priceAbove", "priceBelow", "marketCapAbove1e6", "volumeAbove"} <= fields


async def test_subscription_streams_ranked_rows_and_cancels() -> None:
    """A fast clock (60x) so the 30 s refresh comes after 1 s of host time."""
    async with running_gateway(sim_config(speed=60.0)) as gw, connected_ib(gw) as ib:
        sub = ScannerSubscription(
            instrument="ETF.EQ.US", locationCode="ETF.EQ.US.MAJOR", scanCode="MOST_ACTIVE"
        )
        data: ScanDataList = ib.reqScannerSubscription(sub)
        updates: list[list[str]] = []
        data.updateEvent += lambda rows: updates.append(
            [r.contractDetails.contract.symbol for r in rows]
        )
        await wait_until(lambda: len(updates) >= 2, 10, "no refresh of the scan")
        symbols = updates[-1]
        assert len(symbols) == len(set(symbols)) > 20  # every listed ETF, once
        assert [r.rank for r in data] == list(range(len(data)))
        details = data[0].contractDetails
        assert details.contract is not None and details.contract.secType == "STK"
        assert details.contract.conId > 0 and details.marketName
        volumes = [
            gw.market.quote(r.contractDetails.contract.conId).volume
            for r in data
            if r.contractDetails.contract is not None
        ]
        assert volumes[0] >= volumes[-1] > 0  # ranked by session volume, most first
        [conn] = gw.server.connections
        assert conn.count(SCANNER) == 1
        ib.cancelScannerSubscription(data)
        await wait_until(lambda: conn.count(SCANNER) == 0, 5)


async def test_filters_and_bad_requests(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    errors: list[int] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
    sub = ScannerSubscription(
        instrument="ETF.EQ.US",
        locationCode="ETF.EQ.US",
        scanCode="TOP_PERC_GAIN",
        numberOfRows=5,
        abovePrice=50,
        belowPrice=500,
    )
    rows = await asyncio.wait_for(sim_ib.reqScannerDataAsync(sub), 10)
    snaps = [
        Snap.of(inst, sim_gateway.market.quote(inst.conId))
        for inst in (
            sim_gateway.universe.by_con_id[r.contractDetails.contract.conId]
            for r in rows
            if r.contractDetails.contract is not None
        )
    ]
    assert len(rows) <= 5
    assert all(50 <= s.price <= 500 for s in snaps)
    changes = [s.change_pct() or 0.0 for s in snaps]
    assert changes == sorted(changes, reverse=True) and all(c > 0 for c in changes)
    # a generic filter: only stocks with a market cap over $1,000B
    sub = ScannerSubscription(instrument="STK", locationCode="STK.NASDAQ", scanCode="MOST_ACTIVE")
    rows = await asyncio.wait_for(
        sim_ib.reqScannerDataAsync(sub, [], [TagValue("marketCapAbove1e6", "1000000")]), 10
    )
    big = {r.contractDetails.contract.symbol for r in rows if r.contractDetails.contract}
    assert big and big <= {"AAPL", "MSFT", "NVDA", "AMZN", "META", "GOOGL", "GOOG", "AVGO", "TSLA"}
    bad = ScannerSubscription(instrument="STK", locationCode="STK.US.MAJOR", scanCode="NO_SUCH")
    assert len(await asyncio.wait_for(sim_ib.reqScannerDataAsync(bad), 5)) == 0
    assert 162 in errors


async def test_scanner_at_server_version_157(sim_gateway: SimulatedGateway) -> None:
    """ib_async limited to 157 (ibapi 9.81's version) gets the same layouts."""
    ib = IB()
    ib.client.MaxClientVersion = 157
    await ib.connectAsync("127.0.0.1", sim_gateway.port, clientId=9, timeout=5)
    try:
        assert ib.client.serverVersion() == 157
        assert "ScanParameterResponse" in await asyncio.wait_for(ib.reqScannerParametersAsync(), 5)
        sub = ScannerSubscription(
            instrument="FUT.US", locationCode="FUT.CME", scanCode="MOST_ACTIVE"
        )
        rows = await asyncio.wait_for(ib.reqScannerDataAsync(sub), 10)
        assert rows and all(
            r.contractDetails.contract.secType == "FUT" for r in rows if r.contractDetails.contract
        )
        providers = await asyncio.wait_for(ib.reqNewsProvidersAsync(), 5)
        assert [p.code for p in providers] == ["BRFG", "BRFUPDN", "DJNL"]
    finally:
        ib.disconnect()


async def test_data_lost_ends_scanner_streams(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    """1101: like market data, scanner subscriptions must be asked for again."""
    sub = ScannerSubscription(
        instrument="IND.US", locationCode="IND.US", scanCode="TOP_PRICE_RANGE"
    )
    data = sim_ib.reqScannerSubscription(sub)
    [conn] = sim_gateway.server.connections
    await wait_until(lambda: conn.count(SCANNER) == 1 and len(data) > 0, 5)
    sim_gateway.control.connectivity_restored(data_lost=True)
    assert conn.count(SCANNER) == 0


async def test_top_trade_count_ranks_by_prints(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    sub = ScannerSubscription(
        instrument="FUT.US", locationCode="FUT.CME", scanCode="TOP_TRADE_COUNT"
    )
    rows = await asyncio.wait_for(sim_ib.reqScannerDataAsync(sub), 10)
    counts = [
        sim_gateway.market.bars(
            r.contractDetails.contract.conId, None, "1 D", "1 day", "TRADES", False
        )[-1].barCount
        for r in rows
        if r.contractDetails.contract is not None
    ]
    assert len(counts) > 3 and counts == sorted(counts, reverse=True) and counts[-1] > 0
