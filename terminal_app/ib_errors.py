"""IB's error and warning codes: how serious each one is, and what it means in plain language.

IB delivers errors, warnings and plain status notices through the same `error` callback; a trader
needs to tell a rejected order from a harmless "farm connection is OK". Severity here follows IB's
meaning, not ib_async's (which logs 2104 "OK" as a warning).
"""

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class CodeInfo:
    severity: Severity
    explanation: str


# Connectivity between TWS/Gateway and IB's servers (reqId -1).
CONNECTIVITY_LOST = 1100
RESTORED_DATA_LOST = 1101
RESTORED_DATA_KEPT = 1102
# Data farms: broken / OK / inactive-but-available.
MARKET_FARM_BROKEN = 2103
MARKET_FARM_OK = 2104
HMDS_FARM_BROKEN = 2105
HMDS_FARM_OK = 2106
HMDS_FARM_INACTIVE = 2107
MARKET_FARM_INACTIVE = 2108
SECDEF_FARM_BROKEN = 2157
SECDEF_FARM_OK = 2158
DUPLICATE_CLIENT_ID = 326
MESSAGE_RATE_EXCEEDED = 100
HISTORY_SERVICE_ERROR = 162

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES: dict[int, CodeInfo] = {
    100: CodeInfo(_E, "Too many messages per second were sent to TWS; requests were dropped."),
    101: CodeInfo(
        _E,
        "The account's market data line limit is reached: close a watchlist row, chart or DOM "
        "you no longer need, or buy more lines (quote booster).",
    ),
    103: CodeInfo(_E, "Duplicate order id: TWS already has an order with this id."),
    110: CodeInfo(
        _E,
        "The order was not accepted: its price is not a multiple of the contract's minimum "
        "tick. Round it to a valid price increment and send it again.",
    ),
    162: CodeInfo(
        _E,
        "IB's historical data service refused the request: a pacing violation (too many or "
        "identical requests in a short time), or no data for this contract and period.",
    ),
    165: CodeInfo(_I, "Historical data service query message."),
    200: CodeInfo(
        _E,
        "No contract matches this description: check symbol, type, exchange, currency and expiry.",
    ),
    201: CodeInfo(_E, "The order was rejected; the text after 'reason' says why."),
    202: CodeInfo(_I, "The order was cancelled."),
    300: CodeInfo(
        _W, "TWS does not know this request id (usually a cancel of a finished request)."
    ),
    321: CodeInfo(
        _E,
        "TWS could not validate the request (for example read-only API mode, or a field TWS "
        "does not accept).",
    ),
    322: CodeInfo(_E, "TWS failed to process the request."),
    326: CodeInfo(
        _E,
        "Another application is already connected with this client id. Choose a different "
        "client id in the connection profile.",
    ),
    354: CodeInfo(
        _E,
        "The account has no market data subscription for this instrument; subscribe in Account "
        "Management or use delayed data.",
    ),
    399: CodeInfo(_W, "Order message from TWS (the order may still be working)."),
    404: CodeInfo(_W, "No shares available to short yet; the order is held while IB locates."),
    502: CodeInfo(_E, "Could not connect to TWS: is it running with the API enabled on that port?"),
    504: CodeInfo(_E, "Not connected to TWS."),
    1100: CodeInfo(
        _E,
        "TWS lost its connection to IB's servers. Market data is stale and orders cannot be "
        "sent until it reconnects.",
    ),
    1101: CodeInfo(
        _W,
        "TWS reconnected to IB's servers but market data subscriptions were lost; they are "
        "being requested again.",
    ),
    1102: CodeInfo(
        _I,
        "TWS reconnected to IB's servers and kept all market data subscriptions.",
    ),
    1300: CodeInfo(_E, "TWS changed its API socket port; reconnect on the new port."),
    2100: CodeInfo(_I, "Account updates were unsubscribed by TWS."),
    2103: CodeInfo(_W, "A market data farm connection is broken: quotes from it are stale."),
    2104: CodeInfo(_I, "Market data farm connection is OK."),
    2105: CodeInfo(_W, "The historical data farm connection is broken: charts are not updating."),
    2106: CodeInfo(_I, "Historical data farm connection is OK."),
    2107: CodeInfo(_I, "Historical data farm is idle; it connects again on demand."),
    2108: CodeInfo(_I, "Market data farm is idle; it connects again on demand."),
    2109: CodeInfo(_W, "'Outside RTH' is ignored for this order type or exchange."),
    2110: CodeInfo(_E, "TWS lost its connection to IB's servers; it is trying to reconnect."),
    2119: CodeInfo(_I, "Market data farm is connecting."),
    2137: CodeInfo(_W, "The order would cross a resting order of this account (wash trade check)."),
    2157: CodeInfo(_W, "The security definition server connection is broken."),
    2158: CodeInfo(_I, "Security definition server connection is OK."),
    10090: CodeInfo(_W, "Part of the requested market data is not subscribed; the rest is shown."),
    10147: CodeInfo(
        _E,
        "The order to cancel was not found: it may already be filled or cancelled.",
    ),
    10148: CodeInfo(_E, "The order cannot be cancelled: it is already filled or cancelled."),
    10167: CodeInfo(_W, "Real-time data is not subscribed; delayed data is shown."),
    10168: CodeInfo(_E, "Delayed market data is not enabled for this account."),
    10197: CodeInfo(
        _E,
        "No market data: the same username is logged in elsewhere (for example TWS on another "
        "machine or the mobile app) and holds the data session.",
    ),
}

# ib_async's warning set (see its Wrapper.error); used for codes without an entry above.
_WARNING_CODES = frozenset({105, 110, 165, 321, 329, 399, 404, 434, 492, 10167})


def describe(code: int) -> CodeInfo:
    """Severity and explanation for `code`; unknown codes keep IB's own text and a severity by
    IB's ranges (2100–2199 are notices, 1100–1300 system messages, the rest errors)."""
    known = CODES.get(code)
    if known is not None:
        return known
    if code in _WARNING_CODES or 2100 <= code < 2200:
        return CodeInfo(_W, "")
    return CodeInfo(_E, "")


def farm_name(text: str) -> str:
    """The farm an IB farm-status message names ("...is broken:usfarm" -> "usfarm")."""
    _head, sep, tail = text.rpartition(":")
    return tail.strip() if sep else ""
