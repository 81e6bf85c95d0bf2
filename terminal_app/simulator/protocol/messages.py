"""Server -> client message layouts (simulator-notes §4), by name, with their gates.

Values come from ib_async dataclasses (`contract`, `order`, `state`, `execution`, `details`,
`report`, …) and plain keyword values; see `codec.encode`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ib_async.util import UNSET_DOUBLE

from terminal_app.simulator.protocol.codec import (
    Conds,
    Const,
    Each,
    F,
    If,
    Kind,
    MessageSpec,
    Pairs,
)

S, N, D, B, Z, MZ = Kind.STR, Kind.INT, Kind.FLOAT, Kind.BOOL, Kind.SIZE, Kind.MDSIZE


def _c(*names: str) -> tuple[F, ...]:
    return tuple(
        F(f"contract.{n}", D if n == "strike" else N if n == "conId" else S) for n in names
    )


CONTRACT_11 = _c(
    "conId",
    "symbol",
    "secType",
    "lastTradeDateOrContractMonth",
    "strike",
    "right",
    "multiplier",
    "exchange",
    "currency",
    "localSymbol",
    "tradingClass",
)


def _o(name: str, kind: str = S, **gate: str) -> F:
    return F(f"order.{name}", kind, **gate)


def _order_is(*types: str) -> Any:
    return lambda v, _version: v["order"].orderType in types


def _scale(v: Mapping[str, Any], _version: int) -> bool:
    increment = v["order"].scalePriceIncrement
    return bool(0 < increment < UNSET_DOUBLE) and not math.isnan(increment)


def _dn_type(v: Mapping[str, Any], _version: int) -> bool:
    return bool(v["order"].deltaNeutralOrderType)


def _dnc(v: Mapping[str, Any], _version: int) -> bool:
    return v["contract"].deltaNeutralContract is not None


def _has(path_attr: str) -> Any:
    return lambda v, _version: bool(getattr(v["order"], path_attr))


COMBO_LEGS = Each(
    "contract.comboLegs",
    object,
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
ORDER_COMBO_LEGS = Each("order.orderComboLegs", object, (F("_.price", D),))
SCALE_TAIL = If(
    _scale,
    (
        _o("scalePriceAdjustValue", D),
        _o("scalePriceAdjustInterval", N),
        _o("scaleProfitOffset", D),
        _o("scaleAutoReset", B),
        _o("scaleInitPosition", N),
        _o("scaleInitFillQty", N),
        _o("scaleRandomPercent", B),
    ),
)
DNC_BLOCK = (
    If(
        _dnc,
        (
            Const("1"),
            F("contract.deltaNeutralContract.conId", N),
            F("contract.deltaNeutralContract.delta", D),
            F("contract.deltaNeutralContract.price", D),
        ),
    ),
    If(lambda v, _version: not _dnc(v, _version), (Const("0"),)),
)
ALGO = (_o("algoStrategy"), If(_has("algoStrategy"), (Pairs("order.algoParams"),)))
PEG_BENCH = If(
    _order_is("PEG BENCH", "PEGBENCH"),
    (
        _o("referenceContractId", N),
        _o("isPeggedChangeAmountDecrease", B),
        _o("peggedChangeAmount", D),
        _o("referenceChangeAmount", D),
        _o("referenceExchangeId"),
    ),
)
MIN_TRADE_TAIL = (
    _o("minTradeQty", N, since="peg_best_mid"),
    _o("minCompeteSize", N, since="peg_best_mid"),
    _o("competeAgainstBestOffset", D, since="peg_best_mid"),
    _o("midOffsetAtWhole", D, since="peg_best_mid"),
    _o("midOffsetAtHalf", D, since="peg_best_mid"),
)

OPEN_ORDER = (
    _o("orderId", N),
    *CONTRACT_11,
    _o("action"),
    _o("totalQuantity", Z),
    _o("orderType"),
    _o("lmtPrice", D),
    _o("auxPrice", D),
    _o("tif"),
    _o("ocaGroup"),
    _o("account"),
    _o("openClose"),
    _o("origin", N),
    _o("orderRef"),
    _o("clientId", N),
    _o("permId", N),
    _o("outsideRth", B),
    _o("hidden", B),
    _o("discretionaryAmt", D),
    _o("goodAfterTime"),
    Const(""),  # sharesAllocation
    _o("faGroup"),
    _o("faMethod"),
    _o("faPercentage"),
    _o("faProfile", until="no_fa_profile"),
    _o("modelCode"),
    _o("goodTillDate"),
    _o("rule80A"),
    _o("percentOffset", D),
    _o("settlingFirm"),
    _o("shortSaleSlot", N),
    _o("designatedLocation"),
    _o("exemptCode", N),
    _o("auctionStrategy", N),
    _o("startingPrice", D),
    _o("stockRefPrice", D),
    _o("delta", D),
    _o("stockRangeLower", D),
    _o("stockRangeUpper", D),
    _o("displaySize", N),
    _o("blockOrder", B),
    _o("sweepToFill", B),
    _o("allOrNone", B),
    _o("minQty", N),
    _o("ocaType", N),
    _o("eTradeOnly", B),
    _o("firmQuoteOnly", B),
    _o("nbboPriceCap", D),
    _o("parentId", N),
    _o("triggerMethod", N),
    _o("volatility", D),
    _o("volatilityType", N),
    _o("deltaNeutralOrderType"),
    _o("deltaNeutralAuxPrice", D),
    If(
        _dn_type,
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
    _o("basisPoints", D),
    _o("basisPointsType", N),
    F("contract.comboLegsDescrip"),
    COMBO_LEGS,
    ORDER_COMBO_LEGS,
    Pairs("order.smartComboRoutingParams"),
    _o("scaleInitLevelSize", N),
    _o("scaleSubsLevelSize", N),
    _o("scalePriceIncrement", D),
    SCALE_TAIL,
    _o("hedgeType"),
    If(_has("hedgeType"), (_o("hedgeParam"),)),
    _o("optOutSmartRouting", B),
    _o("clearingAccount"),
    _o("clearingIntent"),
    _o("notHeld", B),
    *DNC_BLOCK,
    *ALGO,
    _o("solicited", B),
    _o("whatIf", B),
    F("state.status"),
    F("state.initMarginBefore"),
    F("state.maintMarginBefore"),
    F("state.equityWithLoanBefore"),
    F("state.initMarginChange"),
    F("state.maintMarginChange"),
    F("state.equityWithLoanChange"),
    F("state.initMarginAfter"),
    F("state.maintMarginAfter"),
    F("state.equityWithLoanAfter"),
    F("state.commission", D),
    F("state.minCommission", D),
    F("state.maxCommission", D),
    F("state.commissionCurrency"),
    F("state.warningText"),
    _o("randomizeSize", B),
    _o("randomizePrice", B),
    PEG_BENCH,
    Conds("order"),
    _o("adjustedOrderType"),
    _o("triggerPrice", D),
    _o("trailStopPrice", D),
    _o("lmtPriceOffset", D),
    _o("adjustedStopPrice", D),
    _o("adjustedStopLimitPrice", D),
    _o("adjustedTrailingAmount", D),
    _o("adjustableTrailingUnit", N),
    _o("softDollarTier.name"),
    _o("softDollarTier.val"),
    _o("softDollarTier.displayName"),
    _o("cashQty", D),
    _o("dontUseAutoPriceForHedge", B),
    _o("isOmsContainer", B),
    _o("discretionaryUpToLimitPrice", B),
    _o("usePriceMgmtAlgo", B),
    _o("duration", N, since="duration_in_open_order"),
    _o("postToAts", N, since="post_to_ats"),
    _o("autoCancelParent", B, since="auto_cancel_parent"),
    *MIN_TRADE_TAIL,
)

COMPLETED_ORDER = (
    *CONTRACT_11,
    _o("action"),
    _o("totalQuantity", Z),
    _o("orderType"),
    _o("lmtPrice", D),
    _o("auxPrice", D),
    _o("tif"),
    _o("ocaGroup"),
    _o("account"),
    _o("openClose"),
    _o("origin", N),
    _o("orderRef"),
    _o("permId", N),
    _o("outsideRth", B),
    _o("hidden", B),
    _o("discretionaryAmt", D),
    _o("goodAfterTime"),
    _o("faGroup"),
    _o("faMethod"),
    _o("faPercentage"),
    _o("faProfile", until="no_fa_profile"),
    _o("modelCode"),
    _o("goodTillDate"),
    _o("rule80A"),
    _o("percentOffset", D),
    _o("settlingFirm"),
    _o("shortSaleSlot", N),
    _o("designatedLocation"),
    _o("exemptCode", N),
    _o("startingPrice", D),
    _o("stockRefPrice", D),
    _o("delta", D),
    _o("stockRangeLower", D),
    _o("stockRangeUpper", D),
    _o("displaySize", N),
    _o("sweepToFill", B),
    _o("allOrNone", B),
    _o("minQty", N),
    _o("ocaType", N),
    _o("triggerMethod", N),
    _o("volatility", D),
    _o("volatilityType", N),
    _o("deltaNeutralOrderType"),
    _o("deltaNeutralAuxPrice", D),
    If(
        _dn_type,
        (
            _o("deltaNeutralConId", N),
            _o("deltaNeutralShortSale", B),
            _o("deltaNeutralShortSaleSlot", N),
            _o("deltaNeutralDesignatedLocation"),
        ),
    ),
    _o("continuousUpdate", B),
    _o("referencePriceType", N),
    _o("trailStopPrice", D),
    _o("trailingPercent", D),
    F("contract.comboLegsDescrip"),
    COMBO_LEGS,
    ORDER_COMBO_LEGS,
    Pairs("order.smartComboRoutingParams"),
    _o("scaleInitLevelSize", N),
    _o("scaleSubsLevelSize", N),
    _o("scalePriceIncrement", D),
    SCALE_TAIL,
    _o("hedgeType"),
    If(_has("hedgeType"), (_o("hedgeParam"),)),
    _o("clearingAccount"),
    _o("clearingIntent"),
    _o("notHeld", B),
    *DNC_BLOCK,
    *ALGO,
    _o("solicited", B),
    F("state.status"),
    _o("randomizeSize", B),
    _o("randomizePrice", B),
    PEG_BENCH,
    Conds("order"),
    _o("trailStopPrice", D),
    _o("lmtPriceOffset", D),
    _o("cashQty", D),
    _o("dontUseAutoPriceForHedge", B),
    _o("isOmsContainer", B),
    _o("autoCancelDate"),
    _o("filledQuantity", Z),
    _o("refFuturesConId", N),
    _o("autoCancelParent", B),
    _o("shareholder"),
    _o("imbalanceOnly", B),
    _o("routeMarketableToBbo", B),
    _o("parentPermId", N),
    F("state.completedTime"),
    F("state.completedStatus"),
    *MIN_TRADE_TAIL,
)

CONTRACT_DETAILS = (
    Const("8", until="size_rules"),
    F("reqId", N),
    F("contract.symbol"),
    F("contract.secType"),
    F("lastTradeDate"),
    F("contract.strike", D),
    F("contract.right"),
    F("contract.exchange"),
    F("contract.currency"),
    F("contract.localSymbol"),
    F("details.marketName"),
    F("contract.tradingClass"),
    F("contract.conId", N),
    F("details.minTick", D),
    Const("1", until="size_rules"),  # mdSizeMultiplier
    F("contract.multiplier"),
    F("details.orderTypes"),
    F("details.validExchanges"),
    F("details.priceMagnifier", N),
    F("details.underConId", N),
    F("details.longName"),
    F("contract.primaryExchange"),
    F("details.contractMonth"),
    F("details.industry"),
    F("details.category"),
    F("details.subcategory"),
    F("details.timeZoneId"),
    F("details.tradingHours"),
    F("details.liquidHours"),
    F("details.evRule"),
    F("details.evMultiplier", N),
    Pairs("details.secIdList"),
    F("details.aggGroup", N),
    F("details.underSymbol"),
    F("details.underSecType"),
    F("details.marketRuleIds"),
    F("details.realExpirationDate"),
    F("details.stockType"),
    F("details.minSize", Z, since="size_rules"),
    F("details.sizeIncrement", Z, since="size_rules"),
    F("details.suggestedSizeIncrement", Z, since="size_rules"),
)

EXEC_DETAILS = (
    F("reqId", N),
    F("execution.orderId", N),
    *CONTRACT_11,
    F("execution.execId"),
    F("time"),
    F("execution.acctNumber"),
    F("execution.exchange"),
    F("execution.side"),
    F("execution.shares", Z),
    F("execution.price", D),
    F("execution.permId", N),
    F("execution.clientId", N),
    F("execution.liquidation", N),
    F("execution.cumQty", Z),
    F("execution.avgPrice", D),
    F("execution.orderRef"),
    F("execution.evRule"),
    F("execution.evMultiplier", D),
    F("execution.modelCode"),
    F("execution.lastLiquidity", N),
    F("execution.pendingPriceRevision", B, since="pending_price_revision"),
)

_BAR = (
    F("_.date"),
    F("_.open", D),
    F("_.high", D),
    F("_.low", D),
    F("_.close", D),
    F("_.volume", MZ),
    F("_.average", D),
    F("_.barCount", N),
)

MESSAGES: dict[str, MessageSpec] = {
    "tickPrice": MessageSpec(
        1,
        (Const("6"), F("reqId", N), F("tickType", N), F("price", D), F("size", MZ), F("mask", N)),
    ),
    "tickSize": MessageSpec(2, (Const("6"), F("reqId", N), F("tickType", N), F("size", MZ))),
    "orderStatus": MessageSpec(
        3,
        (
            F("orderId", N),
            F("status"),
            F("filled", Z),
            F("remaining", Z),
            F("avgFillPrice", D),
            F("permId", N),
            F("parentId", N),
            F("lastFillPrice", D),
            F("clientId", N),
            F("whyHeld"),
            F("mktCapPrice", D),
        ),
    ),
    "error": MessageSpec(
        4,
        (
            Const("2"),
            F("reqId", N),
            F("code", N),
            F("text"),
            F("advancedOrderRejectJson", since="advanced_errors"),
        ),
    ),
    "openOrder": MessageSpec(5, OPEN_ORDER),
    "updateAccountValue": MessageSpec(
        6, (Const("2"), F("key"), F("value"), F("currency"), F("account"))
    ),
    "updatePortfolio": MessageSpec(
        7,
        (
            Const("8"),
            *_c(
                "conId",
                "symbol",
                "secType",
                "lastTradeDateOrContractMonth",
                "strike",
                "right",
                "multiplier",
                "primaryExchange",
                "currency",
                "localSymbol",
                "tradingClass",
            ),
            F("item.position", Z),
            F("item.marketPrice", D),
            F("item.marketValue", D),
            F("item.averageCost", D),
            F("item.unrealizedPNL", D),
            F("item.realizedPNL", D),
            F("item.account"),
        ),
    ),
    "updateAccountTime": MessageSpec(8, (Const("1"), F("time"))),
    "nextValidId": MessageSpec(9, (Const("1"), F("orderId", N))),
    "contractDetails": MessageSpec(10, CONTRACT_DETAILS),
    "execDetails": MessageSpec(11, EXEC_DETAILS),
    "updateMktDepth": MessageSpec(
        12,
        (
            Const("1"),
            F("reqId", N),
            F("position", N),
            F("operation", N),
            F("side", N),
            F("price", D),
            F("size", MZ),
        ),
    ),
    "updateMktDepthL2": MessageSpec(
        13,
        (
            Const("1"),
            F("reqId", N),
            F("position", N),
            F("marketMaker"),
            F("operation", N),
            F("side", N),
            F("price", D),
            F("size", MZ),
            F("isSmartDepth", B),
        ),
    ),
    "managedAccounts": MessageSpec(15, (Const("1"), F("accounts"))),
    "historicalData": MessageSpec(
        17, (F("reqId", N), F("start"), F("end"), Each("bars", object, _BAR))
    ),
    "tickOptionComputation": MessageSpec(
        21,
        (
            F("reqId", N),
            F("tickType", N),
            F("tickAttrib", N),
            F("impliedVol", D),
            F("delta", D),
            F("optPrice", D),
            F("pvDividend", D),
            F("gamma", D),
            F("vega", D),
            F("theta", D),
            F("undPrice", D),
        ),
    ),
    "tickGeneric": MessageSpec(45, (Const("6"), F("reqId", N), F("tickType", N), F("value", D))),
    "tickString": MessageSpec(46, (Const("6"), F("reqId", N), F("tickType", N), F("value"))),
    "currentTime": MessageSpec(49, (Const("1"), F("time", N))),
    "realtimeBar": MessageSpec(
        50,
        (
            Const("3"),
            F("reqId", N),
            F("time", N),
            F("bar.open_", D),
            F("bar.high", D),
            F("bar.low", D),
            F("bar.close", D),
            F("bar.volume", MZ),
            F("bar.wap", D),
            F("bar.count", N),
        ),
    ),
    "contractDetailsEnd": MessageSpec(52, (Const("1"), F("reqId", N))),
    "openOrderEnd": MessageSpec(53, (Const("1"),)),
    "accountDownloadEnd": MessageSpec(54, (Const("1"), F("account"))),
    "execDetailsEnd": MessageSpec(55, (Const("1"), F("reqId", N))),
    "tickSnapshotEnd": MessageSpec(57, (Const("1"), F("reqId", N))),
    "marketDataType": MessageSpec(58, (Const("1"), F("reqId", N), F("marketDataType", N))),
    "commissionReport": MessageSpec(
        59,
        (
            Const("1"),
            F("report.execId"),
            F("report.commission", D),
            F("report.currency"),
            F("report.realizedPNL", D),
            F("report.yield_", D),
            F("report.yieldRedemptionDate", N),
        ),
    ),
    "position": MessageSpec(
        61,
        (
            Const("3"),
            F("account"),
            *CONTRACT_11,
            F("position", Z),
            F("avgCost", D),
        ),
    ),
    "positionEnd": MessageSpec(62, (Const("1"),)),
    "accountSummary": MessageSpec(
        63,
        (Const("1"), F("reqId", N), F("account"), F("tag"), F("value"), F("currency")),
    ),
    "accountSummaryEnd": MessageSpec(64, (Const("1"), F("reqId", N))),
    "accountUpdateMulti": MessageSpec(
        73,
        (
            Const("1"),
            F("reqId", N),
            F("account"),
            F("modelCode"),
            F("key"),
            F("value"),
            F("currency"),
        ),
    ),
    "accountUpdateMultiEnd": MessageSpec(74, (Const("1"), F("reqId", N))),
    "securityDefinitionOptionParameter": MessageSpec(
        75,
        (
            F("reqId", N),
            F("exchange"),
            F("underlyingConId", N),
            F("tradingClass"),
            F("multiplier"),
            Each("expirations", object, (F("_"),)),
            Each("strikes", object, (F("_", D),)),
        ),
    ),
    "securityDefinitionOptionParameterEnd": MessageSpec(76, (F("reqId", N),)),
    "symbolSamples": MessageSpec(
        79,
        (
            F("reqId", N),
            Each(
                "descriptions",
                object,
                (
                    F("_.contract.conId", N),
                    F("_.contract.symbol"),
                    F("_.contract.secType"),
                    F("_.contract.primaryExchange"),
                    F("_.contract.currency"),
                    Each("_.derivativeSecTypes", object, (F("_"),)),
                    F("_.contract.description", since="issuer_id"),
                    F("_.contract.issuerId", since="issuer_id"),
                ),
            ),
        ),
    ),
    "mktDepthExchanges": MessageSpec(
        80,
        (
            Each(
                "descriptions",
                object,
                (
                    F("_.exchange"),
                    F("_.secType"),
                    F("_.listingExch"),
                    F("_.serviceDataType"),
                    F("_.aggGroup", N),
                ),
            ),
        ),
    ),
    "headTimestamp": MessageSpec(88, (F("reqId", N), F("timestamp"))),
    # After every reqMktData TWS tells the line's min tick (ib_async sets Ticker.minTick from it).
    "tickReqParams": MessageSpec(
        81, (F("reqId", N), F("minTick", D), F("bboExchange"), F("snapshotPermissions", N))
    ),
    "historicalDataUpdate": MessageSpec(
        90,
        (
            F("reqId", N),
            F("bar.barCount", N),
            F("bar.date"),
            F("bar.open", D),
            F("bar.close", D),
            F("bar.high", D),
            F("bar.low", D),
            F("bar.average", D),
            F("bar.volume", MZ),
        ),
    ),
    "marketRule": MessageSpec(
        93,
        (
            F("marketRuleId", N),
            Each("increments", object, (F("_.lowEdge", D), F("_.increment", D))),
        ),
    ),
    "pnl": MessageSpec(
        94, (F("reqId", N), F("dailyPnL", D), F("unrealizedPnL", D), F("realizedPnL", D))
    ),
    "pnlSingle": MessageSpec(
        95,
        (
            F("reqId", N),
            F("position", MZ),
            F("dailyPnL", D),
            F("unrealizedPnL", D),
            F("realizedPnL", D),
            F("value", D),
        ),
    ),
    "historicalTicks": MessageSpec(
        96,
        (
            F("reqId", N),
            Each("ticks", object, (F("_.time", N), Const(""), F("_.price", D), F("_.size", MZ))),
            F("done", B),
        ),
    ),
    "historicalTicksBidAsk": MessageSpec(
        97,
        (
            F("reqId", N),
            Each(
                "ticks",
                object,
                (
                    F("_.time", N),
                    F("_.mask", N),
                    F("_.priceBid", D),
                    F("_.priceAsk", D),
                    F("_.sizeBid", MZ),
                    F("_.sizeAsk", MZ),
                ),
            ),
            F("done", B),
        ),
    ),
    "historicalTicksLast": MessageSpec(
        98,
        (
            F("reqId", N),
            Each(
                "ticks",
                object,
                (
                    F("_.time", N),
                    F("_.mask", N),
                    F("_.price", D),
                    F("_.size", MZ),
                    F("_.exchange"),
                    F("_.specialConditions"),
                ),
            ),
            F("done", B),
        ),
    ),
    "tickByTickLast": MessageSpec(
        99,
        (
            F("reqId", N),
            F("tickType", N),
            F("time", N),
            F("price", D),
            F("size", MZ),
            F("mask", N),
            F("exchange"),
            F("specialConditions"),
        ),
    ),
    "tickByTickBidAsk": MessageSpec(
        99,
        (
            F("reqId", N),
            Const("3"),
            F("time", N),
            F("bidPrice", D),
            F("askPrice", D),
            F("bidSize", MZ),
            F("askSize", MZ),
            F("mask", N),
        ),
    ),
    "tickByTickMidPoint": MessageSpec(
        99, (F("reqId", N), Const("4"), F("time", N), F("midPoint", D))
    ),
    "completedOrder": MessageSpec(101, COMPLETED_ORDER),
    "completedOrdersEnd": MessageSpec(102, ()),
}
