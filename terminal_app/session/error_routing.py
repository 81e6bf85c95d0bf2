"""IB's error and notice codes, routed to the part of the session that must act on them.

Every code lands in the message log first. Connectivity codes (326, 1100, 1101, 1102) go to the
connection supervisor, farm codes (2103-2106) to the line registry's STALE marking, 100 (message
rate exceeded: IB dropped requests without saying which) to the registry's check for silent
lines, and any other error for a request id to the line it belongs to. 1101 also re-fetches the
account data IB lost.
"""

import asyncio
from collections.abc import Callable

from ib_async import IB, Contract

from terminal_app import ib_errors as codes
from terminal_app.ib_errors import Severity, farm_name
from terminal_app.session.lines import LineRegistry
from terminal_app.session.messages import MessageLog
from terminal_app.session.supervisor import ConnectionSupervisor
from terminal_app.tasks import TaskOwner

FARM_OF_CODE = {
    codes.MARKET_FARM_BROKEN: "market",
    codes.MARKET_FARM_OK: "market",
    codes.HMDS_FARM_BROKEN: "hmds",
    codes.HMDS_FARM_OK: "hmds",
}


class ErrorRouter:
    def __init__(
        self,
        ib: IB,
        messages: MessageLog,
        supervisor: ConnectionSupervisor,
        lines: LineRegistry,
        tasks: TaskOwner,
        *,
        request_timeout: float,
        synced: Callable[[], None],
        report_error: Callable[[str], None],
    ) -> None:
        self._ib = ib
        self._messages = messages
        self._supervisor = supervisor
        self._lines = lines
        self._tasks = tasks
        self._request_timeout = request_timeout
        self._synced = synced
        self._report_error = report_error
        ib.errorEvent += self.route

    def route(self, req_id: int, code: int, text: str, contract: Contract | None) -> None:
        message = self._messages.add_ib(req_id, code, text, contract)
        if code == codes.DUPLICATE_CLIENT_ID:
            self._supervisor.duplicate_client_id()
        elif code == codes.CONNECTIVITY_LOST:
            self._lines.mark_all_stale()
            self._supervisor.ib_link_lost()
        elif code in (codes.RESTORED_DATA_LOST, codes.RESTORED_DATA_KEPT):
            self._supervisor.ib_link_restored()
            if code == codes.RESTORED_DATA_LOST:
                self._lines.resubscribe_all()
                self._tasks.spawn(self._resync(), "resync after 1101")
            else:
                self._lines.unmark_stale()
        elif code in (codes.MARKET_FARM_BROKEN, codes.HMDS_FARM_BROKEN):
            self._lines.farm_broken(FARM_OF_CODE[code], farm_name(text))
        elif code in (codes.MARKET_FARM_OK, codes.HMDS_FARM_OK):
            self._lines.farm_ok(FARM_OF_CODE[code], farm_name(text))
        elif code == codes.MESSAGE_RATE_EXCEEDED:
            self._lines.requests_dropped()
        elif message.severity is Severity.ERROR:
            self._lines.fail(req_id, f"{code}: {text}")

    async def _resync(self) -> None:
        """Account data is lost with 1101 too: fetch orders, positions, fills, account again."""
        ib = self._ib
        requests = [ib.reqPositionsAsync(), ib.reqExecutionsAsync()]
        profile = self._supervisor.profile
        if profile is not None and not profile.read_only:
            requests.append(ib.reqOpenOrdersAsync())
        account = self._supervisor.default_account()
        if account:
            requests.append(ib.reqAccountUpdatesAsync(account))
        results = await asyncio.gather(
            *(asyncio.wait_for(r, self._request_timeout) for r in requests),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                self._report_error(f"re-sync after 1101 incomplete: {result!r}")
        self._synced()
