"""Order field groups that placeOrder (in), openOrder and completedOrder (out) share.

IB's own decoder reads each group with one method (ibapi's `OrderDecoder.decodeFAParams`,
`decodeScaleOrderParams`, …); so do our tables, and each group is written once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ib_async.contract import ComboLeg
from ib_async.order import OrderComboLeg
from ib_async.util import UNSET_DOUBLE

from terminal_app.simulator.protocol.spec import Each, F, If, Kind, Pairs, Pred

S, N, D, B, Z = Kind.STR, Kind.INT, Kind.FLOAT, Kind.BOOL, Kind.SIZE


def o(name: str, kind: str = S, **gate: str) -> F:
    """A field of the order."""
    return F(f"order.{name}", kind, **gate)


def order_is(*types: str) -> Pred:
    return lambda v, _version: v["order"].orderType in types


def _has(attr: str) -> Pred:
    return lambda v, _version: bool(getattr(v["order"], attr))


def _scale_increment(v: Mapping[str, Any], _version: int) -> bool:
    return bool(0 < v["order"].scalePriceIncrement < UNSET_DOUBLE)


def _compete_infinite(v: Mapping[str, Any], _version: int) -> bool:
    return bool(v["order"].competeAgainstBestOffset == math.inf)


TERMS = (
    o("action"),
    o("totalQuantity", Z),
    o("orderType"),
    o("lmtPrice", D),
    o("auxPrice", D),
    o("tif"),
    o("ocaGroup"),
    o("account"),
    o("openClose"),
    o("origin", N),
    o("orderRef"),
)
FA_PARAMS = (
    o("faGroup"),
    o("faMethod"),
    o("faPercentage"),
    o("faProfile", until="no_fa_profile"),
)
SHORT_SALE = (o("shortSaleSlot", N), o("designatedLocation"), o("exemptCode", N))
BOX_AND_STOCK_RANGE = (
    o("startingPrice", D),
    o("stockRefPrice", D),
    o("delta", D),
    o("stockRangeLower", D),
    o("stockRangeUpper", D),
)
# Volatility orders; completedOrder carries only four of the delta-neutral fields.
_DELTA_NEUTRAL_HEAD = (o("deltaNeutralOrderType"), o("deltaNeutralAuxPrice", D))
VOLATILITY = (
    o("volatility", D),
    o("volatilityType", N),
    *_DELTA_NEUTRAL_HEAD,
    If(
        _has("deltaNeutralOrderType"),
        (
            o("deltaNeutralConId", N),
            o("deltaNeutralSettlingFirm"),
            o("deltaNeutralClearingAccount"),
            o("deltaNeutralClearingIntent"),
            o("deltaNeutralOpenClose"),
            o("deltaNeutralShortSale", B),
            o("deltaNeutralShortSaleSlot", N),
            o("deltaNeutralDesignatedLocation"),
        ),
    ),
    o("continuousUpdate", B),
    o("referencePriceType", N),
)
VOLATILITY_COMPLETED = (
    o("volatility", D),
    o("volatilityType", N),
    *_DELTA_NEUTRAL_HEAD,
    If(
        _has("deltaNeutralOrderType"),
        (
            o("deltaNeutralConId", N),
            o("deltaNeutralShortSale", B),
            o("deltaNeutralShortSaleSlot", N),
            o("deltaNeutralDesignatedLocation"),
        ),
    ),
    o("continuousUpdate", B),
    o("referencePriceType", N),
)
TRAIL = (o("trailStopPrice", D), o("trailingPercent", D))
COMBO_LEGS = Each(
    "contract.comboLegs",
    ComboLeg,
    (
        F("_.conId", N),
        F("_.ratio", N),
        F("_.action"),
        F("_.exchange"),
        F("_.openClose", N),
        F("_.shortSaleSlot", N),
        F("_.designatedLocation"),
        F("_.exemptCode", N),
    ),
)
COMBO_PARAMS = (
    COMBO_LEGS,
    Each("order.orderComboLegs", OrderComboLeg, (F("_.price", D),)),
    Pairs("order.smartComboRoutingParams"),
)
SCALE = (
    o("scaleInitLevelSize", N),
    o("scaleSubsLevelSize", N),
    o("scalePriceIncrement", D),
    If(
        _scale_increment,
        (
            o("scalePriceAdjustValue", D),
            o("scalePriceAdjustInterval", N),
            o("scaleProfitOffset", D),
            o("scaleAutoReset", B),
            o("scaleInitPosition", N),
            o("scaleInitFillQty", N),
            o("scaleRandomPercent", B),
        ),
    ),
)
HEDGE = (o("hedgeType"), If(_has("hedgeType"), (o("hedgeParam"),)))
CLEARING = (o("clearingAccount"), o("clearingIntent"), o("notHeld", B))
ALGO = (o("algoStrategy"), If(_has("algoStrategy"), (Pairs("order.algoParams"),)))
RANDOMIZE_AND_PEG_BENCH = (
    o("randomizeSize", B),
    o("randomizePrice", B),
    If(
        order_is("PEG BENCH", "PEGBENCH"),
        (
            o("referenceContractId", N),
            o("isPeggedChangeAmountDecrease", B),
            o("peggedChangeAmount", D),
            o("referenceChangeAmount", D),
            o("referenceExchangeId"),
        ),
    ),
)
# openOrder and completedOrder from 170 on always carry the five; placeOrder sends only those
# its exchange and order type use (`PEG_BEST_MID_REQUEST`).
PEG_BEST_MID = (
    o("minTradeQty", N, since="peg_best_mid"),
    o("minCompeteSize", N, since="peg_best_mid"),
    o("competeAgainstBestOffset", D, since="peg_best_mid"),
    o("midOffsetAtWhole", D, since="peg_best_mid"),
    o("midOffsetAtHalf", D, since="peg_best_mid"),
)
PEG_BEST_MID_REQUEST = If(
    lambda v, _version: True,
    (
        If(lambda v, _version: v["contract"].exchange == "IBKRATS", (o("minTradeQty", N),)),
        If(
            order_is("PEG BEST", "PEGBEST"),
            (
                o("minCompeteSize", N),
                o("competeAgainstBestOffset", D),
                If(_compete_infinite, (o("midOffsetAtWhole", D), o("midOffsetAtHalf", D))),
            ),
        ),
        If(order_is("PEG MID", "PEGMID"), (o("midOffsetAtWhole", D), o("midOffsetAtHalf", D))),
    ),
    since="peg_best_mid",
)
