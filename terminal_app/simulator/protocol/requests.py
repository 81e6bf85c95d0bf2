"""Client -> server request layouts (simulator-notes §3), keyed by message id.

Walked from ib_async's `Client` methods and ibapi 9.81's `EClient`; placeOrder follows
`Client.placeOrder` group by group, version gates included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ib_async.contract import ComboLeg, Contract
from ib_async.objects import ExecutionFilter, ScannerSubscription
from ib_async.order import Order

from terminal_app.simulator.protocol.order_fields import (
    ALGO,
    BOX_AND_STOCK_RANGE,
    CLEARING,
    COMBO_PARAMS,
    FA_PARAMS,
    HEDGE,
    PEG_BEST_MID_REQUEST,
    RANDOMIZE_AND_PEG_BENCH,
    SCALE,
    SHORT_SALE,
    TERMS,
    TRAIL,
    VOLATILITY,
    o,
)
from terminal_app.simulator.protocol.service_requests import SERVICE_REQUESTS
from terminal_app.simulator.protocol.spec import (
    Conds,
    Const,
    Each,
    F,
    If,
    Kind,
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

PLACE_ORDER = (
    F("orderId", N),
    *CONTRACT_12,
    F("contract.secIdType"),
    F("contract.secId"),
    *TERMS,
    o("transmit", B),
    o("parentId", N),
    o("blockOrder", B),
    o("sweepToFill", B),
    o("displaySize", N),
    o("triggerMethod", N),
    o("outsideRth", B),
    o("hidden", B),
    If(_is_bag, COMBO_PARAMS),
    Const(""),  # deprecated sharesAllocation
    o("discretionaryAmt", D),
    o("goodAfterTime"),
    o("goodTillDate"),
    *FA_PARAMS,
    o("modelCode"),
    *SHORT_SALE,
    o("ocaType", N),
    o("rule80A"),
    o("settlingFirm"),
    o("allOrNone", B),
    o("minQty", N),
    o("percentOffset", D),
    o("eTradeOnly", B),
    o("firmQuoteOnly", B),
    o("nbboPriceCap", D),
    o("auctionStrategy", N),
    *BOX_AND_STOCK_RANGE,
    o("overridePercentageConstraints", B),
    *VOLATILITY,
    *TRAIL,
    *SCALE,
    o("scaleTable"),
    o("activeStartTime"),
    o("activeStopTime"),
    *HEDGE,
    o("optOutSmartRouting", B),
    *CLEARING,
    *DNC,
    *ALGO,
    o("algoId"),
    o("whatIf", B),
    TagList("order.orderMiscOptions"),
    o("solicited", B),
    *RANDOMIZE_AND_PEG_BENCH,
    Conds("order"),
    o("adjustedOrderType"),
    o("triggerPrice", D),
    o("lmtPriceOffset", D),
    o("adjustedStopPrice", D),
    o("adjustedStopLimitPrice", D),
    o("adjustedTrailingAmount", D),
    o("adjustableTrailingUnit", N),
    o("extOperator"),
    o("softDollarTier.name"),
    o("softDollarTier.val"),
    o("cashQty", D),
    o("mifid2DecisionMaker"),
    o("mifid2DecisionAlgo"),
    o("mifid2ExecutionTrader"),
    o("mifid2ExecutionAlgo"),
    o("dontUseAutoPriceForHedge", B),
    o("isOmsContainer", B),
    o("discretionaryUpToLimitPrice", B),
    o("usePriceMgmtAlgo", B),
    o("duration", N, since="duration"),
    o("postToAts", N, since="post_to_ats"),
    o("autoCancelParent", B, since="auto_cancel_parent"),
    o("advancedErrorOverride", since="advanced_errors"),
    o("manualOrderTime", since="manual_order_time"),
    PEG_BEST_MID_REQUEST,
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
    54: RequestSpec(
        "calculateImpliedVolatility",
        (
            Const("3"),
            F("reqId", N),
            *CONTRACT_12,
            F("optionPrice", D),
            F("underPrice", D),
            F("optionCount", N),
            TagList("options"),
        ),
        C_ROOT,
    ),
    55: RequestSpec(
        "calculateOptionPrice",
        (
            Const("3"),
            F("reqId", N),
            *CONTRACT_12,
            F("volatility", D),
            F("underPrice", D),
            F("optionCount", N),
            TagList("options"),
        ),
        C_ROOT,
    ),
    56: RequestSpec("cancelCalculateImpliedVolatility", (_V, F("reqId", N))),
    57: RequestSpec("cancelCalculateOptionPrice", (_V, F("reqId", N))),
    58: RequestSpec("reqGlobalCancel", (_V,)),
    59: RequestSpec("reqMarketDataType", (_V, F("marketDataType", N))),
    12: RequestSpec("reqNewsBulletins", (_V, F("allMessages", B))),
    13: RequestSpec("cancelNewsBulletins", (_V,)),
    # No version field from server version 143 (SCANNER_GENERIC_OPTS) on, in both clients.
    22: RequestSpec(
        "reqScannerSubscription",
        (
            F("reqId", N),
            F("subscription.numberOfRows", N),
            F("subscription.instrument"),
            F("subscription.locationCode"),
            F("subscription.scanCode"),
            F("subscription.abovePrice", D),
            F("subscription.belowPrice", D),
            F("subscription.aboveVolume", N),
            F("subscription.marketCapAbove", D),
            F("subscription.marketCapBelow", D),
            F("subscription.moodyRatingAbove"),
            F("subscription.moodyRatingBelow"),
            F("subscription.spRatingAbove"),
            F("subscription.spRatingBelow"),
            F("subscription.maturityDateAbove"),
            F("subscription.maturityDateBelow"),
            F("subscription.couponRateAbove", D),
            F("subscription.couponRateBelow", D),
            F("subscription.excludeConvertible", B),
            F("subscription.averageOptionVolumeAbove", N),
            F("subscription.scannerSettingPairs"),
            F("subscription.stockTypeFilter"),
            TagList("filterOptions"),
            TagList("scannerOptions"),
        ),
        {"subscription": ScannerSubscription},
    ),
    23: RequestSpec("cancelScannerSubscription", (_V, F("reqId", N))),
    24: RequestSpec("reqScannerParameters", (_V,)),
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
    84: RequestSpec(
        "reqNewsArticle",
        (F("reqId", N), F("providerCode"), F("articleId"), TagList("newsArticleOptions")),
    ),
    85: RequestSpec("reqNewsProviders", ()),
    86: RequestSpec(
        "reqHistoricalNews",
        (
            F("reqId", N),
            F("conId", N),
            F("providerCodes"),
            F("startDateTime"),
            F("endDateTime"),
            F("totalResults", N),
            TagList("historicalNewsOptions"),
        ),
    ),
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

REQUESTS.update(SERVICE_REQUESTS)

# Requests the simulator recognises but does not serve: id -> (name, index of reqId or None).
# TWS answers them only for ISV-verified API clients; no ib_async call waits for a reply. They
# get error 322 (for reqId -1: they carry none).
UNSUPPORTED: dict[int, tuple[str, int | None]] = {
    65: ("verifyRequest", None),
    66: ("verifyMessage", None),
    72: ("verifyAndAuthRequest", None),
    73: ("verifyAndAuthMessage", None),
}
