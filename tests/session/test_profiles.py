"""Connection profiles: ports, LIVE marking, remote-host warning, settings round trip."""

import pytest

from terminal_app.session.profiles import (
    ConnectionProfile,
    ProfileKind,
    builtin_profiles,
    default_profile,
    is_loopback,
    make_profile,
)
from terminal_app.session.state import Backoff, ConnectionState, Phase


def test_builtin_profiles_have_ibs_ports_and_live_flags() -> None:
    table = {p.kind: (p.port, p.is_live, p.name) for p in builtin_profiles()}
    assert table[ProfileKind.TWS_PAPER][:2] == (7497, False)
    assert table[ProfileKind.TWS_LIVE][:2] == (7496, True)
    assert table[ProfileKind.GATEWAY_PAPER][:2] == (4002, False)
    assert table[ProfileKind.GATEWAY_LIVE][:2] == (4001, True)
    assert builtin_profiles()[0] == default_profile()
    assert default_profile().is_simulated and not default_profile().is_live
    assert default_profile().name == "Simulated (embedded)"


def test_custom_profile_is_live_on_live_ports_or_when_marked() -> None:
    assert not make_profile(ProfileKind.CUSTOM, port=7000).is_live
    assert make_profile(ProfileKind.CUSTOM, port=4001).is_live
    assert make_profile(ProfileKind.CUSTOM, port=7000, live=True).is_live
    # The built-in kinds cannot be talked out of being live.
    assert make_profile(ProfileKind.TWS_LIVE, live=False).is_live


def test_paper_profile_on_a_live_port_counts_as_live() -> None:
    # `--profile "TWS paper" --connect host:7496` keeps the paper kind but reaches live TWS.
    assert make_profile(ProfileKind.TWS_PAPER, port=7496).is_live
    assert make_profile(ProfileKind.GATEWAY_PAPER, host="10.0.0.5", port=4001).is_live
    assert not make_profile(ProfileKind.TWS_PAPER).is_live


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.4.5", True),
        ("::1", True),
        ("localhost", True),
        ("192.168.1.20", False),
        ("10.0.0.1", False),
        ("tws.example.com", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    profile = make_profile(ProfileKind.TWS_PAPER, host=host)
    assert profile.needs_host_warning is (not loopback)


def test_simulated_profile_never_needs_a_host_warning() -> None:
    assert not make_profile(ProfileKind.SIMULATED, host="10.1.1.1").needs_host_warning


def test_profile_round_trips_through_settings_dict() -> None:
    p = make_profile(
        ProfileKind.CUSTOM,
        host="192.168.0.9",
        port=4100,
        client_id=7,
        read_only=True,
        account="U123",
        live=True,
        name="Office box",
    )
    assert ConnectionProfile.from_dict(p.to_dict()) == p
    assert p.to_dict()["kind"] == "custom"


def test_bad_settings_raise_value_error() -> None:
    with pytest.raises(ValueError):
        ConnectionProfile.from_dict({"kind": "nonsense"})
    with pytest.raises(ValueError):
        ConnectionProfile.from_dict({"kind": "custom", "port": 70000})
    with pytest.raises(ValueError):
        ConnectionProfile.from_dict({"kind": "custom", "port": "abc"})
    for timeout in (0, -1):  # ib_async would wait forever for a 0 timeout
        with pytest.raises(ValueError, match="timeout"):
            ConnectionProfile.from_dict({"kind": "custom", "timeout": timeout})
        with pytest.raises(ValueError, match="timeout"):
            make_profile(ProfileKind.TWS_PAPER, timeout=timeout)


def test_backoff_grows_and_is_capped() -> None:
    b = Backoff(initial=0.5, factor=2, cap=4)
    assert [b.delay(n) for n in range(1, 7)] == [0.5, 1, 2, 4, 4, 4]


def test_state_text_for_the_status_bar() -> None:
    assert ConnectionState(Phase.CONNECTED).text == "Connected"
    s = ConnectionState(Phase.RECONNECTING, "connection lost", attempt=3, next_in=2.0)
    assert s.text == "Reconnecting (attempt 3 in 2.0s): connection lost"
    assert ConnectionState(Phase.FAILED, "refused").text == "Failed: refused"
