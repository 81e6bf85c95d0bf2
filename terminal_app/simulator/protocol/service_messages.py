"""Server -> client layouts of the replies to `service_requests` (ib_async `Decoder`, ibapi 9.81
`decoder.py`); `messages.MESSAGES` includes them."""

from __future__ import annotations

from terminal_app.simulator.protocol.spec import Const, Each, F, Kind, MessageSpec

S, N, D, B, Z = Kind.STR, Kind.INT, Kind.FLOAT, Kind.BOOL, Kind.SIZE

SERVICE_MESSAGES: dict[str, MessageSpec] = {
    "displayGroupList": MessageSpec(67, (Const("1"), F("reqId", N), F("groups"))),
    "displayGroupUpdated": MessageSpec(68, (Const("1"), F("reqId", N), F("contractInfo"))),
    "positionMultiEnd": MessageSpec(72, (Const("1"), F("reqId", N))),
    "softDollarTiers": MessageSpec(
        77, (F("reqId", N), Each("tiers", object, (F("_.name"), F("_.val"), F("_.displayName"))))
    ),
    "familyCodes": MessageSpec(
        78, (Each("codes", object, (F("_.accountID"), F("_.familyCodeStr"))),)
    ),
    "smartComponents": MessageSpec(
        82,
        (
            F("reqId", N),
            Each(
                "components",
                object,
                (F("_.bitNumber", N), F("_.exchange"), F("_.exchangeLetter")),
            ),
        ),
    ),
    "histogramData": MessageSpec(
        89, (F("reqId", N), Each("items", object, (F("_.price", D), F("_.count", N))))
    ),
    "historicalSchedule": MessageSpec(
        106,
        (
            F("reqId", N),
            F("start"),
            F("end"),
            F("timeZone"),
            Each("sessions", object, (F("_.start"), F("_.end"), F("_.refDate"))),
        ),
    ),
    "userInfo": MessageSpec(107, (F("reqId", N), F("whiteBrandingId"))),
}
