from pathlib import Path

import pytest

from terminal_app.cli import parse_args


def test_defaults_start_the_embedded_gateway() -> None:
    opts = parse_args([])
    assert opts.host is None and opts.port is None and not opts.self_test


def test_all_options() -> None:
    opts = parse_args(
        [
            "--connect",
            "127.0.0.1:7497",
            "--client-id",
            "7",
            "--profile",
            "TWS paper",
            "--screenshot",
            "out.png",
            "--quit-after",
            "2.5",
            "--self-test",
        ]
    )
    assert (opts.host, opts.port, opts.client_id) == ("127.0.0.1", 7497, 7)
    assert opts.profile == "TWS paper"
    assert opts.screenshot == Path("out.png") and opts.quit_after == 2.5 and opts.self_test


@pytest.mark.parametrize("bad", ["7497", "host:", "host:99999", ":7497"])
def test_bad_connect_is_rejected(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--connect", bad])
    assert "HOST:PORT" in capsys.readouterr().err


def test_ipv6_connect() -> None:
    assert parse_args(["--connect", "[::1]:4002"]).host == "::1"
