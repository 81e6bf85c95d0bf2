"""The server over real loopback sockets: handshake, start-up, clientIds, misbehaving clients."""

from __future__ import annotations

import asyncio

import pytest
from ib_async import IB, Contract

from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.protocol import framing
from tests.raw_client import RawClient
from tests.sim_fixtures import connected_ib
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio


async def test_handshake_and_start_up_messages(sim_gateway: SimulatedGateway) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        version, when = await client.handshake()
        assert version == "178"
        assert when.endswith(" America/New_York") and len(when.split()[0]) == 8
        client.send(71, 2, 5, "")
        first = [await client.read() for _ in range(5)]
        assert first[0] == ["15", "1", "DU1234567"]
        assert first[1][:2] == ["9", "1"] and int(first[1][2]) >= 1
        farm = [(m[0], m[2], m[3]) for m in first[2:]]
        assert farm == [("4", "-1", "2104"), ("4", "-1", "2106"), ("4", "-1", "2158")]
        assert all(len(m) == 6 for m in first[2:])  # error has 6 fields at 178
    finally:
        client.close()


async def test_version_157_client_gets_157_and_five_field_errors(
    sim_gateway: SimulatedGateway,
) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        assert (await client.handshake(b"v100..157"))[0] == "157"
        client.send(71, 2, 3, "")
        messages = await client.read_until("4")
        assert len(messages[-1]) == 5
    finally:
        client.close()


async def test_no_common_version_closes_the_socket(sim_gateway: SimulatedGateway) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        client.writer.write(framing.API_SIGN + framing.frame(b"v100..150"))
        assert await client.closed_by_server()
    finally:
        client.close()


async def test_duplicate_client_id_gets_326_and_is_closed(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        await client.handshake()
        client.send(71, 2, 1, "")  # sim_ib is clientId 1
        error = await client.read()
        assert error[0] == "4" and error[2:4] == ["-1", "326"]
        assert await client.closed_by_server()
    finally:
        client.close()
    # The first session is untouched.
    assert sim_ib.isConnected()
    assert await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 5)


@pytest.mark.parametrize(
    "garbage",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        framing.API_SIGN + b"\xff\xff\xff\xff" + b"x" * 100,
        framing.API_SIGN + framing.frame(b"not a version"),
    ],
)
async def test_garbage_closes_only_that_client(
    sim_ib: IB, sim_gateway: SimulatedGateway, garbage: bytes
) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        client.writer.write(garbage)
        assert await client.closed_by_server()
    finally:
        client.close()
    assert await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 5)
    await wait_until(lambda: len(sim_gateway.server.connections) == 1, 5)


async def test_garbage_after_start_up_closes_only_that_client(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        await client.handshake()
        client.send(71, 2, 9, "")
        await client.read_until("4")
        client.writer.write(b"\x7f\x00\x00\x00garbage")
        assert await client.closed_by_server()
    finally:
        client.close()
    assert await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 5)


