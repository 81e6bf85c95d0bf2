"""Orders that work together: OCA groups (one fill cancels or reduces the others) and brackets
(exits work as far as their parent has filled, and wake up when it fills)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from .lifecycle import Lifecycle
from .pricing import to_increment
from .table import OrderTable
from .working import WorkingOrder


class OrderGroups:
    def __init__(
        self,
        table: OrderTable,
        lifecycle: Lifecycle,
        evaluate_elsewhere: Callable[[set[int]], None],
    ) -> None:
        """`evaluate_elsewhere(con_ids)` works the orders of those instruments now, unless one is
        being worked already (its children are then next in that pass)."""
        self._table = table
        self._lifecycle = lifecycle
        self._evaluate_elsewhere = evaluate_elsewhere
        self._deferred_reductions: list[tuple[WorkingOrder, Decimal]] = []

    def after_fill(self, wo: WorkingOrder, quantity: Decimal) -> None:
        peers, oca_type = self._oca_peers(wo)
        if peers:
            if oca_type == 1:
                for peer in peers:
                    self._lifecycle.cancel(peer, reason="OCA group")
            else:
                # Proportional to what each still had to do before this fill.
                before = wo.remaining + quantity
                for peer in peers:
                    cut = to_increment(quantity * peer.remaining / before, peer.spec.size_increment)
                    if oca_type == 3:
                        self._deferred_reductions.append((peer, cut))
                    else:
                        self._reduce(peer, cut)
        if wo.children:
            self._evaluate_elsewhere({child.spec.con_id for child in self._table.children(wo)})

    def room(self, wo: WorkingOrder) -> Decimal | None:
        """How much an attached order may still fill while its parent is partly filled: the
        parent's filled quantity less what the exits under it have done (its own share of the
        parent for a child in its own OCA group); None when the parent is not in the way."""
        parent = self._table.parent(wo)
        if parent is None or parent.done:
            return None
        if wo.order.ocaGroup:
            share = to_increment(parent.filled * wo.total / parent.total, wo.spec.size_increment)
            return max(min(share - wo.filled, wo.remaining), Decimal(0))
        exits = sum((c.filled for c in self._table.children(parent)), Decimal(0))
        return max(min(parent.filled - exits, wo.remaining), Decimal(0))

    def apply_deferred_reductions(self) -> None:
        """OCA type 3 ("reduce without block"): the reductions a pass's fills caused, after it."""
        pending, self._deferred_reductions = self._deferred_reductions, []
        for peer, cut in pending:
            if not peer.done:
                self._reduce(peer, cut)

    def _oca_peers(self, wo: WorkingOrder) -> tuple[list[WorkingOrder], int]:
        """Orders that share `wo`'s OCA group: an explicit ocaGroup (type from ocaType, 0 = 1), or
        the siblings under one bracket parent (reduce with block, as TWS treats bracket exits)."""
        if wo.order.ocaGroup:
            peers = [
                o
                for o in self._table.orders.values()
                if o is not wo and not o.done and o.order.ocaGroup == wo.order.ocaGroup
            ]
            return peers, wo.order.ocaType or 1
        parent = self._table.parent(wo)
        if parent is None:
            return [], 0
        siblings = [s for s in self._table.children(parent) if s.key != wo.key]
        return [s for s in siblings if not s.done and not s.order.ocaGroup], 2

    def _reduce(self, wo: WorkingOrder, cut: Decimal) -> None:
        new_total = wo.total - cut
        if new_total <= wo.filled:
            self._lifecycle.cancel(wo, reason="OCA group")
        else:
            self._lifecycle.resize(wo, new_total)
