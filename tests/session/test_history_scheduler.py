"""The history queue: merging, visible waiting, pacing, and 162 handling (send is injected)."""

import asyncio

import pytest
from ib_async import BarData, RequestError, Stock

from terminal_app.session.history import HistoryError, HistoryRequest, HistoryScheduler
from terminal_app.session.pacing import HistoryKey, HistoryPacer, PacingRules
from tests.waiting import wait_until

AAPL = Stock("AAPL", "SMART", "USD", conId=265598)
FAST = PacingRules(
    max_requests=3, window=0.6, identical_gap=0.3, per_contract=2, per_contract_window=0.2
)


def key(bar: str = "1 min", con_id: int = 265598) -> HistoryKey:
    return HistoryKey(con_id, "SMART", "TRADES", "", "1 D", bar, False)


class Sender:
    """Stands in for the IB round trip; answers when `release` is set."""

    def __init__(self, errors: list[RequestError] | None = None) -> None:
        self.sent: list[HistoryKey] = []
        self.errors = errors or []
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, req: HistoryRequest) -> list[BarData]:
        self.sent.append(req.key)
        await self.release.wait()
        if self.errors:
            raise self.errors.pop(0)
        return [BarData(close=float(len(self.sent)))]


@pytest.mark.asyncio
async def test_identical_requests_share_one_send_and_recent_results_are_reused() -> None:
    send = Sender()
    send.release.clear()
    s = HistoryScheduler(send, HistoryPacer(FAST))
    a = asyncio.ensure_future(s.request(key(), AAPL))
    b = asyncio.ensure_future(s.request(key(), AAPL))
    await wait_until(lambda: len(send.sent) == 1)
    send.release.set()
    assert await a == await b == [BarData(close=1.0)]
    assert await s.request(key(), AAPL) == [BarData(close=1.0)]  # within 15 s rule: reused
    assert len(send.sent) == 1
    await s.close()


@pytest.mark.asyncio
async def test_requests_over_the_limit_wait_visibly_and_go_when_allowed() -> None:
    send = Sender()
    changes: list[int] = []
    s = HistoryScheduler(send, HistoryPacer(FAST), on_change=lambda: changes.append(1))
    tasks = [asyncio.ensure_future(s.request(key(con_id=i), AAPL)) for i in range(5)]
    await wait_until(lambda: len(send.sent) == 3)
    assert [r.key.con_id for r in s.waiting()] == [3, 4]
    assert s.waiting()[0].describe == "AAPL 1 min 1 D TRADES"
    results = await asyncio.wait_for(asyncio.gather(*tasks), 3)
    assert len(results) == 5 and len(send.sent) == 5 and s.waiting() == []
    assert changes
    await s.close()


@pytest.mark.asyncio
async def test_a_cancelled_waiter_leaves_the_queue() -> None:
    send = Sender()
    s = HistoryScheduler(send, HistoryPacer(PacingRules(max_requests=1, window=30)))
    await s.request(key("1 min"), AAPL)
    waiting = asyncio.ensure_future(s.request(key("5 mins"), AAPL))
    await wait_until(lambda: len(s.waiting()) == 1)
    waiting.cancel()
    await wait_until(lambda: s.waiting() == [])
    assert len(send.sent) == 1
    await s.close()


@pytest.mark.asyncio
async def test_pacing_violation_blocks_the_queue_then_retries_once() -> None:
    violation = (
        "Historical Market Data Service error message:Historical data request pacing violation"
    )
    send = Sender([RequestError(5, 162, violation)])
    pacer = HistoryPacer(FAST)
    s = HistoryScheduler(send, pacer, violation_cooldown=0.2)
    result = await asyncio.wait_for(s.request(key(), AAPL), 3)
    assert result == [BarData(close=2.0)] and len(send.sent) == 2
    # A second violation for the same request is not retried again.
    send.errors = [RequestError(6, 162, violation), RequestError(7, 162, violation)]
    with pytest.raises(HistoryError) as err:
        await asyncio.wait_for(s.request(key("5 mins"), AAPL), 3)
    assert err.value.code == 162 and "pacing" in err.value.text
    assert len(send.sent) == 4
    await s.close()


@pytest.mark.asyncio
async def test_other_162_errors_fail_at_once_with_ibs_reason() -> None:
    send = Sender([RequestError(5, 162, "HMDS query returned no data: AAPL@SMART Trades")])
    s = HistoryScheduler(send, HistoryPacer(FAST))
    with pytest.raises(HistoryError) as err:
        await s.request(key(), AAPL)
    assert "no data" in err.value.text and err.value.explanation
    assert len(send.sent) == 1
    await s.close()


@pytest.mark.asyncio
async def test_paused_queue_sends_nothing_until_resumed() -> None:
    send = Sender()
    s = HistoryScheduler(send, HistoryPacer(FAST))
    s.pause()
    task = asyncio.ensure_future(s.request(key(), AAPL))
    await wait_until(lambda: len(s.waiting()) == 1)
    await asyncio.sleep(0.05)  # give a wrongly unpaused queue the chance to send
    assert send.sent == []
    s.resume()
    assert await asyncio.wait_for(task, 2) == [BarData(close=1.0)]
    await s.close()
