"""Framing, handshake and codec against what ib_async and ibapi 9.81 really send and expect.

Request fields are captured from the real clients' own `placeOrder`/`reqMktData`/… methods (no
socket), and server messages are fed to the real decoders, so a layout mistake fails here.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest
from ib_async import BarData, Contract, LimitOrder, MarketOrder, Order
from ib_async.contract import ContractDetails, TagValue
from ib_async.objects import CommissionReport, Execution
from ib_async.order import OrderState, PriceCondition, TimeCondition

from terminal_app.simulator.protocol import framing
from terminal_app.simulator.protocol.codec import DecodeError, decode, encode, encode_slices
from terminal_app.simulator.protocol.framing import (
    FrameReader,
    FramingError,
    VersionRange,
    negotiate_version,
    parse_version_range,
)
from tests.raw_client import ib_async_fields

AAPL = Contract(conId=265598, symbol="AAPL", secType="STK", exchange="SMART", currency="USD")


# ------------------------------------------------------------------ capturing real clients


def ibapi_fields(version: int, call: str, *args: Any) -> list[str]:
    """The fields ibapi 9.81's EClient sends for `call(*args)` at server `version`."""
    from ibapi.client import EClient

    client = EClient(wrapper=None)
    client.serverVersion_ = version
    client.connState = EClient.CONNECTED
    sent: list[str] = []

    class Conn:
        def isConnected(self) -> bool:
            return True

    client.conn = Conn()
    client.sendMsg = sent.append
    getattr(client, call)(*args)
    return sent[0].split("\0")[:-1]


def to_ibapi_contract(c: Contract) -> Any:
    from ibapi.contract import Contract as IBContract

    out = IBContract()
    for name in ("conId", "symbol", "secType", "exchange", "currency"):
        setattr(out, name, getattr(c, name))
    return out


# ------------------------------------------------------------------ framing


def test_frame_reader_survives_any_split() -> None:
    stream = framing.API_SIGN + framing.frame(b"v157..178")
    stream += framing.encode_fields(["71", "2", "1", ""]) + framing.encode_fields(["49", "1"])
    for cut in range(1, len(stream)):
        reader = FrameReader()
        messages = reader.feed(stream[:cut]) + reader.feed(stream[cut:])
        assert messages == [b"v157..178", b"71\x002\x001\x00\x00", b"49\x001\x00"]


@pytest.mark.parametrize(
    "garbage",
    [b"GET / HTTP/1.1\r\n", b"API\0\xff\xff\xff\xff", b"API\0\0\0\0\0"],
)
def test_frame_reader_rejects_garbage(garbage: bytes) -> None:
    with pytest.raises(FramingError):
        FrameReader().feed(garbage)


def test_every_field_ends_with_a_nul() -> None:
    assert framing.encode_body([]) == b""  # an empty piece of a sliced message
    assert framing.encode_body([""]) == b"\0"
    assert framing.encode_body(["49", "", "x"]) == b"49\0\0x\0"
    assert framing.encode_body(str(n) for n in (1, 2)) == b"1\x002\0"
    assert framing.encode_fields(["9", "1", "7"]) == b"\0\0\0\x069\x001\x007\0"


def test_split_fields_drops_the_trailing_nul_piece() -> None:
    assert framing.split_fields(b"1\x00\x00x\x00") == ["1", "", "x"]


@pytest.mark.parametrize(
    ("offer", "expected"),
    [("v157..178", 178), ("v100..157", 157), ("v100..200", 178), ("v160..170", 170)],
)
def test_version_negotiation(offer: str, expected: int) -> None:
    assert negotiate_version(parse_version_range(offer.encode())) == expected


def test_version_negotiation_refuses_disjoint_ranges() -> None:
    assert negotiate_version(VersionRange(100, 150)) is None
    assert negotiate_version(VersionRange(179, 190)) is None
    with pytest.raises(FramingError):
        parse_version_range(b"hello")


def test_version_range_with_connect_options() -> None:
    assert parse_version_range(b"v100..157 +PACEAPI") == VersionRange(100, 157, "+PACEAPI")


# ------------------------------------------------------------------ decoding requests


@pytest.mark.parametrize(("version", "count"), [(178, 114), (157, 110)])
def test_plain_limit_order_from_ib_async_is_consumed_exactly(version: int, count: int) -> None:
    fields = ib_async_fields(version, "placeOrder", 7, AAPL, LimitOrder("BUY", 100, 189.25))
    assert len(fields) == count
    request = decode(fields, version)
    assert request.consumed == request.total == count
    order: Order = request["order"]
    assert request["orderId"] == 7
    assert (order.action, order.totalQuantity, order.orderType) == ("BUY", 100.0, "LMT")
    assert order.lmtPrice == 189.25 and order.transmit and not order.whatIf
    assert request["contract"].conId == 265598 and request["contract"].symbol == "AAPL"


