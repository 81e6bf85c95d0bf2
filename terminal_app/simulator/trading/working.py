"""One order as the engine tracks it: the client's `Order` plus everything TWS knows about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ib_async import Contract, Order, OrderStatus

from .algos import AlgoRun
from .order_fields import quantity_of, uses_limit
from .ports import InstrumentSpec, SessionWindow
from .pricing import is_set

TRIGGERED_TYPES = frozenset({"STP", "STP LMT", "MIT", "LIT", "TRAIL", "TRAIL LIMIT"})
HELD_TYPES = TRIGGERED_TYPES | {"MOC", "LOC"}


@dataclass
class WorkingOrder:
    client_id: int
    order_id: int
    perm_id: int
    contract: Contract
    order: Order
    spec: InstrumentSpec
    placed_at: datetime
    session: SessionWindow
    status: str = OrderStatus.PendingSubmit
    filled: Decimal = Decimal(0)
    notional: Decimal = Decimal(0)
    commission: Decimal = Decimal(0)
    last_fill_price: float = 0.0
    why_held: str = ""
    staged: bool = False
    triggered: bool = False
    trail_stop: float | None = None
    trigger_hits: int = 0
    expires_at: datetime | None = None
    activates_at: datetime | None = None
    not_before: datetime | None = None
    algo: AlgoRun | None = None
    completed_at: datetime | None = None
    completed_status: str = ""
    children: list[tuple[int, int]] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        return (self.client_id, self.order_id)

    @property
    def is_buy(self) -> bool:
        return self.order.action.upper() == "BUY"

    @property
    def total(self) -> Decimal:
        return quantity_of(self.order)

    @property
    def remaining(self) -> Decimal:
        return max(self.total - self.filled, Decimal(0))

    @property
    def avg_price(self) -> float:
        return float(self.notional / self.filled) if self.filled else 0.0

    @property
    def done(self) -> bool:
        return self.status in OrderStatus.DoneStates

    @property
    def order_type(self) -> str:
        return self.order.orderType.upper()

    @property
    def limit(self) -> float | None:
        """The limit price if this order type uses one (None = market, or no cap)."""
        if not uses_limit(self.order):
            return None
        return float(self.order.lmtPrice)  # type: ignore[arg-type]

    @property
    def aux(self) -> float | None:
        return float(self.order.auxPrice) if is_set(self.order.auxPrice) else None  # type: ignore[arg-type]

    @property
    def parent_key(self) -> tuple[int, int] | None:
        return (self.client_id, self.order.parentId) if self.order.parentId else None

    def record_fill(self, quantity: Decimal, price: float) -> None:
        self.filled += quantity
        self.notional += quantity * Decimal(repr(price))
        self.last_fill_price = price

    def saved(self) -> SavedOrder:
        return SavedOrder(
            client_id=self.client_id,
            order_id=self.order_id,
            perm_id=self.perm_id,
            contract=self.contract,
            order=self.order,
            placed_at=self.placed_at,
            status=self.status,
            filled=self.filled,
            notional=self.notional,
            last_fill_price=self.last_fill_price,
            triggered=self.triggered,
            trail_stop=self.trail_stop,
            commission=self.commission,
            children=tuple(order_id for _, order_id in self.children),
        )


@dataclass(frozen=True)
class SavedOrder:
    """What survives a restart of a working (GTC/GTD) order."""

    client_id: int
    order_id: int
    perm_id: int
    contract: Contract
    order: Order
    placed_at: datetime
    status: str
    filled: Decimal
    notional: Decimal
    last_fill_price: float
    triggered: bool
    trail_stop: float | None
    commission: Decimal = Decimal(0)
    children: tuple[int, ...] = ()
