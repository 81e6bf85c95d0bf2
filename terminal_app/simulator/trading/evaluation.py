"""Working an instrument's orders whenever its market changes or time passes: expiries, sessions,
triggers, auctions, algo slices, then matching what may trade against the book and new prints."""

from __future__ import annotations

import dataclasses
import logging
from decimal import Decimal

from ib_async.order import OrderStatus

from . import triggers
from .errors import Rejection
from .fills import Fills
from .groups import OrderGroups
from .lifecycle import Lifecycle
from .margin import MarginCheck
from .matching import MarketPass, available, limit_now, take, take_from_print, within
from .ports import Book, Level, Print, Venue
from .pricing import to_increment
from .scheduling import session_for
from .table import OrderTable
from .watch import MarketWatch
from .working import TRIGGERED_TYPES, WorkingOrder

log = logging.getLogger(__name__)


class Evaluator:
    def __init__(
        self,
        table: OrderTable,
        watch: MarketWatch,
        lifecycle: Lifecycle,
        margin: MarginCheck,
        fills: Fills,
        groups: OrderGroups,
        venue: Venue,
    ) -> None:
        self._table = table
        self._watch = watch
        self._lifecycle = lifecycle
        self._margin = margin
        self._fills = fills
        self._groups = groups
        self._venue = venue
        self._evaluating: set[int] = set()
        self._taken: dict[
            int, tuple[tuple[Level, ...], tuple[Level, ...], dict[tuple[str, float], Decimal]]
        ] = {}

    def on_market(self, con_id: int, trade: Print | None) -> None:
        self.evaluate(con_id, trade, quote=trade is None)
        self._table.commit()

    def evaluate_elsewhere(self, con_ids: set[int]) -> None:
        """Work these instruments now, except those in the middle of their own pass."""
        for con_id in con_ids - self._evaluating:
            self.evaluate(con_id, None)

    def evaluate(self, con_id: int, trade: Print | None, quote: bool = False) -> None:
        """Work this instrument's orders; `trade` is a new print, `quote` says the quote just
        changed (otherwise the market is as last seen: a timer poll, a new or modified order)."""
        keys = self._watch.keys(con_id)
        if not keys:
            return
        now = self._venue.now()
        book = self._venue.book(con_id)
        if trade is not None:  # several prints in one market step: each is "last" in turn
            book = dataclasses.replace(book, last=trade.price)
        market = MarketPass(book, trade, quote, now, self._taken_from(con_id, book, trade))
        self._evaluating.add(con_id)
        try:
            for key in keys:
                wo = self._table.orders.get(key)
                if wo is None or wo.done or wo.staged:
                    continue
                try:
                    self._step(wo, market)
                except Exception:  # one broken order must not stop the venue for the others
                    log.exception("evaluating order %s failed", key)
        finally:
            self._evaluating.discard(con_id)
        self._groups.apply_deferred_reductions()

    def _taken_from(
        self, con_id: int, book: Book, trade: Print | None
    ) -> dict[tuple[str, float], Decimal]:
        """Liquidity our orders already took from this very book (the market's book is stateless:
        until it changes, what was taken stays taken). Each print is a fresh print."""
        cached = self._taken.get(con_id)
        if cached is not None and cached[0] == book.bids and cached[1] == book.asks:
            taken = cached[2]
            for key in [k for k in taken if k[0] == "print"]:
                del taken[key]
        else:
            taken = {}
            self._taken[con_id] = (book.bids, book.asks, taken)
        return taken

    def _step(self, wo: WorkingOrder, market: MarketPass) -> None:
        now, trade = market.now, market.trade
        parent = self._table.parent(wo)
        # Attached orders work as soon as (and as far as) their parent has filled.
        held_by_parent = parent is not None and parent.filled == 0
        if wo.spec.expires_at is not None and now >= wo.spec.expires_at:
            self._lifecycle.cancel(wo, reason="The contract has expired")
            return
        if wo.kind in ("MOC", "LOC") and not held_by_parent:
            self._auction_close(wo, market)
            return
        if wo.expires_at is not None and now >= wo.expires_at:
            self._lifecycle.cancel(wo, reason="Order expired")
            return
        if held_by_parent or (wo.not_before is not None and now < wo.not_before):
            self._lifecycle.set_status(wo, OrderStatus.PreSubmitted)
            return
        if wo.activates_at is not None:
            if now < wo.activates_at:
                self._lifecycle.set_status(wo, OrderStatus.PreSubmitted)
                return
            self._auction_open(wo, market)
            return
        if now >= (wo.session.outer_close if wo.order.outsideRth else wo.session.close):
            wo.session = session_for(wo, now, self._venue)  # a GTC order rolls into the next one
        if not wo.session.contains(now, wo.order.outsideRth):
            self._lifecycle.set_status(wo, OrderStatus.PreSubmitted)
            return
        if wo.kind in TRIGGERED_TYPES and not wo.triggered:
            stop_before = wo.trail_stop
            fired = triggers.fire(wo, market)
            if wo.trail_stop != stop_before:
                self._table.persist(wo)
            if not fired:
                self._lifecycle.set_status(wo, OrderStatus.PreSubmitted)
                return
            trade = None  # the print that fired the order happened before it was live
        if wo.algo is not None and now < wo.algo.start:
            self._lifecycle.set_status(wo, OrderStatus.PreSubmitted)
            return
        if wo.status != OrderStatus.Submitted and (wo.triggered or parent is not None):
            try:  # IB checks margin again when a held order is released to the market
                self._margin.check_buying_power(wo)
            except Rejection as exc:
                self._lifecycle.deactivate(wo, exc)
                return
        self._lifecycle.set_status(wo, OrderStatus.Submitted)
        self._work(wo, market, trade)

    def _work(self, wo: WorkingOrder, market: MarketPass, trade: Print | None) -> None:
        """Fill what the book (and `trade`, a print the order was live for) allows."""
        priced, limit = limit_now(wo, market)
        tif = wo.tif
        wanted = self._algo_quantity(wo, market) if wo.algo is not None else wo.remaining
        room = self._groups.room(wo)
        if room is not None:
            wanted = min(wanted, room)
        all_or_none = wo.order.allOrNone or tif == "FOK"
        if priced and wanted > 0:
            if all_or_none and available(wo, market, limit) < wo.remaining:
                if tif == "FOK":
                    self._lifecycle.cancel(wo, reason="Fill-or-kill not fillable")
                    return
                wanted = Decimal(0)  # all-or-none waits for enough liquidity
            for quantity, price in take(wo, market, limit, wanted):
                self._fills.fill(wo, quantity, price, liquidity=2)
                wanted -= quantity
                if wo.done:
                    return
            if trade is not None and limit is not None and not wo.done and wanted > 0:
                quantity = take_from_print(wo, market, trade, limit, wanted)
                if quantity > 0:
                    self._fills.fill(wo, quantity, limit, liquidity=1)
        if wo.done:
            return
        if tif in ("IOC", "FOK"):
            self._lifecycle.cancel(wo, reason="Immediate-or-cancel remainder")
        elif (
            wo.algo is not None
            and wo.algo.schedules
            and market.now >= wo.algo.end
            and not wo.algo.allow_past_end
        ):
            self._lifecycle.cancel(wo, reason="Algo end time reached")

    def _algo_quantity(self, wo: WorkingOrder, market: MarketPass) -> Decimal:
        book, now = market.book, market.now
        run = wo.algo
        assert run is not None
        if run.start_volume is None:
            run.start_volume = book.volume
        target = run.target(
            wo.total, now, lambda s, e, t: self._venue.volume_fraction(wo.spec.con_id, s, e, t)
        )
        cap = run.volume_cap(book.volume) if wo.spec.sec_type != "CASH" else None
        if cap is not None:
            target = min(target, cap)
        return to_increment(max(target - wo.filled, Decimal(0)), wo.spec.size_increment)

    def _auction_close(self, wo: WorkingOrder, market: MarketPass) -> None:
        """MOC/LOC: held until the session's close, then all-or-nothing at the closing price."""
        if market.now < wo.session.close:
            self._lifecycle.set_status(wo, OrderStatus.PreSubmitted)
            return
        price = market.book.last
        limit = wo.limit if wo.kind == "LOC" else None
        if price is not None and within(price, limit, wo.is_buy):
            self._fills.fill(wo, wo.remaining, price, liquidity=3)
        else:
            self._lifecycle.cancel(wo, reason="Not filled in the closing auction")

    def _auction_open(self, wo: WorkingOrder, market: MarketPass) -> None:
        """OPG: works once at the open; what the opening market cannot fill is cancelled."""
        self._lifecycle.set_status(wo, OrderStatus.Submitted)
        for quantity, price in take(wo, market, wo.limit, wo.remaining):
            self._fills.fill(wo, quantity, price, liquidity=3)
        if not wo.done:
            self._lifecycle.cancel(wo, reason="Not filled at the open")