def test_plain_limit_order_from_ibapi_157_is_consumed_exactly() -> None:
    from ibapi.order import Order as IBOrder

    order = IBOrder()
    order.action, order.totalQuantity, order.orderType, order.lmtPrice = "SELL", 5, "LMT", 10.5
    fields = ibapi_fields(157, "placeOrder", 3, to_ibapi_contract(AAPL), order)
    assert len(fields) == 110
    request = decode(fields, 157)
    assert request.consumed == 110
    decoded: Order = request["order"]
    assert (decoded.action, decoded.totalQuantity, decoded.lmtPrice) == ("SELL", 5.0, 10.5)
    assert decoded.eTradeOnly  # ibapi 9.81 sends 1 by default


def test_complex_order_groups_are_walked() -> None:
    order = LimitOrder("BUY", 2.5, 100.0, whatIf=True, algoStrategy="Adaptive")
    order.algoParams = [TagValue("adaptivePriority", "Normal")]
    order.hedgeType, order.hedgeParam = "D", "0.5"
    order.conditions = [
        PriceCondition(price=101.5, conId=265598, exch="SMART", isMore=True),
        TimeCondition(time="20261125 10:00:00 US/Eastern", conjunction="o"),
    ]
    order.scalePriceIncrement = 0.05
    order.orderType = "PEG MID"
    order.midOffsetAtWhole, order.midOffsetAtHalf = 0.01, 0.005
    fields = ib_async_fields(178, "placeOrder", 9, AAPL, order)
    request = decode(fields, 178)
    assert request.consumed == request.total
    got: Order = request["order"]
    assert got.whatIf and got.totalQuantity == 2.5
    assert got.algoParams == [TagValue("adaptivePriority", "Normal")]
    assert got.hedgeParam == "0.5"
    assert [type(c) for c in got.conditions] == [PriceCondition, TimeCondition]
    first, second = got.conditions
    assert isinstance(first, PriceCondition) and first.price == 101.5
    assert isinstance(second, TimeCondition) and second.conjunction == "o"
    assert got.midOffsetAtHalf == 0.005


@pytest.mark.parametrize(("version", "count"), [(178, 4), (157, 3)])
def test_cancel_order(version: int, count: int) -> None:
    fields = ib_async_fields(version, "cancelOrder", 12)
    assert len(fields) == count
    request = decode(fields, version)
    assert request["orderId"] == 12 and request.consumed == count


@pytest.mark.parametrize(("version", "count"), [(178, 19), (157, 18)])
def test_contract_details_request(version: int, count: int) -> None:
    contract = Contract(symbol="ES", secType="FUT", exchange="CME")
    fields = ib_async_fields(version, "reqContractDetails", 5, contract)
    assert len(fields) == count
    request = decode(fields, version)
    assert request.consumed == count and request["contract"].symbol == "ES"


@pytest.mark.parametrize(
    ("call", "args", "count"),
    [
        ("reqMktData", (3, AAPL, "233,165", False, False, []), 20),
        ("reqMktDepth", (3, AAPL, 10, False, []), 18),
        ("reqHistoricalData", (4, AAPL, "", "1 D", "5 mins", "TRADES", 1, 1, True, []), 23),
        ("reqRealTimeBars", (4, AAPL, 5, "MIDPOINT", False, []), 19),
        ("reqHeadTimeStamp", (4, AAPL, "TRADES", True, 1), 18),
        (
            "reqHistoricalTicks",
            (4, AAPL, "", "20261125 15:00:00 UTC", 100, "BID_ASK", 1, 0, []),
            22,
        ),
        ("reqTickByTickData", (4, AAPL, "BidAsk", 0, False), 17),
        ("reqAccountSummary", (4, "All", "NetLiquidation,BuyingPower"), 5),
        ("reqPnLSingle", (4, "DU1234567", "", 265598), 5),
        ("reqMatchingSymbols", (4, "AA"), 3),
        ("reqCompletedOrders", (False,), 2),
    ],
)
def test_requests_are_consumed_exactly(call: str, args: tuple[Any, ...], count: int) -> None:
    fields = ib_async_fields(178, call, *args)
    assert len(fields) == count
    request = decode(fields, 178)
    assert request.name == call and request.consumed == count


