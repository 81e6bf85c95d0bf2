"""Client -> server request layouts (simulator-notes §3), keyed by message id.

Walked from ib_async's `Client` methods and ibapi 9.81's `EClient`; placeOrder follows
`Client.placeOrder` group by group, version gates included.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ib_async.contract import ComboLeg, Contract
from ib_async.objects import ExecutionFilter
from ib_async.order import Order, OrderComboLeg
from ib_async.util import UNSET_DOUBLE

from terminal_app.simulator.protocol.codec import (
    Conds,
    Const,
    Each,
    F,
    If,
    Kind,
    Pairs,
    RequestSpec,
    TagList,
)

S, N, D, B = Kind.STR, Kind.INT, Kind.FLOAT, Kind.BOOL

CONTRACT_12 = (
    F("contract.conId", N),
    F("contract.symbol"),
    F("contract.secType"),
    F("contract.lastTradeDateOrContractMonth"),
    F("contract.strike", D),
    F("contract.right"),
    F("contract.multiplier"),
    F("contract.exchange"),
    F("contract.primaryExchange"),
    F("contract.currency"),
    F("contract.localSymbol"),
    F("contract.tradingClass"),
)


def _is_bag(v: Mapping[str, Any], _version: int) -> bool:
    return bool(v["contract"].secType == "BAG")


def _flag(name: str) -> Any:
    return lambda v, _version: bool(v.get(name))


BAG_LEGS_SHORT = If(
    _is_bag,
    (
        Each(
            "contract.comboLegs",
            ComboLeg,
            (F("_.conId", N), F("_.ratio", N), F("_.action"), F("_.exchange")),
        ),
    ),
)
DNC = (
    F("dnc", B),
    If(_flag("dnc"), (F("dncConId", N), F("dncDelta", D), F("dncPrice", D))),
)
C_ROOT = {"contract": Contract}


def _order_is(*types: str) -> Any:
    return lambda v, _version: v["order"].orderType in types


def _scale_increment(v: Mapping[str, Any], _version: int) -> bool:
    return bool(0 < v["order"].scalePriceIncrement < UNSET_DOUBLE)


def _is_ibkrats(v: Mapping[str, Any], _version: int) -> bool:
    return bool(v["contract"].exchange == "IBKRATS")


def _compete_infinite(v: Mapping[str, Any], _version: int) -> bool:
    return bool(v["order"].competeAgainstBestOffset == math.inf)


def _o(name: str, kind: str = S, **gate: str) -> F:
    return F(f"order.{name}", kind, **gate)


PLACE_ORDER = (
    F("orderId", N),
    *CONTRACT_12,
    F("contract.secIdType"),
    F("contract.secId"),
    _o("action"),
    _o("totalQuantity", D),
    _o("orderType"),
    _o("lmtPrice", D),
    _o("auxPrice", D),
    _o("tif"),
    _o("ocaGroup"),
    _o("account"),
    _o("openClose"),
    _o("origin", N),
    _o("orderRef"),
    _o("transmit", B),
    _o("parentId", N),
    _o("blockOrder", B),
    _o("sweepToFill", B),
    _o("displaySize", N),
    _o("triggerMethod", N),
    _o("outsideRth", B),
    _o("hidden", B),
    If(
        _is_bag,
        (
            Each(
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
            ),
            Each("order.orderComboLegs", OrderComboLeg, (F("_.price", D),)),
            Pairs("order.smartComboRoutingParams"),
        ),
    ),
    Const(""),  # deprecated sharesAllocation
    _o("discretionaryAmt", D),
    _o("goodAfterTime"),
    _o("goodTillDate"),
    _o("faGroup"),
    _o("faMethod"),
    _o("faPercentage"),
    _o("faProfile", until="no_fa_profile"),
    _o("modelCode"),
    _o("shortSaleSlot", N),
    _o("designatedLocation"),
    _o("exemptCode", N),
    _o("ocaType", N),
    _o("rule80A"),
    _o("settlingFirm"),
    _o("allOrNone", B),
    _o("minQty", N),
    _o("percentOffset", D),
    _o("eTradeOnly", B),
    _o("firmQuoteOnly", B),
    _o("nbboPriceCap", D),
    _o("auctionStrategy", N),
    _o("startingPrice", D),
    _o("stockRefPrice", D),
    _o("delta", D),
    _o("stockRangeLower", D),
    _o("stockRangeUpper", D),
    _o("overridePercentageConstraints", B),
    _o("volatility", D),
    _o("volatilityType", N),
    _o("deltaNeutralOrderType"),
    _o("deltaNeutralAuxPrice", D),
    If(
        lambda v, _version: bool(v["order"].deltaNeutralOrderType),
        (
            _o("deltaNeutralConId", N),
            _o("deltaNeutralSettlingFirm"),
            _o("deltaNeutralClearingAccount"),
            _o("deltaNeutralClearingIntent"),
            _o("deltaNeutralOpenClose"),
            _o("deltaNeutralShortSale", B),
            _o("deltaNeutralShortSaleSlot", N),
            _o("deltaNeutralDesignatedLocation"),
        ),
    ),
    _o("continuousUpdate", B),
    _o("referencePriceType", N),
    _o("trailStopPrice", D),
    _o("trailingPercent", D),
    _o("scaleInitLevelSize", N),
    _o("scaleSubsLevelSize", N),
    _o("scalePriceIncrement", D),
    If(
        _scale_increment,
        (
            _o("scalePriceAdjustValue", D),
            _o("scalePriceAdjustInterval", N),
            _o("scaleProfitOffset", D),
            _o("scaleAutoReset", B),
            _o("scaleInitPosition", N),
            _o("scaleInitFillQty", N),
            _o("scaleRandomPercent", B),
        ),
    ),
    _o("scaleTable"),
    _o("activeStartTime"),
    _o("activeStopTime"),
    _o("hedgeType"),
    If(lambda v, _version: bool(v["order"].hedgeType), (_o("hedgeParam"),)),
    _o("optOutSmartRouting", B),
    _o("clearingAccount"),
    _o("clearingIntent"),
    _o("notHeld", B),
    *DNC,
    _o("algoStrategy"),
    If(lambda v, _version: bool(v["order"].algoStrategy), (Pairs("order.algoParams"),)),
    _o("algoId"),
    _o("whatIf", B),
    TagList("order.orderMiscOptions"),
    _o("solicited", B),
    _o("randomizeSize", B),
    _o("randomizePrice", B),
    If(
        _order_is("PEG BENCH", "PEGBENCH"),
        (
            _o("referenceContractId", N),
            _o("isPeggedChangeAmountDecrease", B),
            _o("peggedChangeAmount", D),
            _o("referenceChangeAmount", D),
            _o("referenceExchangeId"),
        ),
    ),
    Conds("order"),
    _o("adjustedOrderType"),
    _o("triggerPrice", D),
    _o("lmtPriceOffset", D),
    _o("adjustedStopPrice", D),
    _o("adjustedStopLimitPrice", D),
    _o("adjustedTrailingAmount", D),
    _o("adjustableTrailingUnit", N),
    _o("extOperator"),
    _o("softDollarTier.name"),
    _o("softDollarTier.val"),
    _o("cashQty", D),
    _o("mifid2DecisionMaker"),
    _o("mifid2DecisionAlgo"),
    _o("mifid2ExecutionTrader"),
    _o("mifid2ExecutionAlgo"),
    _o("dontUseAutoPriceForHedge", B),
    _o("isOmsContainer", B),
    _o("discretionaryUpToLimitPrice", B),
    _o("usePriceMgmtAlgo", B),
    _o("duration", N, since="duration"),
    _o("postToAts", N, since="post_to_ats"),
    _o("autoCancelParent", B, since="auto_cancel_parent"),
    _o("advancedErrorOverride", since="advanced_errors"),
    _o("manualOrderTime", since="manual_order_time"),
    If(
        lambda v, _version: True,
        (
            If(_is_ibkrats, (_o("minTradeQty", N),)),
            If(
                _order_is("PEG BEST", "PEGBEST"),
                (
                    _o("minCompeteSize", N),
                    _o("competeAgainstBestOffset", D),
                    If(_compete_infinite, (_o("midOffsetAtWhole", D), _o("midOffsetAtHalf", D))),
                ),
            ),
            If(
                _order_is("PEG MID", "PEGMID"),
                (_o("midOffsetAtWhole", D), _o("midOffsetAtHalf", D)),
            ),
        ),
        since="peg_best_mid",
    ),
)

_V = Const("1")  # a request's version field (ignored on input)

REQUESTS: dict[int, RequestSpec] = {
    1: RequestSpec(
        "reqMktData",
        (
            _V,
            F("reqId", N),
            *CONTRACT_12,
            BAG_LEGS_SHORT,
            *DNC,
            F("genericTickList"),
            F("snapshot", B),
            F("regulatorySnapshot", B),
            TagList("options"),
        ),
        C_ROOT,
    ),
    2: RequestSpec("cancelMktData", (_V, F("reqId", N))),
    3: RequestSpec("placeOrder", PLACE_ORDER, {"contract": Contract, "order": Order}),
    4: RequestSpec(
        "cancelOrder",
        (_V, F("orderId", N), F("manualCancelOrderTime", since="manual_order_time")),
    ),
    5: RequestSpec("reqOpenOrders", (_V,)),
    6: RequestSpec("reqAccountUpdates", (_V, F("subscribe", B), F("acctCode"))),
    7: RequestSpec(
        "reqExecutions",
        (
            _V,
            F("reqId", N),
            F("filter.clientId", N),
            F("filter.acctCode"),
            F("filter.time"),
            F("filter.symbol"),
            F("filter.secType"),
            F("filter.exchange"),
            F("filter.side"),
        ),
        {"filter": ExecutionFilter},
    ),
    8: RequestSpec("reqIds", (_V, F("numIds", N))),
    9: RequestSpec(
        "reqContractDetails",
        (
            _V,
            F("reqId", N),
            *CONTRACT_12,
            F("contract.includeExpired", B),
            F("contract.secIdType"),
            F("contract.secId"),
            F("issuerId", since="issuer_id"),
        ),
        C_ROOT,
    ),
    10: RequestSpec(
        "reqMktDepth",
        (
            _V,
            F("reqId", N),
            *CONTRACT_12,
            F("numRows", N),
            F("isSmartDepth", B),
            TagList("options"),
        ),
        C_ROOT,
    ),
    11: RequestSpec("cancelMktDepth", (_V, F("reqId", N), F("isSmartDepth", B))),
    15: RequestSpec("reqAutoOpenOrders", (_V, F("autoBind", B))),
    16: RequestSpec("reqAllOpenOrders", (_V,)),
    17: RequestSpec("reqManagedAccts", (_V,)),
    20: RequestSpec(
        "reqHistoricalData",
        (
            F("reqId", N),
            *CONTRACT_12,
            F("contract.includeExpired", B),
            F("endDateTime"),
            F("barSizeSetting"),
            F("durationStr"),
            F("useRTH", B),
            F("whatToShow"),
            F("formatDate", N),
            BAG_LEGS_SHORT,
            F("keepUpToDate", B),
            TagList("chartOptions"),
        ),
        C_ROOT,
    ),
    25: RequestSpec("cancelHistoricalData", (_V, F("reqId", N))),
    49: RequestSpec("reqCurrentTime", (_V,)),
    50: RequestSpec(
        "reqRealTimeBars",
        (
            Const("3"),
            F("reqId", N),
            *CONTRACT_12,
            F("barSize", N),
            F("whatToShow"),
            F("useRTH", B),
            TagList("options"),
        ),
        C_ROOT,
    ),
    51: RequestSpec("cancelRealTimeBars", (_V, F("reqId", N))),
    58: RequestSpec("reqGlobalCancel", (_V,)),
    59: RequestSpec("reqMarketDataType", (_V, F("marketDataType", N))),
    61: RequestSpec("reqPositions", (_V,)),
    62: RequestSpec("reqAccountSummary", (_V, F("reqId", N), F("groupName"), F("tags"))),
    63: RequestSpec("cancelAccountSummary", (_V, F("reqId", N))),
    64: RequestSpec("cancelPositions", (_V,)),
    71: RequestSpec("startApi", (Const("2"), F("clientId", N), F("optionalCapabilities"))),
    76: RequestSpec(
        "reqAccountUpdatesMulti",
        (_V, F("reqId", N), F("account"), F("modelCode"), F("ledgerAndNLV", B)),
    ),
    77: RequestSpec("cancelAccountUpdatesMulti", (_V, F("reqId", N))),
    78: RequestSpec(
        "reqSecDefOptParams",
        (
            F("reqId", N),
            F("underlyingSymbol"),
            F("futFopExchange"),
            F("underlyingSecType"),
            F("underlyingConId", N),
        ),
    ),
    81: RequestSpec("reqMatchingSymbols", (F("reqId", N), F("pattern"))),
    82: RequestSpec("reqMktDepthExchanges", ()),
    87: RequestSpec(
        "reqHeadTimeStamp",
        (
            F("reqId", N),
            *CONTRACT_12,
            F("contract.includeExpired", B),
            F("useRTH", B),
            F("whatToShow"),
            F("formatDate", N),
        ),
        C_ROOT,
    ),
    90: RequestSpec("cancelHeadTimeStamp", (F("reqId", N),)),
    91: RequestSpec("reqMarketRule", (F("marketRuleId", N),)),
    92: RequestSpec("reqPnL", (F("reqId", N), F("account"), F("modelCode"))),
    93: RequestSpec("cancelPnL", (F("reqId", N),)),
    94: RequestSpec("reqPnLSingle", (F("reqId", N), F("account"), F("modelCode"), F("conId", N))),
    95: RequestSpec("cancelPnLSingle", (F("reqId", N),)),
    96: RequestSpec(
        "reqHistoricalTicks",
        (
            F("reqId", N),
            *CONTRACT_12,
            F("contract.includeExpired", B),
            F("startDateTime"),
            F("endDateTime"),
            F("numberOfTicks", N),
            F("whatToShow"),
            F("useRth", B),
            F("ignoreSize", B),
            TagList("miscOptions"),
        ),
        C_ROOT,
    ),
    97: RequestSpec(
        "reqTickByTickData",
        (
            F("reqId", N),
            *CONTRACT_12,
            F("tickType"),
            F("numberOfTicks", N),
            F("ignoreSize", B),
        ),
        C_ROOT,
    ),
    98: RequestSpec("cancelTickByTickData", (F("reqId", N),)),
    99: RequestSpec("reqCompletedOrders", (F("apiOnly", B),)),
}

REQUEST_IDS: dict[str, int] = {spec.name: msg_id for msg_id, spec in REQUESTS.items()}

# Requests the simulator recognises but does not serve: id -> (name, index of reqId or None).
# They are answered with error 322 for that reqId, so the client's request ends at once.
UNSUPPORTED: dict[int, tuple[str, int | None]] = {
    12: ("reqNewsBulletins", None),
    13: ("cancelNewsBulletins", None),
    14: ("setServerLogLevel", None),
    18: ("requestFA", None),
    19: ("replaceFA", 4),
    21: ("exerciseOptions", 2),
    22: ("reqScannerSubscription", 1),
    23: ("cancelScannerSubscription", 2),
    24: ("reqScannerParameters", None),
    52: ("reqFundamentalData", 2),
    53: ("cancelFundamentalData", 2),
    54: ("calculateImpliedVolatility", 2),
    55: ("calculateOptionPrice", 2),
    56: ("cancelCalculateImpliedVolatility", 2),
    57: ("cancelCalculateOptionPrice", 2),
    65: ("verifyRequest", None),
    66: ("verifyMessage", None),
    67: ("queryDisplayGroups", 2),
    68: ("subscribeToGroupEvents", 2),
    69: ("updateDisplayGroup", 2),
    70: ("unsubscribeFromGroupEvents", 2),
    72: ("verifyAndAuthRequest", None),
    73: ("verifyAndAuthMessage", None),
    74: ("reqPositionsMulti", 2),
    75: ("cancelPositionsMulti", 2),
    79: ("reqSoftDollarTiers", 1),
    80: ("reqFamilyCodes", None),
    83: ("reqSmartComponents", 1),
    84: ("reqNewsArticle", 1),
    85: ("reqNewsProviders", None),
    86: ("reqHistoricalNews", 1),
    88: ("reqHistogramData", 1),
    89: ("cancelHistogramData", 1),
    100: ("reqWshMetaData", 1),
    101: ("cancelWshMetaData", 1),
    102: ("reqWshEventData", 1),
    103: ("cancelWshEventData", 1),
    104: ("reqUserInfo", 1),
}
