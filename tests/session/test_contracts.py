"""Contract resolution, symbol search and one-off history through the session."""

import asyncio

import pytest
from ib_async import IB, Contract, ContractDetails, Future, Stock

from terminal_app.session import BrokerSession, ContractError, contracts
from terminal_app.simulator.gateway import SimulatedGateway
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap


@pytest.mark.asyncio
async def test_qualify_completes_a_contract_and_explains_failures(
    connected: BrokerSession,
) -> None:
    typed = Stock("AAPL", "SMART", "USD")
    aapl = await connected.qualify(typed)
    assert aapl.conId == 265598 and aapl.exchange == "SMART" and aapl.primaryExchange
    assert typed.conId == 0  # the caller's object is left alone
    with pytest.raises(ContractError, match="check symbol"):
        await connected.qualify(Stock("NOSUCHSYM", "SMART", "USD"))
    with pytest.raises(ContractError, match="ambiguous") as err:
        await connected.qualify(Future("ES", exchange="CME"))
    assert len(err.value.candidates) > 1


@pytest.mark.asyncio
async def test_symbol_search_lists_type_exchange_currency_description_and_expiries(
    connected: BrokerSession,
) -> None:
    matches = await connected.search_symbols("AAPL")
    first = matches[0]
    assert first.contract.symbol == "AAPL" and first.sec_type == "STK"
    assert first.currency == "USD" and first.exchange and first.description
    futures = await connected.search_symbols("ES")
    es = next(m for m in futures if m.contract.symbol == "ES")
    assert es.expiries and list(es.expiries) == sorted(es.expiries)
    with pytest.raises(ContractError, match="No instrument matches 'QQQQZZZ'"):
        await connected.search_symbols("QQQQZZZ")
    with pytest.raises(ContractError):
        await connected.search_symbols("  ")


@pytest.mark.asyncio
async def test_history_goes_through_the_paced_queue_and_merges_repeats(
    connected: BrokerSession, tap: WireTap
) -> None:
    aapl = await connected.qualify(Stock("AAPL", "SMART", "USD"))
    bars = await connected.history(aapl, "3600 S", "5 mins")
    assert len(bars) > 0 and bars[-1].close > 0
    again = await connected.history(aapl, "3600 S", "5 mins")
    assert again == list(bars)
    assert tap.count(wire.REQ_HISTORICAL_DATA) == 1  # the identical repeat was not sent


@pytest.mark.asyncio
async def test_history_without_a_connection_fails_at_once(session: BrokerSession) -> None:
    with pytest.raises(ConnectionError, match="Not connected"):
        await session.history(Contract(conId=265598), "1 D", "1 min")


@pytest.mark.asyncio
async def test_server_time_is_the_gateways_clock(
    connected: BrokerSession, sim_gateway: SimulatedGateway
) -> None:
    server = await connected.server_time()
    assert server.tzinfo is not None
    assert abs((server - sim_gateway.clock.now()).total_seconds()) < 5
    await connected.close_connection()
    with pytest.raises(ConnectionError):
        await connected.server_time()


@pytest.mark.asyncio
async def test_lookups_cancelled_as_a_reply_arrives_stop(
    sim_ib: IB, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A closing panel cancels its lookups; were the cancel swallowed (Python 3.11's wait_for
    does that when the reply lands in the same loop turn), the panel would go on looking up."""
    lookup = sim_ib.reqContractDetailsAsync
    replies: list[str] = []

    async def reply_then_cancel(contract: Contract) -> list[ContractDetails]:
        details = await lookup(contract)
        replies.append(contract.symbol)
        if len(replies) == 1:
            asyncio.get_running_loop().call_soon(caller.cancel)  # before the caller wakes up
        return details

    async def look_up_each() -> None:
        for symbol in ("AAPL", "MSFT", "IBM"):
            await contracts.contract_details(sim_ib, Stock(symbol, "SMART", "USD"), 5)

    monkeypatch.setattr(sim_ib, "reqContractDetailsAsync", reply_then_cancel)
    caller = asyncio.ensure_future(look_up_each())
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert replies == ["AAPL"]
