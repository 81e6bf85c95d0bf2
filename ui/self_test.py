"""`ib-terminal --self-test`: prove an installed build works end to end, in one line.

Starts on the embedded simulated gateway (or a paper profile; never a live one), waits for live
quotes (and for every panel of the default workspace that reports live data), places one limit
order far from the market through the session, cancels it, and reports. Every step is bounded; a
step that cannot be done is a failure, never skipped.
"""

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ib_async import LimitOrder, Stock, Ticker, Trade
from PySide6.QtCore import SignalInstance

from terminal_app.session.broker import BrokerSession, OrderRefused
from terminal_app.session.contracts import ContractError
from terminal_app.session.profiles import ConnectionProfile

SYMBOL = "AAPL"
STEP_TIMEOUT = 20.0
WORKING = ("PreSubmitted", "Submitted")


@dataclass(frozen=True)
class SelfTestResult:
    ok: bool
    summary: str


class StepFailed(Exception):
    pass


async def until(signal: SignalInstance, condition: Callable[[], bool], what: str) -> None:
    """Wait (bounded) until `condition()` holds, re-checking whenever `signal` fires."""
    if condition():
        return
    done = asyncio.get_running_loop().create_future()

    def check(*_args: object) -> None:
        if not done.done() and condition():
            done.set_result(None)

    signal.connect(check)
    try:
        await asyncio.wait_for(done, STEP_TIMEOUT)
    except TimeoutError as exc:
        raise StepFailed(f"{what}: nothing within {STEP_TIMEOUT:.0f}s") from exc
    finally:
        signal.disconnect(check)


def _quote_ok(ticker: Ticker | None) -> bool:
    if ticker is None:
        return False
    bid, ask = ticker.bid, ticker.ask
    return all(isinstance(v, float) and math.isfinite(v) and v > 0 for v in (bid, ask))


def _far_below(ticker: Ticker, min_tick: float) -> float:
    """A buy limit far enough below the bid that it rests, on the contract's tick grid."""
    tick = min_tick if min_tick > 0 else 0.01
    return round(math.floor(ticker.bid * 0.8 / tick) * tick, 8)


async def run_self_test(
    session: BrokerSession, profile: ConnectionProfile, panels_live: Callable[[], bool]
) -> SelfTestResult:
    started = time.monotonic()
    step = "connect"
    handle = None
    if profile.is_live:  # it places an order: never with real money
        return SelfTestResult(
            False,
            f"self-test FAILED at {step}: {profile.name} is a LIVE profile; the self-test places "
            "an order, so it runs only on simulated or paper accounts",
        )
    try:
        if not await session.open_connection(profile):
            raise StepFailed(session.state.text)
        step = "live data"
        contract = await session.qualify(Stock(SYMBOL, "SMART", "USD"))
        handle = session.ticker(contract)
        await until(handle.updated, lambda: _quote_ok(handle.ticker) and not handle.stale, "quotes")
        await until(handle.updated, panels_live, "panels of the default workspace")
        ticker = handle.ticker
        assert ticker is not None
        step = "order"
        min_tick = ticker.minTick if ticker.minTick and math.isfinite(ticker.minTick) else 0.01
        order = LimitOrder("BUY", 1, _far_below(ticker, min_tick))
        order.orderRef = "ib-terminal self-test"
        trade: Trade = session.place_order(contract, order)
        status = trade.orderStatus
        await until(
            session.tradeChanged,
            lambda: status.status in WORKING or trade.isDone(),
            "order acknowledgement",
        )
        if status.status not in WORKING:
            raise StepFailed(f"order {status.status}: {_last_log(trade)}")
        step = "cancel"
        session.cancel_order(trade)
        await until(session.tradeChanged, trade.isDone, "cancel confirmation")
        if status.status != "Cancelled":
            raise StepFailed(f"order ended {status.status}: {_last_log(trade)}")
        elapsed = time.monotonic() - started
        return SelfTestResult(
            True,
            f"self-test OK: {profile.name}, {SYMBOL} {ticker.bid:g} x {ticker.ask:g}, "
            f"order {trade.order.orderId} placed and cancelled, {elapsed:.1f}s",
        )
    except (StepFailed, ContractError, OrderRefused, ConnectionError) as exc:
        return SelfTestResult(False, f"self-test FAILED at {step}: {exc}")
    finally:
        if handle is not None:
            handle.release()


def _last_log(trade: Trade) -> str:
    entries = [e for e in trade.log if e.message]
    return entries[-1].message if entries else "no message from the gateway"
