"""The registry of shared live lines: one subscription at IB per key, however many panels hold it.

It requests a line when the first handle arrives (or on connect), cancels it when the last one
goes, replays every line after a reconnect or a 1101, marks lines STALE while their farm or the
connection is down, and routes IB's per-request errors to the line they belong to. What differs
between kinds (how to request, cancel, find the request id, which farm) is in `LINE_KINDS`.
"""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from ib_async import IB, Contract, PnL, PnLSingle, Ticker

from terminal_app.session.lane import BulkLane
from terminal_app.session.line_kinds import LINE_KINDS, Wire
from terminal_app.session.subscriptions import Kind, Line, LiveHandle
from terminal_app.tasks import TaskOwner

H = TypeVar("H", bound=LiveHandle)


class LineRegistry:
    def __init__(
        self,
        ib: IB,
        lane: BulkLane,
        tasks: TaskOwner,
        *,
        load_history: Callable[[Line], Awaitable[Any]],
        online: Callable[[], bool],
        default_account: Callable[[], str],
        farm_grace: float,
    ) -> None:
        """`load_history` fetches a BARS line's keepUpToDate bars through the paced scheduler;
        `online` says whether requests may go out now (connected, not reconnecting)."""
        self._ib = ib
        self._wire = Wire(ib, default_account)
        self._lane = lane
        self._tasks = tasks
        self._load_history = load_history
        self._online = online
        self._farm_grace = farm_grace
        self._lines: dict[Hashable, Line] = {}
        self._by_value: dict[int, list[Line]] = {}  # id(live ib_async object) -> lines
        self._by_req_id: dict[int, Line] = {}
        self._broken_farms: dict[str, set[str]] = {"market": set(), "hmds": set()}
        self._dropped_at = 0.0  # time.monotonic() of the last error 100
        self._drop_check: asyncio.Task[None] | None = None
        ib.pendingTickersEvent += self._on_tickers
        ib.barUpdateEvent += self._on_bars
        ib.pnlEvent += self._on_pnl
        ib.pnlSingleEvent += self._on_pnl

    # ------------------------------------------------------------------ handles
    def acquire(
        self,
        key: Hashable,
        kind: Kind,
        contract: Contract | None,
        params: dict[str, Any],
        handle_type: type[H],
    ) -> H:
        line = self._lines.get(key)
        created = line is None
        if line is None:
            line = self._lines[key] = Line(key, kind, contract, params)
        handle = handle_type(line, self._release)
        line.handles.append(handle)
        if created and self._online():
            self._subscribe(line)
        return handle

    def get(self, key: Hashable) -> Line | None:
        return self._lines.get(key)

    def renew(self, line: Line) -> None:
        """Its parameters changed: cancel, then request again (if it is live at all)."""
        if line.active:
            self._unsubscribe(line)
            self._subscribe(line)

    def count(self, kind: Kind | None = None) -> int:
        return sum(1 for line in self._lines.values() if kind is None or line.kind is kind)

    def lines(self) -> list[Line]:
        return list(self._lines.values())

    def detach_all(self) -> None:
        """The session is closing: no more signals into closing panels."""
        for line in self._lines.values():
            for handle in line.handles:
                handle.detach()
            line.handles.clear()

    def clear(self) -> None:
        self._lines.clear()

    def _release(self, handle: LiveHandle, line: Line) -> None:
        with contextlib.suppress(ValueError):
            line.handles.remove(handle)
        if line.handles or self._lines.get(line.key) is not line:
            return
        del self._lines[line.key]
        if line.active:
            self._unsubscribe(line)

    # ------------------------------------------------------------------ requests at IB
    def _subscribe(self, line: Line) -> None:
        line.active = True
        line.error = ""
        line.retrying_drop = False
        if LINE_KINDS[line.kind].request is None:
            # Started on the next turn of the loop, not spawned here: a line given back at once
            # (a chart that moves on) loads nothing, and a loop that never turns again (closing)
            # leaves no coroutine that was never awaited.
            asyncio.get_running_loop().call_soon(self._start_load, line)
        else:
            self._lane.submit(lambda: self._send_subscribe(line), key=("sub", line.key))

    def _unsubscribe(self, line: Line) -> None:
        line.active = False
        kind = LINE_KINDS[line.kind]
        if kind.request is None:  # paced history: its cancel does not wait in the lane
            if self._ib.isConnected():
                kind.cancel(self._ib, line, line.value)
            return
        if self._lane.withdraw(("sub", line.key)) or not self._ib.isConnected():
            return  # never reached IB
        self._lane.submit(lambda: self._send_unsubscribe(line))

    def _send_subscribe(self, line: Line) -> None:
        if not self._ib.isConnected() or not line.active:
            return
        kind = LINE_KINDS[line.kind]
        assert kind.request is not None
        value = kind.request(self._wire, line)
        line.requested_at = time.monotonic()
        self._bind(line, value, kind.req_id(self._ib, line, value))

    def _send_unsubscribe(self, line: Line) -> None:
        if not self._ib.isConnected():
            return
        LINE_KINDS[line.kind].cancel(self._ib, line, line.value)
        self._by_req_id.pop(line.req_id, None)

    def _bind(self, line: Line, value: Any, req_id: int) -> None:
        lines = self._by_value.setdefault(id(value), [])
        if line not in lines:
            lines.append(line)
        line.req_id = req_id
        self._by_req_id[req_id] = line
        if value is not line.value:
            line.set_value(value)

    def _start_load(self, line: Line) -> None:
        if line.active and self._lines.get(line.key) is line:
            self._tasks.spawn(self._load_paced(line), f"bars {line.key}")

    async def _load_paced(self, line: Line) -> None:
        try:
            value = await self._load_history(line)
        except Exception as exc:
            text = getattr(exc, "text", "") or str(exc) or type(exc).__name__
            line.set_error(text)
            return
        if value is None:
            return
        kind = LINE_KINDS[line.kind]
        if not line.active or self._lines.get(line.key) is not line:
            if self._ib.isConnected():
                kind.cancel(self._ib, line, value)  # released while loading
            return
        self._bind(line, value, kind.req_id(self._ib, line, value))
        line.notify()

    # ------------------------------------------------------------------ connection changes
    def forget_requests(self) -> None:
        """A new connection: ib_async's live objects and request ids of the old one are void."""
        self._by_value.clear()
        self._by_req_id.clear()

    def subscribe_all(self) -> None:
        for line in list(self._lines.values()):
            self._subscribe(line)

    def mark_offline(self) -> None:
        """The socket is gone: nothing is requested at IB any more, and no data is current."""
        self.forget_requests()
        for line in self._lines.values():
            line.active = False
            line.set_stale(True)

    def resubscribe_all(self) -> None:
        """After 1101 (data lost): request every line again; STALE until data flows."""
        self.forget_requests()
        for line in self._lines.values():
            line.set_stale(True)
            self._subscribe(line)

    def mark_all_stale(self) -> None:
        for line in self._lines.values():
            line.set_stale(True)

    def fail(self, req_id: int, text: str) -> None:
        """IB refused or ended request `req_id`; tell the line's holders if it is one of ours."""
        line = self._by_req_id.get(req_id)
        if line is not None:
            line.set_error(text)

    # ------------------------------------------------------------------ dropped requests
    def requests_dropped(self) -> None:
        """Error 100: IB dropped messages over its rate limit without saying which."""
        self._dropped_at = time.monotonic()
        if self._drop_check is None or self._drop_check.done():
            self._drop_check = self._tasks.spawn(self._recheck_dropped(), "dropped requests")

    async def _recheck_dropped(self) -> None:
        """Lines that answer at once, whose request went out before the error and that have had
        no data a grace period later, were dropped: request each once more; a retry that stays
        silent as well fails the line, so its row says so instead of freezing."""
        dropped_at = self._dropped_at
        await asyncio.sleep(self._farm_grace)
        if not self._online():
            return  # a reconnect requests every line again anyway
        if self._dropped_at > dropped_at:  # another error 100 meanwhile: check that one later
            self._drop_check = self._tasks.spawn(self._recheck_dropped(), "dropped requests")
        for line in list(self._lines.values()):
            sent = 0 < line.requested_at <= dropped_at
            silent = line.active and sent and line.updated_at < line.requested_at
            if not silent or line.error or not LINE_KINDS[line.kind].answers_at_once:
                continue
            if line.retrying_drop:
                line.set_error(
                    "No data: IB dropped the request (error 100, too many messages per "
                    "second) and did not answer its retry either"
                )
            else:
                self.renew(line)
                line.retrying_drop = True

    # ------------------------------------------------------------------ farm health
    def reset_farms(self) -> None:
        """A new TWS session reports its own farm state during the handshake."""
        self._broken_farms = {"market": set(), "hmds": set()}

    def farm_broken(self, farm: str, name: str) -> None:
        self._broken_farms[farm].add(name)
        for line in self._lines.values():
            if LINE_KINDS[line.kind].farm == farm:
                line.set_stale(True)

    def farm_ok(self, farm: str, name: str) -> None:
        was_broken = bool(self._broken_farms[farm])
        self._broken_farms[farm].discard(name)
        if was_broken and not self._broken_farms[farm]:
            self.unmark_stale(farm)
            if farm == "market":
                self._tasks.spawn(self._recheck_quotes(time.monotonic()), "market farm recheck")

    def unmark_stale(self, farm: str | None = None) -> None:
        """Farm OK (2104/2106) or 1102 (data kept): lines that had data are current again,
        unless their farm is still down. `farm` None: every farm."""
        for line in self._lines.values():
            line_farm = LINE_KINDS[line.kind].farm
            if farm is not None and line_farm != farm:
                continue
            if line_farm is not None and self._broken_farms.get(line_farm):
                continue
            if line.active and line.value is not None and not line.error:
                line.set_stale(False)

    async def _recheck_quotes(self, ok_at: float) -> None:
        """IB does not promise to resume every quote after a market farm outage: lines with no
        update within the grace period after 2104 go STALE and are requested again."""
        await asyncio.sleep(self._farm_grace)
        if self._broken_farms["market"] or not self._online():
            return
        for line in list(self._lines.values()):
            quiet = line.updated_at < ok_at
            market = LINE_KINDS[line.kind].farm == "market"
            if market and line.active and quiet and not line.error:
                line.set_stale(True)
                self._unsubscribe(line)
                self._subscribe(line)

    # ------------------------------------------------------------------ ib_async events
    def _on_tickers(self, tickers: set[Ticker]) -> None:
        for ticker in tickers:
            self._updated(ticker)

    def _on_bars(self, bars: Any, _has_new_bar: bool) -> None:
        self._updated(bars)

    def _on_pnl(self, pnl: PnL | PnLSingle) -> None:
        self._updated(pnl)

    def _updated(self, value: Any) -> None:
        for line in self._by_value.get(id(value), ()):
            if line.value is value and LINE_KINDS[line.kind].fresh(line, value):
                line.notify()
