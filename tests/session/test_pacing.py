"""IB's historical-data pacing rules, checked on a fake clock."""

from terminal_app.session.pacing import HistoryKey, HistoryPacer, PacingRules


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def key(con_id: int = 1, bar: str = "1 min", dur: str = "1 D", what: str = "TRADES") -> HistoryKey:
    return HistoryKey(con_id, "SMART", what, "", dur, bar, False)


def test_identical_request_waits_15_seconds() -> None:
    clock = FakeClock()
    p = HistoryPacer(clock=clock)
    assert p.delay(key()) == 0
    p.record(key())
    assert p.delay(key()) == 15
    clock.t += 10
    assert p.delay(key()) == 5
    assert p.delay(key(bar="5 mins")) == 0  # not identical
    clock.t += 5
    assert p.delay(key()) == 0


def test_at_most_five_requests_per_contract_within_two_seconds() -> None:
    clock = FakeClock()
    p = HistoryPacer(clock=clock)
    for i in range(5):
        k = key(dur=f"{i + 1} D")
        assert p.delay(k) == 0
        p.record(k)
        clock.t += 0.1
    assert abs(p.delay(key(dur="9 D")) - 1.5) < 1e-9  # first of the five was 0.5 s ago
    assert p.delay(key(con_id=2)) == 0  # other contracts are unaffected
    assert p.delay(key(dur="9 D", what="MIDPOINT")) == 0  # other data type too
    clock.t += 1.5
    assert p.delay(key(dur="9 D")) == 0


def test_at_most_sixty_requests_in_ten_minutes() -> None:
    clock = FakeClock()
    p = HistoryPacer(clock=clock)
    for i in range(60):
        k = key(con_id=i)
        assert p.delay(k) == 0
        p.record(k)
        clock.t += 1
    # The first went at t=1000; the 61st may go at t=1600.
    assert p.delay(key(con_id=99)) == 1600 - clock.t
    clock.t = 1600
    assert p.delay(key(con_id=99)) == 0
    assert p.sent_in_window() == 59


def test_block_after_a_violation_holds_everything() -> None:
    clock = FakeClock()
    p = HistoryPacer(PacingRules(), clock=clock)
    p.block(30)
    assert p.delay(key(con_id=5)) == 30
    assert p.blocked_for == 30
    clock.t += 30
    assert p.delay(key(con_id=5)) == 0 and p.blocked_for == 0
