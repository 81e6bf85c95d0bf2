"""The paper account: cash per currency, positions with average cost, PnL and margin.

Bookkeeping follows TWS:
- average cost includes commissions and, for futures, the multiplier (``avgCost = price ×
  multiplier + commission / quantity`` on an opening fill); closing fills realize
  ``(price × multiplier − avgCost) × closed − commission`` (sign-adjusted for shorts); a fill
  through zero closes the old position and opens the rest at the fill price.
- stocks move cash by ``quantity × price``, options by ``quantity × price × multiplier``; forex
  buys the base currency and pays the quote currency (cash balances per currency, the position
  is the base-currency balance traded);
  futures move cash only by the price change of closed contracts and by commissions, each
  commission charged once when paid (no variation margin); NetLiquidation counts an open future's
  price change, not the opening commission again.
- commissions are charged in USD (the base currency).
- daily PnL per position = ``multiplier × (qty × mark − qty_at_day_start × prevClose − Σ today's
  signed fills × price) − today's commissions``; the day rolls with the New York date.
- margin: stocks 25 % of market value (initial and maintenance), futures the data file's initial
  margin per contract (maintenance 90 %), forex 3 % of non-base cash balances, short options
  the CBOE naked-option rule (``option_margin``; long options none). BuyingPower is
  4 × AvailableFunds (a Reg T margin account's day-trading figure).

Public API: ``Ledger(account, universe, market, starting_cash=1_000_000, base="USD")``;
``post_execution(conId, side, quantity, price, commission, time) -> realized PnL | None``;
``margin_impact(conId, signed_quantity, price, commission) -> MarginImpact``;
``account_values()``, ``summary(tags)``, ``portfolio()``, ``positions()``, ``pnl()``,
``pnl_single(conId)``, ``snapshot()`` (the numbers behind them); ``subscribe(callback) ->
unsubscribe`` (called after every posting); ``state()``/``restore(state)`` and
``export()``/``load(document)`` for the store.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ib_async import AccountValue, Contract, PnL, PnLSingle, PortfolioItem, Position

from terminal_app.simulator.account import values as account_values
from terminal_app.simulator.account.option_margin import short_option_margin
from terminal_app.simulator.clock import SimClock
from terminal_app.simulator.market import Market
from terminal_app.simulator.market.instruments import Instrument, Universe
from terminal_app.simulator.market.options import OptionInstrument

log = logging.getLogger(__name__)

NEW_YORK = ZoneInfo("America/New_York")
STOCK_MARGIN = Decimal("0.25")
FOREX_MARGIN = Decimal("0.03")
FUTURES_MAINT = Decimal("0.9")
ZERO = Decimal(0)


def _dec(x: float) -> Decimal:
    return Decimal(repr(float(x)))


@dataclass
class PositionState:
    conId: int
    quantity: Decimal = ZERO
    avg_cost: Decimal = ZERO  # per unit, × multiplier, commissions included
    realized_today: Decimal = ZERO
    qty_day_start: Decimal = ZERO
    fills_today: Decimal = ZERO  # Σ signed quantity × price (× multiplier) today
    commission_today: Decimal = ZERO
    cost_commission: Decimal = ZERO  # opening commissions carried in avg_cost (paid already)


@dataclass
class LedgerState:
    """Everything the ledger owns: saved and restored by the store."""

    cash: dict[str, Decimal] = field(default_factory=dict)
    positions: dict[int, PositionState] = field(default_factory=dict)
    day: str = ""  # New York date of the current PnL day (ISO)
    realized_today: Decimal = ZERO


@dataclass(frozen=True)
class MarginImpact:
    """Margin and equity before and after a hypothetical fill, in the base currency."""

    init_before: Decimal
    maint_before: Decimal
    equity_with_loan_before: Decimal
    init_after: Decimal
    maint_after: Decimal
    equity_with_loan_after: Decimal

    @property
    def sufficient(self) -> bool:
        return self.equity_with_loan_after >= self.init_after


@dataclass(frozen=True)
class Snapshot:
    """The account's figures at one moment (base currency unless per currency)."""

    net_liquidation: Decimal
    total_cash: Decimal
    stock_value: Decimal
    gross_position_value: Decimal
    init_margin: Decimal
    maint_margin: Decimal
    unrealized: Decimal
    realized: Decimal
    daily: Decimal
    futures_pnl: Decimal
    option_value: Decimal
    cash: dict[str, Decimal]
    rates: dict[str, Decimal]
    by_currency: dict[str, dict[str, Decimal]]

    @property
    def equity_with_loan(self) -> Decimal:
        return self.net_liquidation

    @property
    def available_funds(self) -> Decimal:
        return self.equity_with_loan - self.init_margin

    @property
    def excess_liquidity(self) -> Decimal:
        return self.equity_with_loan - self.maint_margin

    @property
    def buying_power(self) -> Decimal:
        return max(ZERO, 4 * self.available_funds)

    @property
    def cushion(self) -> Decimal:
        return self.excess_liquidity / self.net_liquidation if self.net_liquidation else ZERO

    @property
    def leverage(self) -> Decimal:
        return self.gross_position_value / self.net_liquidation if self.net_liquidation else ZERO


