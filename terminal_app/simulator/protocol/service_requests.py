"""Request layouts outside trading and market data: scanners, news, fundamentals, option
calculations, FA, display groups, WSH, account-family requests (ib_async `Client`, ibapi 9.81).

Apart from `requests.py` because the gateway answers most of them with "no data" (or the error TWS
sends with the request's own id) rather than serving them; `requests.REQUESTS` includes them.
"""

from __future__ import annotations

from ib_async.contract import Contract

from terminal_app.simulator.protocol.spec import Const, F, Kind, RequestSpec, TagList

S, N, D, B = Kind.STR, Kind.INT, Kind.FLOAT, Kind.BOOL
_V = Const("1")


def _contract(*names: str) -> tuple[F, ...]:
    return tuple(
        F(f"contract.{n}", N if n == "conId" else D if n == "strike" else S) for n in names
    )


_FIRST = ("conId", "symbol", "secType", "lastTradeDateOrContractMonth", "strike", "right")
_LAST = ("currency", "localSymbol", "tradingClass")
_CONTRACT_12 = _contract(*_FIRST, "multiplier", "exchange", "primaryExchange", *_LAST)
# exerciseOptions and reqFundamentalData name a contract with fewer fields.
_CONTRACT_11 = _contract(*_FIRST, "multiplier", "exchange", *_LAST)
_CONTRACT_FUNDAMENTALS = _contract(
    "conId", "symbol", "secType", "exchange", "primaryExchange", "currency", "localSymbol"
)
_SCANNER_FIELDS = (
    "numberOfRows",
    "instrument",
    "locationCode",
    "scanCode",
    "abovePrice",
    "belowPrice",
    "aboveVolume",
    "marketCapAbove",
    "marketCapBelow",
    "moodyRatingAbove",
    "moodyRatingBelow",
    "spRatingAbove",
    "spRatingBelow",
    "maturityDateAbove",
    "maturityDateBelow",
    "couponRateAbove",
    "couponRateBelow",
    "excludeConvertible",
    "averageOptionVolumeAbove",
    "scannerSettingPairs",
    "stockTypeFilter",
)
_C = {"contract": Contract}


SERVICE_REQUESTS: dict[int, RequestSpec] = {
    14: RequestSpec("setServerLogLevel", (_V, F("logLevel", N))),
    18: RequestSpec("requestFA", (_V, F("faDataType", N))),
    19: RequestSpec("replaceFA", (_V, F("faDataType", N), F("xml"), F("reqId", N))),
    21: RequestSpec(
        "exerciseOptions",
        (
            Const("2"),
            F("reqId", N),
            *_CONTRACT_11,
            F("exerciseAction", N),
            F("exerciseQuantity", N),
            F("account"),
            F("override", N),
        ),
        _C,
    ),
    52: RequestSpec(
        "reqFundamentalData",
        (
            Const("2"),
            F("reqId", N),
            *_CONTRACT_FUNDAMENTALS,
            F("reportType"),
            Const(""),  # the options' count; the options follow as one tag list
            TagList("options"),
        ),
        _C,
    ),
    53: RequestSpec("cancelFundamentalData", (_V, F("reqId", N))),
    67: RequestSpec("queryDisplayGroups", (_V, F("reqId", N))),
    68: RequestSpec("subscribeToGroupEvents", (_V, F("reqId", N), F("groupId", N))),
    69: RequestSpec("updateDisplayGroup", (_V, F("reqId", N), F("contractInfo"))),
    70: RequestSpec("unsubscribeFromGroupEvents", (_V, F("reqId", N))),
    74: RequestSpec("reqPositionsMulti", (_V, F("reqId", N), F("account"), F("modelCode"))),
    75: RequestSpec("cancelPositionsMulti", (_V, F("reqId", N))),
    79: RequestSpec("reqSoftDollarTiers", (F("reqId", N),)),
    80: RequestSpec("reqFamilyCodes", ()),
    83: RequestSpec("reqSmartComponents", (F("reqId", N), F("bboExchange"))),
    88: RequestSpec(
        "reqHistogramData",
        (
            F("reqId", N),
            *_CONTRACT_12,
            F("contract.includeExpired", B),
            F("useRTH", B),
            F("timePeriod"),
        ),
        _C,
    ),
    89: RequestSpec("cancelHistogramData", (F("reqId", N),)),
    100: RequestSpec("reqWshMetaData", (F("reqId", N),)),
    101: RequestSpec("cancelWshMetaData", (F("reqId", N),)),
    102: RequestSpec(
        "reqWshEventData",
        (
            F("reqId", N),
            F("conId", N),
            F("filter", since="wsh_filters"),
            F("fillWatchlist", B, since="wsh_filters"),
            F("fillPortfolio", B, since="wsh_filters"),
            F("fillCompetitors", B, since="wsh_filters"),
            F("startDate", since="wsh_dates"),
            F("endDate", since="wsh_dates"),
            F("totalLimit", N, since="wsh_dates"),
        ),
    ),
    103: RequestSpec("cancelWshEventData", (F("reqId", N),)),
    104: RequestSpec("reqUserInfo", (F("reqId", N),)),
}
