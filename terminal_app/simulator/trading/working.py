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

Key = tuple[int, int]  # (clientId, orderId): how TWS and ib_async tell orders apart
TRIGGERED_TYPES = frozenset({"STP", "STP LMT", "MIT", "LIT", "TRAIL", "TRAIL LIMIT"})


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
    initial_stop: float | None = None
    trigger_hits: int = 0
    expires_at: datetime | None = None
    activates_at: datetime | None = None
    not_before: datetime | None = None
    algo: AlgoRun | None = None
    completed_at: datetime | None = None
    completed_status: str = ""
    children: list[tuple[int, int]] = field(default_factory=list)
    # Read from `order` by `refresh()` (the engine evaluates orders on every market event).
    key: tuple[int, int] = field(init=False)
    kind: str = field(init=False)
    tif: str = field(init=False)
    is_buy: bool = field(init=False)
    total: Decimal = field(init=False)
    limit: float | None = field(init=False)
    """The limit price if this order type uses one (None = market, or no cap)."""
    aux: float | None = field(init=False)
    parent_key: tuple[int, int] | None = field(init=False)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Re-read the derived fields after `order` was replaced or changed."""
        order = self.order
        self.key = (self.client_id, self.order_id)
        self.kind = order.orderType.upper()
        self.tif = (order.tif or "DAY").upper()
        self.is_buy = order.action.upper() == "BUY"
        self.total = quantity_of(order)
        self.limit = float(order.lmtPrice) if uses_limit(order) else None  # type: ignore[arg-type]
        self.aux = float(order.auxPrice) if is_set(order.auxPrice) else None  # type: ignore[arg-type]
        self.parent_key = (self.client_id, order.parentId) if order.parentId else None

    @property
    def remaining(self) -> Decimal:
        return max(self.total - self.filled, Decimal(0))

    @property
    def avg_price(self) -> float:
        return float(self.notional / self.filled) if self.filled else 0.0

    @property
    def done(self) -> bool:
        return self.status in OrderStatus.DoneStates

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
