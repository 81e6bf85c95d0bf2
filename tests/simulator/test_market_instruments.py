"""Instrument universe: data, expiries, IB matching semantics, contract details."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ib_async import Contract, Forex, Future, Index, Stock

from terminal_app.simulator.market.calendar import is_open
from terminal_app.simulator.market.instruments import Universe, last_trade_date, next_expiries

AS_OF = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_universe_has_the_required_instruments(universe):
    by_type: dict[str, set[str]] = {}
    for inst in universe.instruments:
        by_type.setdefault(inst.secType, set()).add(inst.localSymbol)
    assert len(by_type["STK"]) >= 15
    assert {"AAPL", "MSFT", "NVDA", "TSLA", "AMD", "INTC", "AMZN", "META", "GOOGL"} <= by_type[
        "STK"
    ]
    assert {"SPY", "QQQ", "IWM"} <= by_type["STK"]
    assert {
        "EUR.USD", "USD.JPY", "GBP.USD", "USD.CHF", "USD.CAD", "AUD.USD", "NZD.USD", "EUR.GBP"
    } <= by_type["CASH"]  # fmt: skip
    roots = {s.rstrip("0123456789")[:-1] for s in by_type["FUT"]}
    assert {"ES", "NQ", "MES", "MNQ", "CL", "GC", "ZN"} <= roots
    assert "SPX" in by_type["IND"]


def test_con_ids_are_stable_across_loads(universe):
    again = Universe.load(as_of=AS_OF)
    assert [i.conId for i in again.instruments] == [i.conId for i in universe.instruments]
    assert universe.by_con_id[265598].symbol == "AAPL"


def test_futures_specs(universe):
    es = universe.match(Future("ES", exchange="CME"))
    assert [i.localSymbol for i in es] == ["ESZ6", "ESH7", "ESM7", "ESU7"]
    assert es[0].multiplier == 50 and es[0].minTick == 0.25 and es[0].tradingClass == "ES"
    assert es[0].lastTradeDateOrContractMonth == "20261218"
    (mes,) = universe.match(Future("MES", "202612", "CME"))
    assert mes.localSymbol == "MESZ6" and mes.multiplier == 5
    (zn,) = universe.match(Future("ZN", "202703", "CBOT"))
    assert zn.minTick == 0.015625 and zn.multiplier == 1000
    cl = universe.match(Future("CL", exchange="NYMEX"))
    assert [i.localSymbol for i in cl] == ["CLF7", "CLG7", "CLH7", "CLJ7"]
    assert cl[0].minTick == 0.01 and cl[0].multiplier == 1000
    gc = universe.match(Future("GC", exchange="COMEX"))
    assert [i.localSymbol for i in gc] == ["GCZ6", "GCG7", "GCJ7", "GCM7"]
    assert gc[0].minTick == 0.1 and gc[0].multiplier == 100


def test_expiry_rules():
    assert last_trade_date("third_friday", 2027, 3) == date(2027, 3, 19)
    # CL Feb 2027: 25 Jan 2027 is a Monday -> 3 business days before = 20 Jan
    assert last_trade_date("cl", 2027, 2) == date(2027, 1, 20)
    # CL Jan 2027: 25 Dec 2026 is a Friday (holidays not modelled) -> 22 Dec
    assert last_trade_date("cl", 2027, 1) == date(2026, 12, 22)
    # GC Dec 2026: last business day 31 Dec (Thu) -> third last = 29 Dec
    assert last_trade_date("third_last_business_day", 2026, 12) == date(2026, 12, 29)
    # ZN Mar 2027: last business day 31 Mar (Wed) -> 7 business days earlier = 22 Mar
    assert last_trade_date("zn", 2027, 3) == date(2027, 3, 22)
    # on expiry day the contract is still listed, the day after it is gone
    assert next_expiries("HMUZ", "third_friday", date(2026, 12, 18))[0][2] == date(2026, 12, 18)
    assert next_expiries("HMUZ", "third_friday", date(2026, 12, 19))[0][2] == date(2027, 3, 19)


def test_expiries_follow_the_simulated_date():
    later = Universe.load(as_of=datetime(2027, 1, 5, 15, tzinfo=UTC))
    assert [i.localSymbol for i in later.match(Future("ES"))] == ["ESH7", "ESM7", "ESU7", "ESZ7"]


def test_match_semantics(universe):
    assert [i.symbol for i in universe.match(Stock("AAPL", "SMART", "USD"))] == ["AAPL"]
    assert len(universe.match(Stock("AAPL", "NASDAQ", "USD"))) == 1  # directed exchange
    assert universe.match(Stock("AAPL", "SMART", "EUR")) == []
    assert universe.match(Contract(conId=265598))[0].symbol == "AAPL"
    assert universe.match(Contract(conId=1)) == []
    assert len(universe.match(Future("ES"))) == 4  # ambiguous: every expiry
    assert len(universe.match(Future("ES", exchange="GLOBEX"))) == 4  # old exchange name
    assert len(universe.match(Future("ES", "20261218", "CME"))) == 1
    assert universe.match(Contract(secType="FUT", localSymbol="ESH7"))[0].symbol == "ES"
    assert len(universe.match(Future("ES", "202612", "CME", multiplier="5"))) == 0
    assert len(universe.match(Contract(symbol="ES", secType="FUT", tradingClass="ES"))) == 4
    (eur,) = universe.match(Forex("EURUSD"))
    assert eur.localSymbol == "EUR.USD" and eur.minTick == 0.00005
    (jpy,) = universe.match(Forex("USDJPY"))
    assert jpy.minTick == 0.005
    assert universe.match(Index("SPX", "CBOE"))[0].conId == 416904
    assert universe.match(Stock("NOPE", "SMART", "USD")) == []
    # Options come from `market.options` once a Market serves this universe (see
    # test_e2e_options); whatever is attached, a strike and right narrow them.
    for inst in universe.match(Contract(secType="OPT", symbol="AAPL", strike=200, right="C")):
        assert (inst.secType, inst.strike, inst.right) == ("OPT", 200, "C")
    # no symbol at all: nothing (IB answers error 200)
    assert universe.match(Contract(secType="STK", exchange="SMART")) == []


def test_contract_and_details(universe):
    (aapl,) = universe.match(Stock("AAPL", "SMART", "USD"))
    c = aapl.contract()
    assert (c.conId, c.secType, c.exchange, c.primaryExchange, c.currency) == (
        265598, "STK", "SMART", "NASDAQ", "USD"
    )  # fmt: skip
    d = aapl.details(AS_OF)
    assert d.minTick == 0.01 and d.longName == "APPLE INC" and d.timeZoneId == "US/Eastern"
    assert "LMT" in d.orderTypes.split(",") and "SMART" in d.validExchanges.split(",")
    assert d.tradingHours.startswith("20261124:0400-20261124:2000;")
    assert d.liquidHours.startswith("20261124:0930-20261124:1600;")
    assert "20261128:CLOSED" in d.liquidHours
    assert len(d.marketRuleIds.split(",")) == len(d.validExchanges.split(","))
    # the parsed sessions ib_async offers from these strings
    # NYSE: Thanksgiving (Thursday 26th) closed, Friday closes at 13:00 (after hours to 17:00).
    assert "20261126:CLOSED" in d.liquidHours and "20261127:0930-20261127:1300" in d.liquidHours
    assert "20261127:0400-20261127:1700" in d.tradingHours
    assert len(d.tradingSessions()) == 4
    es = universe.match(Future("ES", "202612"))[0]
    ed = es.details(AS_OF)
    assert ed.contract is not None and ed.contract.multiplier == "50"
    assert ed.contractMonth == "202612" and ed.timeZoneId == "US/Central"
    assert ed.tradingHours.startswith(
        "20261124:1700-20261124:1600".replace("1124:1700", "1123:1700")
    )


def test_matching_symbols(universe):
    hits = universe.matching_symbols("A")
    symbols = [d.contract.symbol for d in hits if d.contract]
    assert symbols[:3] == ["AAPL", "AMD", "AMZN"] and len(hits) <= 16
    by_name = universe.matching_symbols("apple")
    assert [d.contract.symbol for d in by_name if d.contract] == ["AAPL"]
    es = universe.matching_symbols("ES")
    assert next((d.contract.symbol, d.contract.secType) for d in es if d.contract) == ("ES", "FUT")
    assert "TSLA" not in [d.contract.symbol for d in es if d.contract]
    eur = universe.matching_symbols("EURUSD")[0].contract
    assert eur is not None and eur.secType == "CASH"
    assert universe.matching_symbols("") == []


def test_exchange_holidays_and_early_closes(universe: Universe) -> None:
    """NYSE and CME calendars from exchange_calendars (issue 19): Thanksgiving 2026 and the
    Friday after, Christmas."""
    (aapl,) = universe.match(Stock("AAPL", "SMART", "USD"))
    (es,) = universe.match(Future("ES", "202612"))
    (eur,) = universe.match(Forex("EURUSD"))

    def at(day: int, hhmm: str, tz: str = "America/New_York", month: int = 11) -> float:
        h, m = map(int, hhmm.split(":"))
        return datetime(2026, month, day, h, m, tzinfo=ZoneInfo(tz)).timestamp()

    assert not is_open(aapl.sessions, at(26, "11:00"), rth=True)  # Thanksgiving
    assert is_open(aapl.sessions, at(27, "12:59"), rth=True)
    assert not is_open(aapl.sessions, at(27, "13:01"), rth=True)  # 13:00 early close
    assert is_open(aapl.sessions, at(27, "16:30")) and not is_open(aapl.sessions, at(27, "17:01"))
    assert not is_open(aapl.sessions, at(25, "11:00", month=12), rth=True)  # Christmas
    chicago = "America/Chicago"
    assert is_open(es.sessions, at(27, "11:59", chicago))
    assert not is_open(es.sessions, at(27, "12:01", chicago))  # Globex halts at 12:00 CT
    assert is_open(eur.sessions, at(26, "11:00"))  # IDEALPRO keeps no exchange calendar
