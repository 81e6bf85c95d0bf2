"""Every IB error, warning and notice, and every unhandled app error, in one ordered log.

Qt-free so it can be tested and used headless; the session re-emits each new entry as a Qt signal
(`BrokerSession.messageAdded`) for the Messages dock. Nothing is dropped silently: when the log is
full the oldest entries go, and `dropped` counts them.
"""

import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ib_async import Contract

from terminal_app.ib_errors import Severity, describe

Listener = Callable[["Message"], None]


@dataclass(frozen=True)
class Message:
    time: datetime
    code: int  # IB's error code; 0 for messages from the app itself
    req_id: int  # IB's reqId / orderId; -1 when not tied to a request
    severity: Severity
    text: str  # IB's own text (or the app's)
    explanation: str = ""  # plain-language meaning of `code`, "" when unknown
    contract: Contract | None = None
    source: str = "IB"  # "IB" or "app"

    @property
    def contract_text(self) -> str:
        c = self.contract
        if c is None:
            return ""
        name = c.localSymbol or c.symbol
        return f"{name} {c.secType} {c.exchange or c.primaryExchange} {c.currency}".strip()


@dataclass
class MessageLog:
    """Bounded, append-only log of messages with change listeners."""

    capacity: int = 5000
    dropped: int = 0
    _items: deque[Message] = field(default_factory=deque)
    _listeners: list[Listener] = field(default_factory=list)

    def add_ib(
        self, req_id: int, code: int, text: str, contract: Contract | None = None
    ) -> Message:
        info = describe(code)
        return self.add(
            Message(
                time=datetime.now(UTC),
                code=code,
                req_id=req_id,
                severity=info.severity,
                text=text,
                explanation=info.explanation,
                contract=contract,
            )
        )

    def add_app(self, text: str, severity: Severity = Severity.ERROR) -> Message:
        return self.add(
            Message(
                time=datetime.now(UTC),
                code=0,
                req_id=-1,
                severity=severity,
                text=text,
                source="app",
            )
        )

    def add(self, message: Message) -> Message:
        if len(self._items) >= self.capacity:
            self._items.popleft()
            self.dropped += 1
        self._items.append(message)
        for listener in list(self._listeners):
            listener(message)
        return message

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` for every new message; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Message]:
        return iter(self._items)

    def __getitem__(self, index: int) -> Message:
        return self._items[index]

    def clear(self) -> None:
        self._items.clear()


class IbLogRelay(logging.Handler):
    """ib_async reports some failures only in its log (a start-up fetch that timed out leaves
    the blotter without open orders); relay them to the message log so nothing is swallowed."""

    def __init__(self, messages: MessageLog) -> None:
        super().__init__(logging.WARNING)
        self._messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._messages.add_app(f"ib_async: {record.getMessage()}", Severity.WARNING)
        except Exception:  # a session being torn down must not break ib_async's own logging
            self.handleError(record)
