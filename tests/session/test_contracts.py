"""Contract resolution, symbol search and one-off history through the session."""

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest
from ib_async import Contract, Future, Stock

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
async def test_a_candidate_of_an_ambiguous_answer_is_completed_without_asking_again(
    connected: BrokerSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A futures root (/ES in a watchlist): the front month picked from the ambiguous answer
    costs no second lookup, so a first start's rows fit one second of IB's message budget."""
    asked: list[Contract] = []
    lookup = connected.ib.reqContractDetailsAsync

    async def counted(contract: Contract) -> Any:
        asked.append(contract)
        return await lookup(contract)

    monkeypatch.setattr(connected.ib, "reqContractDetailsAsync", counted)
    with pytest.raises(ContractError, match="ambiguous") as err:
        await connected.qualify(Future("ES", exchange="CME"))
    front = err.value.candidates[0]
    qualified = await connected.qualify(front)
    assert len(asked) == 1
    assert qualified.conId == front.conId and qualified.lastTradeDateOrContractMonth
    details = connected.details(front.conId)
    assert details is not None and details.minTick > 0
    monkeypatch.setattr("terminal_app.session.contract_directory.CANDIDATE_TTL_S", 0.0)
    with pytest.raises(ContractError):
        await connected.qualify(Future("ES", exchange="CME"))
    await connected.qualify(err.value.candidates[1])  # older than the TTL: asked again
    assert len(asked) == 3


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


class _AnswerOnCue:
    """Stands in for ib_async only to time the answer against a cancel (no simulator can)."""

    def __init__(self) -> None:
        self.answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def reqContractDetailsAsync(self, _contract: Contract) -> asyncio.Future[Any]:
        return self.answer

    def reqMatchingSymbolsAsync(self, _text: str) -> asyncio.Future[Any]:
        return self.answer


@pytest.mark.asyncio
@pytest.mark.parametrize("lookup", ["details", "search"])
async def test_a_lookup_cancelled_as_its_answer_arrives_stays_cancelled(lookup: str) -> None:
    """A panel that cancels its lookup loop must not get the answer back instead (it would run
    on; seen as 'window task(s) did not stop' at shutdown)."""
    ib: Any = _AnswerOnCue()
    call: Coroutine[Any, Any, object]
    if lookup == "details":
        call = contracts.contract_details(ib, Stock("AAPL", "SMART", "USD"), 5.0)
    else:
        call = contracts.search_symbols(ib, "AAPL", 5.0)
    task = asyncio.ensure_future(call)
    await asyncio.sleep(0)  # now waiting for the answer
    ib.answer.set_result([])
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
