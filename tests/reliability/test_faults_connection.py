"""Connection faults with the whole terminal up (default workspace, every trading panel open).

After each fault: the status bar shows the new state within a second, the session reconnects,
every line of every open panel is back at the gateway (no more, no fewer: counted among the
gateway connection's subscriptions), the resting order, the fill and the position are shown
again from the gateway's record, and not one order request more reached the gateway.
"""

from collections import Counter

import pytest

from tests.reliability.terminal_under_test import (
    Seeded,
    Terminal,
    seed_account,
    wait_resynced,
)
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio
SHOWN_WITHIN_S = 1.0
CONNECTED = "● Connected"


async def state_leaves_connected(term: Terminal) -> None:
    status = term.window.status.state
    await term.wait(lambda: status.text() != CONNECTED, SHOWN_WITHIN_S, "state not shown")


def order_requests(names: Counter[str]) -> int:
    return names["placeOrder"] + names["cancelOrder"]


async def test_every_connection_dropped_mid_stream(terminal: Terminal) -> None:
    seeded = await seed_account(terminal)
    sent = order_requests(terminal.count.names)
    assert terminal.gateway.control.drop_clients() == 1
    await state_leaves_connected(terminal)
    assert not terminal.session.trading_allowed
    await terminal.wait_restored()
    await wait_resynced(terminal, seeded)
    assert terminal.window.status.state.text() == CONNECTED
    assert order_requests(terminal.count.names) == sent


async def test_gateway_restarted_keeps_the_account(terminal: Terminal) -> None:
    """TWS restarts (its nightly restart): the same port, the paper account read back from
    disk. The resting GTC order, the fill and the position come back from its record."""
    seeded = await seed_account(terminal)
    sent = order_requests(terminal.count.names)
    host = terminal.host
    assert host is not None
    await host.stop()
    await state_leaves_connected(terminal)
    await wait_until(lambda: terminal.session.state.attempt >= 2, 10)
    await host.restart()
    await terminal.wait_restored()
    await wait_resynced(terminal, seeded)
    assert order_requests(terminal.count.names) == sent == 2  # nothing re-sent to the new process


async def test_unreachable_for_30_simulated_seconds(terminal: Terminal) -> None:
    """Nothing accepts connections (TWS hung, a firewall) while 30 s of market time pass."""
    seeded = await seed_account(terminal)
    sent = order_requests(terminal.count.names)
    control, clock = terminal.gateway.control, terminal.gateway.clock
    await control.stop_listening()
    control.drop_clients()
    await state_leaves_connected(terminal)
    lost_at = clock.epoch()
    await wait_until(lambda: terminal.session.state.attempt >= 3, 10)
    assert "nothing accepts connections" in terminal.session.state.reason
    assert terminal.window.status.state.text().startswith("● Reconnecting")
    clock.advance(30.0)
    assert clock.epoch() - lost_at >= 30.0
    await control.resume_listening()
    await terminal.wait_restored()
    await wait_resynced(terminal, seeded)
    assert order_requests(terminal.count.names) == sent


async def ib_link_lost(terminal: Terminal) -> tuple[Seeded, Counter[str]]:
    """1100: TWS lost IB's servers. Shown at once, order entry closed; the account as it was
    and the requests so far."""
    seeded = await seed_account(terminal)
    before = +terminal.count.names
    terminal.gateway.control.connectivity_lost()
    await state_leaves_connected(terminal)
    assert "(1100)" in terminal.window.status.state.toolTip()
    assert not terminal.session.trading_allowed
    return seeded, before


async def test_1100_then_1102_keeps_every_line(terminal: Terminal) -> None:
    """1102 ("data maintained"): nothing to request again, and nothing is."""
    seeded, before = await ib_link_lost(terminal)
    terminal.gateway.control.connectivity_restored(data_lost=False)
    await terminal.wait(lambda: terminal.session.trading_allowed, 5, "1102 not seen")
    await terminal.wait_restored()
    for name in ("reqMktData", "reqMktDepth", "reqTickByTickData", "reqHistoricalData"):
        assert terminal.count.names[name] == before[name], name
    await wait_resynced(terminal, seeded)
    assert order_requests(terminal.count.names) == order_requests(before)


async def test_1100_then_1101_requests_every_line_again(terminal: Terminal) -> None:
    """1101 ("data lost"): the gateway ended every stream; the terminal asks for each again."""
    seeded, before = await ib_link_lost(terminal)
    terminal.gateway.control.connectivity_restored(data_lost=True)
    await terminal.wait_restored()
    lines = terminal.baseline
    assert terminal.count.names["reqMktData"] - before["reqMktData"] == lines["mktData"]
    assert terminal.count.names["reqMktDepth"] - before["reqMktDepth"] == lines["depth"]
    await wait_resynced(terminal, seeded)
    assert order_requests(terminal.count.names) == order_requests(before)


async def test_market_data_farm_blip(terminal: Terminal) -> None:
    """2103 then 2104: quotes go STALE at once; IB does not resume a broken farm's data by
    itself, so silent lines are requested again; orders are never blocked by a farm."""
    control = terminal.gateway.control
    control.pause_feed()
    control.inject_error(2103, "Market data farm connection is broken:usfarm")
    await terminal.wait(lambda: not terminal.window.panels_live(), SHOWN_WITHIN_S, "no STALE")
    assert terminal.session.trading_allowed
    control.inject_error(2104, "Market data farm connection is OK:usfarm")
    control.resume_feed()
    await terminal.wait_restored()
    texts = terminal.messages()
    assert any("farm connection is broken" in t for t in texts)
    assert terminal.count.names["placeOrder"] == 0
