"""Connecting with each profile type, and every way a connect is refused or fails."""

import asyncio
import logging
import socket
from collections.abc import Callable

import pytest
import shiboken6
from ib_async import LimitOrder, Stock
from PySide6.QtCore import QObject

from terminal_app.session import (
    BrokerSession,
    OrderRefused,
    Phase,
    ProfileKind,
    Severity,
    ib_internals,
    make_profile,
)
from terminal_app.simulator.gateway import SimulatedGateway
from tests.sim_fixtures import SIM_ACCOUNT, connected_ib
from tests.waiting import wait_until

AAPL = Stock("AAPL", "SMART", "USD", conId=265598)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.asyncio
async def test_closed_port_fails_with_a_reason_and_blocks_orders(session: BrokerSession) -> None:
    states: list[Phase] = []
    session.stateChanged.connect(lambda s: states.append(s.phase))
    profile = make_profile(ProfileKind.CUSTOM, port=free_port(), timeout=2)
    assert not await session.open_connection(profile)
    assert session.state.phase is Phase.FAILED
    assert "nothing accepts connections" in session.state.reason
    assert states[-2:] == [Phase.CONNECTING, Phase.FAILED]
    assert not session.trading_allowed and "Failed" in session.trading_reason
    assert any("Connection failed" in m.text for m in session.messages)
    with pytest.raises(OrderRefused, match="disabled"):
        session.place_order(AAPL, LimitOrder("BUY", 1, 100))
    with pytest.raises(OrderRefused):
        session.global_cancel()


@pytest.mark.asyncio
async def test_non_loopback_host_is_refused_without_acknowledgement(
    session: BrokerSession,
) -> None:
    profile = make_profile(ProfileKind.TWS_LIVE, host="203.0.113.7")
    assert profile.needs_host_warning and profile.is_live
    assert not await session.open_connection(profile)
    assert session.state.phase is Phase.FAILED
    assert "203.0.113.7 is not this computer" in session.state.reason
    assert session.messages[-1].severity is Severity.WARNING


@pytest.mark.asyncio
async def test_unacknowledged_remote_host_leaves_a_working_connection_alone(
    connected: BrokerSession,
) -> None:
    assert not await connected.open_connection(make_profile(ProfileKind.CUSTOM, host="10.1.2.3"))
    assert connected.state.phase is Phase.CONNECTED and connected.trading_allowed
    assert connected.ib.isConnected()
    assert "10.1.2.3 is not this computer" in connected.messages[-1].text


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "kind",
    [
        ProfileKind.TWS_PAPER,
        ProfileKind.TWS_LIVE,
        ProfileKind.GATEWAY_PAPER,
        ProfileKind.GATEWAY_LIVE,
        ProfileKind.CUSTOM,
    ],
)
async def test_each_profile_kind_connects_to_the_simulator_port(
    session: BrokerSession, sim_gateway: SimulatedGateway, kind: ProfileKind
) -> None:
    profile = make_profile(kind, port=sim_gateway.port, client_id=11)
    assert await session.open_connection(profile), session.state.text
    assert session.state.phase is Phase.CONNECTED
    assert session.accounts() == [SIM_ACCOUNT]
    assert session.trading_allowed and session.trading_reason == ""
    assert session.profile is profile
    await session.close_connection()
    assert session.state.phase is Phase.DISCONNECTED and not session.trading_allowed


@pytest.mark.asyncio
async def test_read_only_profile_connects_but_refuses_orders(
    session: BrokerSession, sim_gateway: SimulatedGateway
) -> None:
    profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port, read_only=True)
    trading: list[tuple[bool, str]] = []
    session.tradingChanged.connect(lambda ok, why: trading.append((ok, why)))
    assert await session.open_connection(profile)
    assert not session.trading_allowed
    assert "Read-only" in session.trading_reason
    with pytest.raises(OrderRefused, match="Read-only"):
        session.place_order(AAPL, LimitOrder("BUY", 1, 100))
    assert session.trades() == []
    assert trading and not trading[-1][0]


@pytest.mark.asyncio
async def test_duplicate_client_id_fails_at_once_and_does_not_retry(
    session: BrokerSession, sim_gateway: SimulatedGateway
) -> None:
    async with connected_ib(sim_gateway, client_id=5):
        profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port, client_id=5, timeout=4)
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert not await session.open_connection(profile)
        assert loop.time() - started < 2.0  # did not sit out the 4 s timeout
    assert session.state.phase is Phase.FAILED
    assert "client id 5 is already in use" in session.state.reason
    assert any(m.code == 326 and m.explanation for m in session.messages)


@pytest.mark.asyncio
async def test_ib_async_log_only_failures_reach_the_message_log(
    session: BrokerSession, sim_gateway: SimulatedGateway
) -> None:
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=sim_gateway.port))
    session.ib.cancelMktData(AAPL)  # never subscribed: ib_async only logs this
    assert any(m.text.startswith("ib_async: cancelMktData") for m in session.messages)


@pytest.mark.asyncio
async def test_a_second_connect_while_connecting_is_refused(
    session: BrokerSession, sim_gateway: SimulatedGateway
) -> None:
    profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port)
    sim_gateway.control.set_latency(0.2)  # a slow handshake to overlap with
    first = asyncio.ensure_future(session.open_connection(profile))
    await wait_until(lambda: session.state.phase is Phase.CONNECTING)
    assert not await session.open_connection(profile)
    assert await first and session.state.phase is Phase.CONNECTED


async def _steps_until(condition: Callable[[], bool], limit: int = 10_000) -> None:
    """Run the loop one step at a time until `condition` holds (catches short-lived states)."""
    for _ in range(limit):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not met")


@pytest.mark.asyncio
@pytest.mark.parametrize("stage", ["embedded start", "socket", "API handshake"])
async def test_close_during_a_connect_attempt_stops_it(
    session: BrokerSession, sim_gateway: SimulatedGateway, stage: str
) -> None:
    """Disconnect (or quit) while connecting: the attempt ends, nothing connects afterwards."""
    sim_gateway.control.set_latency(0.2)  # a slow handshake to interrupt
    client = session.ib.client
    if stage == "embedded start":
        profile = make_profile(ProfileKind.SIMULATED)
        reached: Callable[[], bool] = lambda: session.state.phase is Phase.CONNECTING  # noqa: E731
    else:
        profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port)
        if stage == "socket":
            reached = lambda: ib_internals.connecting(session.ib)  # noqa: E731
        else:  # TWS answered with its version; the API is not ready yet
            reached = lambda: client.isConnected() and not client.isReady()  # noqa: E731
    attempt = asyncio.ensure_future(session.open_connection(profile))
    await _steps_until(reached)
    await session.close_connection()
    assert await asyncio.wait_for(attempt, 5) is False
    assert session.state.phase is Phase.DISCONNECTED and not session.trading_allowed
    assert not client.isConnected() and session.simulator is None
    assert [m.text for m in session.messages if m.severity is Severity.ERROR] == []  # asked for
    await asyncio.sleep(0.3)  # past the handshake's latency: still nothing connects
    assert session.state.phase is Phase.DISCONNECTED and not session.ib.isConnected()


def test_a_session_deleted_with_its_parent_leaves_ib_async_logging_alone() -> None:
    """A window deleted without session.close() must not leave a relay on ib_async's logger."""
    ib_log = logging.getLogger("ib_async.ib")
    before = list(ib_log.handlers)
    parent = QObject()
    BrokerSession(parent=parent)
    assert len(ib_log.handlers) == len(before) + 1
    shiboken6.delete(parent)
    assert ib_log.handlers == before