def test_request_values() -> None:
    request = decode(ib_async_fields(178, "reqMktData", 3, AAPL, "233,165", True, False, []), 178)
    assert request["genericTickList"] == "233,165" and request["snapshot"] is True
    history = decode(
        ib_async_fields(
            178, "reqHistoricalData", 4, AAPL, "", "2 D", "1 hour", "MIDPOINT", 0, 2, False, []
        ),
        178,
    )
    assert (history["durationStr"], history["barSizeSetting"]) == ("2 D", "1 hour")
    assert (history["whatToShow"], history["useRTH"], history["formatDate"]) == (
        "MIDPOINT",
        False,
        2,
    )


def test_short_request_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        decode(["9", "8", "5", "0", "ES"], 178)


# ------------------------------------------------------------------ encoding messages


class Sink:
    """A stand-in wrapper that records what ib_async's Decoder delivers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.append((name, args))


def ib_async_decode(fields: list[str], version: int) -> list[tuple[str, tuple[Any, ...]]]:
    from ib_async.decoder import Decoder

    sink = Sink()
    decoder = Decoder(sink, version)  # type: ignore[arg-type]
    decoder.interpret(fields)
    return sink.calls


def sample_order_and_state() -> tuple[Order, OrderState]:
    order = LimitOrder("BUY", 100, 189.25, orderId=7, clientId=1, permId=1001, account="DU1234567")
    return order, OrderState(status="Submitted", initMarginChange="1000.5", commission=1.0)


@pytest.mark.parametrize(("version", "count"), [(178, 127), (157, 120)])
def test_open_order_field_count_and_round_trip(version: int, count: int) -> None:
    order, state = sample_order_and_state()
    fields = encode("openOrder", version, order=order, contract=AAPL, state=state)
    assert len(fields) == count
    calls = ib_async_decode(fields, version)
    assert [c[0] for c in calls] == ["openOrder"]
    _order_id, contract, got, got_state = calls[0][1]
    assert got.permId == 1001 and got.lmtPrice == 189.25 and got.totalQuantity == 100
    assert contract.conId == 265598 and got_state.status == "Submitted"
    assert got_state.initMarginChange == "1000.5"


@pytest.mark.parametrize(("version", "count"), [(178, 96), (157, 92)])
def test_completed_order_field_count(version: int, count: int) -> None:
    order, state = sample_order_and_state()
    state.status, state.completedStatus = "Filled", "Filled"
    fields = encode("completedOrder", version, order=order, contract=AAPL, state=state)
    assert len(fields) == count
    calls = ib_async_decode(fields, version)
    assert calls[0][0] == "completedOrder" and calls[0][1][2].status == "Filled"


@pytest.mark.parametrize(("version", "count"), [(178, 32), (157, 31)])
def test_exec_details_field_count(version: int, count: int) -> None:
    execution = Execution(
        execId="0001.01",
        orderId=7,
        side="BOT",
        shares=100.0,
        price=189.25,
        permId=1001,
        clientId=1,
        cumQty=100.0,
        avgPrice=189.25,
        acctNumber="DU1234567",
        exchange="ISLAND",
    )
    fields = encode(
        "execDetails",
        version,
        reqId=-1,
        execution=execution,
        contract=AAPL,
        time="20261125 15:00:01 UTC",
    )
    assert len(fields) == count
    report = CommissionReport("0001.01", 1.0, "USD", 0.0, 0.0, 0)
    assert len(encode("commissionReport", version, report=report)) == 8


@pytest.mark.parametrize(("version", "count"), [(178, 6), (157, 5)])
def test_error_field_count(version: int, count: int) -> None:
    fields = encode(
        "error",
        version,
        reqId=5,
        code=200,
        text="No security definition",
        advancedOrderRejectJson="",
    )
    assert len(fields) == count
    assert ib_async_decode(fields, version)[0][0] == "error"


@pytest.mark.parametrize(("version", "count"), [(178, 42), (157, 41)])
def test_contract_details_field_count(version: int, count: int) -> None:
    details = ContractDetails(
        contract=AAPL,
        marketName="NMS",
        minTick=0.01,
        longName="APPLE INC",
        secIdList=[TagValue("ISIN", "US0378331005")],
        timeZoneId="US/Eastern",
        minSize=1.0,
        sizeIncrement=1.0,
        suggestedSizeIncrement=100.0,
    )
    fields = encode(
        "contractDetails", version, reqId=3, details=details, contract=AAPL, lastTradeDate=""
    )
    assert len(fields) == count
    calls = ib_async_decode(fields, version)
    got = calls[0][1][1]
    assert got.contract.conId == 265598 and got.minTick == 0.01 and got.longName == "APPLE INC"


def test_market_data_sizes_are_integers_for_ibapi_157() -> None:
    assert encode("tickSize", 157, reqId=1, tickType=0, size=100.6)[-1] == "101"
    assert encode("tickSize", 178, reqId=1, tickType=0, size=100.5)[-1] == "100.5"
    assert encode("tickSize", 178, reqId=1, tickType=0, size=300.0)[-1] == "300"


def test_unset_and_infinite_values() -> None:
    order, state = sample_order_and_state()
    order.competeAgainstBestOffset = math.inf
    fields = encode("openOrder", 178, order=order, contract=AAPL, state=state)
    assert "Infinite" in fields
    assert "1.7976931348623157e+308" not in fields  # unset doubles go out empty


def test_market_order_round_trip_at_157_through_ib_async() -> None:
    fields = ib_async_fields(157, "placeOrder", 1, AAPL, MarketOrder("SELL", 3))
    request = decode(fields, 157)
    assert request["order"].orderType == "MKT" and request.consumed == len(fields)


@pytest.mark.parametrize("version", [157, 178])
@pytest.mark.parametrize("rows", [1, 3, 100])
def test_sliced_encoding_is_the_same_message(version: int, rows: int) -> None:
    """Pieces of a long reply (head, `rows` rows at a time, tail) join into the whole message."""
    bars = [
        BarData(f"2026112{i}", 1.0 + i, 2.5, 0.5, 1.25, 100.5 + i, 1.125, 7)  # type: ignore[arg-type]
        for i in range(7)
    ]
    ticks = [
        SimpleNamespace(
            time=1764000000 + i, mask=i % 4, price=10.25, size=3, exchange="X", specialConditions=""
        )
        for i in range(5)
    ]
    for name, values in (
        ("historicalData", {"reqId": 9, "start": "a", "end": "b", "bars": bars}),
        ("historicalData", {"reqId": 9, "start": "a", "end": "b", "bars": []}),
        ("historicalTicksLast", {"reqId": 4, "ticks": ticks, "done": True}),
    ):
        pieces = list(encode_slices(name, version, rows, **values))
        assert [f for piece in pieces for f in piece] == encode(name, version, **values)
        assert all(len(piece) <= 8 * rows for piece in pieces[1:-1])


def complex_order() -> Order:
    order = LimitOrder("BUY", 2.5, 100.0, orderId=8, clientId=1, permId=77, algoStrategy="Vwap")
    order.algoParams = [TagValue("maxPctVol", "0.1")]
    order.hedgeType, order.hedgeParam = "D", "0.5"
    order.scalePriceIncrement, order.scalePriceAdjustValue, order.scaleInitPosition = 0.05, 1.5, 3
    order.deltaNeutralOrderType, order.deltaNeutralConId = "LMT", 5
    order.deltaNeutralShortSale, order.deltaNeutralDesignatedLocation = True, "L"
    order.orderType, order.referenceContractId, order.referenceExchangeId = "PEG BENCH", 11, "NYSE"
    order.conditions = [PriceCondition(price=101.5, conId=265598, exch="SMART", isMore=True)]
    order.conditionsIgnoreRth = True
    order.smartComboRoutingParams = [TagValue("NonGuaranteed", "1")]
    return order


@pytest.mark.parametrize("version", [157, 178])
@pytest.mark.parametrize("name", ["openOrder", "completedOrder"])
def test_order_groups_round_trip_through_ib_async(name: str, version: int) -> None:
    order = complex_order()
    state = OrderState(status="Submitted", completedStatus="Filled")
    fields = encode(name, version, order=order, contract=AAPL, state=state)
    [(called, args)] = ib_async_decode(fields, version)
    assert called == name
    got: Order = args[-2]
    for attr in (
        "totalQuantity",
        "lmtPrice",
        "orderType",
        "algoParams",
        "hedgeParam",
        "scalePriceAdjustValue",
        "scaleInitPosition",
        "deltaNeutralConId",
        "deltaNeutralShortSale",
        "deltaNeutralDesignatedLocation",
        "referenceContractId",
        "referenceExchangeId",
        "conditions",
        "conditionsIgnoreRth",
        "smartComboRoutingParams",
    ):
        assert getattr(got, attr) == getattr(order, attr), attr
