"""Shared market data lines: counted, released, cancelled at the gateway on the last release."""

import asyncio

import pytest
from ib_async import Contract, Stock

from terminal_app.session import BarsSpec, BrokerSession, Kind, ProfileKind, make_profile
from terminal_app.session.line_kinds import LINE_KINDS
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.waiting import wait_until


async def connect(session: BrokerSession, tap: WireTap) -> None:
    profile = make_profile(ProfileKind.CUSTOM, port=tap.port)
    assert await session.open_connection(profile), session.state.text


async def connect_and_qualify_aapl(session: BrokerSession, tap: WireTap) -> Contract:
    await connect(session, tap)
    return await session.qualify(Stock("AAPL", "SMART", "USD"))


@pytest.mark.asyncio
async def test_two_panels_share_one_line_cancelled_on_last_release(
    session: BrokerSession, tap: WireTap
) -> None:
    aapl = await connect_and_qualify_aapl(session, tap)
    first = session.ticker(aapl)
    second = session.ticker(aapl)
    assert first.users == second.users == 2 and first is not second
    updates: list[object] = []
    second.updated.connect(updates.append)
    await wait_until(lambda: updates and first.ticker is not None and first.ticker.bid > 0)
    assert first.ticker is second.ticker and not first.stale
    assert tap.count(wire.REQ_MKT_DATA) == 1
    assert session.line_count() == 1
    first.release()
    first.release()  # idempotent
    assert second.users == 1 and first.released and first.value is None
    await asyncio.sleep(0.05)  # a wrongly sent cancel would reach the tap by now
    assert tap.count(wire.CANCEL_MKT_DATA) == 0
    second.release()
    await wait_until(lambda: tap.count(wire.CANCEL_MKT_DATA) == 1)
    assert session.line_count() == 0


@pytest.mark.asyncio
async def test_subscriptions_made_while_offline_start_on_connect(
    session: BrokerSession, tap: WireTap
) -> None:
    aapl = Stock("AAPL", "SMART", "USD", conId=265598)
    handle = session.ticker(aapl)
    assert handle.value is None and handle.stale
    await connect(session, tap)
    await wait_until(lambda: handle.ticker is not None and handle.ticker.last > 0)
    assert tap.count(wire.REQ_MKT_DATA) == 1


@pytest.mark.asyncio
async def test_released_before_sent_never_reaches_the_gateway(
    session: BrokerSession, tap: WireTap
) -> None:
    aapl = await connect_and_qualify_aapl(session, tap)
    session.lane.pause()
    handle = session.ticker(aapl)
    handle.release()
    session.lane.resume()
    await asyncio.sleep(0.05)
    assert tap.count(wire.REQ_MKT_DATA) == 0 and tap.count(wire.CANCEL_MKT_DATA) == 0


@pytest.mark.asyncio
async def test_depth_and_bars_are_shared_and_released(session: BrokerSession, tap: WireTap) -> None:
    aapl = await connect_and_qualify_aapl(session, tap)
    books = [session.depth(aapl, rows=5), session.depth(aapl, rows=5)]
    spec = BarsSpec("1800 S", "1 min", "TRADES", False)
    charts = [session.bars(aapl, spec), session.bars(aapl, spec)]
    await wait_until(lambda: books[0].ticker is not None and len(books[0].ticker.domBids) > 0)
    await wait_until(lambda: charts[1].bars is not None and len(charts[1].bars) > 0, timeout=10)
    assert charts[0].bars is charts[1].bars and charts[0].bars is not None
    assert charts[0].bars.keepUpToDate
    assert tap.count(wire.REQ_MKT_DEPTH) == 1 and tap.count(wire.REQ_HISTORICAL_DATA) == 1
    for h in (*books, *charts):
        h.release()
    await wait_until(
        lambda: (
            tap.count(wire.CANCEL_MKT_DEPTH) == 1 and tap.count(wire.CANCEL_HISTORICAL_DATA) == 1
        )
    )


@pytest.mark.asyncio
async def test_unknown_contract_subscription_reports_the_error_on_the_handle(
    session: BrokerSession, tap: WireTap
) -> None:
    await connect(session, tap)
    bogus = Stock("NOPE", "SMART", "USD", conId=987654321)
    handle = session.ticker(bogus)
    failures: list[str] = []
    handle.failed.connect(failures.append)
    await wait_until(lambda: handle.error != "")
    assert failures and handle.stale
    assert any(m.req_id > 0 and m.contract is not None for m in session.messages)


@pytest.mark.asyncio
async def test_unqualified_contracts_are_refused(session: BrokerSession) -> None:
    with pytest.raises(ValueError, match="qualify"):
        session.ticker(Stock("AAPL", "SMART", "USD"))


@pytest.mark.asyncio
async def test_closing_the_session_detaches_handles_before_disconnecting(
    session: BrokerSession, tap: WireTap
) -> None:
    aapl = await connect_and_qualify_aapl(session, tap)
    handle = session.ticker(aapl)
    await wait_until(lambda: not handle.stale)
    flips: list[bool] = []
    handle.staleChanged.connect(flips.append)
    await session.close()
    assert handle.released and flips == []  # no signal into a panel that is closing
    handle.release()  # still harmless


def test_every_kind_of_line_has_its_table_entry() -> None:
    assert set(LINE_KINDS) == set(Kind)