Listener = Callable[[], None]


class Ledger:
    def __init__(
        self,
        account: str,
        universe: Universe,
        market: Market,
        starting_cash: float | Decimal = 1_000_000,
        base: str = "USD",
        clock: SimClock | None = None,
    ) -> None:
        self.account = account
        self.universe = universe
        self.market = market
        self.clock = clock or market.clock
        self.base = base
        self.starting_cash = Decimal(str(starting_cash))
        self._state = LedgerState(cash={base: self.starting_cash})
        self._state.day = self._today().isoformat()
        self._listeners: list[Listener] = []

    # --- state ----------------------------------------------------------------------------------

    def state(self) -> LedgerState:
        return copy.deepcopy(self._state)

    def restore(self, state: LedgerState) -> None:
        self._state = copy.deepcopy(state)
        self._roll_day()
        self._changed()

    def export(self) -> dict[str, Any]:
        """JSON-able document of the state (Decimals as strings)."""
        s = self._state
        return {
            "version": 1,
            "base": self.base,
            "day": s.day,
            "realized_today": str(s.realized_today),
            "cash": {k: str(v) for k, v in s.cash.items()},
            "positions": [
                {
                    "conId": p.conId,
                    "localSymbol": self._instrument(p.conId).localSymbol,
                    "quantity": str(p.quantity),
                    "avg_cost": str(p.avg_cost),
                    "realized_today": str(p.realized_today),
                    "qty_day_start": str(p.qty_day_start),
                    "fills_today": str(p.fills_today),
                    "commission_today": str(p.commission_today),
                    "cost_commission": str(p.cost_commission),
                }
                for p in s.positions.values()
            ],
        }

    def load(self, document: Mapping[str, Any]) -> None:
        """Restore from ``export()``'s document; positions in unknown instruments are dropped."""
        positions: dict[int, PositionState] = {}
        for p in document.get("positions", []):
            con_id = int(p["conId"])
            if self.universe.get(con_id) is None and p.get("localSymbol"):
                # An option is made when named: its OCC symbol names it (while it is listed).
                self.universe.match(Contract(secType="OPT", localSymbol=p["localSymbol"]))
            if self.universe.get(con_id) is None:
                log.warning("saved position in unknown conId %d dropped (expired?)", con_id)
                continue
            positions[con_id] = PositionState(
                conId=con_id,
                quantity=Decimal(p["quantity"]),
                avg_cost=Decimal(p["avg_cost"]),
                realized_today=Decimal(p.get("realized_today", "0")),
                qty_day_start=Decimal(p.get("qty_day_start", p["quantity"])),
                fills_today=Decimal(p.get("fills_today", "0")),
                commission_today=Decimal(p.get("commission_today", "0")),
                cost_commission=Decimal(p.get("cost_commission", "0")),
            )
        self.restore(
            LedgerState(
                cash={k: Decimal(v) for k, v in document.get("cash", {}).items()},
                positions=positions,
                day=str(document.get("day", "")),
                realized_today=Decimal(document.get("realized_today", "0")),
            )
        )

    # --- notifications --------------------------------------------------------------------------

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """``callback()`` after every change (postings, restore)."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def _changed(self) -> None:
        for cb in list(self._listeners):
            try:
                cb()
            except Exception:
                log.exception("ledger listener failed")

    # --- postings -------------------------------------------------------------------------------

    def post_execution(
        self,
        conId: int,
        side: str,
        quantity: Decimal,
        price: Decimal,
        commission: Decimal,
        time: datetime | None = None,
    ) -> Decimal | None:
        """Book one fill (side BOT/BUY or SLD/SELL); returns the realized PnL of a closing fill."""
        self._roll_day()
        realized = _post(self._state, self._instrument(conId), side, quantity, price, commission)
        if realized is not None:
            self._state.realized_today += realized * self._rate(self._instrument(conId).currency)
        self._changed()
        return realized

    def margin_impact(
        self, conId: int, signed_quantity: Decimal, price: Decimal, commission: Decimal
    ) -> MarginImpact:
        """What a fill would do to margin and equity (whatIf, buying-power checks)."""
        before = self.snapshot()
        # A fill changes only the cash balances and this one position: copy just those.
        trial = dataclasses.replace(self._state, cash=dict(self._state.cash))
        trial.positions = dict(trial.positions)
        if conId in trial.positions:
            trial.positions[conId] = dataclasses.replace(trial.positions[conId])
        side = "BOT" if signed_quantity > 0 else "SLD"
        _post(trial, self._instrument(conId), side, abs(signed_quantity), price, commission)
        after = self._snapshot(trial)
        return MarginImpact(
            before.init_margin,
            before.maint_margin,
            before.equity_with_loan,
            after.init_margin,
            after.maint_margin,
            after.equity_with_loan,
        )

    # --- figures --------------------------------------------------------------------------------

    def _instrument(self, con_id: int) -> Instrument:
        inst = self.universe.get(con_id)
        if inst is None:
            raise KeyError(f"unknown conId {con_id}")
        return inst

    def _today(self) -> date:
        return self.clock.now().astimezone(NEW_YORK).date()

    def _roll_day(self) -> None:
        today = self._today().isoformat()
        if self._state.day == today:
            return
        self._state.day = today
        self._state.realized_today = ZERO
        for p in self._state.positions.values():
            p.qty_day_start = p.quantity
            p.fills_today = p.realized_today = p.commission_today = ZERO
        self._state.positions = {k: p for k, p in self._state.positions.items() if p.quantity != 0}

    def mark(self, con_id: int) -> tuple[float, float]:
        """(mark price, previous close) of an instrument: last trade, else the midpoint."""
        q = self.market.quote(con_id)
        price = q.last
        if self._instrument(con_id).secType == "CASH" or not _finite(price):
            price = (q.bid + q.ask) / 2 if _finite(q.bid) and _finite(q.ask) else q.last
        prev = q.prevClose if _finite(q.prevClose) else price
        return price, prev

    def _option_margin(self, inst: Instrument, quantity: Decimal, price: float) -> Decimal:
        """Short options only (see `option_margin`); long ones are paid for in full."""
        if quantity >= 0 or not isinstance(inst, OptionInstrument):
            return ZERO
        under = self._instrument(inst.underConId)
        return (
            short_option_margin(
                inst.is_call,
                _dec(inst.strike),
                _dec(self.mark(under.conId)[0]),
                _dec(price),
                under.secType == "IND",
            )
            * _multiplier(inst)
            * abs(quantity)
        )

    def _rate(self, currency: str) -> Decimal:
        """Value of one unit of ``currency`` in the base currency (simulated forex midpoint)."""
        if currency == self.base:
            return Decimal(1)
        for inst in self.universe.instruments:
            if inst.secType != "CASH":
                continue
            if inst.symbol == currency and inst.currency == self.base:
                return _dec(self.mark(inst.conId)[0])
            if inst.symbol == self.base and inst.currency == currency:
                return Decimal(1) / _dec(self.mark(inst.conId)[0])
        log.warning("no exchange rate for %s: valued at 1", currency)
        return Decimal(1)

    def snapshot(self) -> Snapshot:
        self._roll_day()
        return self._snapshot(self._state)

    def _snapshot(self, state: LedgerState) -> Snapshot:
        currencies = set(state.cash) | {self.base}
        for p in state.positions.values():
            currencies.add(self._instrument(p.conId).currency)
        rates = {c: self._rate(c) for c in sorted(currencies)}
        per: dict[str, dict[str, Decimal]] = {
            c: {"stock": ZERO, "options": ZERO, "unrealized": ZERO, "futures": ZERO, "daily": ZERO}
            for c in rates
        }
        gross = init = maint = ZERO
        for p in state.positions.values():
            inst = self._instrument(p.conId)
            ccy = inst.currency
            if p.quantity == 0 and p.fills_today == 0:
                continue
            price, prev = self.mark(p.conId)
            row = _position_figures(inst, p, price, prev)
            per[ccy]["unrealized"] += row.unrealized
            per[ccy]["daily"] += row.daily
            value_base = abs(row.market_value) * rates[ccy]
            if inst.secType == "STK":
                per[ccy]["stock"] += row.market_value
                gross += value_base
                init += STOCK_MARGIN * value_base
                maint += STOCK_MARGIN * value_base
            elif inst.secType == "FUT":
                # The opening commissions in avg_cost already left the cash balance.
                per[ccy]["futures"] += row.unrealized + p.cost_commission
                margin = _dec(inst.margin) * abs(p.quantity)
                init += margin * rates[ccy]
                maint += FUTURES_MAINT * margin * rates[ccy]
            elif inst.secType == "OPT":
                per[ccy]["options"] += row.market_value
                gross += value_base
                margin = self._option_margin(inst, p.quantity, price) * rates[ccy]
                init += margin
                maint += margin
        for ccy, amount in state.cash.items():
            if ccy != self.base:
                init += FOREX_MARGIN * abs(amount) * rates[ccy]
                maint += FOREX_MARGIN * abs(amount) * rates[ccy]
        cash = {c: state.cash.get(c, ZERO) for c in rates}
        total_cash = sum((cash[c] * rates[c] for c in rates), ZERO)
        stock = sum((per[c]["stock"] * rates[c] for c in rates), ZERO)
        futures = sum((per[c]["futures"] * rates[c] for c in rates), ZERO)
        options = sum((per[c]["options"] * rates[c] for c in rates), ZERO)
        unrealized = sum((per[c]["unrealized"] * rates[c] for c in rates), ZERO)
        daily = sum((per[c]["daily"] * rates[c] for c in rates), ZERO)
        for c in rates:
            per[c]["cash"] = cash[c]
            per[c]["net_liquidation"] = (
                cash[c] + per[c]["stock"] + per[c]["options"] + per[c]["futures"]
            )
            per[c]["realized"] = sum(
                (
                    p.realized_today
                    for p in state.positions.values()
                    if self._instrument(p.conId).currency == c
                ),
                ZERO,
            )
        return Snapshot(
            net_liquidation=total_cash + stock + options + futures,
            option_value=options,
            total_cash=total_cash,
            stock_value=stock,
            gross_position_value=gross,
            init_margin=init,
            maint_margin=maint,
            unrealized=unrealized,
            realized=state.realized_today,
            daily=daily,
            futures_pnl=futures,
            cash=cash,
            rates=rates,
            by_currency=per,
        )

    # --- what the protocol layer sends ----------------------------------------------------------

    def account_values(self) -> list[AccountValue]:
        """updateAccountValue rows as TWS sends them for reqAccountUpdates."""
        return account_values.account_value_rows(self.account, self.base, self.snapshot())

    def summary(self, tags: str | list[str] = "All") -> list[AccountValue]:
        """reqAccountSummary rows for a tag list (comma string or list; "All" = every tag)."""
        return account_values.summary_rows(self.account, self.base, self.snapshot(), tags)

    def portfolio(self) -> list[PortfolioItem]:
        out: list[PortfolioItem] = []
        for p in self._state.positions.values():
            inst = self._instrument(p.conId)
            price, prev = self.mark(p.conId)
            row = _position_figures(inst, p, price, prev)
            out.append(
                PortfolioItem(
                    contract=inst.contract(),
                    position=float(p.quantity),
                    marketPrice=price,
                    marketValue=float(round(row.market_value, 2)),
                    averageCost=float(p.avg_cost),
                    unrealizedPNL=float(round(row.unrealized, 2)),
                    realizedPNL=float(round(p.realized_today, 2)),
                    account=self.account,
                )
            )
        return out

    def positions(self) -> list[Position]:
        return [
            Position(
                self.account,
                self._instrument(p.conId).contract(),
                float(p.quantity),
                float(p.avg_cost),
            )
            for p in self._state.positions.values()
            if p.quantity != 0
        ]

    def holdings(self) -> dict[int, Decimal]:
        """conId -> quantity of every open position (cheap: no prices)."""
        return {k: p.quantity for k, p in self._state.positions.items() if p.quantity}

    def position(self, con_id: int) -> Decimal:
        p = self._state.positions.get(con_id)
        return p.quantity if p else ZERO

    def pnl(self) -> PnL:
        s = self.snapshot()
        return PnL(
            account=self.account,
            modelCode="",
            dailyPnL=float(round(s.daily, 2)),
            unrealizedPnL=float(round(s.unrealized, 2)),
            realizedPnL=float(round(s.realized, 2)),
        )

    def pnl_single(self, con_id: int) -> PnLSingle:
        self._roll_day()
        inst = self._instrument(con_id)
        p = self._state.positions.get(con_id) or PositionState(con_id)
        price, prev = self.mark(con_id)
        row = _position_figures(inst, p, price, prev)
        return PnLSingle(
            account=self.account,
            modelCode="",
            conId=con_id,
            dailyPnL=float(round(row.daily, 2)),
            unrealizedPnL=float(round(row.unrealized, 2)),
            realizedPnL=float(round(p.realized_today, 2)),
            position=float(p.quantity),  # type: ignore[arg-type]  # IB sends decimals
            value=float(round(row.market_value, 2)),
        )


@dataclass(frozen=True)
class _Figures:
    market_value: Decimal
    unrealized: Decimal
    daily: Decimal


def _finite(x: float) -> bool:
    return x is not None and not math.isnan(x) and x > 0


def _multiplier(inst: Instrument) -> Decimal:
    return _dec(inst.multiplier) if inst.secType in ("FUT", "OPT") else Decimal(1)


def _position_figures(inst: Instrument, p: PositionState, price: float, prev: float) -> _Figures:
    mult = _multiplier(inst)
    mark = _dec(price) if _finite(price) else p.avg_cost / mult if p.quantity else ZERO
    prev_d = _dec(prev) if _finite(prev) else mark
    value = p.quantity * mark * mult
    unrealized = value - p.quantity * p.avg_cost
    daily = (
        mult * (p.quantity * mark - p.qty_day_start * prev_d) - p.fills_today - p.commission_today
    )
    return _Figures(value, unrealized, daily)


def _post(
    state: LedgerState,
    inst: Instrument,
    side: str,
    quantity: Decimal,
    price: Decimal,
    commission: Decimal,
) -> Decimal | None:
    """Apply one fill to ``state``; returns realized PnL (instrument currency) if it closed any."""
    if quantity <= 0:
        raise ValueError("fill quantity must be positive")
    sign = Decimal(1) if side.upper() in ("BOT", "BUY") else Decimal(-1)
    signed = sign * quantity
    mult = _multiplier(inst)
    p = state.positions.get(inst.conId)
    if p is None:
        p = state.positions[inst.conId] = PositionState(inst.conId)
    old = p.quantity
    realized: Decimal | None = None
    closing = ZERO
    if old != 0 and (old > 0) != (signed > 0):
        closing = min(abs(old), quantity)
    opening = quantity - closing
    # Commissions (USD) go into average cost and realized PnL when the instrument is quoted in
    # USD; a forex pair quoted in another currency keeps them out of its quote-currency figures.
    booked = commission if inst.currency == "USD" else ZERO
    close_comm = booked * closing / quantity
    open_comm = booked - close_comm
    paid_before = ZERO  # opening commissions of the closed part: in avg_cost, already paid
    if closing:
        direction = Decimal(1) if old > 0 else Decimal(-1)
        realized = (price * mult - p.avg_cost) * closing * direction - close_comm
        paid_before = p.cost_commission * closing / abs(old)
        p.realized_today += realized
        p.quantity = old - direction * closing
        p.cost_commission -= paid_before
        if p.quantity == 0:
            p.avg_cost = p.cost_commission = ZERO
    if opening:
        q0 = abs(p.quantity)
        cost = p.avg_cost * q0 + price * mult * opening + open_comm
        p.quantity += sign * opening
        p.avg_cost = cost / abs(p.quantity)
        p.cost_commission += open_comm
    p.fills_today += signed * price * mult
    p.commission_today += commission
    base = "USD"
    state.cash[base] = state.cash.get(base, ZERO) - commission
    if inst.secType in ("STK", "OPT"):  # premiums move cash like shares (× the multiplier)
        state.cash[inst.currency] = state.cash.get(inst.currency, ZERO) - signed * price * mult
    elif inst.secType == "CASH":
        state.cash[inst.symbol] = state.cash.get(inst.symbol, ZERO) + signed
        state.cash[inst.currency] = state.cash.get(inst.currency, ZERO) - signed * price
    elif inst.secType == "FUT" and realized is not None:
        # The price change settles into cash; commissions were charged above, once each.
        settled = realized + close_comm + paid_before
        state.cash[inst.currency] = state.cash.get(inst.currency, ZERO) + settled
    return realized
