"""Each order's life as explicit states, with the reason for every transition (IB's code and
text: 201 rejected, 202 cancelled, 110 off-tick price, 10147/10148 cancel of an unknown or
finished order…), built from what ib_async reports on the Trade."""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

from ib_async import Trade


class State(Enum):
    PENDING_SUBMIT = "PendingSubmit"
    API_PENDING = "ApiPending"
    PRE_SUBMITTED = "PreSubmitted"
    SUBMITTED = "Submitted"
    PARTIALLY_FILLED = "Partially filled"
    PENDING_CANCEL = "PendingCancel"
    FILLED = "Filled"
    CANCELLED = "Cancelled"
    API_CANCELLED = "ApiCancelled"
    INACTIVE = "Inactive"

    @property
    def final(self) -> bool:
        return self in (State.FILLED, State.CANCELLED, State.API_CANCELLED)

    @property
    def working(self) -> bool:
        return not self.final and self is not State.INACTIVE


_BY_IB = {s.value: s for s in State}


@dataclass(frozen=True)
class Transition:
    time: datetime
    before: State | None
    after: State
    code: int = 0  # IB's error code behind it, 0 for a plain status
    reason: str = ""


def size(value: float | Decimal | None) -> Decimal:
    """ib_async's float sizes as Decimal (no float equality on quantities)."""
    if value is None:
        return Decimal(0)
    return Decimal(repr(float(value))).normalize() + 0


@dataclass
class OrderRecord:
    """One order as the order book keeps it; `observe` it whenever ib_async reports on it."""

    trade: Trade
    state: State = State.PENDING_SUBMIT
    history: list[Transition] = field(default_factory=list)

    @property
    def order_id(self) -> int:
        return int(self.trade.order.orderId)

    @property
    def filled(self) -> Decimal:
        return size(self.trade.orderStatus.filled)

    @property
    def remaining(self) -> Decimal:
        return size(self.trade.order.totalQuantity) - self.filled

    def observe(self, trade: Trade) -> Transition | None:
        """Take the trade's current status; a Transition when the state changed (or IB gave a
        reason code without changing it, e.g. 10148 on a cancel of a filled order)."""
        self.trade = trade
        status = trade.orderStatus.status
        code, reason = _last_reason(trade)
        state = _BY_IB.get(status)
        if state is None:  # ib_async's "ValidationError": a warning, the order keeps working
            return self._record(self.state, code, reason) if code else None
        if state is State.SUBMITTED and self.filled > 0:
            state = State.PARTIALLY_FILLED
        if state is self.state and self.history:
            return None
        return self._record(state, code, reason)

    def note(self, code: int, text: str) -> Transition | None:
        """An IB message about this order that ib_async did not put on the Trade (it arrived
        after the status it explains, or it changes nothing, as 10148 on a filled order): the
        reason of the last transition when it explains it, else a transition of its own."""
        last = self.history[-1] if self.history else None
        if last is not None and last.code == code:
            return None
        if last is not None and not last.code and code in _EXPLAINS.get(last.after, ()):
            self.history[-1] = replace(last, code=code, reason=text)
            return self.history[-1]
        return self._record(self.state, code, text)

    def lost(self, reason: str) -> Transition:
        """The gateway does not know this order (it never arrived): not working any more."""
        return self._record(State.INACTIVE, 0, reason)

    def _record(self, state: State, code: int, reason: str) -> Transition:
        before = self.state if self.history else None
        transition = Transition(datetime.now(UTC), before, state, code, reason)
        self.state = state
        self.history.append(transition)
        return transition


# IB codes that are the reason for reaching a state: 201 rejected, 202 cancelled, 110 price off
# the tick grid (a new order is rejected for it).
_EXPLAINS: dict[State, frozenset[int]] = {
    State.CANCELLED: frozenset({201, 202, 110}),
    State.API_CANCELLED: frozenset({202}),
    State.INACTIVE: frozenset({201, 110}),
}


def _last_reason(trade: Trade) -> tuple[int, str]:
    if not trade.log:
        return 0, ""
    entry = trade.log[-1]
    return int(entry.errorCode or 0), entry.message or ""