async def test_disconnect_mid_message_leaks_nothing(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    for _ in range(3):
        client = await RawClient.open(sim_gateway.port)
        await client.handshake()
        client.send(71, 2, 9, "")
        await client.read_until("4")
        whole = framing.encode_fields(["9", "8", "77", "0", "AAPL", "STK"])
        client.writer.write(whole[: len(whole) // 2])  # half a message, then vanish
        await client.writer.drain()
        client.writer.transport.abort()
    await wait_until(lambda: len(sim_gateway.server.connections) == 1, 5)
    assert set(sim_gateway.server.by_client_id) == {1}
    assert await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 5)
    # The same clientId can connect again once its session is gone.
    async with connected_ib(sim_gateway, client_id=9) as again:
        assert again.isConnected()


async def test_unsupported_request_gets_error_322(
    sim_gateway: SimulatedGateway,
) -> None:
    client = await RawClient.open(sim_gateway.port)
    try:
        await client.handshake()
        client.send(71, 2, 4, "")
        await client.read_until("4")
        await client.read_until("4")
        await client.read_until("4")
        client.send(65, 1, "an ISV's api", "1.0")  # verifyRequest: carries no reqId
        error = await client.read()
        assert error[0] == "4" and error[2:4] == ["-1", "322"]
        assert "not supported" in error[4]
        client.send(9, 8, 77)  # truncated reqContractDetails
        error = await client.read()
        assert error[0] == "4" and error[2:4] == ["77", "320"]
    finally:
        client.close()


async def test_many_clients_at_once(sim_gateway: SimulatedGateway) -> None:
    ibs = [IB() for _ in range(4)]
    try:
        await asyncio.gather(
            *(
                ib.connectAsync("127.0.0.1", sim_gateway.port, clientId=10 + i, timeout=5)
                for i, ib in enumerate(ibs)
            )
        )
        times = await asyncio.gather(*(ib.reqCurrentTimeAsync() for ib in ibs))
        assert len({t.date() for t in times}) == 1
        assert set(sim_gateway.server.by_client_id) == {10, 11, 12, 13}
    finally:
        for ib in ibs:
            ib.disconnect()


async def test_connect_is_fast_and_complete(sim_gateway: SimulatedGateway) -> None:
    """Every start-up request of IB.connectAsync gets its end message (no timeout waits)."""
    ib = IB()
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        await ib.connectAsync(
            "127.0.0.1", sim_gateway.port, clientId=21, timeout=3, raiseSyncErrors=True
        )
        assert loop.time() - started < 1.5
        assert ib.managedAccounts() == ["DU1234567"]
        assert ib.client.serverVersion() == 178
        values = {v.tag for v in ib.accountValues()}
        assert {"NetLiquidation", "TotalCashValue", "BuyingPower"} <= values
    finally:
        ib.disconnect()


async def test_current_time_follows_the_simulated_clock(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    now = await sim_ib.reqCurrentTimeAsync()
    assert abs(now.timestamp() - sim_gateway.clock.epoch()) < 2
    assert now.strftime("%Y-%m-%d") == "2026-11-24"


async def test_contract_details_and_qualify(sim_ib: IB) -> None:
    aapl = Contract(symbol="AAPL", secType="STK", exchange="SMART", currency="USD")
    [qualified] = await sim_ib.qualifyContractsAsync(aapl)
    assert isinstance(qualified, Contract) and qualified.conId > 0 and qualified.primaryExchange
    es = await sim_ib.reqContractDetailsAsync(Contract(symbol="ES", secType="FUT", exchange="CME"))
    expiries = [d.contract.lastTradeDateOrContractMonth for d in es if d.contract]
    assert len(expiries) == 4 and expiries == sorted(expiries)
    assert all(d.contract and d.contract.multiplier == "50" for d in es)
    by_id = await sim_ib.reqContractDetailsAsync(Contract(conId=qualified.conId))
    assert [d.contract.symbol for d in by_id if d.contract] == ["AAPL"]


async def test_ambiguous_and_unknown_contracts(sim_ib: IB) -> None:
    errors: list[int] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
    ambiguous = await sim_ib.qualifyContractsAsync(
        Contract(symbol="ES", secType="FUT", exchange="CME")
    )
    assert ambiguous == [None]
    unknown = await sim_ib.qualifyContractsAsync(
        Contract(symbol="NOPE", secType="STK", exchange="SMART", currency="USD")
    )
    assert unknown == [None]
    await wait_until(lambda: 200 in errors, 5)


async def test_symbol_search_and_depth_exchanges(sim_ib: IB) -> None:
    found = await sim_ib.reqMatchingSymbolsAsync("MS")
    assert found and found[0].contract and found[0].contract.symbol == "MSFT"
    exchanges = await sim_ib.reqMktDepthExchangesAsync()
    assert {"NASDAQ", "CME"} <= {e.exchange for e in exchanges}


async def test_managed_accounts_and_market_rules(sim_ib: IB) -> None:
    [aapl] = await sim_ib.qualifyContractsAsync(
        Contract(symbol="AAPL", secType="STK", exchange="SMART", currency="USD")
    )
    assert isinstance(aapl, Contract)
    [details] = await sim_ib.reqContractDetailsAsync(aapl)
    rule = int(details.marketRuleIds.split(",")[0])
    increments = await asyncio.wait_for(sim_ib.reqMarketRuleAsync(rule), 5)
    assert increments and increments[0].increment == details.minTick


async def test_streams_end_with_the_client_that_vanishes(sim_gateway: SimulatedGateway) -> None:
    ib = IB()
    await ib.connectAsync("127.0.0.1", sim_gateway.port, clientId=31, timeout=5)
    [aapl] = await ib.qualifyContractsAsync(
        Contract(symbol="AAPL", secType="STK", exchange="SMART", currency="USD")
    )
    assert isinstance(aapl, Contract)
    ib.reqMktData(aapl, "233")
    ib.reqMktDepth(aapl, 5)
    ib.reqTickByTickData(aapl, "Last")
    ib.reqRealTimeBars(aapl, 5, "TRADES", False)
    await ib.reqHistoricalDataAsync(aapl, "", "600 S", "1 min", "TRADES", False, keepUpToDate=True)
    conn = sim_gateway.server.by_client_id[31]
    await wait_until(
        lambda: conn.count("mktData", "depth", "tickByTick", "realTimeBars", "history") == 5, 5
    )
    assert aapl.conId in sim_gateway.market.watched()
    transport = ib.client.conn.transport
    assert transport is not None
    transport.abort()  # no goodbye: the socket just dies
    await wait_until(lambda: 31 not in sim_gateway.server.by_client_id, 5)
    assert not conn.subscriptions
    await wait_until(lambda: aapl.conId not in sim_gateway.market.watched(), 5)
    ib.disconnect()


async def test_deferred_work_runs_one_piece_per_loop_pass(
    sim_gateway: SimulatedGateway, sim_ib: IB
) -> None:
    conn = sim_gateway.server.by_client_id[1]
    loop = asyncio.get_running_loop()
    order: list[str] = []

    def first() -> None:
        order.append("first")
        loop.call_soon(order.append, "next pass")

    def broken() -> None:
        raise RuntimeError("deferred work failed on purpose")

    conn.soon(first)
    conn.soon(broken)  # logged, and the queue goes on
    conn.soon(lambda: order.append("second"))
    await wait_until(lambda: "second" in order, 5)
    assert order == ["first", "next pass", "second"]
