"""What the engine hands to persistence: fills and finished orders as reqExecutions and
reqCompletedOrders return them, and the `Journal` interface a store implements."""

from __future__ import annotations

from dataclasses import dataclass

from ib_async import CommissionReport, Contract, Execution, Order, OrderState

from .working import Key, WorkingOrder


@dataclass(frozen=True)
class ExecutionRecord:
    """One fill as reqExecutions returns it."""

    client_id: int
    contract: Contract
    execution: Execution
    report: CommissionReport


@dataclass(frozen=True)
class CompletedOrder:
    contract: Contract
    order: Order
    state: OrderState


class Journal:
    """Where the engine records what must survive a restart; `store.StateStore` implements it.
    The base class records nothing (no state dir)."""

    def save_order(self, order: WorkingOrder) -> None:
        """Called after any change of an order that should outlive the process."""

    def drop_order(self, key: Key) -> None:
        """Called when an order is done or stops being persistent."""

    def add_execution(self, record: ExecutionRecord) -> None: ...

    def add_completed(self, order: CompletedOrder) -> None: ...

    def save_counters(self, next_ids: dict[int, int], perm_id: int, exec_seq: int) -> None: ...

    def save_account(self) -> None: ...

    def commit(self) -> None:
        """End of one engine operation: everything recorded since the last commit is atomic."""
